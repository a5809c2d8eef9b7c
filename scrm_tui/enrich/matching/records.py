"""What the matcher takes and gives: customers, candidates, thresholds, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from scrm_tui.enrich.match_model import Comparison


@dataclass(frozen=True)
class CustomerKey:
    """What the matcher knows about one customer."""

    id: int
    name: str
    email: str | None = None
    company: str | None = None
    handles: tuple[tuple[str, str], ...] = ()  # (channel, handle), e.g. ("github", "klindqvist")


@dataclass(frozen=True)
class Candidate:
    """A customer the author may be, how sure, and which fields agreed.

    `score` (0..100) ranks the candidates the index finds; `probability` (0..1) is the
    calibrated chance that the author IS this customer (match_model.py), and `evidence`
    names what a name cannot fake, when there is some: "handle" (their confirmed handle
    on another network), "email" (their e-mail's local part as the handle) or "domain"
    (a profile on their company's domain, with a name that fits only them there).
    """

    customer_id: int
    score: float  # 0..100
    fields: tuple[str, ...]  # what matched: "name", "email", "company", "handle:<channel>"
    probability: float = 0.0
    evidence: str = ""
    comparison: Comparison | None = field(default=None, compare=False, repr=False)
    # The scorer's findings until `_Scorer.compared` works the rest out (shown ones only).
    pending: tuple[Any, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Thresholds:
    """When to link automatically, and when to suggest."""

    auto: float = 99.5  # a probability (percent) from which a name links by itself ...
    margin: float = 5.0  # ... when its score is this far ahead of the next customer's
    suggest: float = 60.0  # below this score, no suggestion at all
    evidence: bool = True  # identifying evidence (Candidate.evidence) links by itself


# An automatic link takes evidence a name cannot fake, or a calibrated probability of
# 99.5% with a lead over the next customer, on a name no other customer has: a namesake
# is common, and when two customers share a name nothing in it tells them apart.
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class MatchResult:
    """The decision about one author, with up to three candidates."""

    decision: Literal["auto", "suggest", "none"]
    candidates: tuple[Candidate, ...]  # best first, at most 3; empty for "none"
