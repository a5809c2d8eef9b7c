"""Slow servers against real `scrm` processes: Ctrl+C ends `scrm watch` mid-request, a
slow source shows in `scrm sources`, and a webhook in flight is never sent twice by a
second `scrm outbox send` (#10.10)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scrm_tui.service.inbox import Inbox
from tests.channels.test_deadlines import escalated, hook_config, serve_news
from tests.conftest import fixed_clock
from tests.e2e.test_watch_cli import read_until, scrm
from tests.fakes.faults import FaultServer

pytestmark = pytest.mark.xdist_group("subprocess")

PROMPT_S = 5.0  # "promptly": a stop never waits for the 30 s HTTP deadline


def start(*args: str, output: Path) -> subprocess.Popen[bytes]:
    with output.open("w") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "scrm_tui", *args], stdout=sink, stderr=subprocess.STDOUT
        )


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll for an effect another process causes (not a guess at how long it takes)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def watch_config(tmp_path: Path, faults: FaultServer) -> Path:
    faults.drip("/slow.xml", every_s=1.0, content_type="application/rss+xml")
    serve_news(faults)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[watch]
terms = "kestrel"

[sources.rss]
feeds = [
    {{ name = "slow", url = "{faults.url("/slow.xml")}" }},
    {{ name = "news", url = "{faults.url("/news.xml")}" }},
]
""",
        encoding="utf-8",
    )
    return path


def test_ctrl_c_ends_watch_mid_request_and_a_slow_source_shows_in_sources(
    tmp_path: Path, faults: FaultServer
) -> None:
    db = tmp_path / "scrm.db"
    common = ["--db", str(db), "--config", str(watch_config(tmp_path, faults))]
    output = tmp_path / "watch.out"
    watch = start("watch", *common, output=output)
    try:
        faults.wait("/slow.xml")
        # The slow feed, first in the config, holds up no other source...
        read_until(output, "rss:news: 2 new")
        # ...and shows in `scrm sources` as what the collector waits on.
        marked = "SELECT count(*) FROM source_state WHERE fetching_ms IS NOT NULL"
        wait_for("the slow fetch is written down", lambda: query(db, marked) == [(1,)])
        report = scrm("sources", *common).stdout
        [slow] = [line for line in report.splitlines() if line.startswith("rss:slow ")]
        assert "fetching for " in slow and slow.endswith(" s")

        stopped_at = time.monotonic()
        watch.send_signal(signal.SIGINT)
        assert watch.wait(timeout=PROMPT_S * 2) == 0
        assert time.monotonic() - stopped_at < PROMPT_S
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    assert "stopped; the lease is free for another collector" in output.read_text()
    # Clean: the lease handed over, nothing left marked as in flight, what came stored.
    assert query(db, "SELECT count(*) FROM leases") == [(0,)]
    assert query(db, "SELECT count(*) FROM source_state WHERE fetching_ms IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM mentions") == [(2,)]
    assert "fetching" not in scrm("sources", *common).stdout  # nobody waits on it now


async def test_a_second_outbox_send_never_resends_a_webhook_in_flight(
    tmp_path: Path, faults: FaultServer
) -> None:
    faults.drip("/hook", every_s=1.0)
    db = tmp_path / "scrm.db"
    config = tmp_path / "config.toml"
    config.write_text(hook_config(faults), encoding="utf-8")
    async with await Inbox.open(db, "kate", fixed_clock) as inbox:
        await escalated(inbox, faults)
    common = ["outbox", "send", "--db", str(db), "--config", str(config), "--agent", "kate"]

    first = start(*common, output=tmp_path / "first.out")
    try:
        faults.wait("/hook")  # the first sender's request is in, its answer dripping
        # 95 s later, as far as the claim knows: its 90 s lease has run out.
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE outbox SET claim_until_ms = 0")
        second = start(*common, output=tmp_path / "second.out")
        try:
            wait_for(
                "the second sender ends or sends",
                lambda: second.poll() is not None or len(faults.arrivals("/hook")) > 1,
            )
            assert len(faults.arrivals("/hook")) == 1  # delivered once, not again
            assert second.wait(timeout=30) == 0
        finally:
            if second.poll() is None:
                second.kill()
                second.wait()
        said = (tmp_path / "second.out").read_text()
        assert "0 sent, 0 failed, 1 waiting" in said
        assert query(db, "SELECT state, attempts FROM outbox") == [("sending", 1)]
        assert first.poll() is None  # still sending, as far as it knows
    finally:
        first.terminate()
        first.wait(timeout=30)
