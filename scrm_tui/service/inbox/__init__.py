"""The inbox application: ingest, list queries, actions and the change feed.

A package by job: base (its parts and settings), storing (ingest), customers, reads,
actions, changes (the change feed), background (the outbox and sources as screens see
them); Inbox is all of them over one database, opened and closed here.
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from scrm_tui.service.inbox.actions import InboxActions
from scrm_tui.service.inbox.background import InboxBackground
from scrm_tui.service.inbox.base import Clock
from scrm_tui.service.inbox.changes import InboxChanges
from scrm_tui.service.inbox.customers import OFFLINE_KINDS as OFFLINE_KINDS
from scrm_tui.service.inbox.customers import InboxCustomers
from scrm_tui.service.inbox.storing import InboxStoring
from scrm_tui.service.inbox.storing import IngestResult as IngestResult
from scrm_tui.store.commit_watch import Watch as CommitWatch  # the app holds one
from scrm_tui.store.db import Database, StoreBusy, StoreError
from scrm_tui.store.merges import MergeError, MergeRecord

# The UI may not import the store; it catches these names. A StoreError (StoreBusy
# among them) is the database refusing, for a reason its message gives in words.
OpenError = StoreError
__all__ = [
    "CommitWatch",
    "Inbox",
    "MergeError",
    "MergeRecord",
    "OpenError",
    "StoreBusy",
    "StoreError",
]


class Inbox(InboxStoring, InboxCustomers, InboxActions, InboxChanges, InboxBackground):
    """One process's view of one database, acting as one agent."""

    @classmethod
    async def open(cls, path: Path | str, agent: str, clock: Clock = time.time) -> Inbox:
        return cls(await Database.open(path), agent, clock)

    async def close(self) -> None:
        if self._presence is not None:
            await self._presence.leave()  # claims end with a clean exit, not after a TTL
        if self._worker is not None:
            await self._worker.dispatcher.aclose()
        if self._views is not None:
            await self._views.close()
        if self._search is not None:
            await self._search.db.close()
        if self._linker is not None:  # made on first use: none to close otherwise
            self._linker.close()
        await self.db.close()

    def between_writes(self) -> AbstractAsyncContextManager[None]:
        """No write of this process under way while inside (store/db.py): a suspend
        waits for the one under way to commit."""
        return self.db.between_writes()

    async def __aenter__(self) -> Inbox:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
