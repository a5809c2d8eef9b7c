"""`scrm accuracy`: how often scrm's labels agree with the agents' decisions, per week.

Sentiment: the scorer against the sentiment agents set by hand (`s`), per language.
Links: of the automatic links and the suggestions an agent decided on, how many they
confirmed (the precision a person measured, not one the matcher claims).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.store.db import Database, fetch_all

WEEK_MS = 7 * 86_400_000


def week_of(ms: int) -> str:
    """`2026-W49`: the ISO week (UTC) a decision was made in."""
    year, week, _ = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class SentimentWeek:
    """One week and language: corrections, and how many the scorer had right."""

    week: str
    lang: str  # ISO 639-1, or "unknown"
    corrected: int = 0
    agreed: int = 0
    unscored: int = 0  # corrections of mentions the scorer could not read

    @property
    def scored(self) -> int:
        return self.corrected - self.unscored

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.scored if self.scored else None


@dataclass
class LinkWeek:
    """One week and kind of link (automatic, suggested): the agents' decisions on them."""

    week: str
    kind: str  # "automatic" or "suggested"
    confirmed: int = 0
    rejected: int = 0
    best_confirmed: int = 0  # suggestions: of the best one shown (rank 0)
    best_rejected: int = 0

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.rejected
        return self.confirmed / decided if decided else None

    @property
    def best_precision(self) -> float | None:
        decided = self.best_confirmed + self.best_rejected
        return self.best_confirmed / decided if decided else None


@dataclass
class Accuracy:
    since_ms: int
    sentiment: list[SentimentWeek] = field(default_factory=list)
    links: list[LinkWeek] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "since": dt.datetime.fromtimestamp(self.since_ms / 1000, dt.UTC).isoformat(),
            "sentiment": [
                {
                    "week": s.week,
                    "language": s.lang,
                    "corrected": s.corrected,
                    "scored": s.scored,
                    "agreed": s.agreed,
                    "agreement": s.agreement,
                    "unscored": s.unscored,
                }
                for s in self.sentiment
            ],
            "links": [
                {
                    "week": w.week,
                    "kind": w.kind,
                    "confirmed": w.confirmed,
                    "rejected": w.rejected,
                    "precision": w.precision,
                    "best_confirmed": w.best_confirmed if w.kind == "suggested" else None,
                    "best_rejected": w.best_rejected if w.kind == "suggested" else None,
                    "best_precision": w.best_precision if w.kind == "suggested" else None,
                }
                for w in self.links
            ],
        }


async def accuracy(db: Database, now_ms: int, weeks: int) -> Accuracy:
    """The last `weeks` weeks of decisions (labels), newest week first."""
    since = now_ms - weeks * WEEK_MS
    report = Accuracy(since)
    moods: dict[tuple[str, str], SentimentWeek] = {}
    for lang, label, predicted, at in await fetch_all(
        db.reader,
        "SELECT lang, label, predicted, created_ms FROM labels "
        "WHERE kind = 'sentiment' AND created_ms >= ?",
        (since,),
    ):
        key = (week_of(at), lang or "unknown")
        row = moods.setdefault(key, SentimentWeek(*key))
        row.corrected += 1
        if predicted is None:
            row.unscored += 1
        elif predicted == label:
            row.agreed += 1
    links: dict[tuple[str, str], LinkWeek] = defaultdict(lambda: LinkWeek("", ""))
    for label, predicted, rank, at in await fetch_all(
        db.reader,
        "SELECT label, predicted, rank, created_ms FROM labels "
        "WHERE kind = 'link' AND predicted IN ('auto', 'suggested') AND created_ms >= ?",
        (since,),
    ):
        kind = "automatic" if predicted == "auto" else "suggested"
        key = (week_of(at), kind)
        if key not in links:
            links[key] = LinkWeek(*key)
        row2 = links[key]
        confirmed = label == "confirmed"
        row2.confirmed += confirmed
        row2.rejected += not confirmed
        if kind == "suggested" and rank == 0:
            row2.best_confirmed += confirmed
            row2.best_rejected += not confirmed
    report.sentiment = sorted(moods.values(), key=lambda s: (s.week, s.lang), reverse=True)
    report.links = sorted(links.values(), key=lambda w: (w.week, w.kind), reverse=True)
    return report


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def as_text(report: Accuracy) -> str:
    """The report as two tables for a terminal or an e-mail."""
    lines = ["Sentiment: the scorer against the agents' corrections (s in the inbox)"]
    if not report.sentiment:
        lines.append("  no corrections in this period")
    else:
        lines.append(
            f"  {'week':9} {'language':9} {'corrected':>9} {'scored':>6} {'agreed':>6} "
            f"{'agreement':>9} {'unscored':>8}"
        )
        for s in report.sentiment:
            lines.append(
                f"  {s.week:9} {s.lang:9} {s.corrected:>9,} {s.scored:>6,} {s.agreed:>6,} "
                f"{_share(s.agreement):>9} {s.unscored:>8,}"
            )
    lines += ["", "Links: precision from the agents' decisions (l and L)"]
    if not report.links:
        lines.append("  no link decisions in this period")
    else:
        lines.append(
            f"  {'week':9} {'links':10} {'confirmed':>9} {'rejected':>8} {'precision':>9} "
            f"{'best shown':>10}"
        )
        for w in report.links:
            best = _share(w.best_precision) if w.kind == "suggested" else ""
            lines.append(
                f"  {w.week:9} {w.kind:10} {w.confirmed:>9,} {w.rejected:>8,} "
                f"{_share(w.precision):>9} {best:>10}"
            )
    lines += [
        "",
        "agreement: of the corrected mentions the scorer could read, those it had labelled "
        "as the agent did; a mention an agent never corrected is not counted (it may be "
        "right, or unread).",
        "precision: of the links decided by an agent, the share confirmed; best shown: of "
        "decisions on the first suggestion.",
    ]
    return "\n".join(lines)
