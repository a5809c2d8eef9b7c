"""Tags on mentions and customers: edits in batches, what is in use, rename and merge."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all
from scrm_tui.store.distinct import distinct_values
from scrm_tui.store.history import Entry, about_mentions, record

BATCH = 500  # mentions per transaction
_CHUNK = 500
# Each table of tags and what its rows tag.
_TABLES = (("mention_tags", "mention_id"), ("customer_tags", "customer_id"))


def describe(added: Sequence[str], removed: Sequence[str]) -> str:
    """`+billing −spam`: a tag change in a line of the history."""
    return " ".join([f"+{t}" for t in added] + [f"-{t}" for t in removed])


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


async def _held(
    conn: Connection, table: str, key: str, ids: Sequence[int], tags: Sequence[str]
) -> set[tuple[int, str]]:
    """Which of `tags` each of `ids` has: (id, tag) pairs."""
    held: set[tuple[int, str]] = set()
    if not tags:
        return held
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = await fetch_all(
            conn,
            f"SELECT {key}, tag FROM {table} "
            f"WHERE {key} IN ({_marks(chunk)}) AND tag IN ({_marks(tags)})",
            [*chunk, *tags],
        )
        held.update((row[0], str(row[1]).lower()) for row in rows)
    return held


async def held_in(
    conn: Connection, ids: Sequence[int], tags: Sequence[str]
) -> set[tuple[int, str]]:
    """Which of `tags` each of the mentions `ids` has: (id, tag) pairs."""
    return await _held(conn, "mention_tags", "mention_id", ids, tags)


async def _apply(
    conn: Connection,
    table: str,
    key: str,
    changes: dict[int, tuple[list[str], list[str]]],
    agent: str,
    now_ms: int,
) -> None:
    await conn.executemany(
        f"INSERT OR IGNORE INTO {table} ({key}, tag, added_ms, added_by) VALUES (?, ?, ?, ?)",
        [(owner, tag, now_ms, agent) for owner, (added, _) in changes.items() for tag in added],
    )
    await conn.executemany(
        f"DELETE FROM {table} WHERE {key} = ? AND tag = ?",
        [(owner, tag) for owner, (_, removed) in changes.items() for tag in removed],
    )


def _changes(
    ids: Sequence[int], held: set[tuple[int, str]], add: Sequence[str], remove: Sequence[str]
) -> dict[int, tuple[list[str], list[str]]]:
    """Per id, the tags it gains and loses (only real changes)."""
    found: dict[int, tuple[list[str], list[str]]] = {}
    for owner in ids:
        added = [tag for tag in add if (owner, tag) not in held]
        removed = [tag for tag in remove if (owner, tag) in held]
        if added or removed:
            found[owner] = (added, removed)
    return found


async def edit_mentions_in(
    conn: Connection,
    ids: Sequence[int],
    add: Sequence[str],
    remove: Sequence[str],
    agent: str,
    now_ms: int,
) -> list[int]:
    """Add and remove (checked) tags on mentions inside the caller's transaction;
    returns the mentions that changed, each change recorded in its author's history."""
    about = await about_mentions(conn, ids)
    held = await _held(conn, "mention_tags", "mention_id", list(about), [*add, *remove])
    changes = _changes(list(about), held, add, remove)
    await _apply(conn, "mention_tags", "mention_id", changes, agent, now_ms)
    await record(
        conn,
        (
            Entry(
                kind="tag",
                occurred_ms=now_ms,
                actor=agent,
                summary=f"tagged {describe(added, removed)}",
                detail={"added": added, "removed": removed},
                customer_id=about[mention_id][0].customer_id,
                author_id=about[mention_id][0].author_id,
                mention_id=mention_id,
                channel=about[mention_id][0].channel,
            )
            for mention_id, (added, removed) in changes.items()
        ),
    )
    return list(changes)


@dataclass(frozen=True)
class TagCount:
    tag: str
    mentions: int
    customers: int


class TagStore:
    def __init__(self, db: Database):
        self.db = db

    async def edit_mentions(
        self,
        ids: Sequence[int],
        add: Sequence[str],
        remove: Sequence[str],
        agent: str,
        now_ms: int,
    ) -> list[int]:
        """One batch (up to BATCH mentions) in one transaction; see edit_mentions_in."""
        async with self.db.transaction() as conn:
            return await edit_mentions_in(conn, ids, add, remove, agent, now_ms)

    async def holders(self, ids: Sequence[int], tags: Sequence[str]) -> Counter[str]:
        """How many of the mentions `ids` have each of `tags`."""
        held = await _held(self.db.reader, "mention_tags", "mention_id", ids, tags)
        return Counter(tag for _, tag in held)

    async def edit_customer(
        self,
        customer_id: int,
        add: Sequence[str],
        remove: Sequence[str],
        toggle: Sequence[str],
        agent: str,
        now_ms: int,
    ) -> tuple[list[str], list[str]]:
        """Add, remove and toggle tags on a customer; returns what was (added, removed)."""
        async with self.db.transaction() as conn:
            asked = [*add, *remove, *toggle]
            held = await _held(conn, "customer_tags", "customer_id", [customer_id], asked)
            add = [*add, *(t for t in toggle if (customer_id, t) not in held)]
            remove = [*remove, *(t for t in toggle if (customer_id, t) in held)]
            changes = _changes([customer_id], held, add, remove)
            await _apply(conn, "customer_tags", "customer_id", changes, agent, now_ms)
            added, removed = changes.get(customer_id, ([], []))
            if added or removed:
                entry = Entry(
                    kind="tag",
                    occurred_ms=now_ms,
                    actor=agent,
                    summary=f"tagged the customer {describe(added, removed)}",
                    detail={"added": added, "removed": removed},
                    customer_id=customer_id,
                )
                await record(conn, [entry])
        return added, removed

    async def in_use(self) -> list[str]:
        """Every tag on a mention or a customer, in order (costs the number of tags)."""
        found: set[str] = set()
        for table, _ in _TABLES:
            found.update(await distinct_values(self.db.reader, table, "tag"))
        return sorted(found)

    async def counts(self) -> list[TagCount]:
        """Each tag with the number of mentions and customers that have it."""
        per: dict[str, list[int]] = {}
        for index, (table, _) in enumerate(_TABLES):
            for tag, count in await fetch_all(
                self.db.reader, f"SELECT tag, count(*) FROM {table} GROUP BY tag"
            ):
                per.setdefault(str(tag).lower(), [0, 0])[index] += int(count)
        return [TagCount(tag, *per[tag]) for tag in sorted(per)]

    async def merge(
        self, sources: Sequence[str], into: str, agent: str, now_ms: int, *, verb: str
    ) -> tuple[int, int]:
        """Give everything tagged with any of `sources` (not `into` itself) the tag
        `into` instead, in one transaction, recorded once in the history; returns
        (mentions, customers)."""
        moved = [0, 0]
        async with self.db.transaction() as conn:
            for index, (table, key) in enumerate(_TABLES):
                marks = _marks(sources)
                rows = await fetch_all(
                    conn,
                    f"SELECT count(DISTINCT {key}) FROM {table} WHERE tag IN ({marks})",
                    sources,
                )
                moved[index] = int(rows[0][0]) if rows else 0
                # When each thing was first tagged, and by whom, stays as it was: the
                # earliest of its tags merged (a window: one SQL for both engines).
                await conn.execute(
                    f"""INSERT OR IGNORE INTO {table} ({key}, tag, added_ms, added_by)
                        SELECT {key}, ?, added_ms, added_by FROM (
                            SELECT {key}, added_ms, added_by, row_number() OVER (
                                PARTITION BY {key} ORDER BY added_ms, tag) AS nth
                            FROM {table} WHERE tag IN ({marks}))
                        WHERE nth = 1""",
                    [into, *sources],
                )
                await conn.execute(f"DELETE FROM {table} WHERE tag IN ({marks})", sources)
            names = ", ".join(sources)
            entry = Entry(
                kind="tag",
                occurred_ms=now_ms,
                actor=agent,
                summary=(
                    f"renamed tag {names} to {into}"
                    if verb == "renamed"
                    else f"merged tags {names} into {into}"
                )
                + f": {_count(moved[0], 'mention')}, {_count(moved[1], 'customer')}",
                detail={verb: sources, "into": into, "mentions": moved[0], "customers": moved[1]},
            )
            await record(conn, [entry])
        return moved[0], moved[1]
