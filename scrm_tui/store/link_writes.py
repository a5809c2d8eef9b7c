"""A link written: confirmed, undone exactly, labelled, and logged in the history."""

from __future__ import annotations

import json
from typing import Any

from scrm_tui.core.handles import handle_key
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.link_records import AuthorInfo, _required


async def _confirm(
    conn: Connection,
    before: AuthorInfo,
    customer_id: int,
    agent: str,
    now_ms: int,
    extra: dict[str, Any],
) -> None:
    """Link the author to the customer as a person's decision, inside `conn`'s
    transaction: its handle becomes an identity, and the history says who decided."""
    author_id = before.id
    kept = await _snapshot(conn, author_id)
    await conn.execute(
        "INSERT INTO identities (customer_id, channel, handle, handle_key, source, "
        "created_ms) VALUES (?, ?, ?, ?, 'confirmed', ?) "
        "ON CONFLICT (channel, handle_key) DO UPDATE SET "
        "customer_id = excluded.customer_id, source = 'confirmed'",
        (
            customer_id,
            before.channel,
            before.handle,
            handle_key(before.channel, before.handle),
            now_ms,
        ),
    )
    await _set_link(conn, author_id, customer_id, "confirmed", None, now_ms)
    await conn.execute("DELETE FROM match_suggestions WHERE author_id = ?", (author_id,))
    await conn.execute(
        "DELETE FROM match_rejections WHERE author_id = ? AND customer_id = ?",
        (author_id, customer_id),
    )
    await _touch(conn, customer_id, now_ms)
    await _log(conn, before, customer_id, "confirmed", agent, now_ms, "link confirmed", extra, kept)
    await _label(conn, before, customer_id, "confirmed", kept, agent, now_ms)


async def _undo(
    conn: Connection,
    author_id: int,
    last: tuple[int, str, dict[str, Any]],
    agent: str,
    now_ms: int,
) -> None:
    """Inside `conn`'s transaction: put the author back as it was before `last` (its
    newest link change, from LinkStore.last_link), and say so in the history."""
    interaction_id, how, detail = last
    prev = detail["before"]
    if how in ("confirmed", "rejected"):
        # The decision is taken back: it is no longer an agent's label.
        await conn.execute(
            "DELETE FROM labels WHERE id = (SELECT max(id) FROM labels WHERE kind = 'link' "
            "AND author_id = ? AND customer_id = ? AND label = ?)",
            (author_id, detail["customer_id"], how),
        )
    now = await _required(conn, author_id)
    if how == "rejected":
        await conn.execute(
            "DELETE FROM match_rejections WHERE author_id = ? AND customer_id = ?",
            (author_id, detail["customer_id"]),
        )
    if how in ("confirmed", "created") or detail.get("identity_dropped"):
        await _touch(conn, int(detail["customer_id"]), now_ms)
    if how in ("confirmed", "created"):
        await _drop_identity(conn, now)
    if detail.get("identity_dropped"):
        restored = detail["identity_dropped"]
        await conn.execute(
            "INSERT OR IGNORE INTO identities (customer_id, channel, handle, handle_key, "
            "source, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
            (
                restored["customer_id"],
                now.channel,
                now.handle,
                handle_key(now.channel, now.handle),
                restored["source"],
                now_ms,
            ),
        )
    await conn.execute(
        "UPDATE authors SET customer_id = ?, match_state = ?, match_score = ? WHERE id = ?",
        (prev["customer_id"], prev["match_state"], prev["match_score"], author_id),
    )
    await conn.execute("DELETE FROM match_suggestions WHERE author_id = ?", (author_id,))
    await conn.executemany(
        "INSERT OR IGNORE INTO match_suggestions (author_id, customer_id, rank, score, "
        "fields, probability) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (author_id, s[0], rank, s[1], json.dumps(s[2]), s[3] if len(s) > 3 else None)
            for rank, s in enumerate(prev.get("suggestions", []))
        ],
    )
    undo = json.dumps(
        {"how": "undo", "undoes": interaction_id, "customer_id": detail["customer_id"]}
    )
    entry = history.Entry(
        "link",
        now_ms,
        agent,
        f"undid: {how} link of {now.handle}",
        undo,
        customer_id=detail["customer_id"],
        author_id=author_id,
        channel=now.channel,
    )
    await history.record(conn, [entry])


async def _label(
    conn: Connection,
    before: AuthorInfo,
    customer_id: int,
    decision: str,
    kept: list[list[Any]],
    agent: str,
    now_ms: int,
) -> None:
    """Keep an agent's link decision as labelled data (`scrm accuracy`, `scrm matching
    refit`), with what the matcher had said of that pair: linked it automatically,
    suggested it (at which rank, score and probability), or nothing (the agent found
    the customer by searching)."""
    predicted, score, rank, probability = "none", None, None, None
    if before.customer_id == customer_id:
        predicted, score = before.match_state or "linked", before.match_score
    else:
        for at, suggestion in enumerate(kept):
            if suggestion[0] == customer_id:
                predicted, score, rank = "suggested", suggestion[1], at
                probability = suggestion[3] if len(suggestion) > 3 else None
                break
    await conn.execute(
        """INSERT INTO labels (kind, author_id, customer_id, label, predicted, predicted_score,
                               scored, rank, agent, created_ms)
           VALUES ('link', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            before.id,
            customer_id,
            decision,
            predicted,
            score,
            None if probability is None else json.dumps({"probability": probability}),
            rank,
            agent,
            now_ms,
        ),
    )


async def _set_link(
    conn: Connection,
    author_id: int,
    customer_id: int,
    state: str,
    score: float | None,
    now_ms: int,
) -> None:
    await conn.execute(
        "UPDATE authors SET customer_id = ?, match_state = ?, match_score = ?, matched_ms = ? "
        "WHERE id = ?",
        (customer_id, state, score, now_ms, author_id),
    )


async def _snapshot(conn: Connection, author_id: int) -> list[list[Any]]:
    """The author's suggestions as they are, to put back on undo: [customer, score,
    fields, probability] each (a record from before probabilities has three)."""
    return [
        [cid, score, json.loads(fields), probability]
        for cid, score, fields, probability in await fetch_all(
            conn,
            "SELECT customer_id, score, fields, probability FROM match_suggestions "
            "WHERE author_id = ? ORDER BY rank",
            (author_id,),
        )
    ]


async def _touch(conn: Connection, customer_id: int, now_ms: int) -> None:
    await conn.execute("UPDATE customers SET updated_ms = ? WHERE id = ?", (now_ms, customer_id))


async def _drop_identity(conn: Connection, author: AuthorInfo) -> dict[str, Any] | None:
    """Remove the identity made from this author's handle; returns it, for the record."""
    key = handle_key(author.channel, author.handle)
    row = await fetch_one(
        conn,
        "DELETE FROM identities WHERE channel = ? AND handle_key = ? RETURNING customer_id, source",
        (author.channel, key),
    )
    return {"customer_id": row[0], "source": row[1]} if row else None


async def _log(
    conn: Connection,
    before: AuthorInfo,
    customer_id: int,
    how: str,
    actor: str,
    now_ms: int,
    summary: str,
    extra: dict[str, Any],
    kept: list[list[Any]],
) -> None:
    detail = {
        "how": how,
        "customer_id": customer_id,
        "author_id": before.id,
        "before": {
            "customer_id": before.customer_id,
            "match_state": before.match_state,
            "match_score": before.match_score,
            "suggestions": kept,
        },
        **extra,
    }
    entry = history.Entry(
        "link",
        now_ms,
        actor,
        f"{summary}: {before.handle}",
        detail,
        customer_id=customer_id,
        author_id=before.id,
        channel=before.channel,
    )
    await history.record(conn, [entry])
