"""Which customer an unknown author probably is: an index over names, handles and e-mails.

A package along the matcher's seams: names (words, nicknames, handles), the customers
and authors prepared from them, the scorer, the index, the candidate search, the
matcher. What other modules use is importable from here.
"""

from __future__ import annotations

from scrm_tui.enrich.matching.index import CandidateIndex, MemoryIndex
from scrm_tui.enrich.matching.matcher import Matcher, shown_features
from scrm_tui.enrich.matching.names import fold, handle_core, name_tokens, nicknames
from scrm_tui.enrich.matching.records import (
    DEFAULT_THRESHOLDS,
    Candidate,
    CustomerKey,
    MatchResult,
    Thresholds,
)
from scrm_tui.enrich.matching.rows import IndexRows, entry_from_json, index_rows, prepared

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Candidate",
    "CandidateIndex",
    "CustomerKey",
    "IndexRows",
    "MatchResult",
    "Matcher",
    "MemoryIndex",
    "Thresholds",
    "entry_from_json",
    "fold",
    "handle_core",
    "index_rows",
    "name_tokens",
    "nicknames",
    "prepared",
    "shown_features",
]
