"""The review queue (`L`): every open suggestion best first, decided one by one or as one
undoable batch, on a real database, through the service and through the keys."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot

from scrm_tui.core.models import CustomerIn
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.reviews import Reviews, ReviewWindow
from scrm_tui.store.linking import LinkStore, MatchOutcome
from scrm_tui.store.reviews import ReviewStore, key_score, score_key
from scrm_tui.ui.dialogs.at_least import ConfirmAtLeast
from scrm_tui.ui.screens.review import ReviewScreen
from scrm_tui.ui.widgets.queue_list import QueueList
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import scrm
from tests.support.tui import make_app, press, settle, static_text, wait_until

MANY = 260  # more than two pages of the window


async def _seed(box: Inbox, authors: int) -> list[int]:
    """`authors` authors, each suggested two customers: the n-th is (90 - n % 40)%
    likely to be its first (customer n % 20 + 1), 55% its second (customer 21): its
    best is the more probable of the two. Scores say the same, as the matcher's do."""
    await box.add_customers(
        [CustomerIn(name=f"Customer {n}", email=f"c{n}@example.com") for n in range(1, 22)]
    )
    await box.ingest(
        [
            mention(n, handle=f"person{n}@example.social", name=f"Zq Person {n}")
            for n in range(authors)
        ]
    )
    async with box.db.reader.execute("SELECT id, handle FROM authors ORDER BY id") as cursor:
        ids = {h: i for i, h in await cursor.fetchall()}
    outcomes = []
    for n in range(authors):
        author = ids[f"person{n}@example.social"]
        outcomes.append(
            MatchOutcome(
                author,
                "suggest",
                ((n % 20 + 1, 90.0 - n % 40, ("name",)), (21, 55.0, ("email",))),
                ((90 - n % 40) / 100, 0.55),
            )
        )
    await LinkStore(box.db).record_matches(outcomes, 1)
    return [ids[f"person{n}@example.social"] for n in range(authors)]


async def _linked(box: Inbox, author_id: int) -> int | None:
    async with box.db.reader.execute(
        "SELECT customer_id FROM authors WHERE id = ?", (author_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


def test_a_score_key_keeps_order_and_round_trips() -> None:
    scores = [0.0, 0.1, 1.0, 54.999, 55.0, 90.0, 99.99, 100.0]
    keys = [score_key(s) for s in scores]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [key_score(k) for k in keys] == scores


async def test_every_waiting_author_is_listed_best_first_and_counted(inbox: Inbox) -> None:
    await _seed(inbox, MANY)
    window = ReviewWindow(inbox, page=50)
    await window.start()
    await window.load_count()
    assert window.total == MANY
    assert await window.ensure(0, MANY)
    rows = [window.get(i) for i in range(MANY)]
    assert all(r is not None for r in rows)
    scores = [r.score for r in rows]  # type: ignore[union-attr]
    assert scores == sorted(scores, reverse=True) and scores[0] == 90.0 and scores[-1] == 55.0
    # Ties by author, newest first: a stable, repeatable order to page through.
    assert len({r.author_id for r in rows}) == MANY  # type: ignore[union-attr]
    first = rows[0]
    assert first is not None and [e.score for e in first.suggestions] == [90.0, 55.0]
    assert (
        first.first is not None and first.first.email == f"c{first.first.customer_id}@example.com"
    )


async def test_no_by_one_confirm_reject_and_undo(inbox: Inbox) -> None:
    authors = await _seed(inbox, 3)
    reviews = Reviews(inbox)
    assert await reviews.count() == 3
    row = await reviews.row(authors[0])
    assert row is not None and row.first is not None and row.first.customer_id == 1
    # Not them: the next suggestion becomes the author's best, and the queue says so.
    await reviews.reject(row)
    again = await reviews.row(authors[0])
    assert again is not None and again.score == 55.0 and again.first.customer_id == 21  # type: ignore[union-attr]
    await reviews.confirm(again)
    assert await _linked(inbox, authors[0]) == 21
    assert await reviews.count() == 2 and await reviews.row(authors[0]) is None
    # Undo the confirmation, then the rejection: back as it was, 90 first.
    assert await reviews.undo(authors[0]) == "confirmed"
    assert await reviews.undo(authors[0]) == "rejected"
    back = await reviews.row(authors[0])
    assert back is not None and [e.score for e in back.suggestions] == [90.0, 55.0]
    assert await reviews.count() == 3


async def test_a_batch_links_those_at_or_above_the_score_and_undoes_as_one(inbox: Inbox) -> None:
    authors = await _seed(inbox, MANY)
    reviews = Reviews(inbox)
    expected = sum(1 for n in range(MANY) if 90 - n % 40 >= 80)
    assert await reviews.count(0.80) == expected
    heard: list[tuple[int, int]] = []
    batch = await reviews.confirm_at_least(0.80, lambda done, total: heard.append((done, total)))
    assert len(batch.authors) == expected and heard[-1] == (expected, expected)
    for n, author in enumerate(authors):
        assert await _linked(inbox, author) == (n % 20 + 1 if 90 - n % 40 >= 80 else None)
    assert await reviews.count() == MANY - expected
    # Someone decides one of them again before the undo: that one is left as they made it.
    kept = batch.authors[0]
    await inbox.linker.undo(kept)
    await inbox.linker.confirm(kept, 21)
    assert await reviews.undo_batch(batch) == expected - 1
    assert await _linked(inbox, kept) == 21
    assert await reviews.count() == MANY - 1
    # The history says who did it and that it was one batch.
    async with inbox.db.reader.execute(
        "SELECT count(*) FROM interactions WHERE kind = 'link' AND actor = 'tester' "
        "AND json_extract(detail, '$.batch') = ?",
        (batch.key,),
    ) as cursor:
        assert (await cursor.fetchone())[0] == expected  # type: ignore[index]


async def test_the_queue_follows_suggestions_whoever_writes_them(db_path: Path) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        authors = await _seed(box, 4)
    # Another process (or an older scrm) deletes and adds suggestions with plain SQL.
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM match_suggestions WHERE author_id = ?", (authors[1],))
        conn.execute(
            "DELETE FROM match_suggestions WHERE author_id = ? AND rank = 0", (authors[2],)
        )
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        store = ReviewStore(box.db)
        assert await store.count() == 3
        rows = {r.author_id: r for r in await store.page(None, 10)}
        assert authors[1] not in rows and rows[authors[2]].score == 55.0


async def test_an_old_database_s_suggestions_are_in_the_queue_after_the_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrm_tui.store import db as store_db
    from scrm_tui.store.schema import MIGRATIONS

    queue_step = next(v for v, steps in MIGRATIONS if any("match_best" in str(s) for s in steps))
    before = [(v, steps) for v, steps in MIGRATIONS if v < queue_step]
    with monkeypatch.context() as old_release:  # a file made by the release before the queue
        old_release.setattr(store_db, "MIGRATIONS", before)
        old_release.setattr(store_db, "LATEST_VERSION", before[-1][0])
        database = await store_db.Database.open(db_path)
        await database.close()
    # What that release wrote for five suggested authors (as _seed does through today's).
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == queue_step - 1
        conn.executemany(
            "INSERT INTO customers (id, name, email, created_ms, updated_ms) "
            "VALUES (?, ?, ?, 1, 1)",
            [(n, f"Customer {n}", f"c{n}@example.com") for n in range(1, 22)],
        )
        for n in range(5):
            handle = f"person{n}@example.social"
            author = conn.execute(
                "INSERT INTO authors (channel, handle, handle_key, display_name, profile_ms, "
                "match_state) VALUES ('mastodon', ?, ?, ?, 1, 'suggested')",
                (handle, handle, f"Zq Person {n}"),
            ).lastrowid
            conn.executemany(
                "INSERT INTO match_suggestions (author_id, customer_id, rank, score, fields, "
                "probability) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (author, n % 20 + 1, 0, 90.0 - n % 40, '["name"]', (90 - n % 40) / 100),
                    (author, 21, 1, 55.0, '["email"]', 0.55),
                ],
            )
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        assert await Reviews(box).count() == 5
        assert [r.score for r in await ReviewStore(box.db).page(None, 10)] == [
            90.0, 89.0, 88.0, 87.0, 86.0,
        ]  # fmt: skip


# ------------------------------------------------------------------ through the keys


@pytest.fixture
def waiting(db_path: Path) -> Path:
    async def seed() -> None:
        async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
            await _seed(box, 6)

    asyncio.run(seed())
    return db_path


def selected(pilot: Pilot) -> tuple[int, float] | None:
    row = pilot.app.screen.query_one(QueueList).selected
    return (row.author_id, row.score) if row is not None else None


def status(pilot: Pilot) -> str:
    return static_text(pilot, "#review-status")


async def open_queue(pilot: Pilot) -> ReviewScreen:
    await settle(pilot)
    await press(pilot, "L")
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await wait_until(pilot, lambda: "6 waiting" in status(pilot))
    return screen


async def test_keys_confirm_reject_skip_and_undo(waiting: Path) -> None:
    app = make_app(waiting)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_queue(pilot)
        first = selected(pilot)
        assert first is not None and first[1] == 90.0
        detail = static_text(pilot, "#review-detail-text")
        assert "Author" in detail and "Customer #1" in detail and "c1@example.com" in detail
        assert "Zq Person 0" in detail and "Probability 90%" in detail
        # The author's profile beside the customer's e-mail domain (domain evidence).
        assert "https://example.social/@user0" in detail and "@example.com" in detail

        await press(pilot, "y")  # confirm: the row goes, the next takes its line
        await wait_until(pilot, lambda: "5 waiting" in status(pilot))
        assert selected(pilot) != first
        await press(pilot, "s")  # skip: the cursor moves on, nothing decided
        skipped_past = selected(pilot)
        assert "5 waiting" in status(pilot)
        await press(pilot, "n")  # not them: that author's next suggestion (55) remains
        await wait_until(
            pilot,
            lambda: any(
                (r := app.screen.query_one(QueueList).window.get(i)) is not None  # type: ignore[union-attr]
                and r.author_id == skipped_past[0]
                and r.score == 55.0  # type: ignore[index]
                for i in range(5)
            ),
        )
        await press(pilot, "u")  # undo the rejection: 89 again
        await wait_until(pilot, lambda: selected(pilot) == skipped_past)
        await press(pilot, "u")  # undo the confirmation: six again
        await wait_until(pilot, lambda: "6 waiting" in status(pilot))


async def test_a_batch_is_counted_before_it_is_done_and_undone_as_one(waiting: Path) -> None:
    app = make_app(waiting)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_queue(pilot)
        await press(pilot, "Y")
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmAtLeast)
        await wait_until(
            pilot, lambda: "will be linked" in static_text(pilot, "#review-batch-count")
        )
        # 90%, 89% ... 85% likely: at least 88% is three authors.
        await press(pilot, "ctrl+a", "ctrl+k", "8", "8")
        await wait_until(pilot, lambda: "3 authors" in static_text(pilot, "#review-batch-count"))
        await press(pilot, "enter")
        await wait_until(pilot, lambda: "3 waiting" in status(pilot))
        assert selected(pilot) is not None and selected(pilot)[1] == 87.0  # type: ignore[index]
        await press(pilot, "u")
        await wait_until(pilot, lambda: "6 waiting" in status(pilot))


async def test_a_bad_score_says_so_and_confirms_nothing(waiting: Path) -> None:
    app = make_app(waiting)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_queue(pilot)
        await press(pilot, "Y", "ctrl+a", "ctrl+k", "x")
        await wait_until(pilot, lambda: "0 to 100" in static_text(pilot, "#review-batch-count"))
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, ConfirmAtLeast)  # refused, still asking
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, ReviewScreen) and "6 waiting" in status(pilot)


def test_review_queue_snapshot(snap_compare, waiting: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_queue(pilot)

    assert snap_compare(make_app(waiting), terminal_size=(80, 24), run_before=run_before)


# ------------------------------------------------------------------ scrm export authors


def test_export_authors_writes_every_author_with_its_link_and_suggestions(
    waiting: Path,
) -> None:
    async def decide() -> None:
        async with await Inbox.open(waiting, "dana", fixed_clock) as box:
            row = await Reviews(box).row(1)
            assert row is not None
            await Reviews(box).confirm(row)
            await box.ingest([mention(99, handle="loner@example.social", name="Nobody Known")])

    asyncio.run(decide())
    result = scrm("--db", str(waiting), "export", "authors")
    assert result.returncode == 0, result.stderr
    assert "7 authors exported" in result.stderr
    rows = {r["handle"]: r for r in map(json.loads, result.stdout.splitlines())}
    linked = rows["person0@example.social"]
    assert (linked["link"], linked["customer"], linked["customer_name"]) == (
        "confirmed",
        "#1",
        "Customer 1",
    )
    assert linked["suggestions"] == []
    waiting_one = rows["person1@example.social"]
    assert waiting_one["link"] == "suggested" and waiting_one["customer"] is None
    suggested = waiting_one["suggestions"]
    assert [(s["customer"], s["probability"], s["matched_on"]) for s in suggested] == [
        ("#2", 0.89, ["name"]),
        ("#21", 0.55, ["email"]),
    ]
    assert rows["loner@example.social"]["link"] == "none"
    # As CSV: one row per author, the suggestions in one cell.
    out = waiting.with_name("authors.csv")
    result = scrm("--db", str(waiting), "export", "authors", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 7
    one = next(r for r in table if r["handle"] == "person1@example.social")
    assert one["suggestions"] == "#2 Customer 2 (89.0%); #21 Customer 21 (55.0%)"
