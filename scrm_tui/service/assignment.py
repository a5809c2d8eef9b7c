"""Assigning mentions to agents: who can be picked, fuzzy picking, batched writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rapidfuzz import fuzz, process, utils

from scrm_tui.store.assignment import BATCH, AssignmentStore
from scrm_tui.store.db import Database

Progress = Callable[[int, int], None]  # (mentions done, of how many)
PICK_CUTOFF = 50  # a weaker fuzzy score than this is no match for a name typed


def agents_to_offer(me: str, configured: Iterable[str], seen: Iterable[str]) -> list[str]:
    """You first, then the team (config) and whoever has been assigned, A to Z, once."""
    others = {name: None for name in (*configured, *seen) if name and name != me}
    return [me, *sorted(others, key=str.casefold)]


def rank_agents(text: str, agents: Sequence[str]) -> list[str]:
    """The agents `text` could mean, best first: names starting with it, then fuzzy
    matches (typos, initials, another part of the name). Empty text: all, in order."""
    typed = text.strip().casefold()
    if not typed:
        return list(agents)
    starts = [name for name in agents if name.casefold().startswith(typed)]
    fuzzy = process.extract(
        typed,
        [name for name in agents if name not in starts],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=PICK_CUTOFF,
        limit=None,
    )
    return starts + [name for name, _, _ in fuzzy]


async def assign(
    db: Database,
    ids: Sequence[int],
    assignee: str | None,
    agent: str,
    now_ms: int,
    on_batch: Progress | None = None,
) -> int:
    """Assign every mention of `ids` (any number), BATCH per transaction so other
    agents' writes go in between; returns how many changed."""
    store = AssignmentStore(db)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += len(await store.assign(ids[start : start + BATCH], assignee, agent, now_ms))
        if on_batch is not None:
            on_batch(min(start + BATCH, len(ids)), len(ids))
    return changed
