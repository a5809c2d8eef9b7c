"""Round-robin: handing mentions out in turn, passing over whoever holds enough already."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


def _key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


@dataclass
class Dealt:
    """Who gets which mentions, and whose turn was the last one given."""

    to: dict[str, list[int]] = field(default_factory=dict)
    last: str | None = None

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.to.values())


def deal(
    ids: Iterable[int],
    agents: Sequence[str],
    loads: Mapping[str, int],
    last: str | None,
    cap: int | None,
) -> Dealt:
    """Give each of `ids` to the next of `agents` (in name order, starting after `last`,
    the agent who had the previous turn, even one no longer among them) who holds fewer
    than `cap` open mentions (`loads`, counting what this deal gives). Once everyone is
    at the cap, the rest of `ids` go to nobody."""
    order = sorted(set(agents), key=_key)
    dealt = Dealt()
    if not order:
        return dealt
    held = {agent: loads.get(agent, 0) for agent in order}
    turn = 0
    if last is not None:
        turn = next((i for i, agent in enumerate(order) if _key(agent) > _key(last)), 0)
    for mention_id in ids:
        for step in range(len(order)):
            agent = order[(turn + step) % len(order)]
            if cap is None or held[agent] < cap:
                break
        else:
            return dealt  # everyone is at the cap
        dealt.to.setdefault(agent, []).append(mention_id)
        held[agent] += 1
        dealt.last = agent
        turn = (order.index(agent) + 1) % len(order)
    return dealt
