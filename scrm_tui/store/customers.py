"""Customer records and their per-network identities."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scrm_tui.core.handles import handle_key
from scrm_tui.core.models import CustomerIn
from scrm_tui.store.db import Database


class CustomerStore:
    def __init__(self, db: Database):
        self.db = db

    async def upsert_many(self, customers: Sequence[CustomerIn], now_ms: int) -> int:
        """Insert or update customers (by external id) with their identities.

        Authors already seen under one of those identities are linked to the customer
        in the same transaction, so the inbox shows the name at once.
        """
        async with self.db.transaction() as conn:
            for customer in customers:
                async with conn.execute(
                    """
                    INSERT INTO customers (external_id, name, email, company, phone, tier,
                                           lifetime_value, notes, fields, created_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (external_id) DO UPDATE SET
                        name = excluded.name, email = excluded.email,
                        company = excluded.company, phone = excluded.phone,
                        tier = excluded.tier, lifetime_value = excluded.lifetime_value,
                        notes = excluded.notes, fields = excluded.fields,
                        updated_ms = excluded.updated_ms
                    RETURNING id
                    """,
                    (
                        customer.external_id,
                        customer.name,
                        customer.email,
                        customer.company,
                        customer.phone,
                        customer.tier,
                        customer.lifetime_value,
                        customer.notes,
                        json.dumps(dict(customer.fields), ensure_ascii=False),
                        now_ms,
                        now_ms,
                    ),
                ) as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                customer_id = row[0]
                await conn.executemany(
                    """
                    INSERT INTO identities (customer_id, channel, handle, handle_key, source,
                                            created_ms)
                    VALUES (?, ?, ?, ?, 'import', ?)
                    ON CONFLICT (channel, handle_key) DO NOTHING
                    """,
                    [
                        (customer_id, channel.value, handle, handle_key(channel, handle), now_ms)
                        for channel, handle in customer.identities
                    ],
                )
            await conn.execute(
                """
                UPDATE authors SET
                    customer_id = (SELECT i.customer_id FROM identities i
                                   WHERE i.channel = authors.channel
                                     AND i.handle_key = authors.handle_key),
                    match_state = 'identity', match_score = 1.0
                WHERE customer_id IS NULL AND EXISTS (
                    SELECT 1 FROM identities i
                    WHERE i.channel = authors.channel AND i.handle_key = authors.handle_key)
                """
            )
        return len(customers)

    async def count(self) -> int:
        async with self.db.reader.execute("SELECT count(*) FROM customers") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
