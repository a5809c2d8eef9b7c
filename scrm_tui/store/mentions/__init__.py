"""Mention queries: idempotent batch insert, keyset pages, counts, status and reads.

A package by job: ingest, status, the filter's plan (plan, planner), pages, counts,
MentionStore is all of them over one database.
"""

from __future__ import annotations

from scrm_tui.store.mentions.counts import (
    DUE_COUNTED,
    STATS,
    DueUncounted,
    MentionCounts,
    due_uncounted,
    listed_unread,
)
from scrm_tui.store.mentions.ingest import MentionIngest, existing_ids_now
from scrm_tui.store.mentions.pages import MentionPages
from scrm_tui.store.mentions.plan import Key
from scrm_tui.store.mentions.status import MentionStatus, set_read_in, set_status_in

__all__ = [
    "DUE_COUNTED",
    "STATS",
    "DueUncounted",
    "Key",
    "MentionStore",
    "due_uncounted",
    "existing_ids_now",
    "listed_unread",
    "set_read_in",
    "set_status_in",
]


class MentionStore(MentionIngest, MentionStatus, MentionPages, MentionCounts):
    """Queries over mentions for one database. Reads use the reader connection."""
