"""Inbox rules at work: applied to each batch as it is stored, and dry-run over the history.

Who applies them: the process that stored the batch, right after its commit (Inbox.store)
— the collector holding the lease for what it polls, `scrm ingest` for its file, the demo
stream for its posts. Every other process only reads what arrived, so no batch is acted
on twice, and two processes storing at once each act on their own ids alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scrm_tui.core.models import Status
from scrm_tui.core.rotation import deal
from scrm_tui.core.rules import ROUND_ROBIN, Rule
from scrm_tui.service.presence import PRESENCE_TTL_MS, present_among
from scrm_tui.store.conn import Connection
from scrm_tui.store.mentions import set_status_in
from scrm_tui.store.rotation import last_turn, open_loads, present, set_turn
from scrm_tui.store.rule_actions import (
    Would,
    assign_free_in,
    free_ids,
    matching_ids,
    raise_priority_in,
    snooze_in,
    would,
)
from scrm_tui.store.tags import edit_mentions_in

if TYPE_CHECKING:
    from scrm_tui.core.config import Config
    from scrm_tui.service.inbox import Inbox

AUTO_ASSIGN = "auto-assign"  # the actor of `[team] auto_assign`
ROTATION = "round-robin"  # one turn order, shared by every rule and auto-assign


@dataclass
class Applied:
    """What one rule (or auto-assign) did to a batch: changes per action."""

    actor: str
    changed: dict[str, int] = field(default_factory=dict)


async def present_agents(conn: Connection, now_ms: int) -> list[str]:
    """Agents with scrm open now: a fresh heartbeat, from a process not known to be gone."""
    return present_among(await present(conn, now_ms - PRESENCE_TTL_MS))


async def _round_robin(
    conn: Connection, ids: Sequence[int], cap: int | None, actor: str, now_ms: int
) -> int:
    """Deal the open unassigned mentions of `ids` to the present agents in turn."""
    free = await free_ids(conn, ids, open_only=True)  # a closed mention is no one's work
    agents = await present_agents(conn, now_ms) if free else []
    if not agents:
        return 0
    dealt = deal(free, agents, await open_loads(conn, agents), await last_turn(conn, ROTATION), cap)
    changed = 0
    for agent, given in dealt.to.items():
        changed += await assign_free_in(conn, given, agent, actor, now_ms)
    if dealt.last is not None:
        await set_turn(conn, ROTATION, dealt.last, now_ms)
    return changed


async def _act(
    conn: Connection, rule: Rule, ids: list[int], cap: int | None, now_ms: int
) -> dict[str, int]:
    """Every action of `rule` but escalation (see apply) on `ids`, in the transaction."""
    actor = rule.actor
    changed: dict[str, int] = {}
    if rule.tags:
        changed["tag"] = len(await edit_mentions_in(conn, ids, rule.tags, (), actor, now_ms))
    if rule.assign == ROUND_ROBIN:
        changed["assign"] = await _round_robin(conn, ids, cap, actor, now_ms)
    elif rule.assign is not None:
        # A rule gives out what nobody has: never takes a mention from a person, nor
        # from an earlier rule.
        changed["assign"] = await assign_free_in(conn, ids, rule.assign, actor, now_ms)
    if rule.raise_by:
        changed["priority"] = await raise_priority_in(conn, ids, rule.raise_by, actor, now_ms)
    if rule.done:
        changed["done"] = len(await set_status_in(conn, ids, Status.DONE, actor, now_ms))
    if rule.snooze_s is not None:
        until = now_ms + int(rule.snooze_s * 1000)
        changed["snooze"] = await snooze_in(conn, ids, until, actor, now_ms, rule.snooze)
    return changed


async def apply(inbox: Inbox, config: Config, after: int, upto: int) -> list[Applied]:
    """Apply the rules, in order, then auto-assign, to the mentions stored after id
    `after` up to `upto` (one batch, just committed by this process).

    Each rule costs one query over the batch's ids (not one per mention); all of them
    write in one transaction, so the batch costs every open terminal one commit more.
    Escalations come after it: each is its own transaction with its webhook calls.
    """
    now = inbox.now_ms()
    statements = [
        await inbox.mentions.matching(rule.query, rule.actor, after, upto, now)
        for rule in config.rules
    ]
    applied: list[Applied] = []
    escalating: list[tuple[Rule, list[int]]] = []
    async with inbox.db.transaction() as conn:
        for rule, statement in zip(config.rules, statements, strict=True):
            ids = await matching_ids(conn, statement)
            if not ids:
                continue
            applied.append(Applied(rule.actor, await _act(conn, rule, ids, config.assign_cap, now)))
            if rule.escalate is not None:
                escalating.append((rule, ids))
        if config.auto_assign:
            batch = list(range(after + 1, upto + 1))
            dealt = await _round_robin(conn, batch, config.assign_cap, AUTO_ASSIGN, now)
            if dealt:
                applied.append(Applied(AUTO_ASSIGN, {"assign": dealt}))
    for rule, ids in escalating:
        assert rule.escalate is not None
        escalations = inbox.escalations_as(rule.actor)
        for mention_id in ids:
            await escalations.escalate(
                mention_id, rule.escalate.team, rule.escalate.priority, rule.escalate.note
            )
        found = next(a for a in applied if a.actor == rule.actor)
        found.changed["escalate"] = len(ids)
    return applied


async def dry_run(inbox: Inbox, rules: Sequence[Rule]) -> tuple[int, list[Would]]:
    """What each rule would change if every stored mention arrived now, each rule on its
    own (nothing is written, so none sees what another would do); and how many mentions
    there are."""
    upto = await inbox.mentions.max_id()
    now = inbox.now_ms()
    found = []
    for rule in rules:
        statement = await inbox.mentions.matching(rule.query, rule.actor, 0, upto, now)
        found.append(
            await would(
                inbox.db.reader,
                statement,
                tags=rule.tags,
                open_only=rule.assign == ROUND_ROBIN,
                team=rule.escalate.team if rule.escalate else None,
                now_ms=now,
            )
        )
    total = (await inbox.stats())[0]
    return total, found


_VERBS = (
    ("tag", "tag"),
    ("assign", "assign"),
    ("priority", "raise priority of"),
    ("escalate", "escalate"),
    ("done", "mark done"),
    ("snooze", "snooze"),
)


def would_say(rule: Rule, found: Would, total: int) -> str:
    """`billing: would tag 412, assign 37 (450 of 12,000 mentions match)`."""
    wanted = {
        "tag": bool(rule.tags),
        "assign": rule.assign is not None,
        "priority": bool(rule.raise_by),
        "escalate": rule.escalate is not None,
        "done": rule.done,
        "snooze": rule.snooze_s is not None,
    }
    parts = [f"{verb} {getattr(found, key):,}" for key, verb in _VERBS if wanted[key]]
    return f"{rule.name}: would {', '.join(parts)} ({found.matched:,} of {total:,} mentions match)"
