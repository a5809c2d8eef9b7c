"""`scrm ingest` and `scrm export` run as a user runs them: real processes, real files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scrm_tui import __version__
from tests.support import hostile

GOOD = {
    "channel": "mastodon",
    "id": "1",
    "url": "https://fosstodon.org/@kate/1",
    "text": "Kestrel sync is broken again!!! 😡",
    "created_at": "2026-11-20T10:00:00Z",
    "author": {"handle": "kate@fosstodon.org", "name": "Kate", "followers": 12},
    "in_reply_to": None,
}


def scrm(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "scrm_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


def test_version_and_help() -> None:
    assert scrm("--version").stdout.strip() == f"scrm {__version__}"
    help_text = scrm("--help").stdout
    for word in ("demo", "ingest", "export", "--db", "--config"):
        assert word in help_text


def test_bad_lines_are_named_good_lines_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                line(id="1"),
                '{"channel": "mastodon", "id": "2", "text": "truncated',
                "",
                line(id="3", channel="myspace"),
                line(id="4", created_at="last tuesday"),
                "[1, 2, 3]",
                line(id="6"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = scrm("--db", str(db), "ingest", str(source))
    assert result.returncode == 1
    errors = result.stderr
    assert "line 2: not valid JSON" in errors
    assert "line 4: unknown channel 'myspace'" in errors
    assert "line 5: 'created_at' 'last tuesday' is not an ISO 8601" in errors
    assert "line 6: expected a JSON object, got list" in errors
    assert "2 stored, 0 already known, 4 bad lines" in errors
    again = scrm("--db", str(db), "ingest", str(source))
    assert "0 stored, 2 already known, 4 bad lines" in again.stderr


def test_clean_file_exits_zero_and_twice_stores_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(line(id=str(n)) for n in range(20)) + "\n")
    first = scrm("ingest", str(source), "--db", str(db))  # global option after the command
    assert first.returncode == 0, first.stderr
    assert "20 stored" in first.stderr
    second = scrm("--db", str(db), "ingest", str(source))
    assert second.returncode == 0
    assert "0 stored, 20 already known" in second.stderr


def test_stdin_and_hostile_input_is_stored_not_dropped(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    lines = [line(id=f"h{n}", text=text) for n, text in enumerate(hostile.ALL.values())]
    lines += hostile.LONE_SURROGATE_LINES
    result = scrm("--db", str(db), "ingest", "-", stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    assert f"{len(lines)} stored" in result.stderr


def test_invalid_utf8_bytes_are_kept_as_replacement_characters(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    source = tmp_path / "latin1.jsonl"
    raw = json.dumps({**GOOD, "text": "caf\u00e9"}, ensure_ascii=False).encode("utf-8")
    source.write_bytes(raw.replace(b"\xc3\xa9", b"\xe9"))  # a Latin-1 byte, not UTF-8
    result = scrm("--db", str(db), "ingest", str(source))
    assert result.returncode == 0
    exported = scrm("--db", str(db), "export", "mentions")
    assert json.loads(exported.stdout)["text"] == "caf\ufffd"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = scrm("--db", str(tmp_path / "x.db"), "ingest", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "No such file" in result.stderr


def test_export_jsonl_round_trips_with_sentiment_and_status(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    texts = ["I love Kestrel, it is wonderful!", "Sync is broken and I hate it", "Release today"]
    scrm(
        "--db",
        str(db),
        "ingest",
        "-",
        stdin="\n".join(line(id=str(n), text=t) for n, t in enumerate(texts)),
    )
    out = tmp_path / "out.jsonl"
    result = scrm("--db", str(db), "export", "mentions", "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == texts
    assert [r["sentiment"]["label"] for r in records] == ["positive", "negative", "neutral"]
    assert all(r["status"] == "open" for r in records)
    assert records[0]["author"] == GOOD["author"] | {"url": None, "links": None}
    # The export is valid input: a fresh database takes it and stores all three.
    again = scrm("--db", str(tmp_path / "y.db"), "ingest", str(out))
    assert "3 stored" in again.stderr


def test_export_csv_keeps_text_and_guards_formulas_for_a_spreadsheet(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    scrm(
        "--db",
        str(db),
        "ingest",
        "-",
        stdin="\n".join(
            [
                line(id="1", text='=HYPERLINK("http://evil")'),
                line(id="2", text='multi\nline, with "quotes"'),
            ]
        ),
    )
    result = scrm("--db", str(db), "export", "mentions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["text"] == '=HYPERLINK("http://evil")'  # exact: the data as it came
    assert rows[1]["text"] == 'multi\nline, with "quotes"'
    # Not words of any language: unscored, an empty cell rather than a made-up 0.
    assert (rows[0]["sentiment_label"], rows[0]["sentiment_compound"]) == ("unscored", "")
    args = ("export", "mentions", "--format", "csv", "--for-spreadsheet")
    guarded = list(csv.DictReader(io.StringIO(scrm("--db", str(db), *args).stdout)))
    assert guarded[0]["text"] == '\'=HYPERLINK("http://evil")'
    assert guarded[1]["text"] == 'multi\nline, with "quotes"'


def test_jsonl_export_escapes_terminal_controls_but_keeps_the_data(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    text = "c1\x9b31m bidi\u202e esc\x1b[2J"
    scrm("--db", str(db), "ingest", "-", stdin=line(text=text))
    out = scrm("--db", str(db), "export", "mentions").stdout
    assert hostile.is_terminal_safe(out)
    assert json.loads(out)["text"] == text


def test_export_of_a_missing_database_says_so(tmp_path: Path) -> None:
    result = scrm("--db", str(tmp_path / "none.db"), "export", "mentions")
    assert result.returncode == 1
    assert "no database at" in result.stderr


def test_bad_config_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('agent = "kate"\n\n[inbox]\nadvance_on_done = "yes"\n')
    result = scrm("--config", str(config), "export", "mentions")
    assert result.returncode == 1
    assert f"{config}, line 4: 'inbox.advance_on_done' has the wrong type" in result.stderr


@pytest.mark.parametrize("args", [["--config", "/nonexistent/scrm.toml", "export", "mentions"]])
def test_missing_explicit_config_is_an_error(args: list[str]) -> None:
    result = scrm(*args)
    assert result.returncode == 1 and "no such file" in result.stderr


def test_default_database_lives_in_the_xdg_data_dir(isolated_home: Path) -> None:
    result = scrm("ingest", "-", stdin=line())
    assert result.returncode == 0, result.stderr
    assert (isolated_home / "data" / "scrm" / "scrm.db").exists()


def test_a_quiet_pipe_is_stored_without_waiting_for_its_end(tmp_path: Path) -> None:
    """`collector | scrm ingest -`: lines are stored while the pipe is still open."""
    db = tmp_path / "x.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "ingest", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None
        for n in range(3):
            process.stdin.write(line(id=f"p{n}") + "\n")
        process.stdin.flush()
        deadline = time.monotonic() + 20
        stored = 0
        while stored < 3:  # the pipe stays open: the three must be stored anyway
            assert time.monotonic() < deadline, "lines from an open pipe were not stored"
            if db.exists():
                with (
                    contextlib.closing(sqlite3.connect(db)) as conn,
                    contextlib.suppress(sqlite3.OperationalError),
                ):
                    stored = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            time.sleep(0.05)  # polling the database, not guessing a delay
        assert process.poll() is None  # still running, still reading
        process.stdin.write(line(id="p3") + "\n")
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 4


def test_output_cut_short_by_a_pager_is_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "piped.db"
    lines = "\n".join(line(id=str(n), text=f"mention number {n} " + "x" * 200) for n in range(600))
    assert scrm("--db", str(db), "ingest", "-", stdin=lines).returncode == 0
    # More than a pipe holds, read by `head -1`, which then closes its end.
    export = subprocess.Popen(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "export", "mentions"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()
    errors = export.stderr.read().decode()
    assert export.wait(timeout=60) == 0
    assert json.loads(first)["channel"] == "mastodon"
    assert "Traceback" not in errors and "BrokenPipe" not in errors
