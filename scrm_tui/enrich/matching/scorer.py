"""Scores one author against customers: names, handles, e-mail, company, domain."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from scrm_tui.enrich.match_model import Comparison
from scrm_tui.enrich.matching.names import _letters, nicknames
from scrm_tui.enrich.matching.prepare import _Author, _Entry, _forms, _on_domain
from scrm_tui.enrich.matching.records import Candidate
from scrm_tui.enrich.matching.similarity import _spelled_and_close, _word_similarity
from scrm_tui.enrich.matching.tuning import (
    _BELOW_AUTO,
    _CLOSE_HANDLE,
    _COMPANY,
    _HANDLE_SPELLS_NAME,
    _IDENTITY,
    _IDENTITY_NAME_SHAPED,
    _INITIAL,
    _INITIAL_WEIGHT,
    _NAME_ONLY,
    _NICKNAME,
    _ON_DOMAIN,
    _ON_DOMAIN_NAMELESS,
)

_Named = tuple[float, float, str]  # best_name(): (score, fit, field)


class _Scorer:
    """Scores one author against customers; caches what repeats across candidates."""

    def __init__(self, author: _Author, df: Mapping[str, int], population: int) -> None:
        self.author = author
        self._df = df
        self._population = max(population, 1)
        self._weights: dict[str, float] = {}
        self._pairs: dict[tuple[str, str], float] = {}
        self._forms = dict(author.forms)
        self._author_words = frozenset(a for variant in author.names for a in variant)
        self._spelled: dict[str, float] = {}  # folded name -> spelled() at most
        self._spelled_by: dict[tuple[tuple[str, float], ...], float] = {}  # forms -> spelled()
        self._closest: dict[str, float] = {}  # a customer's word -> its best similarity
        self._by_token: dict[str, float] = {}  # a compact handle -> _handle_ceiling()
        self._near: dict[str, float] = {}  # ... of those near the author's: _spelled_and_close
        self._initials: dict[str, float] = {}  # folded name -> its initials' best similarity
        # (name cuts, e-mail's name) -> best_name(): namesakes (1,304 Jie Wangs at a
        # million) differ only in their own evidence, so each distinct name is scored once.
        self._named: dict[tuple[tuple[tuple[str, ...], ...], tuple[str, ...]], _Named] = {}

    def weight(self, word: str) -> float:
        """Inverse document frequency over customer names: rare surnames say more than "John"."""
        if len(word) == 1:
            return _INITIAL_WEIGHT
        cached = self._weights.get(word)
        if cached is None:
            cached = math.log1p(self._population / (1 + self._df.get(word, 0)))
            self._weights[word] = cached
        return cached

    def word_similarity(self, a: str, c: str) -> float:
        key = (a, c)
        cached = self._pairs.get(key)
        if cached is None:
            cached = _word_similarity(a, c)
            self._pairs[key] = cached
        return cached

    def name_score(self, author: tuple[str, ...], customer: tuple[str, ...]) -> tuple[float, float]:
        """(score 0..100, share of the author's name that fits), words aligned greedily."""
        pairs = []
        for i, a in enumerate(author):
            for j, c in enumerate(customer):
                s = self.word_similarity(a, c)
                if s > 0:
                    pairs.append((s, i, j))
        pairs.sort(reverse=True)
        used_a = used_c = 0
        matched = matched_weight = initials = 0.0
        for s, i, j in pairs:
            if used_a >> i & 1 or used_c >> j & 1:
                continue
            used_a |= 1 << i
            used_c |= 1 << j
            w = self.weight(customer[j])
            if len(author[i]) == 1 and w > _INITIAL_WEIGHT:
                # "S." says one letter of Schmidt as of Schroder: weighed as the letter,
                # not as the word, so that Stefan S. fits both alike (a tie, not a
                # guess by which surname is commoner).
                initials += _INITIAL_WEIGHT - w
                w = _INITIAL_WEIGHT
            matched += s * w
            matched_weight += w
        customer_weight = sum(self.weight(c) for c in customer) + initials
        unmatched = sum(self.weight(a) for i, a in enumerate(author) if not used_a >> i & 1)
        cover_c = matched / customer_weight if customer_weight else 0.0
        cover_a = matched / (matched_weight + unmatched) if matched_weight + unmatched else 0.0
        return 100.0 * (0.75 * cover_c + 0.25 * cover_a), cover_a

    def best_name(self, entry: _Entry) -> _Named:
        """Best (score, fit, field) of the display name against the name or the e-mail's
        name: a function of those two alone, worked out once per distinct name."""
        key = (entry.names, entry.alias)
        found = self._named.get(key)
        if found is None:
            found = self._named[key] = self._best_name(entry)
        return found

    def _best_name(self, entry: _Entry) -> _Named:
        best = (0.0, 0.0, "name")
        for author in self.author.names:
            for variant in entry.names:
                score, fit = self.name_score(author, variant)
                if score > best[0]:
                    best = (score, fit, "name")
            if entry.alias:
                score, fit = self.name_score(author, entry.alias)
                if score > best[0]:
                    best = (score, fit, "email")
        return best

    def identity(self, entry: _Entry) -> tuple[float, str]:
        """100 for one of the customer's handles or their e-mail (compacted), else closeness."""
        handle = self.author.handle
        if not handle:
            return 0.0, ""
        own = self.author.own
        for channel, theirs in entry.handles:
            if theirs == handle and (channel, theirs) != own:
                return 100.0, f"handle:{channel}"
        if entry.email == handle:
            return 100.0, "email"
        best, field = 0.0, ""
        for channel, theirs in entry.handles:
            if (channel, theirs) == own:
                continue
            s = fuzz.ratio(handle, theirs, score_cutoff=85)
            if s > best:
                best, field = s, f"handle:{channel}"
        if entry.email:
            s = fuzz.ratio(handle, entry.email, score_cutoff=85)
            if s > best:
                best, field = s, "email"
        return best, field

    def spells_theirs(self, entry: _Entry) -> tuple[float, str]:
        """How well the display name spells one of the customer's handles or their e-mail.

        The mirror of `spelled`, for customers whose name is stored in a script the author
        does not use: "Karim Saleh" meets كريم صالح through ksaleh@.
        """
        best, field = 0.0, ""
        own_channel, own = self.author.own
        for where, spelling in entry.spellings:
            if own and where == f"handle:{own_channel}" and spelling == _letters(own):
                continue
            weight = self._forms.get(spelling, 0.0)
            if weight * 100 > best:
                best, field = weight * 100, where
        return best, field

    def spelled(self, entry: _Entry) -> float:
        """How well the handle spells the customer's name: klindqvist, kate_l, katelindqvist88."""
        # Remembered by the forms: namesakes (hundreds of Maria Garcias) share theirs.
        found = self._spelled_by.get(entry.forms)
        if found is None:
            found = self._spelled_by[entry.forms] = self._spelled_forms(entry.forms)
        return found

    def _spelled_forms(self, forms: Iterable[tuple[str, float]]) -> float:
        alpha = self.author.handle_alpha
        if len(alpha) < 3:
            return 0.0
        best = 0.0
        for form, weight in forms:
            if weight * 100 <= best:
                break  # forms come best first
            if form == alpha:
                s = 100.0
            elif len(form) >= 4 and form in alpha:
                s = 92.0  # "thekate", "katelindqvistdesign"
            elif abs(len(form) - len(alpha)) <= 3 and min(len(form), len(alpha)) >= 6:
                # Short ones are left out: "john" is 89% of "johnt" but only a first name.
                s = fuzz.ratio(alpha, form, score_cutoff=80)
            else:
                continue
            best = max(best, weight * s)
        return best

    def company(self, entry: _Entry) -> float:
        if not entry.companies:
            return 0.0
        best = 0.0
        for key in self.author.companies:
            for theirs in entry.companies:
                if key == theirs:
                    return 100.0
                best = max(best, fuzz.ratio(key, theirs, score_cutoff=90))
        return best

    def distinctive(self, entry: _Entry) -> bool:
        """Whether the author's handle, equal to one of this customer's, names one person.

        A handle built from the name is not enough: klindqvist, kate_lindqvist, kate.l,
        kate_codes, thekate, hannah37. Namesakes, and the many people who share a first
        name, hold the same on other networks. What identifies someone is what is left
        besides the name: two digits or a word after the full surname (katelindqvist88),
        or a handle that has nothing to do with the name at all (Fuzzy_Lynx_4716).
        """
        handle, alpha = self.author.handle, self.author.handle_alpha
        digits = len(handle) - len(alpha)
        firsts: set[str] = set()
        lasts: set[str] = set()
        for words in (*entry.names[:1], entry.alias):
            if words:
                firsts.add(words[0])
                firsts.update(nicknames(words[0]))
                lasts.update(words[1:])
        lasts.add("".join(entry.names[0][1:]) if entry.names else "")
        found_last = [w for w in lasts if len(w) >= 3 and w in alpha]
        if found_last:
            rest = alpha.replace(max(found_last, key=len), "", 1)
            for first in sorted(firsts, key=len, reverse=True):
                if len(first) >= 2 and first in rest:
                    rest = rest.replace(first, "", 1)
                    break
            return digits >= 2 or len(rest) >= 4
        if any(len(w) >= 3 and w in alpha for w in firsts):
            return False
        return len(handle) >= 6

    def says_more(self, entry: _Entry) -> bool:
        """Whether the handle holds more than the customer's name: a word or two digits
        besides it (kate_codes, kate37, lindqvist.design), or none of it. Weaker than
        `distinctive` (every Kate may be kate_codes), so it counts only with the full
        name shown beside it: a namesake would have to pick the very same extra."""
        handle, alpha = self.author.handle, self.author.handle_alpha
        digits = len(handle) - len(alpha)
        parts: set[str] = set()
        for words in (*entry.names[:1], entry.alias):
            parts.update(w for w in words if len(w) >= 2)
            parts.update(nicknames(words[0]) if words else ())
        found = False
        for part in sorted(parts, key=len, reverse=True):
            if part in alpha:
                alpha, found = alpha.replace(part, "", 1), True
        if not found:
            return len(handle) >= 6
        return digits >= 2 or len(alpha) >= 3

    def ceiling(self, text: str, handles: str, words: Collection[str]) -> float:
        """No customer whose row reads (`text`, `handles`, `words`) scores above this in
        `score()`: each of its terms bounded from what the row holds (why, at each).
        Rounded as `score()` rounds, with 1e-9 for float error, so that `score() <=
        ceiling()` holds of the rounded figures too."""
        author = self.author
        best = 0.0
        by_token = self._by_token
        both = 0.0  # a handle of theirs near the author's adds to one spelling the name
        for token in handles.split():
            found = by_token.get(token)
            if found is None:
                found = by_token[token] = self._handle_ceiling(token)
            if found > best:
                best = found
            both = max(both, self._near.get(token, 0.0))
        if best >= 100:
            return 100.0
        if author.companies:
            best = max(best, _COMPANY * 100)  # the company's score is at most 100
        if author.domains and author.handle_alpha and not author.names:
            # On the customer's company domain with no name (_on_their_domain): as the
            # line above, since such an author's handle letters are one of its companies.
            best = max(best, _ON_DOMAIN_NAMELESS)
        if author.names:
            # name_score() is 100 x a mean of its aligned words' similarities (weighted,
            # over at least the aligned words): no more than 100 x the best similarity
            # of one of the author's words to one of the customer's. Every word of every
            # cut of the customer's name, and of the e-mail's name, is in `words` (those
            # of two letters and more) or is an initial of the name as written (`text`).
            closest = self._closest
            close = self._initials.get(text)
            if close is None:
                initials = [w for w in text.split() if len(w) == 1]
                close = max((self.closest_to(w) for w in initials), default=0.0)
                self._initials[text] = close
            for c in words:
                sim = closest.get(c)
                if sim is None:
                    sim = self.closest_to(c)
                if sim > close:
                    close = sim
            # On their company's domain (_on_their_domain) a name scores no more either.
            named = _NAME_ONLY * 100 * close
            spelled = self._spelled_at_most(text) if close >= 0.7 else 0.0
            if spelled >= 60:
                # The handle may spell the name and the display name agree (its fit is
                # at most `close`): the two clues' bonus.
                named = max(named, _HANDLE_SPELLS_NAME * spelled) + 4 + both
            best = max(best, named)
        else:
            spelled = self._spelled_at_most(text)
            best = max(best, _HANDLE_SPELLS_NAME * spelled + (both if spelled >= 60 else 0.0))
        return round(best + 1e-9, 2)

    def learn_closeness(self, words: Iterable[str]) -> None:
        """`closest_to` of each of `words` worked out together: the edit similarities in
        rapidfuzz (one call per author word over them all), not a Python call per pair.
        Each pair is rated as `_word_similarity` rates it (same word, initial, nickname,
        then edits), so the figures are the same."""
        closest = self._closest
        new = {w for w in words if w not in closest}
        if not new:
            return
        best = dict.fromkeys(new, 0.0)
        longer = [w for w in new if len(w) > 2]  # the only ones rated by edits
        for a in self._author_words:
            if a in best:
                best[a] = 1.0
            if len(a) == 1:
                for c in new:
                    if c[:1] == a and best[c] < _INITIAL:
                        best[c] = _INITIAL
                continue
            for c in new:
                if len(c) == 1 and c == a[0] and best[c] < _INITIAL:
                    best[c] = _INITIAL
            others = nicknames(a)
            for c in others.intersection(new):
                if len(c) > 1 and best[c] < _NICKNAME:
                    best[c] = _NICKNAME
            if len(a) <= 2:
                continue
            found = process.extract(
                a, longer, scorer=OSA.normalized_similarity, score_cutoff=0.6, limit=None
            )
            for c, s, _ in found:
                if c != a and c not in others:
                    sim = float(s**1.5)
                    if sim > best[c]:
                        best[c] = sim
        closest.update(best)

    def closest_to(self, word: str) -> float:
        """The best similarity of one of the author's words to `word` (remembered)."""
        found = self._closest.get(word)
        if found is None:
            found = max((self.word_similarity(a, word) for a in self._author_words), default=0.0)
            self._closest[word] = found
        return found

    def _handle_ceiling(self, token: str) -> float:
        """What one of the customer's compact handles (or their e-mail) can lift their
        score to at most: identity() and spells_theirs() see those and nothing else."""
        handle = self.author.handle
        best = 0.0
        if handle:
            if token == handle:
                return 100.0
            near = fuzz.ratio(handle, token, score_cutoff=85)
            if near:
                best = _CLOSE_HANDLE * near + 6  # at most: the bonus, no penalty
                self._near[token] = _spelled_and_close(near)
        if self._forms:
            # spells_theirs() looks the letters of the handles up in the forms.
            best = max(best, _HANDLE_SPELLS_NAME * self._forms.get(_letters(token), 0.0) * 100)
        return best

    def _spelled_at_most(self, text: str) -> float:
        """spelled() of a customer named `text`: exact for a name with a Latin word (its
        forms come from that name alone, as _alias() gives such a name none), else 100."""
        found = self._spelled.get(text)
        if found is None:
            tokens = tuple(text.split())
            if not any(w.isascii() for w in tokens):
                found = 100.0
            else:
                forms = _forms(tokens)
                found = self._spelled_forms(tuple(sorted(forms.items(), key=lambda kv: -kv[1])))
            self._spelled[text] = found
        return found

    def score(self, entry: _Entry) -> Candidate:
        author = self.author
        has_name = bool(author.names)
        name, fit, name_field = self.best_name(entry) if has_name else (0.0, 0.0, "name")
        ident, ident_field = self.identity(entry)
        spelled = self.spelled(entry)
        company = self.company(entry)
        theirs, theirs_field = self.spells_theirs(entry) if self._forms else (0.0, "")
        agrees = not has_name or fit >= 0.7  # the display name, if any, fits this customer
        conflicts = has_name and fit < 0.4  # ... or says it is someone else
        both = _spelled_and_close(ident) if spelled >= 60 and agrees and ident < 100 else 0.0

        if has_name:
            named = _NAME_ONLY * name
            if spelled >= 60 and agrees:
                # Two agreeing clues: "David 🌻" with dpowell is David Powell, though the
                # display name alone fits every David.
                named = max(named, _HANDLE_SPELLS_NAME * spelled) + 4.0 + both
            scores = [named]
        else:
            scores = [_HANDLE_SPELLS_NAME * spelled + both]
        if ident == 100:
            sure = self.distinctive(entry)
            base = _IDENTITY if sure else _IDENTITY_NAME_SHAPED
            if agrees:
                bonus = max(0.0, name - 80) / 5 if has_name else 0.0
                scores.append(min(base + bonus, 100.0 if sure else _BELOW_AUTO))
            else:
                scores.append(base - (30 if conflicts else 10))
        elif ident:
            close = _CLOSE_HANDLE * ident
            if has_name and agrees and name >= 80:
                close += 6
            elif conflicts:
                close -= 25
            scores.append(close)
        if company:
            scores.append(_COMPANY * company)
        if author.domains and _on_domain(author.domains, entry.domain):
            scores.append(self._on_their_domain(entry, name, fit, spelled))
        if theirs:
            scores.append(_HANDLE_SPELLS_NAME * theirs)

        fields = []
        if has_name and name >= 60:
            fields.append(name_field)
        elif spelled >= 60:
            fields.append("name")
        if ident >= 85:
            fields.append(ident_field)
        if company >= 90:
            fields.append("company")
        if theirs >= 60:
            fields.append(theirs_field)
        score = round(max(scores), 2)
        # What the probability needs is worked out only for the few candidates shown
        # (`compared`): most of those scored never are.
        pending = (self, entry, name, fit, ident, ident_field, spelled, company, theirs, name_field)
        return Candidate(entry.customer.id, score, tuple(dict.fromkeys(fields)), pending=pending)

    def _on_their_domain(self, entry: _Entry, name: float, fit: float, spelled: float) -> float:
        """The score of an author whose account is on this customer's company domain.

        The name shown must fit them (no word of someone else's), and counts for more
        there than anywhere: only the company's people hold that domain. Bounded as
        ceiling() bounds a name, by its closest word (so "Seoyeon" on islandenergy.nl
        lifts Seoyeon Lim of Island Energy above the Seoyeons elsewhere, "Tunde A." its
        Tunde Asante), or, with no name, by a company account's score."""
        if not self.author.names:
            return _ON_DOMAIN_NAMELESS if spelled >= 40 else 0.0
        if fit < 0.7:
            return 0.0
        words = {c for variant in (*entry.names, entry.alias) for c in variant}
        top = max(
            (self.word_similarity(a, c) for a in self._author_words for c in words),
            default=0.0,
        )
        return min(_NAME_ONLY * name + _ON_DOMAIN, _NAME_ONLY * 100 * top)

    def compared(self, candidate: Candidate) -> Candidate:
        """The candidate with its Comparison and evidence (fields say "domain" too)."""
        _, entry, name, fit, ident, ident_field, spelled, company, theirs, name_field = (
            candidate.pending
        )
        sure = ident == 100 and self.distinctive(entry)
        evidence = self.evidence(entry, ident, ident_field, sure, name, fit, spelled)
        comparison = Comparison(
            score=candidate.score,
            has_name=bool(self.author.names),
            name=name,
            fit=fit,
            ident=ident,
            ident_email=ident_field == "email",
            distinctive=sure,
            spelled=spelled,
            company=company,
            theirs=theirs,
            rarity=self.rarity(entry, by_alias=name_field == "email"),
            evidence=evidence,
            on_domain=_on_domain(self.author.domains, entry.domain),
            initial=any(len(a) == 1 for a in self._author_words),
        )
        fields = (*candidate.fields, "domain") if evidence == "domain" else candidate.fields
        # Built, not dataclasses.replace()d: that costs more than the rest of this.
        return Candidate(candidate.customer_id, candidate.score, fields, 0.0, evidence, comparison)

    def evidence(
        self,
        entry: _Entry,
        ident: float,
        ident_field: str,
        sure: bool,
        name: float,
        fit: float,
        spelled: float,
    ) -> str:
        """What identifies this customer beyond a name, if anything (Candidate.evidence).

        A handle or e-mail local part built from the name (kate_lindqvist, kate.lindqvist)
        is no evidence: a namesake picks the same one. It counts when it says more than
        the name (katelindqvist88, Fuzzy_Lynx_4716: `distinctive`) and the display name,
        if any, fits. A domain is shared by the whole company: it counts with a display
        name that fits the person, or a handle that spells their name.
        """
        author = self.author
        fits = not author.names or fit >= 0.7
        named = bool(author.names) and fit >= 0.7 and name >= 85
        if ident == 100 and fits and (sure or (named and self.says_more(entry))):
            return "email" if ident_field == "email" else "handle"
        if entry.domain and fits and _on_domain(author.domains, entry.domain):
            # Which of the company's people: the name shown, the handle spelling it, or
            # the two together (Leonardo, with lopez@ on the company's instance).
            whole = any(len(words) >= 2 for words in author.names)
            alpha = author.handle_alpha
            surname = bool(entry.names) and any(
                len(w) >= 3 and w in alpha for w in entry.names[0][1:]
            )
            if spelled >= 85 or (whole and name >= 80) or (name >= 50 and surname):
                return "domain"
        return ""

    def rarity(self, entry: _Entry, by_alias: bool = False) -> float:
        """Bits of the customer's name: the sum over its words of -log2 of the share of
        customers holding the word. Two common words say less than one rare one. Of the
        name in the e-mail (zhang.wei for 张伟) when that is what the author's matched."""
        words = entry.names[0] if entry.names and not by_alias else entry.alias
        shown = {a for a in self._author_words if len(a) > 1}
        letters = {a for a in self._author_words if len(a) == 1}
        bits = 0.0
        for word in words:
            if word[:1] in letters and not any(self.word_similarity(a, word) for a in shown):
                continue  # known by its initial only: Schmidt and Schroder are one "S."
            if len(word) >= 2:
                bits += math.log2((self._population + 1) / (1 + self._df.get(word, 0)))
        return bits
