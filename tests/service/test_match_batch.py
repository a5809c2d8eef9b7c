"""Issue 12, points 3-4: a re-match's batch asks the index what its authors' matches ask
first all at once, and each author still gets what matching them alone gets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.match_pool import decide
from scrm_tui.store.linking import AuthorInfo, MatchOutcome
from scrm_tui.store.match_index import MatchIndexReader
from tests.conftest import fixed_clock
from tests.service.test_match_index import astuple, seed
from tests.unit.test_matching import EVAL, _load_generator


class Counting(MatchIndexReader):
    """The shared index's reader, counting the statements it runs."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.statements = 0
        self._conn.set_trace_callback(self._count)

    def _count(self, _sql: str) -> None:
        self.statements += 1


def assert_each_gets_what_it_gets_alone(
    matcher: Matcher, batch: Sequence[AuthorInfo], together: Sequence[MatchOutcome]
) -> None:
    """Each author's outcome in a batch is the decision and the three candidates that
    matching the author alone gives."""
    for author, outcome in zip(batch, together, strict=True):
        alone = matcher.match(author.channel, author.handle, author.display_name)
        assert (outcome.decision, outcome.candidates) == (
            alone.decision,
            tuple((c.customer_id, c.score, c.fields) for c in alone.candidates),
        ), author


async def test_a_batch_of_eval_authors_gets_what_each_gets_alone_with_fewer_reads(
    db_path: Path,
) -> None:
    """Eval authors (run-together handles, typos, nicknames, namesakes, strangers) decided
    as a re-match's batch over the eval customers in the file get, each, the decision
    and the three candidates that matching them one by one gives and that scoring every
    candidate gathered gives; the batch reads the index in fewer statements than they
    take one by one."""
    people = _load_generator().build_customers()
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        seed(db_path, [(p.id, *astuple(p.key())) for p in people])
        assert await box.linker.refresh_index() == len(people)
    cases = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    # Every 23rd author, and handles from other networks: those that link automatically.
    picked = cases[::23] + [c for c in cases if c["kind"] == "handle_cross_network"][:12]
    batch = [
        AuthorInfo(n, a["channel"], a["handle"], a["name"], None, None, None)
        for n, a in enumerate(case["author"] for case in picked)
    ]
    reader = Counting(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        together = decide(matcher, batch, {})
        in_batch = reader.statements
        reader.statements = 0
        assert_each_gets_what_it_gets_alone(matcher, batch, together)
        one_by_one = reader.statements
        for author in batch:
            everyone = matcher._run(
                author.channel, author.handle, author.display_name, (), matcher._candidates
            )
            alone = matcher.match(author.channel, author.handle, author.display_name)
            assert alone == everyone, author
        assert {o.decision for o in together} == {"auto", "suggest", "none"}
        # What repeats between authors is read once, and each kind of first look-up is
        # one read for the batch: a quarter fewer statements at least.
        assert in_batch < 0.75 * one_by_one, (in_batch, one_by_one)
    finally:
        reader.close()
