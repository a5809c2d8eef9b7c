"""Storing mentions: new ones scored and written once, marked, matched, and the rules applied."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from scrm_tui.core.models import MentionIn, NewMention
from scrm_tui.core.watch_sets import WatchSets
from scrm_tui.enrich import language
from scrm_tui.enrich.reading import read_many
from scrm_tui.service.inbox.base import InboxBase
from scrm_tui.service.priority import StaleWeights
from scrm_tui.store.db import StoreError

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

# Below this many texts, scoring inline beats the cost of a thread hop.
_THREAD_THRESHOLD = 32


@dataclass
class IngestResult:
    stored: list[int] = field(default_factory=list)
    duplicates: int = 0


class StoredThenFailed(StoreError):
    """The batch was committed, then what follows a commit (matching its authors, the
    rules) met a database error: `result` says what is stored all the same."""

    def __init__(self, error: StoreError, result: IngestResult) -> None:
        super().__init__(str(error))
        self.result = result


class InboxStoring(InboxBase):
    """Ingest: what arrives, scored, stored once, then told to listeners."""

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
        keys = [(str(m.channel), m.external_id) for m in mentions]
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
        result = IngestResult(stored=stored, duplicates=offered - len(stored))
        if stored:
            failed: StoreError | None = None
            try:
                # Before anyone is told: a new mention shows up already matched, and the
                # rules see whose it is (customer:, tier:).
                await self.linker.match_pending()
                if self.config.rules or self.config.auto_assign:
                    from scrm_tui.service import rules

                    # One batch's ids are consecutive: insert_batch stores them in one
                    # transaction. (cast: Inbox is the one class made of these parts.)
                    await rules.apply(cast("Inbox", self), self.config, stored[0] - 1, stored[-1])
            except StoreError as error:
                failed = error  # the rows are committed: they are told, and counted
            for listener in list(self._listeners):
                listener(stored)
            if failed is not None:
                raise StoredThenFailed(failed, result) from failed
        return result

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
