"""Queueing a post (or recording one made by hand), held when someone answered first."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.core.models import OutboxItem, OutboxState
from scrm_tui.core.team import AnswerHeld, AnswerMark
from scrm_tui.store.claims import IDS, ids_param, record
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.outbox.base import _COLUMNS, OutboxBase, _item
from scrm_tui.store.outbox.sent import _after_sent


class OutboxQueue(OutboxBase):
    """Posts queued by an agent, and the drafts they came from."""

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


async def insert_outbox(
    conn: Connection,
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
    conn: Connection, mention_ids: Sequence[int], mark: AnswerMark
) -> list[OutboxItem]:
    rows = await fetch_all(
        conn,
        f"""SELECT {_COLUMNS} FROM outbox o
            WHERE o.kind IN {_ANSWER_KINDS} AND o.state != 'discarded'
              AND o.id IN (SELECT outbox_id FROM outbox_mentions WHERE mention_id IN {IDS})
              AND (o.id > :after OR (o.state = 'sent' AND o.id IN
                                     (SELECT CAST(value AS INTEGER) FROM json_each(:unsent))))
            ORDER BY o.id""",
        {"ids": ids_param(mention_ids), "after": mark.after_id, "unsent": ids_param(mark.unsent)},
    )
    return [_item(row) for row in rows]


async def _hold_if_answered(
    conn: Connection, mention_ids: Sequence[int], mark: AnswerMark | None
) -> None:
    """Raise AnswerHeld, inside the transaction that would queue, if someone answered
    since `mark`: two agents sending at the same moment cannot both pass."""
    if mark is None:
        return
    answered = await _answers_since(conn, mention_ids, mark)
    if answered:
        raise AnswerHeld(answered)


async def _record_collision(
    conn: Connection,
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
