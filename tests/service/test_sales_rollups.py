"""The Sales section's rollups (schema step 38) stay equal to a plain recompute in Python
over the mentions, the authors and the outbox: built on upgrade, then kept through
answers, status changes, rescoring, relinks, unlinks, a customer deleted, a mention
moved to another author and deletes; and the section reads the same figures as before."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, Status
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW
from tests.service.test_report_sales import Clock, _ids, _post, _seed

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

Row = tuple[object, ...]


async def _rows(box: Inbox, sql: str) -> list[Row]:
    return [tuple(r) for r in await box.db.reader.execute_fetchall(sql)]


async def _expected(box: Inbox) -> tuple[list[Row], list[Row]]:
    """(customer_moods, customer_answers) recomputed in Python from the base tables."""
    linked = {
        int(a): int(c)
        for a, c in await _rows(box, "SELECT id, customer_id FROM authors")
        if c is not None
    }
    mentions = await _rows(
        box,
        "SELECT id, author_id, created_ms, compound, watch_set, status, first_response_ms, "
        "ingested_ms FROM mentions",
    )
    moods = sorted(
        (
            linked[author],
            created,
            mention_id,
            compound,
            arrived if status == "open" and answered is None else None,
        )
        for mention_id, author, created, compound, watch_set, status, answered, arrived in mentions
        if author in linked and compound is not None and not watch_set
    )
    author_of = {m[0]: m[1] for m in mentions}
    sent = {
        int(i): s
        for i, kind, state, s in await _rows(box, "SELECT id, kind, state, sent_ms FROM outbox")
        if state == "sent" and kind in ("reply", "post", "manual") and s is not None
    }
    answers = sorted(
        (linked[author_of[m]], sent[o], o, m)
        for o, m in await _rows(box, "SELECT outbox_id, mention_id FROM outbox_mentions")
        if o in sent and author_of[m] in linked
    )
    return moods, answers


async def _kept(box: Inbox) -> tuple[list[Row], list[Row]]:
    return (
        await _rows(box, "SELECT * FROM customer_moods ORDER BY 1, 2, 3"),
        await _rows(
            box,
            "SELECT customer_id, sent_ms, outbox_id, mention_id FROM "
            "customer_answers ORDER BY 1, 2, 3, 4",
        ),
    )


async def _check(box: Inbox) -> None:
    kept = await _kept(box)
    assert kept == await _expected(box)
    assert kept[0] and kept[1]


async def _author(box: Inbox, handle: str) -> int:
    [(author_id,)] = await _rows(box, f"SELECT id FROM authors WHERE handle = '{handle}'")
    return int(author_id)


async def test_the_rollups_are_kept_true_through_every_change(db_path: Path) -> None:
    clock = Clock()
    async with await Inbox.open(db_path, "kate", clock) as box:
        customers = await _seed(box, clock)
        await _check(box)
        ids = await _ids(box)
        # Answers: one more by hand, and a post answering several mentions at once.
        compose = await box.replies.compose(ids[7])
        await box.replies.record_manual(compose, compose.text + " fixed now")
        await _check(box)
        # Status: Cy's crash is done (no longer waiting), then open again.
        await box.set_status([ids[6]], Status.DONE)
        await _check(box)
        await box.set_status([ids[6]], Status.OPEN)
        await _check(box)
        # Relinks: Ed's author confirmed as Di, then Ada's author unlinked (rejected).
        ed, ada = await _author(box, "ed@shop.example"), await _author(box, "ada@shop.example")
        await box.linker.confirm(ed, customers["Di Recent"])
        await _check(box)
        await box.linker.reject(ada, customers["Ada Renewing"])
        await _check(box)
        await box.linker.confirm(ada, customers["Ada Renewing"])
        await _check(box)
        # Rarer writes, straight to the tables: a rescored mention, one moved to another
        # author, a mention turned into a competitor's, a customer deleted (its authors
        # unlinked by the foreign key), a sent answer deleted, a mention deleted.
        async with box.db.transaction() as conn:
            await conn.execute("UPDATE mentions SET compound = 0.9 WHERE id = ?", (ids[3],))
            await conn.execute("UPDATE mentions SET compound = NULL WHERE id = ?", (ids[6],))
        await _check(box)
        async with box.db.transaction() as conn:
            await conn.execute("UPDATE mentions SET author_id = ? WHERE id = ?", (ed, ids[4]))
            await conn.execute("UPDATE mentions SET watch_set = 'harrier' WHERE id = ?", (ids[2],))
        await _check(box)
        async with box.db.transaction() as conn:
            await conn.execute("DELETE FROM customers WHERE id = ?", (customers["Bo Escalated"],))
        await _check(box)
        async with box.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM outbox WHERE id = (SELECT max(outbox_id) FROM outbox_mentions)"
            )
            await conn.execute("DELETE FROM outbox_mentions WHERE mention_id = ?", (ids[8],))
        await _check(box)
        async with box.db.transaction() as conn:
            await conn.execute("DELETE FROM mentions WHERE id = ?", (ids[1],))
        moods, _ = await _kept(box)
        assert moods == (await _expected(box))[0]
        assert ids[1] not in [row[2] for row in moods]


async def test_the_rollups_are_built_on_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrm_tui.store import db as store_db
    from scrm_tui.store.schema import MIGRATIONS

    clock = Clock()
    older = [(v, steps) for v, steps in MIGRATIONS if v < 38]
    with monkeypatch.context() as old_release:
        old_release.setattr(store_db, "MIGRATIONS", older)
        old_release.setattr(store_db, "LATEST_VERSION", older[-1][0])
        async with await Inbox.open(db_path, "kate", clock) as box:
            customers = await _seed(box, clock)
    async with await Inbox.open(db_path, "kate", clock) as box:
        await _check(box)
        built = await report.build(box.db, parse_range("7d", box.now_ms()), now_ms=box.now_ms())
        touched = built.figure("sales.revenue_touched")
        assert touched.customers == (customers["Ada Renewing"], customers["Ed Happy"])
        assert touched.value == 1300.0
        # And kept from then on: a new customer's post, answered.
        clock.at = (NOW - timedelta(hours=1)).timestamp()
        await box.ingest(
            [_post(40, "Kestrel export is broken", Channel.MASTODON, 60, "ada@shop.example")]
        )
        compose = await box.replies.compose((await _ids(box))[40])
        await box.replies.record_manual(compose, compose.text + " on it")
        await _check(box)
