"""The dashboard's Sales section: leads, revenue touched, revenue at risk (the churn view).

Leads are one inbox filter (core/leads.py), counted with the same SQL the inbox runs, so
`Enter` opens exactly the mentions counted. Revenue figures are sums of customers'
lifetime values; each opens the list of its customers.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from scrm_tui.core.figures import Figure, Row, Section, Table, show_number
from scrm_tui.core.ranges import DAY_MS, Range
from scrm_tui.service import conversions
from scrm_tui.service.measures import Settings, label
from scrm_tui.store import sales as store
from scrm_tui.store.conn import Connection

# A falling trend: the mean compound of a customer's scored brand mentions in the range
# is at least TREND_DROP below its mean over the BASELINE_DAYS before the range, with at
# least TREND_MIN scored mentions in each (fewer say nothing about a trend).
TREND_DROP = 0.3
TREND_MIN = 2
BASELINE_DAYS = 90
RENEWAL_DAYS = 60  # an at-risk customer renewing within this ranks first: churn risk
AT_RISK_ROWS = 15

FALLING, ESCALATED, UNANSWERED = "falling mood", "open escalation", "unanswered past SLA"


@dataclass
class _AtRisk:
    customer: store.Customer
    why: list[str]
    renewal_days: int | None  # days until the renewal date, if it is known and to come


@dataclass
class _Risks:
    """The customers at risk: all of them in rank order, Σ their known lifetime values,
    how many have none, how many each reason holds, and the first AT_RISK_ROWS."""

    ids: tuple[int, ...]
    value: float
    unknown: int
    reasons: dict[str, int]
    first: list[_AtRisk]


async def section(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    where = period.filter()
    before = period.previous()
    leads = await _leads(conn, period, settings, now_ms)
    old_leads = await _leads(conn, before, settings, now_ms)
    touched = await _touched(conn, period)
    old_touched = await _touched(conn, before)
    at_risk = await _at_risk(conn, period, settings, now_ms)
    figures: tuple[Figure, ...] = (
        Figure(
            "sales.leads",
            "Leads",
            sum(leads.values()),
            sum(old_leads.values()),
            formula="mentions tagged `lead`, or with an intent phrase ([sales] intent), or "
            "a question (a `?`) naming a question word ([sales] questions) or a "
            "competitor's term ([watch.competitors])",
            inputs=tuple((label(ch), f"{n:,}") for ch, n in _ranked(leads)),
            filter=f"{where} {settings.leads}",
        ),
        Figure(
            "sales.revenue_touched",
            "Revenue touched",
            touched[0],
            old_touched[0],
            unit="$",
            formula="Σ lifetime value of the distinct customers sent an answer (a reply, a "
            "post, one made by hand) to one of their mentions in the range",
            inputs=(("customers answered", f"{len(touched[1]):,}"),),
            customers=touched[1],
            note=_unknown_note(touched[2]),
        ),
        Figure(
            "sales.revenue_at_risk",
            "Revenue at risk",
            at_risk.value,
            unit="$",
            formula=f"Σ lifetime value of the customers, each once, with a {FALLING} (mean "
            f"compound of their scored mentions in the range ≥ {TREND_DROP:g} below the "
            f"{BASELINE_DAYS} days before, ≥ {TREND_MIN} scored mentions in each), an "
            f"{ESCALATED} now, or a negative mention of the range still open and "
            f"{UNANSWERED} ({show_number(settings.response_sla_s, 's')}"
            f"{', business hours' if settings.hours else ''})",
            inputs=(
                *((why, f"{n:,} customers") for why, n in at_risk.reasons.items()),
                ("at risk", f"{len(at_risk.ids):,} customers"),
            ),
            customers=at_risk.ids,
            note=_unknown_note(at_risk.unknown),
        ),
    )
    credit = await conversions.attribute(conn, period.start_ms, period.end_ms)
    figures = (*figures, _attributed(credit))
    tables = (
        Table(
            "sales.leads_networks",
            "Leads by network",
            ("network", "leads"),
            tuple(
                Row((label(ch), f"{n:,}"), f"{where} {settings.leads} ch:{ch}")
                for ch, n in _ranked(leads)
            ),
        ),
        _at_risk_table(at_risk),
        *_credit_tables(credit),
    )
    return Section("sales", "Sales", figures, (), tables)


def _attributed(credit: conversions.Attribution) -> Figure:
    missed = credit.count - credit.attributed_n
    return Figure(
        "sales.attributed",
        "Attributed revenue",
        credit.attributed if credit.count else None,
        unit="$",
        formula="Σ value of the range's conversions (`scrm conversions import`) whose "
        "utm_content names a mention (m<id>) answered by a sent reply carrying that tag; "
        "credited to the reply's agent and network",
        inputs=(
            ("conversions", f"{credit.count:,} (${credit.total:,.0f})"),
            ("attributed", f"{credit.attributed_n:,}"),
            *((f"not attributable: {why}", f"{n:,}") for why, n in credit.missed.items()),
        ),
        filter=_answered(credit.mentions),
        note=f"{missed:,} of {credit.count:,} conversions not attributable"
        if missed
        else ""
        if credit.count
        else "no conversions in the range (scrm conversions import FILE)",
    )


def _credit_tables(credit: conversions.Attribution) -> tuple[Table, ...]:
    if not credit.attributed_n:
        return ()
    return tuple(
        Table(
            f"sales.attributed_{key}",
            f"Attributed revenue by {what}",
            (what, "conversions", "value"),
            tuple(
                Row(
                    (name(k), f"{counts[k]:,}", show_number(v, "$")),
                    filter=_answered(mentions[k]),
                )
                for k, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        )
        for key, what, values, counts, mentions, name in (
            ("agents", "agent", credit.agents, credit.agent_n, credit.agent_mentions, str),
            (
                "networks",
                "network",
                credit.networks,
                credit.network_n,
                credit.network_mentions,
                label,
            ),
        )
    )


def _answered(mention_ids: list[int]) -> str | None:
    """The inbox filter for the answered mentions whose replies the sales followed (done
    or snoozed as they may be now)."""
    return f"id:{','.join(map(str, mention_ids))} is:any" if mention_ids else None


async def _leads(
    conn: Connection, period: Range, settings: Settings, now_ms: int
) -> dict[str, int]:
    source = f"{period.filter()} {settings.leads}"
    return await store.count_by_channel(conn, source, now_ms, period.start_ms, period.end_ms)


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _unknown_note(unknown: int) -> str:
    if not unknown:
        return ""
    return (
        f"{unknown:,} customer{'' if unknown == 1 else 's'} with no lifetime value: not in the sum"
    )


async def _touched(conn: Connection, period: Range) -> tuple[float, tuple[int, ...], int]:
    """(Σ LTV, the customers most valuable first, how many had no LTV) answered in the
    range."""
    found = await store.answered_customers(conn, period.start_ms, period.end_ms)
    values = [value for _, value in found if value is not None]
    # fsum: the sum rounded once, whatever order SQLite returns them in.
    return math.fsum(values), tuple(customer for customer, _ in found), len(found) - len(values)


async def _at_risk(conn: Connection, period: Range, settings: Settings, now_ms: int) -> _Risks:
    """The customers at risk, churn first (renewing within RENEWAL_DAYS, soonest first),
    then by lifetime value (then name); and how many customers each reason holds."""
    why: dict[int, list[str]] = {}
    for customer_id in await store.falling(
        conn,
        period.start_ms - BASELINE_DAYS * DAY_MS,
        period.start_ms,
        period.end_ms,
        TREND_MIN,
        TREND_DROP,
    ):
        why.setdefault(customer_id, []).append(FALLING)
    for customer_id in await store.escalated_customers(conn):
        why.setdefault(customer_id, []).append(ESCALATED)
    for customer_id, arrived in await store.unanswered_negative(
        conn, period.start_ms, period.end_ms
    ):
        waited = (
            settings.hours.elapsed_s(arrived, now_ms, settings.zone)
            if settings.hours is not None
            else (now_ms - arrived) / 1000
        )
        reasons = why.setdefault(customer_id, [])
        if waited > settings.response_sla_s and UNANSWERED not in reasons:
            reasons.append(UNANSWERED)
    why = {k: v for k, v in why.items() if v}
    today = datetime.fromtimestamp(now_ms / 1000, UTC).date()
    # Ranked by value (then name) by SQLite; those renewing soon are taken to the front
    # in the order of their days, stably. At 1M a 90-day range holds 30k customers at
    # risk: plain rows, not an object each.
    ranked = await store.ranked_customers(conn, list(why))
    soon: list[tuple[int, int]] = []  # (days, position in ranked)
    for at, (_, _, _, renewal) in enumerate(ranked):
        days = _days_until(renewal, today)
        if days is not None and days <= RENEWAL_DAYS:
            soon.append((days, at))
    soon.sort(key=lambda pair: pair[0])
    first = {at for _, at in soon}
    order = [at for _, at in soon] + [at for at in range(len(ranked)) if at not in first]
    values = [lifetime_value for _, _, lifetime_value, _ in ranked if lifetime_value is not None]
    value, unknown = math.fsum(values), len(ranked) - len(values)
    held = Counter(reason for customer_id, *_ in ranked for reason in why[customer_id])
    shown = []
    for at in order[:AT_RISK_ROWS]:
        customer = store.Customer(*ranked[at])
        shown.append(_AtRisk(customer, why[customer.id], _days_until(customer.renewal, today)))
    return _Risks(
        tuple(ranked[at][0] for at in order),
        value,
        unknown,
        {reason: held[reason] for reason in (FALLING, ESCALATED, UNANSWERED)},
        shown,
    )


def _days_until(renewal: str | None, today: date) -> int | None:
    """Days from today to a renewal date still to come; None if unknown, unreadable or
    past."""
    if not renewal:
        return None
    try:
        days = (date.fromisoformat(renewal[:10]) - today).days
    except ValueError:
        return None
    return days if days >= 0 else None


def _at_risk_table(risks: _Risks) -> Table:
    rows = tuple(
        Row(
            (
                r.customer.name,
                show_number(r.customer.lifetime_value, "$"),
                "—" if r.renewal_days is None else f"{r.renewal_days}d",
                ", ".join(r.why),
            ),
            customer=r.customer.id,
        )
        for r in risks.first
    )
    more = len(risks.ids) - len(rows)
    note = f"renewing within {RENEWAL_DAYS} days first (churn risk), then by lifetime value"
    if more > 0:
        note += f"; {more:,} more: Enter on Revenue at risk lists them all"
    return Table(
        "sales.at_risk",
        "Customers at risk",
        ("customer", "LTV", "renews in", "why"),
        rows,
        note=note,
    )
