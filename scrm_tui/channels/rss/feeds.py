"""RSS and Atom listening (Google Alerts too): conditional GET, feedparser, de-duplication."""

from __future__ import annotations

import calendar
import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.parsers.expat import errors as expat_errors
from xml.sax import SAXException, SAXParseException

import feedparser
import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.http import check, send_request
from scrm_tui.channels.text import html_to_text
from scrm_tui.core.language import declared_code
from scrm_tui.core.listening import Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import TransientError

# Ids remembered across polls. A feed shows its latest 10-100 entries; any entry that
# left it and came back after this many newer ones would be delivered again.
SEEN_MAX = 500
# A full-content feed can put a whole article in each entry; the inbox wants the gist.
TEXT_MAX = 5000
_BAD_CURSOR = "the feed's stored cursor is damaged (reset the source to read it again)"
_CURSOR_FIELDS = {
    key: cursor_codec.Field(cursor_codec.anything, None) for key in ("etag", "modified", "seen")
}
_GOOGLE_HOSTS = frozenset({"www.google.com", "google.com"})


class FeedSource:
    """Polls one feed URL.

    The cursor is JSON: `{"etag": str | null, "modified": str | null, "seen": [ids]}`
    — the validators of the last answer (sent back as If-None-Match and
    If-Modified-Since) and the ids (entry id, else link) already delivered, the last
    SEEN_MAX of them, so a feed without validators does not deliver an entry twice.
    `since_ms` applies to the first poll only (no cursor): older entries are skipped
    then, since a feed's dates say when it was written, not when it reached the feed.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        name: str,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._url = url
        self._name = name
        self._matcher = matcher
        self._clock = clock

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        state = _State.parse(cursor)
        headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9"}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        response = await send_request(
            self._client,
            "GET",
            self._url,
            service=self._name,
            headers=headers,
            # Feeds move (http -> https, a new path) and carry no credentials to leak.
            follow_redirects=True,
        )
        if response.status_code == 304:
            return Page((), cursor)
        where = urlsplit(self._url).hostname or "its address"
        check(response, self._name, self._clock(), what=f"the feed at {where} (moved or removed?)")
        # A file object, not bytes: given bytes, feedparser first tries them as a path
        # to open, so a body of "/dev/zero" would hang the poll.
        parsed = feedparser.parse(
            io.BytesIO(response.content),
            response_headers={"content-type": response.headers.get("content-type", "")},
        )
        entries = list(parsed.get("entries") or [])
        if not entries:
            self._check_feed(parsed, response.status_code)
        broken = self._broken(parsed)
        if broken and _cut_short(parsed) and entries:
            # The answer ends mid-entry (a cut transfer): the last entry is a torso
            # (no title, half an id). Left unread, it comes whole with the next poll.
            entries.pop()
        feed = parsed.get("feed") or {}
        seen = set(state.seen)
        current: dict[str, None] = {}  # the feed's ids in order, each once
        mentions: list[MentionIn] = []
        for entry in entries:
            mention = self._mention(entry, feed)
            if mention.external_id in current:
                continue
            current[mention.external_id] = None
            if mention.external_id in seen:
                continue
            if cursor is None and mention.created_at.timestamp() * 1000 < since_ms:
                continue
            if self._matcher is not None:
                term = self._matcher(mention.text)
                if term is None:
                    continue
                mention = replace(mention, matched=term)
            mentions.append(mention)
        kept = [key for key in state.seen if key not in current] + list(current)
        new_state = _State(
            # A broken answer is not the feed these validators promise: without them
            # the next poll reads it whole, instead of a 304 keeping the rest away.
            etag=None if broken else response.headers.get("etag"),
            modified=None if broken else response.headers.get("last-modified"),
            # Never forget an id the feed still shows, however long the feed is.
            seen=kept[-max(SEEN_MAX, len(current)) :],
        )
        warning = None
        if broken:
            count = f"{len(current)} entr{'y' if len(current) == 1 else 'ies'}"
            # What went wrong last: the status line keeps an error's last part.
            warning = f"{self._name}: read {count}, but the feed is not valid XML: {broken}"
        return Page(tuple(mentions), new_state.dump(), warning=warning)

    def _broken(self, parsed: Any) -> str | None:
        """Where the XML of a feed that still gave entries broke, if it did. Only a
        parse error counts: a charset or Content-Type feedparser corrected is harmless."""
        problem = parsed.get("bozo_exception")
        if not parsed.get("bozo") or not isinstance(problem, SAXException):
            return None
        return _xml_problem(problem)

    def _check_feed(self, parsed: Any, status: int) -> None:
        """Raise if an answer without entries is not an (empty) feed at all."""
        problem = parsed.get("bozo_exception")
        # A wrong Content-Type alone is common and harmless; broken XML is not.
        if parsed.get("bozo") and not isinstance(problem, feedparser.NonXMLContentType):
            raise TransientError(
                f"{self._name}: the feed is not valid XML ({_xml_problem(problem)})",
                status=status,
            )
        if not parsed.get("version"):
            # Well-formed but no feed: an HTML login page or a captive portal's answer.
            raise TransientError(
                f"{self._name}: the answer is not an RSS or Atom feed", status=status
            )

    def _mention(self, entry: Any, feed: Any) -> MentionIn:
        link = _unwrap(str(entry.get("link") or "")) or None
        title = html_to_text(str(entry.get("title") or ""))
        summary = str(entry.get("summary") or "")
        if not summary and entry.get("content"):
            summary = str(entry["content"][0].get("value") or "")
        body = html_to_text(summary)
        text = f"{title}\n\n{body}" if body and body != title else title or body
        if len(text) > TEXT_MAX:
            text = text[: TEXT_MAX - 1].rstrip() + "…"
        key = str(entry.get("id") or "") or link or _digest(text)
        if ":" not in key:
            # A bare guid ("1234") is unique only within its feed; a URL, tag: or urn:
            # id is global, so the same article in two feeds is stored once.
            key = f"{self._name}:{key}"
        author = str(entry.get("author") or "").strip() or self._publisher(feed)
        return MentionIn(
            channel=Channel.RSS,
            external_id=key,
            text=text,
            created_at=self._created(entry),
            author=AuthorIn(handle=author, name=author),
            url=link,
            # xml:lang on the entry, else the feed's <language> (feedparser reads both).
            lang=declared_code(
                (entry.get("summary_detail") or entry.get("title_detail") or {}).get("language")
                or feed.get("language")
            ),
        )

    def _publisher(self, feed: Any) -> str:
        """Who speaks for an entry without an author: the feed's title, else its host.

        Google Alerts leaves every author empty; its feed title ("Google Alert - Slack")
        names the alert, which is what a reader needs to see.
        """
        title = html_to_text(str(feed.get("title") or ""))
        return title or urlsplit(self._url).hostname or self._name

    def _created(self, entry: Any) -> datetime:
        for key in ("published_parsed", "updated_parsed"):
            moment = entry.get(key)
            if moment:
                # feedparser normalises to UTC; timegm reads the struct as UTC.
                return datetime.fromtimestamp(calendar.timegm(moment), UTC)
        return datetime.fromtimestamp(self._clock(), UTC)


class _State:
    def __init__(self, etag: str | None, modified: str | None, seen: list[str]) -> None:
        self.etag, self.modified, self.seen = etag, modified, seen

    @classmethod
    def parse(cls, cursor: str | None) -> _State:
        if not cursor:
            return cls(None, None, [])
        # Lenient inside: a field of another shape reads as absent (the feed is read again).
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        seen = data["seen"]
        return cls(
            _text(data.get("etag")),
            _text(data.get("modified")),
            [str(key) for key in seen] if isinstance(seen, list) else [],
        )

    def dump(self) -> str:
        return cursor_codec.dump({"etag": self.etag, "modified": self.modified, "seen": self.seen})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# Expat's errors for an answer that stops before the document ends.
_CUT_SHORT = frozenset(
    {
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    }
)


def _cut_short(parsed: Any) -> bool:
    problem = parsed.get("bozo_exception")
    return isinstance(problem, SAXParseException) and problem.getMessage() in _CUT_SHORT


def _xml_problem(problem: Any) -> str:
    """`line 3: not well-formed (invalid token)`; no `<unknown>` file name from expat."""
    if isinstance(problem, SAXParseException):
        return f"line {problem.getLineNumber()}: {problem.getMessage()}"[:120]
    return str(problem or "unreadable").splitlines()[0].replace("<unknown>", "")[:120]


def _unwrap(link: str) -> str:
    """Google Alerts' `https://www.google.com/url?...&url=<target>` as the target."""
    parts = urlsplit(link)
    if parts.hostname in _GOOGLE_HOSTS and parts.path == "/url":
        query = parse_qs(parts.query)
        for name in ("url", "q"):
            target = query.get(name, [""])[0]
            if target.startswith(("http://", "https://")):
                return target
    return link


def _digest(text: str) -> str:
    """An id for an entry with neither id nor link: the same text, the same id."""
    return "sha1:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
