"""The inbox application: ingest, list queries, actions and the change feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scrm_tui.core.config import Config
from scrm_tui.core.models import (
    CustomerIn,
    MentionDetail,
    MentionIn,
    MentionRow,
    NewMention,
    Order,
    OutboxItem,
    SourceState,
    Status,
)
from scrm_tui.core.query import Query, both
from scrm_tui.core.watch_sets import WatchSets
from scrm_tui.enrich import language, sentiment
from scrm_tui.enrich.reading import read_many
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.priority import Priorities, StaleWeights
from scrm_tui.service.snooze import Snoozes
from scrm_tui.store import live
from scrm_tui.store.commit_watch import CommitWatch as CommitWatch  # the app holds one
from scrm_tui.store.customer_import import ImportOutcome
from scrm_tui.store.customers import CustomerStore
from scrm_tui.store.db import Database, StoreBusy, StoreError
from scrm_tui.store.mentions import DUE_COUNTED, DueUncounted, Key, MentionStore
from scrm_tui.store.merges import MergeError, MergeRecord, MergeStore
from scrm_tui.store.outbox import OutboxStore

if TYPE_CHECKING:
    from scrm_tui.core.selection import Selection
    from scrm_tui.core.tags import TagEdit
    from scrm_tui.enrich.matching import Thresholds
    from scrm_tui.service.assignment import Progress
    from scrm_tui.service.bulk import Action, Bulk, Change, Outcome, Stop, Undone
    from scrm_tui.service.escalations import Escalations
    from scrm_tui.service.linking import Linker
    from scrm_tui.service.outbox import OutboxWorker
    from scrm_tui.service.presence import Presence
    from scrm_tui.service.replies import Replies
    from scrm_tui.service.tagging import TagOutcome
    from scrm_tui.service.views import Views

# Contacts made outside the social networks, logged by hand in the customer view.
OFFLINE_KINDS = ("call", "email", "meeting", "survey", "letter", "comment_card", "other")

# The UI may not import the store; it catches these names. A StoreError (StoreBusy
# among them) is the database refusing, for a reason its message gives in words.
OpenError = StoreError
__all__ = ["Inbox", "MergeError", "MergeRecord", "OpenError", "StoreBusy", "StoreError"]
Clock = Callable[[], float]
# Below this many texts, scoring inline beats the cost of a thread hop.
_THREAD_THRESHOLD = 32


@dataclass
class IngestResult:
    stored: list[int] = field(default_factory=list)
    duplicates: int = 0


class Inbox:
    """One process's view of one database, acting as one agent."""

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

    @classmethod
    async def open(cls, path: Path | str, agent: str, clock: Clock = time.time) -> Inbox:
        return cls(await Database.open(path), agent, clock)

    async def close(self) -> None:
        if self._presence is not None:
            await self._presence.leave()  # claims end with a clean exit, not after a TTL
        if self._worker is not None:
            await self._worker.dispatcher.aclose()
        if self._views is not None:
            await self._views.close()
        if self._search is not None:
            await self._search.db.close()
        if self._linker is not None:  # made on first use: none to close otherwise
            self._linker.close()
        await self.db.close()

    def between_writes(self) -> AbstractAsyncContextManager[None]:
        """No write of this process under way while inside (store/db.py): a suspend
        waits for the one under way to commit."""
        return self.db.between_writes()

    async def __aenter__(self) -> Inbox:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

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

            self._views = Views(self)
        return self._views

    def escalations_as(self, actor: str) -> Escalations:
        """Escalating as someone other than this agent (a rule), with the same teams."""
        from scrm_tui.service.escalations import Escalations
        from scrm_tui.store.escalations import EscalationStore

        made = Escalations(EscalationStore(self.db), self.mentions, actor, self.now_ms, self.kick)
        made.creds = self.creds
        made.policy = self.escalations.policy
        return made

    # ---------------------------------------------------------------- outbox

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

    async def outbox_due(self) -> int | None:
        """When the soonest item pending or being sent (by anyone) is due (ms); None
        when there is none, and nothing to start the sender for."""
        return await self.outbox.next_due_ms()

    async def outbox_items(self, states: Sequence[str] = ()) -> list[OutboxItem]:
        """Newest first; no states: everything."""
        return await self.outbox.items(states)

    async def outbox_counts(self) -> dict[str, int]:
        """How many items are pending, sending and failed (for the status line)."""
        return await self.outbox.counts()

    async def retry_outbox(self, outbox_id: int) -> bool:
        """Queue a failed item again, due now."""
        retried = await self.outbox.retry(outbox_id, self.now_ms())
        if retried:
            self.kick()
        return retried

    async def discard_outbox(self, outbox_id: int) -> OutboxItem | None:
        """Give up on a failed or waiting item (a reply's text goes back to its draft)."""
        return await self.outbox.discard(outbox_id, self.agent, self.now_ms())

    async def replies_to(self, mention_id: int) -> list[OutboxItem]:
        """Replies and macro posts answering this mention, oldest first."""
        return await self.outbox.for_mention(mention_id)

    def on_queued(self, listener: Callable[[], None]) -> None:
        """Call `listener()` whenever this process queues something to send."""
        self._queued.append(listener)

    async def source_states(self) -> list[SourceState]:
        """How each listening source is doing (written by whichever process collects)."""
        from scrm_tui.store.sources import SourceStateStore

        return await SourceStateStore(self.db).all()

    async def retry_source(self, source: str) -> bool:
        """Poll a backing-off source on the collector's next round."""
        from scrm_tui.store.sources import SourceStateStore

        return await SourceStateStore(self.db).retry_now(source, self.now_ms())

    async def collector(self) -> tuple[str, int] | None:
        """Who holds the collector lease and until when (ms), if anyone."""
        from scrm_tui.store.lease import LeaseStore

        holder = await LeaseStore(self.db).holder("collector")
        return (holder.holder, holder.expires_ms) if holder else None

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

    # ---------------------------------------------------------------- ingest

    def on_stored(self, listener: Callable[[list[int]], None]) -> None:
        """Call `listener(new_ids)` after each committed ingest in this process."""
        self._listeners.append(listener)

    async def ingest(self, mentions: Sequence[MentionIn]) -> IngestResult:
        """Score and store a batch in one transaction; already-stored ones are skipped.

        Known mentions are filtered out before scoring, so re-running an ingest costs
        a lookup per line, not a sentiment analysis.
        """
        fresh = await self.unseen(mentions)
        # What is stored is what is read: language first, then sentiment in it. In a
        # thread when big, or when the detector's model is still to load (an app's
        # first arrival must not freeze its screen for that).
        if len(fresh) >= _THREAD_THRESHOLD or (fresh and not language.loaded()):
            rows = await asyncio.to_thread(read_many, fresh, self.watch_words)
        else:
            rows = read_many(fresh, self.watch_words)
        return await self.store(rows, offered=len(mentions))

    async def unseen(self, mentions: Sequence[MentionIn]) -> list[MentionIn]:
        """The mentions not stored yet (and each only once)."""
        keys = [(m.channel.value, m.external_id) for m in mentions]
        seen = set(await self.mentions.existing_ids(keys))
        fresh: list[MentionIn] = []
        for mention, key in zip(mentions, keys, strict=True):
            if key not in seen:
                seen.add(key)
                fresh.append(mention)
        return fresh

    async def store(self, rows: Sequence[NewMention], offered: int) -> IngestResult:
        """Write scored rows in one transaction; `offered` is how many mentions came in
        (the rest were duplicates). Then the rules act on them (see service/rules.py:
        this process stored them, so this process, and no other, applies the rules)."""
        rows = self._marked(rows)
        weights = await self.priorities.weights()
        parts = await self.priorities.score_rows(rows, weights)
        try:
            stored = await self.mentions.insert_batch(rows, self.now_ms(), parts, weights)
        except StaleWeights:
            # Another process brought new weights since: score with those.
            weights = await self.priorities.reload()
            parts = await self.priorities.score_rows(rows, weights)
            stored = await self.mentions.insert_batch(rows, self.now_ms(), parts, weights)
        if stored:
            # Before anyone is told: a new mention shows up already matched, and the
            # rules see whose it is (customer:, tier:).
            await self.linker.match_pending()
            if self.config.rules or self.config.auto_assign:
                from scrm_tui.service import rules

                # One batch's ids are consecutive: insert_batch stores them in one
                # transaction.
                await rules.apply(self, self.config, stored[0] - 1, stored[-1])
            for listener in list(self._listeners):
                listener(stored)
        return IngestResult(stored=stored, duplicates=offered - len(stored))

    def _marked(self, rows: Sequence[NewMention]) -> Sequence[NewMention]:
        """Each row in its watch set (core/watch_sets.py): the brand's or a competitor's.
        Without [watch.competitors] every mention is the brand's, at no cost."""
        if not self.config.competitors and not any(r.watch_set for r in rows):
            return rows
        key = (self.config.watch_terms, self.brand_words, self.config.competitors)
        if self._watch_sets is None or self._watch_sets[0] != key:
            self._watch_sets = (key, WatchSets.of(key[0], key[1], key[2]))
        sets = self._watch_sets[1]
        return [r._replace(watch_set=sets.mark(r.full_text or r.text, r.watch_set)) for r in rows]

    async def add_customers(
        self, customers: Sequence[CustomerIn], source: str = "scrm", *, rematch: bool = False
    ) -> ImportOutcome:
        """Create or update customers (one transaction); see CustomerStore.import_batch.
        `rematch`: the unlinked authors are owed a re-match (Linker.resume_rematch)."""
        return await self.customers.import_batch(
            customers, agent=self.agent, source=source, now_ms=self.now_ms(), rematch=rematch
        )

    # ---------------------------------------------------------------- customers

    async def log_contact(
        self,
        customer_id: int,
        kind: str,
        summary: str,
        *,
        direction: str | None = None,
        at_ms: int | None = None,
        channel: str | None = None,
    ) -> int:
        """An offline contact (call, email, meeting, survey, letter...). Its summary is
        scored like a mention, so the customer's mood counts what they said anywhere."""
        if kind not in OFFLINE_KINDS:
            raise ValueError(f"unknown contact kind {kind!r}")
        score = sentiment.score(summary).compound if summary.strip() else None
        return await self.customers.add_interaction(
            customer_id,
            kind,
            summary,
            actor=self.agent,
            occurred_ms=self.now_ms() if at_ms is None else at_ms,
            direction=direction,
            channel=channel,
            compound=score,
        )

    async def merge_customers(self, survivor_id: int, merged_id: int) -> int:
        """The same person twice: fold `merged_id` into `survivor_id` (undoable)."""
        return await self.merges.merge(survivor_id, merged_id, self.agent, self.now_ms())

    async def unmerge(self, merge_id: int) -> MergeRecord:
        return await self.merges.unmerge(merge_id, self.agent, self.now_ms())

    async def record_contacts(
        self, contacts: Sequence[tuple[int, str, str, str | None, int, str]]
    ) -> int:
        """Many contacts or notes at once, each (customer, kind, summary, direction, at_ms,
        actor): one transaction, scored like log_contact (notes are not)."""
        rows = []
        for customer_id, kind, summary, direction, at_ms, actor in contacts:
            if kind != "note" and kind not in OFFLINE_KINDS:
                raise ValueError(f"unknown contact kind {kind!r}")
            score = None if kind == "note" else sentiment.score(summary).compound
            rows.append((customer_id, kind, summary, direction, at_ms, actor, score))
        return await self.customers.add_interactions(rows)

    async def add_note(self, customer_id: int, text: str) -> int:
        """An agent's own note: recorded, not scored (it is not the customer's voice)."""
        return await self.customers.add_interaction(
            customer_id, "note", text, actor=self.agent, occurred_ms=self.now_ms()
        )

    # ---------------------------------------------------------------- reading

    # Each read takes the clock's now: relative dates (`after:7d`), live claims and
    # snoozes are judged at the moment the filter runs.

    async def _reader(self, query: Query) -> MentionStore:
        """Where a list's reads go: a filter's to a connection of its own, where a
        search that a newer one replaced is interrupted; however long a search runs,
        the change polls, the reading pane and the unfiltered list never wait for it."""
        if query.is_empty:
            return self.mentions
        async with self._search_opening:
            if self._search is None:
                twin = await self.db.with_own_reader()
                self._search = MentionStore(
                    twin, self.now_ms, temp_prefix="search", interruptible=True
                )
        return self._search

    @property
    def search_db(self) -> Database | None:
        """The connection filters read on (None until a filter was read)."""
        return None if self._search is None else self._search.db

    async def count(self, query: Query, upto: int | None = None) -> int:
        store = await self._reader(query)
        return await store.count(query, self.agent, upto, now_ms=self.now_ms())

    async def count_capped(self, query: Query, cap: int, upto: int | None = None) -> int:
        """As count, stopping at `cap` (then the count is "at least `cap`")."""
        store = await self._reader(query)
        return await store.count_capped(query, self.agent, cap, upto, now_ms=self.now_ms())

    async def page_older(
        self,
        query: Query,
        key: Key | None,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_older(
            query, self.agent, key, limit, upto, order, now_ms=self.now_ms()
        )

    async def page_newer(
        self,
        query: Query,
        key: Key,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_newer(
            query, self.agent, key, limit, upto, order, now_ms=self.now_ms()
        )

    async def page_at(
        self,
        query: Query,
        offset: int,
        limit: int,
        total: int | None,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_at(
            query, self.agent, offset, limit, total, upto, order, now_ms=self.now_ms()
        )

    async def count_before(self, query: Query, key: Key, upto: int | None, order: Order) -> int:
        """Where a row with `key` is in the list (how many come before it)."""
        store = await self._reader(query)
        return await store.count_before(query, self.agent, key, upto, order, now_ms=self.now_ms())

    async def listed_among(
        self, query: Query, ids: Sequence[int], upto: int | None = None
    ) -> list[MentionRow]:
        """Which of these mentions the list for `query` holds now."""
        store = await self._reader(query)
        return await store.listed_among(query, self.agent, ids, upto, now_ms=self.now_ms())

    async def arrivals(self, query: Query, after: int, upto: int, limit: int) -> list[MentionRow]:
        """Mentions matching `query` stored after id `after` up to `upto` (at most `limit`)."""
        store = await self._reader(query)
        return await store.arrivals(query, self.agent, after, upto, limit, now_ms=self.now_ms())

    async def tally(
        self,
        query: Query,
        after: int,
        upto: int,
        keys: Sequence[Key],
        order: Order = Order.NEWEST,
    ) -> tuple[int, list[int]]:
        """How many such mentions there are, and how many come before each key."""
        store = await self._reader(query)
        return await store.tally(query, self.agent, after, upto, keys, order, now_ms=self.now_ms())

    async def next_match(
        self,
        listed: Query,
        search: Query,
        key: Key,
        *,
        older: bool,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> MentionRow | None:
        """The mention nearest `key` in the list of `listed` (in `order`) that also
        matches `search`: the next one down the list (`older`) or up it, as mutt's `n`
        and `N` find."""
        wanted = both(listed, search)
        if older:
            rows = await self.page_older(wanted, key, 1, upto, order)
        else:
            rows = await self.page_newer(wanted, key, 1, upto, order)
        return rows[0] if rows else None

    async def position(
        self, query: Query, key: Key, upto: int | None = None, order: Order = Order.NEWEST
    ) -> int:
        """Where the mention at `key` is in the list of `query` (0: the top)."""
        if order is Order.PRIORITY:
            return await self.count_before(query, key, upto, order)
        store = await self._reader(query)
        return await store.count_newer(query, self.agent, key, upto, now_ms=self.now_ms())

    async def rows(self, ids: Sequence[int]) -> list[MentionRow]:
        return await self.mentions.rows_by_id(ids, self.agent)

    async def detail(self, mention_id: int) -> MentionDetail | None:
        """One mention in full, with its priority explained for now."""
        found = await self.mentions.detail(mention_id, self.agent)
        if found is None:
            return None
        await self.priorities.weights()
        until = found.row.snoozed_until_ms
        return replace(
            found,
            priority_why=self.priorities.explain(found, self.now_ms()),
            snoozed_shown=None if until is None else self.snoozes.when(until),
        )

    async def max_id(self, query: Query | None = None) -> int:
        """The newest mention's id; with `query`, read where that list reads (a
        filter's on its own connection, never queued behind the inbox's reads)."""
        store = self.mentions if query is None else await self._reader(query)
        return await store.max_id()

    async def stats(self) -> tuple[int, int]:
        """(all mentions, unread by this agent)."""
        woke = True
        while True:
            try:
                return await self.mentions.stats(self.agent, self.now_ms())
            except DueUncounted:
                if not woke:
                    raise StoreError("the counts are not known yet (snoozes are waking)") from None
                woke = await self._wake_due_batch()

    async def _wake_due_batch(self) -> bool:
        """More snoozes came due than a look counts (store/mentions.DUE_COUNTED): wake a
        batch of them, so that the next look counts the rest. False when none was woken
        (another process wakes them: the look after its commit counts them)."""
        return bool(await self.snoozes.wake_due(DUE_COUNTED))

    # ---------------------------------------------------------------- actions

    async def set_status(self, ids: Sequence[int], status: Status) -> list[int]:
        return await self.mentions.set_status(ids, status, self.agent, self.now_ms())

    async def set_read(self, ids: Sequence[int], read: bool) -> None:
        await self.mentions.set_read(ids, self.agent, read, self.now_ms())

    # ---------------------------------------------------------------- team

    async def assignable_agents(self) -> list[str]:
        """Who `a` offers: this agent, then the agents known (`[team] agents` and
        whoever has opened scrm here) and everyone already assigned something."""
        from scrm_tui.service.assignment import agents_to_offer
        from scrm_tui.store.assignment import AssignmentStore

        seen = await AssignmentStore(self.db).assignees()
        return agents_to_offer(self.agent, await self.known_agents(), seen)

    async def assign(
        self, ids: Sequence[int], assignee: str | None, on_batch: Progress | None = None
    ) -> int:
        """Assign mentions (None: unassign), in batches; returns how many changed."""
        from scrm_tui.service import assignment

        return await assignment.assign(self.db, ids, assignee, self.agent, self.now_ms(), on_batch)

    async def edit_tags(
        self, ids: Sequence[int], edit: TagEdit, on_batch: Progress | None = None
    ) -> TagOutcome:
        """Add, remove or toggle tags on mentions, in batches."""
        from scrm_tui.service import tagging

        return await tagging.edit_mention_tags(
            self.db, ids, edit, self.agent, self.now_ms(), on_batch
        )

    async def edit_customer_tags(self, customer_id: int, edit: TagEdit) -> TagOutcome:
        from scrm_tui.service import tagging

        return await tagging.edit_customer_tags(
            self.db, customer_id, edit, self.agent, self.now_ms()
        )

    async def tags_in_use(self) -> list[str]:
        """Every tag on a mention or a customer (what `t` completes from)."""
        from scrm_tui.store.tags import TagStore

        return await TagStore(self.db).in_use()

    # ---------------------------------------------------------------- bulk actions

    @property
    def bulk(self) -> Bulk:
        """Bulk actions and undo (made on first use)."""
        if self._bulk is None:
            from scrm_tui.service.bulk import Bulk

            self._bulk = Bulk(self.db, self.agent, self.now_ms)
            self._bulk.register("escalate", lambda params: self.escalations.rebuild(params))
        return self._bulk

    async def select_all(self, query: Query) -> Selection:
        """Every mention `query` matches now (counted, not read): what `T` selects."""
        from scrm_tui.core.selection import Selection

        upto = await self.max_id()
        return Selection.matching(query, upto, await self.count(query, upto))

    async def run_bulk(
        self,
        selection: Selection,
        change: Change,
        on_batch: Progress | None = None,
        stop: Stop | None = None,
    ) -> Outcome:
        """`change` on every selected mention, in batches (see service/bulk.py)."""
        outcome = await self.bulk.run(selection, change, on_batch, stop or (lambda: False))
        if change.kind == "escalate":
            self.kick()  # its webhooks are queued
        return outcome

    async def escalation_of(
        self, selection: Selection, team: str, priority: str, note: str
    ) -> Change | None:
        """One escalation naming every selected mention (None: nothing selected)."""
        first = await self.bulk.first(selection)
        if first is None:
            return None
        return await self.escalations.group_change(first, selection.count, team, priority, note)

    async def selected_ids(self, selection: Selection) -> list[int]:
        """Every selected mention's id (for a selection known to be small: `R`)."""
        found: list[int] = []
        async for ids in self.bulk.ids(selection):
            found.extend(ids)
        return found

    async def last_action(self) -> Action | None:
        return await self.bulk.last()

    async def undo(
        self, action: Action, on_batch: Progress | None = None, stop: Stop | None = None
    ) -> Undone:
        """Undo `action` (this agent's), in batches; see Bulk.undo."""
        undone = await self.bulk.undo(action, on_batch, stop or (lambda: False))
        if action.kind == "escalate":
            self.kick()  # a withdrawn escalation tells its team
        return undone

    # ---------------------------------------------------------------- changes

    async def notice_changes(self) -> None:
        """From now on has_changed() reports every commit (the first call of has_changed
        only learns where the file is, so what was committed before it goes unseen)."""
        if self._mark is None:
            self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
            self._mark = self.pulse.mark

    async def has_changed(self) -> bool:
        """True when a commit this inbox shows (a mention stored, a change recorded,
        this agent's reads) landed since the last call, by this process or another.
        Costs one small read whatever the size, so it can be polled often; bookkeeping
        commits (heartbeats, lease renewals, progress) and other agents' reads are not
        changes here. The same read brings what the inbox keeps on screen and on its
        clock (`pulse`: the header's counts, the next snooze and send due, who holds
        claims), so a change costs no read of those."""
        self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
        while self.pulse.due_uncounted:
            woke = await self._wake_due_batch()
            self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
            if not woke:  # another process is waking them: its commits wake this look
                break
        changed = self._mark is not None and self.pulse.mark != self._mark
        self._mark = self.pulse.mark
        return changed

    def watch_commits(
        self, on_change: Callable[[], object], every: float = 0.5, settle: float = 0.0
    ) -> CommitWatch:
        """Call `on_change` (from a thread of its own) when has_changed() may be true:
        once now, then after each commit that moves the change mark, by any process.
        An idle inbox then looks at nothing (store/commit_watch.py); close it when done.
        `settle`: seconds it polls first, while the inbox paints its first frame."""
        watch = CommitWatch(self.db.path, self.agent, on_change, every=every, settle=settle)
        watch.start()
        return watch

    @property
    def claim_holders(self) -> list[str]:
        """Processes holding claims as of the last has_changed (Presence.any_gone)."""
        return self.pulse.holders
