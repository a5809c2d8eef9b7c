"""Links between social authors and customers: suggestions, decisions, and their undo.

Every change of an author's link is written with a `link` interaction on the
customer's history whose detail holds the state before the change, so any link
(automatic, confirmed, rejected) can be undone exactly, and the history doubles
as the audit trail of who decided what.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.link_records import (
    _AUTHOR,
    AuthorInfo,
    CustomerCard,
    MatchOutcome,
    PendingRematch,
    Suggestion,
    _required,
    _state,
    _why,
    probability_of,
)
from scrm_tui.store.link_writes import (
    _confirm,
    _drop_identity,
    _label,
    _log,
    _set_link,
    _snapshot,
    _touch,
    _undo,
)

__all__ = [
    "AuthorInfo",
    "CustomerCard",
    "LinkStore",
    "MatchOutcome",
    "PendingRematch",
    "Suggestion",
    "owe_rematch",
    "probability_of",
]

_CHUNK = 500


async def owe_rematch(conn: Connection, now_ms: int) -> None:
    """Inside an import's transaction: a re-match of every unlinked author is owed, from
    the first author on (the new customers may be anyone's). Durable with the import, so
    a kill before the re-match ends leaves it owed, not forgotten."""
    await conn.execute(
        """INSERT INTO pending_work (name, generation, since_ms, after_id, updated_ms)
           VALUES ('rematch', 1, :now, 0, :now)
           ON CONFLICT (name) DO UPDATE SET generation = pending_work.generation + 1,
                                            after_id = 0, updated_ms = :now""",
        {"now": now_ms},
    )


class LinkStore:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ reading

    async def customers_version(self) -> tuple[int, int, int]:
        """Changes when any customer, identity or merge changes: the matcher's cache key."""
        row = await fetch_one(
            self.db.reader,
            """SELECT (SELECT count(*) FROM customers WHERE merged_into IS NULL),
                      (SELECT coalesce(max(updated_ms), 0) FROM customers),
                      (SELECT coalesce(max(id), 0) + count(*) FROM identities)""",
        )
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    async def changed_since(self, updated_ms: int) -> tuple[list[CustomerCard], list[int]]:
        """Customers changed at or after `updated_ms`: (live ones, ones merged away)."""
        rows = await fetch_all(
            self.db.reader,
            "SELECT id, merged_into FROM customers WHERE updated_ms >= ?",
            (updated_ms,),
        )
        gone = [i for i, merged in rows if merged is not None]
        live = [i for i, merged in rows if merged is None]
        cards: list[CustomerCard] = []
        for start in range(0, len(live), _CHUNK):
            cards.extend(await self.customer_cards(live[start : start + _CHUNK]))
        return cards, gone

    async def customer_cards(self, ids: Sequence[int] | None = None) -> list[CustomerCard]:
        """Live (not merged away) customers with their handles; all of them without `ids`."""
        conn = self.db.reader
        where, params = "WHERE merged_into IS NULL", []
        if ids is not None:
            if not ids:
                return []
            where = f"WHERE id IN ({','.join('?' * len(ids))})"
            params = list(ids)
        handles: dict[int, list[tuple[str, str]]] = {}
        for cid, channel, handle in await fetch_all(
            conn,
            "SELECT customer_id, channel, handle FROM identities "
            + (f"WHERE customer_id IN ({','.join('?' * len(params))}) " if ids else "")
            + "ORDER BY id",
            params,
        ):
            handles.setdefault(cid, []).append((channel, handle))
        return [
            CustomerCard(i, name, email, company, tier, tuple(handles.get(i, ())))
            for i, name, email, company, tier in await fetch_all(
                conn,
                f"SELECT id, name, email, company, tier FROM customers {where} ORDER BY id",
                params,
            )
        ]

    async def author(self, author_id: int) -> AuthorInfo | None:
        row = await fetch_one(self.db.reader, f"{_AUTHOR} WHERE id = ?", (author_id,))
        return AuthorInfo(*row) if row else None

    async def author_of_mention(self, mention_id: int) -> AuthorInfo | None:
        row = await fetch_one(
            self.db.reader,
            f"{_AUTHOR} WHERE id = (SELECT author_id FROM mentions WHERE id = ?)",
            (mention_id,),
        )
        return AuthorInfo(*row) if row else None

    async def unmatched(self, limit: int) -> list[AuthorInfo]:
        """Unlinked authors the matcher has not looked at yet, oldest first."""
        return [
            AuthorInfo(*row)
            for row in await fetch_all(
                self.db.reader,
                f"{_AUTHOR} WHERE customer_id IS NULL AND matched_ms IS NULL ORDER BY id LIMIT ?",
                (limit,),
            )
        ]

    async def pending_rematch(self) -> PendingRematch | None:
        row = await fetch_one(
            self.db.reader,
            "SELECT generation, since_ms, after_id FROM pending_work WHERE name = 'rematch'",
        )
        return PendingRematch(int(row[0]), int(row[1]), int(row[2])) if row else None

    async def advance_rematch(self, generation: int, after_id: int, now_ms: int) -> bool:
        """Record that authors up to `after_id` are re-matched; False when a newer import
        has owed a new re-match meanwhile (then it starts over). Progress no inbox
        shows: it wakes none (the matches themselves did, where they linked)."""
        async with self.db.transaction(wakes=False) as conn:
            cursor = await conn.execute(
                "UPDATE pending_work SET after_id = ?, updated_ms = ? "
                "WHERE name = 'rematch' AND generation = ?",
                (after_id, now_ms, generation),
            )
            return cursor.rowcount > 0

    async def finish_rematch(self, generation: int) -> bool:
        """The re-match of `generation` is complete; False when a newer one is owed.
        Wakes no inbox: none shows what is owed."""
        async with self.db.transaction(wakes=False) as conn:
            cursor = await conn.execute(
                "DELETE FROM pending_work WHERE name = 'rematch' AND generation = ?",
                (generation,),
            )
            return cursor.rowcount > 0

    async def count_unlinked_after(self, after: int) -> int:
        row = await fetch_one(
            self.db.reader,
            "SELECT count(*) FROM authors WHERE customer_id IS NULL AND id > ?",
            (after,),
        )
        return int(row[0]) if row else 0

    async def unlinked_after(self, after: int, limit: int) -> list[AuthorInfo]:
        """Every author without a customer, a page at a time (for a full re-match)."""
        return [
            AuthorInfo(*row)
            for row in await fetch_all(
                self.db.reader,
                f"{_AUTHOR} WHERE customer_id IS NULL AND id > ? ORDER BY id LIMIT ?",
                (after, limit),
            )
        ]

    async def rejections(self, author_ids: Sequence[int]) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for start in range(0, len(author_ids), _CHUNK):
            chunk = author_ids[start : start + _CHUNK]
            for author_id, customer_id in await fetch_all(
                self.db.reader,
                "SELECT author_id, customer_id FROM match_rejections "
                f"WHERE author_id IN ({','.join('?' * len(chunk))})",
                list(chunk),
            ):
                found.setdefault(author_id, set()).add(customer_id)
        return found

    async def suggestions(self, author_id: int) -> list[Suggestion]:
        rows = await fetch_all(
            self.db.reader,
            "SELECT customer_id, score, fields, probability FROM match_suggestions "
            "WHERE author_id = ? ORDER BY rank",
            (author_id,),
        )
        cards = {card.id: card for card in await self.customer_cards([r[0] for r in rows])}
        return [
            Suggestion(cards[cid], score, tuple(json.loads(fields)), probability)
            for cid, score, fields, probability in rows
            if cid in cards
        ]

    # ------------------------------------------------------------------ writing

    async def record_matches(self, outcomes: Sequence[MatchOutcome], now_ms: int) -> int:
        """Store what the matcher decided, in one transaction; returns how many linked.

        An author someone linked meanwhile (another process, a person) is left alone.
        Open inboxes are woken only when a link or a match state (which a row shows)
        changed: an author with no candidate only gets the time it was looked at.
        """
        linked = 0
        async with self.db.transaction(wakes=False) as conn:
            shown = False
            for outcome in outcomes:
                before = await _state(conn, outcome.author_id)
                if before is None or before.customer_id is not None:
                    continue
                kept = await _snapshot(conn, outcome.author_id)
                await conn.execute(
                    "DELETE FROM match_suggestions WHERE author_id = ?", (outcome.author_id,)
                )
                if outcome.decision == "auto":
                    cid, score, fields = outcome.candidates[0]
                    await _set_link(conn, outcome.author_id, cid, "auto", score, now_ms)
                    why = _why(outcome)
                    await _log(
                        conn,
                        before,
                        cid,
                        "auto",
                        "scrm",
                        now_ms,
                        f"linked automatically, {why} ({', '.join(fields)})",
                        {
                            "score": score,
                            "fields": list(fields),
                            "probability": outcome.probabilities[0]
                            if outcome.probabilities
                            else None,
                            "evidence": outcome.evidence or None,
                        },
                        kept,
                    )
                    linked += 1
                    shown = True
                    continue
                await conn.executemany(
                    "INSERT INTO match_suggestions (author_id, customer_id, rank, score, fields, "
                    "probability) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (
                            outcome.author_id,
                            cid,
                            rank,
                            score,
                            json.dumps(list(fields)),
                            probability_of(outcome, rank),
                        )
                        for rank, (cid, score, fields) in enumerate(outcome.candidates)
                    ],
                )
                state = "suggested" if outcome.candidates else before.match_state
                if state not in (None, "suggested", "rejected"):
                    state = None
                await conn.execute(
                    "UPDATE authors SET match_state = ?, matched_ms = ? WHERE id = ?",
                    (state, now_ms, outcome.author_id),
                )
                shown |= state != before.match_state or bool(outcome.candidates)
            if shown:
                await self.db.wake(conn)
        return linked

    async def confirm(self, author_id: int, customer_id: int, agent: str, now_ms: int) -> None:
        """A person says this author is this customer: the handle becomes an identity."""
        async with self.db.transaction() as conn:
            await _confirm(conn, await _required(conn, author_id), customer_id, agent, now_ms, {})

    async def confirm_many(
        self, pairs: Sequence[tuple[int, int]], agent: str, now_ms: int, batch: str
    ) -> list[int]:
        """Confirm each (author, customer) in one transaction, as `confirm` would, each
        link marked with `batch` (so the batch can be undone as one); an author someone
        linked meanwhile, or whose suggestion went, is left alone. Returns those linked."""
        done: list[int] = []
        async with self.db.transaction() as conn:
            for author_id, customer_id in pairs:
                before = await _state(conn, author_id)
                suggested = await fetch_one(
                    conn,
                    "SELECT 1 FROM match_suggestions WHERE author_id = ? AND customer_id = ?",
                    (author_id, customer_id),
                )
                if before is None or before.customer_id is not None or suggested is None:
                    continue
                await _confirm(conn, before, customer_id, agent, now_ms, {"batch": batch})
                done.append(author_id)
        return done

    async def reject(self, author_id: int, customer_id: int, agent: str, now_ms: int) -> None:
        """This author is not this customer: never suggest the pair again (and unlink it)."""
        async with self.db.transaction() as conn:
            before = await _required(conn, author_id)
            kept = await _snapshot(conn, author_id)
            extra: dict[str, Any] = {}
            await conn.execute(
                "INSERT OR IGNORE INTO match_rejections (author_id, customer_id, rejected_by, "
                "rejected_ms) VALUES (?, ?, ?, ?)",
                (author_id, customer_id, agent, now_ms),
            )
            await conn.execute(
                "DELETE FROM match_suggestions WHERE author_id = ? AND customer_id = ?",
                (author_id, customer_id),
            )
            if before.customer_id == customer_id:
                extra["identity_dropped"] = await _drop_identity(conn, before)
                await _touch(conn, customer_id, now_ms)
                await conn.execute(
                    "UPDATE authors SET customer_id = NULL, match_score = NULL WHERE id = ?",
                    (author_id,),
                )
            left = (
                await fetch_one(
                    conn, "SELECT count(*) FROM match_suggestions WHERE author_id = ?", (author_id,)
                )
                or (0,)
            )[0]
            await conn.execute(
                "UPDATE authors SET match_state = ? WHERE id = ? AND customer_id IS NULL",
                ("suggested" if left else "rejected", author_id),
            )
            await _log(
                conn, before, customer_id, "rejected", agent, now_ms, "match rejected", extra, kept
            )
            await _label(conn, before, customer_id, "rejected", kept, agent, now_ms)

    async def created_link(self, author_id: int, customer_id: int, agent: str, now_ms: int) -> None:
        """Record that a customer was made from this author (its handle is the identity)."""
        async with self.db.transaction() as conn:
            before = await _required(conn, author_id)
            # The import linked it as an identity; a person chose it: say so.
            prior = AuthorInfo(
                before.id, before.channel, before.handle, before.display_name, None, None, None
            )
            kept = await _snapshot(conn, author_id)
            await _set_link(conn, author_id, customer_id, "confirmed", None, now_ms)
            await conn.execute("DELETE FROM match_suggestions WHERE author_id = ?", (author_id,))
            await _log(
                conn,
                prior,
                customer_id,
                "created",
                agent,
                now_ms,
                "customer created from author",
                {"new_customer": True},
                kept,
            )

    async def last_link(self, author_id: int) -> tuple[int, str, dict[str, Any]] | None:
        """The newest link change of this author not undone yet: (interaction id, how, detail)."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT id, detail FROM interactions
               WHERE kind = 'link' AND author_id = ? ORDER BY id DESC LIMIT 20""",
            (author_id,),
        )
        undone: set[int] = set()
        for interaction_id, raw in rows:
            detail = json.loads(raw)
            if detail.get("how") == "undo":
                undone.add(int(detail["undoes"]))
            elif interaction_id not in undone:
                return interaction_id, str(detail.get("how")), detail
        return None

    async def undo(self, author_id: int, agent: str, now_ms: int) -> str | None:
        """Put the author back as it was before its last link change; returns what was undone."""
        last = await self.last_link(author_id)
        if last is None:
            return None
        async with self.db.transaction() as conn:
            await _undo(conn, author_id, last, agent, now_ms)
        return last[1]

    async def undo_batch(
        self, author_ids: Sequence[int], batch: str, agent: str, now_ms: int
    ) -> int:
        """Undo the links `confirm_many` made as `batch`, a chunk per transaction; an
        author whose link changed since (another decision) is left as it is. Returns
        how many were undone."""
        undone = 0
        for start in range(0, len(author_ids), _CHUNK):
            lasts = []
            for author_id in author_ids[start : start + _CHUNK]:
                last = await self.last_link(author_id)
                if last is not None and last[2].get("batch") == batch:
                    lasts.append((author_id, last))
            if not lasts:
                continue
            async with self.db.transaction() as conn:
                for author_id, last in lasts:
                    await _undo(conn, author_id, last, agent, now_ms)
            undone += len(lasts)
        return undone
