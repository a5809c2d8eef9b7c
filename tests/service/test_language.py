"""Each mention's language: detected offline or declared by its network, stored, filtered
with `lang:`, shown in the reading pane; a language no scorer reads is unscored (`?`),
left out of `s:` and counted apart. Against a real SQLite file."""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.core.language import DECLARED, DETECTED, declared_code, shown
from scrm_tui.core.query import QueryError, parse
from scrm_tui.enrich import language
from scrm_tui.service import backlog
from scrm_tui.service.export import export_mentions
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_all
from scrm_tui.store.schema import MIGRATIONS
from tests.channels.test_source_bluesky import source as bluesky_source
from tests.channels.test_source_feeds import FEED
from tests.channels.test_source_feeds import source as feed_source
from tests.channels.test_source_mastodon import SINCE_MS
from tests.channels.test_source_mastodon import source as mastodon_source
from tests.conftest import fixed_clock, mention
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay
from tests.support.tui import detail_text, list_lines, running, wait_until

# Posts written for these tests, two per language of the labelled set the bench reads.
POSTS = {
    "en": [
        "The sync has been broken since yesterday and support never answered my ticket",
        "Honestly the new timeline view is the best thing they shipped this year",
    ],
    "de": [
        "Die Synchronisierung funktioniert seit gestern nicht mehr, das ist wirklich ärgerlich",
        "Ich habe heute endlich die neue Zeitleiste ausprobiert und finde sie sehr gelungen",
    ],
    "fr": [
        "La synchronisation ne marche plus depuis hier soir, je suis vraiment déçu",
        "Franchement la nouvelle vue chronologique est très pratique pour toute l'équipe",
    ],
    "es": [
        "La sincronización lleva dos días sin funcionar y nadie responde a mi correo",
        "Me encanta la nueva vista de calendario, por fin puedo organizar mi semana",
    ],
    "it": [
        "La sincronizzazione non funziona da ieri e il supporto non risponde mai",
        "Finalmente hanno aggiunto la vista cronologica, la uso tutti i giorni con il team",
    ],
    "pt": [
        "A sincronização parou de funcionar desde ontem e ninguém do suporte respondeu",
        "Adorei a nova visualização da linha do tempo, ficou muito mais fácil planejar",
    ],
    "ar": [
        "المزامنة لا تعمل منذ الأمس ولم يرد فريق الدعم على رسالتي حتى الآن",
        "أحببت العرض الجديد للجدول الزمني، أصبح تنظيم العمل أسهل بكثير",
    ],
    "hi": [
        "कल से सिंक काम नहीं कर रहा है और सपोर्ट टीम ने अभी तक जवाब नहीं दिया",
        "नया टाइमलाइन व्यू बहुत अच्छा है, अब पूरी टीम का काम देखना आसान हो गया",
    ],
}


@pytest.mark.parametrize("code", sorted(POSTS))
def test_each_language_of_the_labelled_set_is_detected(code: str) -> None:
    for post in POSTS[code]:
        found = language.detect(post)
        assert (found.code, found.source) == (code, DETECTED), post
        assert found.confidence is not None and 0.5 <= found.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "lol ok",  # too little text to tell
        "👍👍🔥",
        "Kestrel!!! #kestrel @kestrel@fosstodon.org https://kestrel.app/pricing",  # no words
        "Kestrel Kestrel Kestrel Kestrel Kestrel",  # the brand's name is no language
        "ok merci danke gracias thanks obrigado grazie",  # one word from each: mixed
        "broken \udfff client",  # a lone surrogate (a broken client's emoji)
    ],
)
def test_too_little_or_mixed_text_is_unknown_not_a_guess(text: str) -> None:
    found = language.detect(text, terms=("Kestrel",))
    assert found.code is None and found.confidence is None


def test_links_handles_tags_and_watch_terms_are_no_words() -> None:
    post = "@kestrel@fosstodon.org #Kestrel https://kestrel.app/x Kestrel sync ist wieder kaputt"
    assert language.clean(post, ("Kestrel",)) == "sync ist wieder kaputt"


def test_a_declared_language_wins_over_the_detector() -> None:
    found = language.detect("Die Synchronisierung ist seit gestern kaputt", declared="en-US")
    assert (found.code, found.confidence, found.source) == ("en", 1.0, DECLARED)
    # A tag that names no ISO 639-1 language declares nothing: the text decides.
    assert language.detect(POSTS["de"][0], declared="und").code == "de"
    assert [declared_code(tag) for tag in ("pt-BR", "PT_br", "zxx", "", None, 7)] == [
        "pt",
        "pt",
        None,
        None,
        None,
        None,
    ]
    assert declared_code(["und", "sv", "en"]) == "sv"  # Bluesky's langs: the first usable


def test_the_reading_pane_words() -> None:
    assert shown("de", 1.0, DECLARED) == "German (declared)"
    assert shown("fr", 0.934, DETECTED) == "French 0.93"
    assert shown(None, None, DETECTED) == "unknown"
    assert shown(None, None, None) == "not detected yet"


# ---------------------------------------------------------------- declared by networks


async def test_networks_declare_languages_in_their_recorded_shapes(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    """Mastodon's `language`, Bluesky's `langs`: as the recorded payloads carry them."""
    tag = await mastodon_source(server, client, "tag", tag="hoot", account=None).fetch(
        None, SINCE_MS
    )
    assert [m.lang for m in tag.mentions] == ["ja"]  # the recorded status says so
    notes = await mastodon_source(server, client).fetch(None, SINCE_MS)
    assert [m.lang for m in notes.mentions] == ["en"]
    since = int(datetime(2024, 12, 1, tzinfo=UTC).timestamp() * 1000)
    bluesky = await bluesky_source(server, client, "notifications").fetch(None, since)
    by_text = {m.text[:20]: m.lang for m in bluesky.mentions}
    assert by_text["Följarkurva på den h"] == "sv"
    assert by_text["Big quality-of-life "] == "en"
    assert by_text["This is the fourth v"] is None  # a post without langs declares nothing


async def test_a_feed_declares_its_language(client: httpx.AsyncClient) -> None:
    with Replay() as server:
        server.route(FEED, file="rss2_huffpost_canada.xml")  # <language>en</language>
        rss = await feed_source(server, client).fetch(None, 0)
        assert {m.lang for m in rss.mentions} == {"en"}
        server.route(FEED, file="atom_feedjira_blog.xml")  # no xml:lang anywhere
        atom = await feed_source(server, client).fetch(None, 0)
        assert {m.lang for m in atom.mentions} == {None}


# ---------------------------------------------------------------- stored, filtered


async def _seed(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "Kestrel sync is broken again, I hate this"),  # en, negative
            mention(2, "Kestrel: love the new timeline view, great work"),  # en, positive
            mention(3, "Kestrel ist Gift für unsere Nerven, die Synchronisierung ist kaputt"),
            mention(4, "Kestrel n'est pas super, la synchronisation est très décevante"),
            mention(5, "ok 👍"),  # unknown (too short), but English at a guess: VADER reads it
            mention(8, "Sehr gut 👍"),  # unknown (too short), German at a guess: unscored
            mention(7, "Kestrel non è un granché, la sincronizzazione è molto deludente"),
            replace(mention(6, "Kestrel sync broken again"), lang="de"),  # declared wins
        ]
    )


async def texts(inbox: Inbox, typed: str) -> list[str]:
    query = parse(typed)
    rows = await inbox.page_older(query, None, 100)
    assert await inbox.count(query) == len(rows), typed
    return [row.snippet for row in rows]


@pytest.mark.both_engines
async def test_a_language_no_scorer_reads_is_stored_unscored(inbox: Inbox) -> None:
    await _seed(inbox)
    rows = {row.snippet[:14]: row for row in await inbox.page_older(parse(""), None, 100)}
    assert rows["Kestrel ist Gi"].compound is None  # not VADER's "gift" (+0.49)
    assert rows["Kestrel ist Gi"].label is None
    french = rows["Kestrel n'est "].compound  # French: vadersentiment-fr reads it
    assert french is not None and french < 0
    assert rows["Kestrel non è "].compound is None  # Italian: no scorer
    assert rows["Kestrel sync b"].compound is None  # declared German: no scorer
    assert rows["Kestrel sync i"].compound is not None and rows["Kestrel sync i"].compound < 0
    assert rows["ok 👍"].compound is not None and rows["ok 👍"].compound > 0
    assert rows["Sehr gut 👍"].compound is None
    details = {
        d.text[:14]: d
        for d in [await inbox.detail(row.id) for row in rows.values()]
        if d is not None
    }
    assert (details["Kestrel ist Gi"].lang, details["Kestrel ist Gi"].lang_src) == ("de", DETECTED)
    assert details["Kestrel sync b"].lang_conf == 1.0
    assert details["Kestrel sync b"].lang_src == DECLARED
    assert details["ok 👍"].lang is None and details["ok 👍"].lang_src == DETECTED
    assert details["Kestrel ist Gi"].sentiment is None


@pytest.mark.both_engines
async def test_unscored_mentions_are_in_no_sentiment_filter_and_counted_apart(
    inbox: Inbox,
) -> None:
    await _seed(inbox)
    assert await texts(inbox, "s:neg") == [
        "Kestrel sync is broken again, I hate this",
        "Kestrel n'est pas super, la synchronisation est très décevante",
    ]
    assert await texts(inbox, "s:pos") == [
        "Kestrel: love the new timeline view, great work",
        "ok 👍",
    ]
    assert await texts(inbox, "s:neu") == []
    unscored = [
        "Kestrel ist Gift für unsere Nerven, die Synchronisierung ist kaputt",
        "Kestrel sync broken again",
        "Kestrel non è un granché, la sincronizzazione è molto deludente",
        "Sehr gut 👍",
    ]
    assert await texts(inbox, "s:unscored") == unscored
    assert await texts(inbox, "s:?") == unscored
    assert len(await texts(inbox, "s:neg,unscored")) == 6
    # Not negative: everything else, the unscored too (they are not known to be negative).
    assert len(await texts(inbox, "-s:neg")) == 6
    with pytest.raises(QueryError, match="unknown sentiment 'meh'"):
        parse("s:meh")


@pytest.mark.both_engines
async def test_the_lang_filter(inbox: Inbox) -> None:
    await _seed(inbox)
    german = [
        "Kestrel ist Gift für unsere Nerven, die Synchronisierung ist kaputt",
        "Kestrel sync broken again",
    ]
    assert await texts(inbox, "lang:de") == german
    assert await texts(inbox, "lang:german") == german
    assert len(await texts(inbox, "lang:de,fr")) == 3
    assert await texts(inbox, "lang:unknown") == ["ok 👍", "Sehr gut 👍"]
    assert await texts(inbox, "lang:?") == ["ok 👍", "Sehr gut 👍"]
    # Negated, the unknown stays in: it is not (known to be) English.
    assert len(await texts(inbox, "-lang:en")) == 6
    assert len(await texts(inbox, "lang:en")) == 2
    assert str(parse("lang:DE,unknown").root) == "lang:de,unknown"
    with pytest.raises(QueryError, match="unknown language 'klingon'") as caught:
        parse("sync lang:klingon")
    assert caught.value.position == 10


@pytest.mark.parametrize(
    ("where", "index"),
    [
        ("(m.lang IS NOT NULL AND m.lang IN ('de'))", "mentions_lang"),
        ("m.lang IS NULL", "mentions_lang"),
        ("m.compound IS NULL", "mentions_unscored"),
    ],
)
async def test_lang_and_unscored_filters_read_their_index(
    inbox: Inbox, where: str, index: str
) -> None:
    """`lang:de`, `lang:unknown` and `s:unscored` in the inbox's order are answered from
    an index of their own (as filter_sql writes them), not a scan of every mention."""
    await _seed(inbox)
    plan = " ".join(
        str(row[-1])
        for row in await fetch_all(
            inbox.db.reader,
            f"EXPLAIN QUERY PLAN SELECT id FROM mentions m WHERE {where} "
            "ORDER BY created_ms DESC, id DESC LIMIT 50",
        )
    )
    assert index in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.both_engines
async def test_an_export_says_unscored_and_the_language(inbox: Inbox) -> None:
    await _seed(inbox)
    out = io.StringIO()
    await export_mentions(inbox, out, "jsonl")
    records = {r["text"][:14]: r for r in map(json.loads, out.getvalue().splitlines())}
    german = records["Kestrel ist Gi"]
    assert german["sentiment"]["label"] == "unscored"
    assert german["sentiment"]["compound"] is None
    assert german["language"] == {"code": "de", "confidence": pytest.approx(1, abs=0.5),
                                  "source": "detected"}  # fmt: skip
    assert records["Kestrel sync i"]["sentiment"]["label"] == "negative"
    csv_out = io.StringIO()
    await export_mentions(inbox, csv_out, "csv")
    header, *lines = csv_out.getvalue().splitlines()
    assert header.endswith(",language,language_confidence,language_source")
    assert any(",unscored," in line and ",de," in line for line in lines)


# ---------------------------------------------------------------- older databases


def _database_at_step_24(path: Path) -> None:
    """A file as scrm left it before languages: every mention scored by VADER."""
    conn = sqlite3.connect(path)
    conn.create_function("scrm_hashtags", 1, lambda text: "[]")
    for step, statements in MIGRATIONS:
        if step > 24:
            break
        for statement in statements:
            assert isinstance(statement, str)
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 24")
    conn.execute(
        "INSERT INTO authors (id, channel, handle, handle_key, profile_ms) "
        "VALUES (1, 'mastodon', 'kate', 'kate', 0)"
    )
    posts = [
        ("Die Synchronisierung ist seit gestern kaputt und niemand antwortet", 0.49),
        ("The sync has been broken since yesterday and nobody answers", -0.4),
    ]
    for n, (text, compound) in enumerate(posts, 1):
        conn.execute(
            "INSERT INTO mentions (id, channel, external_id, author_id, text, created_ms, "
            "ingested_ms, compound, pos, neu, neg) VALUES (?, 'mastodon', ?, 1, ?, ?, 0, ?, "
            "0, 1, 0)",
            (n, str(n), text, int(fixed_clock() * 1000) - n * 60_000, compound),
        )
        conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (?, ?)", (n, text))
    conn.commit()
    conn.close()


async def test_an_older_database_is_migrated_and_caught_up_in_the_background(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    _database_at_step_24(db)
    async with await Inbox.open(db, "tester", fixed_clock) as inbox:
        # Migrated: its mentions are unknown until the catch-up has looked at them.
        assert len(await texts(inbox, "lang:unknown")) == 2
        assert await backlog.owed(inbox)
        assert await backlog.work_off(inbox) == (0, 0)
        assert not await backlog.owed(inbox)
        assert await texts(inbox, "lang:de") == [
            "Die Synchronisierung ist seit gestern kaputt und niemand antwortet"
        ]
        # Read again in its language: the German one has no scorer, so no +0.49.
        assert await texts(inbox, "s:unscored") == await texts(inbox, "lang:de")
        assert await texts(inbox, "s:neg") == await texts(inbox, "lang:en")
        # Priorities are owed a re-score for the sentiments that changed.
        assert await inbox.priorities.rescore_owed()
        assert await inbox.priorities.resume_rescore()
        german, english = await inbox.page_older(parse("lang:de OR lang:en"), None, 10)
        assert english.priority is not None and german.priority is not None
        assert english.priority > german.priority  # only the English one is negative
        # New mentions still store with NULL sentiment where they must.
        await inbox.ingest([mention(9, "Kestrel ist Gift für unsere Nerven, wirklich kaputt")])
        assert len(await texts(inbox, "s:unscored")) == 2
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


# ---------------------------------------------------------------- on screen


async def test_the_list_shows_a_question_mark_and_the_pane_the_language(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [
                mention(1, "Kestrel ist Gift für unsere Nerven, die Synchronisierung ist kaputt"),
                replace(mention(2, "Kestrel sync is broken again, I hate this"), lang="en"),
            ]
        )
    async with running(db_path) as pilot:
        await wait_until(pilot, lambda: len(list_lines(pilot)) >= 2)
        lines = list_lines(pilot)
        german = next(line for line in lines if "Gift" in line)
        english = next(line for line in lines if "hate" in line)
        assert " ? " in german and "▼" in english
        # The pane follows the cursor, on the newest (the German one) first.
        await wait_until(pilot, lambda: "unscored" in detail_text(pilot))
        pane = detail_text(pilot)
        assert "? unscored" in pane and "language: German " in pane
        assert "compound" not in pane  # no score to show
        await pilot.press("j")
        await wait_until(pilot, lambda: "declared" in detail_text(pilot))
        pane = detail_text(pilot)
        assert "language: English (declared)" in pane and "▼ negative" in pane


@pytest.mark.both_engines
async def test_a_customers_mood_counts_the_unscored_apart(inbox: Inbox) -> None:
    from scrm_tui.core.models import Channel, CustomerIn
    from scrm_tui.service.timeline import customer_summary

    outcome = await inbox.add_customers(
        [CustomerIn(name="Kate", identities=((Channel.MASTODON, "kate@example.social"),))],
        source="a test",
    )
    posts = [
        "Kestrel sync is broken again, I hate this",
        "Kestrel ist Gift für unsere Nerven, die Synchronisierung ist kaputt",
        "Kestrel non è un granché, la sincronizzazione è molto deludente",
    ]
    await inbox.ingest(
        [mention(n, text, handle="kate@example.social") for n, text in enumerate(posts, 1)]
    )
    summary = await customer_summary(inbox, outcome.ids[0])
    assert (summary.scored, summary.unscored) == (1, 2)
    # One scored post is too few to call: the two unread ones are no evidence either way.
    assert summary.stance.value == "too few contacts"
    profile = await inbox.customers.profile(outcome.ids[0])  # `scrm customers show`
    assert profile["unscored"] == 2
    assert profile["sentiment"] < 0  # the mean of the English one alone


async def test_the_demo_reads_honestly(inbox: Inbox) -> None:
    """Its mentions in twelve languages: each shows its language, and `?` where no
    scorer reads it; no German or Japanese complaint is called neutral or positive."""
    from scrm_tui.service.demo import seed

    await seed(inbox)
    rows = await fetch_all(
        inbox.db.reader,
        "SELECT lang, count(*), count(compound) FROM mentions GROUP BY lang ORDER BY lang",
    )
    by_language = {lang: (n, scored) for lang, n, scored in rows}
    assert {"en", "de", "es", "fr", "it", "ja", "nl", "pl", "pt", "sv", "ar"} <= set(by_language)
    for lang, (n, scored) in by_language.items():
        if lang in ("en", "fr", "pt"):
            assert scored == n, lang  # VADER, and its French and Portuguese ports
        elif lang is not None:
            assert scored == 0, lang  # no scorer reads it
    # Of the unknown (too short or unsure to call), those English at a guess are read
    # by VADER; the rest are unscored with every language no scorer reads.
    unknown, unknown_scored = by_language[None]
    assert 0 < unknown_scored < unknown
    known_unscored = await inbox.count(parse("s:unscored -lang:unknown"))
    assert known_unscored == await inbox.count(parse("-lang:en,fr,pt,unknown"))
