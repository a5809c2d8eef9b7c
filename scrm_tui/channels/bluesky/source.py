"""Bluesky listening: searchPosts and listNotifications, newest first, cursor of what was seen."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.bluesky.session import (
    INVALID_HANDLE,
    LINK_FEATURE,
    POST,
    SERVICE,
    BlueskySession,
    at_uri,
)
from scrm_tui.channels.http import (
    iso_utc,
    json_object,
    low_budget_wait,
)
from scrm_tui.core.language import declared_code
from scrm_tui.core.listening import OVERLAP_S, Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import (
    BlueskyAccount,
    PermanentError,
    TransientError,
)
from scrm_tui.core.timefmt import iso_or_none

_TAG_FEATURE = "app.bsky.richtext.facet#tag"


def _tags(facets: Any) -> tuple[str, ...]:
    """The hashtags a post's facets declare (`app.bsky.richtext.facet#tag`)."""
    found = []
    for facet in facets if isinstance(facets, list) else []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict) and feature.get("$type") == _TAG_FEATURE:
                tag = feature.get("tag")
                if isinstance(tag, str):
                    found.append(tag)
    return tuple(found)


def expand_links(text: str, facets: Any) -> str:
    """`text` with each link facet's full address where the text shows it shortened.

    Clients write a long link as `drive.google.com/file/d/1rpor...` and keep the whole
    address in a link facet over those bytes (UTF-8 offsets). A facet whose range is not
    inside the text, cuts a character or overlaps another is left alone.
    """
    data = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for facet in facets if isinstance(facets, list) else []:
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(index, dict) or not isinstance(features, list):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data)):
            continue
        for feature in features:
            uri = feature.get("uri") if isinstance(feature, dict) else None
            if feature.get("$type") == LINK_FEATURE and isinstance(uri, str) and _is_web(uri):
                spans.append((start, end, uri))
                break
    out, at = [], 0
    for start, end, uri in sorted(spans):
        if start < at:
            continue  # overlaps the one before
        try:
            shown = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue  # the offsets cut a character: not this text's facet
        out += [data[at:start], (shown if shown == uri else uri).encode("utf-8")]
        at = end
    if not out:
        return text
    return b"".join([*out, data[at:]]).decode("utf-8", errors="replace")


def _is_web(uri: str) -> bool:
    return uri.startswith(("https://", "http://")) and not any(c.isspace() for c in uri)


# -- listening -----------------------------------------------------------------------

SOURCE_KINDS = ("search", "notifications")
NOTIFICATION_REASONS = ("mention", "reply", "quote")
_LIMIT = 100
# searchPosts' `since` compares a post's sort time (its createdAt when that is earlier
# than indexedAt), our floor is an indexedAt: ask this much earlier and drop repeats.
_MARGIN_S = OVERLAP_S
_SEEN_MAX = 1000
_BAD_CURSOR = cursor_codec.damaged(SERVICE)
_TEXT_OR_NONE = cursor_codec.or_none(cursor_codec.is_text)
_MAP_OR_NONE = cursor_codec.or_none(cursor_codec.is_text_map)
_CURSOR_FIELDS = {
    "newest": cursor_codec.Field(cursor_codec.is_text),
    "seen": cursor_codec.Field(_MAP_OR_NONE, None),
    "page": cursor_codec.Field(_TEXT_OR_NONE, None),
    "top": cursor_codec.Field(_TEXT_OR_NONE, None),
    "run": cursor_codec.Field(_MAP_OR_NONE, None),
}


class BlueskySource:
    """Polls searchPosts (sort=latest) for one query, or listNotifications for
    mentions, replies and quotes, through the account's shared session.

    Both answer newest first, so a poll pages down from the top until it reaches what
    it stored last time. The cursor is JSON::

        {"newest": ISO, "seen": {uri: indexedAt}, "page": api cursor | null,
         "top": ISO | null, "run": {uri: indexedAt}}

    `newest` is the indexedAt of the newest post stored (first run: the window start)
    and `seen` the posts stored within _MARGIN_S below it, so a repeat is dropped and a
    post indexed late is still taken. While a poll pages down (`more=True`), `page` is
    the API's cursor for the next page and `top`/`run` what this series of pages has
    seen; `newest`/`seen` move up only when the series is finished, so a crash in
    the middle reads the series again instead of skipping its rest.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: BlueskyAccount,
        *,
        kind: str,
        query: str | None = None,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
        session: BlueskySession | None = None,
    ) -> None:
        if kind not in SOURCE_KINDS:
            raise ValueError(f"unknown Bluesky source kind {kind!r} (use search or notifications)")
        if kind == "search" and not (query or "").strip():
            raise ValueError("a Bluesky search source needs a query")
        self._kind = kind
        self._query = (query or "").strip()
        self._matcher = matcher
        self._clock = clock
        self._auth = session or BlueskySession(client, account, clock)

    @property
    def session(self) -> BlueskySession:
        """The login, to give a BlueskySender of the same account."""
        return self._auth

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        state = _State.parse(cursor, since_ms)
        floor = iso_or_none(state.newest)
        assert floor is not None
        params: list[tuple[str, str]] = [("limit", str(_LIMIT))]
        if self._kind == "search":
            nsid = "app.bsky.feed.searchPosts"
            since = iso_utc(max(0.0, floor.timestamp() - _MARGIN_S))
            params += [("q", self._query), ("sort", "latest"), ("since", since)]
            key = "posts"
        else:
            nsid = "app.bsky.notification.listNotifications"
            params += [("reasons", reason) for reason in NOTIFICATION_REASONS]
            key = "notifications"
        if state.page:
            params.append(("cursor", state.page))
        response = await self._auth.call("GET", nsid, pds=False, params=params)
        host = httpx.URL(self._auth.entryway).host or self._auth.entryway
        self._auth.check(response, what=f"{nsid} on {host}")
        data = json_object(response, SERVICE)
        items = data.get(key)
        if not isinstance(items, list):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        mentions: list[MentionIn] = []
        reached = False
        oldest_allowed = floor.timestamp() - _MARGIN_S
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
                continue
            if self._kind == "notifications" and item.get("reason") not in NOTIFICATION_REASONS:
                continue  # the server ignored `reasons`: a like or a follow is no mention
            indexed = iso_or_none(item.get("indexedAt"))
            if indexed is None:
                continue
            if indexed.timestamp() < oldest_allowed:
                reached = True  # below what was stored last time: the rest is older
                continue
            uri, stamp = item["uri"], str(item["indexedAt"])
            if uri in state.seen or uri in state.run or (indexed < floor and not state.seen):
                continue
            state.run[uri] = stamp
            if state.top is None or stamp > state.top:
                state.top = stamp
            mention = self._mention(item)
            if mention is not None:
                mentions.append(mention)
        next_page = data.get("cursor")
        wait = low_budget_wait(response, self._clock())
        if items and not reached and isinstance(next_page, str) and next_page:
            state.page = next_page
            oldest = min((m.created_at for m in mentions), default=None)
            progress = oldest.strftime("%Y-%m-%d %H:%M") if oldest else None
            return Page(tuple(mentions), state.dump(), more=True, wait_s=wait, progress=progress)
        return Page(tuple(mentions), state.finished().dump(), wait_s=wait)

    def _mention(self, item: dict[str, Any]) -> MentionIn | None:
        record = item.get("record")
        author = item.get("author")
        parts = at_uri(item["uri"])
        if not isinstance(record, dict) or not isinstance(author, dict) or parts is None:
            return None
        if record.get("$type", POST) != POST:
            return None
        text = expand_links(str(record.get("text") or ""), record.get("facets"))
        created = iso_or_none(record.get("createdAt")) or iso_or_none(item.get("indexedAt"))
        if created is None:
            return None
        reply = record.get("reply")
        parent = _ref_uri(reply, "parent")
        root = _ref_uri(reply, "root")
        handle = str(author.get("handle") or "")
        if not handle or handle == INVALID_HANDLE:
            # A handle whose domain no longer points to the account: the DID is the one
            # name that stays (and what bsky.app links by), so it is the identity key too.
            handle = str(author.get("did") or parts[0])
        name = author.get("displayName")
        followers = author.get("followersCount")
        matched = self._matcher(text) if self._matcher is not None else None
        if self._kind == "search":
            matched = matched or self._query
        return MentionIn(
            channel=Channel.BLUESKY,
            external_id=item["uri"],
            text=text,
            created_at=created,
            author=AuthorIn(
                handle=handle,
                name=name.strip() or None if isinstance(name, str) else None,
                followers=followers if isinstance(followers, int) and followers >= 0 else None,
                url=f"https://bsky.app/profile/{handle}",
            ),
            url=f"https://bsky.app/profile/{handle}/post/{parts[2]}",
            in_reply_to=parent,
            root=root or parent,
            matched=matched,
            hashtags=_tags(record.get("facets")),
            lang=declared_code(record.get("langs")),
        )


class _State:
    """The cursor of a BlueskySource, parsed (see there)."""

    def __init__(
        self,
        newest: str,
        seen: dict[str, str],
        page: str | None = None,
        top: str | None = None,
        run: dict[str, str] | None = None,
    ) -> None:
        self.newest, self.seen, self.page, self.top = newest, seen, page, top
        self.run = run or {}

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _State:
        if cursor is None:
            return cls(iso_utc(since_ms / 1000), {})
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        if not iso_or_none(data["newest"]):
            raise PermanentError(_BAD_CURSOR)
        seen, run = data["seen"] or {}, data["run"] or {}
        return cls(data["newest"], seen, data["page"], data["top"], run)

    def finished(self) -> _State:
        """The state after a series of pages: the floor moves up to the newest seen."""
        newest = max(self.newest, self.top or self.newest, key=_sort_key)
        seen = {**self.seen, **self.run}
        floor = iso_or_none(newest)
        assert floor is not None
        keep = floor.timestamp() - _MARGIN_S
        recent = {
            uri: stamp
            for uri, stamp in seen.items()
            if (iso_or_none(stamp) or floor).timestamp() >= keep
        }
        newest_first = sorted(recent.items(), key=lambda pair: _sort_key(pair[1]), reverse=True)
        return _State(newest, dict(newest_first[:_SEEN_MAX]))

    def dump(self) -> str:
        data: dict[str, Any] = {"newest": self.newest, "seen": self.seen}
        if self.page is not None:
            data.update(page=self.page, top=self.top, run=self.run)
        return cursor_codec.dump(data)


def _sort_key(value: str) -> float:
    moment = iso_or_none(value)
    return moment.timestamp() if moment else 0.0


def _ref_uri(reply: Any, part: str) -> str | None:
    ref = reply.get(part) if isinstance(reply, dict) else None
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None
