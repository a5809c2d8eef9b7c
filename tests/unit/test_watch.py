"""Watch terms: which posts are mentions of the brand, and which term each matched."""

from __future__ import annotations

import pytest

from scrm_tui.core.watch import WatchError, parse_watch

BRAND = 'kestrel OR "kestrel app" OR #kestrelapp OR @kestrelhq -"kestrel falcon" NOT birding'


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Kestrel's sync is down again", "kestrel"),
        ("KESTREL is great", "kestrel"),
        ("loving the #KestrelApp today", "#kestrelapp"),
        ("ping @kestrelhq@mastodon.social please", "@kestrelhq"),
        ("cc @KestrelHQ.bsky.social", "@kestrelhq"),
        ("kestrels everywhere", None),  # another word
        ("#kestrelapps", None),  # another tag
        ("@kestrelhqbot said hi", None),  # another account
        ("the kestrel falcon is fast", None),  # excluded phrase
        ("kestrel spotted while birding", None),  # excluded word
        ("nothing to see", None),
    ],
)
def test_what_matches_and_which_term_it_was(text: str, matched: str | None) -> None:
    assert parse_watch(BRAND).match(text) == matched


def test_accents_case_and_punctuation_inside_phrases_do_not_matter() -> None:
    watch = parse_watch('"café crème"')
    assert watch.match("Le CAFE-creme de Kestrel") == '"café crème"'
    assert watch.match("café au lait") is None


def test_or_binds_tighter_than_and_as_in_web_search() -> None:
    watch = parse_watch("kestrel sync OR offline -android")
    assert watch.match("Kestrel offline mode") == "kestrel"
    assert watch.match("kestrel sync broke") == "kestrel"
    assert watch.match("kestrel pricing") is None
    assert watch.match("kestrel sync on android") is None
    grouped = parse_watch("(kestrel AND outage) OR #kestreldown")
    assert grouped.match("#KestrelDown again") == "#kestreldown"
    assert grouped.match("kestrel outage in the EU") == "kestrel"
    assert grouped.match("outage") is None
    assert [str(t) for t in grouped.terms] == ["kestrel", "outage", "#kestreldown"]


def test_exclusions_are_not_asked_for() -> None:
    assert [str(t) for t in parse_watch(BRAND).terms] == [
        "kestrel",
        '"kestrel app"',
        "#kestrelapp",
        "@kestrelhq",
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "no watch terms"),
        ('kestrel "open', "column 9: a quote is not closed"),
        ("(kestrel OR sync", "column 1: this parenthesis is not closed"),
        ("kestrel OR", "ends where a term was expected"),
        ("-kestrel", "only exclusions"),
        ("kestrel )", "column 9: unexpected ')'"),
        ("# OR kestrel", "'#' is not a tag"),
        ('kestrel ""', "empty quotes"),
    ],
)
def test_mistakes_say_where(source: str, message: str) -> None:
    with pytest.raises(WatchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_watch(source)


def test_a_search_result_is_dropped_only_for_what_its_text_shows() -> None:
    watch = parse_watch(BRAND)
    assert watch.rejects("the kestrel falcon is fast")  # an exclusion is in the text
    assert watch.rejects("kestrel spotted while birding")
    assert not watch.rejects("Kestrel's sync is down again")  # a mention
    # Nothing of the expression shows: the network matched a title or a stem, keep it.
    assert not watch.rejects("Show HN: yet another notes app")
    both = parse_watch("kestrel AND sync")
    assert both.rejects("sync your photos nightly")  # AND's partner is missing
    assert not both.rejects("kestrel sync fixed")
