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
import threading
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from scrm_tui.core import networks
from scrm_tui.core.models import CustomerIn
from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.service.linking_index import _INLINE
from scrm_tui.service.linking_match import REMATCH_LEASE, REMATCH_TTL_MS, LinkerMatching
from scrm_tui.store.linking import AuthorInfo, CustomerCard, Suggestion
from scrm_tui.store.match_index import MatchIndexReader

__all__ = [
    "REMATCH_LEASE",
    "REMATCH_TTL_MS",
    "AuthorInfo",
    "CustomerCard",
    "Linker",
    "SearchHit",
    "Suggestion",
]

# Customer search scores every customer up to this many; beyond, those the index picks.
_SCAN_ALL = 20_000


@dataclass(frozen=True)
class SearchHit:
    customer: CustomerCard
    score: float


def _search_text(card: CustomerCard) -> str:
    handles = " ".join(handle for _, handle in card.handles)
    return " ".join(part for part in (card.name, card.email, card.company, handles) if part)


def default_customer_name(author: AuthorInfo) -> str:
    """What a customer made from this author is called unless someone says otherwise."""
    return (author.display_name or "").strip() or author.handle


class Linker(LinkerMatching):
    """Matching and linking for one process and one agent: the link pane's actions here."""

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
            self._finder_reader = MatchIndexReader(self.store.db.target)
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
