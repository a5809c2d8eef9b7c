"""The customers worth scoring for an author, found through the index (never all)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Set

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from scrm_tui.enrich.matching.index import CandidateIndex
from scrm_tui.enrich.matching.lookup import _by_name_score, _Lookup, _Slot
from scrm_tui.enrich.matching.names import nicknames
from scrm_tui.enrich.matching.prepare import _SPELLING_KEY_WEIGHT, _Author, _author, _domain_labels
from scrm_tui.enrich.matching.rows import _NOTHING
from scrm_tui.enrich.matching.similarity import (
    _closest_names,
    _fuzzy_probes_of,
    _grouped,
    _handle_cuts,
    _same_letters,
)
from scrm_tui.enrich.matching.tuning import (
    _BY_NAME,
    _COMMON_HANDLE_WORD,
    _CUT_CAP,
    _CUT_HANDLE,
    _FUZZY_LENGTHS,
    _KEY_CAP,
    _RARE,
    _RESCUE,
)

_MAX_SCORED = 80  # candidates scored exactly per match() (+ _BY_NAME); the rest are ranked coarsely
# A word whose holders (near words and nicknames included) are no more than this many
# has them read; a common one is counted and met through pairs and candidates' words.
_READ_SLOT = 1000
# ... but when that many of a big pool's candidates are in question that reading their
# rows would cost more (a row read and decoded costs about as much as this many holder
# ids, measured at a million customers), its holders are read instead, up to
# _HOLDERS_READ of them (a few hundred KB; a batch keeps a few such sets).
_HOLDER_PER_ROW = 8
_HOLDERS_READ = 50_000


class _Holding:
    """Which candidates hold a slot's words: from the slot's holders when they were read,
    else from the words each candidate holds (read once, for the few in the pool, with
    their names and handles: what ranks those left over by closeness), or, when many
    candidates are in question and the slot's holders are not too many for that, from
    the slot's holders read after all (_HOLDER_PER_ROW): the same answer either way,
    since a customer's indexed words and the word index hold the same words."""

    def __init__(self, lookup: _Lookup, slots: Iterable[_Slot]) -> None:
        self.lookup = lookup
        self._among = frozenset(w for s in slots if s.held is None for w in s.words)
        self._words: dict[int, Set[str]] = {}
        self._holders: dict[frozenset[str], Set[int]] = {}  # slot words -> holders, if read
        # (a pair's words, the customers it found): they hold both. Kept as the sets
        # the index gave, not per customer: a common name's pairs find thousands.
        self._found: list[tuple[frozenset[str], Set[int]]] = []
        self._through: dict[frozenset[str], set[int]] = {}  # slot words -> found through them

    def known(self, ids: Set[int], words: Iterable[str]) -> None:
        self._found.append((frozenset(words), ids))

    def _through_pairs(self, slot: _Slot) -> set[int]:
        """Customers a pair found through one of the slot's words (they hold it)."""
        found = self._through.get(slot.words)
        if found is None:
            sets = [ids for words, ids in self._found if not slot.words.isdisjoint(words)]
            found = self._through[slot.words] = set().union(*sets)
        return found

    def _of(self, ids: Collection[int]) -> dict[int, Set[str]]:
        new = [i for i in ids if i not in self._words]
        if new:
            rows = self.lookup.describe(new)
            among = self._among
            for i in new:
                row = rows.get(i)
                self._words[i] = among.intersection(row[2]) if row is not None else _NOTHING
        return self._words

    def texts_of(self, ids: Collection[int], names_only: bool) -> list[tuple[int, str, str]]:
        """(customer, folded name, handles) of these, in id order, from the rows `which`
        read where it did; with `names_only`, the handles of the others are left empty
        and only their names are read (a fraction of their rows, for thousands)."""
        if not names_only:
            rows = self.lookup.describe(ids)
            return [(i, row[0], row[1]) for i in sorted(ids) if (row := rows.get(i)) is not None]
        known = self.lookup.described
        new = [i for i in ids if i not in known]
        names = dict(self.lookup.index.named(new)) if new else {}
        found = []
        for i in sorted(ids):
            row = known.get(i)
            if row is not None:
                found.append((i, row[0], row[1]))
            elif (name := names.get(i)) is not None:
                found.append((i, name, ""))
        return found

    def _read_holders(self, ids: Collection[int], slot: _Slot) -> Set[int] | None:
        """The slot's holders, when read already or cheaper to read than the rows of
        those of `ids` not read yet (a holder's id costs a small fraction of a row)."""
        held = self._holders.get(slot.words)
        if held is None:
            index = self.lookup.index
            unread = sum(1 for i in ids if i not in self._words)
            most = min(_HOLDERS_READ, _HOLDER_PER_ROW * unread)
            if unread and (
                index.has_common_holders(slot.words) or index.counted(slot.words, most) <= most
            ):
                held = self._holders[slot.words] = index.common_holders(slot.words)
        return held

    def which(self, ids: Collection[int], slot: _Slot) -> set[int]:
        if slot.held is not None:
            return set(ids).intersection(slot.held)  # in C: a pool can hold thousands
        # Those a pair found through one of the slot's words hold it: only the others
        # are read (most of a common name's candidates come through its pairs).
        found = self._through_pairs(slot).intersection(ids)
        unknown = set(ids).difference(found)
        held = self._read_holders(unknown, slot)
        if held is not None:
            return found | unknown.intersection(held)
        words = self._of(unknown)
        return found | {i for i in unknown if not slot.words.isdisjoint(words[i])}

    def any_of(self, ids: Collection[int], slot: _Slot) -> bool:
        if slot.held is not None:
            return not slot.held.isdisjoint(ids)
        if not self._through_pairs(slot).isdisjoint(ids):
            return True  # a pair that found one holds a word of the slot: no read
        held = self._read_holders(ids, slot)
        if held is not None:
            return not held.isdisjoint(ids)
        words = self._of(ids)
        return any(not slot.words.isdisjoint(words[i]) for i in ids)


class CandidateSearch:
    """How a Matcher gathers the customers worth scoring from its index: exact keys,
    pairs of the author's words, rare words' holders, and the closest names when a
    common word stands alone (never every customer)."""

    index: CandidateIndex

    def _candidates(self, author: _Author, lookup: _Lookup) -> set[int]:
        """Customers worth scoring: exact key hits, customers two of the author's words agree
        on, holders of rare words, and, when a common word stands alone, its closest names."""
        keyed = set(self.index.keyed_each(self._author_keys(author), _KEY_CAP))
        if len(author.handle) >= _CUT_HANDLE:
            # The start of a customer's handle, e-mail or run-together name: the rest of
            # it cut off (`elizabethsulliv` of `elizabethsullivan`), no fuzzy lookup finds.
            keyed |= self.index.prefixed(author.handle, _CUT_CAP)
        pool = set(keyed)
        named = {w for variant in author.names for w in variant}
        if not self.index.in_memory:
            self._ask_ahead((author,), lookup)
        found = [
            (w, frozenset(self._matches(w, lookup)))
            for w in self._author_words(author, lookup)
            if w in named or not self._too_common(w, lookup)
        ]
        # One slot per set of words looked up: the handle's "michael" and the display
        # name's "Michael" are one piece of evidence, not two that agree.
        groups: dict[frozenset[str], str] = {}
        for w, matched in sorted(found):
            if matched not in groups or w in named:
                groups[matched] = w
        slots = [s for m, w in groups.items() if (s := self._sized(m, w)).size]
        agreeing = self._agreeing(slots, named, lookup)
        held = _Holding(lookup, slots)
        for pair, ids in agreeing.items():
            pool.update(ids)
            held.known(ids, pair)
        for slot in slots:
            if slot.size <= _RARE and slot.held is not None:
                pool.update(slot.held)
        for slot in slots:
            # The closest names among the holders of a handle's word ("fan") only when
            # the author has no name: else their name's own words have been looked up.
            if slot.word not in named and author.names:
                continue
            if slot.size > _RARE and not held.any_of(pool, slot):
                pool.update(self._closest(author, slot.words, slot.word, lookup))
        if not pool and not author.names:
            pool = self._misspelt_run(author.handle_alpha, lookup)
        if len(pool) > _MAX_SCORED:
            pool = self._coarse_top(author, pool, keyed, slots, held, lookup)
        return pool

    def _ask_ahead(self, authors: Sequence[_Author], lookup: _Lookup) -> None:
        """What the lookups of each of the authors' words will ask the index (document
        frequencies and deletions of their fuzzy probes, how many hold each near
        word, the holders of those few enough to be read), asked at once: a read per
        kind, not per word (the answers are remembered for the match, or the batch)."""
        lookup.want(cut for author in authors for cut in _handle_cuts(author.handle_alpha))
        words = {w for author in authors for w in self._author_words(author, lookup)}
        self._ask_words(words, lookup)
        # The holders of each slot few enough to be read, as _candidates() and _sized()
        # will ask for them (a word of the handle alone only when not too common).
        named = {w for author in authors for variant in author.names for w in variant}
        groups = [
            matched
            for w in words
            if w in named or not self._too_common(w, lookup)
            if self.index.counted(matched := self._matches(w, lookup), _READ_SLOT) <= _READ_SLOT
        ]
        self.index.holders_ahead(groups)

    def ask_ahead(self, authors: Iterable[tuple[str, str, str | None]]) -> None:
        """Within `index.remembering()` (a re-match's batch): what matching each of
        `authors` (channel, handle, display name) asks the index first, asked for the
        whole batch at once: a read per kind for the batch, not per author. The matches
        then find it remembered; no answer changes, only when it is read."""
        if self.index.in_memory:
            return
        prepared = [_author(channel, handle, name) for channel, handle, name in authors]
        self._ask_ahead(prepared, _Lookup(self.index))

    def _ask_words(self, words: Collection[str], lookup: _Lookup) -> None:
        probes: set[str] = set()
        for word in words:
            if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
                probes |= _fuzzy_probes_of(word)  # as _matches() looks it up
            elif len(word) == 3:
                probes.add(word)
        lookup.want(probes)
        self.index.deleted_to(probes)
        near = {m for word in words for m in self._matches(word, lookup)}
        self.index.counted(near, 0)

    def _sized(self, matched: frozenset[str], word: str) -> _Slot:
        """The holders of `matched`, read only when few: a common name's are counted (in
        the index, no further than the population), and met through pairs instead."""
        count = self.index.counted(matched, _READ_SLOT)
        if count <= _READ_SLOT:
            holders = self.index.holders(matched)
            return _Slot(matched, word, len(holders), holders)
        return _Slot(matched, word, count, None)

    def _author_keys(self, author: _Author) -> set[str]:
        keys = {author.handle, author.handle_alpha, *author.companies}
        for variant in author.names[:1]:
            keys.add("".join(variant))
            keys.add("".join(reversed(variant)))
            keys.update(word for word in variant if len(word) >= 2)  # one-word customers
        keys.update(form for form, weight in author.forms if weight >= _SPELLING_KEY_WEIGHT)
        # The people of the company whose domain the account is on (social.harborlabs.se:
        # harborlabs, a company key of theirs), whom _Scorer._on_their_domain lifts.
        keys.update(_domain_labels(author.domains))
        keys.discard("")
        return keys

    def _author_words(self, author: _Author, lookup: _Lookup) -> set[str]:
        """Words to look up: the display name's, the handle's, pieces of a run-together handle."""
        words = {w for variant in author.names for w in variant if len(w) >= 2}
        words.update(w for w in author.handle_words if len(w) >= 3)
        alpha = author.handle_alpha
        if len(alpha) >= 5:
            words.update((alpha, alpha[1:], alpha[:-1]))  # klindqvist, lindqvistk
            lookup.want(_handle_cuts(alpha))
            for cut in range(2, len(alpha) - 2):
                head, tail = alpha[:cut], alpha[cut:]
                if head in lookup.df or tail in lookup.df:
                    words.add(tail)
                    words.add(head)
        return words

    def _matches(self, word: str, lookup: _Lookup) -> list[str]:
        """`word`, its nicknames, and name words one or two edits away (worked out once
        per match: asked of each word ahead, for its slot and for how common it is)."""
        known = lookup.matches.get(word)
        if known is not None:
            return known
        matches = [word, *nicknames(word)]
        if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
            matches.extend(self._fuzzy(word, lookup))
        elif len(word) == 3:
            # Too short to search by edits, but a letter may be missing: the deletion
            # index holds the four-letter words this one is cut from (red -> reid, reed).
            matches.extend(self.index.deleted_to((word,)))
        lookup.matches[word] = matches
        return matches

    def _too_common(self, word: str, lookup: _Lookup) -> bool:
        """More than _COMMON_HANDLE_WORD customers hold `word` or a word near it."""
        return self.index.counted(self._matches(word, lookup), _COMMON_HANDLE_WORD) > (
            _COMMON_HANDLE_WORD
        )

    def _agreeing(
        self, slots: Sequence[_Slot], named: Collection[str], lookup: _Lookup
    ) -> Mapping[tuple[str, str], Set[int]]:
        """Customers two of the author's words agree on: holding two different words, one
        matched by each (a word both match counts once: it is one piece of evidence).
        Two pieces of the handle that share their letters ("ssandeers" and "sandeers",
        the handle less its first letter) are one piece of evidence too: "Anders
        Sanders", whose words are near each, is no more likely for it."""
        pairs: set[tuple[str, str]] = set()
        for i, first in enumerate(slots):
            for second in slots[i + 1 :]:
                if _same_letters(first.word, second.word, named):
                    continue
                pairs |= self._pairs(first.words, second.words)
        return self.index.paired(pairs) if pairs else {}

    @staticmethod
    def _pairs(first: frozenset[str], second: frozenset[str]) -> set[tuple[str, str]]:
        return {(min(a, b), max(a, b)) for a in first for b in second if a != b}

    def _fuzzy(self, word: str, lookup: _Lookup) -> Iterator[str]:
        """Name words within one edit (two for long words), via the deletion index."""
        limit = 1 if len(word) < 7 else 2
        probes = _fuzzy_probes_of(word)
        lookup.want(probes)
        found = self.index.deleted_to(probes) | {p for p in probes if p in lookup.df}
        found.discard(word)
        for other in sorted(found):
            if OSA.distance(word, other, score_cutoff=limit) <= limit:
                yield other

    def _misspelt_run(self, alpha: str, lookup: _Lookup) -> set[int]:
        """A handle that runs a name together with a typo in each part ("fharlespritchar"
        for charlespritchard): customers holding a word close to each side of some cut.
        Only tried when nothing else matched, so it costs nothing for most authors."""
        found: set[int] = set()
        for cut in range(4, len(alpha) - 3):
            sides = []
            for part in (alpha[:cut], alpha[cut:]):
                near = [part, *self._fuzzy(part, lookup)]
                lookup.want(near)
                words = [w for w in near if w in lookup.df]
                sides.append(self.index.holders(words) if words else set())
            if sides[0] and sides[1]:
                found |= sides[0] & sides[1]
            if len(found) > _MAX_SCORED:
                break
        return found

    def _closest(
        self, author: _Author, matched: Collection[str], word: str, lookup: _Lookup
    ) -> list[int]:
        """The few customers among the many holding `matched` (a common `word`, near
        words, nicknames) whose name (or, for an author with only a handle, one of whose
        handles) is closest to the author's."""
        if author.names:  # compared by name alone: the handles are not read
            return self._by_name(author, self.index.name_groups(matched), _RESCUE, lookup)
        return self._by_closeness(author, self.index.texts(matched), _RESCUE, lookup)

    def _by_closeness(
        self, author: _Author, texts: list[tuple[int, str, str]], first: int, lookup: _Lookup
    ) -> list[int]:
        """The `first` customers closest by name, or by handles, to the author, closest
        first (ties in the order of `texts`, which is by id); for an author with a name,
        also the _BY_NAME the full scorer rates closest by name."""
        if author.names:
            return self._by_name(author, _grouped(texts), first, lookup)
        query = author.handle_alpha
        split = {i: handles.split() for i, _, handles in texts}  # one row per customer
        named = {i: text.replace(" ", "") for i, text, _ in texts}  # grace zhang
        # Every handle, then every name, each with its customer alongside (two flat
        # lists: no pair per choice, thousands of them for a common word).
        owners = [i for i, handles in split.items() for _ in handles]
        choices = [h for handles in split.values() for h in handles]
        owners += named
        choices += named.values()
        # Several choices per customer, at most `most`: the first `first` customers are
        # among the best first x most choices, which rapidfuzz picks without ranking
        # (or handing back) the thousands of others.
        most = 1 + max(map(len, split.values()), default=0)
        best = process.extract(query, choices, scorer=fuzz.ratio, limit=first * most)
        return list(dict.fromkeys(owners[index] for _, _, index in best))[:first]

    def _by_name(
        self,
        author: _Author,
        by_text: Mapping[str, Sequence[int]],
        first: int,
        lookup: _Lookup,
    ) -> list[int]:
        """`_by_closeness` of an author with a name, over the customers grouped by name
        (`_grouped`): each name is compared once, however many hold it."""
        found = _closest_names(" ".join(author.names[0]), by_text, first)
        # Closeness letter by letter finds a name spelled with a typo, or a handle the
        # name spells; it ties a rare surname one edit away (Cohn) with common ones
        # (Chen) and prefers look-alikes (Kohn): the scorer's own top few by name are
        # kept as well.
        population = self.index.population()
        found += _by_name_score(author, by_text, _BY_NAME, lookup, population)
        return list(dict.fromkeys(found))

    def _coarse_top(
        self,
        author: _Author,
        pool: set[int],
        keyed: set[int],
        slots: list[_Slot],
        held: _Holding,
        lookup: _Lookup,
    ) -> set[int]:
        """Keep the candidates that hold an exact key, then the most (and rarest) author
        words, and, of the others, the few with the closest names."""
        population = max(self.index.population(), 1)
        # Each candidate's coarse score is 100 for an exact key, plus each slot's weight
        # if they hold its words, added in that order. The pool is cut into parts that
        # hold the same keys and slots (set operations in C, never a step per
        # candidate: a pool can hold tens of thousands), each part's score added up as
        # a candidate's would be, to the same figure.
        keyed_in = keyed & pool
        room = _MAX_SCORED - _RESCUE
        # A common name's holders counted only now, in the index (with repeats: a
        # customer holding two of its near words counts twice).
        weights = [
            math.log1p(
                population
                / (
                    slot.size
                    if slot.held is not None
                    else self.index.counted(slot.words, population)
                )
            )
            for slot in slots
        ]
        parts = [(100.0, keyed_in), (0.0, pool - keyed_in)]
        for step, (slot, weight) in enumerate(zip(slots, weights, strict=True)):
            # Only the candidates that can still be kept are asked about (_hopeful).
            parts, live = _hopeful(parts, sum(weights[step:]), room)
            holding = held.which(live, slot)
            cut = []
            for score, part in parts:
                inside = part & holding
                if inside:
                    cut.append((score + weight, inside))
                outside = part - inside if inside else part
                if outside:
                    cut.append((score, outside))
            parts = cut
        # Most first, ties by id (what a stable sort by score over the ids in order gives).
        by_score: dict[float, list[set[int]]] = {}
        for score, part in parts:
            by_score.setdefault(score, []).append(part)
        kept: list[int] = []
        for score in sorted(by_score, reverse=True):
            if len(kept) >= room:
                break
            kept += sorted(set().union(*by_score[score]))[: room - len(kept)]
        # The rest by closeness of name: many decoys share two words of a made-up handle
        # (Clever_Cactus_4120.net) while the one whose name has a typo holds fewer.
        # An author with a name is compared by names alone (_by_closeness): only those read.
        rest = held.texts_of(pool.difference(kept), names_only=bool(author.names))
        closest = self._by_closeness(author, rest, _RESCUE, lookup)
        return set(kept + closest)


def _hopeful(
    parts: list[tuple[float, set[int]]], still: float, room: int
) -> tuple[list[tuple[float, set[int]]], set[int]]:
    """The parts of Matcher._coarse_top's pool (coarse score so far, its candidates) that
    can still be among the `room` it keeps, and their candidates, when the slots still
    to weigh add up to `still`: the others' words are never asked about.

    Scores only grow, so the room-th best final score is at least the room-th best now
    (`least`). A part whose score now plus every weight still to come is below that
    ends below at least `room` candidates whatever it holds, so none of it is kept: the
    same candidates are kept as when every part is weighed to the end, and the rest
    still go to the closeness rescue. An exact key's 100 outweighs the few slots of a
    name (each at most log1p(population), 14 at a million): once key hits fill the
    room, the pool's other candidates are never read whole."""
    least = -math.inf
    counted = 0
    for score, part in sorted(parts, key=lambda p: -p[0]):
        counted += len(part)
        if counted >= room:
            least = score
            break
    # A margin for rounding (the weights are summed in another order than the scores).
    kept = [(score, part) for score, part in parts if score + still + 1e-6 >= least]
    live: set[int] = set().union(*(part for _, part in kept))
    return kept, live
