"""What the inbox's top line says (status, counts, work under way, the cursor's place),
and the helpers a new list is placed with (its count's floor, the row to stay on)."""

from __future__ import annotations

from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.priority import now_priority
from scrm_tui.core.query import Query
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.screens.inbox_part import InboxPart
from scrm_tui.ui.widgets import status_line
from scrm_tui.ui.widgets.first_run import FirstRun


class TopAndPlace(InboxPart):
    """Part of the inbox screen: the top line and where a new list opens."""

    def update_status(self) -> None:
        # Nothing stored at all (not a filter that matched nothing): say how to begin.
        empty = not self.busy_text and self.total == 0 and self.query_.is_empty
        self.set_class(empty, "-first-run")
        if empty:
            self.query_one(FirstRun).show(listening=self.top_line.sources is not None)
        window = self.mention_list.window
        counted = window is not None and window.total is not None
        status = status_line.Status(
            title=self.title_text,
            total=self.total,
            unread=self.unread,
            not_sent=self.not_sent,
            selected=self.mention_list.selection.count,
            busy=self.busy_text,
            filter=None if self.query_.is_empty else self.query_.source,
            matched=window.size if window is not None and counted else None,
            matched_floor=window.floor if window is not None else None,
            by_priority=window is not None and window.order is Order.PRIORITY,
            work=" · ".join(self._work.values()) or None,
            spike=None if self.spike is None else self.spike.all_words(),
        )
        self.top_line.show(status, unseen=self.mention_list.unseen, position=self._position())

    def show_work(self, text: str | None, job: str = "work") -> None:
        """Say on the top line how far a background job is (`scoring priorities 40%`),
        or (None) that it ended; jobs that run at once each keep their own text."""
        if text is None:
            self._work.pop(job, None)
        else:
            self._work[job] = text
        self.update_status()

    def update_position(self) -> None:
        self.top_line.show_position(self._position())

    def _position(self) -> str:
        """`12/1,523` as in mutt: where the cursor is in the current list."""
        window = self.mention_list.window
        if window is None or not window.size:
            return ""
        total = f"{window.total:,}" if window.total is not None else "…"
        if window.total is None and window.floor is not None:
            total = f"≥{window.floor:,}"  # a count not known yet says so
        return f"{self.mention_list.cursor + 1:,}/{total}"

    def _floored(self, window: StreamWindow) -> None:
        """A filter's capped count reached its cap: "at least" until the true count."""
        self.update_status()
        if self.filter_bar.is_open and window is self.mention_list.window:
            self.filter_bar.say(f"≥ {window.floor:,} matches, counting…")

    async def _place_of(self, window: StreamWindow, row: MentionRow | None) -> int | None:
        """Where `row` is in a new window (its rows around it loaded), if it is listed."""
        if row is None:
            return None
        fresh = await self.inbox.listed_among(window.query, [row.id], window.mark)
        if not fresh:
            return None
        key = fresh[0].key_in(window.order)
        place = await self.inbox.count_before(window.query, key, window.mark, window.order)
        await window.ensure(max(place - window.page, 0), place + window.page)
        return place

    def _priority_at(self, row: MentionRow, now_ms: int) -> int | None:
        """A row's priority now: it falls with age, at the rate the weights say."""
        rate = self.inbox.priorities.known.ms_per_point
        return now_priority(row.priority, row.created_ms, now_ms, rate)

    def _keep_selection(self, query: Query) -> None:
        """Everything a filter matched (T) is a selection of that filter: another
        filter drops it (saying so) and keeps only what space picked."""
        selection = self.mention_list.selection
        kept = selection.for_view(query)
        if kept != selection:
            self.mention_list.set_selection(kept)
            self.notify(
                f"The selection of all {selection.matched:,} matching the last filter "
                "was let go: T selects all that this one matches.",
                markup=False,
            )
