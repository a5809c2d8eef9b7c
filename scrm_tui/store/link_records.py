"""An author and a customer as the link pane reads them, a match's outcome, and why."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.core.domains import links_from_json, proven
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_one


@dataclass(frozen=True)
class AuthorInfo:
    id: int
    channel: str
    handle: str
    display_name: str | None
    customer_id: int | None
    match_state: str | None
    match_score: float | None
    url: str | None = None  # the profile URL the network gives: a company domain is evidence
    links: str | None = None  # the profile's links as stored (core/domains.links_json)

    @property
    def proven(self) -> tuple[str, ...]:
        """The links the network proved are the author's: evidence of a company domain."""
        return proven(links_from_json(self.links))


@dataclass(frozen=True)
class CustomerCard:
    """What the link pane and customer search show about one customer."""

    id: int
    name: str
    email: str | None
    company: str | None
    tier: str | None
    handles: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Suggestion:
    customer: CustomerCard
    score: float
    fields: tuple[str, ...]
    probability: float | None = None  # that the author is this customer; None: not known


@dataclass(frozen=True)
class MatchOutcome:
    """What the matcher decided for one author: `auto` links, `suggest` proposes."""

    author_id: int
    decision: str  # "auto", "suggest" or "none"
    candidates: tuple[tuple[int, float, tuple[str, ...]], ...]  # (customer, score, fields)
    probabilities: tuple[float, ...] = ()  # of each candidate, when the matcher gave them
    evidence: str = ""  # what identifies the first candidate beyond a name (Candidate.evidence)


@dataclass(frozen=True)
class PendingRematch:
    """A re-match of unlinked authors owed since an import: how far it has come."""

    generation: int  # bumped by each import, so a re-match knows it must start over
    since_ms: int  # when the first import not yet re-matched committed
    after_id: int  # authors up to this id are done for this generation


_AUTHOR = """SELECT id, channel, handle, display_name, customer_id, match_state, match_score,
                    url, links
             FROM authors"""


_EVIDENCE = {
    "handle": "their confirmed handle on another network",
    "email": "their e-mail's local part as the handle",
    "domain": "a profile on their company's domain",
}


def _why(outcome: MatchOutcome) -> str:
    """Why an automatic link was made, in words for the history."""
    if outcome.evidence:
        return _EVIDENCE.get(outcome.evidence, outcome.evidence)
    if outcome.probabilities:
        return f"{outcome.probabilities[0]:.1%} sure"
    return f"score {outcome.candidates[0][1]:.0f}"


def probability_of(outcome: MatchOutcome, rank: int) -> float | None:
    """The probability of the outcome's candidate at `rank`, if the matcher gave one."""
    return outcome.probabilities[rank] if rank < len(outcome.probabilities) else None


async def _state(conn: Connection, author_id: int) -> AuthorInfo | None:
    row = await fetch_one(conn, f"{_AUTHOR} WHERE id = ?", (author_id,))
    return AuthorInfo(*row) if row else None


async def _required(conn: Connection, author_id: int) -> AuthorInfo:
    found = await _state(conn, author_id)
    if found is None:
        raise KeyError(f"no author #{author_id}")
    return found
