"""Conversions: `scrm conversions import FILE`, and their attribution to the replies whose
UTM tags named them (utm_content=m<mention id>), hence to agents and networks."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scrm_tui.core.conversions import ConversionsError, parse_conversions
from scrm_tui.core.utm import mention_of
from scrm_tui.store import conversions as store
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database

NO_CONTENT = "no utm_content"
NOT_OURS = "utm_content names no mention (m<id>)"
NO_REPLY = "no sent reply carried its tag"


@dataclass(frozen=True)
class Imported:
    rows: int  # in the file
    stored: int  # new (a row imported before is skipped)


async def import_file(db: Database, path: Path, now_ms: int) -> Imported:
    """Read, check and store a conversions CSV; ConversionsError (each bad line named)
    stores nothing; OSError if it cannot be read."""
    rows = parse_conversions(path.read_bytes(), str(path))
    stored = await store.store(db, rows, path.name, now_ms)
    return Imported(len(rows), stored)


@dataclass
class Attribution:
    """The range's conversions: value per agent and network, and what was not credited."""

    agents: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    agent_n: Counter[str] = field(default_factory=Counter)
    networks: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    network_n: Counter[str] = field(default_factory=Counter)
    mentions: list[int] = field(default_factory=list)  # the answered mentions credited
    # The same per agent and per network, so each row of their tables opens its own.
    agent_mentions: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    network_mentions: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    total: float = 0.0
    attributed: float = 0.0
    count: int = 0
    missed: Counter[str] = field(default_factory=Counter)  # reason -> conversions

    @property
    def attributed_n(self) -> int:
        return sum(self.agent_n.values())


async def attribute(conn: Connection, start_ms: int, end_ms: int) -> Attribution:
    """Each conversion dated in the range is credited to the first sent reply to the
    mention its utm_content names whose text carries that tag (so the sale followed a
    link in that reply), or counted as not attributable, with why."""
    found = Attribution()
    conversions = await store.in_range(conn, start_ms, end_ms)
    named = {c.id: mention_of(c.utm_content) if c.utm_content else None for c in conversions}
    replies: dict[int, store.SentReply] = {}
    for sent in await store.sent_replies(conn, [m for m in named.values() if m is not None]):
        tag = re.compile(rf"utm_content=m{sent.mention_id}(?!\d)")
        if sent.mention_id not in replies and tag.search(sent.text):
            replies[sent.mention_id] = sent
    for c in conversions:
        found.count += 1
        found.total += c.value
        mention = named[c.id]
        reply = replies.get(mention) if mention is not None else None
        if reply is None:
            why = NO_CONTENT if not c.utm_content else NOT_OURS if mention is None else NO_REPLY
            found.missed[why] += 1
            continue
        found.attributed += c.value
        found.agents[reply.agent] += c.value
        found.agent_n[reply.agent] += 1
        found.networks[reply.channel] += c.value
        found.network_n[reply.channel] += 1
        for credited in (
            found.mentions,
            found.agent_mentions[reply.agent],
            found.network_mentions[reply.channel],
        ):
            if reply.mention_id not in credited:
                credited.append(reply.mention_id)
    return found


__all__ = ["Attribution", "ConversionsError", "Imported", "attribute", "import_file"]
