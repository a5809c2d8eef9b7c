"""The faster reading pass gives every post the answers the old one gave.

tests/data/reading_answers.json holds what 95c3a1d (the reading pass before it was
made cheap) decided of each post of tests/data/reading_cases.py: language, confidence,
source and the four sentiment figures, compared exactly. A change that means to change
an answer rewrites the file (`python bench/reading_ab.py --base <commit> --write ...`)
and says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrm_tui.enrich import language
from scrm_tui.enrich.reading import read, read_many
from tests.data import reading_cases

ANSWERS = json.loads((Path(__file__).parents[1] / "data" / "reading_answers.json").read_text())
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


# What the detector took out of a post before the link search began only at a token's
# start: the answers above depend on the new pattern taking out exactly the same.
_NOISE_BEFORE = re.compile(r"\S*(?:://|www\.|\.[a-z]{2,}/)\S*|(?<!\w)[@#][\w.@-]+", re.IGNORECASE)
_PIECES = ["://", "www.", "WWW.", ".com/", ".Io/", "@x", "#y", "a", "K", "\u212a", "İ", "ı"]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_PIECES, " ", "\n", "\t", ".", "/", ":", "@", "#", "-", "_", "é", "1"]),
        max_size=30,
    ).map("".join)
)
def test_links_handles_and_tags_go_as_before(text: str) -> None:
    assert language._NOISE.sub(" ", text) == _NOISE_BEFORE.sub(" ", text)
