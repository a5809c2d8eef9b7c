"""`scrm watch` on PostgreSQL, against a replayed feed: two collectors, one standing by;
the server restarts and each says so once and once when it is back; the collector is
killed with -9 and the other takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.e2e.test_watch_cli import config, read_until
from tests.e2e.test_watch_cli import replay as replay  # the fixture: a replayed feed
from tests.fakes.replay import Replay
from tests.support.postgres import Server

pytestmark = pytest.mark.xdist_group("subprocess")

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "database unreachable, retrying"
BACK = "database reachable again"
HOLDING = "collecting: this process holds the lease"


def start_watch(url: str, config: Path, agent: str, output: Path) -> subprocess.Popen[bytes]:
    """`scrm watch` on `url` running on, its lines in `output` (read with read_until)."""
    with output.open("w") as sink:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrm_tui",
                "watch",
                "--db",
                url,
                "--config",
                str(config),
                "--agent",
                agent,
            ],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )


def stored(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT external_id) FROM mentions").fetchone()
        assert row is not None
        return int(row[0]), int(row[1])


def test_watches_say_when_the_server_goes_and_comes_back_and_one_takes_over(
    tmp_path: Path, replay: Replay, postgres: Server
) -> None:
    url = postgres.fresh()
    path = config(tmp_path, replay)
    first, second = tmp_path / "first.out", tmp_path / "second.out"
    collector = start_watch(url, path, "ana", first)
    standing = None
    try:
        read_until(first, HOLDING)
        read_until(first, "rss:alerts: ")
        standing = start_watch(url, path, "ben", second)
        read_until(second, "standing by: ")

        postgres.stop("fast")
        try:
            read_until(first, UNREACHABLE)
            read_until(second, UNREACHABLE)
        finally:
            postgres.start()
        read_until(first, BACK)
        read_until(second, BACK)
        assert collector.poll() is None and standing.poll() is None  # both carried on

        # kill -9 of the collector: the one standing by takes the lease over.
        os.kill(collector.pid, signal.SIGKILL)
        collector.wait(timeout=30)
        read_until(second, HOLDING)
    finally:
        for process in (collector, standing):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    assert standing is not None and standing.returncode == 0  # a clean stop, no crash
    for output in (first, second):
        lines = output.read_text(encoding="utf-8").splitlines()
        # Once when it went, once when it came back: not a line per failed try.
        assert sum(UNREACHABLE in line for line in lines) == 1, lines
        assert sum(BACK in line for line in lines) == 1, lines
    count, distinct = stored(url)
    assert count == distinct > 0  # what was fetched is stored, once


def test_a_server_restart_under_a_poll_blames_no_source_and_prints_no_traceback(
    tmp_path: Path, replay: Replay, postgres: Server
) -> None:
    url = postgres.fresh()
    path = config(tmp_path, replay)
    path.write_text(
        path.read_text(encoding="utf-8").replace("[sources.rss]", '[sources.rss]\ninterval = "1s"')
    )
    feed = "/feeds/alerts.xml"
    replay.hold(feed)  # the feed's first answer waits in flight until released
    out, err = tmp_path / "watch.out", tmp_path / "watch.err"
    with out.open("w") as sink, err.open("w") as errors:
        watch = subprocess.Popen(
            [sys.executable, "-m", "scrm_tui", "watch", "--db", url, "--config", str(path)],
            cwd=ROOT,
            stdout=sink,
            stderr=errors,
        )
    try:
        read_until(out, HOLDING)
        deadline = time.monotonic() + 30
        while not replay.requests(feed):  # the feed's request is in flight, held
            assert time.monotonic() < deadline, out.read_text(encoding="utf-8")
            time.sleep(0.02)  # polling interval of the wait
        postgres.stop("fast")
        try:
            read_until(out, UNREACHABLE)
            replay.release()  # the page arrives while the server is away: not storable
            said = read_until(err, "rss:alerts: poll cut short")
        finally:
            postgres.start()
        read_until(out, BACK)
        # Polled again at its interval, with nothing lost: the feed's posts are stored.
        polled = read_until(out, "rss:alerts: ")
    finally:
        watch.terminate()
        watch.wait(timeout=30)
    assert watch.returncode == 0, err.read_text(encoding="utf-8")
    printed = err.read_text(encoding="utf-8")
    assert "Traceback" not in printed, printed
    assert "the database is out of reach" in said
    [line] = [line for line in polled.splitlines() if "rss:alerts: " in line]
    assert line.endswith(" new") and not line.endswith(" 0 new"), line
    # The database's outage is not the source's: it was never marked as failing.
    sources = subprocess.run(
        [sys.executable, "-m", "scrm_tui", "sources", "--db", url, "--config", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "rss:alerts" in sources and "backoff" not in sources and "degraded" not in sources
