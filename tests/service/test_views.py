"""Saved views: the team's in the config (checked at start-up and by doctor), an agent's
own in the database, and the unread count of each."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from scrm_tui.core.config import Config, ConfigError, parse_config
from scrm_tui.core.models import Channel, Status
from scrm_tui.core.query import Query, parse
from scrm_tui.core.views import View
from scrm_tui.service.doctor import FAIL, OK, diagnose
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.views import ViewNameTaken, ViewRefused
from tests.conftest import fixed_clock, mention
from tests.support import plain
from tests.support.cli import scrm

VIEWS = """\
agent = "kate"

[views]
hn = "ch:hn"
"billing & refunds" = "refund -s:pos"
"""


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "scrm.toml")
    return str(caught.value)


def test_config_views_keep_the_files_order() -> None:
    config = parse_config(VIEWS, "scrm.toml")
    assert config.views == (View("hn", "ch:hn"), View("billing & refunds", "refund -s:pos"))


def test_a_bad_view_filter_names_the_view_its_line_and_the_column() -> None:
    said = refused(VIEWS + 'mine = "is:open from:"\n')
    assert said == "scrm.toml, line 6: 'views.mine': column 9: 'from:' needs a value"
    # A quoted key is found on its line too.
    said = refused('[views]\n"on hn" = "is:open ch:hnn"\n')
    assert said.startswith("scrm.toml, line 2: 'views.on hn': column ")
    assert "unknown channel 'hnn'" in said


def test_a_view_needs_a_usable_name_and_a_filter_in_quotes() -> None:
    said = refused('[views]\n"" = "ch:hn"\n')
    assert said == "scrm.toml, line 2: 'views.': a view needs a name"
    said = refused('[views]\n"a view name longer than it can be" = "ch:hn"\n')
    assert "at most 24 characters" in said
    said = refused("[views]\nhn = 3\n")
    assert said == (
        "scrm.toml, line 2: 'views.hn' must be a filter in quotes, like \"ch:hn is:unread\""
    )
    said = refused('[views]\nHN = "ch:hn"\nhn = "ch:hn is:open"\n')
    assert said.startswith("scrm.toml, line 3: 'views.hn': another view has this name")


async def test_doctor_names_the_bad_view_and_lists_the_good_ones(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(VIEWS + 'broken = "s:neg from:"\n', encoding="utf-8")
    result = await diagnose(path, db_path=tmp_path / "scrm.db", env={}, client=client)
    assert result.exit_code == 2
    [check] = result.checks
    assert (check.area, check.state) == ("views", FAIL)
    assert check.message == f"{path}, line 6: 'views.broken': column 7: 'from:' needs a value"

    path.write_text(VIEWS, encoding="utf-8")
    result = await diagnose(path, db_path=tmp_path / "scrm.db", env={}, client=client)
    assert ("views", OK, "2 for the team: hn, billing & refunds") in [
        (c.area, c.state, c.message) for c in result.checks
    ]


@pytest.mark.xdist_group("subprocess")
def test_scrm_refuses_to_start_with_a_bad_view(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[views]\nhn = "ch:hn from:"\n', encoding="utf-8")
    started = scrm("--config", str(path), "--db", str(tmp_path / "scrm.db"))
    assert started.returncode != 0
    assert started.stderr == f"scrm: {path}, line 2: 'views.hn': column 7: 'from:' needs a value\n"


# -- an agent's own views -----------------------------------------------------------------


async def history(inbox: Inbox) -> list[tuple[str, str, str, dict[str, str]]]:
    rows = await inbox.db.reader.execute_fetchall(
        "SELECT kind, actor, summary, detail FROM interactions WHERE kind = 'view' ORDER BY id"
    )
    return [(kind, actor, summary, json.loads(detail)) for kind, actor, summary, detail in rows]


@pytest.mark.both_engines
async def test_saved_views_are_the_agents_own_and_follow_the_teams(target: str | Path) -> None:
    async with await Inbox.open(target, "kate", fixed_clock) as kate:
        kate.configure(parse_config(VIEWS, "c"))
        await kate.views.save("negative", "s:neg")
        await kate.views.save("  mine  ", "is:unread from:kate ")
        names = [(v.name, v.filter, v.mine) for v in await kate.views.all()]
        assert names == [
            ("hn", "ch:hn", False),
            ("billing & refunds", "refund -s:pos", False),
            ("negative", "s:neg", True),
            ("mine", "is:unread from:kate", True),
        ]
    async with await Inbox.open(target, "dana", fixed_clock) as dana:
        assert await dana.views.all() == []


@pytest.mark.both_engines
async def test_a_name_in_use_is_replaced_only_when_asked(inbox: Inbox) -> None:
    inbox.configure(parse_config(VIEWS, "c"))
    await inbox.views.save("neg", "s:neg")
    await inbox.views.save("later", "is:done")
    with pytest.raises(ViewNameTaken) as taken:
        await inbox.views.save("NEG", "s:neg is:open")
    assert (taken.value.name, taken.value.filter) == ("neg", "s:neg")
    await inbox.views.save("NEG", "s:neg is:open", replace=True)
    # Replaced in its place, under the name as now typed.
    assert [(v.name, v.filter) for v in await inbox.views.all() if v.mine] == [
        ("NEG", "s:neg is:open"),
        ("later", "is:done"),
    ]
    with pytest.raises(ViewRefused, match="'HN' is a team view"):
        await inbox.views.save("HN", "ch:hn is:open", replace=True)
    with pytest.raises(ViewRefused, match="unknown channel 'nope'"):
        await inbox.views.save("bad", "ch:nope")
    with pytest.raises(ViewRefused, match="no filter to save"):
        await inbox.views.save("everything", "  ")
    assert await history(inbox) == [
        ("view", "tester", "saved view 'neg': s:neg", {"name": "neg", "filter": "s:neg"}),
        ("view", "tester", "saved view 'later': is:done", {"name": "later", "filter": "is:done"}),
        (
            "view",
            "tester",
            "saved view 'NEG': s:neg is:open",
            {"name": "NEG", "filter": "s:neg is:open", "replaced": "s:neg"},
        ),
    ]


@pytest.mark.both_engines
async def test_deleting_a_view_is_recorded(inbox: Inbox) -> None:
    await inbox.views.save("neg", "s:neg")
    assert await inbox.views.delete("Neg") == "s:neg"
    assert await inbox.views.delete("neg") is None
    assert await inbox.views.all() == []
    assert (await history(inbox))[-1] == (
        "view",
        "tester",
        "deleted view 'neg'",
        {"name": "neg", "filter": "s:neg"},
    )


async def test_unread_counts_follow_reads_and_arrivals(inbox: Inbox) -> None:
    await inbox.ingest(
        [mention(n, f"refund please {n}", channel=Channel.HACKERNEWS) for n in range(4)]
        + [mention(n, f"love it {n}") for n in range(4, 10)]
    )
    views = [View("hn", "ch:hn"), View("refunds", "refund"), View("mast", "ch:mast")]
    assert await inbox.views.unread(views) == [4, 4, 6]
    hn = await inbox.page_older(parse("ch:hn"), None, 10)
    await inbox.set_read([hn[0].id, hn[1].id], True)
    assert await inbox.views.unread(views) == [2, 2, 6]
    # A word's hits are kept between counts: what arrives later is counted too.
    await inbox.ingest([mention(20, "refund now", channel=Channel.HACKERNEWS)])
    assert await inbox.views.unread(views) == [3, 3, 6]


async def test_a_saved_filter_the_language_no_longer_takes_counts_as_none(inbox: Inbox) -> None:
    await inbox.ingest([mention(1)])
    assert await inbox.views.unread([View("old", "ch:myspace"), View("all", "kestrel")]) == [
        None,
        1,
    ]


@pytest.mark.both_engines
async def test_counts_are_made_again_only_when_what_they_count_may_have_changed(
    inbox: Inbox, target: str | Path
) -> None:
    await inbox.ingest([mention(n, channel=Channel.HACKERNEWS) for n in range(3)])
    inbox.configure(Config(views=(View("hn", "ch:hn"),)))
    assert await inbox.views.refresh() == ([View("hn", "ch:hn")], [3])
    assert await inbox.views.refresh() is None
    # Writes the counts do not depend on (a heartbeat, a collector's lease) cost a look.
    async with inbox.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO presence (holder, agent, started_ms, heartbeat_ms) "
            "VALUES ('host:1:1', 'dana', 1, 2)"
        )
    assert await inbox.views.refresh() is None
    # Each of these may change them, whoever writes it.
    ids = [row.id for row in await inbox.page_older(Query(), None, 3)]
    await inbox.set_read(ids[:2], True)
    assert await inbox.views.refresh() == ([View("hn", "ch:hn")], [1])
    with plain.connect(target) as other:  # not through scrm's own set_read
        other.execute("DELETE FROM mention_reads WHERE mention_id = ?", (ids[0],))
    assert await inbox.views.refresh() == ([View("hn", "ch:hn")], [2])
    await inbox.set_status([ids[2]], Status.DONE)
    assert await inbox.views.refresh() is not None
    await inbox.ingest([mention(9, channel=Channel.HACKERNEWS)])
    assert await inbox.views.refresh() == ([View("hn", "ch:hn")], [3])
    await inbox.views.save("mine", "ch:mast")
    assert await inbox.views.refresh() == (
        [View("hn", "ch:hn"), View("mine", "ch:mast", mine=True)],
        [3, 0],
    )
    assert await inbox.views.refresh(force=True) is not None
