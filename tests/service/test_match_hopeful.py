"""Issue 12, point 3: when exact-key hits fill the room of a big pool, the pool's other
candidates are not read whole to rank them (matching._hopeful), and every author gets
the answer weighing every candidate to the end gives, and for an author with a full
name, a full scan's."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.matching import candidates as matching
from scrm_tui.enrich.shared_index import SharedIndex
from tests.service.test_match_holding import Counting, answers
from tests.service.test_match_index import indexed

OTHERS = ["Ortiz", "Mensah", "Lindqvist", "Okafor", "Novak", "Haddad", "Moreau", "Sato"]
FIRSTS = ["Dana", "Ines", "Tomas", "Yara", "Kofi", "Lena", "Ugo", "Mira"]
LATE = 70 + 200 + 30  # the Richard and Rick Hales come last by id

Row = tuple[int, str, str | None, str | None, tuple]


def keyed_crowd() -> list[Row]:
    """70 customers who go by the handle "richard" (an exact key: its first 50 by id come
    in, more than the room for key hits), 200 Richards of other surnames, 30 Hales of
    other first names (a rare word: all come in), then three Richard Hales and two Rick
    Hales."""
    rows: list[Row] = []
    for k in range(70):
        name = f"{FIRSTS[k % 8]} {OTHERS[(k // 8) % 8]}"
        rows.append((len(rows) + 1, name, None, None, (("mastodon", f"richard@i{k}.social"),)))
    for k in range(200):
        rows.append((len(rows) + 1, f"Richard {OTHERS[k % 8]}", None, None, ()))
    for k in range(30):
        rows.append((len(rows) + 1, f"{FIRSTS[k % 8]} Hale", None, None, ()))
    for name in ("Richard Hale", "Rick Hale", "Richard Hale", "Rick Hale", "Richard Hale"):
        rows.append((len(rows) + 1, name, None, None, ()))
    return rows


AUTHORS = [
    ("x", "richard", "Richard Hale"),
    ("x", "richard", "Rick Hale"),
    ("x", "rhale", "Richard Hale"),
    ("x", "richard", None),
]


def every_part(
    parts: list[tuple[float, set[int]]], still: float, room: int
) -> tuple[list[tuple[float, set[int]]], set[int]]:
    """`_hopeful` that gives up on no part: every candidate weighed to the end."""
    return parts, set().union(*(part for _, part in parts))


async def test_key_hits_filling_the_room_leave_the_rest_unread_with_the_same_answer(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with indexed(db_path, keyed_crowd()):
        pass
    reader = Counting(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        scanned = answers(matcher, AUTHORS, scan=True)
        # Richard as common as a first name at a million customers (its holders not
        # read: which candidates hold it is told from their rows), and room for 18
        # candidates besides the closest names: the key's 50 fill it.
        monkeypatch.setattr(matching, "_READ_SLOT", 100)
        monkeypatch.setattr(matching, "_MAX_SCORED", 30)
        monkeypatch.setattr(matching, "_HOLDER_PER_ROW", 0)
        with monkeypatch.context() as patched:
            patched.setattr(matching, "_hopeful", every_part)
            reader.rows = 0
            weighed_all = answers(matcher, AUTHORS)
            rows_read = reader.rows
        reader.rows = 0
        pruned = answers(matcher, AUTHORS)
        assert pruned == weighed_all
        named = [n for n, author in enumerate(AUTHORS) if author[2]]
        assert [pruned[n] for n in named] == [scanned[n] for n in named]
        # The Richard Hales, last by id, are found.
        assert {c for c, _ in pruned[0][1]} == {LATE + 1, LATE + 3, LATE + 5}
        assert reader.rows < rows_read
    finally:
        reader.close()
