"""The inbox: the live stream, the reading pane, the filter line and the actions."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionRow, Order, SentimentLabel, Status
from scrm_tui.core.priority import now_priority
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.core.selection import Selection
from scrm_tui.core.tags import TagEdit
from scrm_tui.core.views import KEYED, View, filter_problem
from scrm_tui.service.inbox import Inbox, StoreError
from scrm_tui.service.snooze import WOKE, Until
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.bulk_actions import BulkActions, said_plainly
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.claiming import claim_for
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.widgets import status_line
from scrm_tui.ui.widgets.filter_bar import FilterBar
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from scrm_tui.ui.widgets.mention_detail import MentionDetail
from scrm_tui.ui.widgets.mention_list import MentionList
from scrm_tui.ui.widgets.top_line import Line, TopLine
from scrm_tui.ui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from scrm_tui.service.bulk import Change, Outcome
    from scrm_tui.service.spikes import Recent
    from scrm_tui.ui.dialogs.reward import RewardEntry
    from scrm_tui.ui.screens.dashboard import Opened

# The bulk machinery (service/bulk and its stores) loads with the first action that
# writes (x, u, z, a, t on a selection or a mention), not with the inbox.

FILTER_DEBOUNCE = 0.25
MAX_ANSWERED = 1000  # one macro post answers at most this many mentions
AGE_REFRESH = 15.0
SOURCES_REFRESH = 5.0  # a collector that died changes nothing in the database: look
SLOW_WRITE = 0.5  # a write that waits longer than this is waiting for another process
CLAIM_TICK = 1.0  # "✎ dana, 12s" counts by the second
# Every this many seconds an inbox tests the running hour for a spike and reads the
# spikes raised (service/spikes.py): ~30 rollup rows, whatever the commits or the size
# of the database, so a burst shows on every top line within a minute.
SPIKE_TICK = 10.0
# The first test comes this long after the first page is shown: its imports and reads
# (~15 ms) are not the first frame's (tests/test_startup_imports.py).
SPIKES_AFTER_READY = 1.0
PANE_DELAY = 0.08  # s after the cursor stops before the reading pane loads
SAVING = "saving… (waiting for the database)"


# An empty database, no filter: what fills the inbox (in the list's place, at 80x24).
FIRST_RUN = Content.assemble(
    ("No mentions yet.", "bold"),
    " To begin:\n\n",
    *(
        part
        for command, what in (
            ("scrm demo", "try scrm on demo data (a database of its own)"),
            ("scrm init", "write a config: watch terms and accounts"),
            ("scrm ingest FILE", "add mentions from a JSON Lines file"),
            ("scrm customers import FILE", "add your customers (CSV, JSON, JSON Lines)"),
        )
        for part in (("  " + command.ljust(28), "bold $accent"), what + "\n")
    ),
    (
        "\nOnce the config has watch terms, this app (or scrm watch) listens and\n"
        "mentions appear here. ? lists the keys, q quits.",
        "$text-muted",
    ),
)
# The same, once sources are listening: nothing to do but wait (or look at S).
LISTENING = Content.assemble(
    ("No mentions yet.", "bold"),
    " The sources are listening; what they find appears here.\n\n",
    ("S", "bold $accent"),
    " shows each source's state, ",
    ("?", "bold $accent"),
    " lists the keys.",
)


def _marking(change: Change) -> str:
    """What the top line says while x or u writes a selection."""
    from scrm_tui.service.bulk import ReadChange, StatusChange

    if isinstance(change, StatusChange):
        return "marking done" if change.status is Status.DONE else "reopening"
    return "marking read" if isinstance(change, ReadChange) and change.read else "marking unread"


class InboxScreen(BulkActions, ReportsFailures, Screen[None]):
    # Footer order is what an agent does most; all of them are in `?`.
    BINDINGS = [
        Binding("enter", "open", "Open", id="inbox.open"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("x", "toggle_done", "Done/reopen", id="inbox.done"),
        Binding("e", "escalate", "Escalate", id="inbox.escalate"),
        Binding("slash", "filter", "Filter", id="inbox.filter"),
        Binding("c", "customer", "Customer", id="inbox.customer"),
        Binding("l", "link", "Link author", id="inbox.link"),
        Binding("u", "toggle_read", "Read/unread", id="inbox.read"),
        Binding("z", "snooze", "Snooze", id="inbox.snooze"),
        Binding("s", "sentiment", "Sentiment", id="inbox.sentiment"),
        Binding("o", "order", "Order", id="inbox.order"),
        Binding("a", "assign", "Assign", id="inbox.assign"),
        Binding("A", "take", "Take", id="inbox.take"),
        Binding("t", "tag", "Tags", id="inbox.tag"),
        Binding("T", "select_all", "Select all matching", id="inbox.select_all"),
        Binding("U", "undo", "Undo", id="inbox.undo"),
        Binding("R", "macro", "Answer selected", id="inbox.macro"),
        Binding("C", "find_customer", "Find customer", id="inbox.find_customer"),
        Binding("E", "escalations", "Escalations", id="inbox.escalations"),
        Binding("L", "review", "Review links", id="inbox.review"),
        Binding("D", "dashboard", "Dashboard", id="inbox.dashboard"),
        Binding("O", "outbox", "Outbox", id="inbox.outbox"),
        Binding("S", "sources", "Sources", id="inbox.sources"),
        Binding("y", "copy_link", "Copy link", id="inbox.copy_link"),
        Binding("w", "reward", "Reward author", show=False, id="inbox.reward"),
        Binding("V", "save_view", "Save view", show=False, id="inbox.save_view"),
        *(
            Binding(
                str(n),
                f"view({n})",
                f"View {n}",
                show=False,
                id=f"inbox.view_{n}",
            )
            for n in range(1, KEYED + 1)
        ),
        Binding("0", "view(0)", "No view (all)", show=False, id="inbox.view_0"),
        Binding("n", "next_match", "Next match of /", show=False, id="inbox.next_match"),
        Binding(
            "N", "previous_match", "Previous match of /", show=False, id="inbox.previous_match"
        ),
        Binding("exclamation_mark", "spike", "Spike", show=False, id="inbox.spike"),
        Binding("escape", "back", "Back", show=False, id="inbox.back"),
    ]
    _dropped = False  # rows z took off the list before their snooze is written
    _dashboard_range = "7d"  # D opens on the range it was last left on

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        """Where this screen's keys come from, titled as `?` lists them."""
        return [("list", MentionList), ("inbox", cls), ("reading pane", MentionDetail)]

    class Stored(Message):
        """Mentions were committed by this process (coalesced while one is queued)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, InboxScreen.Stored)

    class SourcesPolled(Message):
        """This process's collector recorded how a poll went (coalesced): what it
        records wakes no inbox, so the sources' line is told here."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, InboxScreen.SourcesPolled)

    def __init__(
        self,
        inbox: Inbox,
        *,
        title: str,
        poll_interval: float = 0.5,
        startup: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.inbox = inbox
        self._startup = startup  # told each step of start-up (ScrmApp.startup_step)
        self.title_text = title
        self.poll_interval = poll_interval
        self.query_: Query = Query()
        self.total: int | None = None
        self.unread: int | None = None
        self.busy_text: str | None = "Loading…"
        self.not_sent = 0  # outbox items that failed: shown until retried or discarded
        self._filter_timer: Timer | None = None
        self._bar_closing = False  # Enter: the filter line goes when the new rows come
        self._footer_waits = False  # start(): the footer's keys wait for the first rows
        self._requested = self.query_  # the view last asked for (query_ once loaded)
        self._search: Query | None = None  # the last `/` filter: what n and N look for
        self._polling = False
        self._look_again = False  # something was stored while a look was under way
        self._look_fresh = True  # ...and only the app's ticks noticed it (check_changes)
        self._views_seq = -1  # the newest view saved that the view bar was told of
        self._missed = False  # something changed before the first page was up
        self._pane_wants: int | None = None  # the mention under the cursor, for the pane
        self._ready = False
        self._slow_writes = 0  # writes waiting for another process's lock
        self.order = Order.NEWEST  # `o` switches to highest priority first and back
        self._work: dict[str, str] = {}  # background jobs under way: how far, top line
        self._last_change = 0  # the newest snooze or wake-up this list has taken in
        # When tick last did each thing that goes by the clock (monotonic seconds).
        self._clock_at = {"ages": 0.0, "sources": 0.0, "claims": 0.0, "spikes": 0.0}
        self.spike: Recent | None = None  # the newest spike of the last hours (`!`)

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        app = self.app
        clock = getattr(app, "clock", None)
        kwargs = {"clock": clock} if clock else {}
        self.top_line = TopLine(self.title_text, self.inbox.now_ms, id="topbar")
        yield self.top_line
        yield ViewBar(self.inbox, id="view-bar")
        # Kept at hand: the app's tick reaches them many times a second (and while the
        # screen is being torn down, when a query would find nothing).
        self._list = MentionList(id="list", **kwargs)
        self._detail = MentionDetail(id="detail", **kwargs)
        with Horizontal(id="panes"):
            yield self._list
            yield Line(id="first-run")
            yield self._detail
        yield FilterBar(self._filter_submitted, id="filter-bar")
        yield KeysFooter()

    @property
    def mention_list(self) -> MentionList:
        return self._list

    @property
    def detail(self) -> MentionDetail:
        return self._detail

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def view_bar(self) -> ViewBar:
        return self.query_one(ViewBar)

    def on_mount(self) -> None:
        self.set_class(self.app.no_color, "-no-color")
        self.mention_list.focus()
        self.mention_list.priority_at = self._priority_at
        self.update_status()
        self.load_sources()
        self.watch(self.mention_list, "unseen", lambda _: self.update_status(), init=False)
        # In the handler of the key that moved it, not on its Highlighted message: that
        # bubbles up after the list's frame is drawn, and the position would follow in a
        # frame of its own, a frame or two (17-33 ms) behind the cursor.
        self.watch(self.mention_list, "cursor", lambda _: self.update_position(), init=False)

    async def first_page(self, window: StreamWindow) -> int:
        """Load the first page (the app starts this before the screen is up); returns
        the last snooze or wake-up before it. Every commit from here on is noticed."""
        await self.inbox.notice_changes()
        last_change = await self.inbox.snoozes.last_change()
        await window.start()
        await self._step("first-page")
        await self.inbox.snoozes.load_zone()  # for `z` and the reading pane
        return last_change

    async def _step(self, step: str) -> None:
        if self._startup is not None:
            await self._startup(step)

    def start(self, first: tuple[StreamWindow, Worker[int]] | None = None) -> None:
        """Show the stream (called by the app once the database is ready); `first` is
        a window whose first page the app is already loading."""
        self.busy_text = None
        self._views_seq = self.inbox.pulse.views_seq  # the bar's first count is after it
        self.mention_list.expect_window()
        # The footer's two dozen keys (~10 ms to style and lay out) follow the first
        # frame with rows, not the first frame: the rows must not wait for them.
        self.footer.hold()
        self._footer_waits = True
        self._load_view(self.query_, first)

    # ---------------------------------------------------------------- status line

    def update_status(self) -> None:
        # Nothing stored at all (not a filter that matched nothing): say how to begin.
        empty = not self.busy_text and self.total == 0 and self.query_.is_empty
        self.set_class(empty, "-first-run")
        if empty:
            first_run = self.query_one("#first-run", Line)
            first_run.say(FIRST_RUN if self.top_line.sources is None else LISTENING)
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

    def on_resize(self) -> None:
        self.top_line.fit()

    def on_mention_list_highlighted(self, message: MentionList.Highlighted) -> None:
        self._pane_wants = message.row.id if message.row else None
        # The cursor's frame goes out first; the pane follows where the cursor stops
        # (keys held down or typed fast load no pane on the way).
        self._load_pane(self._pane_wants, PANE_DELAY if self.detail.mention_id else 0.0)

    # ---------------------------------------------------------------- loading

    def load_view(self, query: Query, *, stay_on: MentionRow | None = None) -> None:
        """Show the stream for `query` in the current order; keys typed meanwhile apply to
        the new list. `stay_on`: the mention to keep selected (if the list has it)."""
        self._requested = query
        self.mention_list.expect_window()
        self._load_view(query, stay_on=stay_on)

    @work(group="view", exclusive=True, exit_on_error=False)
    async def _load_view(
        self,
        query: Query,
        first: tuple[StreamWindow, Worker[int]] | None = None,
        stay_on: MentionRow | None = None,
    ) -> None:
        try:
            if first is not None:
                window, loading = first
                last_change = await loading.wait()
            else:
                # Snoozes and wake-ups after this reach the list (resync).
                await self.inbox.notice_changes()
                last_change = await self.inbox.snoozes.last_change()
                window = StreamWindow(self.inbox, query, order=self.order)
                await window.start()
                shown = self.mention_list.window
                if (
                    isinstance(shown, StreamWindow)
                    and shown.query == query
                    and shown.mark == window.mark
                    and shown.total is not None
                ):
                    # The same rows in another order (`o`): the count holds, and `G`
                    # reaches the true end at once.
                    window.total = shown.total
            place = await self._place_of(window, stay_on)
        except Exception:  # not CancelledError: a newer load is on its way
            self.mention_list.window_failed()
            self._close_bar_for_rows()
            self._footer_follows()
            raise
        self.query_ = query
        self._last_change = last_change
        self._keep_selection(query)
        self.mention_list.set_window(window, place or 0)
        self._close_bar_for_rows()
        self._footer_follows()
        self.view_bar.show_query(query)
        self.update_status()
        if window.total is None:
            if self.filter_bar.is_open and not query.is_empty:
                self.filter_bar.say("counting…")
            await self.mention_list.load_count(lambda: self._floored(window))
        self.load_stats()
        ready, self._ready = self._ready, True
        self.update_status()
        if self._missed:
            self._missed = False
            self.check_changes(force=True)
        if not ready:
            self._clock_at["spikes"] = time.monotonic() - SPIKE_TICK + SPIKES_AFTER_READY
            if gc.get_freeze_count():
                # The cli froze what it imported (scrm_tui/cli.py); what the screen built
                # for its first view lives as long. Left unfrozen, a full collection walks
                # it every few dozen commits (40-130 ms each, 1-4 ms a commit), taken
                # from whichever commit it falls on.
                gc.freeze()
            await self._step("ready")
        if self.filter_bar.is_open and not query.is_empty:
            self.filter_bar.say(f"{window.size:,} match" + ("" if window.size == 1 else "es"))

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

    def load_detail(self, mention_id: int | None) -> None:
        """The reading pane shows `mention_id` again as stored now (it changed): at once,
        unless the cursor has moved on (the load for where it is comes anyway)."""
        if mention_id == self._pane_wants:
            self._load_pane(mention_id, 0.0)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def _load_pane(self, mention_id: int | None, delay: float) -> None:
        """Fill the reading pane (a newer load cancels this one); a load the cursor
        has left behind by the time it is read is dropped, never shown."""
        if delay:
            await asyncio.sleep(delay)
        if mention_id is None:
            self.detail.show(None)
            return
        detail = await self.inbox.detail(mention_id)
        items = await self.inbox.replies_to(mention_id)
        escalations = await self.inbox.escalations.for_mention(mention_id)
        drafted = bool(await self.inbox.outbox.drafted(self.inbox.agent, [mention_id]))
        if mention_id == self._pane_wants:
            self.detail.show(detail, items, escalations, drafted)

    def outbox_changed(self, items: object) -> None:
        """The app sent or failed something: the reading pane shows reply states."""
        self.load_stats()
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def tick(self, changed: bool) -> None:
        """The app's clock (ScrmApp._tick) ticked; `changed`: a commit this inbox shows
        landed. Reads only when something changed or a snooze came due; otherwise it
        repaints what goes by the clock (a claim's seconds, the ages) when due."""
        if not self.is_mounted:
            self._missed |= changed  # the app ticks from before the screen is up
            return
        now = time.monotonic()
        if self._due("claims", CLAIM_TICK, now):
            self.mention_list.refresh_claims()  # only rows with a claim
            self.detail.tick()
        if self._due("ages", AGE_REFRESH, now):
            self.mention_list.refresh_ages()
        if self._due("sources", SOURCES_REFRESH, now):
            self.load_sources()
        if self._ready and self._due("spikes", SPIKE_TICK, now):
            self.load_spikes()
        # The app's read told when the next snooze ends (Inbox.pulse).
        wake = self.inbox.pulse.next_wake
        if changed or (wake is not None and wake <= self.inbox.now_ms()):
            self.check_changes(force=changed, looked=True)
        if changed and self.app.screen is not self:
            self.app.screen.post_message(DataChanged())  # the dashboard follows commits

    def _due(self, what: str, every: float, now: float) -> bool:
        if now - self._clock_at[what] < every:
            return False
        self._clock_at[what] = now
        return True

    @work(group="stats", exclusive=True, exit_on_error=False)
    async def load_stats(self) -> None:
        self.total, self.unread = await self.inbox.stats()
        self.not_sent = (await self.inbox.outbox_counts()).get("failed", 0)
        self.update_status()

    @work(group="spikes", exclusive=True, exit_on_error=False)
    async def load_spikes(self) -> None:
        """Raise a spike no process has raised yet (the collector does it too), then
        show the newest of the last hours on the top line."""
        from scrm_tui.service import spikes
        from scrm_tui.service.processes import process_id

        now = self.inbox.now_ms()
        # A read-only file or a long lock: the collector, or the next tick, raises it.
        with contextlib.suppress(StoreError):
            await spikes.check(self.inbox.db, now, f"{self.inbox.agent} {process_id()}")
        found = await spikes.recent(self.inbox.db, now)
        if found != self.spike:
            self.spike = found
            self.update_status()

    @work(group="sources-line", exclusive=True, exit_on_error=False)
    async def load_sources(self) -> None:
        """The listening sources in a few words (hidden where nothing listens)."""

        states = await self.inbox.source_states()
        collector = await self.inbox.collector()
        # Nothing listens now, nor did before: idle, every 5 s, no change.
        if self.top_line.show_sources(states, collector):
            self.update_status()

    # ---------------------------------------------------------------- live changes

    def on_inbox_screen_stored(self, message: Stored) -> None:
        self.check_changes(force=True)  # not looked: the app's last look is older

    def on_inbox_screen_sources_polled(self, message: SourcesPolled) -> None:
        self.load_sources()

    def check_changes(self, force: bool = False, *, looked: bool = False) -> None:
        """Take in what changed (`force`: something did; else only a snooze that came
        due); one look at a time: a burst of notices makes one more. `looked`: the
        app's tick has just read the change mark with the header's counts and the
        snoozes' clock (Inbox.pulse), so they need no read of their own."""
        if not self._ready:
            # Before the first page is up: taken in as soon as it is (the tick that
            # found it will not find it again).
            self._missed |= force
            return
        if self._polling:
            self._look_again |= force
            self._look_fresh = self._look_fresh and looked
            return
        self._polling = True
        self._poll(force, looked)

    @work(group="poll", exit_on_error=False)
    async def _poll(self, force: bool, looked: bool = False) -> None:
        try:
            # The app's tick read the change mark: `force` is what it found (or a
            # commit of this process's own).
            outside = force
            pulse = self.inbox.pulse
            wake = pulse.next_wake
            if wake is not None and wake <= self.inbox.now_ms():
                # A snooze came due: every open inbox tries to wake it, the first to
                # get the write lock does, and every inbox sees that commit.
                outside |= bool(await self.inbox.snoozes.wake_due())
                looked = False  # what it woke is not in the app's last look
            if not outside:
                return
            if self.view_bar.views or not looked or pulse.views_seq != self._views_seq:
                # On a connection of its own: nothing here waits. (No views: only a
                # view saved can give the bar one.)
                self.view_bar.recount()
            self._views_seq = pulse.views_seq if looked else -1
            mention_list = self.mention_list
            window = mention_list.window
            if window is None:
                return
            # Read first, then show: the rows on screen as stored now (someone, here or
            # elsewhere, may have changed them), what arrived, and the header's counts
            # go out together, in one frame.
            placed = self._placed(window)
            fresh = await self.inbox.rows(list(placed)) if placed else []
            if not looked:
                await mention_list.take_arrivals()  # up to the newest there is now
            elif (newest := pulse.mark[0] or 0) != window.mark:
                # However much arrived, this reads what the screen shows, not all of
                # it: up to the newest in the app's look (what came since, the next).
                await mention_list.take_arrivals(newest)
            if window is not mention_list.window:
                return
            changed = window.replace(fresh)
            mention_list.refresh_rows(changed)
            changed_ids = {row.id for i in changed if (row := window.get(i))}
            self._count_changes(looked)
            if any(window.key(row) != placed[row.id] for row in fresh):
                # Priorities changed (an author linked, a tier): rows moved.
                await mention_list.resync([])
            if window is mention_list.window and (
                not looked or pulse.snooze_seq > self._last_change
            ):
                await self._take_snoozes(window)
            if self.detail.mention_id in changed_ids:
                self.load_detail(self.detail.mention_id)
            # (The sources' line is not read here: what a collector records of its
            # polls wakes no inbox; the line keeps its own clock, see tick.)
        finally:
            self._polling = False
            if self._look_again:
                self._look_again, was_fresh, self._look_fresh = False, self._look_fresh, True
                self.check_changes(force=True, looked=was_fresh)

    def _placed(self, window: StreamWindow) -> dict[int, object]:
        """The rows on screen: their ids and where they sort."""
        top = round(self.mention_list.scroll_offset.y)
        return {
            row.id: window.key(row)
            for index in range(top, top + self.mention_list.size.height + 1)
            if (row := window.get(index)) is not None
        }

    def _count_changes(self, looked: bool) -> None:
        """The header's counts after a change: from the app's look when it has just
        been taken (Inbox.pulse), else read."""
        if self._bulk_running:
            pass  # the top line shows its batches' count (these once it ends)
        elif looked:
            pulse = self.inbox.pulse
            self.total, self.unread, self.not_sent = pulse.listed, pulse.unread, pulse.not_sent
        else:
            self.load_stats()
        self.update_status()

    async def _take_snoozes(self, window: StreamWindow) -> None:
        """Mentions snoozed or woken since the last look (by anyone) left the list or
        came back into it: read it again around the selection."""
        changes = await self.inbox.snoozes.changes_after(self._last_change)
        if not changes:
            return
        self._last_change = changes[-1].event_id
        woke = list(dict.fromkeys(c.mention_id for c in changes if c.kind == WOKE))
        came = await self.inbox.listed_among(window.query, woke, window.mark) if woke else []
        await self.mention_list.resync(came)
        self.load_stats()

    # ---------------------------------------------------------------- actions

    def _selected(self) -> MentionRow | None:
        return self.mention_list.selected

    def _swap(self, row: MentionRow) -> None:
        window = self.mention_list.window
        if window is not None:
            self.mention_list.refresh_rows(window.replace([row]))

    def action_toggle_done(self) -> None:
        row = self._selected()
        if row is None:
            return
        selection = self.mention_list.selection
        if not selection.is_empty:
            if not self.bulk_refused():
                self.run_bulk(selection, lambda: self._done_or_open(selection), _marking)
            return
        status = Status.OPEN if row.status is Status.DONE else Status.DONE
        # Show it at once; the write follows in a worker and is undone if it fails.
        read = True if status is Status.DONE else row.is_read
        self._swap(replace(row, status=status, is_read=read))
        self._write_status(row, status)
        advance = getattr(self.app, "config", None)
        if status is Status.DONE and (advance is None or advance.advance_on_done):
            self.mention_list.cursor += 1

    async def _done_or_open(self, selection: Selection) -> Change:
        """x on a selection: done, unless every one of them is done: then reopened."""
        from scrm_tui.service.bulk import StatusChange

        open_ = await self.inbox.bulk.any_selected(selection, "open")
        return StatusChange(Status.DONE if open_ else Status.OPEN)

    @work(group="write", exit_on_error=False)
    async def _write_status(self, row: MentionRow, status: Status) -> None:
        from scrm_tui.service.bulk import StatusChange

        doing = "mark done" if status is Status.DONE else "reopen"
        async with self._saving(row, doing):
            # As every action of x: in the journal, so U undoes it.
            await self.inbox.run_bulk(Selection.of([row.id]), StatusChange(status))

    def action_snooze(self) -> None:
        """Snooze the selection, or the mention; on a snoozed one, offer to wake it."""
        from scrm_tui.ui.dialogs.snooze import WAKE, SnoozeScreen

        row = self._selected()
        selection = self.mention_list.selection
        picked = not selection.is_empty
        if not picked and row is None:
            return
        if not picked:
            assert row is not None
            selection = Selection.of([row.id])
        asleep = None
        if not picked and row is not None and row.snoozed_until_ms is not None:
            asleep = self.inbox.snoozes.when(row.snoozed_until_ms)

        def chosen(result: Until | str | None) -> None:
            if result == WAKE and row is not None:
                self._wake([row.id])
            elif isinstance(result, Until) and not self.bulk_refused():
                # It leaves the list at once; the write follows, a bulk action like
                # any other (batches, progress, U), and the list is read again when
                # it lands.
                shown = self.mention_list.shown_query
                held = self.mention_list.window.rows if self.mention_list.window else []
                self.mention_list.drop({r.id for r in held if selection.has(r.id, shown)})
                self._dropped = True
                if picked:
                    self.mention_list.set_selection(Selection())
                self.update_status()
                self._snooze(selection, result)

        self.app.push_screen(SnoozeScreen(self.inbox.snoozes.read, selection.count, asleep), chosen)

    def action_sentiment(self) -> None:
        """Set the sentiment of the mention (or the selection) by hand, or give it back
        to the scorer: a bulk action like any other (batches, progress, U)."""
        from scrm_tui.ui.dialogs.mood import CLEAR, MoodScreen

        row = self._selected()
        now = ""
        if self.mention_list.selection.is_empty and row is not None:
            now = row.label.value if row.label is not None else "unscored"
        selection = self._chosen()
        if selection.is_empty:
            return

        def chosen(result: SentimentLabel | str | None) -> None:
            if result is None or self.bulk_refused():
                return
            label = None if result == CLEAR else SentimentLabel(result)

            async def change() -> Change:
                from scrm_tui.service.bulk import MoodChange

                return MoodChange(label)

            self.run_bulk(selection, change, "setting sentiment", said_plainly)

        self.app.push_screen(MoodScreen(selection.count, now), chosen)

    @work(group="resync", exclusive=True, exit_on_error=False)
    async def _resync(self) -> None:
        await self.mention_list.resync([])

    def _snooze(self, selection: Selection, until: Until) -> None:
        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            what = "1 mention" if outcome.seen == 1 else f"{outcome.seen:,} mentions"
            return f"Snoozed {what} until {until.shown}."

        async def change() -> Change:
            from scrm_tui.service.bulk import SnoozeChange

            return SnoozeChange(until.ms, until.said)

        self.run_bulk(selection, change, "snoozing", said)

    @work(group="write", exit_on_error=False)
    async def _wake(self, ids: list[int]) -> None:
        woken = await self.inbox.snoozes.wake(ids)
        self.notify(
            "Woken: back in the inbox, unread." if woken else "It was no longer snoozed.",
            markup=False,
        )
        self.check_changes(force=True)
        if self.detail.mention_id in ids:
            self.load_detail(self.detail.mention_id)

    def action_order(self) -> None:
        """Newest first, or highest priority first: the selected mention stays selected."""
        self.order = Order.PRIORITY if self.order is Order.NEWEST else Order.NEWEST
        self.load_view(self.query_, stay_on=self._selected())  # the header says which

    def action_toggle_read(self) -> None:
        row = self._selected()
        if row is None:
            return
        selection = self.mention_list.selection
        if not selection.is_empty:
            if not self.bulk_refused():
                self.run_bulk(selection, lambda: self._read_or_unread(selection), _marking)
            return
        self._swap(replace(row, is_read=not row.is_read))
        self._write_read(row, not row.is_read, undoable=True)

    async def _read_or_unread(self, selection: Selection) -> Change:
        """u on a selection: read, unless every one of them is read: then unread."""
        from scrm_tui.service.bulk import ReadChange

        return ReadChange(await self.inbox.bulk.any_selected(selection, "unread"))

    @work(group="write", exit_on_error=False)
    async def _write_read(self, row: MentionRow, read: bool, *, undoable: bool = False) -> None:
        """`undoable`: u (U undoes it), not the read that opening a mention is."""
        async with self._saving(row, "mark read" if read else "mark unread"):
            if undoable:
                from scrm_tui.service.bulk import ReadChange

                await self.inbox.run_bulk(Selection.of([row.id]), ReadChange(read))
            else:
                await self.inbox.set_read([row.id], read)

    @asynccontextmanager
    async def _saving(self, row: MentionRow, doing: str) -> AsyncIterator[None]:
        """A write whose result the row already shows. While it waits for another
        process's lock the status line says so; if it fails, the row goes back to what
        the database holds and the user is told why (a bug goes on to the app's handler
        once the row is right)."""
        try:
            async with self.waiting_shown():
                yield
        except StoreError as error:
            await self._show_stored(row)
            self.notify(
                f"Could not {doing}: {error}; not saved.",
                title="Not saved",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        except Exception:
            await self._show_stored(row)
            raise
        self._after_write(row.id)

    @asynccontextmanager
    async def waiting_shown(self) -> AsyncIterator[None]:
        """A write that waits longer than SLOW_WRITE (for another process's lock)
        says so on the top line until it is done."""
        slow = done = False

        def waiting() -> None:
            nonlocal slow
            if done:  # the timer fired as the write ended: its call came after
                return
            slow = True
            self._slow_writes += 1
            self._show_saving()

        timer = self.set_timer(SLOW_WRITE, waiting)
        try:
            yield
        finally:
            done = True
            timer.stop()
            if slow:
                self._slow_writes -= 1
                self._show_saving()

    def _show_saving(self) -> None:
        if self.busy_text in (None, SAVING):
            self.busy_text = SAVING if self._slow_writes else None
            self.update_status()

    async def _show_stored(self, row: MentionRow) -> None:
        """The row as the database holds it (the shown change was not saved)."""
        stored = await self.inbox.rows([row.id])
        self._swap(stored[0] if stored else row)

    def _after_write(self, mention_id: int) -> None:
        self.load_stats()
        if self.detail.mention_id == mention_id:
            self.load_detail(mention_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.focused is self.mention_list
        return True

    def action_open(self) -> None:
        row = self._selected()
        if row is not None:
            self._open(row)

    def on_mention_list_opened(self, message: MentionList.Opened) -> None:
        self._open(message.row)

    def _open(self, row: MentionRow) -> None:
        """Read a mention: the reading pane takes focus (and the screen, when narrow)."""
        self.add_class("-reading")
        self.set_focus(self.detail, scroll_visible=False)
        if not row.is_read:
            self._swap(replace(row, is_read=True))
            self._write_read(row, True)

    def action_back(self) -> None:
        if self.stop_bulk():
            return
        if self.filter_bar.is_open and self.filter_bar.input.has_focus:
            self._close_filter(clear=True)
        elif self.has_class("-reading") or self.detail.has_focus:
            self.remove_class("-reading")
            self.set_focus(self.mention_list, scroll_visible=False)
        elif not self.query_.is_empty:
            self.load_view(Query())

    # ---------------------------------------------------------------- customers

    def action_link(self) -> None:
        row = self._selected()
        if row is not None:
            self._open_link(row.id)

    @work(group="link", exclusive=True, exit_on_error=False)
    async def _open_link(self, mention_id: int) -> None:
        from scrm_tui.ui.dialogs.link import LinkScreen

        author = await self.inbox.linker.author(mention_id)
        if author is not None:
            self.app.push_screen(LinkScreen(self.inbox.linker, author), self._linked)

    def _linked(self, result: str | None) -> None:
        if not result:
            return
        if result.startswith("open:"):
            self.open_customer(int(result.split(":", 1)[1]))
            return
        self.notify(result, markup=False)
        # Every row by this author changed: re-read what is on screen.
        self.check_changes(force=True)
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def action_customer(self) -> None:
        row = self._selected()
        if row is not None:
            self._customer_of(row.id)

    @work(group="link", exclusive=True, exit_on_error=False)
    async def _customer_of(self, mention_id: int) -> None:
        author = await self.inbox.linker.author(mention_id)
        if author is None:
            return
        if author.customer_id is not None:
            self.open_customer(author.customer_id)
        else:
            self.notify("Not linked to a customer yet: l links this author.", markup=False)

    def action_find_customer(self) -> None:
        from scrm_tui.ui.dialogs.find_customer import FindCustomerScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(FindCustomerScreen(self.inbox.linker), chosen)

    def open_customers(self, title: str, ids: tuple[int, ...]) -> None:
        """The customers behind a figure; Enter on one opens them."""
        from scrm_tui.ui.screens.customer_list import CustomerListScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(CustomerListScreen(self.inbox, title, ids), chosen)

    def open_customer(self, customer_id: int) -> None:
        from scrm_tui.ui.screens.customer import CustomerScreen

        self.app.push_screen(CustomerScreen(self.inbox, customer_id))

    def open_rewards(self) -> None:
        """The rewards ledger; Enter on one opens its customer."""
        from scrm_tui.ui.screens.rewards import RewardsScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(RewardsScreen(self.inbox), chosen)

    def action_reward(self) -> None:
        """`w`: a reward for the selected mention's author (and their customer, if linked)."""
        row = self._selected()
        if row is not None:
            self._reward_author(row.id, sanitize.inline(row.author_name or row.author_handle))

    @work(group="reward", exclusive=True, exit_on_error=False)
    async def _reward_author(self, mention_id: int, whom: str) -> None:
        from scrm_tui.ui.dialogs.reward import RewardScreen

        author = await self.inbox.linker.author(mention_id)
        if author is None:
            return

        def chosen(entry: RewardEntry | None) -> None:
            if entry is not None and author is not None:
                self._give_reward(author.id, whom, entry)

        self.app.push_screen(RewardScreen(whom), chosen)

    @work(group="reward-write", exit_on_error=False)
    async def _give_reward(self, author_id: int, whom: str, entry: RewardEntry) -> None:
        from scrm_tui.service.advocacy import record_reward

        await record_reward(self.inbox, entry.kind, entry.note, author_id=author_id)
        self.notify(f"Reward recorded for {whom}: {entry.kind}", markup=False)

    # ---------------------------------------------------------------- replies

    def action_reply(self) -> None:
        row = self._selected()
        if row is not None:
            self._open_composer(row)

    @work(group="compose", exclusive=True, exit_on_error=False)
    async def _open_composer(self, row: MentionRow) -> None:
        from scrm_tui.service.replies import ReplyRefused
        from scrm_tui.ui.dialogs.compose import ComposeScreen

        try:
            compose = await self.inbox.replies.compose(row.id)
        except ReplyRefused as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        if not await claim_for(self, self.inbox.presence, [row.id], "reply"):
            return
        who = sanitize.handle(row.author_handle)
        title = f"Reply to {who} on {compose.network}"

        def done(result: str | None) -> None:
            self._release([row.id])
            self._composed(result, row.id)

        self.app.push_screen(
            ComposeScreen(self.inbox.replies, compose, title, self.inbox.presence), done
        )

    @work(group="claims", exit_on_error=False)
    async def _release(self, mention_ids: list[int]) -> None:
        """The form closed (sent, closed, discarded): the claim ends for everyone."""
        await self.inbox.presence.release(mention_ids)

    def _composed(self, result: str | None, mention_id: int | None) -> None:
        if result:
            self.notify(result, markup=False)
        if mention_id is not None:
            self._after_write(mention_id)
        elif self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def action_select(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.mention_list.toggle_mark(row.id)
        self.mention_list.cursor += 1  # as mutt's tag: on to the next one
        self.update_status()

    def action_select_all(self) -> None:
        """Select every mention the current filter matches, however many (again:
        select none)."""
        self._select_all(self.query_)

    @work(group="select", exclusive=True, exit_on_error=False)
    async def _select_all(self, query: Query) -> None:
        current = self.mention_list.selection
        if current.is_whole_filter and current.query == query:
            self.mention_list.set_selection(Selection())
            self.notify("Selection cleared.", markup=False)
        else:
            # Counted, not read: the ids are read in batches when a key acts on them.
            selection = await self.inbox.select_all(query)
            if query != self.query_:
                return  # the filter changed meanwhile: T was for the one before
            self.mention_list.set_selection(selection)
            shown = "the filter" if not query.is_empty else "the inbox"
            self.notify(
                f"Selected all {selection.count:,} mentions matching {shown}. "
                "x u a t e act on all of them; U undoes; R answers up to "
                f"{MAX_ANSWERED:,} with one post.",
                markup=False,
            )
        self.update_status()

    def action_macro(self) -> None:
        selection = self.mention_list.selection
        if selection.is_empty:
            self.notify(
                "Select the mentions to answer first: space on each, or T for all that "
                "match the filter. Then R.",
                markup=False,
            )
            return
        if selection.count > MAX_ANSWERED:
            self.notify(
                f"One post answers at most {MAX_ANSWERED:,} mentions; "
                f"{selection.count:,} are selected. Narrow the filter, then T again.",
                severity="warning",
                markup=False,
            )
            return
        self._answer_selected(selection)

    @work(group="select", exclusive=True, exit_on_error=False)
    async def _answer_selected(self, selection: Selection) -> None:
        from scrm_tui.ui.dialogs.post_target import PostTargetScreen

        marked = sorted(await self.inbox.selected_ids(selection))

        def chosen(channel: str | None) -> None:
            if channel is not None:
                self._open_post(channel, marked)

        self.app.push_screen(
            PostTargetScreen(self.inbox.replies.post_networks(), len(marked)), chosen
        )

    @work(group="compose", exclusive=True, exit_on_error=False)
    async def _open_post(self, channel: str, marked: list[int]) -> None:
        from scrm_tui.service.replies import ReplyRefused
        from scrm_tui.ui.dialogs.compose import ComposeScreen

        try:
            compose = await self.inbox.replies.compose_post(channel, marked)
        except ReplyRefused as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        if not await claim_for(self, self.inbox.presence, marked, "post"):
            return
        title = f"One post on {compose.network} answering {len(marked)} mentions"

        def done(result: str | None) -> None:
            self._release(marked)
            if result and not result.startswith("Draft kept"):
                self.mention_list.set_selection(Selection())
                self.update_status()
            self._composed(result, None)
            self.check_changes(force=True)

        self.app.push_screen(
            ComposeScreen(self.inbox.replies, compose, title, self.inbox.presence), done
        )

    # ---------------------------------------------------------------- assignment and tags

    def _chosen(self) -> Selection:
        """What `x`, `u`, `a`, `A`, `t` and `e` act on: the selection (space, T), else
        the mention under the cursor."""
        selection = self.mention_list.selection
        row = self._selected()
        if selection.is_empty and row is not None:
            return Selection.of([row.id])
        return selection

    def _naming(self, selection: Selection) -> str:
        count = selection.count
        return "this mention" if count == 1 else f"{count:,} selected mentions"

    def after_bulk(self) -> None:
        self.check_changes(force=True)  # the rows on screen as they are stored now
        if self._dropped:
            # Rows left the list before their snooze was written: a write that did not
            # finish brings back those it did not reach.
            self._dropped = False
            self._resync()
        self.load_stats()
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def action_assign(self) -> None:
        selection, row = self._chosen(), self._selected()
        if selection.is_empty or row is None or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.assign import AssignScreen, Pick

        def picked(pick: Pick | None) -> None:
            if pick is not None and not self.bulk_refused():
                self._assign(selection, pick.agent)

        current = row.assignee if selection == Selection.of([row.id]) else None
        title = f"Assign {self._naming(selection)} to"
        screen = AssignScreen(
            self.inbox.assignable_agents, title, me=self.inbox.agent, current=current
        )
        self.app.push_screen(screen, picked)

    def action_take(self) -> None:
        selection = self._chosen()
        if not selection.is_empty and not self.bulk_refused():
            self._assign(selection, self.inbox.agent)

    def _assign(self, selection: Selection, agent: str | None) -> None:
        from scrm_tui.ui.dialogs.assign import assigned

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            return assigned(outcome.seen, outcome.changed, agent, self.inbox.agent)

        async def change() -> Change:
            from scrm_tui.service.bulk import AssignChange

            return AssignChange(agent)

        self.run_bulk(selection, change, "assigning", said)

    def action_tag(self) -> None:
        selection, row = self._chosen(), self._selected()
        if selection.is_empty or row is None or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.tag_edit import TagScreen

        def edited(edit: TagEdit | None) -> None:
            if edit is not None and not self.bulk_refused():
                self._tag(selection, edit)

        current = row.tags if selection == Selection.of([row.id]) else ()
        title = f"Tags of {self._naming(selection)}"
        self.app.push_screen(TagScreen(self.inbox.tags_in_use, title, current), edited)

    def _tag(self, selection: Selection, edit: TagEdit) -> None:
        from scrm_tui.service.tagging import TagOutcome
        from scrm_tui.ui.dialogs.tag_edit import tagged

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            from scrm_tui.service.bulk import TagChange

            assert isinstance(change, TagChange)
            done = TagOutcome(outcome.changed, change.add, change.remove)
            return tagged(done, outcome.seen, "mention")

        self.run_bulk(
            selection, lambda: self.inbox.bulk.tag_change(selection, edit), "tagging", said
        )

    # ---------------------------------------------------------------- escalations

    def action_escalate(self) -> None:
        row, selection = self._selected(), self._chosen()
        if row is None or selection.is_empty or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.escalate import EscalateScreen, EscalationRequest

        teams = self.inbox.escalations.teams()
        if not teams:
            self.notify(
                "No teams to escalate to: add a [teams.<name>] section to the config "
                "(see the README, Escalations).",
                severity="warning",
                markup=False,
            )
            return
        subject = f"{row.author_name or row.author_handle}: {row.snippet}"
        if selection.count > 1:
            subject = f"{selection.count:,} selected mentions, as one escalation"

        def chosen(request: EscalationRequest | None) -> None:
            if claimed is not None:
                self._release([claimed])
            if request is not None and not self.bulk_refused():
                self._escalate(selection, request)

        # Shown at once, so a note typed right after `e` goes into it; the form claims
        # one mention as it opens (a selection, maybe thousands, is claimed by no one).
        claimed = row.id if selection == Selection.of([row.id]) else None
        presence = self.inbox.presence
        self.app.push_screen(EscalateScreen(teams, subject, presence, claimed), chosen)

    def _escalate(self, selection: Selection, request: object) -> None:
        """One escalation naming every selected mention: the team is told once (see
        the README, Escalating)."""
        from scrm_tui.ui.dialogs.escalate import EscalationRequest

        assert isinstance(request, EscalationRequest)
        hooks = next(
            (t.hooks for t in self.inbox.escalations.teams() if t.name == request.team), ()
        )
        told = f"; telling {', '.join(hooks)}" if hooks else " (no webhooks: in-app only)"

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            number = getattr(change, "escalation_id", None)
            many = f" {outcome.changed:,} mentions" if outcome.changed > 1 else ""
            return f"Escalated{many} to {request.team} ({request.priority}) as #{number}{told}."

        async def change() -> Change | None:
            return await self.inbox.escalation_of(
                selection, request.team, request.priority, request.note
            )

        self.run_bulk(selection, change, "escalating", said)

    def action_escalations(self) -> None:
        from scrm_tui.ui.screens.escalations import EscalationsScreen

        self.app.push_screen(EscalationsScreen(self.inbox))

    def action_sources(self) -> None:
        from scrm_tui.ui.screens.sources import SourcesScreen

        listener = getattr(self.app, "listener", None)
        problems = listener.problems if listener is not None else None
        planned = (
            {spec.name: spec.channel for spec in listener.collector.specs}
            if listener is not None
            else None
        )
        self.app.push_screen(SourcesScreen(self.inbox, problems, planned))

    def action_outbox(self) -> None:
        from scrm_tui.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen(self.inbox))

    def action_review(self) -> None:
        from scrm_tui.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.inbox))

    def action_dashboard(self) -> None:
        from scrm_tui.ui.screens.dashboard import DashboardScreen

        screen = DashboardScreen(self.inbox, self._dashboard_range)

        def opened(records: Opened | None) -> None:
            self._dashboard_range = screen.range_name  # the next D opens on it
            self.open_records(records)

        self.app.push_screen(screen, opened)

    def open_records(self, records: Opened | None) -> None:
        """Enter on a figure (D, !): the inbox shows exactly its records, as if typed
        after / (or the screen or customers that they are)."""
        if records is not None and records.filter:
            try:
                self.load_view(parse(records.filter))
            except QueryError as error:  # made by the report; never a crash
                self.notify(f"Cannot open those mentions: {error}", markup=False)
        elif records is not None and records.screen == "escalations":
            self.action_escalations()
        elif records is not None and records.screen == "rewards":
            self.open_rewards()
        elif records is not None and records.customer is not None:
            self.open_customer(records.customer)
        elif records is not None and records.customers is not None:
            self.open_customers(records.title, records.customers)

    def action_spike(self) -> None:
        """`!`: the newest spike of the last hours, explained; Enter opens its mentions."""
        if self.spike is None:
            self.notify("No spike in the last few hours.", markup=False)
            return
        from scrm_tui.service.measures import Settings
        from scrm_tui.ui.screens.spike import SpikeScreen

        settings = Settings.of(self.inbox.config, self.inbox.watch_words)
        self.app.push_screen(SpikeScreen(self.inbox, self.spike.hour, settings), self.open_records)

    # ---------------------------------------------------------------- views

    @property
    def views(self) -> list[View]:
        """The views the bar shows (the palette lists them)."""
        return self.view_bar.views

    def action_view(self, number: int) -> None:
        """Keys 1-9: show that view; the same key again (or 0) shows everything."""
        view = self.view_bar.view_at(number)
        if number == 0 or (view is not None and self._requested == self.view_bar.query_of(view)):
            if not self._requested.is_empty:
                self.load_view(Query())
        elif view is not None:
            self.show_view(view)
        elif not self.views:
            self.notify("No views yet: / types a filter, then V saves it as one.", markup=False)
        else:
            self.notify(f"No view {number}: there are {len(self.views)}.", markup=False)

    def show_view(self, view: View) -> None:
        """The list shows the view's filter, as if typed after `/`."""
        query = self.view_bar.query_of(view)
        if query is None:
            # Saved before the filter language changed; the config's are checked at start.
            self.notify(
                f"View '{sanitize.inline(view.name)}': "
                f"{sanitize.inline(filter_problem(view.filter) or '')}. Ctrl+P deletes it.",
                severity="error",
                markup=False,
            )
        elif query != self._requested:
            self.load_view(query)

    def action_save_view(self) -> None:
        """V: save the filter the list shows under a name."""
        if self._requested.is_empty:
            self.notify("No filter to save: / types one, then V saves it as a view.", markup=False)
            return
        from scrm_tui.ui.dialogs.save_view import SaveViewScreen

        def saved(view: View | None) -> None:
            if view is not None:
                self.view_bar.recount()
                self.notify(f"Saved view '{sanitize.inline(view.name)}'.", markup=False)

        self.app.push_screen(SaveViewScreen(self.inbox.views, self._requested.source), saved)

    @work(group="views", exit_on_error=False)
    async def delete_view(self, view: View) -> None:
        """Delete one of the agent's own views (from the palette)."""
        source = await self.inbox.views.delete(view.name)
        self.view_bar.recount()
        name = sanitize.inline(view.name)
        if source is None:
            self.notify(f"View '{name}' was already deleted.", markup=False)
        else:
            self.notify(
                f"Deleted view '{name}' (/{sanitize.inline(source)}); V saves a filter again.",
                markup=False,
            )

    # ---------------------------------------------------------------- filter

    @property
    def footer(self) -> KeysFooter:
        return self.query_one(KeysFooter)

    def action_filter(self) -> None:
        self._cancel_bar_close()
        self.filter_bar.open(self.query_.source)

    @on(Input.Changed, "#filter-input")
    def _filter_typed(self, event: Input.Changed) -> None:
        if not self.filter_bar.is_open:
            return  # typed just before Esc closed it: Esc wins, as typed
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(
            FILTER_DEBOUNCE, lambda: self._apply_filter(event.value)
        )

    def _filter_submitted(self, text: str) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        if not self._apply_filter(text):
            return
        if self._requested == self.query_:
            self._close_filter(clear=False)
            return
        # Its rows are on their way: the line goes in their frame, one layout of the
        # screen for both (closing it now costs one more while the query runs), and the
        # footer's keys for the list follow that frame. Keys typed meanwhile go to the
        # list, which holds them for the new rows.
        self._bar_closing = True
        self.footer.hold()
        self.set_focus(self.mention_list, scroll_visible=False)

    def _close_bar_for_rows(self) -> None:
        """The rows of a filter submitted with Enter are in place: its line goes."""
        if self._bar_closing:
            self.filter_bar.close()
            self._cancel_bar_close()

    def _footer_follows(self) -> None:
        """The first rows are in place (or could not be read): the footer's keys come
        after their frame."""
        if self._footer_waits:
            self._footer_waits = False
            if not self._bar_closing:  # else that close releases it, with its rows
                self.footer.release()

    def _cancel_bar_close(self) -> None:
        """No close is waiting for rows (any more): the footer follows the focus again."""
        if self._bar_closing:
            self._bar_closing = False
            self.footer.release()

    def _apply_filter(self, text: str) -> bool:
        try:
            query = parse(text)
        except QueryError as error:
            # The list keeps the last filter that made sense.
            self.filter_bar.show_error(text, str(error), error.position, error.length)
            return False
        self.filter_bar.say("searching…")
        if not query.is_empty:
            self._search = query
        # Typing back to the filter shown while another loads replaces that load too.
        if query != self.query_ or query != self._requested:
            self.load_view(query)
        return True

    def _close_filter(self, *, clear: bool) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._cancel_bar_close()
        self.filter_bar.close()
        self.set_focus(self.mention_list, scroll_visible=False)
        # The filter still loading counts too: Esc right after typing clears it.
        if clear and not (self.query_.is_empty and self._requested.is_empty):
            self.load_view(Query())

    # ---------------------------------------------------------------- n / N

    def action_next_match(self) -> None:
        self._step_search(older=True)

    def action_previous_match(self) -> None:
        self._step_search(older=False)

    def _step_search(self, *, older: bool) -> None:
        """As mutt's `n`/`N`: the selection moves to the next (or previous) mention in
        the list that matches the last `/` filter; the list itself stays as it is."""
        search = self._search
        window = self.mention_list.window
        row = self._selected()
        if search is None:
            self.notify("No search yet: / finds, then n and N move between matches.", markup=False)
            return
        if window is None or row is None:
            return
        self.mention_list.hold_keys()  # keys typed meanwhile apply where n lands
        self._go_to_match(window, row, search, older)

    @work(group="search", exclusive=True, exit_on_error=False)
    async def _go_to_match(
        self, window: StreamWindow, row: MentionRow, search: Query, older: bool
    ) -> None:
        mention_list = self.mention_list
        try:
            found = await self.inbox.next_match(
                window.query,
                search,
                row.key_in(window.order),
                older=older,
                upto=window.mark,
                order=window.order,
            )
            if window is not mention_list.window:
                return
            if found is None:
                where = "below" if older else "above"
                self.notify(f"No more matches {where} for /{search.source}", markup=False)
                return
            index = window.position_of(found.id)
            if index is None:
                key = found.key_in(window.order)
                index = await self.inbox.position(window.query, key, window.mark, window.order)
                await window.place(key, index, span=window.page)
                if window is not mention_list.window:
                    return
                mention_list.window_moved()
                index = window.position_of(found.id)
            if index is not None:
                mention_list.cursor = index
        finally:
            if window is mention_list.window:
                mention_list.release_keys()

    # ---------------------------------------------------------------- help

    def action_help(self) -> None:
        from scrm_tui.ui.dialogs.help import show_help  # DataTable loads on first use

        show_help(self)

    # ---------------------------------------------------------------- links

    def action_copy_link(self) -> None:
        row = self._selected()
        if row is not None:
            self._copy_link(row.id)

    @work(group="copy-link", exclusive=True, exit_on_error=False)
    async def _copy_link(self, mention_id: int) -> None:
        """The mention's address to the clipboard (OSC 52: over SSH and in tmux too).
        Only a plain http(s) address: a stranger's text pasted into a shell could run."""
        detail = await self.inbox.detail(mention_id)
        url = detail.url if detail is not None else None
        safe = sanitize.link(url)
        if safe is None:
            why = (
                "this mention has no link"
                if not url
                else "its link is not a plain web address: it is shown, not copied"
            )
            self.notify(f"Nothing copied: {why}.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(safe)
        self.notify(f"Link copied: {safe}", markup=False)
