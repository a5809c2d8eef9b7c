"""A search that runs as you type (after a pause) and at once on Enter, for the forms
that find a customer: keys typed ahead of a slow search are never lost."""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class TypeAhead:
    """Calls `search(text, entered)`: after `delay` s without a key, and at once on
    Enter (`entered` true). The search is a worker in an exclusive group, so a later
    call cancels an earlier one: a pause's search that comes due just as Enter is
    pressed (its timer had fired, its callback waiting in the queue) would take the
    place of Enter's and drop what Enter asked for. It is skipped instead."""

    def __init__(
        self, owner: MessagePump, delay: float, search: Callable[[str, bool], object]
    ) -> None:
        self.owner = owner
        self.delay = delay
        self.search = search
        self._timer: Timer | None = None
        self._entered: str | None = None  # the text Enter searched for

    def typed(self, text: str) -> None:
        if text == self._entered:
            return  # Enter has searched for this text already
        self._entered = None
        self._stop()
        self._timer = self.owner.set_timer(self.delay, lambda: self._paused(text))

    def entered(self, text: str) -> None:
        self._stop()
        self._entered = text
        self.search(text, True)

    def _paused(self, text: str) -> None:
        if self._entered is None:
            self.search(text, False)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
