"""What a sent post changes: first responses, the history, reads, and a done status."""

from __future__ import annotations

import json

from scrm_tui.core.models import Status
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.mentions import set_status_in

# What a sent post is called in a customer's history.
_HISTORY_KIND = {"reply": "reply", "manual": "reply", "post": "post"}


async def _after_sent(conn: Connection, outbox_id: int, now_ms: int, done: bool) -> None:
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
    conn: Connection,
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
