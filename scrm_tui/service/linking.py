"""Who an author is: match new authors to customers, and the link pane's actions.

The matcher's candidate index lives in the database file, shared by every process
(store/match_index.py): whoever matches first brings it up to date with the customers
changed since, a page at a time, and no process holds a copy of the customers. Each author is
matched once, when first stored; a customer import re-matches the unlinked ones. That
re-match is owed in the database until it completes, so whichever process comes next
(an import, an ingest, the app) finishes a re-match that a kill cut short.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process, utils

from scrm_tui.core import networks
from scrm_tui.core.models import CustomerIn
from scrm_tui.enrich.match_model import Weights, default_weights
from scrm_tui.enrich.matching import Matcher, Thresholds
from scrm_tui.enrich.shared_index import SharedIndex, indexed_all
from scrm_tui.service.match_pool import MatchPool, decide
from scrm_tui.service.match_refit import Refitted, refit
from scrm_tui.service.work_lease import take_work
from scrm_tui.store import match_weights
from scrm_tui.store.authors import record_suggestions
from scrm_tui.store.customers import CustomerStore
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.linking import (
    AuthorInfo,
    CustomerCard,
    LinkStore,
    MatchOutcome,
    Suggestion,
)
from scrm_tui.store.match_index import IndexedCustomer, MatchIndexReader, MatchIndexStore

__all__ = ["AuthorInfo", "CustomerCard", "Linker", "SearchHit", "Suggestion"]

_PAGE = 1000
# Customers indexed per transaction: sized as it goes to take about _INDEX_WRITE_S
# (a page of a big index writes more rows), so that other processes' writes never
# wait long behind it.
_INDEX_PAGE = 250
_INDEX_PAGES = (10, 1000)
_INDEX_WRITE_S = 0.015
# Customers whose word pairs the background job writes per transaction (schema step
# 23), sized the same way: a pair page is one INSERT ... SELECT, far cheaper per customer.
_PAIR_PAGES = (100, 20_000)
_PAIR_WRITE_S = 0.03
# One process re-matches at a time; it renews this lease after each page.
REMATCH_LEASE = "rematch"
REMATCH_TTL_MS = 120_000
# Above this many customers, indexing runs in a thread so the UI keeps drawing.
_THREAD_THRESHOLD = 16
# A re-match of at least this many authors runs in one worker process per core (each
# costs about a second to start).
_POOL_THRESHOLD = 5000
# Outcomes recorded per write transaction: tens of ms, so that other processes'
# writes never wait long behind a re-match.
_RECORD = 100
# Customer search scores every customer up to this many; beyond, those the index picks.
_SCAN_ALL = 20_000
# A backlog of customers to index this small is indexed before matching (well under a
# second); a bigger one (an import, an upgrade) in the background, by worker processes,
# while matching looks the customers still waiting up directly.
_INLINE = 500
# Customers read and prepared at a time when the backlog is indexed, per worker.
_INDEX_CHUNK = 500


@dataclass(frozen=True)
class SearchHit:
    customer: CustomerCard
    score: float


def _search_text(card: CustomerCard) -> str:
    handles = " ".join(handle for _, handle in card.handles)
    return " ".join(part for part in (card.name, card.email, card.company, handles) if part)


def _page_for(
    page: int, took_s: float, pages: tuple[int, int] = _INDEX_PAGES, write_s: float = _INDEX_WRITE_S
) -> int:
    """The next page of customers to index, from how long this one's transaction took."""
    wanted = page * write_s / max(took_s, 1e-3)
    return int(min(max(wanted, pages[0]), pages[1], page * 2))


async def _let_others_write(took_s: float) -> None:
    """After a write transaction of a long job, leave the lock free about as long as it
    was held: SQLite's busy handler sleeps between tries, and a job that took the lock
    back at once would keep another process's write waiting through page after page."""
    await asyncio.sleep(min(took_s, _INDEX_WRITE_S))


def default_customer_name(author: AuthorInfo) -> str:
    """What a customer made from this author is called unless someone says otherwise."""
    return (author.display_name or "").strip() or author.handle


class Linker:
    """Matching and linking for one process and one agent."""

    def __init__(self, db: Database, agent: str, now_ms: Callable[[], int]):
        self.store = LinkStore(db)
        self.leases = LeaseStore(db)
        self.customers = CustomerStore(db)
        self.agent = agent
        self.now_ms = now_ms
        self.thresholds = Thresholds()
        # The match model's weights: refitted ones from the database when there are some.
        self.weights: Weights = default_weights()
        self._weights_ms: int | None = None
        self._matcher: Matcher | None = None
        self._reader: MatchIndexReader | None = None
        # Customer search reads on a connection of its own, so that a stale search can
        # be interrupted without touching a match in progress.
        self._finder: Matcher | None = None
        self._finder_reader: MatchIndexReader | None = None
        self.index = MatchIndexStore(db)
        self._cards: dict[int, CustomerCard] = {}
        self._version: tuple[int, int, int] | None = None
        self._updated = 0  # newest customers.updated_ms already applied
        self._lock = asyncio.Lock()

    async def cards(self) -> dict[int, CustomerCard]:
        """Every live customer, kept current (customer search reads them): re-read in full
        the first time, then only the customers changed since."""
        version = await self.store.customers_version()
        if version == self._version:
            return self._cards
        if self._version is None:
            self._cards = {card.id: card for card in await self.store.customer_cards()}
        else:
            changed, gone = await self.store.changed_since(self._updated)
            if len(changed) + len(gone) > max(len(self._cards) // 5, 1000):
                self._cards = {card.id: card for card in await self.store.customer_cards()}
            else:
                for customer_id in gone:
                    self._cards.pop(customer_id, None)
                for card in changed:
                    self._cards[card.id] = card
        self._version = version
        self._updated = version[1]
        return self._cards

    async def refresh_index(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        pool: MatchPool | None = None,
        on_page: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Index the customers changed since last indexed (by anyone, in any process);
        returns how many. Progress is (done, to do). With a pool its workers prepare
        the customers while this process writes the previous chunk. Safe to run in
        several processes at once: each page is written in one short transaction, and
        a customer changed meanwhile stays marked for the next pass. `on_page` runs
        after each chunk (a lease renewed)."""
        total = await self.index.dirty_count()
        done = 0
        page = _INDEX_PAGE
        chunk = _INDEX_CHUNK * (pool.workers if pool is not None else 1)
        marks = await self.index.dirty(chunk)
        preparing = asyncio.ensure_future(self._prepare(marks, pool))
        try:
            while marks:
                rows = await preparing
                current = marks
                marks = await self.index.dirty(chunk, current[-1][0])
                preparing = asyncio.ensure_future(self._prepare(marks, pool))
                start = 0
                while start < len(current):
                    part = current[start : start + page]
                    began = time.perf_counter()
                    await self.index.apply(part, rows)
                    took = time.perf_counter() - began
                    await _let_others_write(took)
                    page = _page_for(page, took)
                    start += len(part)
                    done += len(part)
                    if on_progress is not None:
                        on_progress(done, max(total, done))
                if on_page is not None:
                    await on_page()
        finally:
            preparing.cancel()
        return done

    async def pair_up(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_page: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Write the word pairs of the customers indexed before there were pairs (an
        upgrade), a page per short transaction that records how far it got: resumed
        from there after a kill. Matching is right meanwhile (store/match_index.py
        intersects the unpaired customers' words); it only gets faster. How many."""
        if not await self.index.pairs_owed():
            return 0
        total = await self.index.unpaired()
        done = 0
        page = _PAIR_PAGES[0]
        while True:
            began = time.perf_counter()
            paired = await self.index.pair_up(page)
            if paired is None:
                break
            took = time.perf_counter() - began
            done += paired
            if on_progress is not None:
                on_progress(done, max(total, done))
            if on_page is not None:
                await on_page()
            await _let_others_write(took)
            page = _page_for(page, took, _PAIR_PAGES, _PAIR_WRITE_S)
        return done

    async def _prepare(
        self, marks: Sequence[tuple[int, int]], pool: MatchPool | None
    ) -> dict[int, IndexedCustomer]:
        """What the marked customers put in the index (none for those gone)."""
        if not marks:
            return {}
        records = list((await self.index.records([c for _, c in marks])).values())
        if pool is not None:
            rows = await pool.indexed(records)
        elif len(records) > _THREAD_THRESHOLD:
            rows = await asyncio.to_thread(indexed_all, records)
        else:
            rows = indexed_all(records)
        return {r.customer_id: r for r in rows}

    async def backlog(self) -> int:
        """Customers waiting to be indexed, counted up to just past what is indexed
        inline (a bigger backlog is the background job's)."""
        return await self.index.dirty_count(_INLINE + 1)

    async def matcher(self) -> Matcher:
        """The matcher over the shared index. Nothing is built: the index is in the file,
        and the matcher reads it as it goes. A small backlog is indexed first; a big one
        is left to the background job (`catch_up`), and meanwhile the matcher looks up
        the customers still waiting directly."""
        if 0 < await self.backlog() <= _INLINE:
            await self.refresh_index()
        if self._matcher is None:
            self._reader = MatchIndexReader(self.store.db.path)
            self._matcher = Matcher(thresholds=self.thresholds, index=SharedIndex(self._reader))
        self._matcher.thresholds = self.thresholds
        self._matcher.weights = await self._current_weights()
        return self._matcher

    async def _current_weights(self) -> Weights:
        """The refitted weights if the database holds some (read again only when they
        change), else the shipped ones. Unreadable ones are left unused, not fatal."""
        stored = await match_weights.stored(self.store.db)
        if stored is None:
            self.weights, self._weights_ms = default_weights(), None
        elif stored.fitted_ms != self._weights_ms:
            try:
                self.weights = Weights.from_json(stored.weights)
            except ValueError:
                self.weights = default_weights()
            self._weights_ms = stored.fitted_ms
        return self.weights

    async def refit(self) -> Refitted:
        """Refit the match weights from the agents' decisions and store them (`scrm
        matching refit`); with too few decisions nothing is stored."""
        matcher = await self.matcher()
        decided = await match_weights.decisions(self.store.db)
        done = await asyncio.to_thread(refit, matcher, decided)
        if done.weights is not None:
            text = done.weights.to_json()
            done = replace(done, weights=Weights.from_json(text))  # as stored: rounded
            await match_weights.save(
                self.store.db,
                match_weights.StoredWeights(
                    text,
                    done.candidates,
                    done.authors,
                    self.now_ms(),
                    self.agent,
                ),
            )
            await self.matcher()  # this process's matcher takes them at once
        return done

    def close(self) -> None:
        """Close the index's read connection (the database closes the rest)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = self._matcher = None
        if self._finder_reader is not None:
            self._finder_reader.close()
            self._finder_reader = self._finder = None

    # ---------------------------------------------------------------- matching

    async def _decide(
        self, authors: Sequence[AuthorInfo], pool: MatchPool | None = None
    ) -> list[MatchOutcome]:
        """What the matcher makes of `authors` (in the pool's processes when given)."""
        if not authors:
            return []
        matcher = await self.matcher()
        rejected = await self.store.rejections([a.id for a in authors])
        if pool is not None:
            return await pool.decide(authors, rejected)
        # In a thread even for one author: the index is read from the disk.
        return await asyncio.to_thread(decide, matcher, authors, rejected)

    async def _record(self, outcomes: Sequence[MatchOutcome]) -> tuple[int, int]:
        """Store outcomes, _RECORD to a transaction; (linked, suggested)."""
        linked = 0
        for start in range(0, len(outcomes), _RECORD):
            part = outcomes[start : start + _RECORD]
            began = time.perf_counter()
            autos = await record_suggestions(self.store.db, part, self.now_ms())
            if autos:
                linked += await self.store.record_matches(autos, self.now_ms())
            await _let_others_write(time.perf_counter() - began)
        suggested = sum(1 for o in outcomes if o.decision == "suggest")
        return linked, suggested

    async def match_pending(self, pool: MatchPool | None = None) -> int:
        """Match every author not looked at yet; returns how many were linked.

        Called after each stored batch. With no customers there is nothing to match,
        and while a big backlog of customers waits to be indexed a match could miss
        one of them: either way the authors wait (`catch_up` matches them next).
        """
        async with self._lock:
            if await self.backlog() > _INLINE:
                return 0
            await self.matcher()  # a small backlog indexed first
            # Counted on the database's reader, not the matcher's: a match in a thread
            # may hold that one, and the event loop must never wait for it.
            if not await self.index.population():  # no customers: the authors wait
                return 0
            linked = 0
            while authors := await self.store.unmatched(_PAGE):
                linked += (await self._record(await self._decide(authors, pool)))[0]
            return linked

    async def rematch_owed(self) -> bool:
        """Customers wait to be indexed in the background, or an import's re-match of
        unlinked authors is not complete yet: `resume_rematch` owes work."""
        return (
            await self.backlog() > _INLINE
            or await self.store.pending_rematch() is not None
            or await self.index.pairs_owed()
        )

    async def resume_rematch(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_indexing: Callable[[int, int], None] | None = None,
        on_pairing: Callable[[int, int], None] | None = None,
    ) -> tuple[int, int] | None:
        """Catch up: index the backlog of customers (`on_indexing` sees (done, to do);
        the word pairs of customers indexed before pairs existed go to `on_pairing`, or
        to `on_indexing` when it is not given),
        finish the re-match an import owes, from where it stopped, and match the authors
        that waited for the backlog; (linked, suggested).

        Returns (0, 0) when nothing is owed, and None when another live process is doing
        it (it holds the lease). Progress is (authors done, authors to do). Both steps
        run in one worker process per core when big. Each page is recorded as done once
        written, so a kill costs at most that page.
        """
        if not await self.rematch_owed():
            return 0, 0
        me = await take_work(self.leases, REMATCH_LEASE, self.now_ms(), REMATCH_TTL_MS)
        if me is None:
            return None
        workers = min(os.cpu_count() or 1, 8)
        pool: MatchPool | None = None
        finished = False

        async def renew() -> None:
            await self.leases.renew(REMATCH_LEASE, me, self.now_ms(), REMATCH_TTL_MS)

        def pooled() -> MatchPool | None:
            nonlocal pool
            if pool is None and workers > 1:
                pool = MatchPool(self.store.db.path, self.thresholds, workers, self.weights)
            return pool

        try:
            if await self.backlog() > _INLINE:
                await self.refresh_index(on_indexing, pooled(), renew)
            await self.pair_up(on_pairing or on_indexing, renew)
            linked = suggested = 0
            if await self.store.pending_rematch() is not None:
                total = await self.store.count_unlinked_after(0)
                linked, suggested = await self._rematch(
                    pooled() if total >= _POOL_THRESHOLD else pool, renew, on_progress
                )
            # The authors that waited for the backlog (a re-match took most of them).
            linked += await self.match_pending(pool)
            finished = True
        finally:
            if pool is not None:
                pool.close(wait=finished)
            await self.leases.release(REMATCH_LEASE, me)
        return linked, suggested

    async def _rematch(
        self,
        pool: MatchPool | None,
        renew: Callable[[], Awaitable[None]],
        on_progress: Callable[[int, int], None] | None,
    ) -> tuple[int, int]:
        """The owed re-match of unlinked authors, a page at a time from where it stopped."""
        linked = suggested = done = 0
        while (owed := await self.store.pending_rematch()) is not None:
            after = owed.after_id
            total = done + await self.store.count_unlinked_after(after)
            current = True
            authors = await self.store.unlinked_after(after, _PAGE)
            deciding = asyncio.ensure_future(self._decide(authors, pool))
            try:
                while current and authors:
                    outcomes = await deciding
                    after = authors[-1].id
                    # The next page is matched while this one is written.
                    authors = await self.store.unlinked_after(after, _PAGE)
                    deciding = asyncio.ensure_future(self._decide(authors, pool))
                    # The lock per page: this process's own new authors are
                    # matched between pages rather than after the whole re-match.
                    async with self._lock:
                        page = await self._record(outcomes)
                    linked, suggested = linked + page[0], suggested + page[1]
                    done += len(outcomes)
                    current = await self.store.advance_rematch(
                        owed.generation, after, self.now_ms()
                    )
                    await renew()
                    if on_progress is not None:
                        on_progress(done, max(total, done))
            finally:
                deciding.cancel()
            if current and await self.store.finish_rematch(owed.generation):
                break
            # A newer import owes a re-match from the first author: go again.
        return linked, suggested

    # ---------------------------------------------------------------- the link pane

    async def author(self, mention_id: int) -> AuthorInfo | None:
        return await self.store.author_of_mention(mention_id)

    async def candidates(self, author: AuthorInfo) -> list[Suggestion]:
        """The stored suggestions, or a fresh match when there are none (rejected excluded)."""
        stored = await self.store.suggestions(author.id)
        if stored:
            return stored
        matcher = await self.matcher()
        rejected = (await self.store.rejections([author.id])).get(author.id, set())
        if author.customer_id is not None:
            rejected = rejected | {author.customer_id}
        result = await asyncio.to_thread(
            matcher.match,
            author.channel,
            author.handle,
            author.display_name,
            rejected,
            author.url,
            proven=author.proven,
        )
        cards = {
            card.id: card
            for card in await self.store.customer_cards([c.customer_id for c in result.candidates])
        }
        return [
            Suggestion(cards[c.customer_id], c.score, c.fields, c.probability)
            for c in result.candidates
            if c.customer_id in cards
        ]

    async def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Customers by name, e-mail, company or handle, best first, typos forgiven.

        Each field is scored on its own and a customer counts by their best field, so
        "Amelia MacLeod" finds her by name before anyone whose e-mail shares a word.
        Up to _SCAN_ALL customers every one is scored; beyond, the shared index picks
        the few hundred worth scoring (words, typos, the last word as a prefix), so a
        keystroke costs the same at a million customers.
        """
        text = text.strip()
        if not text:
            first = await self.store.customer_cards(await self.index.first_live(limit))
            return [SearchHit(card, 0.0) for card in first]
        await self.matcher()  # a small backlog indexed first
        indexed = await self.index.population()
        waiting = await self.backlog()
        if indexed + waiting <= _SCAN_ALL and waiting <= _INLINE:
            cards = list((await self.cards()).values())
        else:
            ids = await self._stoppable(lambda finder: finder.search_pool(text))
            if waiting:  # not indexed yet: found by name, handle or e-mail as typed
                ids += await self._stoppable(lambda finder: finder.search_unindexed(text))
            cards = await self.store.customer_cards(list(dict.fromkeys(ids)))
        return await asyncio.to_thread(self._search, text, cards, limit)

    async def _stoppable(self, call: Callable[[Matcher], list[int]]) -> list[int]:
        """`call(finder)` in a thread, on the search's own index connection: a search
        cancelled meanwhile (the next key's replaced it) is stopped in SQLite, so the
        next one never waits for it to run to its end."""
        if self._finder_reader is None or self._finder is None:
            self._finder_reader = MatchIndexReader(self.store.db.path)
            self._finder = Matcher(
                thresholds=self.thresholds, index=SharedIndex(self._finder_reader)
            )
        reader, finder, stop = self._finder_reader, self._finder, threading.Event()
        try:
            return await asyncio.to_thread(reader.run_stoppable, lambda: call(finder), stop)
        except asyncio.CancelledError:
            reader.stopped(stop)
            raise

    async def indexing(self) -> bool:
        """Customers wait to be indexed in the background: a search may not find them
        all until it is done (the search screen says so)."""
        return await self.backlog() > _INLINE

    def _search(self, text: str, cards: list[CustomerCard], limit: int) -> list[SearchHit]:
        best: dict[int, float] = {}
        # (choices, owner of each choice, weight): a name hit outranks the same score
        # on a company that many customers share.
        fields: list[tuple[list[str], list[int], float]] = [
            ([c.name for c in cards], [c.id for c in cards], 1.0),
        ]
        for name in ("email", "company"):
            pairs = [(value, c.id) for c in cards if (value := getattr(c, name))]
            fields.append(([v for v, _ in pairs], [i for _, i in pairs], 0.97))
        handles = [(handle, c.id) for c in cards for _, handle in c.handles]
        fields.append(([h for h, _ in handles], [i for _, i in handles], 0.99))
        for choices, owners, weight in fields:
            found = process.extract(
                text,
                choices,
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                limit=limit * 3,
                score_cutoff=60,
            )
            for _, score, index in found:
                owner = owners[index]
                best[owner] = max(best.get(owner, 0.0), score * weight)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        by_id = {card.id: card for card in cards}
        return [SearchHit(by_id[i], score) for i, score in ranked]

    async def card(self, customer_id: int) -> CustomerCard | None:
        found = await self.store.customer_cards([customer_id])
        return found[0] if found else None

    async def confirm(self, author_id: int, customer_id: int) -> None:
        await self.store.confirm(author_id, customer_id, self.agent, self.now_ms())

    async def reject(self, author_id: int, customer_id: int) -> None:
        await self.store.reject(author_id, customer_id, self.agent, self.now_ms())

    async def undo(self, author_id: int) -> str | None:
        return await self.store.undo(author_id, self.agent, self.now_ms())

    async def create_customer(self, author: AuthorInfo, name: str | None = None) -> int:
        """A new customer with the author's handle as identity, named `name` (as the
        agent corrected it) or after the author."""
        name = (name or "").strip() or default_customer_name(author)
        outcome = await self.customers.import_batch(
            [
                CustomerIn(
                    name=name, identities=((networks.network(author.channel).name, author.handle),)
                )
            ],
            agent=self.agent,
            source=f"{author.channel} author",
            now_ms=self.now_ms(),
        )
        customer_id = outcome.ids[0]
        await self.store.created_link(author.id, customer_id, self.agent, self.now_ms())
        return customer_id
