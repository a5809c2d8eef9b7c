"""Hacker News on the loopback: Algolia's search_by_date, with its numericFilters and paging."""

from __future__ import annotations

import copy
import html as html_lib
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.server import JsonDict, LoopbackServer, Recorded, _json, _Reply

ROUTES = {
    "hackernews.search_by_date": ("GET", r"/hn/search_by_date"),  # Algolia
}
# Algolia's numericFilters operators, each turned into a test of one value.
_COMPARE: dict[str, Callable[[int], Callable[[int], bool]]] = {
    ">": lambda v: lambda x: x > v,
    ">=": lambda v: lambda x: x >= v,
    "<": lambda v: lambda x: x < v,
    "<=": lambda v: lambda x: x <= v,
    "=": lambda v: lambda x: x == v,
}


class HackerNewsFake(LoopbackServer):
    """Hacker News for the loopback (`Loopback` mixes every network in)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._hn_hits: list[JsonDict] = []

    def add_hn_comment(
        self, object_id: int, text: str, *, created_at_i: int, author: str = "hnuser"
    ) -> JsonDict:
        """A comment Algolia's search_by_date finds, in the recorded shape; it is
        listed from now on, whatever its date (a late-indexed one keeps its own)."""
        hit: JsonDict = self._payload("hn_algolia_search_by_date_comment.json")["hits"][0]
        hit.pop("_highlightResult", None)
        hit.update(
            objectID=str(object_id),
            author=author,
            comment_text=f"<p>{html_lib.escape(text)}</p>",
            created_at_i=created_at_i,
            created_at=self._iso(created_at_i),
            _tags=["comment", f"author_{author}", f"story_{hit['story_id']}"],
        )
        with self._lock:
            self._hn_hits.append(hit)
        return copy.deepcopy(hit)

    def _on_hackernews_search_by_date(self, request: Recorded, match: re.Match[str]) -> _Reply:
        """Algolia's `search_by_date` as scrm asks it: the query's words, `numericFilters`
        on created_at_i (comma = AND), newest first, and paging that stops at 1000 hits
        (paginationLimitedTo)."""
        words = request.param("query").lower().split()
        tests: list[Callable[[int], bool]] = []
        for condition in filter(None, request.param("numericFilters").split(",")):
            found = re.fullmatch(r"created_at_i(<=|>=|<|>|=)(-?\d+)", condition.strip())
            if found is None:
                body = {"message": f"invalid numeric filter: {condition}", "status": 400}
                return _json(400, body)
            op, value = found.group(1), int(found.group(2))
            tests.append(_COMPARE[op](value))
        hits = [
            h
            for h in self._hn_hits
            if all(test(int(h["created_at_i"])) for test in tests)
            and all(w in str(h.get("comment_text") or h.get("title") or "").lower() for w in words)
        ]
        # Newest first; hits of one second in the order Algolia indexed them (newest first).
        hits = sorted(reversed(hits), key=lambda h: -int(h["created_at_i"]))
        per_page = max(1, min(1000, int(request.param("hitsPerPage", "20"))))
        page = int(request.param("page", "0"))
        reachable = hits[:1000]
        pages = -(-len(reachable) // per_page)
        chunk = reachable[page * per_page : (page + 1) * per_page]
        body = {
            "hits": copy.deepcopy(chunk),
            "nbHits": len(hits),
            "page": page,
            "nbPages": pages,
            "hitsPerPage": per_page,
            "processingTimeMS": 1,
            "query": request.param("query"),
        }
        headers = dict(self._manifest["hn_algolia_search_by_date_comment.json"]["headers"])
        return _json(200, body, headers)
