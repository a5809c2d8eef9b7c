"""Matching finds the same answers on PostgreSQL as on SQLite: the same customers and the
same authors (drawn from tests/data/match_eval.jsonl: 488 customers and 413 authors of
bench/make_match_eval.py's labelled set, in tests/data/match_engines_*.jsonl) give every
author the same customer, state, score and suggestions on each engine. Half the authors
arrive before the customers (the import's re-match places them), half after (ingest does)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionIn
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock
from tests.support.plain import rows
from tests.support.postgres import Server

DATA = Path(__file__).parents[1] / "data"


def customers() -> list[CustomerIn]:
    lines = (DATA / "match_engines_customers.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        CustomerIn(
            name=c["name"],
            external_id=c["id"],
            email=c["email"],
            company=c["company"],
            identities=tuple((network, handle) for network, handle in c["handles"]),
        )
        for c in map(json.loads, lines)
    ]


def mentions() -> list[MentionIn]:
    lines = (DATA / "match_engines_authors.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        MentionIn(
            channel=Channel(a["channel"]),
            external_id=f"{a['channel']}-{n}",
            text=f"a word about Kestrel, number {n}",
            created_at=NOW - timedelta(minutes=n),
            author=AuthorIn(handle=a["handle"], name=a["name"], followers=10),
            url=f"https://example.social/{n}",
        )
        for n, a in enumerate(map(json.loads, lines))
    ]


def answers(target: str | Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Each author's customer (by external id), state and score, and its suggestions
    (external id, rank, score, probability), read in plain SQL."""
    suggested: dict[int, list[tuple[Any, ...]]] = {}
    for author, external, rank, score, probability in rows(
        target,
        "SELECT s.author_id, c.external_id, s.rank, s.score, s.probability "
        "FROM match_suggestions s JOIN customers c ON c.id = s.customer_id "
        "ORDER BY s.author_id, s.rank, c.external_id",
    ):
        suggested.setdefault(author, []).append(
            (
                external,
                rank,
                round(score, 6),
                None if probability is None else round(probability, 6),
            )
        )
    return {
        (channel, handle): (
            external,
            state,
            None if score is None else round(score, 6),
            suggested.get(author, []),
        )
        for author, channel, handle, external, state, score in rows(
            target,
            "SELECT a.id, a.channel, a.handle, c.external_id, a.match_state, a.match_score "
            "FROM authors a LEFT JOIN customers c ON c.id = a.customer_id",
        )
    }


async def matched_on(target: str | Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    arrivals = mentions()
    half = len(arrivals) // 2
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        await inbox.ingest(arrivals[:half])
        await inbox.add_customers(customers(), "crm.csv", rematch=True)
        await inbox.linker.resume_rematch()
        await inbox.ingest(arrivals[half:])
    return answers(target)


async def test_every_author_gets_the_same_customer_and_suggestions_on_both_engines(
    tmp_path: Path, postgres: Server
) -> None:
    on_sqlite = await matched_on(tmp_path / "lite.db")
    on_postgres = await matched_on(postgres.fresh())
    assert len(on_sqlite) == 413
    differ = {
        who: (on_sqlite[who], on_postgres.get(who))
        for who in on_sqlite
        if on_sqlite[who] != on_postgres.get(who)
    }
    assert differ == {}
    assert set(on_postgres) == set(on_sqlite)
    # Not an empty agreement: each way of being placed is there.
    states = Counter(answer[1] for answer in on_sqlite.values())
    assert states["auto"] > 50 and states["suggested"] > 50 and states[None] > 20, states
