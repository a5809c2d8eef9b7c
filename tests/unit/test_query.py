"""The `/` filter language: what people type becomes a safe, exact query, and a
mistake is explained with where it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from scrm_tui.core.models import Channel, SentimentLabel, Status
from scrm_tui.core.query import QueryError, both, parse
from scrm_tui.core.query_terms import (
    And,
    AssignedTo,
    Claimed,
    Created,
    CustomerNamed,
    Followers,
    From,
    Hashtag,
    InChannels,
    IsCustomer,
    Literal,
    Mine,
    Not,
    Or,
    Phrase,
    Priority,
    SentimentIs,
    Snoozed,
    StatusIs,
    Tagged,
    TierIs,
    Unassigned,
    Unread,
    Word,
)


def tree(typed: str) -> str:
    """The parsed filter written back, fully parenthesised."""
    return str(parse(typed).root)


# ---------------------------------------------------------------- text


def test_words_become_quoted_prefix_terms() -> None:
    q = parse("sync broken")
    assert q.fts_match() == '"sync"* AND "broken"*'


def test_user_input_cannot_inject_fts_syntax() -> None:
    q = parse('NEAR/2 AND* ^col "unclosed')
    assert q.fts_match() == '"NEAR/2"* AND "AND*"* AND "^col"* AND "unclosed"'


def test_quotes_inside_terms_are_doubled() -> None:
    assert parse('say"hi').fts_match() == '"say"* AND "hi"'


def test_apostrophes_are_part_of_words() -> None:
    assert parse("don't work").root == And((Word("don't"), Word("work")))


def test_urls_and_times_are_text_not_keys() -> None:
    q = parse("https://kestrel.app/docs 10:30")
    assert q.root == And((Word("https://kestrel.app/docs"), Word("10:30")))


def test_symbols_without_letters_match_as_substrings() -> None:
    assert parse("🙃 !!!").root == And((Literal("🙃"), Literal("!!!")))


def test_a_lone_minus_is_a_symbol_to_find() -> None:
    assert parse("x - y").root == And((Word("x"), Literal("-"), Word("y")))


def test_hashtags_are_their_own_term_case_ignored() -> None:
    assert parse("#Kestrel").root == Hashtag("kestrel")
    assert parse("#同期").root == Hashtag("同期")
    assert parse('"#kestrel"').root == Phrase("#kestrel")  # quoted: the text
    assert parse("#").root == Literal("#")


def test_empty_query_matches_everything() -> None:
    assert parse("   ").is_empty
    assert parse('""').is_empty


# ---------------------------------------------------------------- keys


def test_keys_narrow_the_list() -> None:
    q = parse("is:unread is:done ch:bsky,hn s:neg from:@kate")
    assert q.root == And(
        (
            Unread(),
            StatusIs(Status.DONE),
            InChannels(frozenset({Channel.BLUESKY, Channel.HACKERNEWS})),
            SentimentIs(frozenset({SentimentLabel.NEGATIVE})),
            From("kate"),
        )
    )
    assert q.fts_match() is None


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("is:read", Not(Unread())),
        ("is:new", Unread()),
        ("is:negative", SentimentIs(frozenset({SentimentLabel.NEGATIVE}))),
        ("IS:Open", StatusIs(Status.OPEN)),
        ("channel:mast", InChannels(frozenset({Channel.MASTODON}))),
        (
            "sentiment:pos,neu",
            SentimentIs(frozenset({SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL})),
        ),
        ("tag:Billing", Tagged("Billing")),
        ("tag:#billing", Tagged("billing")),
        ("assignee:@dana", AssignedTo("dana")),
        ("is:mine", Mine()),
        ("is:unassigned", Unassigned()),
        ("is:claimed", Claimed()),
        ("is:snoozed", Snoozed()),
        ("is:customer", IsCustomer()),
        ("customer:acme", CustomerNamed("acme")),
        ('customer:"Acme AB"', CustomerNamed("Acme AB")),
        ("tier:Enterprise", TierIs("enterprise")),
        ("followers:>1000", Followers(">", 1000)),
        ("followers:>=10k", Followers(">=", 10_000)),
        ("followers:<1.5k", Followers("<", 1500)),
        ("followers:<=2m", Followers("<=", 2_000_000)),
        ("followers:42", Followers("=", 42)),
        ("prio:>70", Priority(">", 70)),
        ("priority:=100", Priority("=", 100)),
        ("prio:0", Priority("=", 0)),
    ],
)
def test_each_key_means_what_it_says(typed: str, node: object) -> None:
    assert parse(typed).root == node


def test_dates_are_utc_days_or_spans_back_from_now() -> None:
    day = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)
    after = parse("after:2026-12-01").root
    assert isinstance(after, Created) and after.after and after.moment_ms(0) == day
    before = parse("before:2026-12-01T09:30+01:00").root
    assert isinstance(before, Created) and not before.after
    assert before.moment_ms(0) == day + (8 * 60 + 30) * 60_000
    now = 10**12
    for span, ms in (("30m", 1_800_000), ("24h", 86_400_000), ("7d", 7 * 86_400_000)):
        node = parse(f"after:{span}").root
        assert isinstance(node, Created) and node.moment_ms(now) == now - ms
    assert parse("before:2w").root.moment_ms(now) == now - 14 * 86_400_000  # type: ignore[union-attr]


# ---------------------------------------------------------------- combining


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        # OR binds tighter than the space between terms, as in Gmail.
        ("kestrel sync OR outage", "kestrel (sync OR outage)"),
        ("a OR b c OR d", "(a OR b) (c OR d)"),
        ("(a b) OR c", "(a b) OR c"),
        ("a OR b OR c", "a OR b OR c"),
        ("-(sync OR outage) ch:bsky", "-(sync OR outage) ch:bluesky"),
        ("-(a -b)", "-(a -b)"),
        ("--a", "a"),
        ("((a))", "a"),
        ("a (b c)", "a b c"),
        ("sync or outage", "sync or outage"),  # lower-case "or" is a word
        ("-OR", "-OR"),  # after `-` it is a word to leave out
        ("#kestrel OR tag:billing", "#kestrel OR tag:billing"),
        ("(is:mine OR is:unassigned) -is:done", "(is:mine OR is:unassigned) -is:done"),
    ],
)
def test_or_parentheses_and_minus(typed: str, written: str) -> None:
    assert tree(typed) == written


def test_a_leading_minus_turns_any_term_around() -> None:
    for typed, inner in [
        ("-ch:hn", InChannels(frozenset({Channel.HACKERNEWS}))),
        ("-s:neg", SentimentIs(frozenset({SentimentLabel.NEGATIVE}))),
        ("-from:@kate", From("kate")),
        ('-"sync is broken"', Phrase("sync is broken")),
        ("-🙃", Literal("🙃")),
        ("-#kestrel", Hashtag("kestrel")),
        ("-(a OR b)", Or((Word("a"), Word("b")))),
    ]:
        assert parse(typed).root == Not(inner), typed


def test_negation_of_words_goes_to_full_text() -> None:
    q = parse("-is:done -android sync")
    assert q.root == And((Not(StatusIs(Status.DONE)), Not(Word("android")), Word("sync")))
    assert q.fts_match() == '"sync"*'
    assert q.fts_excluded() == '"android"*'


def test_full_text_answers_whole_groups_of_words() -> None:
    assert parse("(sync OR outage) ch:hn").fts_match() == '("sync"* OR "outage"*)'
    assert parse("sync OR ch:hn").fts_match() is None
    assert parse('-(a OR "b c")').fts_excluded() == '("a"* OR "b c")'
    assert parse("(a -b) OR c").fts_match() == '((("a"*) NOT ("b"*)) OR "c"*)'


def test_an_empty_phrase_changes_nothing() -> None:
    assert tree('sync ""') == "sync"
    assert parse('"" OR sync').is_empty  # either side: everything


def test_snoozed_ones_show_only_when_named() -> None:
    assert not parse("sync").shows_snoozed
    assert parse("sync OR (ch:hn -is:snoozed)").shows_snoozed


def test_both_filters_must_hold() -> None:
    combined = both(parse("ch:hn"), parse("sync OR outage"))
    assert str(combined.root) == "ch:hackernews (sync OR outage)"
    assert both(parse(""), parse("a")) == parse("a")
    assert both(parse("a"), parse("")) == parse("a")


# ---------------------------------------------------------------- mistakes


@pytest.mark.parametrize(
    ("typed", "message", "position", "length"),
    [
        ("sync foo:bar", "unknown key 'foo:'", 5, 4),
        ("text:x", "unknown key 'text:'", 0, 5),
        ("update:", "unknown key 'update:'", 0, 7),
        ("ch:", "'ch:' needs a value", 0, 3),
        ('customer:""', "'customer:' needs a value", 0, 9),
        ("(sync OR outage", "unbalanced '('", 0, 1),
        ("a (b (c) d", "unbalanced '('", 2, 1),
        ("sync OR outage)", "unbalanced ')'", 14, 1),
        (":)", "unbalanced ')'", 1, 1),
        ("()", "empty parentheses", 0, 2),
        ("OR sync", "OR needs a term before it", 0, 2),
        ("sync OR", "OR needs a term after it", 5, 2),
        ("sync OR OR outage", "OR needs a term after it", 5, 2),
        ("(sync OR) x", "OR needs a term after it", 6, 2),
        ("(OR x)", "OR needs a term before it", 1, 2),
        ("followers:>abc", "not a number to compare", 10, 4),
        ("followers:>", "not a number to compare", 10, 1),
        ("after:yesterdayish", "is not a date", 6, 12),
        ("before:2026-13-01", "is not a date", 7, 10),
        ("after:1990-01-01 before:1850-01-01", "outside", 24, 10),
        ("prio:>200", "priority is a whole number from 0 to 100", 5, 4),
        ("prio:>7.5", "priority is a whole number", 5, 4),
        ("prio:high", "not a number to compare", 5, 4),
        ("ch:myspace", "unknown channel 'myspace'", 3, 7),
        ("ch:bsky,myspace", "unknown channel 'myspace'", 8, 7),
        ("ch:bsky,", "empty name", 7, 1),
        ("ch:,hn", "empty name", 3, 1),
        ("s:angry", "unknown sentiment 'angry'", 2, 5),
        ("x is:lost", "unknown 'is:lost'", 5, 4),
        ("#123", "'#123' is not a hashtag", 0, 4),
        ("a #kes-trel", "'#kes-trel' is not a hashtag", 2, 9),
    ],
)
def test_mistakes_are_explained_with_where_they_are(
    typed: str, message: str, position: int, length: int
) -> None:
    with pytest.raises(QueryError, match=re.escape(message)) as raised:
        parse(typed)
    assert (raised.value.position, raised.value.length) == (position, length)
    assert typed[position : position + length]  # it points at something typed


def test_a_mistake_quotes_what_was_typed_harmlessly() -> None:
    with pytest.raises(QueryError) as raised:
        parse("ch:\x1b[31mred")
    assert "\x1b" not in str(raised.value)


def test_id_takes_mention_numbers_and_names_a_bad_one() -> None:
    assert str(parse("id:12,4").root) == "id:12,4"
    for typed, said in (
        ("id:12,x", "'id:' takes mention numbers separated by commas, not 'x'"),
        ("id:1,,2", "'id:' has an empty name in its list"),
        ("id:", "'id:' needs a value"),
    ):
        with pytest.raises(QueryError) as error:
            parse(typed)
        assert said in str(error.value), typed
