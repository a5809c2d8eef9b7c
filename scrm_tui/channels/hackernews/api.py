"""Hacker News listening through Algolia's search_by_date: stories and comments, newest first."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.http import check, json_object, send_request
from scrm_tui.channels.text import html_to_text
from scrm_tui.core.listening import OVERLAP_S, Page
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import TransientError

SERVICE = "Hacker News"
SITE = "https://news.ycombinator.com"
# A damaged stored cursor: guessing where to resume could skip mentions, so stop and say so.
_BAD_CURSOR = cursor_codec.damaged(SERVICE)
_CURSOR_FIELDS = {
    k: cursor_codec.Field(cursor_codec.is_int) for k in ("after", "until", "page", "max")
}


class HackerNewsSource:
    """Polls `search_by_date` for one query.

    The cursor is `"<created_at_i>"`, the newest creation time stored so far (epoch
    seconds). Each poll reads the window from OVERLAP_S before it: more hits of that
    same second, and hits Algolia indexed minutes after their date, are found then
    (storage drops the ones read before). While a window is being paged through the
    cursor is JSON instead:
    `{"after": A, "until": U, "page": P, "max": M}` — the window is
    `A < created_at_i <= U` (U fixed when the window opened, so hits arriving
    meanwhile do not shift the pages), P the next page to read and M the newest time
    seen so far. Only when the whole window was read does the cursor become `"M"`, so
    a crash mid-backfill reads the rest of the window again instead of skipping it.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        query: str,
        api_url: str = "https://hn.algolia.com/api/v1",
        hits_per_page: int = 100,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._query = query
        self._api = api_url.rstrip("/")
        self._per_page = hits_per_page
        self._clock = clock

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        window = _Window.parse(cursor, since_ms, now=int(self._clock()))
        response = await send_request(
            self._client,
            "GET",
            f"{self._api}/search_by_date",
            service=SERVICE,
            params={
                "query": self._query,
                "tags": "(story,comment)",
                "numericFilters": f"created_at_i>{window.after},created_at_i<={window.until}",
                "hitsPerPage": str(self._per_page),
                "page": str(window.page),
            },
        )
        host = httpx.URL(self._api).host or self._api
        check(response, SERVICE, self._clock(), what=f"the Algolia search API at {host}")
        data = json_object(response, SERVICE)
        hits = data.get("hits")
        if not isinstance(hits, list):
            raise TransientError(
                f"{SERVICE} sent an unexpected response", status=response.status_code
            )
        mentions: list[MentionIn] = []
        oldest: int | None = None
        newest = window.newest
        for hit in hits:
            mention, created = self._mention(hit, window)
            if mention is None:
                continue
            mentions.append(mention)
            newest = max(newest, created)
            oldest = created if oldest is None else min(oldest, created)
        next_window = window.next(data, newest=newest, oldest=oldest, got=len(hits))
        if next_window is None:
            return Page(tuple(mentions), str(newest))
        progress = _clock_text(oldest) if oldest is not None else None
        return Page(tuple(mentions), next_window.dump(), more=True, progress=progress)

    def _mention(self, hit: Any, window: _Window) -> tuple[MentionIn | None, int]:
        if not isinstance(hit, dict):
            return None, 0
        object_id, created = hit.get("objectID"), _int(hit.get("created_at_i"))
        if not isinstance(object_id, str | int) or created is None:
            return None, 0
        # Algolia honours numericFilters; this guards the cursor against one that did not.
        if not window.after < created <= window.until:
            return None, 0
        author = str(hit.get("author") or "")
        comment = hit.get("comment_text")
        link = None
        if isinstance(comment, str):
            text = html_to_text(comment)
            parent, root = _id(hit.get("parent_id")), _id(hit.get("story_id"))
        else:
            # A story's `url` is where it points (none for Ask HN and its kin).
            target = hit.get("url")
            link = target if isinstance(target, str) and target.startswith("http") else None
            title = str(hit.get("title") or "").strip()
            body = html_to_text(hit["story_text"]) if isinstance(hit.get("story_text"), str) else ""
            text = f"{title}\n\n{body}" if body else title
            parent = root = None
        return (
            MentionIn(
                channel=Channel.HACKERNEWS,
                external_id=str(object_id),
                text=text,
                created_at=datetime.fromtimestamp(created, UTC),
                author=AuthorIn(
                    handle=author,
                    url=f"{SITE}/user?id={quote(author, safe='')}" if author else None,
                ),
                url=f"{SITE}/item?id={quote(str(object_id), safe='')}",
                in_reply_to=parent,
                root=root,
                matched=self._query,
                points=max(points, 0) if (points := _int(hit.get("points"))) is not None else None,
                link=link,
            ),
            created,
        )


class _Window:
    """The part of the timeline one series of pages reads (see HackerNewsSource)."""

    def __init__(self, after: int, until: int, page: int, newest: int) -> None:
        self.after, self.until, self.page, self.newest = after, until, page, newest

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int, *, now: int) -> _Window:
        if cursor is None:
            after = since_ms // 1000
            return cls(after, now, 0, after)
        cursor = cursor.strip()
        if cursor.lstrip("-").isdigit():
            newest = int(cursor)
            return cls(newest - int(OVERLAP_S), max(now, newest), 0, newest)
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        return cls(data["after"], data["until"], data["page"], data["max"])

    def next(
        self, data: dict[str, Any], *, newest: int, oldest: int | None, got: int
    ) -> _Window | None:
        """The window's next page, or None when it has been read to the end."""
        pages = _int(data.get("nbPages")) or 0
        if got and self.page < pages - 1:
            return _Window(self.after, self.until, self.page + 1, newest)
        # Algolia stops paging after ~1000 hits; when more are left, go on below the
        # oldest one read (inclusive: a repeat is harmless, a gap is not). A second
        # with more hits than one series of pages holds cannot be split further.
        total, per_page = _int(data.get("nbHits")), _int(data.get("hitsPerPage"))
        cut_short = total is not None and per_page is not None and total > pages * per_page
        if got and cut_short and oldest is not None and self.after < oldest < self.until:
            return _Window(self.after, oldest, 0, newest)
        return None

    def dump(self) -> str:
        data = {"after": self.after, "until": self.until, "page": self.page, "max": self.newest}
        return cursor_codec.dump(data)


def _int(value: Any) -> int | None:
    return value if cursor_codec.is_int(value) else None


def _id(value: Any) -> str | None:
    return str(value) if cursor_codec.is_int(value) or (isinstance(value, str) and value) else None


def _clock_text(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d %H:%M")
