"""Issue 12, points 3-4: match() reads and scores only the candidates that can make its
answer (each one's ceiling, from its index row, against the third best so far), and the
index keeps how many customers hold each word instead of counting them per author."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path

from scrm_tui.core.models import CustomerIn
from scrm_tui.enrich.matching import Matcher, name_tokens
from scrm_tui.enrich.matching.prepare import _Author
from scrm_tui.enrich.matching.scorer import _Scorer
from scrm_tui.enrich.matching.similarity import _word_similarity
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.match_pool import decide
from scrm_tui.store.linking import AuthorInfo
from scrm_tui.store.match_index import MatchIndexReader
from tests.conftest import fixed_clock
from tests.service.test_match_index import HARD, decoys, indexed

NAMESAKES = 400


class Counting(MatchIndexReader):
    """The shared index's reader, counting the prepared customers it hands back (what
    match() reads to score, customer by customer)."""

    read = 0

    def entries(self, ids: Collection[int]) -> list[tuple[int, str]]:
        found = super().entries(ids)
        self.read += len(found)
        return found


def crowd(start: int) -> list[tuple[int, str, str | None, str | None, tuple]]:
    """400 Bruno Silvas and their near namesakes, with what can lift one above a name:
    a handle one letter from the author's, the author's handle itself, an e-mail, a
    company, a handle that spells the name."""
    rows: list[tuple[int, str, str | None, str | None, tuple]] = []
    for n in range(NAMESAKES):
        name = ("Bruno Silva", "Bruna Silva", "Bruno Silveira", "Bruno Da Silva")[n % 4]
        handles: tuple = (("github", f"bsilva{n}"),) if n % 3 else ()
        email = f"bruno.silva{n}@example.org" if n % 5 == 0 else None
        company = "Silva Ventures" if n % 7 == 0 else None
        rows.append((start + n, name, email, company, handles))
    rows.append((start + NAMESAKES, "Bruno Silva", None, None, (("mastodon", "fan_silva7"),)))
    rows.append((start + NAMESAKES + 1, "B Silva", None, None, (("mastodon", "fan_silva"),)))
    rows.append((start + NAMESAKES + 2, "Brunno Sylva", None, None, (("x", "brunosilva"),)))
    rows.append(
        (start + NAMESAKES + 3, "Bruno Silva", None, None, (("github", "Fuzzy_Lynx_4716"),))
    )
    return rows


AUTHORS = [
    ("mastodon", "fan_silva@example.social", "Bruno Silva"),  # a handle one of them holds
    ("mastodon", "Fuzzy_Lynx_4716@example.social", "Bruno Silva"),  # ... that says who
    ("mastodon", "fan_silv@example.social", "Bruno Silva"),  # ... one letter off it
    ("bluesky", "brunosilva.bsky.social", "Bruno Silva"),  # the name spelled as a handle
    ("reddit", "silva_ventures", None),  # the company's own account, no name
    ("x", "zz_top_77", "Bruno Silva"),  # nothing but the name: 100+ tie at the top
    ("x", "zz_top_78", "Bruna Sylva"),  # a typo
    *[author for author, _ in HARD],
]


async def test_a_crowd_of_namesakes_gives_the_answer_scoring_them_all_gives(
    db_path: Path,
) -> None:
    """Among 400 namesakes, near namesakes and the hard cases' decoys, match() gives each
    author the decision and the three candidates (ids, scores, fields) that scoring
    every candidate it gathered gives, and reads the entries of a few of them, not of
    the 80 it gathers: the rest cannot reach the top three."""
    hard = [(i + 1, name, email, None, hs) for i, (_, (name, email, hs)) in enumerate(HARD)]
    rows = hard + decoys(len(hard)) + crowd(10_000)
    async with indexed(db_path, rows):
        pass
    reader = Counting(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        for author in AUTHORS:
            everyone = matcher._run(*author, (), matcher._candidates, prune=False)
            reader.read = 0
            assert matcher.match(*author) == everyone, author
            assert everyone.candidates, author
            assert reader.read < 40, (author, reader.read)
        # The name alone: scoring every candidate read 80 entries; the ceilings, a few.
        reader.read = 0
        matcher._run("x", "zz_top_77", "Bruno Silva", (), matcher._candidates, prune=False)
        assert reader.read >= 80
        reader.read = 0
        matcher.match("x", "zz_top_77", "Bruno Silva")
        assert reader.read <= 16
    finally:
        reader.close()


def counts(db_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(kept count, true count) of each word's holders in the shared index."""
    with sqlite3.connect(db_path) as conn:
        kept = dict(conn.execute("SELECT word, n FROM match_word_n"))
        true = dict(conn.execute("SELECT word, count(*) FROM match_words GROUP BY word"))
    return kept, true


async def test_the_count_of_each_words_holders_follows_renames_merges_and_deletions(
    db_path: Path,
) -> None:
    """How many customers hold each word is kept as customers come, are renamed, merged
    and deleted (by the app or by another tool writing to the file): what the matcher
    weighs a word by is always the true count, and a word nobody holds any more is
    gone."""
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(name="Priya Sharma", external_id="A"),
                CustomerIn(name="Priya Sharma", external_id="B", email="priya@example.org"),
                CustomerIn(name="Zebulon Quist", external_id="C"),
            ]
        )
        await box.linker.refresh_index()
        kept, true = counts(db_path)
        assert kept == true and kept["priya"] == 2 and kept["zebulon"] == 1
        await box.merge_customers(2, 1)
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE customers SET name = 'Zebulon Quistgaard' WHERE id = 3")
        await box.linker.refresh_index()
        kept, true = counts(db_path)
        assert kept == true and kept["priya"] == 1 and kept["quistgaard"] == 1
        assert "quist" not in kept
        reader = MatchIndexReader(db_path)
        try:
            assert reader.counted(["priya", "zebulon", "nobody"], 10) == 2
            assert reader.counted(["priya", "zebulon"], 1) == 2  # no further than cap + 1
        finally:
            reader.close()


async def test_a_mixed_batch_gets_what_each_author_gets_alone(db_path: Path) -> None:
    """A re-match's batch (namesakes, typos, handles, strangers, a rejected customer)
    decided together, with the index read once for the batch, gets for each author
    exactly what matching them alone gets, and what scoring every candidate gets."""
    hard = [(i + 1, name, email, None, hs) for i, (_, (name, email, hs)) in enumerate(HARD)]
    rows = hard + decoys(len(hard)) + crowd(10_000)
    async with indexed(db_path, rows):
        pass
    strangers = [("x", "nobody_at_all_42", "Quentin Zylberstein"), ("github", "qq", None)]
    batch = [
        AuthorInfo(n, channel, handle, name, None, None, None)
        for n, (channel, handle, name) in enumerate([*AUTHORS, *strangers] * 2)
    ]
    rejected = {2: {10_000 + NAMESAKES + 1}}  # the fan_silv author said no to B Silva
    reader = MatchIndexReader(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        together = decide(matcher, batch, rejected)
        for author, outcome in zip(batch, together, strict=True):
            excluded = rejected.get(author.id, ())
            alone = matcher.match(author.channel, author.handle, author.display_name, excluded)
            everyone = matcher._run(
                author.channel,
                author.handle,
                author.display_name,
                excluded,
                matcher._candidates,
                prune=False,
            )
            assert alone == everyone, author
            assert (outcome.decision, outcome.candidates) == (
                alone.decision,
                tuple((c.customer_id, c.score, c.fields) for c in alone.candidates),
            ), author
        decisions = {o.decision for o in together}
        assert decisions == {"auto", "suggest", "none"}
    finally:
        reader.close()


def test_words_rated_together_get_the_figures_they_get_one_by_one() -> None:
    """The ceilings rate a candidate's words against the author's in rapidfuzz, all at
    once: each gets the similarity the scorer gives it word by word (the same word, an
    initial, a nickname, one or two edits, nothing), so no ceiling is lower than a score."""
    words = sorted(
        {w for c in crowd(0) for w in name_tokens(c[1])}
        | {"b", "s", "bob", "robert", "rob", "kate", "katie", "katharine", "ed", "al", "silv"}
        | {"bruno", "brunno", "sylva", "silvia", "da", "x", "zz", "kathryn", "liz", "beth"}
    )
    for author in [("bruno", "silva"), ("b", "silva"), ("kate", "ed"), ("al", "robert", "liz")]:
        scorer = _Scorer(_Author((author,), "", "", (), (), ()), {}, 1000)
        scorer.learn_closeness(words)
        for word in words:
            alone = max(_word_similarity(a, word) for a in author)
            assert scorer.closest_to(word) == alone, (author, word)
