"""Attribution: a reply's links to the brand's domains carry UTM tags naming the mention
(within the network's limit; a link with its own utm_ keeps it), `scrm conversions
import` refuses a file with a bad row whole (each bad line named), and each conversion
is credited to the reply that carried its tag, hence to an agent and a network."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core.conversions import ConversionsError, parse_conversions
from scrm_tui.core.models import Channel
from scrm_tui.core.ranges import parse_range
from scrm_tui.core.textlimits import measure
from scrm_tui.core.utm import tag_links
from scrm_tui.service import conversions, report
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock, mention
from tests.fakes.loopback import Loopback, serve
from tests.support.cli import scrm
from tests.support.outgoing import config_for

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

STATUS_ID = "117020583245459824"
TAGS = "utm_source=mastodon&utm_medium=social&utm_campaign=scrm&utm_content=m7"


def test_links_to_the_brand_s_domains_are_tagged_and_others_are_not() -> None:
    text = (
        "Pricing: https://kestrel.app/pricing. Docs (https://docs.kestrel.app/a?x=1#top), "
        "elsewhere https://example.com/kestrel.app and https://kestrel.app/b?utm_source=news"
    )
    tagged = tag_links(text, ["kestrel.app"], "mastodon", 7)
    assert tagged == (
        f"Pricing: https://kestrel.app/pricing?{TAGS}. Docs "
        f"(https://docs.kestrel.app/a?x=1&{TAGS}#top), elsewhere "
        "https://example.com/kestrel.app and https://kestrel.app/b?utm_source=news"
    )
    assert tag_links(text, [], "mastodon", 7) == text  # no utm_domains: no tagging
    assert tag_links("https://notkestrel.app/x", ["kestrel.app"], "mastodon", 7).endswith("/x")


def test_tags_that_would_pass_the_network_s_limit_are_left_off() -> None:
    link = "https://kestrel.app/p"
    near = "x" * (300 - len(link) - 1) + " " + link  # 300 graphemes: Bluesky's limit

    def fits(channel: str) -> object:
        return lambda tagged: not measure(channel, tagged).over

    assert tag_links(near, ["kestrel.app"], "bluesky", 7, fits("bluesky")) == near
    # On Mastodon a link counts 23 characters however long: the tags always fit.
    assert "utm_content=m7" in tag_links(near, ["kestrel.app"], "mastodon", 7, fits("mastodon"))


def test_a_file_with_bad_rows_is_refused_whole_each_line_named(tmp_path: Path) -> None:
    bad = (
        "campaign,value,date,utm_content\n"
        "spring,1200,2026-11-18,m1\n"
        "spring,abc,2026-11-18,m1\n"
        ",10,2026-11-18,\n"
        "spring,-5,2026-11-18,\n"
        "spring,10,18/11/2026,\n"
        "spring,\x1b[31m9,2026-11-18,\n"
    )
    with pytest.raises(ConversionsError) as error:
        parse_conversions(bad.encode(), "sales.csv")
    said = str(error.value)
    assert "sales.csv, line 3: 'value' is 'abc', not an amount" in said
    assert "sales.csv, line 4: 'campaign' is empty" in said
    assert "sales.csv, line 5: 'value' is '-5'" in said
    assert "sales.csv, line 6: 'date' is '18/11/2026', not a date (YYYY-MM-DD)" in said
    assert "line 7" in said and "\x1b" not in said  # the file's text shown inert
    assert "line 2" not in said
    with pytest.raises(ConversionsError, match="line 1: no column value"):
        parse_conversions(b"campaign,amount,date\nx,1,2026-11-01\n", "sales.csv")
    with pytest.raises(ConversionsError, match="line 2: not UTF-8"):
        parse_conversions(b"campaign,value,date\n\xff,1,2026-11-01\n", "sales.csv")


def test_the_command_stores_all_or_nothing_and_never_twice(db_path: Path, tmp_path: Path) -> None:
    async def create() -> None:
        async with await Inbox.open(db_path, "kate", fixed_clock):
            pass

    asyncio.run(create())
    good = tmp_path / "good.csv"
    good.write_text("Campaign,Value,Date\nspring,100,2026-11-18\nspring,100,2026-11-18\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("campaign,value,date\nspring,100,2026-11-18\nspring,lots,2026-11-18\n")
    refused = scrm("--db", str(db_path), "conversions", "import", str(bad))
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr and "bad.csv, line 3: 'value'" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _stored(db_path) == 0
    first = scrm("--db", str(db_path), "conversions", "import", str(good))
    assert first.returncode == 0 and "imported 2 conversions" in first.stderr
    again = scrm("--db", str(db_path), "conversions", "import", str(good))
    assert "imported 0 conversions (2 imported before, skipped)" in again.stderr
    assert _stored(db_path) == 2  # the same row twice in a file is two sales


def _stored(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM conversions").fetchone()[0])


@pytest.fixture
def server() -> Iterator[Loopback]:
    for running in serve():
        running.add_mastodon_status(STATUS_ID)
        yield running


async def test_a_sale_is_credited_to_the_reply_that_carried_its_tag(
    db_path: Path, server: Loopback, tmp_path: Path
) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as box:
        config = config_for(server, utm_domains=("kestrel.app",))
        box.configure(config, resolve(config, {}))
        post = mention(1, "Which plan fits a team of 9?", handle="ann@social.example")
        post = type(post)(**{**post.__dict__, "external_id": STATUS_ID})
        other = mention(2, "Kestrel is fine", channel=Channel.BLUESKY)
        [mention_id, other_id] = (await box.ingest([post, other])).stored
        compose = await box.replies.compose(mention_id)
        await box.replies.send(compose, "@ann@social.example Team: https://kestrel.app/pricing")
        await box.outbox_worker().run_due()
        (sent,) = server.requests("mastodon.post_status")
        status = json.loads(sent.body)["status"]
        assert status.endswith(
            "https://kestrel.app/pricing?utm_source=mastodon&utm_medium=social"
            f"&utm_campaign=scrm&utm_content=m{mention_id}"
        )
        day = (NOW - timedelta(days=1)).date().isoformat()
        rows = [
            ("spring", 1200, f"m{mention_id}"),  # credited to kate's reply on Mastodon
            ("spring", 300, f"m{mention_id}"),
            ("spring", 80, ""),  # no utm_content
            ("spring", 50, "newsletter"),  # names no mention
            ("spring", 40, f"m{other_id}"),  # a mention no reply answered
        ]
        csv = tmp_path / "sales.csv"
        csv.write_text(
            "campaign,value,date,utm_content\n"
            + "".join(f"{c},{v},{day},{u}\n" for c, v, u in rows)
        )
        await conversions.import_file(box.db, csv, box.now_ms())
        built = await report.build(box.db, parse_range("7d", box.now_ms()), with_rising=False)
        figure = built.figure("sales.attributed")
        credited = [v for _, v, u in rows if u == f"m{mention_id}"]
        assert figure.value == sum(credited) == 1500
        assert "3 of 5 conversions not attributable" in figure.note
        inputs = dict(figure.inputs)
        assert inputs["not attributable: no utm_content"] == "1"
        assert inputs["not attributable: utm_content names no mention (m<id>)"] == "1"
        assert inputs["not attributable: no sent reply carried its tag"] == "1"
        tables = {t.key: t for t in built.section("sales").tables}
        assert [r.cells for r in tables["sales.attributed_agents"].rows] == [
            ("kate", "2", "$1,500")
        ]
        assert [r.cells for r in tables["sales.attributed_networks"].rows] == [
            ("Mastodon", "2", "$1,500")
        ]
