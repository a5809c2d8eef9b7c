"""The reply counter counts the way each network does, and refuses what it would refuse."""

from __future__ import annotations

import pytest

from scrm_tui.core.textlimits import graphemes, mastodon_countable, measure

FAMILY = "👩\u200d👩\u200d👧"  # one grapheme, 18 UTF-8 bytes
FLAG = "🇸🇪"  # two regional indicators, one grapheme
ACCENT = "e\u0301"  # e + combining acute: one grapheme, two code points
LONG_URL = "https://docs.kestrel.example/guides/boards/swimlanes?utm_source=social&ref=" + "x" * 80


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("hello", 5),
        (FAMILY, 1),
        (FLAG * 3, 3),
        (ACCENT * 4, 4),
        ("同期が壊れています", 9),
        ("a\r\nb", 3),
        ("Ben 🏳️\u200d🌈", 5),
    ],
)
def test_graphemes_are_what_a_reader_sees(text: str, count: int) -> None:
    assert graphemes(text) == count


def test_mastodon_counts_under_the_limit() -> None:
    m = measure("mastodon", "Thanks, fixed in 4.1.3!")
    assert (m.used, m.limit, m.unit) == (23, 500, "characters")
    assert m.remaining == 477
    assert not m.over
    assert m.describe() == "23/500"
    assert m.refusal() is None


def test_mastodon_counts_every_link_as_23() -> None:
    text = f"See {LONG_URL} for how."
    m = measure("mastodon", text)
    assert m.used == len("See ") + 23 + len(" for how.")
    assert measure("mastodon", "https://a.example").used == 23  # short links too


def test_mastodon_link_leaves_sentence_punctuation_outside() -> None:
    assert mastodon_countable("(see https://a.example/x_(y)).") == "(see " + "x" * 23 + ")."
    assert mastodon_countable("Docs: https://a.example/a, then") == "Docs: " + "x" * 23 + ", then"


def test_mastodon_counts_a_mention_without_its_domain() -> None:
    assert measure("mastodon", "@a@very.long.domain.example hi").used == len("@a hi")
    assert mastodon_countable("cc @Marco_F@mastodon.uno.") == "cc @Marco_F."


def test_mastodon_leaves_emails_and_profile_links_alone() -> None:
    text = "mail support@kestrel.example"
    assert mastodon_countable(text) == text
    assert measure("mastodon", "https://mastodon.uno/@marco_fontana/1175").used == 23


def test_mastodon_counts_emoji_and_accents_as_one() -> None:
    assert measure("mastodon", FAMILY * 10 + ACCENT * 10 + FLAG).used == 21


def test_mastodon_instance_limit_and_url_length_are_configurable() -> None:
    m = measure("mastodon", "x" * 600 + " https://a.example", char_limit=5000, url_length=30)
    assert (m.used, m.limit, m.over) == (631, 5000, False)
    assert m.describe() == "631/5,000"


def test_mastodon_over_the_limit_says_by_how_much() -> None:
    m = measure("mastodon", "x" * 612)
    assert m.over
    assert m.remaining == -112
    assert m.describe() == "612/500 — 112 over"
    assert m.refusal() == (
        "Too long for Mastodon: 612 of 500 characters (URLs count as 23). Shorten it by 112."
    )


def test_mastodon_exactly_at_the_limit_is_allowed() -> None:
    m = measure("mastodon", "x" * 500)
    assert not m.over
    assert m.remaining == 0


def test_bluesky_counts_graphemes_and_bytes() -> None:
    m = measure("bluesky", "Hej! " + FAMILY)
    assert (m.used, m.limit, m.unit) == (6, 300, "graphemes")
    assert (m.bytes_used, m.byte_limit) == (5 + 18, 3000)
    assert m.describe() == "6/300 graphemes · 23/3,000 bytes"


def test_bluesky_counts_links_in_full() -> None:
    assert measure("bluesky", LONG_URL).used == len(LONG_URL)


def test_bluesky_counter_shows_thousands_separators() -> None:
    text = "é" * 280 + "x" * 7
    m = measure("bluesky", text)
    assert m.describe() == "287/300 graphemes · 567/3,000 bytes"


def test_bluesky_over_on_graphemes() -> None:
    m = measure("bluesky", "a" * 312)
    assert m.over
    assert m.describe() == "312/300 graphemes · 312/3,000 bytes — 12 graphemes over"
    refusal = m.refusal()
    assert refusal is not None
    assert refusal.startswith("Too long for Bluesky: 312 of 300 graphemes")
    assert refusal.endswith("Shorten it by 12.")


def test_bluesky_over_on_bytes_although_few_graphemes() -> None:
    m = measure("bluesky", FAMILY * 200)  # 200 graphemes, 3,600 bytes
    assert m.used == 200
    assert m.remaining == 100
    assert m.bytes_remaining == -600
    assert m.over
    assert m.describe() == "200/300 graphemes · 3,600/3,000 bytes — 600 bytes over"
    refusal = m.refusal()
    assert refusal is not None
    assert "3,600 of 3,000 bytes" in refusal
    assert "graphemes" not in refusal
    assert refusal.endswith("Shorten it by 600 bytes.")


def test_bluesky_over_on_both_names_both() -> None:
    m = measure("bluesky", FAMILY * 301)
    assert m.describe().endswith("— 1 grapheme, 2,418 bytes over")
    refusal = m.refusal()
    assert refusal is not None
    assert "301 of 300 graphemes and 5,418 of 3,000 bytes" in refusal


def test_bluesky_cjk_fits_on_graphemes() -> None:
    m = measure("bluesky", "同" * 300)
    assert (m.used, m.bytes_used, m.over) == (300, 900, False)


@pytest.mark.parametrize(("channel", "limit"), [("reddit", 10_000), ("github", 65_536)])
def test_reddit_and_github_count_code_points(channel: str, limit: int) -> None:
    assert measure(channel, FAMILY).used == 5  # 3 people, 2 joiners
    m = measure(channel, "a" * (limit + 50))
    assert m.over
    assert m.describe() == f"{limit + 50:,}/{limit:,} — 50 over"
    name = {"reddit": "Reddit", "github": "GitHub"}[channel]
    assert m.refusal() == (
        f"Too long for {name}: {limit + 50:,} of {limit:,} characters. Shorten it by 50."
    )


@pytest.mark.parametrize("channel", ["hackernews", "rss", "x", "carrier-pigeon"])
def test_networks_without_a_known_limit_never_refuse(channel: str) -> None:
    m = measure(channel, "a" * 100_000)
    assert m.limit is None
    assert m.remaining is None
    assert not m.over
    assert m.refusal() is None
    assert m.describe() == "100,000"


def test_lone_surrogates_do_not_crash_the_counter() -> None:
    m = measure("bluesky", "broken \ud800 half")
    assert m.used == 13
    assert m.bytes_used is not None
