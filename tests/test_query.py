"""The `/` filter language: what people type becomes a safe, exact query."""

from __future__ import annotations

import pytest

from scrm_tui.core.models import Channel, SentimentLabel, Status
from scrm_tui.core.query import QueryError, parse


def test_words_become_quoted_prefix_terms() -> None:
    q = parse("sync broken")
    assert q.fts_match() == '"sync"* AND "broken"*'


def test_user_input_cannot_inject_fts_syntax() -> None:
    q = parse('NEAR(a b) text:x "unclosed')
    match = q.fts_match()
    assert match == '"NEAR(a"* AND "b)"* AND "text:x"* AND "unclosed"'


def test_quotes_inside_terms_are_doubled() -> None:
    assert parse('say"hi').fts_match() == '"say"* AND "hi"'


def test_apostrophes_are_part_of_words() -> None:
    assert parse("don't work").words == ("don't", "work")


def test_keys_narrow_the_list() -> None:
    q = parse("is:unread is:done ch:bsky,hn s:neg from:@kate")
    assert q.unread is True
    assert q.status is Status.DONE
    assert q.channels == {Channel.BLUESKY, Channel.HACKERNEWS}
    assert q.sentiments == {SentimentLabel.NEGATIVE}
    assert q.authors == ("kate",)
    assert q.fts_match() is None


def test_negation() -> None:
    q = parse("-is:done -android sync")
    assert q.status is Status.OPEN
    assert q.excluded == ("android",)
    assert q.fts_excluded() == '"android"'


@pytest.mark.parametrize(
    ("typed", "field", "left_out"),
    [
        ("-ch:hn", "not_channels", {Channel.HACKERNEWS}),
        ("-channel:bsky,reddit", "not_channels", {Channel.BLUESKY, Channel.REDDIT}),
        ("-s:neg", "not_sentiments", {SentimentLabel.NEGATIVE}),
        ("-is:negative", "not_sentiments", {SentimentLabel.NEGATIVE}),
        ("-from:@kate", "not_authors", ("kate",)),
        ('-"sync is broken"', "excluded", ("sync is broken",)),
        ("-🙃", "not_literals", ("🙃",)),
    ],
)
def test_a_leading_minus_leaves_out_instead_of_keeping(
    typed: str, field: str, left_out: object
) -> None:
    q = parse(typed)
    assert getattr(q, field) == left_out
    # ...and keeps nothing on the positive side.
    assert not (q.channels or q.sentiments or q.authors or q.phrases or q.literals or q.words)


def test_unknown_keys_are_words_so_urls_and_times_still_search() -> None:
    q = parse("https://kestrel.app/docs 10:30")
    assert q.words == ("https://kestrel.app/docs", "10:30")


def test_symbols_without_letters_match_as_substrings() -> None:
    assert parse("🙃 !!!").literals == ("🙃", "!!!")


@pytest.mark.parametrize(
    ("text", "message"),
    [("ch:myspace", "unknown channel"), ("s:angry", "unknown sentiment"), ("is:lost", "is:")],
)
def test_mistakes_are_explained(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)


def test_empty_query_matches_everything() -> None:
    assert parse("   ").is_empty
