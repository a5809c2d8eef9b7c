"""Customer records and their per-network identities."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from scrm_tui.core import sanitize
from scrm_tui.core.handles import handle_key
from scrm_tui.core.models import CustomerCard, CustomerIn
from scrm_tui.store import history as audit
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.linking import owe_rematch

_CHUNK = 400
_COLUMNS = ("name", "email", "company", "phone", "tier", "lifetime_value", "notes")


@dataclass
class ImportOutcome:
    """What one batch did. Warnings name the batch position of the row they are about."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _merge(first: CustomerIn, later: CustomerIn) -> CustomerIn:
    """The same customer twice in one file: later non-empty values win."""
    return CustomerIn(
        name=later.name or first.name,
        external_id=later.external_id or first.external_id,
        email=later.email or first.email,
        company=later.company or first.company,
        phone=later.phone or first.phone,
        tier=later.tier or first.tier,
        lifetime_value=(
            later.lifetime_value if later.lifetime_value is not None else first.lifetime_value
        ),
        notes=later.notes or first.notes,
        fields=tuple({**dict(first.fields), **dict(later.fields)}.items()),
        identities=tuple(dict.fromkeys(first.identities + later.identities)),
        tags=tuple(dict.fromkeys(first.tags + later.tags)),
    )


async def _lookup(
    conn: aiosqlite.Connection, sql: str, values: list[str]
) -> dict[str, tuple[Any, ...]]:
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in await fetch_all(conn, sql.format(marks=marks), chunk):
            found.setdefault(row[0], tuple(row[1:]))
    return found


async def _by_handle(
    conn: aiosqlite.Connection, customers: Sequence[CustomerIn], targets: list[int | None]
) -> None:
    """A row with neither external id nor email (a customer made from an author, as
    exported) updates the one customer its handles belong to, rather than making a
    second one: handles are unique per network."""
    loose = [
        index
        for index, (customer, target) in enumerate(zip(customers, targets, strict=True))
        if target is None and not customer.external_id and not customer.email
    ]
    keys = {
        index: [(str(c), handle_key(c, h)) for c, h in customers[index].identities]
        for index in loose
    }
    wanted = sorted({key for found in keys.values() for key in found})
    owners: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = await fetch_all(
            conn,
            f"""WITH w(channel, handle_key) AS (VALUES {",".join("(?, ?)" for _ in chunk)})
                SELECT i.channel, i.handle_key, i.customer_id FROM w JOIN identities i
                  ON i.channel = w.channel AND i.handle_key = w.handle_key""",
            [part for pair in chunk for part in pair],
        )
        for channel, key, customer_id in rows:
            owners[(channel, key)] = customer_id
    for index, found in keys.items():
        ids = {owners[key] for key in found if key in owners}
        if len(ids) == 1:  # handles of two customers: ambiguous, a new one as before
            targets[index] = ids.pop()


class CustomerStore:
    def __init__(self, db: Database):
        self.db = db

    async def import_batch(
        self,
        customers: Sequence[CustomerIn],
        *,
        agent: str,
        source: str,
        now_ms: int,
        rematch: bool = False,
    ) -> ImportOutcome:
        """Create or update customers in one transaction.

        A row updates the customer with the same external id; without one, the
        customer with the same email (unless that one has another external id: then
        they are different people sharing an address). Empty cells never erase
        what is known. Handles become identities; a handle that already belongs to
        someone else is reported, not stolen. Authors already seen under an imported
        handle are linked to the customer at once. `rematch`: a re-match of the
        unlinked authors is owed, committed with the customers (Linker.resume_rematch).
        """
        outcome = ImportOutcome()
        async with self.db.transaction() as conn:
            ext = await _lookup(
                conn,
                "SELECT external_id, id FROM customers WHERE external_id IN ({marks})",
                sorted({c.external_id for c in customers if c.external_id}),
            )
            mail = await _lookup(
                conn,
                # COLLATE NOCASE (ASCII case, as lower() folds it): the customers_email
                # index answers it, where lower(email) read every customer per batch.
                "SELECT lower(email), id, external_id FROM customers "
                "WHERE merged_into IS NULL AND email COLLATE NOCASE IN ({marks}) ORDER BY id",
                sorted({c.email.lower() for c in customers if c.email}),
            )
            targets: list[int | None] = []
            for customer in customers:
                target = ext.get(customer.external_id or "", (None,))[0]
                if target is None and customer.email:
                    by_mail = mail.get(customer.email.lower())
                    if by_mail and (by_mail[1] is None or not customer.external_id):
                        target = by_mail[0]
                targets.append(target)
            await _by_handle(conn, customers, targets)

            # Rows for the same new customer (same id or email) fold into one insert.
            fresh: dict[str, CustomerIn] = {}
            fresh_key: list[str | None] = []
            for customer, target in zip(customers, targets, strict=True):
                if target is not None:
                    fresh_key.append(None)
                    continue
                key = (
                    f"id:{customer.external_id}"
                    if customer.external_id
                    else f"mail:{customer.email.lower()}"
                    if customer.email
                    else f"row:{len(fresh_key)}"
                )
                fresh[key] = _merge(fresh[key], customer) if key in fresh else customer
                fresh_key.append(key)

            row = await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM customers")
            before = (row or (0,))[0]
            await conn.executemany(
                """INSERT INTO customers (external_id, name, email, company, phone, tier,
                                          lifetime_value, notes, fields, created_ms, updated_ms)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        c.external_id,
                        c.name,
                        c.email,
                        c.company,
                        c.phone,
                        c.tier,
                        c.lifetime_value,
                        c.notes,
                        json.dumps(dict(c.fields), ensure_ascii=False),
                        now_ms,
                        now_ms,
                    )
                    for c in fresh.values()
                ],
            )
            # We hold the write lock: the new rows took the next ids, in order.
            new_ids = {key: before + 1 + n for n, key in enumerate(fresh)}
            outcome.created = len(fresh)

            updates = await self._update(conn, customers, targets, agent, source, now_ms, outcome)
            outcome.ids = [
                target if target is not None else new_ids[key]  # type: ignore[index]
                for target, key in zip(targets, fresh_key, strict=True)
            ]
            created = json.dumps({"source": source})
            await audit.record(
                conn,
                [
                    audit.Entry(
                        "customer",
                        now_ms,
                        agent,
                        f"created from {source}",
                        created,
                        customer_id=cid,
                    )
                    for cid in new_ids.values()
                ]
                + updates,
            )
            await conn.executemany(
                "INSERT OR IGNORE INTO customer_tags (customer_id, tag, added_ms, added_by) "
                "VALUES (?, ?, ?, ?)",
                [
                    (cid, tag, now_ms, agent)
                    for customer, cid in zip(customers, outcome.ids, strict=True)
                    for tag in customer.tags
                ],
            )
            await self._identities(conn, customers, outcome, now_ms)
            if rematch and (outcome.created or outcome.updated):
                await owe_rematch(conn, now_ms)
        return outcome

    async def _update(
        self,
        conn: aiosqlite.Connection,
        customers: Sequence[CustomerIn],
        targets: list[int | None],
        agent: str,
        source: str,
        now_ms: int,
        outcome: ImportOutcome,
    ) -> list[audit.Entry]:
        """Apply rows to existing customers; return history entries for what changed."""
        ids = sorted({t for t in targets if t is not None})
        current: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in await fetch_all(
                conn,
                f"SELECT id, external_id, {', '.join(_COLUMNS)}, fields FROM customers "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                values = dict(zip(("id", "external_id", *_COLUMNS, "fields"), row, strict=True))
                values["fields"] = json.loads(values["fields"] or "{}")
                values["tags"] = []
                current[row[0]] = values
            for cid, tag in await fetch_all(
                conn,
                f"SELECT customer_id, tag FROM customer_tags WHERE customer_id IN ({marks}) "
                "ORDER BY customer_id, tag",
                chunk,
            ):
                current[cid]["tags"].append(tag)
        merged: dict[int, CustomerIn] = {}
        for customer, target in zip(customers, targets, strict=True):
            if target is not None:
                merged[target] = _merge(merged[target], customer) if target in merged else customer
        history: list[audit.Entry] = []
        writes: list[tuple[Any, ...]] = []
        for target, customer in merged.items():
            old = current[target]
            new = dict(old)
            for column in _COLUMNS:
                value = getattr(customer, column)
                if value is not None and value != "":
                    new[column] = value
            if customer.external_id and not old["external_id"]:
                new["external_id"] = customer.external_id
            new["fields"] = {**old["fields"], **dict(customer.fields)}
            # Tags in a file are added (the caller writes them); none is taken away.
            new["tags"] = sorted({*old["tags"], *customer.tags})
            changes = {
                key: [old[key], new[key]]
                for key in ("external_id", *_COLUMNS, "fields", "tags")
                if old[key] != new[key]
            }
            if not changes:
                outcome.unchanged += 1
                continue
            outcome.updated += 1
            writes.append(
                (
                    new["external_id"],
                    *(new[c] for c in _COLUMNS),
                    json.dumps(new["fields"], ensure_ascii=False),
                    now_ms,
                    target,
                )
            )
            history.append(
                audit.Entry(
                    "customer",
                    now_ms,
                    agent,
                    f"updated from {source}: {', '.join(sorted(changes))}",
                    {"source": source, "changes": changes},
                    customer_id=target,
                )
            )
        await conn.executemany(
            f"""UPDATE customers SET external_id = ?, {", ".join(f"{c} = ?" for c in _COLUMNS)},
                                     fields = ?, updated_ms = ?
                WHERE id = ?""",
            writes,
        )
        return history

    async def _identities(
        self,
        conn: aiosqlite.Connection,
        customers: Sequence[CustomerIn],
        outcome: ImportOutcome,
        now_ms: int,
    ) -> None:
        wanted: dict[tuple[str, str], tuple[int, int, str]] = {}  # key -> (row, id, handle)
        claims: list[tuple[tuple[str, str], int, int, str]] = []  # every row's claim
        for index, (customer, cid) in enumerate(zip(customers, outcome.ids, strict=True)):
            for channel, handle in customer.identities:
                key = (str(channel), handle_key(channel, handle))
                wanted.setdefault(key, (index, cid, handle))
                claims.append((key, index, cid, handle))
        await conn.executemany(
            """INSERT INTO identities (customer_id, channel, handle, handle_key, source,
                                       created_ms)
               VALUES (?, ?, ?, ?, 'import', ?)
               ON CONFLICT (channel, handle_key) DO NOTHING""",
            [(cid, key[0], handle, key[1], now_ms) for key, (_, cid, handle) in wanted.items()],
        )
        # A customer with a new handle changed: matchers in other processes look at
        # updated_ms to know whom to re-index.
        touched = sorted({cid for _, cid, _ in wanted.values()})
        for start in range(0, len(touched), _CHUNK):
            batch = touched[start : start + _CHUNK]
            await conn.execute(
                f"""UPDATE customers SET updated_ms = ?
                    WHERE id IN ({",".join("?" * len(batch))}) AND id IN (
                        SELECT customer_id FROM identities WHERE created_ms = ?)""",
                (now_ms, *batch, now_ms),
            )
        owners: dict[tuple[str, str], tuple[int, str]] = {}
        keys = list(wanted)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            values = ",".join("(?, ?)" for _ in chunk)
            for row in await fetch_all(
                conn,
                f"""WITH w(channel, handle_key) AS (VALUES {values})
                    SELECT i.channel, i.handle_key, i.customer_id,
                           coalesce(c.external_id, '#' || c.id) || ' ' || c.name
                    FROM w JOIN identities i
                      ON i.channel = w.channel AND i.handle_key = w.handle_key
                    JOIN customers c ON c.id = i.customer_id""",
                [part for key in chunk for part in key],
            ):
                owners[(row[0], row[1])] = (row[2], row[3])
        for key, index, cid, handle in claims:
            owner, who = owners.get(key, (cid, ""))
            if owner != cid:
                # Both come from imported files: the warning is printed, so inert.
                shown, owner_shown = sanitize.for_message(handle), sanitize.for_message(who, 80)
                outcome.warnings.append(
                    (
                        index,
                        f"{key[0]} handle '{shown}' already belongs to {owner_shown}; kept there",
                    )
                )
        linked = sorted(set(outcome.ids))
        for start in range(0, len(linked), _CHUNK):
            batch = linked[start : start + _CHUNK]
            marks = ",".join("?" * len(batch))
            # An exact identity outranks a machine guess, never a person's decision.
            linked_now = await fetch_all(
                conn,
                f"""UPDATE authors SET customer_id = i.customer_id, match_state = 'identity',
                                       match_score = 1.0
                    FROM identities i
                    WHERE i.customer_id IN ({marks})
                      AND i.channel = authors.channel AND i.handle_key = authors.handle_key
                      AND (authors.customer_id IS NULL
                           OR authors.match_state IN ('auto', 'suggested'))
                    RETURNING authors.id, authors.customer_id, authors.channel,
                              authors.handle""",
                batch,
            )
            await audit.record(
                conn,
                [
                    audit.identity_link(now_ms, cid, aid, channel, handle)
                    for aid, cid, channel, handle in linked_now
                ],
            )

    async def count(self) -> int:
        row = await fetch_one(
            self.db.reader, "SELECT count(*) FROM customers WHERE merged_into IS NULL"
        )
        return int(row[0]) if row else 0

    async def cards(self, ids: Sequence[int]) -> list[CustomerCard]:
        """Name, company, tier and lifetime value of these customers (merged ones
        under the customer they were merged into), most valuable first."""
        found: dict[int, CustomerCard] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT c.id, c.name, coalesce(c.company, ''), coalesce(c.tier, ''),
                           c.lifetime_value
                    FROM customers c
                    WHERE c.id IN (SELECT coalesce(merged_into, id) FROM customers
                                   WHERE id IN ({",".join("?" * len(chunk))}))""",
                chunk,
            ):
                found[row[0]] = CustomerCard(*row)
        return sorted(found.values(), key=lambda c: (-(c.lifetime_value or 0), c.name, c.id))

    async def find(self, key: str) -> list[int]:
        """Ids matching `#12`/`12` (internal id), an external id, or an email."""
        conn = self.db.reader
        if key.lstrip("#").isdigit():
            found = [
                row[0]
                for row in await fetch_all(
                    conn, "SELECT id FROM customers WHERE id = ?", (int(key.lstrip("#")),)
                )
            ]
            if found:
                return found
        for sql in (
            "SELECT id FROM customers WHERE external_id = ?",
            "SELECT id FROM customers WHERE email = ? COLLATE NOCASE AND merged_into IS NULL",
        ):
            found = [row[0] for row in await fetch_all(conn, sql, (key,))]
            if found:
                return found
        return []

    async def find_by_handle(self, keys: Sequence[tuple[str, str]]) -> list[int]:
        """Ids of the live customers owning any of these (channel, handle key) identities."""
        if not keys:
            return []
        return [
            row[0]
            for row in await fetch_all(
                self.db.reader,
                f"""WITH w(channel, handle_key) AS (VALUES {",".join("(?, ?)" for _ in keys)})
                SELECT DISTINCT i.customer_id FROM w
                JOIN identities i ON i.channel = w.channel AND i.handle_key = w.handle_key
                JOIN customers c ON c.id = i.customer_id AND c.merged_into IS NULL
                ORDER BY 1""",
                [part for key in keys for part in key],
            )
        ]

    async def profile(self, customer_id: int) -> dict[str, Any]:
        """A customer with identities, activity counts and the latest history."""
        conn = self.db.reader
        row = await fetch_one(
            conn,
            f"""SELECT id, external_id, {", ".join(_COLUMNS)}, fields, created_ms, updated_ms,
                       merged_into
                FROM customers WHERE id = ?""",
            (customer_id,),
        )
        if row is None:
            raise KeyError(customer_id)
        names = (
            "id",
            "external_id",
            *_COLUMNS,
            "fields",
            "created_ms",
            "updated_ms",
            "merged_into",
        )
        profile: dict[str, Any] = dict(zip(names, row, strict=True))
        profile["fields"] = json.loads(profile["fields"] or "{}")
        identities: dict[str, list[str]] = {}
        for channel, handle in await fetch_all(
            conn,
            "SELECT channel, handle FROM identities WHERE customer_id = ? ORDER BY channel, id",
            (customer_id,),
        ):
            identities.setdefault(channel, []).append(handle)
        profile["identities"] = identities
        profile["tags"] = [
            tag
            for (tag,) in await fetch_all(
                conn,
                "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag",
                (customer_id,),
            )
        ]
        per_channel = await fetch_all(
            conn,
            """SELECT m.channel, count(*), min(m.created_ms), max(m.created_ms),
                      count(m.compound), total(m.compound)
               FROM authors a JOIN mentions m ON m.author_id = a.id
               WHERE a.customer_id = ? GROUP BY m.channel""",
            (customer_id,),
        )
        profile["mentions"] = {channel: count for channel, count, *_ in per_channel}
        # The mean over what was scored: an unscored mention (NULL) is in no mood figure.
        scored = sum(r[4] for r in per_channel)
        profile["first_seen_ms"] = min((r[2] for r in per_channel), default=None)
        profile["last_seen_ms"] = max((r[3] for r in per_channel), default=None)
        profile["sentiment"] = round(sum(r[5] for r in per_channel) / scored, 3) if scored else None
        profile["unscored"] = sum(r[1] - r[4] for r in per_channel)
        profile["interactions"] = {
            kind: n
            for kind, n in await fetch_all(
                conn,
                "SELECT kind, count(*) FROM interactions WHERE customer_id = ? GROUP BY kind",
                (customer_id,),
            )
        }
        profile["recent"] = [
            {"at_ms": at, "kind": kind, "channel": channel, "who": who, "text": text}
            for at, kind, channel, who, text in await fetch_all(
                conn,
                # Each part takes its newest ten from its index before they are merged:
                # a long history is not sorted whole for ten lines.
                """SELECT * FROM (
                   SELECT * FROM (
                     SELECT m.created_ms, 'mention', m.channel, a.handle, substr(m.text, 1, 200)
                     FROM authors a JOIN mentions m ON m.author_id = a.id
                     WHERE a.customer_id = :id ORDER BY m.created_ms DESC LIMIT 10)
                   UNION ALL
                   SELECT * FROM (
                     SELECT occurred_ms, kind, channel, actor, summary
                     FROM interactions WHERE customer_id = :id
                     ORDER BY occurred_ms DESC LIMIT 10))
               ORDER BY 1 DESC LIMIT 10""",
                {"id": customer_id},
            )
        ]
        return profile

    async def export_rows(self) -> list[dict[str, Any]]:
        """Every live customer with its identities, in the import format."""
        conn = self.db.reader
        handles: dict[int, dict[str, list[str]]] = {}
        for cid, channel, handle in await fetch_all(
            conn, "SELECT customer_id, channel, handle FROM identities ORDER BY customer_id, id"
        ):
            handles.setdefault(cid, {}).setdefault(channel, []).append(handle)
        tags: dict[int, list[str]] = {}
        for cid, tag in await fetch_all(
            conn, "SELECT customer_id, tag FROM customer_tags ORDER BY customer_id, tag"
        ):
            tags.setdefault(cid, []).append(tag)
        rows: list[dict[str, Any]] = []
        for values in await fetch_all(
            conn,
            f"""SELECT id, external_id, {", ".join(_COLUMNS)}, fields FROM customers
                WHERE merged_into IS NULL ORDER BY id""",
        ):
            row: dict[str, Any] = {"scrm_id": values[0], "id": values[1]}
            row.update(zip(_COLUMNS, values[2:-1], strict=True))
            for channel, names in handles.get(values[0], {}).items():
                row[channel] = "; ".join(names)
            row.update(json.loads(values[-1] or "{}"))
            row["tags"] = tags.get(values[0], [])
            rows.append(row)
        return rows

    async def export_interactions(self, after: int, limit: int) -> list[dict[str, Any]]:
        """A page of the history, oldest first (by id)."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT i.id, i.kind, i.occurred_ms, i.actor, i.customer_id, c.external_id,
                      c.name, i.channel, m.channel, m.external_id, i.direction, i.compound,
                      i.summary, i.detail
               FROM interactions i
               LEFT JOIN customers c ON c.id = i.customer_id
               LEFT JOIN mentions m ON m.id = i.mention_id
               WHERE i.id > ? ORDER BY i.id LIMIT ?""",
            (after, limit),
        )
        names = (
            "id",
            "kind",
            "occurred_ms",
            "actor",
            "customer_id",
            "customer_external_id",
            "customer_name",
            "channel",
            "mention_channel",
            "mention_id",
            "direction",
            "compound",
            "summary",
            "detail",
        )
        return [dict(zip(names, row, strict=True)) for row in rows]

    async def add_interaction(
        self,
        customer_id: int,
        kind: str,
        summary: str,
        *,
        actor: str,
        occurred_ms: int,
        direction: str | None = None,
        channel: str | None = None,
        compound: float | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Record something that happened with a customer (a call, a note...)."""
        async with self.db.transaction() as conn:
            entry = audit.Entry(
                kind,
                occurred_ms,
                actor,
                summary,
                detail or {},
                customer_id=customer_id,
                channel=channel,
                direction=direction,
                compound=compound,
            )
            return await audit.record_one(conn, entry)

    async def add_interactions(
        self, rows: Sequence[tuple[int, str, str, str | None, int, str, float | None]]
    ) -> int:
        """Many (customer, kind, summary, direction, at_ms, actor, compound) in one go."""
        async with self.db.transaction() as conn:
            await audit.record(
                conn,
                [
                    audit.Entry(
                        kind,
                        at_ms,
                        actor,
                        summary,
                        "{}",
                        customer_id=customer_id,
                        direction=direction,
                        compound=compound,
                    )
                    for customer_id, kind, summary, direction, at_ms, actor, compound in rows
                ],
            )
        return len(rows)

    async def interaction(self, interaction_id: int) -> dict[str, Any] | None:
        """One history entry in full (the timeline shows only the start of it)."""
        row = await fetch_one(
            self.db.reader,
            """SELECT id, kind, occurred_ms, actor, customer_id, author_id, mention_id, channel,
                      summary, detail, direction, compound
               FROM interactions WHERE id = ?""",
            (interaction_id,),
        )
        if row is None:
            return None
        names = (
            "id",
            "kind",
            "occurred_ms",
            "actor",
            "customer_id",
            "author_id",
            "mention_id",
            "channel",
            "summary",
            "detail",
            "direction",
            "compound",
        )
        item = dict(zip(names, row, strict=True))
        item["detail"] = json.loads(item["detail"] or "{}")
        return item
