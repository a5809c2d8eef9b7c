"""Tagging mentions and customers, and renaming or merging tags for the whole database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process

from scrm_tui.core import sanitize
from scrm_tui.core.tags import TagEdit, TagError, check_tag
from scrm_tui.service.assignment import Progress
from scrm_tui.store.db import Database
from scrm_tui.store.tags import BATCH, TagCount, TagStore

__all__ = ["TagCount", "TagError", "TagOutcome", "edit_mention_tags", "merge_tags", "rename_tag"]


@dataclass(frozen=True)
class TagOutcome:
    """What an edit did: how many mentions (or customers) changed, and the tags it
    added and removed (a toggle becomes one or the other)."""

    changed: int
    added: tuple[str, ...]
    removed: tuple[str, ...]


async def edit_mention_tags(
    db: Database,
    ids: Sequence[int],
    edit: TagEdit,
    agent: str,
    now_ms: int,
    on_batch: Progress | None = None,
) -> TagOutcome:
    """Apply `edit` to every mention of `ids` (any number), BATCH per transaction.
    A toggled tag is removed when every one of them has it, else added to all."""
    store = TagStore(db)
    add, remove = list(edit.add), list(edit.remove)
    if edit.toggle:
        held = await store.holders(ids, edit.toggle)
        for tag in edit.toggle:
            (remove if held[tag] >= len(ids) else add).append(tag)
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        changed += len(await store.edit_mentions(batch, add, remove, agent, now_ms))
        if on_batch is not None:
            on_batch(min(start + BATCH, len(ids)), len(ids))
    return TagOutcome(changed, tuple(add), tuple(remove))


async def edit_customer_tags(
    db: Database, customer_id: int, edit: TagEdit, agent: str, now_ms: int
) -> TagOutcome:
    added, removed = await TagStore(db).edit_customer(
        customer_id, edit.add, edit.remove, edit.toggle, agent, now_ms
    )
    return TagOutcome(int(bool(added or removed)), tuple(added), tuple(removed))


class UnknownTag(ValueError):
    """A tag named on the command line that nothing has; the message says what does."""


async def _known(store: TagStore, names: Sequence[str]) -> list[str]:
    """The tags `names` (checked), each one in use, or UnknownTag naming the closest."""
    tags = [check_tag(name) for name in names]
    in_use = await store.in_use()
    for tag in tags:
        if tag not in in_use:
            closest = [name for name, _, _ in process.extract(tag, in_use, limit=3)]
            hint = (
                f"; closest: {', '.join(sanitize.for_message(t) for t in closest)}"
                if closest
                else "; no tags are in use"
            )
            raise UnknownTag(f"no tag '{sanitize.for_message(tag)}' is in use{hint}")
    return tags


async def rename_tag(db: Database, old: str, new: str, agent: str, now_ms: int) -> tuple[int, int]:
    """Rename a tag everywhere; returns (mentions, customers). A new name already in use
    is refused: that is a merge, and it says so."""
    store = TagStore(db)
    (source,) = await _known(store, [old])
    target = check_tag(new)
    if target != source and target in await store.in_use():
        raise UnknownTag(
            f"tag '{target}' is already in use; to fold '{source}' into it: "
            f"scrm tags merge {source} --into {target}"
        )
    return await store.merge([source], target, agent, now_ms, verb="renamed")


async def merge_tags(
    db: Database, sources: Sequence[str], into: str, agent: str, now_ms: int
) -> tuple[int, int]:
    """Everything tagged with any of `sources` is tagged `into` instead (a new or an
    existing tag); returns (mentions, customers) that had a source tag."""
    store = TagStore(db)
    tags = await _known(store, sources)
    return await store.merge(tags, check_tag(into), agent, now_ms, verb="merged")
