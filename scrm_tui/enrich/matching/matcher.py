"""The matcher: candidates scored, calibrated and decided (auto, suggest or none)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from scrm_tui.enrich.gc_pause import paused
from scrm_tui.enrich.match_model import Weights, default_weights, features
from scrm_tui.enrich.matching.candidates import CandidateSearch
from scrm_tui.enrich.matching.index import CandidateIndex, MemoryIndex
from scrm_tui.enrich.matching.lookup import _Lookup
from scrm_tui.enrich.matching.names import _LETTERS, _compact, _letters, fold, handle_core
from scrm_tui.enrich.matching.prepare import _Author, _author, _Entry
from scrm_tui.enrich.matching.records import (
    DEFAULT_THRESHOLDS,
    Candidate,
    CustomerKey,
    MatchResult,
    Thresholds,
)
from scrm_tui.enrich.matching.rows import name_probes
from scrm_tui.enrich.matching.scorer import _Scorer
from scrm_tui.enrich.matching.tuning import _SCORE_CHUNK


class Matcher(CandidateSearch):
    """Customers indexed by name words, handle and e-mail keys, with a one-edit fuzzy lookup.

    `match()` gathers candidates from the index (never every customer), scores each with
    `_Scorer`, links automatically only when sure, and suggests up to three otherwise.
    The index is the matcher's own (MemoryIndex) unless one is given (SharedIndex).
    """

    def __init__(
        self,
        customers: Iterable[CustomerKey] = (),
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        index: CandidateIndex | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.thresholds = thresholds
        # The match model's weights: refitted from the agents' decisions when the
        # database holds some (service/linking.py), else the shipped ones.
        self.weights = weights or default_weights()
        self._memory = MemoryIndex(customers) if index is None else None
        self.index: CandidateIndex = self._memory if self._memory is not None else index  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.index.population()

    def __contains__(self, customer_id: object) -> bool:
        return isinstance(customer_id, int) and bool(self.index.entries((customer_id,)))

    def add(self, customer: CustomerKey) -> None:
        """Insert or replace (same id) one customer (own index only)."""
        assert self._memory is not None, "a shared index follows the customers table"
        self._memory.add(customer)

    def remove(self, customer_id: int) -> None:
        assert self._memory is not None, "a shared index follows the customers table"
        self._memory.remove(customer_id)

    def match(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int] = (),
        url: str | None = None,
        as_unknown: bool = False,
        proven: Collection[str] = (),
    ) -> MatchResult:
        """Who this author probably is: "auto" when sure, else up to three suggestions.
        `url` is the author's profile or website, where the network gives one; `proven`
        the links the network proved theirs (core/domains.proven). With `as_unknown`, the
        customers' identity equal to the author's own handle on its own network is left
        out (a confirmed author, scored as it was before)."""
        prune = not self.index.in_memory
        with paused(), self.index.remembering():
            return self._run(
                channel,
                handle,
                display_name,
                exclude,
                self._candidates,
                prune,
                url,
                as_unknown,
                proven,
            )

    def scan(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int] = (),
        url: str | None = None,
        proven: Collection[str] = (),
    ) -> MatchResult:
        """`match()` by brute force over every customer: the yardstick for the index's recall."""
        return self._run(
            channel,
            handle,
            display_name,
            exclude,
            lambda _a, _l: set(self.index.all_ids()),
            url=url,
            proven=proven,
        )

    def score(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        customer_id: int,
        url: str | None = None,
        proven: Collection[str] = (),
    ) -> Candidate | None:
        """How this author scores against one customer, as `match()` would score them
        (its probability as if it were the only candidate shown)."""
        author = _author(channel, handle, display_name, url, proven)
        lookup = _Lookup(self.index)
        entries = self.index.entries((customer_id,))
        if customer_id not in entries:
            return None
        return self._calibrated(self._scored(author, lookup, entries))[0]

    def _run(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int],
        pool: Callable[[_Author, _Lookup], set[int]],
        prune: bool = False,
        url: str | None = None,
        as_unknown: bool = False,
        proven: Collection[str] = (),
    ) -> MatchResult:
        author = _author(channel, handle, display_name, url, proven)
        if as_unknown:
            author = replace(author, own=(channel, _compact(handle_core(channel, handle))))
        lookup = _Lookup(self.index)
        ids = pool(author, lookup)
        ids.difference_update(exclude)
        # Customers still waiting to be indexed, as they are now (an edited one's
        # indexed entry is stale).
        fresh = {
            i: e
            for i, e in self.index.unindexed(channel, handle, name_probes(display_name)).items()
            if i not in exclude
        }
        if prune:
            return self._decide(self._top_scored(author, lookup, ids - fresh.keys(), fresh))
        entries = dict(self.index.entries(ids))
        entries.update(fresh)
        return self._decide(self._scored(author, lookup, entries))

    def _top_scored(
        self, author: _Author, lookup: _Lookup, ids: Collection[int], fresh: Mapping[int, _Entry]
    ) -> list[Candidate]:
        """`_scored()` of the candidates that can make `_decide()`'s answer, the same
        answer as scoring them all: the others are never read.

        Candidates are scored from the highest ceiling down (_Scorer.ceiling: what their
        row lets them score at most, ties by id, as _decide ranks). Once the next one's
        (ceiling, id) ranks below the third best scored so far, neither it nor any after
        it can be among the three shown. One whose ceiling is below the suggestion floor
        is never shown either, and cannot change the decision: an automatic link needs
        a best of at least `auto` (above the floor) that is `margin` ahead of the second,
        and any second below the floor is that far behind.
        """
        lookup.want(w for v in author.names for w in v)
        scorer = _Scorer(author, lookup.df, self.index.population())
        scored = [scorer.score(e) for e in self._wanted(lookup, fresh.values())]
        top = sorted((-c.score, c.customer_id) for c in scored)[:3]
        rows = lookup.describe(ids)
        described = [rows[i] for i in ids if i in rows]
        scorer.learn_closeness(w for text, _, words in described for w in (*words, *text.split()))
        ceiling = {i: scorer.ceiling(*rows[i]) for i in ids if i in rows}
        order = sorted(ceiling, key=lambda i: (-ceiling[i], i))
        floor = self.thresholds.suggest
        # The weights of the names of the first few chunks, which are usually all that
        # is scored, read in one go rather than a chunk at a time.
        ahead = order[: _SCORE_CHUNK * 3]
        lookup.want(w for i in ahead if ceiling[i] >= floor for w in rows[i][0].split())
        at = 0
        while at < len(order):
            chunk: list[int] = []
            while at < len(order) and len(chunk) < _SCORE_CHUNK:
                i = order[at]
                if ceiling[i] < floor or (len(top) >= 3 and (-ceiling[i], i) > top[2]):
                    at = len(order)
                    break
                chunk.append(i)
                at += 1
            entries = self.index.entries(chunk) if chunk else {}
            for entry in self._wanted(lookup, entries.values()):
                candidate = scorer.score(entry)
                scored.append(candidate)
                top = sorted([*top, (-candidate.score, candidate.customer_id)])[:3]
        return scored

    @staticmethod
    def _wanted(lookup: _Lookup, entries: Iterable[_Entry]) -> list[_Entry]:
        """`entries`, their words' weights read before any is scored (a weight the scorer
        computed before its document frequency was read would be wrong)."""
        listed = list(entries)
        lookup.want(w for e in listed for v in e.names for w in v)
        lookup.want(w for e in listed for w in e.alias)
        return listed

    def _scored(
        self, author: _Author, lookup: _Lookup, entries: Mapping[int, _Entry]
    ) -> list[Candidate]:
        lookup.want(w for e in entries.values() for v in e.names for w in v)
        lookup.want(w for e in entries.values() for w in e.alias)
        lookup.want(w for v in author.names for w in v)
        scorer = _Scorer(author, lookup.df, self.index.population())
        return [scorer.score(entry) for entry in entries.values()]

    def search_pool(self, text: str, cap: int = 300) -> list[int]:
        """Customers worth showing for a search as typed, most promising first: those
        holding the most of its words (typos forgiven), the last word as a prefix too,
        and exact handle or e-mail keys first. Never more than `cap`."""
        lookup = _Lookup(self.index)
        words = _LETTERS.findall(fold(text))
        hits: Counter[int] = Counter()
        for key in {_compact(text), _letters(_compact(text))} - {""}:
            for i in self.index.keyed(key):
                hits[i] += 100
        for n, word in enumerate(words):
            found = (
                set(self.index.holders(self._matches(word, lookup))) if len(word) >= 2 else set()
            )
            if n == len(words) - 1 and len(word) >= 2:
                found |= self.index.prefixed(word, cap * 10)  # still being typed
            hits.update(found)  # counted in C: a common name brings tens of thousands
        # Most hits first, then by id: a stable sort by count over the ids in order,
        # with no Python key function per customer.
        return sorted(sorted(hits), key=hits.__getitem__, reverse=True)[:cap]

    def search_unindexed(self, text: str) -> list[int]:
        """Customers not indexed yet whose name starts with `text`, or who hold it as a
        handle or e-mail (case aside): a search while a backlog is indexed."""
        text = text.strip()
        found = self.index.unindexed("", text.lstrip("@"), [text], [text]) if text else {}
        return sorted(found)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, scored: list[Candidate]) -> MatchResult:
        """The three best by score (the index guarantees those, and no others), each
        given its probability, then shown most probable first; linked automatically on
        evidence a name cannot fake, or on a probability at `auto` for a name no other
        customer shares."""
        limits = self.thresholds
        scored.sort(key=lambda c: (-c.score, c.customer_id))
        shown = self._calibrated([c for c in scored[:3] if c.score >= limits.suggest])
        if not shown:
            return MatchResult("none", ())
        best = shown[0]
        if limits.evidence and best.evidence and not any(c.evidence for c in shown[1:]):
            return MatchResult("auto", shown)
        runner_up = max((c.score for c in scored[:3] if c is not best), default=0.0)
        if (
            best.probability * 100 >= limits.auto
            and best.score - runner_up >= limits.margin
            and not self._name_shared(best)
        ):
            return MatchResult("auto", shown)
        return MatchResult("suggest", shown)

    def _calibrated(self, shown: list[Candidate]) -> tuple[Candidate, ...]:
        """`shown` with their probabilities, most probable first (then by score, id)."""
        shown = [c.pending[0].compared(c) if c.pending else c for c in shown]
        out = [
            c
            if f is None
            else Candidate(
                c.customer_id,
                c.score,
                c.fields,
                round(self.weights.probability(f), 4),
                c.evidence,
                c.comparison,
            )
            for c, f in zip(shown, shown_features(shown), strict=True)
        ]
        out.sort(key=lambda c: (-c.probability, -c.score, c.customer_id))
        return tuple(out)

    def _name_shared(self, candidate: Candidate) -> bool:
        """Whether another customer holds this customer's whole name (as one key)."""
        entry = self.index.entries((candidate.customer_id,)).get(candidate.customer_id)
        if entry is None or not entry.names:
            return True
        holders = self.index.keyed("".join(entry.names[0]), 2)
        return len(holders - {candidate.customer_id}) > 0


def shown_features(shown: Sequence[Candidate]) -> list[dict[str, float] | None]:
    """The match model's inputs for each candidate shown together (match_model.features):
    each is weighed against the best of the others, and a name another shown customer
    holds exactly, or another's company domain under the author's account, is flagged."""
    out: list[dict[str, float] | None] = []
    for c in shown:
        if c.comparison is None:
            out.append(None)
            continue
        others = [o.comparison for o in shown if o is not c and o.comparison is not None]
        rival = max((o.score for o in shown if o is not c), default=0.0)
        same = c.comparison.name >= 97 and any(o.name >= 97 for o in others)
        on_domain = any(o.on_domain for o in others)
        out.append(features(c.comparison, rival, same, on_domain))
    return out
