"""The typed messages the app posts to its screens when background work (the runtime,
service/runtime.py) did something they show."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from scrm_tui.core.models import OutboxItem


class OutboxChanged(Message):
    """A pass over the outbox moved these items on (sent, retried, failed)."""

    def __init__(self, items: Sequence[OutboxItem]) -> None:
        super().__init__()
        self.items = tuple(items)


class SourcesPolled(Message):
    """This process's collector recorded how a poll went (coalesced): what it records
    wakes no inbox, so the sources' line is told here."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SourcesPolled)
