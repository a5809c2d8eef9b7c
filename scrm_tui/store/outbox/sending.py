"""Sending: claim the next due item, renew or release the claim, mark it sent,
retried or failed; and by hand, retry or discard a failed one."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from scrm_tui.core.models import OutboxItem
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.outbox.base import _COLUMNS, OutboxBase, _item
from scrm_tui.store.outbox.sent import _after_sent


def _skip_locked(conn: object) -> str:
    """On PostgreSQL a sender takes the next due item no other sender holds: the pick
    locks its row and passes over rows another transaction has locked. Today every
    write transaction also holds the one write lock (store/pg/database.py), so nothing
    is ever skipped; this keeps the pick right if that lock is ever narrowed. SQLite's
    one writer needs nothing."""
    return " FOR UPDATE SKIP LOCKED" if engine_of(conn) == POSTGRESQL else ""


class OutboxSending(OutboxBase):
    """The sender's claims and outcomes, and an agent's retry or discard."""

    async def claim(
        self,
        worker: str,
        now_ms: int,
        lease_ms: int,
        channels: Collection[str],
        targets: Collection[str] = (),
        *,
        respect: Collection[str] = (),
    ) -> OutboxItem | None:
        """Take the next due item this worker can send: pending and due, or left in
        `sending` by a worker whose lease ran out, unless that worker is one of
        `respect` (known to be alive: its send may still be in flight). Atomic across
        processes."""
        if not channels and not targets:
            return None
        params: list[Any] = [now_ms, now_ms, *sorted(respect)]
        # `NOT IN ()` is SQLite's alone: with no one to respect, no test at all.
        alive = f"AND coalesce(claimed_by, '') NOT IN ({','.join('?' * len(respect))})"
        allowed = []
        if channels:
            allowed.append(f"(kind != 'webhook' AND channel IN ({','.join('?' * len(channels))}))")
            params.extend(sorted(channels))
        if targets:
            allowed.append(f"(kind = 'webhook' AND target IN ({','.join('?' * len(targets))}))")
            params.extend(sorted(targets))
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn,
                f"""SELECT id FROM outbox
                    WHERE state IN ('pending', 'sending') AND next_ms <= ?
                      AND (state = 'pending' OR (claim_until_ms <= ? {alive if respect else ""}))
                      AND ({" OR ".join(allowed)})
                    ORDER BY next_ms, id LIMIT 1{_skip_locked(conn)}""",
                params,
            )
            if row is None:
                return None
            await conn.execute(
                """UPDATE outbox SET state = 'sending', attempts = attempts + 1,
                       claimed_by = ?, claim_until_ms = ?, updated_ms = ?
                   WHERE id = ?""",
                (worker, now_ms + lease_ms, now_ms, row[0]),
            )
            claimed = await fetch_one(
                conn, f"SELECT {_COLUMNS} FROM outbox o WHERE o.id = ?", (row[0],)
            )
        return _item(claimed)

    async def claims(self) -> list[tuple[int, str, int]]:
        """Items being sent right now, by whom, and when the claim was last taken or
        renewed (to tell live holders from dead ones)."""
        return [
            (int(r[0]), str(r[1]), int(r[2]))
            for r in await fetch_all(
                self.db.reader,
                "SELECT id, claimed_by, updated_ms FROM outbox WHERE state = 'sending'",
            )
        ]

    async def renew_claim(self, outbox_id: int, worker: str, now_ms: int, lease_ms: int) -> bool:
        """Extend `worker`'s claim while it sends; False if the claim is no longer its."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE outbox SET claim_until_ms = ?, updated_ms = ?
                   WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                (now_ms + lease_ms, now_ms, outbox_id, worker),
            )
            return cursor.rowcount > 0

    async def release(self, outbox_id: int, claimed_by: str, now_ms: int) -> bool:
        """Make an item claimed by a dead process due again (its lease is void)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE outbox SET claim_until_ms = ?, next_ms = min(next_ms, ?),
                       updated_ms = ?
                   WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                (now_ms, now_ms, now_ms, outbox_id, claimed_by),
            )
            return cursor.rowcount > 0

    async def mark_sent(
        self,
        outbox_id: int,
        remote_id: str | None,
        remote_url: str | None,
        now_ms: int,
        done: bool,
    ) -> None:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE outbox SET state = 'sent', remote_id = ?, remote_url = ?,
                       sent_ms = ?, last_error = NULL, claimed_by = NULL, updated_ms = ?
                   WHERE id = ? AND state != 'sent'""",
                (remote_id, remote_url, now_ms, now_ms, outbox_id),
            )
            if cursor.rowcount:
                await _after_sent(conn, outbox_id, now_ms, done)

    async def mark_retry(self, outbox_id: int, error: str, next_ms: int, now_ms: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                """UPDATE outbox SET state = 'pending', last_error = ?, next_ms = ?,
                       claimed_by = NULL, claim_until_ms = NULL, updated_ms = ?
                   WHERE id = ? AND state = 'sending'""",
                (error, next_ms, now_ms, outbox_id),
            )

    async def mark_failed(self, outbox_id: int, error: str, now_ms: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                """UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL,
                       claim_until_ms = NULL, updated_ms = ?
                   WHERE id = ? AND state IN ('sending', 'pending')""",
                (error, now_ms, outbox_id),
            )

    # ---------------------------------------------------------------- by hand

    async def retry(self, outbox_id: int, now_ms: int) -> bool:
        """A failed item goes back in the queue, due now, with a fresh retry budget."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE outbox SET state = 'pending', next_ms = ?, attempts_base = attempts,
                       updated_ms = ?
                   WHERE id = ? AND state = 'failed'""",
                (now_ms, now_ms, outbox_id),
            )
            return cursor.rowcount > 0

    async def discard(self, outbox_id: int, agent: str, now_ms: int) -> OutboxItem | None:
        """Give up on a failed or waiting item. A reply's text goes back to its draft
        (unless a newer draft is there), so discarding never loses what was written."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE outbox SET state = 'discarded', updated_ms = ?
                   WHERE id = ? AND state IN ('failed', 'pending')""",
                (now_ms, outbox_id),
            )
            if not cursor.rowcount:
                return None
            item = _item(
                await fetch_one(
                    conn, f"SELECT {_COLUMNS} FROM outbox o WHERE o.id = ?", (outbox_id,)
                )
            )
            if item.kind == "reply" and len(item.mention_ids) == 1:
                draft = f"reply:{item.mention_ids[0]}"
            elif item.kind == "post":
                draft = "post"
            else:
                return item
            await conn.execute(
                """INSERT OR IGNORE INTO drafts (agent, key, channel, text, updated_ms)
                   VALUES (?, ?, ?, ?, ?)""",
                (agent, draft, item.channel, item.text, now_ms),
            )
        return item
