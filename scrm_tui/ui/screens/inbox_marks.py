"""Marking mentions from the inbox (`x`, `u`, `z`, `s`, `o`): shown at once, written in a
worker, and put back as stored when a write fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from scrm_tui.core.models import MentionRow, Order, SentimentLabel, Status
from scrm_tui.core.selection import Selection
from scrm_tui.service.inbox import StoreError
from scrm_tui.service.snooze import Until
from scrm_tui.ui.bulk_actions import said_plainly
from scrm_tui.ui.screens.inbox_part import InboxPart

if TYPE_CHECKING:
    from scrm_tui.service.bulk import Change, Outcome

SLOW_WRITE = 0.5  # a write that waits longer than this is waiting for another process
SAVING = "saving… (waiting for the database)"


def _marking(change: Change) -> str:
    """What the top line says while x or u writes a selection."""
    from scrm_tui.service.bulk import ReadChange, StatusChange

    if isinstance(change, StatusChange):
        return "marking done" if change.status is Status.DONE else "reopening"
    return "marking read" if isinstance(change, ReadChange) and change.read else "marking unread"


class MarkActions(InboxPart):
    """For the inbox screen: done, read, snoozed, a mood by hand, the order."""

    def _swap(self, row: MentionRow) -> None:
        window = self.mention_list.window
        if window is not None:
            self.mention_list.refresh_rows(window.replace([row]))

    def _on_selection(self, change: Callable[[Selection], Awaitable[Change]]) -> bool:
        """x or u with mentions selected: a bulk action on them (True), not the row."""
        selection = self.mention_list.selection
        if selection.is_empty:
            return False
        if not self.bulk_refused():
            self.run_bulk(selection, lambda: change(selection), _marking)
        return True

    def action_toggle_done(self) -> None:
        row = self._selected()
        if row is None or self._on_selection(self._done_or_open):
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
        if row is None or self._on_selection(self._read_or_unread):
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
        """The row as the database holds it (the shown change was not saved); as it was
        before the change when the database cannot be read either (a server gone)."""
        try:
            stored = await self.inbox.rows([row.id])
        except StoreError:
            stored = []
        self._swap(stored[0] if stored else row)

    def _after_write(self, mention_id: int) -> None:
        self.load_stats()
        if self.detail.mention_id == mention_id:
            self.load_detail(mention_id)
