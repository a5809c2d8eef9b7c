"""The outbox store's connection, and how its rows are read into OutboxItems."""

from __future__ import annotations

from typing import Any

from scrm_tui.core.models import OutboxItem, OutboxState
from scrm_tui.store.db import Database

_COLUMNS = """o.id, o.kind, o.channel, o.target, o.escalation_id, o.text, o.key, o.state,
    o.attempts, o.last_error, o.next_ms, o.remote_id, o.remote_url, o.created_ms,
    o.created_by, o.sent_ms,
    (SELECT group_concat(mention_id) FROM outbox_mentions WHERE outbox_id = o.id),
    o.attempts_base"""


def _item(row: Any) -> OutboxItem:
    values = list(row)
    values[7] = OutboxState(values[7])
    ids = values[16]
    values[16] = tuple(sorted(int(i) for i in ids.split(","))) if ids else ()
    return OutboxItem(*values)


class OutboxBase:
    """The outbox of one database."""

    def __init__(self, db: Database):
        self.db = db
