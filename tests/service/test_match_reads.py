"""Issue 12, point 3: the shared index's reads padded to a few statement shapes, and
namesakes' names scored once, give the answers that reading and scoring each gives."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from scrm_tui.store.match_index import MatchIndexReader
from tests.service.test_match_index import decoys, indexed

# Around each power of two the IN lists are padded to, and past a chunk (500).
LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 255, 256, 257, 499, 500, 501, 777, 1025]


async def test_every_row_asked_for_comes_back_whatever_the_number_asked(db_path: Path) -> None:
    """Asked about any number of customers or words, some of them nobody's, the index
    hands back every one it holds and no other, in id order, as plain SQL finds them."""
    rows = decoys(0)
    async with indexed(db_path, rows):
        pass
    with sqlite3.connect(db_path) as conn:
        text = dict(conn.execute("SELECT customer_id, text FROM match_entries"))
        df = dict(conn.execute("SELECT word, n FROM match_df"))
    assert len(text) == len(rows) > 1100
    picker = random.Random(12)
    reader = MatchIndexReader(db_path)
    try:
        for length in LENGTHS:
            ids = picker.sample(range(1, len(rows) * 2), length)  # about half nobody's
            held = sorted(i for i in ids if i in text)
            assert [i for i, *_ in reader.described(ids)] == held, length
            assert reader.named(ids) == [(i, text[i]) for i in held], length
            assert sorted(i for i, _ in reader.entries(ids)) == held, length
            words = picker.sample(sorted(df), min(length, len(df))) + [f"zz{n}" for n in range(5)]
            assert reader.df(words) == {w: df[w] for w in words if w in df}, length
    finally:
        reader.close()


async def test_namesakes_are_told_apart_by_their_own_evidence(db_path: Path) -> None:
    """Forty Jie Wangs: the one who holds the author's handle comes first, and the
    others, whose name scores alike, follow by id (their name scored once for all of
    them changes nothing); the match gives what scoring every candidate gives."""
    rows = [
        (n, "Jie Wang", None, None, (("github", f"jwang{n}"),) if n % 2 else ())
        for n in range(1, 41)
    ]
    rows.append((41, "Jie Wang", None, None, (("mastodon", "jie_codes_rust"),)))
    async with indexed(db_path, rows) as matcher:
        author = ("mastodon", "jie_codes_rust@example.social", "Jie Wang")
        everyone = matcher._run(*author, (), matcher._candidates, prune=False)
        found = matcher.match(*author)
        assert found == everyone
        assert [c.customer_id for c in found.candidates][:1] == [41]
        assert found.candidates[0].score > max(c.score for c in found.candidates[1:])
        stranger = matcher.match("x", "nobody_77", "Jie Wang")
        assert sorted(c.customer_id for c in stranger.candidates) == [1, 2, 3]
        assert len({c.score for c in stranger.candidates}) == 1
