"""The matcher's candidate index in the database file, shared by every process that matches.

Triggers (schema step 20) mark each customer whose name, e-mail, company, merge or
identities change in `match_dirty`; `MatchIndexStore.apply` writes what the matcher made
of them in short transactions. `MatchIndexReader` answers the matcher's lookups on a
plain read-only connection, from the worker thread that matches: no process holds a copy
of the customers, and none builds anything to start matching. Each customer is also
indexed under each pair of two different words it holds (`match_pairs`, step 23), so
that a common first name and a common surname meet in one short list.
"""

from __future__ import annotations

from scrm_tui.store.match_index.reader import MatchIndexReader
from scrm_tui.store.match_index.records import CustomerRecord, IndexedCustomer, pair_keys
from scrm_tui.store.match_index.writer import MatchIndexStore

__all__ = ["CustomerRecord", "IndexedCustomer", "MatchIndexReader", "MatchIndexStore", "pair_keys"]
