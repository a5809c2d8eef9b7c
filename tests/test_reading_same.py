"""The faster reading pass gives every post the answers the old one gave.

tests/data/reading_answers.json holds what 95c3a1d (the reading pass before it was
made cheap) decided of each post of tests/data/reading_cases.py: language, confidence,
source and the four sentiment figures, compared exactly. A change that means to change
an answer rewrites the file (`python bench/reading_ab.py --base <commit> --write ...`)
and says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrm_tui.enrich.reading import read, read_many
from tests.data import reading_cases

ANSWERS = json.loads((Path(__file__).parent / "data" / "reading_answers.json").read_text())
GROUPS = reading_cases.groups()


@pytest.mark.parametrize("group", GROUPS, ids=[name for name, _, _ in GROUPS])
def test_a_batch_is_read_as_before(group: reading_cases.Group) -> None:
    name, terms, posts = group
    got = reading_cases.answers(read_many(posts, terms))
    expected = ANSWERS[name]
    assert len(got) == len(expected)
    changed = [
        (post.text, old, new)
        for post, old, new in zip(posts, expected, got, strict=True)
        if old != new
    ]
    assert not changed, f"{len(changed)} of {len(posts)} posts read differently: {changed[:3]}"


def test_one_post_alone_is_read_as_in_a_batch() -> None:
    # The live arrivals and the backlog read one post at a time.
    for name, terms, posts in GROUPS[4:]:
        alone = reading_cases.answers([read(post, terms) for post in posts])
        assert alone == ANSWERS[name], name
