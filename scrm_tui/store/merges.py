"""Merging two customer records (one person imported twice), and undoing it exactly.

A merge moves the merged customer's identities, authors and history to the survivor,
fills the survivor's empty fields from the merged one, and keeps the merged row
(pointing at the survivor). What moved is written to `customer_merges.moved`, so
an unmerge moves exactly those rows back; what happened since stays where it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one

_FILLED = ("email", "company", "phone", "tier", "lifetime_value", "notes")


class MergeError(ValueError):
    """The merge cannot be done; the message says why."""


@dataclass(frozen=True)
class MergeRecord:
    id: int
    survivor_id: int
    merged_id: int
    merged_name: str
    merged_by: str | None
    merged_ms: int
    undone_ms: int | None


async def _ids(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[int]:
    return [int(row[0]) for row in await fetch_all(conn, sql, params)]


async def _customer(conn: Connection, customer_id: int) -> dict[str, Any]:
    row = await fetch_one(
        conn,
        f"SELECT id, name, merged_into, fields, {', '.join(_FILLED)} FROM customers WHERE id = ?",
        (customer_id,),
    )
    if row is None:
        raise MergeError(f"no customer #{customer_id}")
    names = ("id", "name", "merged_into", "fields", *_FILLED)
    return dict(zip(names, row, strict=True))


class MergeStore:
    def __init__(self, db: Database):
        self.db = db

    async def merge(self, survivor_id: int, merged_id: int, agent: str, now_ms: int) -> int:
        """Fold `merged_id` into `survivor_id`; returns the merge record's id."""
        if survivor_id == merged_id:
            raise MergeError("a customer cannot be merged into itself")
        async with self.db.transaction() as conn:
            survivor = await _customer(conn, survivor_id)
            merged = await _customer(conn, merged_id)
            for who in (survivor, merged):
                if who["merged_into"] is not None:
                    raise MergeError(
                        f"customer #{who['id']} was already merged into #{who['merged_into']}"
                    )
            moved: dict[str, Any] = {
                "identities": await _ids(
                    conn,
                    "UPDATE identities SET customer_id = ? WHERE customer_id = ? RETURNING id",
                    (survivor_id, merged_id),
                ),
                "authors": await _ids(
                    conn,
                    "UPDATE authors SET customer_id = ? WHERE customer_id = ? RETURNING id",
                    (survivor_id, merged_id),
                ),
                "interactions": await _ids(
                    conn,
                    "UPDATE interactions SET customer_id = ? WHERE customer_id = ? RETURNING id",
                    (survivor_id, merged_id),
                ),
                "survivor_before": {key: survivor[key] for key in (*_FILLED, "fields")},
                # The duplicate's tags the survivor lacked: what an unmerge takes back.
                "tags": [
                    str(row[0])
                    for row in await fetch_all(
                        conn,
                        "INSERT OR IGNORE INTO customer_tags (customer_id, tag, added_ms, added_by)"
                        " SELECT ?, tag, added_ms, added_by FROM customer_tags"
                        " WHERE customer_id = ? RETURNING tag",
                        (survivor_id, merged_id),
                    )
                ],
            }
            moved["suggestions"] = [
                list(row)
                for row in await fetch_all(
                    conn,
                    "DELETE FROM match_suggestions WHERE customer_id = ? "
                    "RETURNING author_id, rank, score, fields, probability",
                    (merged_id,),
                )
            ]
            filled = {
                key: merged[key]
                for key in _FILLED
                if survivor[key] in (None, "") and merged[key] not in (None, "")
            }
            fields = {**json.loads(merged["fields"] or "{}"), **json.loads(survivor["fields"])}
            sets = ", ".join(f"{key} = ?" for key in filled)
            await conn.execute(
                f"UPDATE customers SET {sets + ', ' if sets else ''}fields = ?, updated_ms = ? "
                "WHERE id = ?",
                (*filled.values(), json.dumps(fields, ensure_ascii=False), now_ms, survivor_id),
            )
            await conn.execute(
                "UPDATE customers SET merged_into = ?, updated_ms = ? WHERE id = ?",
                (survivor_id, now_ms, merged_id),
            )
            merge_id = int(
                (
                    await fetch_one(
                        conn,
                        "INSERT INTO customer_merges (survivor_id, merged_id, merged_by, "
                        "merged_ms, moved) VALUES (?, ?, ?, ?, ?) RETURNING id",
                        (
                            survivor_id,
                            merged_id,
                            agent,
                            now_ms,
                            json.dumps(moved, ensure_ascii=False),
                        ),
                    )
                    or (0,)
                )[0]
            )
            await _log(
                conn,
                survivor_id,
                agent,
                now_ms,
                f"merged #{merged_id} {merged['name']} into this customer",
                {"merge_id": merge_id, "merged_id": merged_id},
            )
        return merge_id

    async def unmerge(self, merge_id: int, agent: str, now_ms: int) -> MergeRecord:
        """Undo a merge: the moved rows go back, the survivor's fields are restored."""
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn,
                "SELECT survivor_id, merged_id, moved, undone_ms FROM customer_merges WHERE id = ?",
                (merge_id,),
            )
            if row is None:
                raise MergeError(f"no merge #{merge_id}")
            survivor_id, merged_id, raw, undone = row
            if undone is not None:
                raise MergeError(f"merge #{merge_id} was already undone")
            moved = json.loads(raw)
            for table in ("identities", "authors", "interactions"):
                ids = moved[table]
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    await conn.execute(
                        f"UPDATE {table} SET customer_id = ? "
                        f"WHERE customer_id = ? AND id IN ({','.join('?' * len(chunk))})",
                        (merged_id, survivor_id, *chunk),
                    )
            await conn.executemany(
                "DELETE FROM customer_tags WHERE customer_id = ? AND tag = ?",
                [(survivor_id, tag) for tag in moved.get("tags", [])],
            )
            before = moved["survivor_before"]
            await conn.execute(
                f"UPDATE customers SET {', '.join(f'{key} = ?' for key in before)}, "
                "updated_ms = ? WHERE id = ?",
                (*before.values(), now_ms, survivor_id),
            )
            await conn.execute(
                "UPDATE customers SET merged_into = NULL, updated_ms = ? WHERE id = ?",
                (now_ms, merged_id),
            )
            await conn.executemany(
                "INSERT OR IGNORE INTO match_suggestions (author_id, customer_id, rank, score, "
                "fields, probability) VALUES (?, ?, ?, ?, ?, ?)",
                # A merge recorded before probabilities moved four values, not five.
                [(a, merged_id, *rest, None)[:6] for a, *rest in moved["suggestions"]],
            )
            await conn.execute(
                "UPDATE customer_merges SET undone_by = ?, undone_ms = ? WHERE id = ?",
                (agent, now_ms, merge_id),
            )
            for customer_id, text in (
                (survivor_id, f"unmerged #{merged_id}: its history moved back"),
                (merged_id, f"unmerged from #{survivor_id}"),
            ):
                await _log(conn, customer_id, agent, now_ms, text, {"merge_id": merge_id})
        found = await self.records(merge_id=merge_id)
        return found[0]

    async def records(
        self, *, customer_id: int | None = None, merge_id: int | None = None
    ) -> list[MergeRecord]:
        """Merges into (or of) a customer, or one merge by id; newest first."""
        where: str = "1"
        params: tuple[int, ...] = ()
        if merge_id is not None:
            where, params = "m.id = ?", (merge_id,)
        elif customer_id is not None:
            where, params = "(m.survivor_id = ? OR m.merged_id = ?)", (customer_id, customer_id)
        return [
            MergeRecord(*row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT m.id, m.survivor_id, m.merged_id, c.name, m.merged_by, m.merged_ms,
                       m.undone_ms
                FROM customer_merges m JOIN customers c ON c.id = m.merged_id
                WHERE {where} ORDER BY m.id DESC""",
                params,
            )
        ]


async def _log(
    conn: Connection,
    customer_id: int,
    agent: str,
    now_ms: int,
    summary: str,
    detail: dict[str, Any],
) -> None:
    entry = history.Entry(
        "merge", now_ms, agent, summary, json.dumps(detail), customer_id=customer_id
    )
    await history.record(conn, [entry])
