"""Full-text search on PostgreSQL finds what SQLite's FTS5 finds: every character is split
and folded as FTS5's unicode61 tokenizer does (accents, case, punctuation, emoji), and
every filter the language makes (prefix words, phrases, OR, NOT) returns the same rows.
FTS5 itself is the reference, asked in an in-memory database beside each test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrm_tui.core.query import QueryError, fts_expression, parse
from scrm_tui.store.pg.sync import SyncPgConnection
from tests.support.postgres import Server

FTS5 = "CREATE VIRTUAL TABLE f USING fts5(text, tokenize='unicode61 remove_diacritics 2')"


def fts5() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(FTS5)
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
    return conn


@pytest.fixture(scope="module")
def pg(postgres: Server) -> Iterator[SyncPgConnection]:
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        yield conn
    finally:
        conn.close()


def test_every_character_is_split_and_folded_as_fts5_does(pg: SyncPgConnection) -> None:
    # The basic plane and the emoji: each character between two letters, read back as
    # words by FTS5 and by scrm_tsvector.
    points = [
        c for c in [*range(1, 0x10000), *range(0x1F000, 0x1FB00)] if not 0xD800 <= c <= 0xDFFF
    ]
    lite = fts5()
    lite.executemany(
        "INSERT INTO f(rowid, text) VALUES (?, ?)", ((c, f"q{chr(c)}q") for c in points)
    )
    expected: dict[int, set[str]] = {}
    for doc, term in lite.execute("SELECT doc, term FROM v"):
        expected.setdefault(doc, set()).add(term)
    raw: psycopg.Connection[tuple[object, ...]] = pg.raw
    raw.execute("CREATE TEMP TABLE chars (c integer, t text)")
    with raw.cursor().copy("COPY chars (c, t) FROM STDIN") as copy:
        for c in points:
            copy.write_row((c, f"q{chr(c)}q"))
    found = {
        int(c): set(words)
        for c, words in raw.execute("SELECT c, tsvector_to_array(scrm_tsvector(t)) FROM chars")
    }
    differ = {c: (expected.get(c), found.get(c)) for c in points if expected.get(c) != found.get(c)}
    assert differ == {}


# Texts made of pieces that each test one way of writing: case, accents, letters FTS5
# keeps (ß, ø, œ), punctuation, hashtags, addresses, emoji, digits, other scripts.
PIECES = [
    "kestrel", "Kestrel", "KESTREL", "kestrels", "kest", "café", "Cafe", "CAFÉ", "naïve",
    "naive", "straße", "strasse", "Øre", "œuvre", "łódź", "lodz", "#kestrel", "#Café",
    "bob@example.com", "https://kestrel.io/sync_now?x=1", "don't", "dont", "foo_bar", "x²",
    "late", "delivery", "refund", "refunds", "🙂", "emoji🙂", "🙂🙂", "日本語", "ΣΑΣ", "σας",
    "İstanbul", "istanbul", "2026", "v1.2", "a\u0301b", "ab", "—", "!!", "…",
]  # fmt: skip
GAPS = [" ", " ", ", ", ". ", "-", "/", "\n", "! ", "'", "(", ")"]
# What a user types in the filter: words (prefixes), phrases, OR, `-`, parentheses.
WORDS = [
    "kestrel", "Kest", "KES", "cafe", "café", "naive", "straße", "strasse", "øre", "ore",
    "oeuvre", "œuvre", "lodz", "łódź", "bob", "example.com", "sync_now", "don't", "dont",
    "foo", "bar", "x²", "late", "deliv", "refund", "🙂", "emoji", "日本", "σας", "σασ",
    "istanbul", "2026", "v1", "ab", "#kestrel", "kestrel.io",
]  # fmt: skip

texts = st.lists(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), min_size=1, max_size=6).map(
        lambda parts: "".join(p + g for p, g in parts)
    ),
    min_size=1,
    max_size=8,
)


def _filter(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(
        st.sampled_from(["word", "word", "phrase", "not", "or", "and"][: 3 if depth > 1 else 6])
    )
    if kind == "word":
        return draw(st.sampled_from(WORDS))
    if kind == "phrase":
        return '"' + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))) + '"'
    if kind == "not":
        return f"{_filter(draw, depth + 1)} -{_filter(draw, 2)}"
    joined = f" {'OR' if kind == 'or' else ''} ".join(
        _filter(draw, depth + 1) for _ in range(draw(st.integers(2, 3)))
    )
    return f"({joined})"


filters = st.composite(_filter)


def _same_on_both(pg: SyncPgConnection, stored: list[str], typed: list[str]) -> None:
    lite = fts5()
    lite.executemany("INSERT INTO f(rowid, text) VALUES (?, ?)", enumerate(stored, 1))
    pg.execute("DELETE FROM mentions_fts")
    with pg.raw.cursor() as cur:
        cur.executemany(
            "INSERT INTO mentions_fts (rowid, text) VALUES (%s, %s)", list(enumerate(stored, 1))
        )
    for source in typed:
        try:
            expression = fts_expression(parse(source).root)
        except QueryError:
            continue
        if expression is None:
            continue
        sql = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? ORDER BY rowid"
        want = [r for (r,) in lite.execute(sql.replace("mentions_fts", "f"), (expression,))]
        got = [int(r) for (r,) in pg.execute(sql, (expression,))]  # type: ignore[call-overload]
        assert got == want, (source, expression, stored)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(stored=texts, typed=st.lists(filters(), min_size=1, max_size=6))
def test_every_filter_finds_the_same_mentions_as_fts5(
    pg: SyncPgConnection, stored: list[str], typed: list[str]
) -> None:
    _same_on_both(pg, stored, typed)


def test_the_cases_users_write_find_the_same_mentions(pg: SyncPgConnection) -> None:
    stored = [
        "Café crème BRÛLÉE at Kestrel",
        "Straße groß; Øre œuvre łódź",
        "mail bob@example.com or see https://kestrel.io/sync_now?x=1",
        "#Kestrel #kestrel_sync is down 🙂🙂",
        "late delivery, no refund!",
        "the delivery was late",
        "日本語 テキスト and ΣΑΣ",
        "don't panic",
        "— … !!",
    ]
    typed = [
        "cafe", "CAFÉ", "brul", "kestrel", "kest", "strasse", "straße", "øre", "ore", "lodz",
        "oeuvre", "bob@example.com", "example", "kestrel.io", "sync_now", "🙂", "🙂🙂",
        '"late delivery"', '"delivery late"', "late -refund", "delivery -\"no refund\"",
        "(refund OR panic)", "日本語", "σας", "σασ", "don't", "dont", "—", "kestrel -🙂",
    ]  # fmt: skip
    _same_on_both(pg, stored, typed)
