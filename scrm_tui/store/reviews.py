"""The review queue's rows: every unlinked author with a suggestion, best first, by page.

Read from match_best (each author's best suggestion, kept by triggers: 1 + its
probability, or score / 1000 where the probability is not known; see schema step 28)
so a page costs the same at any depth and the count is one index's, not a scan of
suggestions.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

from scrm_tui.core.domains import ProfileLink, links_from_json
from scrm_tui.store.db import Database, fetch_all, fetch_one

Key = tuple[int, ...]


def known(probability: float) -> float:
    """The `best` of a suggestion of this probability (0..1)."""
    return 1.0 + probability


def score_key(score: float) -> int:
    """A value (>= 0) as an int in the same order: the bits of a non-negative double
    sort as the double does, so a key round-trips exactly (no rounding to tie rows)."""
    return int(struct.unpack(">q", struct.pack(">d", max(score, 0.0)))[0])


def key_score(key: int) -> float:
    return float(struct.unpack(">d", struct.pack(">q", key))[0])


@dataclass(frozen=True)
class Evidence:
    """One suggested customer for the author, as the queue shows it side by side."""

    customer_id: int
    name: str
    email: str | None
    company: str | None
    handles: tuple[tuple[str, str], ...]  # (network, handle) the customer is known by
    score: float
    fields: tuple[str, ...]  # what matched: name, e-mail, company, handle:<network>
    probability: float | None  # that the author is this customer (None: not known)


@dataclass(frozen=True)
class ReviewRow:
    """An unlinked author and its suggestions, best first (`best` is the first)."""

    author_id: int
    channel: str
    handle: str
    display_name: str | None
    best: float  # its place in the queue (match_best.best)
    suggestions: tuple[Evidence, ...]
    url: str | None = None  # the author's profile, as the network gave it
    links: tuple[ProfileLink, ...] = ()  # what the profile links to, verified or not

    @property
    def uid(self) -> int:
        return self.author_id

    @property
    def sort_key(self) -> Key:
        return (score_key(self.best), self.author_id)

    @property
    def first(self) -> Evidence | None:
        """The suggestion a `y` confirms: the most probable."""
        return self.suggestions[0] if self.suggestions else None

    @property
    def probability(self) -> float | None:
        return self.first.probability if self.first is not None else None

    @property
    def score(self) -> float:
        return self.first.score if self.first is not None else 0.0


_ORDER = {False: "b.best DESC, b.author_id DESC", True: "b.best ASC, b.author_id ASC"}


class ReviewStore:
    def __init__(self, db: Database):
        self.db = db

    async def change_mark(self) -> int:
        """Moves with every commit that may change the queue (any an inbox would see)."""
        row = await fetch_one(self.db.reader, "SELECT seq FROM change_marks WHERE id = 1")
        return int(row[0]) if row else 0

    async def count(self, at_least: float | None = None) -> int:
        """Authors waiting (whose best suggestion is at least `at_least` probable)."""
        if at_least is None:
            row = await fetch_one(self.db.reader, "SELECT count(*) FROM match_best")
        else:
            row = await fetch_one(
                self.db.reader,
                "SELECT count(*) FROM match_best WHERE best >= ?",
                (known(at_least),),
            )
        return int(row[0]) if row else 0

    async def above(self, key: Key) -> int:
        """How many rows come before the row at `key` (its position)."""
        row = await fetch_one(
            self.db.reader,
            "SELECT count(*) FROM match_best b WHERE (b.best, b.author_id) > (?, ?)",
            (key_score(key[0]), key[1]),
        )
        return int(row[0]) if row else 0

    async def page(self, key: Key | None, limit: int, *, newer: bool = False) -> list[ReviewRow]:
        """Rows after `key` (from the top if None), best first; `newer`: just before it."""
        where, params = "", []
        if key is not None:
            where = "WHERE (b.best, b.author_id) " + (">" if newer else "<") + " (?, ?)"
            params = [key_score(key[0]), key[1]]
        rows = await self._rows(
            f"{where} ORDER BY {_ORDER[newer]} LIMIT ?", [*params, limit], newer
        )
        return rows[::-1] if newer else rows

    async def page_at(self, offset: int, limit: int, *, from_end: bool = False) -> list[ReviewRow]:
        """`limit` rows from position `offset` (counted from the last row if `from_end`),
        best first: only for a jump far from what is held."""
        rows = await self._rows(
            f"ORDER BY {_ORDER[from_end]} LIMIT ? OFFSET ?", [limit, offset], from_end
        )
        return rows[::-1] if from_end else rows

    async def at_least(self, probability: float, after: Key | None, limit: int) -> list[ReviewRow]:
        """The next `limit` rows whose best suggestion is at least `probability` probable,
        best first (a batch confirmation walks them page by page)."""
        where, params = "WHERE b.best >= ?", [known(probability)]
        if after is not None:
            where += " AND (b.best, b.author_id) < (?, ?)"
            params += [key_score(after[0]), after[1]]
        return await self._rows(f"{where} ORDER BY {_ORDER[False]} LIMIT ?", [*params, limit])

    async def rows(self, author_ids: list[int]) -> list[ReviewRow]:
        """These authors as the queue shows them, in queue order (those with no
        suggestion left are left out)."""
        if not author_ids:
            return []
        marks = ",".join("?" * len(author_ids))
        return await self._rows(
            f"WHERE b.author_id IN ({marks}) ORDER BY {_ORDER[False]}", list(author_ids)
        )

    async def _rows(
        self, tail: str, params: list[object], ascending: bool = False
    ) -> list[ReviewRow]:
        """The rows match_best gives with `tail` (WHERE ... ORDER BY ... LIMIT), in that
        order, with their suggestions and the suggested customers: one read a page."""
        order = "p.best ASC, p.author_id ASC" if ascending else "p.best DESC, p.author_id DESC"
        found = await fetch_all(
            self.db.reader,
            f"""SELECT p.author_id, a.channel, a.handle, a.display_name, p.best, a.url, a.links,
                       (SELECT json_group_array(json_array(
                                  s.customer_id, c.name, c.email, c.company, s.score,
                                  json(s.fields), s.rank, s.probability,
                                  json((SELECT json_group_array(json_array(i.channel, i.handle))
                                        FROM identities i WHERE i.customer_id = s.customer_id))))
                        FROM match_suggestions s JOIN customers c ON c.id = s.customer_id
                        WHERE s.author_id = p.author_id)
                FROM (SELECT b.author_id, b.best FROM match_best b {tail}) p
                JOIN authors a ON a.id = p.author_id
                ORDER BY {order}""",
            params,
        )
        rows = []
        for author_id, channel, handle, name, best, url, links, listed in found:
            # The most probable first (those of unknown probability after them), then as
            # the matcher ranked them.
            listed = sorted(
                json.loads(listed),
                key=lambda s: (s[7] is None, -(s[7] or 0.0), -s[4], s[6]),
            )
            evidence = tuple(
                Evidence(
                    int(cid),
                    str(cname),
                    email,
                    company,
                    tuple((str(c), str(h)) for c, h in handles),
                    float(score),
                    tuple(str(f) for f in fields),
                    None if probability is None else float(probability),
                )
                for cid, cname, email, company, score, fields, _, probability, handles in listed
            )
            if evidence:
                rows.append(
                    ReviewRow(
                        author_id,
                        channel,
                        handle,
                        name,
                        float(best),
                        evidence,
                        url,
                        links_from_json(links),
                    )
                )
        return rows
