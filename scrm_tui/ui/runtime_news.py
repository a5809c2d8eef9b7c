"""What the app does with the runtime's news (service/runtime_events.py): toasts, and
typed messages to the screens that show what changed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem
from scrm_tui.service import runtime_events as events
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.messages import OutboxChanged, SourcesPolled

if TYPE_CHECKING:
    from textual.app import App

    from scrm_tui.ui.screens.inbox import InboxScreen

    _Base = App[int]
else:
    _Base = object


class HearsTheRuntime(_Base):
    """The app's side of the runtime: how its jobs run, and what it tells."""

    _live: InboxScreen | None  # the inbox screen, once shown

    def _spawn(self, job: Callable[[], Awaitable[None]], group: str) -> None:
        """The runtime's jobs run as workers: whatever waits for the app's work waits
        for them too, and a failed one is told as any worker's is. The worker calls
        `job` itself: a worker cancelled before it starts (the app closing) then leaves
        no coroutine that was never awaited."""
        self.run_worker(job, name=f"runtime.{group}", group=group, exit_on_error=False)

    def _heard(self, event: events.Event) -> None:
        """The runtime did something a screen shows: tell it in a typed message."""
        if isinstance(event, events.OutboxPassed):
            self._tell_outbox(event.items)
            if event.items:  # screens that show outbox states re-read them
                for screen in self.screen_stack:
                    screen.post_message(OutboxChanged(event.items))
        elif isinstance(event, events.ClaimsLapsed):
            from scrm_tui.ui.claiming import ClaimsLapsed

            for screen in self.screen_stack:  # the form that held them says so
                screen.post_message(ClaimsLapsed(event.mention_ids, event.idle_s))
        elif isinstance(event, events.Polled):
            if self._live is not None:  # what it records wakes no inbox: the top line is told
                self._live.post_message(SourcesPolled())
        elif isinstance(event, events.Working):
            if self._live is not None:
                self._live.show_work(event.words, event.job)
        elif isinstance(event, events.Notice):
            if event.warning:
                self.notify(event.text, severity="warning", timeout=15, markup=False)
            else:
                self.notify(event.text, markup=False)
        elif isinstance(event, events.Rescored):
            self.notify(f"Priorities scored for {event.mentions:,} stored mentions.", markup=False)
            if self._live is not None:
                self._live.check_changes(force=True)
        elif isinstance(event, events.DatabaseReach):
            self._tell_reach(event.trouble)
        elif isinstance(event, events.SourceProblem):
            self.notify(
                f"[sources.{event.source}] cannot run: {event.why}",
                title="Sources",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _tell_reach(self, trouble: str | None) -> None:
        """The server went away (said on the top line until it is back, and in a toast
        for whatever screen is open) or came back. What is typed stays in its form."""
        if self._live is not None:
            self._live.show_work(events.UNREACHABLE if trouble else None, "database")
        if trouble is not None:
            why = sanitize.inline(trouble)  # the driver's words, which quote the server's
            self.notify(
                f"{events.UNREACHABLE.capitalize()}: {why}. What you type is kept.",
                severity="warning",
                timeout=10,
                markup=False,
            )
        else:
            self.notify("Database reachable again.", markup=False)
            # What a screen over the inbox failed to read meanwhile is read again (the
            # inbox looks for what was committed on its own).
            for screen in self.screen_stack:
                if screen is not self._live:
                    screen.post_message(DataChanged())

    def _tell_outbox(self, items: Sequence[OutboxItem]) -> None:
        """A toast for each item a pass over the outbox sent or gave up on."""
        for item in items:
            if item.state == "sent":
                what = "Webhook delivered" if item.kind == "webhook" else "Reply sent"
                where = item.target if item.kind == "webhook" else item.channel
                self.notify(f"{what} ({where}).", markup=False)
            elif item.state == "failed":
                error = sanitize.inline(item.last_error or "")  # a server's words
                self.notify(
                    f"Not sent ({item.target or item.channel}): {error}. O opens the outbox.",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
