"""The plain records that travel between layers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from scrm_tui.core import networks
from scrm_tui.core.domains import ProfileLink
from scrm_tui.core.priority import UNSCORED_RANK


class Channel(StrEnum):
    """The networks scrm started with, as constants. What makes a network known is its
    record in the network table (core/networks.py), which a new network joins alone."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    HACKERNEWS = "hackernews"
    REDDIT = "reddit"
    RSS = "rss"
    GITHUB = "github"
    X = "x"


# Networks' names as people write them (from the network table).
NETWORK_NAMES: Mapping[str, str] = networks.LABELS


class Order(StrEnum):
    """How the inbox list is sorted (`o` switches)."""

    NEWEST = "newest"  # newest first
    PRIORITY = "priority"  # highest priority now first (core/priority.py)


class Status(StrEnum):
    """Workflow state of a mention, shared by every agent."""

    OPEN = "open"
    DONE = "done"


# VADER's own convention (Hutto & Gilbert 2014): |compound| < 0.05 is neutral.
NEUTRAL_BAND = 0.05


class SentimentLabel(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @classmethod
    def from_compound(cls, compound: float) -> SentimentLabel:
        if compound >= NEUTRAL_BAND:
            return cls.POSITIVE
        if compound <= -NEUTRAL_BAND:
            return cls.NEGATIVE
        return cls.NEUTRAL


class Sentiment(NamedTuple):
    """VADER scores of one text: compound in [-1, 1] and the three proportions.

    A named tuple, not a dataclass: a big ingest makes a million of them.
    """

    compound: float
    pos: float
    neu: float
    neg: float

    @property
    def label(self) -> SentimentLabel:
        return SentimentLabel.from_compound(self.compound)


@dataclass(frozen=True)
class AuthorIn:
    handle: str
    name: str | None = None
    followers: int | None = None
    url: str | None = None
    # Addresses the profile gives (websites, fields): None when the network says nothing
    # of them, () when it says there are none.
    links: tuple[ProfileLink, ...] | None = None


@dataclass(frozen=True)
class MentionIn:
    """A mention as received from a network or an ingest file, before scoring."""

    channel: str  # a network of the table (core/networks.py)
    external_id: str
    text: str
    created_at: datetime
    author: AuthorIn
    url: str | None = None
    in_reply_to: str | None = None
    root: str | None = None  # the thread's first post, where the network says
    matched: str | None = None  # which watch term this mention matched
    points: int | None = None  # how the post did: HN points, Reddit score (when fetched)
    hashtags: tuple[str, ...] = ()  # those the network declares (besides the text's own)
    lang: str | None = None  # the language the network declares ("en", "pt-BR"), as given
    link: str | None = None  # where an HN story or a Reddit link post points (not `url`)
    # The watch set whose search found it ('' the brand's, else a competitor's key);
    # None: decided by its text (core/watch_sets.py).
    watch_set: str | None = None


class NewMention(NamedTuple):
    """A scored mention flattened for storage.

    Plain values only: a big ingest sends a million of these from worker processes
    to the writer, and a tuple of strings and numbers costs a fraction of what a
    MentionIn (an enum, a datetime, a nested record) costs to send.
    """

    channel: str
    external_id: str
    url: str | None
    text: str
    created_ms: int
    in_reply_to: str | None
    compound: float | None  # None: unscored (no scorer reads its language)
    pos: float | None
    neu: float | None
    neg: float | None
    handle: str
    handle_key: str
    name: str | None
    followers: int | None
    author_url: str | None
    root: str | None = None
    matched: str | None = None
    full_text: str | None = None  # the whole text, when `text` is cut at TEXT_LIMIT
    points: int | None = None
    hashtags: tuple[str, ...] = ()  # normalised: the text's and the network's
    lang: str | None = None  # ISO 639-1; None: unknown
    lang_conf: float | None = None  # 0..1 (1 when declared)
    lang_src: str | None = None  # declared or detected (core/language.py); None: not looked
    link: str | None = None  # where the post points (MentionIn.link)
    author_links: str | None = None  # the author's profile links (core/domains.links_json)
    watch_set: str | None = None  # MentionIn.watch_set, then the set it is stored in


@dataclass(frozen=True)
class MentionRow:
    """What one line of the inbox list needs; `snippet` is the start of the text only."""

    id: int
    channel: str
    external_id: str
    created_ms: int
    author_handle: str
    author_name: str | None
    customer_name: str | None
    customer_tier: str | None
    compound: float | None  # None: unscored, shown as `?`
    status: Status
    is_read: bool
    snippet: str
    match_state: str | None = None  # how the author is linked: identity, auto, suggested...
    assignee: str | None = None
    tags: tuple[str, ...] = ()
    priority: int | None = None  # 0-100; None until scored
    snoozed_until_ms: int | None = None
    claimed_by: str | None = None  # an agent answering or escalating it now (live claim)
    claimed_ms: int | None = None  # since when
    claimed_kind: str | None = None  # reply, post or escalate
    priority_rank: int | None = None  # the key of the priority order (core/priority.py)
    watch_set: str | None = None  # a competitor's key ([watch.competitors]); None: the brand's

    @property
    def suggested(self) -> bool:
        """No customer yet, but the matcher has candidates (the link pane shows them)."""
        return self.customer_name is None and self.match_state == "suggested"

    @property
    def uid(self) -> int:
        return self.id

    @property
    def sort_key(self) -> tuple[int, int]:
        """Position in the stream: newest first, ties broken by arrival."""
        return (self.created_ms, self.id)

    def key_in(self, order: Order) -> tuple[int, int]:
        """Position in a list sorted by `order` (larger first)."""
        if order is Order.PRIORITY:
            return (UNSCORED_RANK if self.priority_rank is None else self.priority_rank, self.id)
        return (self.created_ms, self.id)

    @property
    def label(self) -> SentimentLabel | None:
        """Positive, neutral or negative; None when unscored."""
        return None if self.compound is None else SentimentLabel.from_compound(self.compound)


@dataclass(frozen=True)
class ParentPost:
    """The post a mention answers, when we have stored it."""

    id: int
    author_handle: str
    author_name: str | None
    created_ms: int
    text: str


@dataclass(frozen=True)
class MentionDetail:
    """Everything the detail pane shows about one mention."""

    row: MentionRow
    text: str
    url: str | None
    author_url: str | None
    followers: int | None
    sentiment: Sentiment | None  # None: unscored
    in_reply_to: str | None
    parent: ParentPost | None
    ingested_ms: int
    customer_id: int | None
    customer_company: str | None
    author_id: int = 0
    match_score: float | None = None  # the matcher's score, for an automatic link
    matched: str | None = None  # the watch term that brought this mention in
    full_length: int | None = None  # characters of the whole text, when `text` is cut
    points: int | None = None  # HN points or Reddit score, when the network gave them
    customer_value: float | None = None  # the customer's lifetime value
    link: str | None = None  # where an HN story or a Reddit link post points
    priority_why: str | None = None  # `P87: enterprise customer · negative · …`
    snoozed_shown: str | None = None  # until when, in the agent's zone: `Mon 7 Dec 09:00 …`
    lang: str | None = None  # ISO 639-1, None: unknown
    lang_conf: float | None = None
    lang_src: str | None = None  # declared, detected, or None: not looked at yet
    mood_by: str | None = None  # who set the sentiment by hand (None: the scorer's)
    mood_ms: int | None = None  # when
    author_links: tuple[ProfileLink, ...] = ()  # the author's profile links (core/domains)


@dataclass(frozen=True)
class CustomerIn:
    """A customer record to store, with its handles on each network."""

    name: str
    external_id: str | None = None
    email: str | None = None
    company: str | None = None
    phone: str | None = None
    tier: str | None = None
    lifetime_value: float | None = None
    notes: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    identities: tuple[tuple[str, str], ...] = ()  # (network, handle)
    tags: tuple[str, ...] = ()  # checked (core.tags); an import adds them, never removes


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a customer's history: a mention (source 0) or an interaction (1)."""

    source: int
    id: int
    at_ms: int
    kind: str  # "mention", or the interaction's kind: note, call, status, customer...
    channel: str | None
    actor: str | None  # the author's handle for a mention, the agent for an interaction
    text: str  # the start of the post, or the summary
    compound: float | None
    direction: str | None

    @property
    def uid(self) -> tuple[int, int]:
        return (self.source, self.id)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.at_ms, self.source, self.id)


class OutboxState(StrEnum):
    """Where an outgoing post or webhook call is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DISCARDED = "discarded"


@dataclass(frozen=True)
class OutboxItem:
    """One reply, macro post, hand-made reply or webhook delivery, and its state."""

    id: int
    kind: str  # reply, post (macro), manual (made elsewhere), webhook
    channel: str  # the network, or the webhook kind (slack, discord, json)
    target: str | None  # "team/hook" for a webhook
    escalation_id: int | None
    text: str
    key: str
    state: OutboxState
    attempts: int
    last_error: str | None
    next_ms: int
    remote_id: str | None
    remote_url: str | None
    created_ms: int
    created_by: str | None
    sent_ms: int | None
    mention_ids: tuple[int, ...] = ()
    attempts_base: int = 0

    @property
    def uid(self) -> int:
        return self.id

    @property
    def sort_key(self) -> tuple[int]:
        """Position in the outbox: newest queued first."""
        return (self.id,)

    @property
    def tries(self) -> int:
        """Attempts since it was last queued or retried by hand."""
        return self.attempts - self.attempts_base


ESCALATION_STATES = ("open", "acknowledged", "resolved")
PRIORITIES = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class Escalation:
    """A problem handed to a team, with who did what and when."""

    id: int
    mention_id: int | None
    customer_id: int | None
    team: str
    priority: str
    note: str
    state: str
    created_ms: int
    created_by: str | None
    acked_ms: int | None
    acked_by: str | None
    resolved_ms: int | None
    resolved_by: str | None
    resolution: str | None
    channel: str | None = None
    author_handle: str | None = None
    customer_name: str | None = None
    snippet: str | None = None
    mentions: int = 1  # how many mentions it names (`e` on a selection); the above first
    deliveries: tuple[tuple[str, str, str | None], ...] = ()  # (target, state, error)

    @property
    def uid(self) -> int:
        return self.id

    @property
    def sort_key(self) -> tuple[int, int]:
        """Newest first: the queue's order."""
        return (self.created_ms, self.id)


class SourceStatus(StrEnum):
    """How a source's last polls went, stored as these words (source_state.state)."""

    OK = "ok"
    WARNING = "warning"  # the poll worked in part: last_error says how
    BACKOFF = "backoff"  # failed: waiting before the next try
    DEGRADED = "degraded"  # failed many times in a row: still tried, less often
    AUTH = "auth"  # refused credentials: stopped, tried again after a while
    OFF = "off"


@dataclass(frozen=True)
class SourceState:
    """How one source is doing: for the status line, the sources screen and the poller."""

    source: str  # e.g. "mastodon:notifications", "rss:google-alerts"
    channel: str
    cursor: str | None
    state: str  # a SourceStatus value
    failures: int  # in a row
    backoff_until_ms: int | None
    last_ok_ms: int | None
    last_error: str | None
    last_error_ms: int | None
    stored: int  # mentions stored from it, in all
    updated_ms: int
    backfill: str | None = None  # how far back a backfill still paging has reached
    fetching_ms: int | None = None  # since when a slow answer is awaited (None: not waiting)

    @property
    def worked(self) -> bool:
        """The last poll got an answer it could use (all of it, or part: a warning)."""
        return self.state in (SourceStatus.OK, SourceStatus.WARNING)


@dataclass(frozen=True)
class CustomerCard:
    """One line of a customer list (name, company and tier are strangers' text)."""

    id: int
    name: str
    company: str
    tier: str
    lifetime_value: float | None
