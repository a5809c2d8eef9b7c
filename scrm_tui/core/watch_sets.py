"""Which watch set a mention belongs to: the brand's own terms, or a competitor's.

One rule for every way in (a network's search, `scrm ingest`, the demo): a mention
whose text matches the brand's terms is the brand's, even when a competitor's search
found it; otherwise the search that found it decides; a mention from a file (no
search) goes to the first competitor, in the config's order, whose terms its text
matches, and to the brand when none does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scrm_tui.core.config import Competitor
from scrm_tui.core.watch import Watch, WatchError, fold, parse_watch


@dataclass(frozen=True)
class WatchSets:
    brand: Watch | None  # None: no brand terms known (only a search can say "brand")
    competitors: tuple[tuple[str, Watch], ...]  # (key, terms), in the config's order

    @classmethod
    def of(
        cls, brand_terms: str | None, brand_words: Iterable[str], competitors: Sequence[Competitor]
    ) -> WatchSets:
        """From `[watch] terms` (else the brand's name, as the demo gives it) and
        `[watch.competitors]` (checked when the config was read)."""
        words = [w for w in brand_words if w.strip()]
        source = brand_terms or " OR ".join(f'"{w}"' for w in words)
        try:
            brand = parse_watch(source) if source else None
        except WatchError:
            brand = None
        return cls(brand, tuple((c.key, parse_watch(c.terms)) for c in competitors))

    def mark(self, text: str, found_for: str | None = None) -> str | None:
        """The set for a mention: None for the brand (stored as NULL), else the
        competitor's key. `found_for`: the set whose search found it, if one did."""
        folded = fold(text)
        if self.brand is not None and self.brand.holds(folded):
            return None
        if found_for is not None:
            return found_for or None
        for key, watch in self.competitors:
            if watch.holds(folded):
                return key
        return None
