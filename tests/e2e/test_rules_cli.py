"""`scrm rules` and rules at work in real `scrm ingest` processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from scrm_tui.core.models import Status
from scrm_tui.service.inbox import Inbox
from tests.e2e.test_cli import scrm
from tests.support.killing import count, scrm_command, wait_for

CONFIG = """\
[team]
agents = ["dana", "kate"]

[teams.billing]
webhooks = [{ kind = "json", url = "https://hooks.example.com/billing" }]

[[rules]]
name = "billing"
filter = "refund"
tag = ["billing"]
assign = "dana"

[[rules]]
name = "outage"
filter = "outage"
done = true
snooze = "1h"

[[rules]]
name = "everything"
filter = ""
priority = "+10"

[[rules]]
name = "rr"
filter = "ch:mastodon"
assign = "round-robin"
escalate = { team = "billing" }
"""


def post(n: int, text: str, channel: str = "mastodon") -> str:
    return json.dumps(
        {
            "channel": channel,
            "id": f"{channel}-{n}",
            "url": f"https://example.social/{n}",
            "text": text,
            "created_at": f"2026-11-20T10:{n:02d}:00Z",
            "author": {"handle": f"user{n}@example.social", "name": f"User {n}"},
        }
    )


def setup(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "scrm.toml"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o600)
    return config, tmp_path / "scrm.db"


def stored(db: Path) -> int:
    return count(db, "SELECT count(*) FROM mentions") if db.exists() else 0


def dump(db: Path) -> list[object]:
    with sqlite3.connect(db) as conn:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("mentions", "interactions", "mention_tags", "escalations", "outbox")
        ]


async def test_rules_test_says_what_each_rule_would_do_to_a_known_history(
    tmp_path: Path,
) -> None:
    config, db = setup(tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                post(1, "refund please"),
                post(2, "refund now", "bluesky"),
                post(3, "my refund", "hackernews"),
                post(4, "outage again"),
                post(5, "hello"),
            ]
        ),
        encoding="utf-8",
    )
    stored = scrm("--db", str(db), "ingest", "-q", str(source))  # no rules yet
    assert stored.returncode == 0, stored.stderr
    async with await Inbox.open(db, "kate") as inbox:
        await inbox.assign([3], "kate")
        await inbox.set_status([4], Status.DONE)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO mention_tags VALUES (2, 'billing', 0, 'kate')")
    before = dump(db)

    result = scrm("--config", str(config), "--db", str(db), "rules", "test")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "billing: would tag 2, assign 2 (3 of 5 mentions match)\n"
        "outage: would mark done 0, snooze 1 (1 of 5 mentions match)\n"
        "everything: would raise priority of 5 (5 of 5 mentions match)\n"
        "rr: would assign 2, escalate 3 (3 of 5 mentions match)\n"
    )
    one = scrm("--config", str(config), "--db", str(db), "rules", "test", "--rule", "outage")
    assert one.stdout == "outage: would mark done 0, snooze 1 (1 of 5 mentions match)\n"
    assert dump(db) == before  # a dry run changes nothing

    unknown = scrm("--config", str(config), "--db", str(db), "rules", "test", "--rule", "bill")
    assert unknown.returncode == 1
    assert unknown.stderr == "scrm: no rule named 'bill' (rules: billing, outage, everything, rr)\n"


def test_rules_list_shows_each_rule_in_order(tmp_path: Path) -> None:
    config, db = setup(tmp_path)
    config.write_text(CONFIG.replace("[team]\n", "[team]\nauto_assign = true\ncap = 9\n"))
    result = scrm("--config", str(config), "--db", str(db), "rules")
    assert result.stdout == (
        "1. billing: refund\n"
        "   tag billing, assign dana\n"
        "2. outage: outage\n"
        "   mark done, snooze 1h\n"
        "3. everything: (every mention)\n"
        "   raise priority +10\n"
        "4. rr: ch:mastodon\n"
        "   assign round-robin, escalate to billing (P3)\n"
        "then: whatever is still unassigned, round-robin among agents present, "
        "at most 9 open each\n"
    )
    none = scrm("--db", str(db), "rules", "list")
    assert (none.returncode, none.stdout) == (0, "")
    assert none.stderr.startswith("no rules yet: add [[rules]] to")


def test_two_ingesting_processes_each_apply_the_rules_to_what_they_stored(
    tmp_path: Path,
) -> None:
    """Both read the same posts: whichever stores a post acts on it, the other finds it
    stored and leaves it alone, so every change is made once."""
    config, db = setup(tmp_path)
    command = scrm_command("--config", str(config), "--db", str(db), "ingest", "-")
    first, second = (
        subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        for _ in range(2)
    )
    chunks = [[post(n, f"refund {n}") for n in range(start, start + 5)] for start in (0, 5, 10)]
    try:
        for index, chunk in enumerate(chunks):
            leader, follower = (first, second) if index % 2 == 0 else (second, first)
            for proc in (leader, follower):
                assert proc.stdin is not None
                proc.stdin.write("\n".join(chunk) + "\n")
                proc.stdin.flush()
                if proc is leader:  # the leader stores these before the other sees them
                    total = 5 * (index + 1)
                    wait_for("the chunk stored", lambda t=total: stored(db) == t)
        outputs = []
        for proc in (first, second):
            outputs.append(proc.communicate(timeout=60)[1])  # the end of its input
            assert proc.returncode == 0
    finally:
        for proc in (first, second):
            proc.kill()
    assert "10 stored, 5 already known" in outputs[0]
    assert "5 stored, 10 already known" in outputs[1]
    with sqlite3.connect(db) as conn:
        changes = conn.execute(
            "SELECT actor, kind, count(*), count(DISTINCT mention_id) FROM interactions "
            "WHERE actor LIKE 'rule:%' GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    assert count(db, "SELECT count(*) FROM outbox WHERE kind = 'webhook'") == 15  # the team told
    assert changes == [
        ("rule:billing", "assign", 15, 15),
        ("rule:billing", "tag", 15, 15),
        ("rule:everything", "priority", 15, 15),
        ("rule:rr", "escalation", 15, 15),
    ]


async def test_auto_assign_in_an_ingest_process_deals_to_the_agents_with_scrm_open(
    tmp_path: Path,
) -> None:
    """The presence an open inbox keeps is what another process's round-robin reads:
    while dana's scrm is open she is dealt new mentions; once she has quit, nobody is."""
    db, config = tmp_path / "scrm.db", tmp_path / "config.toml"
    config.write_text("[team]\nauto_assign = true\n", encoding="utf-8")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(post(1, "hello") + "\n" + post(2, "again") + "\n", encoding="utf-8")
    second.write_text(post(3, "later") + "\n", encoding="utf-8")

    async with await Inbox.open(db, "dana") as dana:
        await dana.presence.start()  # as her open inbox does on its first tick
        stored = scrm("--config", str(config), "--db", str(db), "ingest", "-q", str(first))
        assert stored.returncode == 0, stored.stderr
    # dana quit (a clean exit ends her presence at once)
    stored = scrm("--config", str(config), "--db", str(db), "ingest", "-q", str(second))
    assert stored.returncode == 0, stored.stderr

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT external_id, assignee FROM mentions ORDER BY id").fetchall()
        actors = conn.execute(
            "SELECT DISTINCT actor FROM interactions WHERE kind = 'assign'"
        ).fetchall()
    assert rows == [("mastodon-1", "dana"), ("mastodon-2", "dana"), ("mastodon-3", None)]
    assert actors == [("auto-assign",)]
