"""An open inbox that collects applies the rules to what it stores: the rows arrive
already tagged and assigned, and the history names the rule."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrm_tui.core.config import parse_config
from scrm_tui.ui.app import ScrmApp
from tests.fakes.replay import Replay
from tests.support.tui import inbox_screen, list_lines, wait_until
from tests.tui import test_listen_tui
from tests.tui.test_listen_tui import FEED, T0

replay = test_listen_tui.replay  # the feed of two posts, one "down"


async def test_a_terminal_that_collects_applies_the_rules_to_what_it_stores(
    db_path: Path, replay: Replay
) -> None:
    config = parse_config(
        '[watch]\nterms = "kestrel"\n[sources.rss]\ninterval = "1m"\n'
        f'feeds = [{{ name = "news", url = "{replay.url(FEED)}" }}]\n'
        '[team]\nagents = ["dana"]\n'
        '[[rules]]\nname = "outage"\nfilter = "down"\ntag = ["outage"]\nassign = "dana"\n',
        "config.toml",
    )
    app = ScrmApp(db_path=db_path, agent="tester", config=config, clock=lambda: T0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: inbox_screen(pilot).total == 2)
        await wait_until(pilot, lambda: list_lines(pilot)[0].rstrip().endswith("[outage] →dana"))
        assert "Kestrel sync is down again" in list_lines(pilot)[0]
        assert "[" not in list_lines(pilot)[1] and "→" not in list_lines(pilot)[1]
    timeline = history(db_path)
    assert ("rule:outage", "tag", "tagged +outage") in timeline
    assert ("rule:outage", "assign", "assigned to dana") in timeline


def history(db_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT actor, kind, summary FROM interactions WHERE kind != 'mention'"
        ).fetchall()
