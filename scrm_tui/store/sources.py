"""Per-source state: the cursor, the last success, the last error and the backoff.

Every write here is the collector's bookkeeping (or a person's retry): it wakes no open
inbox. The inbox's top line and the sources screen read these rows on their own clock,
and what a poll stored wakes them by its own commit."""

from __future__ import annotations

from scrm_tui.core.models import SourceState
from scrm_tui.store.db import Database, fetch_all, fetch_one

_COLUMNS = """source, channel, cursor, state, failures, backoff_until_ms, last_ok_ms,
    last_error, last_error_ms, stored, updated_ms, backfill, fetching_ms"""


class SourceStateStore:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, source: str) -> SourceState | None:
        row = await fetch_one(
            self.db.reader, f"SELECT {_COLUMNS} FROM source_state WHERE source = ?", (source,)
        )
        return SourceState(*row) if row else None

    async def all(self) -> list[SourceState]:
        return [
            SourceState(*row)
            for row in await fetch_all(
                self.db.reader, f"SELECT {_COLUMNS} FROM source_state ORDER BY source"
            )
        ]

    async def succeeded(
        self,
        source: str,
        channel: str,
        *,
        cursor: str | None,
        stored: int,
        now_ms: int,
        wait_until_ms: int | None = None,
        backfill: str | None = None,
        warning: str | None = None,
    ) -> None:
        """A poll worked: keep the new cursor (None keeps the old one), clear the
        failures; `wait_until_ms` holds the next poll back (a rate limit nearly spent);
        `backfill` says how far back a backfill with pages still to come has reached.
        With a `warning` it worked in part: the state is 'warning' and the warning is
        the last error, until a poll works in full."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                """INSERT INTO source_state (source, channel, cursor, state, failures,
                                             backoff_until_ms, last_ok_ms, stored, updated_ms,
                                             backfill, last_error, last_error_ms)
                   VALUES (:source, :channel, :cursor, :state, 0, :until, :now, :stored, :now,
                           :backfill, :warning, :warned)
                   ON CONFLICT (source) DO UPDATE SET
                       channel = excluded.channel,
                       cursor = coalesce(excluded.cursor, source_state.cursor),
                       state = excluded.state, failures = 0,
                       backoff_until_ms = excluded.backoff_until_ms,
                       last_ok_ms = excluded.last_ok_ms,
                       stored = source_state.stored + excluded.stored,
                       updated_ms = excluded.updated_ms, backfill = excluded.backfill,
                       last_error = coalesce(excluded.last_error, source_state.last_error),
                       last_error_ms = coalesce(excluded.last_error_ms,
                                                source_state.last_error_ms),
                       fetching_ms = NULL""",
                {
                    "source": source,
                    "channel": channel,
                    "cursor": cursor,
                    "state": "warning" if warning else "ok",
                    "backfill": backfill,
                    "until": wait_until_ms,
                    "now": now_ms,
                    "stored": stored,
                    "warning": warning or None,
                    "warned": now_ms if warning else None,
                },
            )

    async def failed(
        self,
        source: str,
        channel: str,
        *,
        error: str,
        state: str,
        until_ms: int | None,
        now_ms: int,
    ) -> int:
        """A poll failed: record why and until when to leave it; returns the failures
        in a row (the poller marks a source degraded after several)."""
        async with self.db.transaction(wakes=False) as conn:
            row = await fetch_one(
                conn,
                """INSERT INTO source_state (source, channel, state, failures, backoff_until_ms,
                                             last_error, last_error_ms, updated_ms)
                   VALUES (:source, :channel, :state, 1, :until, :error, :now, :now)
                   ON CONFLICT (source) DO UPDATE SET
                       state = excluded.state, failures = source_state.failures + 1,
                       backoff_until_ms = excluded.backoff_until_ms,
                       last_error = excluded.last_error, last_error_ms = excluded.last_error_ms,
                       updated_ms = excluded.updated_ms, fetching_ms = NULL
                   RETURNING failures""",
                {
                    "source": source,
                    "channel": channel,
                    "state": state,
                    "until": until_ms,
                    "error": error,
                    "now": now_ms,
                },
            )
        return int(row[0]) if row else 1

    async def fetching(self, source: str, channel: str, *, since_ms: int, now_ms: int) -> None:
        """A slow answer is awaited since `since_ms`; a source never polled before is
        listed from now on. The next success or failure clears it."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                """INSERT INTO source_state (source, channel, updated_ms, fetching_ms)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (source) DO UPDATE SET fetching_ms = excluded.fetching_ms""",
                (source, channel, now_ms, since_ms),
            )

    async def stopped_fetching(self) -> None:
        """No answer is awaited any more (the collector stopped, or a new one began)."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                "UPDATE source_state SET fetching_ms = NULL WHERE fetching_ms IS NOT NULL"
            )

    async def retry_now(self, source: str, now_ms: int) -> bool:
        """End a backoff early (a person saw the network is back): the collector,
        whichever process runs it, polls the source on its next round. False when the
        source is not backing off."""
        async with self.db.transaction(wakes=False) as conn:
            cursor = await conn.execute(
                """UPDATE source_state SET backoff_until_ms = NULL, updated_ms = ?
                   WHERE source = ? AND state IN ('backoff', 'degraded')""",
                (now_ms, source),
            )
            return cursor.rowcount > 0
