"""The outbox: queue, claim, mark sent or failed, and what a sent reply changes."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

import aiosqlite

from scrm_tui.core.models import OutboxItem, OutboxState, Status
from scrm_tui.core.team import AnswerHeld, AnswerMark
from scrm_tui.store import history
from scrm_tui.store.claims import IDS, ids_param, record
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.mentions import set_status_in

_COLUMNS = """o.id, o.kind, o.channel, o.target, o.escalation_id, o.text, o.key, o.state,
    o.attempts, o.last_error, o.next_ms, o.remote_id, o.remote_url, o.created_ms,
    o.created_by, o.sent_ms,
    (SELECT group_concat(mention_id) FROM outbox_mentions WHERE outbox_id = o.id),
    o.attempts_base"""

# What a sent post is called in a customer's history.
_HISTORY_KIND = {"reply": "reply", "manual": "reply", "post": "post"}


def _item(row: Any) -> OutboxItem:
    values = list(row)
    values[7] = OutboxState(values[7])
    ids = values[16]
    values[16] = tuple(sorted(int(i) for i in ids.split(","))) if ids else ()
    return OutboxItem(*values)


class OutboxStore:
    def __init__(self, db: Database):
        self.db = db

    # ---------------------------------------------------------------- queueing

    async def enqueue(
        self,
        *,
        kind: str,
        channel: str,
        text: str,
        key: str,
        mention_ids: Sequence[int],
        agent: str,
        now_ms: int,
        target: str | None = None,
        escalation_id: int | None = None,
        draft_key: str | None = None,
        mark: AnswerMark | None = None,
        overriding: Sequence[OutboxItem] = (),
    ) -> int:
        """Queue one post; its draft goes in the same transaction, so a crash leaves
        either the draft or the queued post, never neither. With `mark`, an answer to
        these mentions that is news since the draft was opened holds it (AnswerHeld,
        nothing written); `overriding`: answers the agent saw and sends after anyway."""
        async with self.db.transaction() as conn:
            await _hold_if_answered(conn, mention_ids, mark)
            outbox_id = await insert_outbox(
                conn,
                kind=kind,
                channel=channel,
                text=text,
                key=key,
                mention_ids=mention_ids,
                agent=agent,
                now_ms=now_ms,
                target=target,
                escalation_id=escalation_id,
            )
            if draft_key is not None:
                await conn.execute(
                    "DELETE FROM drafts WHERE agent = ? AND key = ?", (agent, draft_key)
                )
            await _record_collision(conn, mention_ids, overriding, agent, now_ms, sent=outbox_id)
        return outbox_id

    async def record_manual(
        self,
        *,
        channel: str,
        text: str,
        key: str,
        mention_ids: Sequence[int],
        agent: str,
        now_ms: int,
        done: bool,
        draft_key: str | None,
        url: str | None,
        mark: AnswerMark | None = None,
        overriding: Sequence[OutboxItem] = (),
    ) -> int:
        """A reply made by hand elsewhere (a network with no write API, or no
        credentials here): recorded as sent, with everything a sent reply changes.
        `mark` and `overriding` as for enqueue."""
        async with self.db.transaction() as conn:
            await _hold_if_answered(conn, mention_ids, mark)
            outbox_id = await insert_outbox(
                conn,
                kind="manual",
                channel=channel,
                text=text,
                key=key,
                mention_ids=mention_ids,
                agent=agent,
                now_ms=now_ms,
                state=OutboxState.SENT,
            )
            await conn.execute(
                "UPDATE outbox SET sent_ms = ?, remote_url = ? WHERE id = ?",
                (now_ms, url, outbox_id),
            )
            if draft_key is not None:
                await conn.execute(
                    "DELETE FROM drafts WHERE agent = ? AND key = ?", (agent, draft_key)
                )
            await _record_collision(conn, mention_ids, overriding, agent, now_ms, sent=outbox_id)
            await _after_sent(conn, outbox_id, now_ms, done)
        return outbox_id

    async def answers_since(self, mention_ids: Sequence[int], mark: AnswerMark) -> list[OutboxItem]:
        """Answers to these mentions that are news since `mark` (a read)."""
        return await _answers_since(self.db.reader, mention_ids, mark)

    async def mark_now(self, mention_ids: Sequence[int]) -> AnswerMark:
        """What the outbox holds now for these mentions, to tell news from it later."""
        after = await fetch_one(self.db.reader, "SELECT coalesce(max(id), 0) FROM outbox")
        unsent = await fetch_all(
            self.db.reader,
            f"""SELECT o.id FROM outbox o WHERE o.state IN ('pending', 'sending', 'failed')
                AND o.kind IN ('reply', 'post')
                AND o.id IN (SELECT outbox_id FROM outbox_mentions WHERE mention_id IN {IDS})
                ORDER BY o.id""",
            {"ids": ids_param(mention_ids)},
        )
        return AnswerMark(
            after_id=int(after[0]) if after else 0, unsent=tuple(int(r[0]) for r in unsent)
        )

    async def drop_draft(
        self,
        agent: str,
        key: str,
        mention_ids: Sequence[int],
        answered: Sequence[OutboxItem],
        now_ms: int,
    ) -> None:
        """Give up a draft because others answered meanwhile; the history says so."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM drafts WHERE agent = ? AND key = ?", (agent, key))
            await _record_collision(conn, mention_ids, answered, agent, now_ms)

    # ---------------------------------------------------------------- sending

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
        alive = ",".join("?" * len(respect))
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
                      AND (state = 'pending' OR (claim_until_ms <= ?
                                                 AND coalesce(claimed_by, '') NOT IN ({alive})))
                      AND ({" OR ".join(allowed)})
                    ORDER BY next_ms, id LIMIT 1""",
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

    # ---------------------------------------------------------------- reading

    async def get(self, outbox_id: int) -> OutboxItem | None:
        row = await fetch_one(
            self.db.reader, f"SELECT {_COLUMNS} FROM outbox o WHERE o.id = ?", (outbox_id,)
        )
        return _item(row) if row else None

    async def items(
        self, states: Collection[str] = (), limit: int = 500, kinds: Collection[str] = ()
    ) -> list[OutboxItem]:
        """Newest first."""
        where: list[str] = []
        params: list[Any] = []
        if states:
            where.append(f"o.state IN ({','.join('?' * len(states))})")
            params.extend(states)
        if kinds:
            where.append(f"o.kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"SELECT {_COLUMNS} FROM outbox o {clause} ORDER BY o.id DESC LIMIT ?",
                [*params, limit],
            )
        ]

    async def page(
        self,
        states: Sequence[str],
        *,
        key: tuple[int, ...] | None = None,
        newer: bool = False,
        limit: int,
        upto: int | None = None,
        also: Collection[int] = (),
    ) -> list[OutboxItem]:
        """Up to `limit` items in `states` (none: all) or in `also` (ids kept in view),
        newest first, just after `key` (from the newest if None) or just before it
        (`newer`). Each state is read along the (state, id) index and the ids merged:
        a page costs its rows at any depth, never a scan of the sent ones."""
        op, direction = (">", "ASC") if newer else ("<", "DESC")
        bounds = []
        params: list[Any] = []
        if key is not None:
            bounds.append(f"id {op} ?")
            params.append(key[0])
        if upto is not None:
            bounds.append("id <= ?")
            params.append(upto)
        arms = []
        arm_params: list[Any] = []
        for where in _arms(states, also):
            clause = " AND ".join(part for part in (where[0], *bounds) if part) or "1"
            arms.append(
                f"SELECT * FROM (SELECT id FROM outbox WHERE {clause}"
                f" ORDER BY id {direction} LIMIT ?)"
            )
            arm_params += [*where[1], *params, limit]
        ids = " UNION ".join(arms)
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o WHERE o.id IN (SELECT id FROM ({ids})
                    ORDER BY id {direction} LIMIT ?) ORDER BY o.id DESC""",
                [*arm_params, limit],
            )
        ]

    async def page_at(
        self,
        states: Sequence[str],
        *,
        offset: int,
        limit: int,
        oldest_first: bool = False,
        upto: int | None = None,
        also: Collection[int] = (),
    ) -> list[OutboxItem]:
        """`limit` items from position `offset` (from the oldest if asked): a jump far
        from what is held (a drag, `G`), which pays for the OFFSET once."""
        direction = "ASC" if oldest_first else "DESC"
        where, params = _where(states, also)
        if upto is not None:
            where = f"({where}) AND id <= ?"
            params = [*params, upto]
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o WHERE o.id IN (SELECT id FROM outbox
                    WHERE {where} ORDER BY id {direction} LIMIT ? OFFSET ?)
                    ORDER BY o.id DESC""",
                [*params, limit, offset],
            )
        ]

    async def count(
        self,
        states: Sequence[str],
        upto: int | None = None,
        before: tuple[int, ...] | None = None,
        also: Collection[int] = (),
    ) -> int:
        """How many items are in `states` or `also` (stored up to `upto`; newer than
        `before` if given), counted from the indexes, no row read."""
        total = 0
        for where, params in _arms(states, also, disjoint=True):
            bounds = [where] if where else []
            if upto is not None:
                bounds.append("id <= ?")
                params = [*params, upto]
            if before is not None:
                bounds.append("id > ?")
                params = [*params, before[0]]
            row = await fetch_one(
                self.db.reader,
                f"SELECT count(*) FROM outbox WHERE {' AND '.join(bounds) or '1'}",
                params,
            )
            total += int(row[0]) if row else 0
        return total

    async def high_water(self) -> int:
        row = await fetch_one(self.db.reader, "SELECT coalesce(max(id), 0) FROM outbox")
        return int(row[0]) if row else 0

    async def left(self, ids: Collection[int], states: Sequence[str]) -> set[int]:
        """Which of `ids` are no longer in `states` (sent or discarded meanwhile)."""
        if not ids or not states:
            return set()
        rows = await fetch_all(
            self.db.reader,
            f"""SELECT id FROM outbox WHERE id IN ({",".join("?" * len(ids))})
                AND state NOT IN ({",".join("?" * len(states))})""",
            [*ids, *states],
        )
        return {int(row[0]) for row in rows}

    async def state_counts(
        self, states: Sequence[str] = (), also: Collection[int] = ()
    ) -> dict[str, int]:
        """How many items are in each state (of `states`, or with an id in `also`; no
        states: all): true counts however long the outbox has grown, the states' read
        from the counts the triggers keep, `also`'s counted from the index."""
        marks = ",".join("?" * len(states))
        rows = await fetch_all(
            self.db.reader,
            "SELECT state, n FROM outbox_counts WHERE n > 0"
            + (f" AND state IN ({marks})" if states else ""),
            list(states),
        )
        counts = {str(state): int(n) for state, n in rows}
        if states and also:
            where, params = _arms(states, also, disjoint=True)[-1]
            for state, n in await fetch_all(
                self.db.reader,
                f"SELECT state, count(*) FROM outbox WHERE {where} GROUP BY state",
                params,
            ):
                counts[str(state)] = counts.get(str(state), 0) + int(n)
        return counts

    async def change_mark(self) -> int:
        """Moves with every change to the outbox (a trigger keeps it): a screen that
        shows the outbox reads it again only when this moved."""
        row = await fetch_one(self.db.reader, "SELECT seq FROM outbox_mark")
        return int(row[0]) if row else 0

    async def for_mention(self, mention_id: int) -> list[OutboxItem]:
        """Every post answering this mention (replies and macro posts), oldest first."""
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o
                JOIN outbox_mentions om ON om.outbox_id = o.id
                WHERE om.mention_id = ? ORDER BY o.id""",
                (mention_id,),
            )
        ]

    async def reply_target(self, outbox_id: int) -> tuple[str, str | None] | None:
        """(external id, url) of the mention a reply answers."""
        row = await fetch_one(
            self.db.reader,
            """SELECT m.external_id, m.url FROM outbox_mentions om
               JOIN mentions m ON m.id = om.mention_id WHERE om.outbox_id = ? LIMIT 1""",
            (outbox_id,),
        )
        return (str(row[0]), row[1]) if row else None

    async def counts(self) -> dict[str, int]:
        return {
            str(state): int(n)
            for state, n in await fetch_all(
                self.db.reader,
                "SELECT state, count(*) FROM outbox "
                "WHERE state IN ('pending', 'sending', 'failed') GROUP BY state",
            )
        }

    async def next_due_ms(self) -> int | None:
        row = await fetch_one(
            self.db.reader, "SELECT min(next_ms) FROM outbox WHERE state IN ('pending', 'sending')"
        )
        return int(row[0]) if row and row[0] is not None else None

    # ---------------------------------------------------------------- drafts

    async def draft(self, agent: str, key: str) -> tuple[str | None, str] | None:
        """(channel, text) of this agent's draft, if there is one."""
        row = await fetch_one(
            self.db.reader,
            "SELECT channel, text FROM drafts WHERE agent = ? AND key = ?",
            (agent, key),
        )
        return (row[0], str(row[1])) if row else None

    async def save_draft(
        self, agent: str, key: str, channel: str | None, text: str, now_ms: int
    ) -> None:
        """Keep a draft; an empty (or blank) text deletes it."""
        async with self.db.transaction() as conn:
            if text.strip():
                await conn.execute(
                    """INSERT INTO drafts (agent, key, channel, text, updated_ms)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (agent, key) DO UPDATE SET
                           channel = excluded.channel, text = excluded.text,
                           updated_ms = excluded.updated_ms""",
                    (agent, key, channel, text, now_ms),
                )
            else:
                await conn.execute("DELETE FROM drafts WHERE agent = ? AND key = ?", (agent, key))

    async def drafted(self, agent: str, mention_ids: Sequence[int]) -> set[int]:
        """Which of these mentions have an unsent draft by this agent."""
        if not mention_ids:
            return set()
        keys = [f"reply:{i}" for i in mention_ids]
        return {
            int(str(r[0]).split(":")[1])
            for r in await fetch_all(
                self.db.reader,
                f"SELECT key FROM drafts WHERE agent = ? AND key IN ({','.join('?' * len(keys))})",
                [agent, *keys],
            )
        }


async def insert_outbox(
    conn: aiosqlite.Connection,
    *,
    kind: str,
    channel: str,
    text: str,
    key: str,
    mention_ids: Sequence[int],
    agent: str,
    now_ms: int,
    target: str | None = None,
    escalation_id: int | None = None,
    state: OutboxState = OutboxState.PENDING,
) -> int:
    """One outbox row and its mention links, inside the caller's transaction."""
    row = await fetch_one(
        conn,
        """INSERT INTO outbox (kind, channel, target, escalation_id, text, key, state,
                               next_ms, created_ms, created_by, updated_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (
            kind,
            channel,
            target,
            escalation_id,
            text,
            key,
            state.value,
            now_ms,
            now_ms,
            agent,
            now_ms,
        ),
    )
    assert row is not None
    outbox_id = int(row[0])
    await conn.executemany(
        "INSERT OR IGNORE INTO outbox_mentions (outbox_id, mention_id) VALUES (?, ?)",
        [(outbox_id, mention_id) for mention_id in mention_ids],
    )
    return outbox_id


# Answers to a person (a reply, a macro post, one made by hand); webhooks are not.
_ANSWER_KINDS = "('reply', 'post', 'manual')"


async def _answers_since(
    conn: aiosqlite.Connection, mention_ids: Sequence[int], mark: AnswerMark
) -> list[OutboxItem]:
    rows = await fetch_all(
        conn,
        f"""SELECT {_COLUMNS} FROM outbox o
            WHERE o.kind IN {_ANSWER_KINDS} AND o.state != 'discarded'
              AND o.id IN (SELECT outbox_id FROM outbox_mentions WHERE mention_id IN {IDS})
              AND (o.id > :after OR (o.state = 'sent' AND o.id IN
                                     (SELECT value FROM json_each(:unsent))))
            ORDER BY o.id""",
        {"ids": ids_param(mention_ids), "after": mark.after_id, "unsent": ids_param(mark.unsent)},
    )
    return [_item(row) for row in rows]


async def _hold_if_answered(
    conn: aiosqlite.Connection, mention_ids: Sequence[int], mark: AnswerMark | None
) -> None:
    """Raise AnswerHeld, inside the transaction that would queue, if someone answered
    since `mark`: two agents sending at the same moment cannot both pass."""
    if mark is None:
        return
    answered = await _answers_since(conn, mention_ids, mark)
    if answered:
        raise AnswerHeld(answered)


async def _record_collision(
    conn: aiosqlite.Connection,
    mention_ids: Sequence[int],
    answered: Sequence[OutboxItem],
    agent: str,
    now_ms: int,
    sent: int | None = None,
) -> None:
    """What the agent did, knowing others had answered first: sent theirs all the same
    (`sent`, its outbox id) or dropped it. On the record; nothing when no one had."""
    if not answered:
        return
    who = ", ".join(sorted({item.created_by or "someone" for item in answered}))
    await record(
        conn,
        "collision",
        mention_ids,
        actor=agent,
        now_ms=now_ms,
        summary=f"answered although {who} had answered"
        if sent is not None
        else f"dropped a draft: {who} answered first",
        detail={"answered": [i.id for i in answered], "sent": sent},
    )


async def _after_sent(conn: aiosqlite.Connection, outbox_id: int, now_ms: int, done: bool) -> None:
    """What a sent post changes: each answered mention's first-response time, a history
    entry for its author and customer, and (if configured) its status moves to done."""
    row = await fetch_one(
        conn,
        "SELECT kind, channel, text, created_by, remote_url, target, escalation_id "
        "FROM outbox WHERE id = ?",
        (outbox_id,),
    )
    assert row is not None
    kind, channel, text, agent, url, target, escalation_id = row
    if kind == "webhook":
        await _record_delivery(conn, escalation_id, channel, target, agent, now_ms)
        return
    mentions = list(
        await fetch_all(
            conn,
            """SELECT m.id, m.author_id, a.customer_id FROM outbox_mentions om
           JOIN mentions m ON m.id = om.mention_id JOIN authors a ON a.id = m.author_id
           WHERE om.outbox_id = ?""",
            (outbox_id,),
        )
    )
    ids = [int(m[0]) for m in mentions]
    await conn.executemany(
        "UPDATE mentions SET first_response_ms = ? WHERE id = ? AND first_response_ms IS NULL",
        [(now_ms, mention_id) for mention_id in ids],
    )
    detail = json.dumps(
        {
            "outbox": outbox_id,
            "url": url,
            "how": "by hand" if kind == "manual" else "sent",
            "answers": len(ids),
        }
    )
    await history.record(
        conn,
        [
            history.Entry(
                _HISTORY_KIND[kind],
                now_ms,
                agent,
                text,
                detail,
                customer_id=customer,
                author_id=author,
                mention_id=mention_id,
                channel=channel,
                direction="out",
            )
            for mention_id, author, customer in mentions
        ],
    )
    if agent:  # whoever answered has read it
        await conn.executemany(
            "INSERT OR IGNORE INTO mention_reads (mention_id, agent, read_ms) VALUES (?, ?, ?)",
            [(mention_id, agent, now_ms) for mention_id in ids],
        )
    if done and ids:
        await set_status_in(conn, ids, Status.DONE, str(agent or "scrm"), now_ms)


async def _record_delivery(
    conn: aiosqlite.Connection,
    escalation_id: int | None,
    channel: str,
    target: str | None,
    agent: str | None,
    now_ms: int,
) -> None:
    if escalation_id is None:
        return
    esc = await fetch_one(
        conn,
        "SELECT customer_id, author_id, mention_id, team, priority FROM escalations WHERE id = ?",
        (escalation_id,),
    )
    if esc is None:
        return
    detail = json.dumps({"escalation": escalation_id, "event": "delivered", "target": target})
    summary = f"escalation #{escalation_id} delivered to {target} ({channel})"
    entry = history.Entry(
        "escalation", now_ms, agent, summary, detail, esc[0], esc[1], esc[2], channel
    )
    await history.record(conn, [entry])


def _where(states: Sequence[str], also: Collection[int]) -> tuple[str, list[Any]]:
    """The items in `states` (none: all of them) or with an id in `also`."""
    if not states:
        return "1", []
    where = f"state IN ({','.join('?' * len(states))})"
    if also:
        where = f"({where} OR id IN ({','.join('?' * len(also))}))"
    return where, [*states, *also]


def _arms(
    states: Sequence[str], also: Collection[int], *, disjoint: bool = False
) -> list[tuple[str, list[Any]]]:
    """One condition per index range to read: each state, then the ids in `also`
    (`disjoint`: only those not in `states`, so that counts add up)."""
    if not states:
        return [("", [])]
    arms: list[tuple[str, list[Any]]] = [("state = ?", [state]) for state in states]
    if also:
        where = f"id IN ({','.join('?' * len(also))})"
        params: list[Any] = list(also)
        if disjoint:
            where += f" AND state NOT IN ({','.join('?' * len(states))})"
            params += list(states)
        arms.append((where, params))
    return arms
