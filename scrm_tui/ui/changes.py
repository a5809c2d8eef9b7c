"""A typed message for screens over the inbox: a commit they may show has landed."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Posted to the screen on top when the app's look found a commit (any process's)
    that inboxes show; coalesced, so a burst of commits is one message."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged)
