"""Bulk actions: a selection's mentions read in batches, each batch written in its own
transaction with progress, stoppable between batches, journaled; and `undo` of an
agent's last action, batch by batch, leaving alone what others changed since."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from scrm_tui.core.models import SentimentLabel, Status
from scrm_tui.core.selection import Selection
from scrm_tui.core.tags import TagEdit
from scrm_tui.store.bulk import Action, Change, Journal
from scrm_tui.store.bulk_changes import (
    AssignChange,
    MoodChange,
    ReadChange,
    SnoozeChange,
    StatusChange,
    TagChange,
)
from scrm_tui.store.db import Database
from scrm_tui.store.mentions import Key, MentionStore

__all__ = [
    "BATCH",
    "Action",
    "AssignChange",
    "Bulk",
    "Change",
    "MoodChange",
    "Outcome",
    "ReadChange",
    "SnoozeChange",
    "StatusChange",
    "TagChange",
    "Undone",
    "from_params",
]

BATCH = 500  # mentions per transaction: other agents' writes go in between
Progress = Callable[[int, int], None]  # (mentions done, of how many)
Stop = Callable[[], bool]  # asked between batches: True stops there
Rebuild = Callable[[dict[str, Any]], Awaitable[Change]]


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did: `changed` of the `seen` mentions (some already were as
    asked); `stopped` part-way when asked to."""

    action_id: int | None
    changed: int
    seen: int
    stopped: bool


@dataclass(frozen=True)
class Undone:
    """An undo: `undone` mentions put back, `skipped` changed since by someone else
    (left as they are); `stopped` part-way (U again goes on)."""

    action: Action
    undone: int
    skipped: int
    stopped: bool


def _never() -> bool:
    return False


class Bulk:
    """Bulk actions and their undo, for one agent."""

    def __init__(self, db: Database, agent: str, now_ms: Callable[[], int]):
        self.db = db
        self.agent = agent
        self.now_ms = now_ms
        self.journal = Journal(db)
        # A store of its own: its temporary tables never clash with the list's.
        self.mentions = MentionStore(db, temp_prefix="bulk_hits")
        self._rebuild: dict[str, Rebuild] = {}
        for kind, make in (
            ("status", lambda p: StatusChange(Status(p["status"]))),
            ("read", lambda p: ReadChange(bool(p["read"]))),
            ("assign", lambda p: AssignChange(p["assignee"])),
            ("tag", lambda p: TagChange(tuple(p["add"]), tuple(p["remove"]))),
            ("snooze", lambda p: SnoozeChange(int(p["until"]), str(p["said"]))),
            ("sentiment", lambda p: MoodChange(p["label"] and SentimentLabel(p["label"]))),
        ):
            self.register(kind, from_params(make))

    def register(self, kind: str, rebuild: Rebuild) -> None:
        """How to make a `kind` of change again from its journal's params (to undo
        it after a restart). A new kind registers here (see docs/bulk-actions.md)."""
        self._rebuild[kind] = rebuild

    # ---------------------------------------------------------------- selections

    async def ids(self, selection: Selection, batch: int = BATCH) -> AsyncIterator[list[int]]:
        """The selected mentions, `batch` at a time: those picked one by one, then
        those the filter matches now among those stored up to the selection's mark,
        newest first, read by keyset (any number, never all at once)."""
        picked = sorted(selection.picked, reverse=True)
        for start in range(0, len(picked), batch):
            yield picked[start : start + batch]
        if selection.query is None:
            return
        skip = selection.excluded | selection.picked
        key: Key | None = None
        while True:
            keys = await self.mentions.keys_older(
                selection.query, self.agent, key, batch, selection.upto, now_ms=self.now_ms()
            )
            if not keys:
                return
            key = keys[-1]
            chosen = [mention_id for _, mention_id in keys if mention_id not in skip]
            if chosen:
                yield chosen

    async def recount(self, selection: Selection) -> Selection:
        """The selection with what its filter matches counted again (after an action
        that changed which mentions match it), so the top line stays true."""
        if selection.query is None:
            return selection
        now = self.now_ms()
        matched = await self.mentions.count(selection.query, self.agent, selection.upto, now_ms=now)
        still = await self.mentions.matching_among(
            selection.query, self.agent, sorted(selection.excluded), selection.upto, now_ms=now
        )
        return replace(selection, matched=matched, excluded=frozenset(still))

    async def first(self, selection: Selection) -> int | None:
        """The first mention an action on `selection` writes."""
        async for ids in self.ids(selection, batch=1):
            return ids[0]
        return None

    async def any_selected(self, selection: Selection, only: str) -> bool:
        """Whether any selected mention is `only` ("open", "unread", "untagged:TAG"...):
        what `x`, `u` and a toggled tag decide by."""
        if selection.picked and await self.mentions.ids_among(
            sorted(selection.picked), self.agent, only
        ):
            return True
        if selection.query is None:
            return False
        keys = await self.mentions.keys_older(
            selection.query,
            self.agent,
            None,
            len(selection.excluded) + 1,
            selection.upto,
            only,
            now_ms=self.now_ms(),
        )
        return any(mention_id not in selection.excluded for _, mention_id in keys)

    async def tag_change(self, selection: Selection, edit: TagEdit) -> TagChange:
        """The edit, its toggles decided: a toggled tag is added to all, unless every
        selected mention has it; then it goes from all."""
        add, remove = list(edit.add), list(edit.remove)
        for tag in edit.toggle:
            lacking = await self.any_selected(selection, f"untagged:{tag}")
            (add if lacking else remove).append(tag)
        return TagChange(tuple(add), tuple(remove))

    # ---------------------------------------------------------------- doing

    async def run(
        self,
        selection: Selection,
        change: Change,
        on_batch: Progress | None = None,
        stop: Stop = _never,
    ) -> Outcome:
        """Apply `change` to every selected mention, BATCH per transaction, each in the
        journal; `stop()` is asked between batches. One batch is one transaction, the
        journal's start and end included."""
        total = selection.count
        action_id: int | None = None
        changed = seen = 0
        stopped = False
        now = self.now_ms()
        batches = aiter(self.ids(selection))
        batch = await anext(batches, None)
        while batch is not None:
            # Read ahead: the last batch also closes the journal, in one transaction.
            following = await anext(batches, None)
            async with self.db.transaction() as conn:
                if action_id is None:
                    action_id = await self.journal.start_in(conn, change, self.agent, now)
                changed += await self.journal.apply_in(
                    conn, action_id, change, batch, self.agent, now
                )
                if following is None:
                    await self.journal.finish_in(
                        conn, action_id, change, self.agent, now, stopped=False
                    )
            seen += len(batch)
            if on_batch is not None:
                on_batch(seen, max(total, seen))
            if following is not None and stop():
                stopped = True
                async with self.db.transaction() as conn:
                    await self.journal.finish_in(
                        conn, action_id, change, self.agent, now, stopped=True
                    )
                break
            batch = following
        if action_id is not None:
            await self.journal.prune(self.agent)
        return Outcome(action_id, changed, seen, stopped)

    # ---------------------------------------------------------------- undoing

    async def last(self) -> Action | None:
        """This agent's last action with something left to undo (U walks back)."""
        return await self.journal.last(self.agent)

    async def undo(
        self,
        action: Action,
        on_batch: Progress | None = None,
        stop: Stop = _never,
    ) -> Undone:
        """Put back what `action` changed, BATCH per transaction; a mention another
        agent (or a rule) changed since, or that is no longer as it left it, is left
        alone and counted as skipped. Recorded in the history, stopped or not."""
        rebuild = self._rebuild.get(action.kind)
        if rebuild is None:
            raise ValueError(f"this version cannot undo a '{action.kind}' action")
        change = await rebuild(action.params)
        now = self.now_ms()
        done = undone = skipped = 0
        after = 0
        stopped = False
        while True:
            step = await self.journal.undo_batch(action, change, self.agent, now, after, BATCH)
            if step is None:
                break
            after, put_back, left_alone = step
            undone += put_back
            skipped += left_alone
            done += put_back + left_alone
            if on_batch is not None:
                on_batch(done, max(action.left, done))
            if stop():
                stopped = await self.journal.left(action.id) > 0
                break
        await self.journal.undone(action, self.agent, now, complete=not stopped)
        return Undone(action, undone, skipped, stopped)


def from_params(make: Callable[[dict[str, Any]], Change]) -> Rebuild:
    """A rebuild for a change made from its params alone (no look-up needed)."""

    async def rebuild(params: dict[str, Any]) -> Change:
        return make(params)

    return rebuild
