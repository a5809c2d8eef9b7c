"""Stranger-supplied text comes out of the sanitiser unable to steer a terminal."""

from __future__ import annotations

import unicodedata

import pytest

from scrm_tui.core import sanitize
from tests.support import hostile


@pytest.mark.parametrize("name", sorted(hostile.ALL))
@pytest.mark.parametrize("mode", [sanitize.block, sanitize.inline, sanitize.handle])
def test_every_hostile_string_is_terminal_safe(name: str, mode) -> None:
    out = mode(hostile.ALL[name])
    assert hostile.is_terminal_safe(out), f"{name!r} still carries a control character"


def test_escape_sequences_are_shown_not_obeyed() -> None:
    out = sanitize.block(hostile.ESCAPES["clear screen"])
    assert out == "before␛[2J␛[Hafter"
    clip = sanitize.inline(hostile.ESCAPES["osc 52 clipboard"])
    assert "␛]52;c;ZWNobyBwd25lZA==␇" in clip


def test_c1_controls_and_bidi_overrides_become_visible_replacements() -> None:
    assert sanitize.inline("c1\x9b31mred") == "c1\ufffd31mred"
    assert sanitize.inline("invoice\u202egpj.exe") == "invoice\ufffdgpj.exe"


def test_carriage_return_cannot_overwrite_the_line() -> None:
    assert sanitize.block("innocent\revil") == "innocent␍evil"
    assert sanitize.block("windows\r\nline") == "windows\nline"


def test_hidden_characters_in_a_handle_are_revealed_but_dropped_from_prose() -> None:
    assert sanitize.handle("kestrel\u200bapp") == "kestrel\ufffdapp"
    assert sanitize.inline("kestrel\u200bapp") == "kestrelapp"


def test_combining_stacks_are_capped() -> None:
    out = sanitize.inline(hostile.UNICODE["combining stack"])
    run = 0
    longest = 0
    for char in out:
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    assert longest == sanitize.MAX_COMBINING
    assert out.endswith("algo")


def test_ordinary_text_in_any_script_is_untouched() -> None:
    for text in ("Sync is broken again!!! 😡", "同期が壊れています", "Zoë Ångström", "המסנכרן"):
        assert sanitize.block(text) == text


def test_block_keeps_newlines_and_expands_tabs_inline_flattens() -> None:
    assert sanitize.block("a\n\tb") == "a\n    b"
    assert sanitize.inline("a\n\tb") == "a  b"


def test_first_line_skips_blank_lines_and_collapses_space() -> None:
    assert sanitize.first_line("\n\n  Title   here \nbody") == "Title here"


@pytest.mark.parametrize("name", sorted(hostile.ALL))
def test_one_line_leaves_one_inert_line_of_any_hostile_string(name: str) -> None:
    out = sanitize.one_line(hostile.ALL[name])
    assert hostile.is_terminal_safe(out), f"{name!r} still carries a control character"
    assert "\n" not in out and "\t" not in out and "  " not in out
    assert out == out.strip()


def test_one_line_shows_escapes_and_squeezes_tabs_and_line_breaks() -> None:
    assert sanitize.one_line(hostile.ESCAPES["csi colour"]) == "␛[31mred text␛[0m after"
    assert sanitize.one_line(" Kate\t\tSmith \r\n\n\u2028 (ACME)\u2029 ") == "Kate Smith (ACME)"
    assert sanitize.one_line(hostile.UNICODE["tabs"]) == "col1 col2 col3"
    assert sanitize.one_line("innocent text\revil overwrite") == "innocent text␍evil overwrite"


def test_one_line_turns_bidi_controls_into_replacements_and_drops_marks() -> None:
    assert sanitize.one_line(hostile.UNICODE["bidi override"]) == "invoice\ufffdgpj.exe"
    assert sanitize.one_line(hostile.UNICODE["bidi isolate"]) == "\ufffdhidden\ufffd isolate mark"


def test_one_line_of_nothing_is_empty_and_of_a_value_is_its_text() -> None:
    assert sanitize.one_line(None) == ""
    assert sanitize.one_line(" \n\t ") == ""
    assert sanitize.one_line(1234.5) == "1234.5"


def test_markup_is_left_as_literal_text() -> None:
    # The sanitiser does not parse or strip markup: the UI shows it literally.
    for text in hostile.MARKUP.values():
        assert sanitize.inline(text) == text


def test_for_message_truncates_and_neutralises() -> None:
    shown = sanitize.for_message("\x1b[2J" + "x" * 100, limit=20)
    assert len(shown) == 20 and shown.startswith("␛[2J") and shown.endswith("…")


@pytest.mark.parametrize(
    "url",
    [
        "https://good.example/\x1b]8;;https://evil.example\x1b\\",  # ESC: ends the OSC 8
        "https://good.example/a\x07\x1b]0;pwned\x07",  # BEL: ends it too
        "https://good.example/a\x9c",  # C1 string terminator
        "https://good.example/a\x9b31m",  # C1 CSI
        "https://good.example/a b",  # a space
        "https://good.example/a\tb",
        " https://good.example/",
        "https://good.example/\u202egpj.exe",  # bidi override
        "https://good.example/a\u200bb",  # zero-width space
        "https://good.example/a\u3000b",  # ideographic space
        "javascript:alert(document.cookie)",
        "JAVASCRIPT://good.example/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https:///etc/passwd",  # no host
        "https:good.example",
        "https://café.example/",  # a host in another script: a look-alike risk
        "https://[::1/",  # unparseable
        "https://good.example/" + "a" * sanitize.LINK_MAX,
        "",
        None,
    ],
)
def test_a_hostile_url_never_becomes_a_link(url: str | None) -> None:
    assert sanitize.link(url) is None


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://fosstodon.org/@kate/113054817361234567",) * 2,
        ("HTTP://Example.COM/a?b=1&c=%20#frag",) * 2,
        ("https://news.ycombinator.com/item?id=42",) * 2,
        ("https://de.wikipedia.org/wiki/Café", "https://de.wikipedia.org/wiki/Caf%C3%A9"),
        ("https://example.org/同期", "https://example.org/%E5%90%8C%E6%9C%9F"),
    ],
)
def test_a_plain_web_address_is_a_link_as_a_browser_would_send_it(url: str, link: str) -> None:
    assert sanitize.link(url) == link
