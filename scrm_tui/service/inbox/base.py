"""The inbox's parts and settings: its stores, and what it makes on first use."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from scrm_tui.core.config import Config
from scrm_tui.core.watch_sets import WatchSets
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.priority import Priorities
from scrm_tui.service.snooze import Snoozes
from scrm_tui.store import live
from scrm_tui.store.customers import CustomerStore
from scrm_tui.store.db import Database
from scrm_tui.store.mentions import MentionStore
from scrm_tui.store.merges import MergeStore
from scrm_tui.store.outbox import OutboxStore

if TYPE_CHECKING:
    from scrm_tui.enrich.matching import Thresholds
    from scrm_tui.service.bulk import Bulk
    from scrm_tui.service.escalations import Escalations
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.linking import Linker
    from scrm_tui.service.outbox import OutboxWorker
    from scrm_tui.service.presence import Presence
    from scrm_tui.service.replies import Replies
    from scrm_tui.service.views import Views

Clock = Callable[[], float]


class InboxBase:
    """What every part of the inbox holds: one database, one agent, one clock."""

    def __init__(self, db: Database, agent: str, clock: Clock = time.time):
        self.db = db
        self.agent = agent
        self.clock = clock
        self.mentions = MentionStore(db, self.now_ms)
        self._search: MentionStore | None = None  # see _reader
        self._search_opening = asyncio.Lock()
        self.customers = CustomerStore(db)
        self._linker: Linker | None = None
        self.priorities = Priorities(db, agent, self.now_ms)
        self.snoozes = Snoozes(db, agent, self.now_ms)
        self.merges = MergeStore(db)
        self.outbox = OutboxStore(db)
        self.config = Config()
        self.brand_words: tuple[str, ...] = ()  # the product's own name (the demo's)
        self.brand_accounts: tuple[tuple[str, str], ...] = ()  # (network, handle): the demo's
        self._watch_words: tuple[str, tuple[str, ...]] = ("", ())
        self._watch_sets: tuple[object, WatchSets] | None = None  # see _marked
        self._replies: Replies | None = None
        self._escalations: Escalations | None = None
        self._presence: Presence | None = None
        self._views: Views | None = None
        self._bulk: Bulk | None = None
        self.creds = Credentials()
        self._worker: OutboxWorker | None = None
        self._queued: list[Callable[[], None]] = []
        self._listeners: list[Callable[[list[int]], None]] = []
        self._mark: tuple[object, ...] | None = None  # see has_changed
        self.pulse = live.Pulse((), [], None, 0, None, 0, 0, 0, 0)  # the last has_changed's look

    @property
    def linker(self) -> Linker:
        """Authors and customers linked, matched, searched (made on first use: it
        brings in rapidfuzz and the matcher, which the first frame does not need)."""
        if self._linker is None:
            from scrm_tui.service.linking import Linker

            self._linker = Linker(self.db, self.agent, self.now_ms)
            self._linker.thresholds = self._thresholds()
        return self._linker

    def _thresholds(self) -> Thresholds:
        from scrm_tui.enrich.matching import Thresholds

        config = self.config
        return Thresholds(
            auto=config.match_auto, margin=config.match_margin, suggest=config.match_suggest
        )

    def configure(self, config: Config, creds: Credentials | None = None) -> None:
        """Apply the settings that shape what this process does: matching thresholds,
        replies, teams and SLAs, and (when given) the accounts it may post with."""
        self.config = config
        if self._linker is not None:
            self._linker.thresholds = self._thresholds()
        self.priorities.propose(config.priority)
        self.snoozes.configure(config.timezone, config.day_start)
        if creds is not None:
            self.creds = creds
            if self._worker is not None:
                self._worker.dispatcher.creds = creds
        if self._worker is not None:
            self._worker.done_on_send = config.done_on_reply
        if self._presence is not None:
            self._presence.idle_s = config.claim_idle_s
        # Made again on next use, with these settings.
        self._replies = self._escalations = None

    # Answering is loaded on first use: it is not needed for the first frame.

    @property
    def replies(self) -> Replies:
        if self._replies is None:
            from scrm_tui.service.replies import Replies

            self._replies = Replies(self.outbox, self.mentions, self.agent, self.now_ms, self.kick)
            self._replies.creds = self.creds
            self._replies.done_on_reply = self.config.done_on_reply
            self._replies.utm_domains = self.config.utm_domains
        return self._replies

    @property
    def escalations(self) -> Escalations:
        if self._escalations is None:
            from scrm_tui.service.escalations import EscalationPolicy, Escalations
            from scrm_tui.store.escalations import EscalationStore

            self._escalations = Escalations(
                EscalationStore(self.db), self.mentions, self.agent, self.now_ms, self.kick
            )
            self._escalations.creds = self.creds
            self._escalations.policy = EscalationPolicy(self.config.teams, dict(self.config.sla_s))
        return self._escalations

    @property
    def presence(self) -> Presence:
        """This process at work: its presence, and the mentions it claims (made once)."""
        if self._presence is None:
            from scrm_tui.service.presence import Presence

            self._presence = Presence(
                self.db, self.agent, self.now_ms, idle_s=self.config.claim_idle_s
            )
        return self._presence

    async def known_agents(self) -> list[str]:
        """Everyone work can go to: agents who have opened scrm here, and [team] agents."""
        return await self.presence.known_agents(self.config.team_agents)

    async def present_agents(self) -> list[str]:
        """Agents with scrm open on this database now."""
        return await self.presence.present_agents()

    @property
    def views(self) -> Views:
        """The agent's saved views and their unread counts."""
        if self._views is None:
            from scrm_tui.service.views import Views

            self._views = Views(cast("Inbox", self))  # Inbox: the one class made of the parts
        return self._views

    def escalations_as(self, actor: str) -> Escalations:
        """Escalating as someone other than this agent (a rule), with the same teams."""
        from scrm_tui.service.escalations import Escalations
        from scrm_tui.store.escalations import EscalationStore

        made = Escalations(EscalationStore(self.db), self.mentions, actor, self.now_ms, self.kick)
        made.creds = self.creds
        made.policy = self.escalations.policy
        return made

    def outbox_worker(self) -> OutboxWorker:
        """This process's sender (made on first use: it brings in the HTTP stack)."""
        if self._worker is None:
            from scrm_tui.service.outbox import Dispatcher, OutboxWorker

            self._worker = OutboxWorker(
                self.outbox,
                Dispatcher(self.creds, self.outbox, self.clock),
                done_on_send=self.config.done_on_reply,
                clock=self.clock,
            )
        return self._worker

    def on_queued(self, listener: Callable[[], None]) -> None:
        """Call `listener()` whenever this process queues something to send."""
        self._queued.append(listener)

    def kick(self) -> None:
        """Something was queued: the worker (if this process runs one) looks now."""
        if self._worker is not None:
            self._worker.wake.set()
        for listener in list(self._queued):
            listener()

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    @property
    def watch_words(self) -> tuple[str, ...]:
        """The words and phrases of the watch terms (and the brand's name, where a caller
        gave it): no word of a post's language or mood."""
        source = self.config.watch_terms or ""
        if self._watch_words[0] != source:
            from scrm_tui.core.watch import WatchError, parse_watch

            try:
                words = tuple(t.text for t in parse_watch(source).terms if t.kind == "word")
            except WatchError:
                words = ()
            self._watch_words = (source, words)
        return (*self._watch_words[1], *self.brand_words)
