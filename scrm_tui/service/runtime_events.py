"""What the runtime (service/runtime.py) tells its host: plain records, one per kind of
news, that the TUI turns into Textual messages and `scrm watch` into lines. (Named
tuples: a tenth of what dataclasses cost to define, paid at start-up.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from scrm_tui.core.models import OutboxItem, SourceState
    from scrm_tui.service.spikes import Raised


class OutboxPassed(NamedTuple):
    """A pass over the outbox ended; `items` as they ended up (sent, retried, failed)."""

    items: tuple[OutboxItem, ...]


class ClaimsLapsed(NamedTuple):
    """These claims were released: their form had no key pressed for `idle_s`."""

    mention_ids: tuple[int, ...]
    idle_s: float


class Polled(NamedTuple):
    """This process's collector recorded a poll of `source` (`state`: as it is now)."""

    source: str
    state: SourceState | None
    stored: int


class Backfilling(NamedTuple):
    """A source fetches its past, and is at `where`."""

    source: str
    where: str


class LeaseChanged(NamedTuple):
    """This process started (`holding`) or stopped collecting; `other`: who does."""

    holding: bool
    other: str | None


class SpikeRaised(NamedTuple):
    """This process raised a spike for every terminal to show."""

    spike: Raised


class SourceProblem(NamedTuple):
    """A configured source cannot run, and why (words from the config: not yet inert)."""

    source: str
    why: str


class Working(NamedTuple):
    """Work in the background (`job`: "rematch", "rescore") is at `words`; None: over."""

    job: str
    words: str | None


class Notice(NamedTuple):
    """Something the user should read (`warning`: something went wrong)."""

    text: str
    warning: bool = False


# What every terminal says while the database server is out of reach (the TUI's top
# line, a line of `scrm watch`), the same words everywhere.
UNREACHABLE = "database unreachable, retrying"


class DatabaseReach(NamedTuple):
    """The database server went out of reach (`trouble`: why, in the driver's words) or
    came back (None). Only a server goes away: on SQLite this is never told."""

    trouble: str | None


class Rescored(NamedTuple):
    """The priorities an upgrade or new weights owed are scored, on `mentions` mentions."""

    mentions: int


Event = (
    OutboxPassed
    | ClaimsLapsed
    | Polled
    | Backfilling
    | LeaseChanged
    | SpikeRaised
    | SourceProblem
    | Working
    | Notice
    | Rescored
    | DatabaseReach
)
