"""Issue 12, points 3-4: when a common first name stands alone, its thousands of holders
are ranked by name once per name (grouped in SQLite, not read one by one), and the
author gets the answer that ranking every holder, and scoring every customer, give."""

from __future__ import annotations

import random
from pathlib import Path

from rapidfuzz import fuzz

from scrm_tui.enrich.matching import CustomerKey, Matcher
from scrm_tui.enrich.matching.similarity import _closest_names, _grouped
from tests.service.test_match_index import indexed

# Thirty surnames, fifty Graces each: no author below holds a pair of words with any of
# them, so their candidates come in by closeness of the whole name alone.
SURNAMES = [
    "abbott", "barker", "collins", "dawson", "ellison", "fletcher", "gardner", "harlow",
    "ingram", "jameson", "keller", "lawson", "morrow", "nolan", "osborne", "porter",
    "quigley", "ramsey", "sutton", "thorne", "upton", "vaughan", "walton", "yardley",
    "kellerman", "kelly", "kellogg", "keeler", "kessler", "keane",
]  # fmt: skip
GRACES = 1_500  # more than the index reads by holder (_READ_SLOT): "grace" is common

# One word of the author's in common with their names: a common one, or a surname.
SUGGESTED = [
    ("x", "zz_9", "Gracie"),  # a nickname of the common name, alone: fifty ways tied
    ("mastodon", "gk@example.social", "G. Kellerma"),  # near Kellerman, Keller, Kelly
]
NOBODY = [("bluesky", "grace.bsky.social", "Grace Kxyzq")]  # near no surname at all


def graces(start: int) -> list[tuple[int, str, str | None, str | None, tuple]]:
    """1,500 Graces, each surname held by fifty of them spread over the ids, so that
    the closest names tie between customers far apart, and a few Gracies."""
    rows: list[tuple[int, str, str | None, str | None, tuple]] = []
    for n in range(GRACES):
        first = "Gracie" if n % 97 == 0 else "Grace"
        rows.append((start + n, f"{first} {SURNAMES[n % len(SURNAMES)].title()}", None, None, ()))
    return rows


async def test_an_author_whose_common_first_name_stands_alone_gets_what_a_full_scan_gives(
    db_path: Path,
) -> None:
    """Among 1,500 Graces whose surnames tie fifty ways, each author is given the
    decision and the three candidates (ids, scores, fields) that scoring every customer
    gives, by the shared index and by a matcher holding the customers itself."""
    rows = graces(1)
    async with indexed(db_path, rows) as shared:
        own = Matcher([CustomerKey(*row) for row in rows])
        for author in SUGGESTED + NOBODY:
            scanned = shared.scan(*author)
            assert bool(scanned.candidates) == (author in SUGGESTED), author
            assert shared.match(*author) == scanned, author
            assert own.match(*author) == scanned, author


def test_names_ranked_once_each_give_the_customers_ranking_each_holder_gives() -> None:
    """The closest customers by name, each name compared once, are those (and in the
    order) that comparing every holder's name gives: best first, ties by id, also where
    the last one taken ties with customers of names further down the list."""
    rng = random.Random(12)
    names = [f"grace {rng.choice(SURNAMES[:12])}" for _ in range(3_000)]
    texts = [(i, name, "") for i, name in enumerate(names)]
    for query in ("grace kellner", "grace dawsen", "grace", "kxyzq"):
        for first in (1, 3, 12, 100):
            every = sorted(
                range(len(names)), key=lambda i: (-fuzz.token_sort_ratio(query, names[i]), i)
            )
            assert _closest_names(query, _grouped(texts), first) == every[:first], (query, first)
