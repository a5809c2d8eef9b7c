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

__all__ = [
    "TagCount",
    "TagError",
    "TagOutcome",
    "UnknownTag",
    "edit_mention_tags",
    "merge_tags",
    "rename_tag",
    "tag_counts",
]


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


async def tag_counts(db: Database) -> list[TagCount]:
    """Every tag, A to Z, with how many mentions and customers have it."""
    return await TagStore(db).counts()


class UnknownTag(ValueError):
    """A tag named on the command line that nothing has; the message says what does."""


def _unknown(tag: str, in_use: Sequence[str]) -> UnknownTag:
    """No such tag: name the likeliest ones meant, else some that exist."""
    shown = [sanitize.for_message(t) for t in in_use]
    close = [name for name, _, _ in process.extract(tag, in_use, limit=3, score_cutoff=60)]
    if close:
        hint = f"; did you mean {' or '.join(sanitize.for_message(t) for t in close)}?"
    elif in_use:
        hint = f" (in use: {', '.join(shown[:8])}{', …' if len(shown) > 8 else ''})"
    else:
        hint = "; no tags are in use yet"
    return UnknownTag(f"no tag '{sanitize.for_message(tag)}' is in use{hint}")


async def _known(store: TagStore, names: Sequence[str]) -> list[str]:
    """The tags `names` (checked), each one in use, or UnknownTag."""
    tags = [check_tag(name) for name in names]
    in_use = await store.in_use()
    for tag in tags:
        if tag not in in_use:
            raise _unknown(tag, in_use)
    return tags


async def rename_tag(db: Database, old: str, new: str, agent: str, now_ms: int) -> tuple[int, int]:
    """Rename a tag everywhere; returns (mentions, customers). A new name already in use
    is refused: that is a merge, and it says so."""
    store = TagStore(db)
    (source,) = await _known(store, [old])
    target = check_tag(new)
    if target == source:
        raise UnknownTag(f"tag '{source}' is already called that")
    if target in await store.in_use():
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
    target = check_tag(into)
    tags = [tag for tag in await _known(store, sources) if tag != target]
    if not tags:
        raise UnknownTag(f"nothing to merge: every tag given is '{target}' already")
    return await store.merge(tags, target, agent, now_ms, verb="merged")
