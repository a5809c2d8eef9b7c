"""The re-match after a customer import is owed in the database until it completes: an
import cut short during it finishes it when run again (with nothing left to import),
and so do a later ingest and the app; its progress is shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scrm_tui.core.models import CustomerIn
from scrm_tui.service import linking_match
from scrm_tui.service.customers import import_customers
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support.plain import value
from tests.support.terminal import Terminal, scrm_command
from tests.support.tui import running, wait_until

FIRST = """Kate Anna Omar Li Zoe Jose Lukasz Ngozi Priya Sven Yuki Maria John Alex Fatima
Ivan Olga Pedro Lucia Tom Hana Ken Mia Noah Emma Liam Ava Ben Chloe Dan"""
LAST = """Lindqvist Nunez Wrobel Okafor Sharma Berg Tanaka Rossi Smith Kim Haddad Wang Novak
Silva Costa Meyer Weber Dubois Moreau Jensen Hansen Larsen Nielsen Kowalski Nowak Horvat
Kovacs Popescu Ionescu Petrov Ivanov Sokolov Moller Fischer Wagner Becker"""


def names(n: int) -> list[str]:
    """`n` different people's names (up to 28,080)."""
    people = [
        f"{first} {initial}. {last}"
        for initial in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for last in LAST.split()
        for first in FIRST.split()
    ]
    return people[:n]


async def seed_authors(db: str | Path, n: int) -> None:
    """`n` authors, each with the name of a customer to come and a handle of their own,
    stored before any customer exists: nobody can place them yet."""
    async with await Inbox.open(db, "seeder", fixed_clock) as box:
        people = names(n)
        await box.ingest(
            [mention(i, handle=f"u{i}@example.social", name=people[i]) for i in range(n)]
        )


def write_customers(path: Path, n: int) -> Path:
    path.write_text(
        "id,name\n" + "".join(f"C-{i},{name}\n" for i, name in enumerate(names(n))),
        encoding="utf-8",
    )
    return path


def placed(db: str | Path) -> tuple[int, int, int]:
    """(authors with suggestions, authors linked, suggestions) as the link pane sees them."""
    suggested = value(
        db, "SELECT count(*) FROM authors WHERE match_state = 'suggested' AND customer_id IS NULL"
    )
    linked = value(db, "SELECT count(*) FROM authors WHERE customer_id IS NOT NULL")
    suggestions = value(db, "SELECT count(*) FROM match_suggestions")
    return int(suggested), int(linked), int(suggestions)


def owed(db: str | Path) -> int:
    return int(value(db, "SELECT count(*) FROM pending_work"))


class Killed(Exception):
    """Stands in for a kill in the middle of the re-match."""


@pytest.mark.both_engines
async def test_an_import_cut_short_in_its_rematch_finishes_it_when_run_again(
    tmp_path: Path, another_target: Callable[[str], str | Path]
) -> None:
    n = 1500
    clean_db, db = another_target("clean"), another_target("cut")
    customers = write_customers(tmp_path / "customers.csv", n)
    for path in (clean_db, db):
        await seed_authors(path, n)
    async with await Inbox.open(clean_db, "agent", fixed_clock) as box:
        progress: list[tuple[int, int]] = []
        await import_customers(box, customers, on_rematch=lambda *p: progress.append(p))
    clean = placed(clean_db)
    assert clean[0] == n  # every author has a suggestion after a clean run
    assert progress == [(1000, n), (n, n)]  # the re-match shows its progress, page by page

    def die_after_first_page(done: int, total: int) -> None:
        raise Killed

    async with await Inbox.open(db, "agent", fixed_clock) as box:
        with pytest.raises(Killed):
            await import_customers(box, customers, on_rematch=die_after_first_page)
    assert 0 < placed(db)[0] < n and owed(db) == 1

    progress.clear()
    async with await Inbox.open(db, "agent", fixed_clock) as box:
        again = await import_customers(box, customers, on_rematch=lambda *p: progress.append(p))
    assert (again.created, again.updated) == (0, 0)
    assert placed(db) == clean
    assert owed(db) == 0
    assert progress[-1] == (n - 1000, n - 1000)  # only what was left


@pytest.mark.both_engines
async def test_a_newer_import_during_a_rematch_starts_it_over(target: str | Path) -> None:
    await seed_authors(target, 1200)
    async with await Inbox.open(target, "agent", fixed_clock) as box:
        await box.add_customers([CustomerIn(name=name) for name in names(600)], rematch=True)
        seen: list[tuple[int, int]] = []

        def import_more(done: int, total: int) -> None:
            seen.append((done, total))

        # The first page is done for the first import; another one then arrives.
        pending = await box.linker.store.pending_rematch()
        assert pending is not None
        await box.linker.store.advance_rematch(pending.generation, 1000, box.now_ms())
        await box.add_customers([CustomerIn(name=name) for name in names(1200)[600:]], rematch=True)
        await box.linker.resume_rematch(import_more)
        assert await box.linker.store.pending_rematch() is None
    assert seen[-1] == (1200, 1200)  # all from the first author: the new customers fit them
    assert placed(target)[0] == 1200


async def test_the_app_finishes_a_rematch_an_import_left_owed(db_path: Path) -> None:
    await seed_authors(db_path, 300)
    async with await Inbox.open(db_path, "importer", fixed_clock) as box:
        await box.add_customers([CustomerIn(name=name) for name in names(300)], rematch=True)
    assert placed(db_path)[0] == 0 and owed(db_path) == 1
    async with running(db_path) as pilot:
        await wait_until(pilot, lambda: owed(db_path) == 0)
    assert placed(db_path)[0] == 300


async def test_a_terminal_shows_the_rematch_with_its_own_progress_bar(
    db_path: Path, tmp_path: Path, terminal: Terminal
) -> None:
    await seed_authors(db_path, 2500)
    customers = write_customers(tmp_path / "customers.csv", 2500)
    terminal.start(
        "exec " + scrm_command("--db", str(db_path), "customers", "import", str(customers)),
        100,
        20,
        tmp_path,
    )

    def rematching_part_way(screen: str) -> bool:
        bars = [line for line in screen.splitlines() if line.startswith("re-matching [")]
        return bool(bars) and "2,500/2,500" not in bars[-1]

    # Pages of 1,000 authors: the bar moves while the re-match works.
    terminal.wait_for(rematching_part_way)
    terminal.wait_text("2,500 with suggestions")
    screen = terminal.scrollback()
    assert "importing [##############################] 100% 2,500/2,500" in screen
    assert "re-matching [##############################] 100% 2,500/2,500 authors" in screen


def not_here(*_: object, **__: object) -> None:
    raise AssertionError("a big re-match is matched in worker processes, not this one")


@pytest.mark.both_engines
async def test_a_big_rematch_works_in_worker_processes_and_places_everyone(
    tmp_path: Path, another_target: Callable[[str], str | Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # More customers than are indexed in the process itself: the import starts one worker
    # process per core, and the re-match's pages are matched there too.
    n = 2500
    db = another_target("big")
    await seed_authors(db, n)
    customers = write_customers(tmp_path / "customers.csv", n)
    monkeypatch.setattr(linking_match, "decide", not_here)  # this process only reads and writes
    async with await Inbox.open(db, "agent", fixed_clock) as box:
        progress: list[tuple[int, int]] = []
        report = await import_customers(box, customers, on_rematch=lambda *p: progress.append(p))
    assert report.suggested == n and placed(db)[0] == n and owed(db) == 0
    assert progress[0] == (1000, n) and progress[-1] == (n, n)
