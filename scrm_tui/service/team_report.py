"""The dashboard's Team section: response times against the SLA, response rate, escalations."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass

from scrm_tui.core.figures import Figure, Row, Section, Table, show_number
from scrm_tui.core.ranges import HOUR_MS, Range
from scrm_tui.service.measures import BRAND, BRAND_FILTER, Settings, by, label, percentile
from scrm_tui.store import rollups, waits
from scrm_tui.store.conn import Connection


@dataclass
class _Answers:
    """Response times of a group of answered mentions: how many, p50, p90 (seconds),
    and how many came within the SLA."""

    n: int = 0
    p50: float | None = None
    p90: float | None = None
    within: int = 0

    @classmethod
    def of(cls, waits: list[float], sla: float) -> _Answers:
        """From every wait of the group (sorted here, in place)."""
        waits.sort()
        return cls(
            len(waits),
            percentile(waits, 50),
            percentile(waits, 90),
            bisect.bisect_right(waits, sla),
        )

    def figures(self) -> tuple[str, str, str, str]:
        share = self.within / self.n * 100 if self.n else None
        return (
            f"{self.n:,}",
            show_number(self.p50, "s"),
            show_number(self.p90, "s"),
            "—" if share is None else f"{share:.0f}%",
        )


@dataclass
class _Responses:
    """A range's answered mentions: everyone's waits, per agent and per network."""

    everyone: _Answers
    agents: dict[str, _Answers]
    channels: dict[str, _Answers]
    total: int  # mentions in the range, answered or not
    read: str = ""  # how the waits were read, for `?`

    @property
    def rate(self) -> float | None:
        return self.everyone.n / self.total * 100 if self.total else None

    @property
    def within(self) -> float | None:
        return self.everyone.within / self.everyone.n * 100 if self.everyone.n else None


# A walk along a group's waits in order passes over those of other ranges too: when the
# range holds fewer than 1 in WALK_SHARE of everyone's answers (24 hours or 7 days of a
# long history), its own waits are read and sorted instead (fewer rows either way).
WALK_SHARE = 8


async def _responses(conn: Connection, period: Range, settings: Settings) -> _Responses:
    n, total = await waits.everyone(conn, BRAND, period.start_ms, period.end_ms)
    on_hours = period.start_ms % HOUR_MS == 0 and period.end_ms % HOUR_MS == 0  # as counted
    if settings.hours is None and on_hours and n * WALK_SHARE >= total:
        counts = await waits.counts(conn, BRAND, period.start_ms, period.end_ms)
        found = await _walked_responses(conn, period, settings.response_sla_s, counts)
        found.read = "in order, as the database keeps them"
    else:
        found = await _read_responses(conn, period, settings)
        found.read = (
            "each of the range's, timed on the team's clock (slower at a million)"
            if settings.hours is not None
            else "each of the range's, read and sorted"
        )
    found.total = sum(c.n for c in await rollups.hours(conn, BRAND, period.start_ms, period.end_ms))
    return found


async def _walked_responses(
    conn: Connection, period: Range, sla: float, counts: dict[str, int]
) -> _Responses:
    """Waits around the clock, from each group's waits in order (schema step 38): the
    exact p50 and p90 are two walks, the answers within the SLA one count, and no wait
    reaches Python (262k at 90 days, 1M: 0.35 s a period when they did)."""
    found = _Responses(_Answers(), {}, {}, 0)
    start, end = period.start_ms, period.end_ms
    # The longest wait in ms still within the SLA in seconds, as `wait / 1000 <= sla`.
    limit_ms = math.floor(sla * 1000)
    while (limit_ms + 1) / 1000 <= sla:
        limit_ms += 1
    while limit_ms / 1000 > sla:
        limit_ms -= 1
    for group, n in counts.items():
        ranks = [max(0, math.ceil(p / 100 * n) - 1) for p in (50, 90)]
        p50, p90 = [await waits.nth(conn, BRAND, group, start, end, k, n) for k in ranks]
        within = await waits.at_most(conn, BRAND, group, start, end, limit_ms, n, p50)
        answers = _Answers(n, p50 / 1000, p90 / 1000, within)
        if group == waits.EVERYONE:
            found.everyone = answers
        elif group.startswith(waits.AGENT):
            found.agents[group.removeprefix(waits.AGENT)] = answers
        elif group.startswith(waits.NETWORK):
            found.channels[group.removeprefix(waits.NETWORK)] = answers
    return found


async def _read_responses(conn: Connection, period: Range, settings: Settings) -> _Responses:
    """Each of the range's answers timed, then sorted: a short range, or business hours
    (no order kept ahead fits a clock that stops at night)."""
    hours, zone, sla = settings.hours, settings.zone, settings.response_sla_s
    rows = await rollups.answered(conn, BRAND, period.start_ms, period.end_ms)
    if hours is None:
        everyone = [max(0.0, (answered - arrived) / 1000) for _, arrived, answered, _ in rows]
    else:
        everyone = [hours.elapsed_s(arrived, answered, zone) for _, arrived, answered, _ in rows]
    # Grouped once, the waits of each group appended in one pass.
    agents: dict[str, list[float]] = defaultdict(list)
    channels: dict[str, list[float]] = defaultdict(list)
    for (channel, _, _, agent), wait in zip(rows, everyone, strict=True):
        agents[agent].append(wait)
        channels[channel].append(wait)
    return _Responses(
        _Answers.of(everyone, sla),
        {agent: _Answers.of(group, sla) for agent, group in agents.items()},
        {channel: _Answers.of(group, sla) for channel, group in channels.items()},
        0,
    )


async def _team(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    """Response times from each mention's arrival to its first answer, the share
    answered within the SLA, the response rate, and the escalations open and late."""
    now = await _responses(conn, period, settings)
    old = await _responses(conn, period.previous(), settings)
    hours = settings.hours
    where = period.filter(BRAND_FILTER)
    clock = f"business hours ({hours})" if hours is not None else "hours around the clock"
    sla = show_number(settings.response_sla_s, "s")
    answered = now.everyone.n
    counted = (("answered mentions", f"{answered:,}"), ("waits read", now.read))
    open_now, late_now = await _escalations(conn, settings, now_ms)
    waits = (
        (50, "median wait from a mention's arrival to its first answer"),
        (90, "9 in 10 first answers came within this"),
    )
    figures = (
        *(
            Figure(
                f"team.first_response_p{p}",
                f"First response p{p}",
                getattr(now.everyone, f"p{p}"),
                getattr(old.everyone, f"p{p}"),
                unit="s",
                formula=f"{what}, in {clock}",
                inputs=counted,
                filter=f"{where} is:answered",
            )
            for p, what in waits
        ),
        Figure(
            "team.within_sla",
            "Within SLA",
            now.within,
            old.within,
            unit="%",
            formula=f"answered within the response SLA ({sla}, in {clock}) / answered × 100",
            inputs=(("within", f"{now.everyone.within:,}"), ("answered", f"{answered:,}")),
            filter=f"{where} is:answered",
        ),
        Figure(
            "team.response_rate",
            "Response rate",
            now.rate,
            old.rate,
            unit="%",
            formula="mentions answered / mentions in the range × 100 "
            "(Enter opens the ones not answered)",
            inputs=(("answered", f"{answered:,}"), ("mentions", f"{now.total:,}")),
            filter=f"{where} -is:answered",
        ),
        Figure(
            "team.escalations_open",
            "Escalations open",
            open_now,
            formula="escalations not resolved, now (whatever the range)",
            screen="escalations",
        ),
        Figure(
            "team.escalations_late",
            "Escalations late",
            late_now,
            formula="open escalations past their priority's SLA ([escalation] sla), now",
            screen="escalations",
        ),
    )
    columns = ("answered", "p50", "p90", "within SLA")
    by_agent = Table(
        "team.agents",
        "By agent (who sent the first answer)",
        ("agent", *columns),
        tuple(
            Row((name, *group.figures()), by("responder", name, where))
            for name, group in sorted(now.agents.items(), key=lambda kv: -kv[1].n)
        ),
    )
    by_network = Table(
        "team.networks",
        "By network",
        ("network", *columns),
        tuple(
            Row((label(ch), *group.figures()), f"{where} is:answered ch:{ch}")
            for ch, group in sorted(now.channels.items(), key=lambda kv: -kv[1].n)
        ),
    )
    return Section("team", "The team", figures, (), (by_agent, by_network))


async def _escalations(conn: Connection, settings: Settings, now_ms: int) -> tuple[int, int]:
    """Open escalations now, and how many of them are past their priority's SLA."""
    rows = await rollups.open_escalations(conn)
    late = sum(
        1
        for priority, created in rows
        if now_ms - created > settings.escalation_sla_s.get(priority, math.inf) * 1000
    )
    return len(rows), late
