"""What the runtime (service/runtime.py) tells its host: plain records, one per kind of
news, that the TUI turns into Textual messages and `scrm watch` into lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrm_tui.core.models import OutboxItem, SourceState
    from scrm_tui.service.spikes import Raised


@dataclass(frozen=True)
class OutboxPassed:
    """A pass over the outbox ended; `items` as they ended up (sent, retried, failed)."""

    items: tuple[OutboxItem, ...]


@dataclass(frozen=True)
class ClaimsLapsed:
    """These claims were released: their form had no key pressed for `idle_s`."""

    mention_ids: tuple[int, ...]
    idle_s: float


@dataclass(frozen=True)
class Polled:
    """This process's collector recorded a poll of `source` (`state`: as it is now)."""

    source: str
    state: SourceState | None
    stored: int


@dataclass(frozen=True)
class Backfilling:
    """A source fetches its past, and is at `where`."""

    source: str
    where: str


@dataclass(frozen=True)
class LeaseChanged:
    """This process started (`holding`) or stopped collecting; `other`: who does."""

    holding: bool
    other: str | None


@dataclass(frozen=True)
class SpikeRaised:
    """This process raised a spike for every terminal to show."""

    spike: Raised


@dataclass(frozen=True)
class SourceProblem:
    """A configured source cannot run, and why (words from the config: not yet inert)."""

    source: str
    why: str


@dataclass(frozen=True)
class Working:
    """Work in the background (`job`: "rematch", "rescore") is at `words`; None: over."""

    job: str
    words: str | None


@dataclass(frozen=True)
class Notice:
    """Something the user should read (`warning`: something went wrong)."""

    text: str
    warning: bool = False


@dataclass(frozen=True)
class Rescored:
    """The priorities an upgrade or new weights owed are scored: `count` mentions."""

    count: int


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
)
