"""Issue 12, point 3: a big pool's candidates are told apart by which common words they
hold from the word's holders when those cost less to read than the candidates' rows,
and the answer is the one reading every candidate's row gives, and a full scan's."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pytest

from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.matching import candidates as matching
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.service.match_pool import decide
from scrm_tui.store.linking import AuthorInfo
from scrm_tui.store.match_index import MatchIndexReader
from tests.service.test_match_batch import assert_each_gets_what_it_gets_alone
from tests.service.test_match_index import indexed

FIRSTS = ["Ada", "Bola", "Chidi", "Dayo", "Emeka", "Funmi", "Gozie", "Hauwa", "Ife", "Jide"]
LASTS = ["Okafor", "Okafur", "Okoro", "Obi"]

Row = tuple[int, str, str | None, str | None, tuple]


class Counting(MatchIndexReader):
    """The shared index's reader, counting the rows of customers it describes and the
    holder ids it hands back."""

    rows = 0
    holder_ids = 0

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, list[str]]]:
        found = super().described(ids)
        self.rows += len(found)
        return found

    def holders(self, words: Collection[str]) -> set[int]:
        found = super().holders(words)
        self.holder_ids += len(found)
        return found


def okafors() -> list[Row]:
    """1,300 customers holding "okafor" (more than a slot's holders are read for), 130
    Chidi Okafors among them; 60 of them go by a handle made of their surname alone and
    60 Chidis of other surnames by their first name alone (exact keys that bring in the
    first 50 by id each, whose rows would tell whether they hold "okafor"); a few near
    surnames."""
    rows: list[Row] = []
    n = 0
    for round_ in range(130):
        for first in FIRSTS:
            n += 1
            handles: tuple = ()
            if round_ % 2 and n % 3 == 0:
                handles = (("x", f"okafor{n}"),)  # key "okafor"
            rows.append((n, f"{first} Okafor", None, None, handles))
    for k in range(60):
        n += 1
        last = LASTS[1 + k % 3]
        rows.append((n, f"Chidi {last}", None, None, (("x", f"chidi{k}"),)))  # key "chidi"
    return rows


AUTHORS = [
    ("x", "chidi_okafor", "Chidi Okafor"),  # the name
    ("x", "cokafor", "C. Okafor"),  # an initial
    ("mastodon", "okafor_fan@example.social", None),  # a handle alone
    ("x", "chidi_okafor", "Chidi Okafur"),  # a typo, near a near surname
    ("bluesky", "emeka.okoro.bsky.social", "Emeka Okoro"),
]


Answer = tuple[str, list[tuple[int, float]]]


def answers(matcher: Matcher, authors: list = AUTHORS, scan: bool = False) -> list[Answer]:
    """Each author's decision and candidates (customer, score): as matched, or with
    `scan` as a full scan over every customer finds them."""
    out = []
    for author in authors:
        result = matcher.scan(*author) if scan else matcher.match(*author)
        out.append((result.decision, [(c.customer_id, c.score) for c in result.candidates]))
    return out


async def test_a_common_words_holders_rank_a_big_pool_as_its_rows_do(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each author's decision and three candidates are the same whether the pool's
    candidates are told apart by their rows or by the common word's holders, and for an
    author with a name they are a full scan's (the handle alone, "okafor_fan", is one
    the index ranks short of a full scan either way: 72 ties among hundreds, of which
    it finds one); the holders cost a fraction of the rows they replace."""
    async with indexed(db_path, okafors()):
        pass
    reader = Counting(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        scanned = answers(matcher, scan=True)
        monkeypatch.setattr(matching, "_HOLDER_PER_ROW", 0)  # rows only
        reader.rows = reader.holder_ids = 0
        by_rows = answers(matcher)
        rows_read = reader.rows
        monkeypatch.setattr(matching, "_HOLDER_PER_ROW", 1_000)  # holders whenever they can
        reader.rows = reader.holder_ids = 0
        by_holders = answers(matcher)
        assert by_holders == by_rows
        named = [n for n, author in enumerate(AUTHORS) if author[2]]
        assert [by_holders[n] for n in named] == [scanned[n] for n in named]
        assert all(candidates for _, candidates in by_holders)
        # The holders were read (1,300 ids a common slot), and fewer rows than before.
        assert reader.holder_ids >= 1_300
        assert reader.rows < rows_read
    finally:
        reader.close()


async def test_a_batch_remembering_common_holders_gets_what_each_author_gets_alone(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-match's batch keeps the common words' holders it read for the next authors:
    each author gets what matching them alone gets."""
    async with indexed(db_path, okafors()):
        pass
    monkeypatch.setattr(matching, "_HOLDER_PER_ROW", 1_000)
    reader = MatchIndexReader(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        batch = [
            AuthorInfo(n, channel, handle, name, None, None, None)
            for n, (channel, handle, name) in enumerate(AUTHORS * 2)
        ]
        assert_each_gets_what_it_gets_alone(matcher, batch, decide(matcher, batch, {}))
    finally:
        reader.close()
