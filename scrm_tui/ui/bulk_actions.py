"""The inbox's bulk work: a selection acted on in batches, counted on the top line,
stopped with Esc; and `U`, which undoes the agent's last action after asking."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import TYPE_CHECKING

from textual import work

from scrm_tui.core import sanitize
from scrm_tui.core.selection import Selection
from scrm_tui.service.inbox import Inbox, StoreError

if TYPE_CHECKING:
    from textual.screen import Screen

    from scrm_tui.service.bulk import Action, Change, Outcome
    from scrm_tui.ui.widgets.mention_list import MentionList

    _Base = Screen[None]
else:
    _Base = object

PROGRESS_EVERY = 0.2  # seconds: how often the top line's count of batches changes
# What a bulk action's notification says once it is written.
Said = Callable[["Outcome", "Change"], str]
# What the top line says while it is written: `tagging`, or made from the change.
Doing = str | Callable[["Change"], str]
# The bulk machinery (service/bulk and its stores) loads with the first bulk action,
# not with the inbox: its first frame needs none of it.


def said_plainly(outcome: Outcome, change: Change) -> str:
    """`Marked 1,200 mentions done.`, and what was already so, or where it stopped.
    (The words may hold names and tags others typed: made inert.)"""
    words = sanitize.inline(change.describe(outcome.changed))
    if outcome.stopped:
        return f"Stopped after {outcome.seen:,}: {words}. U undoes it."
    if not outcome.changed:
        return "Nothing to change: every one already was."
    rest = outcome.seen - outcome.changed
    return words[0].upper() + words[1:] + (f" ({rest:,} already were)." if rest else ".")


class BulkActions(_Base):
    """For the inbox screen (it provides the attributes below)."""

    inbox: Inbox
    busy_text: str | None
    if TYPE_CHECKING:

        @property
        def mention_list(self) -> MentionList: ...

        def update_status(self) -> None: ...

        def waiting_shown(self) -> AbstractAsyncContextManager[None]: ...

        def after_bulk(self) -> None:
            """The screen shows what is stored now (rows, counts, the reading pane)."""

    _bulk_running = False
    _bulk_stopping = False
    _counting: str | None = None

    # ---------------------------------------------------------------- running

    def bulk_refused(self) -> bool:
        """One bulk action (or undo) at a time: True, and says so, while one runs."""
        if self._bulk_running:
            self.notify(
                "A bulk action is under way: wait for it, or Esc to stop it.",
                severity="warning",
                markup=False,
            )
        return self._bulk_running

    def stop_bulk(self) -> bool:
        """Esc: stop the bulk action under way after the batch being written."""
        if not self._bulk_running:
            return False
        self._bulk_stopping = True
        self.busy_text = self._counting = "stopping after this batch…"
        self.update_status()
        return True

    def run_bulk(
        self,
        selection: Selection,
        make: Callable[[], Awaitable[Change | None]],
        doing: Doing,
        said: Said = said_plainly,
    ) -> None:
        """Make the change (it may need to read first: which way a toggle goes), then
        write it to every selected mention; `doing`: `assigning`, for the top line (or
        what to say of the change made)."""
        self._bulk_running = True
        self._bulk_stopping = False
        self._run_bulk(selection, make, doing, said)

    @work(group="bulk", exit_on_error=False)
    async def _run_bulk(
        self,
        selection: Selection,
        make: Callable[[], Awaitable[Change | None]],
        doing: Doing,
        said: Said,
    ) -> None:
        written = [0]
        try:
            change = await make()
            if change is None:
                return
            if not isinstance(doing, str):
                doing = doing(change)
            progress = self._counter(doing, selection.count, written)
            # A long one counts its batches; a short one says if it waits for a lock.
            async with nullcontext() if progress else self.waiting_shown():
                outcome = await self.inbox.run_bulk(
                    selection, change, progress, lambda: self._bulk_stopping
                )
            self.notify(said(outcome, change), markup=False)
        except StoreError as error:
            done = f"; the first {written[0]:,} were written (U undoes them)" if written[0] else ""
            what = doing if isinstance(doing, str) else "the bulk action"
            self._not_saved(f"Could not finish {what}: {error}{done}.")
        finally:
            self._bulk_done()

    def _counter(
        self, doing: str, total: int, written: list[int]
    ) -> Callable[[int, int], None] | None:
        """For more mentions than one transaction takes: the top line counts what is
        written (a long write would otherwise read as waiting for another process)."""

        shown = [0.0]

        def count(done: int, of: int) -> None:
            written[0] = done
            now = time.monotonic()
            # A few times a second is enough to read: each repaint costs the batches.
            if not self._bulk_stopping and (now - shown[0] >= PROGRESS_EVERY or not done):
                shown[0] = now
                self.busy_text = self._counting = f"{doing} {done:,}/{of:,}… Esc stops"
                self.update_status()

        from scrm_tui.service.bulk import BATCH

        if total <= BATCH:
            return None  # one transaction: written whole, or not at all
        count(0, total)
        return count

    def _not_saved(self, text: str) -> None:
        """The database refused (a lock held too long...): said in words, for a while."""
        self.notify(text, title="Not saved", severity="error", timeout=15, markup=False)

    def _bulk_done(self) -> None:
        self._bulk_running = self._bulk_stopping = False
        if self._counting is not None and self.busy_text == self._counting:
            self.busy_text = None
            self.update_status()
        self._counting = None
        self.after_bulk()
        self._recount()

    @work(group="recount", exclusive=True, exit_on_error=False)
    async def _recount(self) -> None:
        """All that a filter matches (T) may match fewer or more now (x on `is:open`):
        count it again, so the top line says what a key would act on."""
        selection = self.mention_list.selection
        if selection.query is None:
            return
        counted = await self.inbox.bulk.recount(selection)
        if self.mention_list.selection == selection:  # not changed meanwhile
            self.mention_list.set_selection(counted)
            self.update_status()

    # ---------------------------------------------------------------- undo

    def action_undo(self) -> None:
        """Undo this agent's last action (x, u, a, t, e: on one mention or many)."""
        if not self.bulk_refused():
            self._ask_undo()

    @work(group="undo-ask", exclusive=True, exit_on_error=False)
    async def _ask_undo(self) -> None:
        from scrm_tui.ui.dialogs.undo import ConfirmUndo

        action = await self.inbox.last_action()
        if action is None:
            self.notify("Nothing to undo.", markup=False)
            return

        def confirmed(yes: bool | None) -> None:
            if yes and not self.bulk_refused():
                self._bulk_running = True
                self._bulk_stopping = False
                self._undo(action)

        self.app.push_screen(ConfirmUndo(action, self.inbox.now_ms()), confirmed)

    @work(group="bulk", exit_on_error=False)
    async def _undo(self, action: Action) -> None:
        try:
            progress = self._counter("undoing", action.left, [0])
            undone = await self.inbox.undo(action, progress, lambda: self._bulk_stopping)
            what = sanitize.inline(action.summary)
            text = f"Undid '{what}': {undone.undone:,} put back"
            if undone.skipped:
                text += f"; {undone.skipped:,} changed since by someone else, left as they are"
            if undone.stopped:
                text += ". Stopped part-way: U goes on"
            self.notify(text + ".", markup=False, timeout=10)
        except StoreError as error:
            self._not_saved(f"Could not finish the undo: {error}; U goes on from where it stopped.")
        finally:
            self._bulk_done()
