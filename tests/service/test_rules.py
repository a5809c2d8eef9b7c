"""Rules act on new mentions as they are stored, in order, each change in the history
under the rule's name; round-robin deals new mentions among the agents present."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from scrm_tui.core.config import Config, parse_config
from scrm_tui.core.models import Channel, Status
from scrm_tui.service import rules
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support import plain

NOW_MS = int(fixed_clock() * 1000)

RULES = """
[team]
agents = ["dana", "kate"]

[teams.billing]

[[rules]]
name = "billing"
filter = "refund"
tag = ["billing"]
assign = "dana"
priority = "+30"

[[rules]]
name = "vip"
filter = '-"nothing to see"'
assign = "kate"
priority = "+80"
escalate = { team = "billing", priority = "P2", note = "refund asked" }

[[rules]]
name = "noise"
filter = "ch:rss"
done = true

[[rules]]
name = "later"
filter = "outage"
snooze = "2h"
"""

# Rules act through the store's recorded actions: on each engine.
pytestmark = pytest.mark.both_engines


def query(target: str | Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return plain.rows(target, sql, params)


def history(target: str | Path) -> list[tuple[Any, ...]]:
    """(mention's external id, actor, kind, summary) of every recorded change."""
    return query(
        target,
        """SELECT m.external_id, i.actor, i.kind, i.summary FROM interactions i
           JOIN mentions m ON m.id = i.mention_id WHERE i.kind != 'mention' ORDER BY i.id""",
    )


async def test_rules_act_in_order_on_new_mentions_and_the_history_names_each_rule(
    inbox: Inbox, target: str | Path
) -> None:
    before = await inbox.ingest([mention(1, "please refund me")])  # before the rules
    inbox.configure(parse_config(RULES, "scrm.toml"))
    await inbox.ingest(
        [
            mention(1, "please refund me"),  # already stored: left as it was
            mention(2, "I want a refund now"),
            mention(3, "angry about the outage"),
            mention(4, "a refund giveaway", channel=Channel.RSS),
            mention(5, "nothing to see"),
        ]
    )
    tags: dict[str, list[str]] = {}
    for external_id, tag in query(
        target,
        "SELECT m.external_id, t.tag FROM mention_tags t JOIN mentions m ON m.id = t.mention_id "
        "ORDER BY t.tag",
    ):
        tags.setdefault(external_id, []).append(tag)
    rows = {
        row[0]: (*row[1:], ",".join(tags[row[0]]) if row[0] in tags else None)
        for row in query(
            target, "SELECT external_id, assignee, priority, status, snoozed_until_ms FROM mentions"
        )
    }
    # Each mention is scored as it is stored (P at posting), before the rules raise it.
    assert rows == {
        "mastodon-1": (None, 5, "open", None, None),
        # billing assigned it first; vip's assignment never takes it over
        "mastodon-2": ("dana", 100, "open", None, "billing"),
        "mastodon-3": ("kate", 98, "open", NOW_MS + 7_200_000, None),
        "rss-4": ("dana", 100, "done", None, "billing"),
        "mastodon-5": (None, 5, "open", None, None),
    }
    assert history(target) == [
        ("mastodon-2", "rule:billing", "tag", "tagged +billing"),
        ("rss-4", "rule:billing", "tag", "tagged +billing"),
        ("mastodon-2", "rule:billing", "assign", "assigned to dana"),
        ("rss-4", "rule:billing", "assign", "assigned to dana"),
        ("mastodon-2", "rule:billing", "priority", "priority raised +30 to 35 (was 5)"),
        ("rss-4", "rule:billing", "priority", "priority raised +30 to 35 (was 5)"),
        ("mastodon-3", "rule:vip", "assign", "assigned to kate"),
        ("mastodon-2", "rule:vip", "priority", "priority raised +80 to 100 (was 35)"),
        ("mastodon-3", "rule:vip", "priority", "priority raised +80 to 98 (was 18)"),
        ("rss-4", "rule:vip", "priority", "priority raised +80 to 100 (was 35)"),
        ("rss-4", "rule:noise", "status", "marked done"),
        ("mastodon-3", "rule:later", "snoozed", "snoozed for 2h"),
        ("mastodon-2", "rule:vip", "escalation", "escalated to billing (P2): refund asked"),
        ("mastodon-3", "rule:vip", "escalation", "escalated to billing (P2): refund asked"),
        ("rss-4", "rule:vip", "escalation", "escalated to billing (P2): refund asked"),
    ]
    escalations = query(target, "SELECT mention_id, team, priority, created_by FROM escalations")
    assert len(escalations) == 3 and {e[1:] for e in escalations} == {("billing", "P2", "rule:vip")}
    assert before.stored == [1]


def present(target: str | Path, agent: str, holder: str, beat_ms: int = NOW_MS) -> None:
    """An open scrm of `agent` (as i11-claims writes presence), last beating at `beat_ms`."""
    with plain.connect(target) as conn:
        conn.execute(
            "INSERT INTO presence (holder, agent, started_ms, heartbeat_ms) VALUES (?, ?, ?, ?)",
            (holder, agent, beat_ms, beat_ms),
        )


def assignees(target: str | Path) -> dict[str, str | None]:
    return dict(query(target, "SELECT external_id, assignee FROM mentions ORDER BY id"))


async def test_auto_assign_deals_new_mentions_in_turn_among_agents_present_up_to_the_cap(
    target: str | Path,
) -> None:
    host = socket.gethostname()
    async with await Inbox.open(target, "collector", fixed_clock) as inbox:
        await inbox.ingest([mention(n, f"older {n}") for n in (90, 91)])
        await inbox.assign([1, 2], "kate")  # kate holds 2 open mentions: at the cap
        present(target, "max", f"{host}:{os.getpid()}:{int(time.time() * 1000)}")
        present(target, "kate", "elsewhere:1:1")
        present(target, "dana", "elsewhere:2:1")
        present(target, "lee", "elsewhere:3:1", beat_ms=NOW_MS - 60_000)  # stopped beating
        # A terminal killed a moment ago: its heartbeat is fresh, its process gone.
        dead = subprocess.Popen(["sleep", "60"])
        present(target, "sam", f"{host}:{dead.pid}:{int(time.time() * 1000)}")
        dead.kill()
        dead.wait()

        inbox.configure(Config(auto_assign=True, assign_cap=2))
        await inbox.ingest([mention(n) for n in range(1, 6)])
        assert assignees(target) == {
            "mastodon-90": "kate",
            "mastodon-91": "kate",
            "mastodon-1": "dana",
            "mastodon-2": "max",
            "mastodon-3": "dana",
            "mastodon-4": "max",
            "mastodon-5": None,  # everyone present is at the cap
        }
        actors = query(
            target,
            "SELECT DISTINCT actor FROM interactions WHERE kind = 'assign' AND mention_id > 2",
        )
        assert actors == [("auto-assign",)]

    # Another process goes on where the turn stopped (after max), passing over dana.
    async with await Inbox.open(target, "another", fixed_clock) as other:
        await other.set_status([1, 2], Status.DONE)
        other.configure(Config(auto_assign=True, assign_cap=2))
        await other.ingest([mention(6), mention(7)])
    assert [assignees(target)[f"mastodon-{n}"] for n in (6, 7)] == ["kate", "kate"]


async def test_a_round_robin_rule_shares_only_what_it_matches_and_records_itself(
    target: str | Path,
) -> None:
    async with await Inbox.open(target, "collector", fixed_clock) as inbox:
        present(target, "dana", "elsewhere:1:1")
        present(target, "kate", "elsewhere:2:1")
        inbox.configure(
            parse_config(
                '[[rules]]\nname = "bugs"\nfilter = "crash"\nassign = "round-robin"\n',
                "scrm.toml",
            )
        )
        await inbox.ingest(
            [mention(1, "it crashed"), mention(2, "a crash"), mention(3, "crash!"), mention(4)]
        )
    assert assignees(target) == {
        "mastodon-1": "dana",  # a word matches as `/crash` does: "crashed" too
        "mastodon-2": "kate",
        "mastodon-3": "dana",
        "mastodon-4": None,
    }
    actors = query(target, "SELECT DISTINCT actor FROM interactions WHERE kind = 'assign'")
    assert actors == [("rule:bugs",)]


async def test_a_rule_costs_the_same_statements_for_a_big_batch_as_for_a_small_one(
    tmp_path: Path,
) -> None:
    config = parse_config(RULES, "scrm.toml")
    counted = []
    for size in (3, 300):
        async with await Inbox.open(tmp_path / f"{size}.db", "collector", fixed_clock) as inbox:
            stored = (
                await inbox.ingest(
                    [mention(n, "refund" if n % 2 else "hello") for n in range(size)]
                )
            ).stored
            statements: list[str] = []
            await inbox.db.writer.set_trace_callback(statements.append)
            await rules.apply(inbox, replace_escalations(config), stored[0] - 1, stored[-1])
            await inbox.db.writer.set_trace_callback(None)
            counted.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counted[0] == counted[1]


def replace_escalations(config: Config) -> Config:
    """The rules without escalation: each escalation is its own write, by design."""
    from dataclasses import replace

    return replace(config, rules=tuple(replace(rule, escalate=None) for rule in config.rules))
