"""Customers imported in batches: created or updated, their handles made identities,
the authors behind those handles linked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.handles import handle_key
from scrm_tui.core.models import CustomerIn
from scrm_tui.store import history as audit
from scrm_tui.store.conn import Connection
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


async def _lookup(conn: Connection, sql: str, values: list[str]) -> dict[str, tuple[Any, ...]]:
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in await fetch_all(conn, sql.format(marks=marks), chunk):
            found.setdefault(row[0], tuple(row[1:]))
    return found


async def _by_handle(
    conn: Connection, customers: Sequence[CustomerIn], targets: list[int | None]
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


class CustomerImport:
    """Writes customer files into one database, a batch per transaction."""

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
            # We hold the write lock: the new rows are the ones after `before`, in order.
            # Read rather than counted on: PostgreSQL's ids skip what a rolled-back
            # write used up.
            made = await fetch_all(
                conn,
                "SELECT id FROM customers WHERE id > ? ORDER BY id LIMIT ?",
                (before, len(fresh)),
            )
            new_ids = {key: int(row[0]) for key, row in zip(fresh, made, strict=True)}
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
        conn: Connection,
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
        conn: Connection,
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
