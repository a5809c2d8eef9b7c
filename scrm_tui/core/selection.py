"""What the bulk keys act on: mentions picked one by one, or everything a filter matches.

A selection of "everything the filter matches" is kept as the filter itself (plus the
mentions taken out of it again with space), never as a list of ids: selecting a
million mentions costs one count, and the ids are read in batches when an action runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scrm_tui.core.query import Query


@dataclass(frozen=True)
class Selection:
    """`picked`: mentions chosen one by one (space). With `query`: also every mention
    matching it among those stored up to id `upto` (`T`), `matched` of them when they
    were counted, less `excluded` (taken out again with space)."""

    picked: frozenset[int] = frozenset()
    query: Query | None = None
    upto: int = 0
    matched: int = 0
    excluded: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, ids: Iterable[int]) -> Selection:
        return cls(picked=frozenset(ids))

    @classmethod
    def matching(cls, query: Query, upto: int, matched: int) -> Selection:
        return cls(query=query, upto=upto, matched=matched)

    @property
    def count(self) -> int:
        """How many mentions are selected (those matching counted when selected)."""
        return len(self.picked) + (self.matched - len(self.excluded) if self.query else 0)

    @property
    def is_empty(self) -> bool:
        return self.count <= 0

    @property
    def is_whole_filter(self) -> bool:
        """Everything a filter matched, none taken out or added: `T` again clears it."""
        return self.query is not None and not self.excluded and not self.picked

    def _in_filter(self, mention_id: int, shown: Query | None) -> bool:
        """Whether a mention listed under the filter `shown` is one `T` selected."""
        return self.query is not None and shown == self.query and mention_id <= self.upto

    def has(self, mention_id: int, shown: Query | None) -> bool:
        """Whether a mention listed under the filter `shown` is selected."""
        if self._in_filter(mention_id, shown):
            return mention_id not in self.excluded
        return mention_id in self.picked

    def toggled(self, mention_id: int, shown: Query | None) -> Selection:
        """Space on a mention listed under `shown`: in or out of the selection."""
        if self._in_filter(mention_id, shown):
            return Selection(
                self.picked, self.query, self.upto, self.matched, self.excluded ^ {mention_id}
            )
        return Selection(
            self.picked ^ {mention_id}, self.query, self.upto, self.matched, self.excluded
        )

    def for_view(self, shown: Query) -> Selection:
        """The selection kept when the list shows `shown`: one of everything a filter
        matched belongs to that filter, so another filter leaves only the picked."""
        if self.query is None or self.query == shown:
            return self
        return Selection.of(self.picked)
