"""The industry: competitor watch sets in the config, each mention marked with its set
as it is stored, the `watch:` and `is:question` filters, the searches the listener
runs for competitors, and the dashboard's share of voice, competitors' net sentiment
and switching opportunities recomputed from the rows of a known database."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.http import make_client
from scrm_tui.core.config import Config, ConfigError, parse_config
from scrm_tui.core.figures import Table
from scrm_tui.core.models import Channel
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import report
from scrm_tui.service.collector import Collector
from scrm_tui.service.credentials import resolve
from scrm_tui.service.demo import DEMO_COMPETITORS, seed
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.listen import build_sources
from scrm_tui.service.measures import Settings
from tests.conftest import fixed_clock, mention
from tests.fakes.loopback import Loopback
from tests.support.cli import scrm
from tests.support.clock import Clock

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

COMPETITORS = """
[watch]
terms = "kestrel OR #kestrelapp"

[watch.competitors]
Harrier = 'harrier OR #harrierapp'
osprey = 'osprey -"osprey nest"'
"""


# -- the config -----------------------------------------------------------------------


def test_competitors_are_read_in_order_and_each_mistake_names_its_line_and_key() -> None:
    config = parse_config(COMPETITORS, "config.toml")
    assert [(c.name, c.key, c.terms) for c in config.competitors] == [
        ("Harrier", "harrier", "harrier OR #harrierapp"),
        ("osprey", "osprey", 'osprey -"osprey nest"'),
    ]
    bad = {
        "[watch.competitors]\n\nharrier = 'harrier (app'\n": (
            "config.toml, line 3: 'watch.competitors.harrier': column 9: this parenthesis "
            "is not closed"
        ),
        "[watch.competitors]\nharrier = 3\n": (
            "config.toml, line 2: 'watch.competitors.harrier' must be watch terms in quotes"
        ),
        "[watch.competitors]\nBrand = 'x'\n": (
            "config.toml, line 2: 'watch.competitors.Brand': 'brand' is the brand's own set"
        ),
        "[watch.competitors]\nHarrier = 'x'\nharrier = 'y'\n": (
            "config.toml, line 3: 'watch.competitors.harrier': another competitor has this name"
        ),
        "[watch]\ncompetitors = 'harrier'\n": (
            "config.toml, line 2: 'watch.competitors' must be a table of name = \"terms\""
        ),
        "[watch.competitors]\nharrier = '-harrier'\n": (
            "config.toml, line 2: 'watch.competitors.harrier': only exclusions"
        ),
    }
    for text, said in bad.items():
        with pytest.raises(ConfigError) as error:
            parse_config(text, "config.toml")
        assert str(error.value).startswith(said), text


@pytest.mark.xdist_group("subprocess")
def test_doctor_lists_the_competitors_and_names_a_bad_one_without_a_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMPETITORS, encoding="utf-8")
    good = scrm("doctor", "--config", str(path), "--db", str(tmp_path / "scrm.db"))
    assert "watch   ✓ competitor Harrier: harrier OR #harrierapp" in good.stdout, good.stdout
    assert 'watch   ✓ competitor osprey: osprey -"osprey nest"' in good.stdout

    path.write_text(COMPETITORS.replace("'harrier OR #harrierapp'", "'harrier OR'"), "utf-8")
    bad = scrm("doctor", "--config", str(path), "--db", str(tmp_path / "scrm.db"))
    assert bad.returncode == 2
    said = bad.stdout + bad.stderr
    assert f"{path}, line 6: 'watch.competitors.Harrier':" in said
    assert "Traceback" not in said


# -- marking at ingest ----------------------------------------------------------------


@pytest.fixture
async def box(db_path: Path) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(db_path, "kate", fixed_clock)
    inbox.configure(parse_config(COMPETITORS))
    try:
        yield inbox
    finally:
        await inbox.close()


def _sets(db_path: Path) -> dict[str, str | None]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT external_id, watch_set FROM mentions").fetchall())


async def test_each_mention_is_stored_in_its_watch_set_and_the_brand_wins_a_tie(
    box: Inbox, db_path: Path
) -> None:
    posts = {
        "1": "Kestrel boards are lovely",
        "2": "Harrier raised its price again",
        "3": "Moving from Harrier to Kestrel this week",  # both: the brand's
        "4": "Osprey sync is broken",
        "5": "An osprey nest on the lake: osprey nest cam is live",  # excluded: nobody's
        "6": "Harrier or Osprey for a team of five?",  # both competitors: the first listed
        "7": "Loving the #HarrierApp widgets",
        "8": "A post about nothing we watch",
    }
    await box.ingest([mention(int(n), text) for n, text in posts.items()])
    # Found by a competitor's search: theirs unless the text names the brand.
    await box.ingest(
        [
            replace(mention(9, "Switched our whole team last month"), watch_set="osprey"),
            replace(mention(10, "osprey or kestrel?"), watch_set="osprey"),
        ]
    )
    assert _sets(db_path) == {
        "mastodon-1": None,
        "mastodon-2": "harrier",
        "mastodon-3": None,
        "mastodon-4": "osprey",
        "mastodon-5": None,
        "mastodon-6": "harrier",
        "mastodon-7": "harrier",
        "mastodon-8": None,
        "mastodon-9": "osprey",
        "mastodon-10": None,
    }
    # Each set's rollups hold exactly its mentions.
    with sqlite3.connect(db_path) as conn:
        rolled = conn.execute(
            "SELECT watch_set, sum(n) FROM mention_hours GROUP BY 1 HAVING sum(n) > 0"
        ).fetchall()
        authors = conn.execute("SELECT watch_set, count(*) FROM author_days GROUP BY 1").fetchall()
    assert dict(rolled) == {"": 5, "harrier": 3, "osprey": 2}
    assert dict(authors) == {"": 5, "harrier": 3, "osprey": 2}
    # And the filters open exactly them.
    assert await box.count(parse("watch:brand is:any")) == 5
    assert await box.count(parse("watch:HARRIER is:any")) == 3
    assert await box.count(parse("-watch:brand is:any")) == 5


async def test_a_rule_sees_the_watch_set_a_mention_is_stored_in(box: Inbox, db_path: Path) -> None:
    rules = '\n[[rules]]\nname = "rivals"\nfilter = "-watch:brand is:question"\ntag = ["switch"]\n'
    box.configure(parse_config(COMPETITORS + rules))
    await box.ingest(
        [
            mention(1, "Any alternative to Harrier?"),
            mention(2, "Does Kestrel export to CSV?"),
            mention(3, "Harrier is fine"),
        ]
    )
    with sqlite3.connect(db_path) as conn:
        tagged = conn.execute(
            "SELECT m.external_id FROM mention_tags t JOIN mentions m ON m.id = t.mention_id"
        ).fetchall()
    assert tagged == [("mastodon-1",)]


async def test_without_competitors_every_mention_is_the_brand_s(db_path: Path) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as plain:
        await plain.ingest([mention(1, "Harrier is down"), mention(2, "kestrel")])
    assert set(_sets(db_path).values()) == {None}


async def test_is_question_finds_a_question_mark_but_not_a_link_s_query(box: Inbox) -> None:
    texts = [
        "Does Harrier export to CSV?",
        "¿Alguien usa Harrier?",
        "Harrier？",
        'Harrier, "really?" she asked',
        "Harrier docs at https://harrier.example/search?q=export",
        "Harrier ?x=1 tracking links",
        "Harrier is fine",
    ]
    await box.ingest([mention(n, text) for n, text in enumerate(texts, start=1)])
    found = await box.page_older(parse("is:question is:any"), None, 50)
    assert sorted(row.snippet for row in found) == sorted(texts[:4])


# -- listening for competitors ----------------------------------------------------------


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=2.0, connect_timeout=2.0) as http:
        yield http


async def test_the_listener_searches_each_competitor_and_marks_what_it_finds(
    box: Inbox, server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    clock = Clock(fixed_clock())
    when = int(fixed_clock()) - 600
    server.add_hn_comment(51_000_001, "kestrel saved my week", created_at_i=when)
    server.add_hn_comment(51_000_002, "harrier pricing is a joke", created_at_i=when + 1)
    server.add_hn_comment(51_000_003, "harrier or kestrel for a small team", created_at_i=when + 2)
    server.add_hn_comment(51_000_004, "osprey nest cams are great", created_at_i=when + 3)
    config = parse_config(
        COMPETITORS
        + f'\n[sources.hackernews]\napi_url = "{server.base_url}/hn"\n'
        + '[sources.mastodon]\nkinds = ["notifications", "tag"]\n'
    )
    sources, problems = build_sources(config, resolve(config, {}, None), client, env={})
    # Mastodon needs an instance: one problem, and the other network still listens.
    assert list(problems) == ["mastodon"]
    assert [s.name for s in sources] == [
        "hackernews:kestrel",
        "hackernews:kestrelapp",
        "harrier:hackernews:harrier",
        "harrier:hackernews:harrierapp",
        "osprey:hackernews:osprey",
    ]
    collector = Collector(box, sources, clock=clock, holder="t:1", backfill_s=86400)
    await collector.poll_due()
    assert _sets(db_path) == {
        "51000001": None,
        "51000002": "harrier",
        "51000003": None,  # names the brand: the brand's, whichever search found it
    }


def test_competitors_are_not_searched_where_only_the_brand_s_account_listens() -> None:
    config = parse_config(
        COMPETITORS
        + '\n[sources.mastodon]\nkinds = ["notifications"]\n'
        + '[mastodon]\ninstance = "https://mastodon.example"\ntoken = "t"\n'
        + '[sources.rss]\nfeeds = [{ name = "alerts", url = "https://alerts.example/f" }]\n'
    )
    sources, problems = build_sources(config, resolve(config, {}, None), None, env={})
    assert problems == {}
    assert [s.name for s in sources] == ["mastodon:notifications", "rss:alerts"]


# -- the dashboard's figures, recomputed from the rows --------------------------------

QUESTION = re.compile(r"[?？؟](?![A-Za-z0-9=&_%/-])")


@pytest.fixture
async def demo(db_path: Path) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(db_path, "kate", fixed_clock)
    inbox.configure(replace(Config(), competitors=DEMO_COMPETITORS))
    await seed(inbox)
    try:
        yield inbox
    finally:
        await inbox.close()


def _rows(db_path: Path, start_ms: int, end_ms: int) -> list[tuple[int, str, float | None, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT id, coalesce(watch_set, ''), compound, text FROM mentions "
            "WHERE created_ms >= ? AND created_ms < ?",
            (start_ms, end_ms),
        ).fetchall()


def _followers(db_path: Path, watch_set: str, start_ms: int, end_ms: int) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(
            conn.execute(
                "SELECT coalesce(sum(followers), 0) FROM authors WHERE id IN "
                "(SELECT author_id FROM mentions WHERE coalesce(watch_set, '') = ? "
                "AND created_ms >= ? AND created_ms < ?)",
                (watch_set, start_ms, end_ms),
            ).fetchone()[0]
        )


def _net(rows: list[tuple[int, str, float | None, str]], watch_set: str) -> float | None:
    pos = sum(1 for _, s, c, _ in rows if s == watch_set and c is not None and c >= 0.05)
    neg = sum(1 for _, s, c, _ in rows if s == watch_set and c is not None and c <= -0.05)
    return (pos - neg) / (pos + neg) * 100 if pos + neg else None


@pytest.mark.parametrize("name", ["7d", "24h"])
async def test_share_of_voice_and_competitors_mood_are_what_the_rows_say(
    demo: Inbox, db_path: Path, name: str
) -> None:
    period = parse_range(name, demo.now_ms())
    settings = Settings.of(demo.config)
    built = await report.build(demo.db, period, settings, with_rising=False)
    rows = _rows(db_path, period.start_ms, period.end_ms)
    old = _rows(db_path, period.previous().start_ms, period.previous().end_ms)
    sets = ("", "harrier", "osprey")
    assert {s for _, s, _, _ in rows + old} == set(sets)  # the demo has all three

    def share(of: list[tuple[int, str, float | None, str]], mood: str = "") -> float:
        def counted(c: float | None) -> bool:
            if not mood:
                return True
            return c is not None and (c >= 0.05 if mood == "pos" else c <= -0.05)

        chosen = [s for _, s, c, _ in of if counted(c)]
        return chosen.count("") / len(chosen) * 100

    assert built.figure("industry.share_of_voice").value == pytest.approx(share(rows, None))
    assert built.figure("industry.share_of_voice").previous == pytest.approx(share(old, None))
    assert built.figure("industry.share_of_positive").value == pytest.approx(share(rows, "pos"))
    assert built.figure("industry.share_of_negative").value == pytest.approx(share(rows, "neg"))
    reach = {s: _followers(db_path, s, period.start_ms, period.end_ms) for s in sets}
    assert built.figure("industry.voice_by_reach").value == pytest.approx(
        reach[""] / sum(reach.values()) * 100
    )
    assert built.figure("industry.voice_by_reach").estimated
    for key in ("harrier", "osprey"):
        figure = built.figure(f"industry.net_sentiment.{key}")
        assert figure.value == pytest.approx(_net(rows, key))
        assert figure.previous == pytest.approx(_net(old, key))
        assert figure.label == f"Net: {key.title()}"
        # Enter opens exactly the mentions it counts.
        pos_neg = sum(1 for _, s, c, _ in rows if s == key and c is not None and abs(c) >= 0.05)
        assert await demo.count(parse(figure.filter or "")) == pos_neg
    mentions = _table(built, "industry.share")
    for row in mentions.rows:
        assert await demo.count(parse(row.filter or "")) == int(row.cells[1].replace(",", ""))


async def test_switching_opportunities_open_exactly_the_competitors_complaints_and_questions(
    demo: Inbox, db_path: Path
) -> None:
    period = parse_range("7d", demo.now_ms())
    built = await report.build(demo.db, period, Settings.of(demo.config), with_rising=False)
    rows = _rows(db_path, period.start_ms, period.end_ms)

    def chance(compound: float | None, text: str) -> bool:
        return (compound is not None and compound <= -0.05) or QUESTION.search(text) is not None

    expected = {i for i, s, c, text in rows if s and chance(c, text)}
    figure = built.figure("industry.switching")
    assert figure.value == len(expected) > 40  # the demo's price rise and sync failure
    found = await demo.page_older(parse(figure.filter or ""), None, 1000)
    assert {row.id for row in found} == expected
    table = _table(built, "industry.switching")
    for row in table.rows:
        key = row.cells[0].lower()
        theirs = {i for i, s, c, text in rows if s == key and chance(c, text)}
        opened = await demo.page_older(parse(row.filter or ""), None, 1000)
        assert {r.id for r in opened} == theirs and int(row.cells[3]) == len(theirs)
        negative = sum(1 for _, s, c, _ in rows if s == key and c is not None and c <= -0.05)
        assert int(row.cells[1]) == negative


async def test_brand_figures_open_the_brand_s_mentions_only(demo: Inbox) -> None:
    period = parse_range("7d", demo.now_ms())
    built = await report.build(demo.db, period, Settings.of(demo.config), with_rising=False)
    volume = built.figure("awareness.volume")
    assert "watch:brand" in (volume.filter or "")
    assert await demo.count(parse(volume.filter or "")) == volume.value


async def test_with_no_competitor_the_section_says_how_to_name_them(db_path: Path) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as plain:
        await plain.ingest([mention(1, "kestrel", channel=Channel.BLUESKY)])
        period = parse_range("7d", plain.now_ms())
        built = await report.build(plain.db, period, with_rising=False)
    figure = built.figure("industry.share_of_voice")
    assert figure.value is None and "[watch.competitors]" in figure.formula


def _table(built: report.Report, key: str) -> Table:
    section, _, _ = key.partition(".")
    return next(t for t in built.section(section).tables if t.key == key)


async def test_each_rising_complaint_opens_the_negative_mentions_it_counts(
    demo: Inbox, db_path: Path
) -> None:
    period = parse_range("7d", demo.now_ms())
    # Counted after the figures, as the brand's rising terms are, and kept per day:
    # the second report counts nothing and says the same.
    built = await report.build(demo.db, period, Settings.of(demo.config))
    again = await report.build(demo.db, period, Settings.of(demo.config))
    table = _table(built, "industry.rising_complaints")
    assert _table(again, "industry.rising_complaints") == table
    assert {row.cells[0] for row in table.rows} == {"Harrier", "Osprey"}
    assert "invoice" in [row.cells[1] for row in table.rows if row.cells[0] == "Harrier"]
    for row in table.rows:
        assert row.cells[1] not in ("harrier", "osprey")  # their own names never rise
        opened = await demo.page_older(parse(row.filter or ""), None, 1000)
        assert len(opened) == int(row.cells[2])
        assert all(r.compound is not None and r.compound <= -0.05 for r in opened)
        assert all(r.watch_set == row.cells[0].lower() for r in opened)

    # A complaint read again as positive, and a positive post as negative: the days
    # they are in are counted again, and the word counts one less.
    [invoice] = [r for r in table.rows if r.cells[1] == "invoice"]
    [first, *_] = await demo.page_older(parse(invoice.filter or ""), None, 1)
    other = await demo.page_older(parse("watch:harrier s:pos is:any"), None, 1)
    async with demo.db.transaction() as conn:
        await conn.execute("UPDATE mentions SET compound = 0.6 WHERE id = ?", (first.id,))
        await conn.execute("UPDATE mentions SET compound = -0.6 WHERE id = ?", (other[0].id,))
    after = _table(
        await report.build(demo.db, period, Settings.of(demo.config)),
        "industry.rising_complaints",
    )
    counted = {r.cells[1]: int(r.cells[2]) for r in after.rows if r.cells[0] == "Harrier"}
    assert counted.get("invoice", 0) == int(invoice.cells[2]) - 1
