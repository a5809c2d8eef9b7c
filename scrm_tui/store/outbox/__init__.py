"""The outbox: queue, claim, mark sent or failed, and what a sent reply changes.

A package by job: base (rows), queue, sending, sent (what a sent post changes), reads,
drafts; OutboxStore is all of them over one database.
"""

from __future__ import annotations

from scrm_tui.store.outbox.drafts import OutboxDrafts
from scrm_tui.store.outbox.queue import OutboxQueue
from scrm_tui.store.outbox.reads import OutboxReads
from scrm_tui.store.outbox.sending import OutboxSending

__all__ = ["OutboxStore"]


class OutboxStore(OutboxQueue, OutboxSending, OutboxReads, OutboxDrafts):
    """The outbox of one database: writes in transactions, reads on the reader."""
