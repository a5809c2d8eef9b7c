"""Working as a team: what a claim is, when it is alive, and a reply held at send time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem

# A claim is live while its holder's heartbeat is this fresh (`heartbeat_ms >= now -
# CLAIM_TTL_MS`); the `is:claimed` filter and the row's ✎ both use this rule.
CLAIM_TTL_MS = 30_000
CLAIM_KINDS = ("reply", "post", "escalate")
# What another agent is doing, for "dana is answering this".
DOING = {"reply": "answering", "post": "answering", "escalate": "escalating"}


@dataclass(frozen=True)
class Claim:
    """Another agent at work on a mention (answering or escalating it)."""

    mention_id: int
    agent: str
    kind: str
    since_ms: int


@dataclass(frozen=True)
class AnswerMark:
    """What the outbox held for a draft's mentions when it was opened: replies queued
    later (an id above `after_id`), or one then unsent that has gone out since, are
    news to the person writing it."""

    after_id: int = 0
    unsent: tuple[int, ...] = ()

    def seen(self, items: Sequence[OutboxItem]) -> AnswerMark:
        """The mark once `items` have been shown: only newer news holds a send again."""
        if not items:
            return self
        shown = {item.id for item in items}
        return AnswerMark(
            after_id=max(self.after_id, *shown),
            unsent=tuple(i for i in self.unsent if i not in shown),
        )


class AnswerHeld(Exception):
    """Someone answered these mentions after the draft was opened: nothing was queued."""

    def __init__(self, items: Sequence[OutboxItem]):
        super().__init__(f"{len(items)} other answer(s) since the draft was opened")
        self.items = tuple(items)


def elapsed(now_ms: int, since_ms: int) -> str:
    """How long a claim has run, ticking by the second at first: '0s', '12s', '4m', '2h'."""
    seconds = max(now_ms - since_ms, 0) // 1000
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{min(seconds // 3600, 99)}h"


def who(agent: str) -> str:
    """An agent's name as shown: another person typed it, so it is made inert."""
    return sanitize.one_line(agent)[:24] or "someone"


def doing(claims: Sequence[Claim], now_ms: int, *, of: int = 1) -> list[str]:
    """One line per other agent: `dana is answering this (since 12s)`; with `of` > 1
    mentions (a selection), how many of them each agent is on."""
    by_agent: dict[str, list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: c.since_ms):
        by_agent.setdefault(claim.agent, []).append(claim)
    lines = []
    for agent, theirs in by_agent.items():
        first = theirs[0]
        what = "this" if of == 1 else f"{len(theirs)} of these {of}"
        lines.append(
            f"{who(agent)} is {DOING.get(first.kind, 'working on')} {what} "
            f"(since {elapsed(now_ms, first.since_ms)})"
        )
    return lines
