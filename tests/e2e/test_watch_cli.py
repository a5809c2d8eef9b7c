"""`scrm watch` and `scrm sources` as a person runs them, against replayed networks."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrm_tui.core.config import ConfigError, parse_config
from tests.fakes.replay import Replay
from tests.support.cli import scrm

pytestmark = pytest.mark.xdist_group("subprocess")


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as running:
        answer = json.loads(running.payload("hn_algolia_search_by_date_comment.json"))
        # One page that is all there is: each poll reads a window again (OVERLAP_S), and
        # a replay claiming 100,793 hits would page through it as if they were new.
        answer.update(nbPages=1, nbHits=len(answer["hits"]))
        running.route("/hn/search_by_date", body=answer)
        running.route("/feeds/alerts.xml", file="atom_google_alerts.xml")
        yield running


def config(tmp_path: Path, replay: Replay) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[watch]
terms = 'apple OR slack -"apple pie"'
backfill = "5000d"

[sources.hackernews]
api_url = "{replay.url("/hn")}"

[sources.rss]
feeds = [{{ name = "alerts", url = "{replay.url("/feeds/alerts.xml")}" }}]
""",
        encoding="utf-8",
    )
    return path


def test_one_round_stores_each_source_and_reports_it(tmp_path: Path, replay: Replay) -> None:
    db = tmp_path / "scrm.db"
    common = ["--db", str(db), "--config", str(config(tmp_path, replay))]

    first = scrm("watch", "--once", *common)

    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert any(line.startswith("hackernews:apple: ") and line.endswith(" new") for line in lines)
    assert any(line.startswith("rss:alerts: ") and line != "rss:alerts: 0 new" for line in lines)
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        matched = {r[0] for r in conn.execute("SELECT DISTINCT matched FROM mentions")}
    assert stored > 20 and "apple" in matched
    # Again: the cursors hold, nothing is stored twice.
    again = scrm("watch", "--once", *common)
    assert again.returncode == 0
    assert all(line.endswith(": 0 new") for line in again.stdout.splitlines()), again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == stored

    report = scrm("sources", *common)
    assert "collector: none running" in report.stdout
    assert "hackernews:apple" in report.stdout and "ok" in report.stdout


def test_a_broken_source_is_reported_and_the_others_still_run(
    tmp_path: Path, replay: Replay
) -> None:
    db = tmp_path / "scrm.db"
    replay.fail("/hn/search_by_date", status=401, body='{"message": "Invalid API key"}', times=None)
    common = ["--db", str(db), "--config", str(config(tmp_path, replay))]

    result = scrm("watch", "--once", *common)

    assert result.returncode == 0
    # Hacker News takes no token: its refusal backs off, it is no auth failure.
    assert any(
        line.startswith("hackernews:apple: backoff until ")
        and line.endswith("Hacker News refused the request (401): Invalid API key")
        for line in result.stdout.splitlines()
    ), result.stdout
    assert any(
        line.startswith("rss:alerts: ") and "new" in line for line in result.stdout.splitlines()
    )
    report = scrm("sources", *common).stdout
    assert "backoff" in report and "401" in report and "auth" not in report


def test_sources_names_what_the_config_asks_for_but_cannot_run(
    tmp_path: Path, replay: Replay
) -> None:
    path = config(tmp_path, replay)
    path.write_text(path.read_text() + "\n[sources.reddit]\n", encoding="utf-8")
    report = scrm("sources", "--db", str(tmp_path / "scrm.db"), "--config", str(path))
    assert report.returncode == 0
    [line] = [line for line in report.stdout.splitlines() if "[sources.reddit]" in line]
    assert line.split(None, 1)[1] == "cannot run: no client id: set [reddit] client_id"


def test_a_second_collector_waits_for_the_lease(tmp_path: Path, replay: Replay) -> None:
    db = tmp_path / "scrm.db"
    common = ["--db", str(db), "--config", str(config(tmp_path, replay))]
    assert scrm("sources", *common).returncode == 0  # creates the database
    # This (live) test process holds the lease, as a running `scrm watch` would.
    holder = f"{socket.gethostname()}:{os.getpid()}"
    now = int(time.time() * 1000)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO leases VALUES ('collector', ?, ?, ?, ?)", (holder, now, now, now + 60_000)
        )

    result = scrm("watch", "--once", *common)

    assert result.returncode == 1
    assert f"another collector is polling ({holder})" in result.stderr
    assert f"collector: {holder}" in scrm("sources", *common).stdout


def read_until(output: Path, text: str, timeout: float = 30) -> str:
    """What a process has printed to `output` once it contains `text`."""
    deadline = time.monotonic() + timeout
    while text not in (printed := output.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline, f"never printed {text!r}:\n{printed}"
        time.sleep(0.02)  # polling interval of the wait, not a synchronisation guess
    return printed


def start_watch(common: list[str], output: Path) -> subprocess.Popen[bytes]:
    """`scrm watch` running on, its output in `output` (read with read_until)."""
    with output.open("w") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "scrm_tui", "watch", *common],
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )


def test_watch_stands_by_while_another_collects_then_takes_over(
    tmp_path: Path, replay: Replay
) -> None:
    db = tmp_path / "scrm.db"
    common = ["--db", str(db), "--config", str(config(tmp_path, replay))]
    assert scrm("sources", *common).returncode == 0  # creates the database
    holder = f"{socket.gethostname()}:{os.getpid()}"  # this live process, as an inbox
    now = int(time.time() * 1000)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO leases VALUES ('collector', ?, ?, ?, ?)", (holder, now, now, now + 60_000)
        )
    output = tmp_path / "watch.out"
    watch = start_watch(common, output)
    try:
        read_until(output, f"standing by: {holder} collects")
        assert replay.requests() == []  # it did not poll
        with sqlite3.connect(db) as conn:  # the inbox quits and gives the lease up
            conn.execute("DELETE FROM leases")
        after = read_until(output, "rss:alerts: ")
        assert "collecting: this process holds the lease" in after
        assert replay.requests("/feeds/alerts.xml")
    finally:
        watch.terminate()
        watch.wait(timeout=30)
    assert watch.returncode == 0
    with sqlite3.connect(db) as conn:  # a clean stop hands the lease over at once
        assert conn.execute("SELECT count(*) FROM leases").fetchone()[0] == 0


def test_watch_settings_are_checked_with_their_line() -> None:
    with pytest.raises(ConfigError, match=r"line 2: 'watch.terms': column 9: a quote"):
        parse_config("[watch]\nterms = 'kestrel \"open'\n", "config.toml")
    [warning] = parse_config('[sources.myspace]\ninterval = "1m"\n', "config.toml").warnings
    assert warning.startswith("config.toml, line 1: unknown source [sources.myspace], ignored")
    with pytest.raises(ConfigError, match=r"'sources.reddit.kinds' has 'hot'"):
        parse_config('[sources.reddit]\nkinds = ["hot"]\n', "config.toml")
    parsed = parse_config('[sources.mastodon]\nkinds = ["tag"]\ntags = ["#kestrel"]\n', "c")
    assert parsed.sources["mastodon"].tags == ("kestrel",)
    assert parsed.sources["mastodon"].interval_s == 60


def test_watch_says_when_it_raises_a_spike(tmp_path: Path, replay: Replay) -> None:
    """The collector tests the running hour as it polls: a burst stored before it
    started (by an ingest, a webhook) is printed, once, in its output."""
    db = tmp_path / "scrm.db"
    common = ["--db", str(db), "--config", str(config(tmp_path, replay))]
    now = time.time()
    lines = [  # five days of 5 mentions an hour, then 40 in the running hour
        {"id": f"old-{i}", "at": now - 3600 - i * 720, "text": f"an ordinary day {i}"}
        for i in range(5 * 24 * 5)
    ] + [  # all in the running hour, so it is one spike however late in the hour
        {"id": f"burst-{i}", "at": now - (now % 3600) * i / 40, "text": f"login is down {i}"}
        for i in range(40)
    ]
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        "".join(
            json.dumps(
                {
                    "channel": "mastodon",
                    "id": line["id"],
                    "text": line["text"],
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(line["at"])),
                    "author": {"handle": f"{line['id']}@example.social"},
                }
            )
            + "\n"
            for line in lines
        ),
        encoding="utf-8",
    )
    assert scrm("ingest", str(posts), "--db", str(db)).returncode == 0
    output = tmp_path / "watch.out"
    watch = start_watch(common, output)
    try:
        said = read_until(output, "spike: ")
    finally:
        watch.terminate()
        watch.wait(timeout=30)
    (line,) = [x for x in said.splitlines() if "spike: " in x]
    assert "mentions in the" in line and "! in the inbox explains it" in line
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM spikes").fetchone()[0] == 1
