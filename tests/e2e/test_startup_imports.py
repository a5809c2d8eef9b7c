"""Start-up (issue 12, point 7): what `scrm` has loaded when its first rows are on screen.

Each module a first frame does not need costs every start its import (a bare Textual
app takes ~200 ms to paint; scrm's own imports were ~100 ms of its ~450). These tests
start the real command in a process of its own and list what it had loaded by the time
the inbox showed its first page and counted it, so that a change which pulls one of
them back onto the start path fails here rather than in a benchmark months later.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scrm_tui.core import networks
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention

# Run as `scrm --db DB` does, headless, until the inbox is ready (its first page shown
# and counted). The jobs the app starts a second after that (listening, a re-match
# owed) are held off: what they load is theirs, not the first frame's.
START = """
import asyncio, json, sys, time
import scrm_tui.ui.app as ui
import scrm_tui.ui.screens.inbox as inbox_screen
from scrm_tui import cli

ui.LISTEN_DELAY = 3600.0
inbox_screen.SPIKES_AFTER_READY = 3600.0
WAIT_FOR = None  # a module to wait for once ready (start-up goes on beside the wait)
run = ui.ScrmApp.run

def headless(app, **_):
    def report():
        shown = app.screen.mention_list.window.size
        with open(sys.argv[2], "w") as out:
            json.dump({"rows": shown, "modules": sorted(sys.modules)}, out)
        app.exit()

    async def report_once_loaded():
        deadline = time.monotonic() + 60
        while WAIT_FOR not in sys.modules and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        report()

    async def pause(step):
        if step == "ready":
            if WAIT_FOR is None:
                report()
            else:
                asyncio.ensure_future(report_once_loaded())
    app.startup_pause = pause
    return run(app, headless=True, size=(80, 24))

ui.ScrmApp.run = headless
sys.exit(cli.main(["--db", sys.argv[1]]))
"""

# Loaded only when used: networks (httpx and the channel modules' HTTP code: ~0.2 s; each
# network's record, which registers it in core's table, is loaded: see below), sentiment
# (VADER) and matching (rapidfuzz), the filter language's parser (until the first `/`),
# the command palette's entries, forms and the other screens, the bulk actions; and the
# commit watch's inotify, a second after start-up (the watch polls until then).
NOT_AT_START = (
    "httpx",
    "vaderSentiment",
    "vaderSentiment_fr",  # the French and Portuguese scorers, on their first post
    "LeIA",
    "rapidfuzz",
    "scrm_tui.enrich.matching",
    "scrm_tui.core.query_terms",
    "scrm_tui.core.query_values",
    "scrm_tui.core.rules",
    "scrm_tui.core.outgoing",
    "scrm_tui.service.bulk",
    "scrm_tui.service.replies",
    "scrm_tui.service.listen",
    "scrm_tui.service.backlog",
    "scrm_tui.ui.commands",
    "scrm_tui.ui.dialogs.compose",
    "scrm_tui.ui.dialogs.help",
    "textual.widgets._data_table",
    "textual.widgets._text_area",
    "ctypes",  # inotify's (store/commit_watch.py): a second after start-up
    "inotify_simple",
    "scrm_tui.service.spikes",  # the spike check: a second after start-up
    "stop_words",
)


@pytest.fixture
async def stored(tmp_path: Path) -> Path:
    db = tmp_path / "scrm.db"
    async with await Inbox.open(db, "tester", fixed_clock) as box:
        await box.ingest([mention(n, f"mention {n} about kestrel") for n in range(30)])
    return db


# The same, with the jobs of a second later let run at once: once the inbox is up, the
# filter language's parser is loaded in the background, before any `/`.
SETTLED = START.replace("ui.LISTEN_DELAY = 3600.0", "ui.LISTEN_DELAY = 0.01").replace(
    "WAIT_FOR = None", 'WAIT_FOR = "scrm_tui.core.query_parse"'
)


def loaded_at_start(db: Path, home: Path, script: str = START) -> dict[str, object]:
    """Start `scrm` on `db` and return what it had shown and loaded once ready."""
    out = home / "loaded.json"
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "SCRM_AGENT": "tester",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(db), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(out.read_text())
    return result


def within(modules: object, packages: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_the_first_page_is_shown_without_networks_parsers_or_forms(
    stored: Path, tmp_path: Path
) -> None:
    started = loaded_at_start(stored, tmp_path)
    assert started["rows"] == 30  # the inbox did start, and showed its rows
    early = within(started["modules"], NOT_AT_START)
    assert early == [], f"loaded before the first page was shown: {', '.join(early)}"
    # Of the channels, only the package and each network's record (the list's badges and
    # the filter's names come from them): none of the code that fetches or sends.
    records = {"scrm_tui.channels", *(f"scrm_tui.channels.{name}" for name in networks.names())}
    code = [m for m in within(started["modules"], ("scrm_tui.channels",)) if m not in records]
    assert code == [], f"loaded before the first page was shown: {', '.join(code)}"


def test_the_filter_language_is_loaded_in_the_background_once_the_inbox_is_up(
    stored: Path, tmp_path: Path
) -> None:
    """The first `/` Enter found the parser not loaded and paid its imports (a third of
    its time at 1M mentions): it is loaded on a thread once the first page is shown."""
    started = loaded_at_start(stored, tmp_path, SETTLED)
    assert started["rows"] == 30
    assert "scrm_tui.core.query_parse" in started["modules"]  # type: ignore[operator]
