"""A real HTTP server on 127.0.0.1 that answers like the networks scrm posts to.

It speaks Mastodon, Bluesky (entryway and PDS), Reddit, GitHub, Slack and Discord
webhooks and a generic JSON receiver, with the response shapes and rate-limit
headers recorded in tests/payloads (manifest.json says where each came from). It keeps
what it is sent, so a test can check that exactly one post arrived.

In a test::

    with Loopback() as server:
        sender = MastodonSender(client, server.mastodon_account())
        server.fail("mastodon.post_status", status=503, times=1)
        ...
        assert server.count("mastodon") == 1

By hand (then point a demo config at the printed addresses)::

    python tests/loopback.py --port 8765

Routes that faults are scripted on (`server.routes()` lists them):
`mastodon.post_status`, `mastodon.get_status`, `bluesky.createSession`,
`bluesky.refreshSession`, `bluesky.getRecord`, `bluesky.createRecord`,
`bluesky.resolveHandle`, `reddit.access_token`, `reddit.comment`,
`reddit.user_comments`, `github.create_comment`, `github.list_comments`, `slack`,
`discord`, `json`; and the read routes of the listening sources, which serve the
recorded listings (plus what a test adds: `add_mastodon_mention`,
`add_mastodon_tag_status`, `add_mastodon_search_status` with a `mastodon_status()`;
`add_bluesky_search_post` (with `reason=`: a notification); `add_reddit_thing` with a
`reddit_comment()`; `add_github_issue`; `add_github_discussion`) with each API's own
paging: `mastodon.notifications`,
`mastodon.tag`, `mastodon.search`, `bluesky.searchPosts`, `bluesky.listNotifications`,
`reddit.search`, `reddit.subreddit_comments`, `reddit.mentions` (a user's login only),
`github.search_issues`, `github.graphql`
(a GraphQL `search(type: DISCUSSION)`, token required), `hackernews.search_by_date`
(Algolia's, with its `numericFilters` and paging; `add_hn_comment`); and the cheap
checks of `scrm doctor`: `mastodon.verify_credentials`, `mastodon.instance`,
`bluesky.health`, `github.rate_limit`.
`rate_limit(api, **headers)` replaces the rate-limit headers of one API's read routes.

Faults (each used by the next `times` requests of the route, `None` = all of them):
`fail()` answers with a status/body/headers of your choice instead of the real thing
(`after=True`: do the real thing first, so the post exists, then answer the error),
`html()` is `fail()` with a proxy's HTML error page, `truncate()` cuts the JSON body
of the real answer in half, `delay()` handles the request at once but answers late
(a client timeout then fires while the post already exists), and `drop()` closes the
connection without an answer.
"""

from __future__ import annotations

import argparse
import base64
import copy
import dataclasses
import hashlib
import html as html_lib
import itertools
import json
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

try:
    from tests.fakes.httpserver import QuietHandler, ThreadedServer
    from tests.fakes.recorded import PAYLOADS, library
except ImportError:  # run as a script: python tests/loopback.py
    from httpserver import QuietHandler, ThreadedServer  # type: ignore[no-redef]
    from recorded import PAYLOADS, library  # type: ignore[no-redef]
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

try:
    import regex
except ImportError:  # run by hand outside the venv: count code points instead
    regex = None

KINDS = ("mastodon", "bluesky", "reddit", "github", "slack", "discord", "json")

JsonDict = dict[str, Any]
_XRPC = r"/(bsky|pds)/xrpc/"
# route name -> (method, path pattern); each is answered by Loopback._on_<route>.
ROUTES = {
    "mastodon.post_status": ("POST", r"/mastodon/api/v1/statuses"),
    "mastodon.get_status": ("GET", r"/mastodon/api/v1/statuses/([^/]+)"),
    "bluesky.createSession": ("POST", _XRPC + r"com\.atproto\.server\.createSession"),
    "bluesky.refreshSession": ("POST", _XRPC + r"com\.atproto\.server\.refreshSession"),
    "bluesky.getRecord": ("GET", _XRPC + r"com\.atproto\.repo\.getRecord"),
    "bluesky.createRecord": ("POST", _XRPC + r"com\.atproto\.repo\.createRecord"),
    "bluesky.resolveHandle": ("GET", _XRPC + r"com\.atproto\.identity\.resolveHandle"),
    "reddit.access_token": ("POST", r"/reddit-www/api/v1/access_token"),
    "reddit.comment": ("POST", r"/reddit/api/comment/?"),
    "reddit.user_comments": ("GET", r"/reddit/user/([^/]+)/comments/?"),
    "github.create_comment": ("POST", r"/github/repos/([^/]+)/([^/]+)/issues/(\d+)/comments"),
    "github.list_comments": ("GET", r"/github/repos/([^/]+)/([^/]+)/issues/(\d+)/comments"),
    # Read routes of the listening sources.
    "mastodon.notifications": ("GET", r"/mastodon/api/v1/notifications"),
    "mastodon.tag": ("GET", r"/mastodon/api/v1/timelines/tag/([^/]+)"),
    "mastodon.search": ("GET", r"/mastodon/api/v2/search"),
    "bluesky.searchPosts": ("GET", _XRPC + r"app\.bsky\.feed\.searchPosts"),
    "bluesky.listNotifications": ("GET", _XRPC + r"app\.bsky\.notification\.listNotifications"),
    "reddit.search": ("GET", r"/reddit/search/?"),
    "reddit.subreddit_comments": ("GET", r"/reddit/r/([^/]+)/comments/?"),
    "reddit.mentions": ("GET", r"/reddit/message/mentions/?"),  # the user's inbox
    "github.search_issues": ("GET", r"/github/search/issues"),
    "github.graphql": ("POST", r"/github/graphql"),  # discussion search only
    "github.user": ("GET", r"/github/users/([^/]+)"),  # an author's public profile
    "hackernews.search_by_date": ("GET", r"/hn/search_by_date"),  # Algolia
    # What `scrm doctor` asks to see that a host answers and a token is accepted.
    "mastodon.verify_credentials": ("GET", r"/mastodon/api/v1/accounts/verify_credentials"),
    "mastodon.instance": ("GET", r"/mastodon/api/v1/instance"),
    "bluesky.health": ("GET", _XRPC + r"_health"),
    "github.rate_limit": ("GET", r"/github/rate_limit"),
    "slack": ("POST", r"/slack/services/.+"),
    "discord": ("POST", r"/discord/api/webhooks/(\d+)/([^/]+)"),
    "json": ("POST", r"/hooks/json(/.*)?"),
}


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it (header names in lower case)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    route: str | None

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def param(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[-1]


@dataclass
class _Fault:
    kind: str  # fail | html | truncate | delay | drop
    times: int | None
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    after: bool = False


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>\n"
    "<body><center><h1>{status} {title}</h1></center><hr><center>nginx</center>\n"
    "<!-- request /secret/path?token=leaked-if-quoted -->\n</body></html>\n"
)
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
# Algolia's numericFilters operators, each turned into a test of one value.
_COMPARE: dict[str, Callable[[int], Callable[[int], bool]]] = {
    ">": lambda v: lambda x: x > v,
    ">=": lambda v: lambda x: x >= v,
    "<": lambda v: lambda x: x < v,
    "<=": lambda v: lambda x: x <= v,
    "=": lambda v: lambda x: x == v,
}
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class Loopback(ThreadedServer):
    """The server. Start it with `with Loopback() as server:` or `start()`/`stop()`."""

    NAME = "loopback"

    MASTODON_TOKEN = "loopback-mastodon-token"
    BLUESKY_HANDLE = "scrm-test.bsky.social"
    BLUESKY_EMAIL = "scrm-test@example.com"
    BLUESKY_DID = "did:plc:scrmloopbacktest0000000"
    BLUESKY_PASSWORD = "loop-back-app-pass"
    REDDIT_CLIENT_ID = "loopback-client"
    REDDIT_CLIENT_SECRET = "loopback-client-secret"
    REDDIT_USERNAME = "scrm_test"
    REDDIT_PASSWORD = "loopback-reddit-password"
    REDDIT_REFRESH_TOKEN = "loopback-reddit-refresh"
    REDDIT_USER_AGENT = "linux:scrm-loopback:0.1 (by /u/scrm_test)"
    GITHUB_TOKEN = "ghp_loopbacktoken0000000000000000000000"
    WEBHOOK_SECRET = "loopback-webhook-secret"
    # The recorded parent post (getRecord fixture) and its author.
    PARENT_HANDLE = "bskyr.bsky.social"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        payloads: Path | None = None,
        clock: Callable[[], float] = time.time,
        lenient: bool = False,
    ) -> None:
        self._files, self._manifest = library(payloads or PAYLOADS)
        # Lenient (the standalone server behind a demo): any status or post a reply
        # answers exists, public, so the demo's mentions can be answered.
        self.lenient = lenient
        super().__init__(host, port)
        self.clock = clock
        self._lock = threading.RLock()
        self._requests: list[Recorded] = []
        self._posts: dict[str, list[JsonDict]] = {kind: [] for kind in KINDS}
        self._faults: dict[str, deque[_Fault]] = {}
        self.errors: list[str] = []  # bugs of the server itself, for a test to show
        self._ids = itertools.count(1)
        # Mastodon
        self._statuses: dict[str, JsonDict] = {}
        self._idempotent: dict[tuple[str, str], JsonDict] = {}
        # Bluesky
        self._handles: dict[str, str] = {self.BLUESKY_HANDLE: self.BLUESKY_DID}
        self._records: dict[str, JsonDict] = {}  # at:// uri -> {"uri", "cid", "value"}
        self._access: set[str] = set()
        self._expired: set[str] = set()
        self._refresh: set[str] = set()
        self._sessions_created = 0
        # Reddit and GitHub
        self._reddit_tokens: set[str] = set()
        self._reddit_app_tokens: set[str] = set()  # client credentials: no user behind them
        self._reddit_comments: list[JsonDict] = []
        self._github_comments: list[JsonDict] = []
        # What the read routes list (newest first where the network sorts that way).
        self._mastodon_notes: list[JsonDict] = []
        self._mastodon_tags: dict[str, list[JsonDict]] = {}
        self._mastodon_found: list[JsonDict] = []
        self._bsky_search: list[JsonDict] = []
        self._bsky_notes: list[JsonDict] = []
        self._reddit_listings: dict[str, list[JsonDict]] = {}
        self._github_issues: list[JsonDict] = []
        self._github_users: dict[str, JsonDict] = {}
        self._github_discussions: list[JsonDict] = []
        self._hn_hits: list[JsonDict] = []
        self._limits: dict[str, dict[str, str]] = {}
        self._seed()
        self._routes = [
            (method, re.compile(pattern), route, getattr(self, "_on_" + route.replace(".", "_")))
            for route, (method, pattern) in ROUTES.items()
        ]

    # -- life cycle ------------------------------------------------------------------

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"loopback": self})

    # -- where each API lives ----------------------------------------------------------

    @property
    def mastodon_url(self) -> str:
        return f"{self.base_url}/mastodon"

    @property
    def bluesky_url(self) -> str:
        """The entryway (like bsky.social): sessions and reads; refuses repo writes."""
        return f"{self.base_url}/bsky"

    @property
    def pds_url(self) -> str:
        """The account's PDS, named in the session's DID document: writes go here."""
        return f"{self.base_url}/pds"

    @property
    def reddit_auth_url(self) -> str:
        return f"{self.base_url}/reddit-www"

    @property
    def reddit_api_url(self) -> str:
        return f"{self.base_url}/reddit"

    @property
    def github_api_url(self) -> str:
        return f"{self.base_url}/github"

    def webhook_url(self, kind: str) -> str:
        paths = {
            "slack": "/slack/services/T0LOOPBACK/B0LOOPBACK/loopbackSlackSecret0000",
            "discord": "/discord/api/webhooks/223704706495545344/loopbackDiscordToken0000",
            "json": "/hooks/json/loopbackJsonPath0000",
        }
        return self.base_url + paths[kind]

    # Accounts for the senders (imported here so the server runs without scrm_tui).

    def mastodon_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import MastodonAccount

        return MastodonAccount(
            **{"base_url": self.mastodon_url, "token": self.MASTODON_TOKEN, **changes}
        )

    def bluesky_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import BlueskyAccount

        return BlueskyAccount(
            **{
                "identifier": self.BLUESKY_HANDLE,
                "password": self.BLUESKY_PASSWORD,
                "service": self.bluesky_url,
                **changes,
            }
        )

    def reddit_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import RedditAccount

        return RedditAccount(
            **{
                "client_id": self.REDDIT_CLIENT_ID,
                "client_secret": self.REDDIT_CLIENT_SECRET,
                "username": self.REDDIT_USERNAME,
                "refresh_token": self.REDDIT_REFRESH_TOKEN,
                "user_agent": self.REDDIT_USER_AGENT,
                "api_url": self.reddit_api_url,
                "auth_url": self.reddit_auth_url,
                **changes,
            }
        )

    def github_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import GitHubAccount

        return GitHubAccount(
            **{"token": self.GITHUB_TOKEN, "api_url": self.github_api_url, **changes}
        )

    def webhook(self, kind: str, *, name: str = "ops", secret: str | None = None) -> Any:
        from scrm_tui.core.outgoing import Webhook

        return Webhook(name=name, kind=kind, url=self.webhook_url(kind), secret=secret)

    # -- seeding -----------------------------------------------------------------------

    def add_mastodon_status(self, status_id: str, *, visibility: str = "public") -> JsonDict:
        """A status others wrote, for replies to answer (GET /api/v1/statuses/:id)."""
        status = self._payload("mastodon_status_post.json")
        status.update(id=status_id, visibility=visibility, in_reply_to_id=None)
        status["url"] = f"{self.mastodon_url}/@someone/{status_id}"
        with self._lock:
            self._statuses[status_id] = status
        return copy.deepcopy(status)

    def add_bluesky_handle(self, handle: str, did: str) -> None:
        with self._lock:
            self._handles[handle.lower()] = did

    def add_bluesky_post(
        self, did: str, rkey: str, text: str = "a post", *, root: JsonDict | None = None
    ) -> JsonDict:
        """A post in someone's repo; `root` ({uri, cid}) makes it a reply in a thread."""
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        value: JsonDict = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": self._iso(self.clock()),
        }
        if root is not None:
            value["reply"] = {"root": root, "parent": root}
        record = {"uri": uri, "cid": _cid(uri), "value": value}
        with self._lock:
            self._records[uri] = record
        return {"uri": uri, "cid": record["cid"]}

    @property
    def parent_post(self) -> JsonDict:
        """The recorded getRecord fixture (a top-level post by bskyr.bsky.social)."""
        data = json.loads(self._files["bluesky_getRecord_parent.json"])
        return {"uri": data["uri"], "cid": data["cid"]}

    def expire_bluesky(self, *, refresh: bool = False) -> None:
        """Every access token expires (and every refresh token too when `refresh`)."""
        with self._lock:
            self._expired |= self._access
            self._access.clear()
            if refresh:
                self._refresh.clear()

    def expire_reddit(self) -> None:
        with self._lock:
            self._reddit_tokens.clear()

    # -- what the listening sources read ---------------------------------------------

    def rate_limit(self, api: str, **headers: str) -> None:
        """Replace rate-limit headers of `api`'s read routes (mastodon, bluesky, reddit,
        github), e.g. `rate_limit("mastodon", **{"x-ratelimit-remaining": "3"})`."""
        with self._lock:
            self._limits.setdefault(api, {}).update(
                {name.lower().replace("_", "-"): value for name, value in headers.items()}
            )

    def mastodon_status(
        self,
        status_id: str,
        text: str,
        *,
        created_at: str,
        acct: str = "mastodonpy_test_2",
        in_reply_to_id: str | None = None,
    ) -> JsonDict:
        """A status in the recorded shape, its content HTML made from `text`."""
        status: JsonDict = self._payload("mastodon_timeline_tag.json")[0]
        username = acct.split("@", 1)[0]
        host = acct.split("@", 1)[1] if "@" in acct else "localhost:3000"
        status["account"].update(
            acct=acct, username=username, url=f"http://{host}/@{username}", followers_count=7
        )
        status.update(
            id=status_id,
            created_at=created_at,
            in_reply_to_id=in_reply_to_id,
            content=f"<p>{html_lib.escape(text)}</p>",
            url=f"http://{host}/@{username}/{status_id}",
            uri=f"http://{host}/users/{username}/statuses/{status_id}",
        )
        return status

    @staticmethod
    def snowflake(epoch: float, sequence: int = 0) -> str:
        """A Mastodon id for a status made at `epoch`: milliseconds << 16, as Mastodon
        gives a remote status its own date's id (Mastodon::Snowflake.id_at), so one that
        federates late sorts among the statuses of its time, not at the top."""
        return str((int(epoch * 1000) << 16) | (sequence & 0xFFFF))

    def add_mastodon_mention(self, notification_id: str, status: JsonDict) -> None:
        note: JsonDict = self._payload("mastodon_notifications_mention.json")[0]
        note.update(id=notification_id, created_at=status["created_at"], status=status)
        note["account"] = status["account"]
        with self._lock:
            self._mastodon_notes.append(note)

    def add_mastodon_tag_status(self, tag: str, status: JsonDict) -> None:
        with self._lock:
            self._mastodon_tags.setdefault(tag.lower(), []).append(status)

    def add_mastodon_search_status(self, status: JsonDict) -> None:
        with self._lock:
            self._mastodon_found.append(status)

    def add_bluesky_search_post(
        self,
        did: str,
        rkey: str,
        text: str,
        *,
        at: str,
        handle: str = "someone.bsky.social",
        reply: JsonDict | None = None,
        reason: str | None = None,
        created_at: str | None = None,
    ) -> JsonDict:
        """A post searchPosts finds (or, with `reason`, a notification about it), indexed
        `at`; `created_at` (default: the same) is the date its author's app gave it."""
        post: JsonDict = copy.deepcopy(self._payload("bluesky_searchPosts.json")["posts"][0])
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        post.update(uri=uri, cid=_cid(uri), indexedAt=at)
        post["author"].update(did=did, handle=handle, displayName=handle.split(".")[0])
        post["record"] = {
            "$type": "app.bsky.feed.post",
            "createdAt": created_at or at,
            "text": text,
        }
        if reply is not None:
            post["record"]["reply"] = reply
        with self._lock:
            if reason is None:
                self._bsky_search.append(post)
            else:
                note = {**post, "reason": reason, "isRead": False, "labels": []}
                self._bsky_notes.append(note)
        return post

    def add_reddit_thing(self, listing: str, data: JsonDict, kind: str = "t1") -> None:
        """A comment (t1) or post (t3) in the "search" or "comments" listing, placed by
        its creation time as Reddit sorts "new" (one indexed late lands below newer ones)."""
        with self._lock:
            things = self._reddit_listings[listing]
            created = float(data["created_utc"])
            at = next(
                (i for i, t in enumerate(things) if float(t["data"]["created_utc"]) <= created),
                len(things),
            )
            things.insert(at, {"kind": kind, "data": data})

    def reddit_comment(self, comment_id: str, body: str, *, created_utc: float) -> JsonDict:
        """A comment in the recorded shape."""
        data: JsonDict = copy.deepcopy(self._payload("reddit_subreddit_comments.json"))
        comment: JsonDict = data["data"]["children"][0]["data"]
        comment.update(
            id=comment_id,
            name=f"t1_{comment_id}",
            body=body,
            # As Reddit renders it (raw_json=1): what a listening source reads.
            body_html=f'<div class="md"><p>{html_lib.escape(body)}</p>\n</div>',
            created_utc=created_utc,
            created=created_utc,
            permalink=f"/r/loopback/comments/agi5zf/x/{comment_id}/",
        )
        return comment

    def add_github_issue(self, number: int, title: str, body: str, *, created_at: str) -> JsonDict:
        issue: JsonDict = self._payload("github_search_issues.json")["items"][0]
        repo = "https://github.com/octokit-fixture-org/loopback"
        issue.update(
            id=1_400_000_000 + number,
            node_id=f"I_loopback{number}",
            number=number,
            title=title,
            body=body,
            created_at=created_at,
            updated_at=created_at,
            html_url=f"{repo}/issues/{number}",
        )
        with self._lock:
            self._github_issues.append(issue)
        return issue

    def set_github_user(self, login: str, **profile: Any) -> None:
        """What the users API says of `login` besides its login: `blog`, `email`,
        `company` (a user not set is answered with all three empty, as GitHub does)."""
        with self._lock:
            self._github_users[login] = profile

    def add_github_discussion(
        self,
        number: int,
        title: str,
        body: str,
        *,
        created_at: str,
        login: str | None = "octocat",
        repo: str = "octo-org/octo-repo",
        profile: JsonDict | None = None,
    ) -> JsonDict:
        """A discussion the GraphQL search finds (`login=None`: a deleted author).

        No GraphQL answer was recorded: this node is composed from documented fields
        of the `Discussion` object (docs.github.com/graphql/reference/objects#discussion);
        `profile` adds fields of its author's `User` (`websiteUrl`, `email`).
        """
        author = None if login is None else {"login": login, "url": f"https://github.com/{login}"}
        if author is not None and profile:
            author.update(profile)
        discussion: JsonDict = {
            "__typename": "Discussion",
            "id": f"D_kwDOloopback{number}",
            "number": number,
            "url": f"https://github.com/{repo}/discussions/{number}",
            "title": title,
            "body": body,
            "createdAt": created_at,
            "author": author,
            "repository": {"nameWithOwner": repo},
        }
        with self._lock:
            self._github_discussions.append(discussion)
        return copy.deepcopy(discussion)

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

    # -- faults ----------------------------------------------------------------------

    def routes(self) -> list[str]:
        return [route for _, _, route, _ in self._routes]

    def fail(
        self,
        route: str,
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        payload: str | None = None,
        times: int | None = 1,
        after: bool = False,
    ) -> None:
        """Answer `route` with this error. `payload` names a recorded file: its body,
        and its status and headers from the manifest unless given."""
        recorded: JsonDict = {}
        if payload is not None:
            recorded = self._manifest.get(payload, {})
            body = self._files[payload] if body is None else body
        all_headers = {**recorded.get("headers", {}), **(headers or {})}
        data, content_type = _encode(body)
        if content_type and not any(k.lower() == "content-type" for k in all_headers):
            all_headers["Content-Type"] = content_type
        final = status if status is not None else int(recorded.get("status") or 500)
        self._add(route, _Fault("fail", times, final, data, all_headers, after=after))

    def html(self, route: str, status: int, *, times: int | None = 1) -> None:
        """Answer with a proxy's HTML error page (it even quotes a path and a token)."""
        titles = {403: "Forbidden", 502: "Bad Gateway", 503: "Service Unavailable"}
        page = _HTML_PAGE.format(status=status, title=titles.get(status, "Error"))
        headers = {"Content-Type": "text/html; charset=utf-8"}
        self._add(route, _Fault("html", times, status, page.encode(), headers))

    def truncate(self, route: str, *, times: int | None = 1) -> None:
        """Do the real thing, then send only the first half of the body."""
        self._add(route, _Fault("truncate", times))

    def delay(self, route: str, seconds: float, *, times: int | None = 1) -> None:
        """Do the real thing at once, but answer only after `seconds`."""
        self._add(route, _Fault("delay", times, seconds=seconds))

    def drop(self, route: str, *, times: int | None = 1, after: bool = False) -> None:
        """Close the connection without answering (after doing the thing if `after`)."""
        self._add(route, _Fault("drop", times, after=after))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # -- what arrived --------------------------------------------------------------------

    def requests(self, route: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self._requests if route is None or r.route == route]

    def posts(self, kind: str) -> list[JsonDict]:
        """What was created: statuses, records, comments, or webhook deliveries
        (`{"json", "raw", "headers"}`), oldest first."""
        with self._lock:
            return copy.deepcopy(self._posts[kind])

    def count(self, kind: str) -> int:
        with self._lock:
            return len(self._posts[kind])

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(items) for kind, items in self._posts.items()}

    # -- dispatch (called by the handler thread) --------------------------------------------

    def _handle(self, request: Recorded) -> _Reply | None:
        """The reply to send, or None to drop the connection; faults applied here."""
        route, action, match = self._find(request.method, request.path)
        request = dataclasses.replace(request, route=route)
        with self._lock:
            self._requests.append(request)
            fault = self._take(route) if route else None
        if action is None or match is None:
            return _json(404, {"error": "no such route on the loopback server"})
        if fault is not None and not fault.after:
            if fault.kind == "drop":
                return None
            if fault.kind in ("fail", "html"):
                return _Reply(fault.status, fault.body, dict(fault.headers))
        with self._lock:
            reply = action(request, match)
        if fault is None:
            return reply
        if fault.kind == "drop":
            return None
        if fault.kind in ("fail", "html"):
            return _Reply(fault.status, fault.body, dict(fault.headers))
        if fault.kind == "truncate":
            reply.body = reply.body[: len(reply.body) // 2]
        if fault.kind == "delay":
            self._stopping.wait(fault.seconds)
        return reply

    def _find(
        self, method: str, path: str
    ) -> tuple[str | None, Callable[..., _Reply] | None, re.Match[str] | None]:
        for route_method, pattern, route, action in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return route, action, match
        return None, None, None

    def _add(self, route: str, fault: _Fault) -> None:
        if route not in self.routes():
            raise ValueError(f"loopback: no route {route!r}; routes are {self.routes()}")
        with self._lock:
            self._faults.setdefault(route, deque()).append(fault)

    def _take(self, route: str) -> _Fault | None:
        queue = self._faults.get(route)
        if not queue:
            return None
        fault = queue[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
        return fault

    # -- helpers -----------------------------------------------------------------------

    def _payload(self, name: str) -> Any:
        return json.loads(self._files[name])

    def _recorded(self, name: str, status: int | None = None, body: Any = None) -> _Reply:
        """A recorded file with its manifest status and headers (body replaceable)."""
        response = self._manifest.get(name, {})
        data = self._files[name] if body is None else json.dumps(body).encode()
        headers = {k: v for k, v in response.get("headers", {}).items() if k.lower() != "date"}
        headers.setdefault("content-type", "application/json; charset=utf-8")
        return _Reply(status or int(response.get("status") or 200), data, headers)

    def _iso(self, epoch: float) -> str:
        return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"

    def _seed(self) -> None:
        parent = self._payload("bluesky_getRecord_parent.json")
        self._records[parent["uri"]] = parent
        self._handles[self.PARENT_HANDLE] = parent["uri"].split("/")[2]
        self._mastodon_notes = self._payload("mastodon_notifications_mention.json")
        self._mastodon_tags["hoot"] = self._payload("mastodon_timeline_tag.json")
        self._mastodon_found = self._payload("mastodon_search_v2_mastodon_social.json")["statuses"]
        self._bsky_search = self._payload("bluesky_searchPosts.json")["posts"]
        self._bsky_notes = self._payload("bluesky_listNotifications.json")["notifications"]
        for name, file in (
            ("search", "reddit_search_listing.json"),
            ("comments", "reddit_subreddit_comments.json"),
            ("mentions", "reddit_inbox_mentions.json"),
        ):
            children = self._payload(file)["data"]["children"]
            self._reddit_listings[name] = sorted(
                children, key=lambda child: -float(child["data"]["created_utc"])
            )
        self._github_issues = self._payload("github_search_issues.json")["items"]

    # -- Mastodon ----------------------------------------------------------------------

    def _mastodon_auth(self, request: Recorded) -> _Reply | None:
        if request.headers.get("authorization") != f"Bearer {self.MASTODON_TOKEN}":
            return self._recorded("mastodon_error_401_invalid_token.json")
        return None

    def _on_mastodon_post_status(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_auth(request)
        if refused:
            return refused
        is_json = "json" in request.headers.get("content-type", "")
        params = request.json() if is_json else request.form()
        text = str(params.get("status") or "")
        key = request.headers.get("idempotency-key")
        reply_to = params.get("in_reply_to_id")
        template = "mastodon_status_reply.json" if reply_to else "mastodon_status_post.json"
        if key and (self.MASTODON_TOKEN, key) in self._idempotent:
            # PostStatusService: the same key within an hour returns the same status.
            return self._recorded(template, body=self._idempotent[(self.MASTODON_TOKEN, key)])
        if not text.strip():
            return self._recorded("mastodon_error_422_validation.json")
        status = self._payload(template)
        status_id = str(117020590000000000 + next(self._ids))
        parent = self._statuses.get(str(params.get("in_reply_to_id")))
        status.update(
            id=status_id,
            created_at=self._iso(self.clock()),
            in_reply_to_id=params.get("in_reply_to_id"),
            in_reply_to_account_id=parent["account"]["id"] if parent else None,
            visibility=params.get("visibility") or "public",
            content=f"<p>{html_lib.escape(text)}</p>",
            url=f"{self.mastodon_url}/@scrm/{status_id}",
            uri=f"{self.mastodon_url}/users/scrm/statuses/{status_id}",
        )
        self._statuses[status_id] = status
        if key:
            self._idempotent[(self.MASTODON_TOKEN, key)] = status
        self._posts["mastodon"].append({**status, "text": text})
        return self._recorded(template, body=status)

    def _on_mastodon_get_status(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_auth(request)
        if refused:
            return refused
        status = self._statuses.get(match.group(1))
        if status is None and self.lenient:
            status = self.add_mastodon_status(match.group(1))
        if status is None:
            return self._recorded("mastodon_error_404_record_not_found.json")
        return self._recorded("mastodon_timeline_tag.json", status=200, body=status)

    # -- Bluesky -----------------------------------------------------------------------

    def _bsky_error(self, status: int, error: str, message: str) -> _Reply:
        return _json(status, {"error": error, "message": message})

    def _bsky_auth(self, request: Recorded, *, required: bool) -> _Reply | None:
        header = request.headers.get("authorization", "")
        if not header:
            return (
                self._bsky_error(401, "AuthMissing", "Authentication Required")
                if required
                else None
            )
        token = header.removeprefix("Bearer ")
        if token in self._access:
            return None
        if token in self._expired:
            return self._bsky_error(400, "ExpiredToken", "Token has expired")
        return self._bsky_error(400, "InvalidToken", "Token could not be verified")

    def _bsky_session_body(self) -> JsonDict:
        n = next(self._ids)
        access, refresh = f"access-{n}-{os.urandom(4).hex()}", f"refresh-{n}-{os.urandom(4).hex()}"
        self._access.add(access)
        self._refresh.add(refresh)
        body: JsonDict = self._payload("bluesky_createSession.json")
        doc = body["didDoc"]
        doc["id"] = self.BLUESKY_DID
        doc["alsoKnownAs"] = [f"at://{self.BLUESKY_HANDLE}"]
        doc["verificationMethod"][0]["id"] = f"{self.BLUESKY_DID}#atproto"
        doc["verificationMethod"][0]["controller"] = self.BLUESKY_DID
        doc["service"][0]["serviceEndpoint"] = self.pds_url
        body.update(
            did=self.BLUESKY_DID,
            handle=self.BLUESKY_HANDLE,
            email=self.BLUESKY_EMAIL,
            accessJwt=access,
            refreshJwt=refresh,
        )
        return body

    def _on_bluesky_createSession(self, request: Recorded, match: re.Match[str]) -> _Reply:
        data = request.json()
        who = str(data.get("identifier", "")).lower()
        if who not in (self.BLUESKY_HANDLE, self.BLUESKY_EMAIL) or (
            data.get("password") != self.BLUESKY_PASSWORD
        ):
            return self._recorded("bluesky_error_401_bad_password.json")
        self._sessions_created += 1
        reply = self._recorded("bluesky_createSession.json", body={})
        left = 10 - self._sessions_created
        reply.headers["ratelimit-remaining"] = str(max(0, left))
        reply.headers["ratelimit-reset"] = str(int(self.clock()) + 86400)
        if left < 0:  # createSession: 10 a day (ratelimit-policy 10;w=86400)
            reply.status = 429
            reply.body = self._files["bluesky_error_429_rate_limit.json"]
            return reply
        reply.body = json.dumps(self._bsky_session_body()).encode()
        return reply

    def _on_bluesky_refreshSession(self, request: Recorded, match: re.Match[str]) -> _Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._refresh:
            return self._bsky_error(400, "ExpiredToken", "Token has been revoked")
        self._refresh.discard(token)  # refresh tokens rotate: the old one is spent
        body = self._bsky_session_body()
        keep = ("did", "didDoc", "handle", "accessJwt", "refreshJwt", "active")
        return _json(200, {k: body[k] for k in keep})

    def _on_bluesky_getRecord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=False)
        if refused:
            return refused
        repo = request.param("repo")
        did = repo if repo.startswith("did:") else self._handles.get(repo.lower(), repo)
        uri = f"at://{did}/{request.param('collection')}/{request.param('rkey')}"
        record = self._records.get(uri)
        if record is None and self.lenient and did != self.BLUESKY_DID:
            self.add_bluesky_post(did, request.param("rkey"), "a post from the demo")
            record = self._records.get(uri)
        if record is None:
            return self._bsky_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return self._recorded("bluesky_getRecord_parent.json", body=record)

    def _on_bluesky_createRecord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if match.group(1) == "bsky":
            # bsky.social is an entryway: repo writes go to the account's PDS.
            return self._bsky_error(400, "AuthMissing", "Authentication Required")
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        data = request.json()
        if data.get("repo") not in (self.BLUESKY_DID, self.BLUESKY_HANDLE):
            return self._bsky_error(401, "AuthRequired", "Authentication Required")
        record = data.get("record") or {}
        problem = _bluesky_problem(record)
        if problem == "too long":
            return self._recorded("bluesky_error_400_text_too_long.json")
        if problem:
            return self._bsky_error(
                400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {problem}"
            )
        rkey = str(data.get("rkey") or _tid(self.clock()))
        uri = f"at://{self.BLUESKY_DID}/{data.get('collection')}/{rkey}"
        if uri in self._records:
            # @atproto/repo's MST: "There is already a value at key" -> a plain 500.
            return self._bsky_error(500, "InternalServerError", "Internal Server Error")
        cid = _cid(uri + json.dumps(record, sort_keys=True))
        self._records[uri] = {"uri": uri, "cid": cid, "value": record}
        self._posts["bluesky"].append({"uri": uri, "cid": cid, "rkey": rkey, "record": record})
        body = self._payload("bluesky_createRecord_reply_response.json")
        body.update(uri=uri, cid=cid)
        body["commit"] = {"cid": _cid("commit" + uri), "rev": _tid(self.clock())}
        return self._recorded("bluesky_createRecord_reply_response.json", body=body)

    def _on_bluesky_resolveHandle(self, request: Recorded, match: re.Match[str]) -> _Reply:
        did = self._handles.get(request.param("handle").lower())
        if did is None:
            return self._bsky_error(400, "InvalidRequest", "Unable to resolve handle")
        return _json(200, {"did": did})

    # -- Reddit ------------------------------------------------------------------------

    def _reddit_unauthorized(self) -> _Reply:
        return _json(401, {"message": "Unauthorized", "error": 401})

    def _on_reddit_access_token(self, request: Recorded, match: re.Match[str]) -> _Reply:
        basic = base64.b64encode(f"{self.REDDIT_CLIENT_ID}:{self.REDDIT_CLIENT_SECRET}".encode())
        if request.headers.get("authorization") != f"Basic {basic.decode()}":
            return self._reddit_unauthorized()
        form = request.form()
        grant = form.get("grant_type")
        good_refresh = grant == "refresh_token" and (
            form.get("refresh_token") == self.REDDIT_REFRESH_TOKEN
        )
        good_password = grant == "password" and (
            form.get("username") == self.REDDIT_USERNAME
            and form.get("password") == self.REDDIT_PASSWORD
        )
        good_app = grant == "client_credentials"  # app-only: the Basic auth is the login
        if not (good_refresh or good_password or good_app):
            return _json(200, {"error": "invalid_grant"})  # Reddit's way: a 200
        token = f"reddit-token-{next(self._ids)}"
        self._reddit_tokens.add(token)
        if good_app:
            self._reddit_app_tokens.add(token)
        body = self._payload("reddit_oauth_access_token_client_credentials.json")
        body["access_token"] = token
        return self._recorded("reddit_oauth_access_token_client_credentials.json", body=body)

    def _reddit_authorized(self, request: Recorded) -> bool:
        header = request.headers.get("authorization", "")
        return header.lower().startswith("bearer ") and header[7:] in self._reddit_tokens

    def _on_reddit_comment(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if not self._reddit_authorized(request):
            return self._reddit_unauthorized()
        form = request.form()
        thing, text = form.get("thing_id", ""), form.get("text", "")
        if not text.strip():
            errors = [["NO_TEXT", "we need something here", "text"]]
            return _json(200, {"json": {"errors": errors}})
        number = next(self._ids) + 36**5
        comment_id = "".join(_BASE36[number // 36**i % 36] for i in reversed(range(7)))
        link = thing if thing.startswith("t3_") else "t3_loopbk"
        answer = self._payload("reddit_comment_reply_t1.json")
        data = answer["json"]["data"]["things"][0]["data"]
        now = self.clock()
        data.update(
            id=comment_id,
            name=f"t1_{comment_id}",
            parent_id=thing,
            link_id=link,
            body=text,
            body_html=f'<div class="md"><p>{html_lib.escape(text)}</p>\n</div>',
            author=self.REDDIT_USERNAME,
            created=now,
            created_utc=now,
            permalink=f"/r/loopback/comments/{link[3:]}/_/{comment_id}/",
        )
        self._reddit_comments.append(data)
        self._posts["reddit"].append(copy.deepcopy(data))
        return self._recorded("reddit_message_reply_2025.json", body=answer)

    def _on_reddit_user_comments(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if not self._reddit_authorized(request):
            return self._reddit_unauthorized()
        if match.group(1).lower() != self.REDDIT_USERNAME.lower():
            return _json(404, {"message": "Not Found", "error": 404})
        limit = int(request.param("limit", "25"))
        newest = list(reversed(self._reddit_comments))[:limit]
        children = [{"kind": "t1", "data": comment} for comment in newest]
        listing = {
            "kind": "Listing",
            "data": {
                "after": None,
                "dist": len(children),
                "modhash": None,
                "geo_filter": "",
                "children": children,
                "before": None,
            },
        }
        return self._recorded("reddit_subreddit_comments.json", body=listing)

    # -- GitHub ------------------------------------------------------------------------

    def _github_headers(self) -> dict[str, str]:
        return {
            "content-type": "application/json; charset=utf-8",
            "x-github-media-type": "github.v3; format=json",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(4999 - len(self._requests) % 4999),
            "x-ratelimit-reset": str(int(self.clock()) + 3600),
            "x-ratelimit-used": "1",
            "x-ratelimit-resource": "core",
        }

    def _github_auth(self, request: Recorded) -> _Reply | None:
        if request.headers.get("authorization") != f"Bearer {self.GITHUB_TOKEN}":
            body = {
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com/rest",
                "status": "401",
            }
            return _Reply(401, json.dumps(body).encode(), self._github_headers())
        return None

    def _on_github_create_comment(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._github_auth(request)
        if refused:
            return refused
        owner, repo, number = match.groups()
        body = request.json().get("body")
        if not isinstance(body, str) or not body.strip():
            error = {
                "message": "Validation Failed",
                "errors": [{"resource": "IssueComment", "code": "missing_field", "field": "body"}],
                "status": "422",
            }
            return _Reply(422, json.dumps(error).encode(), self._github_headers())
        comment_id = 1_900_000_000 + next(self._ids)
        now = self._iso(self.clock())[:-5] + "Z"
        api = f"https://api.github.com/repos/{owner}/{repo}"
        comment = {
            "url": f"{api}/issues/comments/{comment_id}",
            "html_url": f"https://github.com/{owner}/{repo}/issues/{number}#issuecomment-{comment_id}",
            "issue_url": f"{api}/issues/{number}",
            "id": comment_id,
            "node_id": f"IC_loopback{comment_id}",
            "user": {"login": "scrm-bot", "id": 1, "type": "User"},
            "created_at": now,
            "updated_at": now,
            "author_association": "OWNER",
            "body": body,
            "_issue": (owner, repo, number),
        }
        self._github_comments.append(comment)
        shown = {k: v for k, v in comment.items() if k != "_issue"}
        self._posts["github"].append(copy.deepcopy(shown))
        return _Reply(201, json.dumps(shown).encode(), self._github_headers())

    def _on_github_list_comments(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._github_auth(request)
        if refused:
            return refused
        issue = match.groups()
        since = request.param("since")
        per_page = min(100, int(request.param("per_page", "30")))
        page = int(request.param("page", "1"))
        found = [
            {k: v for k, v in c.items() if k != "_issue"}
            for c in self._github_comments
            if c["_issue"] == issue and (not since or c["updated_at"] >= since)
        ]
        chunk = found[(page - 1) * per_page : page * per_page]
        headers = self._github_headers()
        if page * per_page < len(found):
            query = f"since={since}&per_page={per_page}&page={page + 1}"
            headers["link"] = f'<{self.base_url}{request.path}?{query}>; rel="next"'
        return _Reply(200, json.dumps(chunk).encode(), headers)

    # -- listening: read routes ------------------------------------------------------------

    def _limited(self, api: str, reply: _Reply) -> _Reply:
        reply.headers.update(self._limits.get(api, {}))
        return reply

    def _mastodon_optional_auth(self, request: Recorded) -> _Reply | None:
        """Public reads: no token is fine, a wrong one is refused (as Mastodon does)."""
        if "authorization" not in request.headers:
            return None
        return self._mastodon_auth(request)

    def _mastodon_page(
        self, request: Recorded, items: list[JsonDict], file: str, *, limit_max: int
    ) -> tuple[list[JsonDict], dict[str, str]]:
        """Mastodon's id paging: min_id (the page just above, oldest first, answered
        newest first), else max_id/since_id (the newest page below), and the Link."""

        def order(item: JsonDict) -> tuple[int, str]:
            return (len(str(item["id"])), str(item["id"]))

        def key(value: str) -> tuple[int, str]:
            return (len(value), value)

        limit = min(limit_max, int(request.param("limit", "20")))
        ranked = sorted(items, key=order)
        min_id, max_id, since_id = (request.param(n) for n in ("min_id", "max_id", "since_id"))
        if max_id:
            ranked = [i for i in ranked if order(i) < key(max_id)]
        if since_id:
            ranked = [i for i in ranked if order(i) > key(since_id)]
        if min_id:
            chosen = [i for i in ranked if order(i) > key(min_id)][:limit]
        else:
            chosen = ranked[-limit:] if limit else []
        page = list(reversed(chosen))
        headers = dict(self._manifest.get(file, {}).get("headers", {}))
        headers.pop("date", None)
        headers.pop("link", None)
        if page:
            here = f"{self.base_url}{request.path}"
            headers["link"] = (
                f'<{here}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{here}?min_id={page[0]["id"]}>; rel="prev"'
            )
        return page, headers

    def _on_mastodon_notifications(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_auth(request)
        if refused:
            return refused
        types = request.query.get("types[]", [])
        notes = [n for n in self._mastodon_notes if not types or n["type"] in types]
        file = "mastodon_notifications_mention.json"
        page, headers = self._mastodon_page(request, notes, file, limit_max=80)
        return self._limited("mastodon", _json(200, page, headers))

    def _on_mastodon_tag(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_optional_auth(request)
        if refused:
            return refused
        statuses = self._mastodon_tags.get(match.group(1).lower(), [])
        file = "mastodon_timeline_tag.json"
        page, headers = self._mastodon_page(request, statuses, file, limit_max=40)
        return self._limited("mastodon", _json(200, page, headers))

    def _on_mastodon_search(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_optional_auth(request)
        if refused:
            return refused
        words = request.param("q").lower().split()
        found = [
            s for s in self._mastodon_found if all(w in str(s["content"]).lower() for w in words)
        ]
        if request.param("type") not in ("", "statuses"):
            found = []
        file = "mastodon_search_v2_statuses_empty.json"
        page, headers = self._mastodon_page(request, found, file, limit_max=40)
        headers.pop("link", None)  # search answers carry no Link header
        body = {"accounts": [], "statuses": page, "hashtags": []}
        return self._limited("mastodon", _json(200, body, headers))

    def _bsky_read_headers(self, file: str) -> dict[str, str]:
        headers = dict(self._manifest.get(file, {}).get("headers", {}))
        headers.pop("date", None)
        return headers

    def _on_bluesky_searchPosts(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        if not request.param("q"):
            return self._bsky_error(400, "InvalidRequest", 'Params must have the property "q"')
        since, until = request.param("since"), request.param("until")
        # sort=latest orders by a post's sort time, and since/until compare it: the
        # earlier of createdAt and indexedAt (so one indexed late sorts by its date).
        posts = sorted(self._bsky_search, key=_sort_at, reverse=True)
        posts = [
            p
            for p in posts
            if (not since or _sort_at(p) >= since) and (not until or _sort_at(p) < until)
        ]
        offset = int(request.param("cursor") or 0)
        limit = min(100, int(request.param("limit", "25")))
        chunk = posts[offset : offset + limit]
        body: JsonDict = {"posts": chunk}
        if offset + limit < len(posts):
            body["cursor"] = str(offset + limit)  # an offset, as recorded
        reply = _json(200, body, self._bsky_read_headers("bluesky_searchPosts.json"))
        return self._limited("bluesky", reply)

    def _on_bluesky_listNotifications(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        reasons = request.query.get("reasons", []) + request.query.get("reasons[]", [])
        notes = sorted(self._bsky_notes, key=lambda n: str(n["indexedAt"]), reverse=True)
        notes = [n for n in notes if not reasons or n["reason"] in reasons]
        cursor = request.param("cursor")
        if cursor:
            notes = [n for n in notes if n["indexedAt"] < cursor]
        limit = min(100, int(request.param("limit", "50")))
        chunk = notes[:limit]
        body: JsonDict = {"notifications": chunk, "priority": False}
        if len(notes) > limit:
            body["cursor"] = chunk[-1]["indexedAt"]  # a timestamp, as recorded
        file = "bluesky_listNotifications.json"
        return self._limited("bluesky", _json(200, body, self._bsky_read_headers(file)))

    def _reddit_listing(self, request: Recorded, name: str, file: str) -> _Reply:
        children = self._reddit_listings[name]
        if name == "search":
            # Reddit's syntax as far as scrm uses it: alternatives joined by OR, each
            # needing all of its words.
            alternatives = [a.lower().split() for a in request.param("q").split(" OR ")]

            def found(data: JsonDict) -> bool:
                text = " ".join(str(data.get(k, "")) for k in ("title", "selftext", "body"))
                return any(all(w in text.lower() for w in words) for words in alternatives)

            children = [c for c in children if found(c["data"])]
        names = [c["data"]["name"] for c in children]
        before, after = request.param("before"), request.param("after")
        limit = min(100, int(request.param("limit", "25")))
        if before:
            # The things listed above `before`, the nearest ones (PRAW's streams).
            end = names.index(before) if before in names else 0
            chunk = children[max(0, end - limit) : end]
        else:
            start = names.index(after) + 1 if after in names else 0
            chunk = children[start : start + limit]
        more = chunk and children.index(chunk[-1]) < len(children) - 1
        listing = {
            "kind": "Listing",
            "data": {
                "after": chunk[-1]["data"]["name"] if more else None,
                "dist": len(chunk),
                "modhash": None,
                "geo_filter": "",
                "children": chunk,
                "before": None,
            },
        }
        reply = self._recorded(file, body=listing)
        reply.headers.setdefault("x-ratelimit-remaining", "599.0")
        reply.headers.setdefault("x-ratelimit-used", "1")
        reply.headers.setdefault("x-ratelimit-reset", "525")
        return self._limited("reddit", reply)

    def _on_reddit_search(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if not self._reddit_authorized(request):
            return self._reddit_unauthorized()
        return self._reddit_listing(request, "search", "reddit_search_listing.json")

    def _on_reddit_subreddit_comments(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if not self._reddit_authorized(request):
            return self._reddit_unauthorized()
        return self._reddit_listing(request, "comments", "reddit_subreddit_comments.json")

    def _on_reddit_mentions(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if not self._reddit_authorized(request):
            return self._reddit_unauthorized()
        if request.headers["authorization"][7:] in self._reddit_app_tokens:
            return _json(403, {"message": "Forbidden", "error": 403})  # whose inbox?
        return self._reddit_listing(request, "mentions", "reddit_inbox_mentions.json")

    def _on_github_search_issues(self, request: Recorded, match: re.Match[str]) -> _Reply:
        authed = "authorization" in request.headers
        if authed:
            refused = self._github_auth(request)
            if refused:
                return refused
        query = request.param("q")
        since = re.search(r"created:>=(\S+)", query)
        words = [
            w.lower()
            for w in re.sub(r'\S+:\S+|"', " ", query).split()
            if w.upper() not in ("AND", "OR")
        ]
        found = [
            i
            for i in self._github_issues
            if (since is None or str(i["created_at"]) >= since.group(1))
            and all(w in f"{i['title']} {i['body']}".lower() for w in words)
        ]
        found.sort(key=lambda i: str(i["created_at"]), reverse=request.param("order") != "asc")
        per_page = min(100, int(request.param("per_page", "30")))
        page = int(request.param("page", "1"))
        chunk = found[(page - 1) * per_page : page * per_page]
        body = {"total_count": len(found), "incomplete_results": False, "items": chunk}
        headers = {k: v for k, v in self._manifest["github_search_issues.json"]["headers"].items()}
        headers.pop("date", None)
        limit = 30 if authed else 10
        headers.update(
            {
                "x-ratelimit-limit": str(limit),
                "x-ratelimit-remaining": str(limit - 1),
                "x-ratelimit-reset": str(int(self.clock()) + 60),
            }
        )
        if page * per_page < len(found):
            headers["link"] = f'<{self.base_url}{request.path}?page={page + 1}>; rel="next"'
        return self._limited("github", _json(200, body, headers))

    def _on_github_user(self, request: Recorded, match: re.Match[str]) -> _Reply:
        """`GET /users/{login}`. No answer was recorded: composed from the documented
        fields of a public user (docs.github.com/rest/users/users#get-a-user), the
        search's `user` object plus `name`, `company`, `blog`, `email` ("" or null)."""
        if "authorization" in request.headers:
            refused = self._github_auth(request)
            if refused:
                return refused
        login = unquote(match.group(1))
        user: JsonDict = self._payload("github_search_issues.json")["items"][0]["user"]
        user.update(login=login, html_url=f"https://github.com/{login}")
        user.update(name=None, company=None, blog="", email=None)
        with self._lock:
            user.update(self._github_users.get(login, {}))
        return self._limited("github", _json(200, user, self._github_headers()))

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

    def _on_github_graphql(self, request: Recorded, match: re.Match[str]) -> _Reply:
        """`search(query:, type: DISCUSSION, first:, after:)` as GitHub answers it; the
        fields come back whole, whatever the query selects (this is no GraphQL engine)."""
        headers = {
            "content-type": "application/json; charset=utf-8",
            "x-github-media-type": "github.v4; format=json",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "4999",
            "x-ratelimit-used": "1",
            "x-ratelimit-reset": str(int(self.clock()) + 3600),
            "x-ratelimit-resource": "graphql",
        }
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if not scheme:  # GraphQL has no anonymous access, unlike REST search
            body = {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            }
            return _json(401, body, headers)
        if scheme.lower() not in ("bearer", "token") or token != self.GITHUB_TOKEN:
            body = {
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com",
                "status": "401",
            }
            return _json(401, body, headers)
        variables = request.json().get("variables") or {}
        query = str(variables.get("q") or variables.get("query") or "")
        first = variables.get("first")
        if not isinstance(first, int) or not 1 <= first <= 100:
            error = {"type": "MISSING_PAGINATION_BOUNDARIES", "path": ["search"]}
            error["message"] = (
                "You must provide a `first` or `last` value to properly paginate the "
                "`search` connection."
            )
            if isinstance(first, int):
                error["type"] = "EXCESSIVE_PAGINATION"
                error["message"] = (
                    f"Requesting {first} records on the `search` connection exceeds the "
                    "`first` limit of 100 records."
                )
            return self._limited("github", _json(200, {"data": None, "errors": [error]}, headers))
        since = re.search(r"created:>=(\S+)", query)
        # Alternatives joined by OR, each needing all of its words (as scrm asks).
        plain = re.sub(r'\S+:\S+|"', " ", query)
        alternatives = [[w.lower() for w in a.split() if w != "AND"] for a in plain.split(" OR ")]

        def found(d: JsonDict) -> bool:
            text = f"{d['title']} {d['body']}".lower()
            return any(all(w in text for w in words) for words in alternatives)

        hits = [
            d
            for d in self._github_discussions
            if (since is None or str(d["createdAt"]) >= since.group(1)) and found(d)
        ]
        if "sort:created-desc" in query:
            hits.sort(key=lambda d: str(d["createdAt"]), reverse=True)
        elif "sort:created-asc" in query:
            hits.sort(key=lambda d: str(d["createdAt"]))
        hits = hits[:1000]  # search never lists more
        after = variables.get("after")
        start = int(base64.b64decode(after).decode().split(":")[1]) if after else 0
        chunk = hits[start : start + first]
        end = start + len(chunk)

        def cursor(n: int) -> str:  # GitHub's search cursors: base64 of "cursor:<n>"
            return base64.b64encode(f"cursor:{n}".encode()).decode()

        search = {
            "discussionCount": len(hits),
            "pageInfo": {
                "hasNextPage": end < len(hits),
                "hasPreviousPage": start > 0,
                "startCursor": cursor(start + 1) if chunk else None,
                "endCursor": cursor(end) if chunk else None,
            },
            "nodes": copy.deepcopy(chunk),
        }
        return self._limited("github", _json(200, {"data": {"search": search}}, headers))

    # -- webhooks ----------------------------------------------------------------------

    # -- doctor: is the host there, is the token good ----------------------------------

    def _on_mastodon_verify_credentials(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_auth(request)
        if refused:
            return refused
        account = self._payload("mastodon_status_post.json")["account"]
        return self._limited("mastodon", _json(200, account))

    def _on_mastodon_instance(self, request: Recorded, match: re.Match[str]) -> _Reply:
        body = {"uri": self.mastodon_url, "title": "Loopback", "version": "4.3.0"}
        return self._limited("mastodon", _json(200, body))

    def _on_bluesky_health(self, request: Recorded, match: re.Match[str]) -> _Reply:
        return _json(200, {"version": "0.4.0-loopback"})

    def _on_github_rate_limit(self, request: Recorded, match: re.Match[str]) -> _Reply:
        # Anonymous calls are allowed (a lower limit); a wrong token is refused.
        if "authorization" in request.headers:
            refused = self._github_auth(request)
            if refused:
                return refused
        limit = 30 if "authorization" in request.headers else 10
        search = {"limit": limit, "remaining": limit, "reset": int(self.clock()) + 60, "used": 0}
        body = {"resources": {"search": search}, "rate": search}
        return _Reply(200, json.dumps(body).encode(), self._github_headers())

    def _delivery(self, kind: str, request: Recorded) -> Any:
        try:
            parsed = request.json()
        except ValueError:
            parsed = None
        entry = {"json": parsed, "raw": request.body, "headers": dict(request.headers)}
        self._posts[kind].append(entry)
        return parsed

    def _on_slack(self, request: Recorded, match: re.Match[str]) -> _Reply:
        try:
            body = request.json()
        except ValueError:
            return _Reply(400, b"invalid_payload", {"content-type": "text/html"})
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return _Reply(400, b"no_text", {"content-type": "text/html"})
        self._delivery("slack", request)
        return _Reply(
            200, self._files["slack_webhook_response_ok.txt"].strip(), {"content-type": "text/html"}
        )

    def _on_discord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        try:
            body = request.json()
        except ValueError:
            return _json(400, {"message": "The request body contains invalid JSON.", "code": 50109})
        if not isinstance(body, dict) or not (body.get("content") or body.get("embeds")):
            return _json(400, {"message": "Cannot send an empty message", "code": 50006})
        self._delivery("discord", request)
        if request.param("wait") != "true":
            return _Reply(204)
        message = self._payload("discord_webhook_execute_wait_true_message.json")
        message.update(
            id=str(1_300_000_000_000_000_000 + next(self._ids)),
            content=body.get("content", ""),
            embeds=body.get("embeds", []),
            webhook_id=match.group(1),
            timestamp=self._iso(self.clock())[:-1] + "000+00:00",
            reactions=[],
        )
        message["author"] = {"username": "scrm", "id": match.group(1), "bot": True}
        return self._recorded("discord_webhook_execute_wait_true_message.json", body=message)

    def _on_json(self, request: Recorded, match: re.Match[str]) -> _Reply:
        self._delivery("json", request)
        return _json(200, {"ok": True})


class _Handler(QuietHandler):
    loopback: Loopback  # set on the subclass made by Loopback.start

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            route=None,
        )
        try:
            reply = self.loopback._handle(recorded)
        except Exception as err:  # a bug here must show up in the test, not hang it
            self.loopback.errors.append(f"{self.command} {parts.path}: {err!r}")
            reply = _json(500, {"error": "LoopbackBug", "message": repr(err)})
        if reply is None:
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            if reply.status not in (204, 304):
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.status not in (204, 304):
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout): fine


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(
        status,
        json.dumps(body).encode(),
        {"content-type": "application/json; charset=utf-8", **(headers or {})},
    )


def _encode(body: Any) -> tuple[bytes, str | None]:
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, None
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body).encode(), "application/json; charset=utf-8"


def _sort_at(post: JsonDict) -> str:
    """A Bluesky post's sort time (ISO strings in Z form compare as times)."""
    indexed = str(post["indexedAt"])
    created = str((post.get("record") or {}).get("createdAt") or indexed)
    return min(created, indexed)


def _cid(seed: str) -> str:
    """A CID-looking string (bafyrei + base32 of a hash): unique per content."""
    digest = hashlib.sha256(seed.encode()).digest()
    bits = int.from_bytes(digest, "big")
    return "bafyrei" + "".join(_B32[(bits >> (5 * i)) & 31] for i in range(52))


def _tid(epoch: float) -> str:
    """A record key in TID form: 13 base32-sortable characters of microseconds."""
    value = (int(epoch * 1_000_000) << 10) | (os.getpid() & 0x3FF)
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def _bluesky_problem(record: Any) -> str | None:
    """What the app.bsky.feed.post lexicon would reject, in the PDS's words."""
    if not isinstance(record, dict) or record.get("$type") != "app.bsky.feed.post":
        return "Record/$type must be app.bsky.feed.post"
    text = record.get("text")
    if not isinstance(text, str):
        return "Record/text must be a string"
    graphemes = len(regex.findall(r"\X", text)) if regex else len(text)
    if graphemes > 300 or len(text.encode()) > 3000:
        return "too long"
    if not isinstance(record.get("createdAt"), str):
        return 'Record must have the property "createdAt"'
    reply = record.get("reply")
    if reply is not None:
        for part in ("root", "parent"):
            ref = reply.get(part) if isinstance(reply, dict) else None
            if not (
                isinstance(ref, dict)
                and isinstance(ref.get("uri"), str)
                and isinstance(ref.get("cid"), str)
            ):
                return f"Record/reply/{part} must be a strong ref"
    for facet in record.get("facets") or []:
        index = facet.get("index", {}) if isinstance(facet, dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            return "Record/facets/index must have byteStart < byteEnd"
    return None


def serve(**options: Any) -> Iterator[Loopback]:
    """For a pytest fixture (`yield from serve()`): a fresh server per test, and a
    failure if the server itself crashed on a request (see `Loopback.errors`)."""
    with Loopback(**options) as server:
        yield server
    if server.errors:
        raise AssertionError("loopback server errors: " + "; ".join(server.errors))


def main() -> None:
    parser = argparse.ArgumentParser(description="A loopback server for scrm's outbound APIs.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--write-config",
        type=Path,
        metavar="FILE",
        help="write an scrm config.toml whose accounts and team webhooks point here",
    )
    options = parser.parse_args()
    server = Loopback(host=options.host, port=options.port, lenient=True).start()
    if options.write_config:
        options.write_config.write_text(_scrm_config(server), encoding="utf-8")
        options.write_config.chmod(0o600)
        print(f"wrote {options.write_config}: scrm demo --config {options.write_config}")
    print(f"loopback serving at {server.base_url}")
    print(f"  mastodon   base_url={server.mastodon_url} token={Loopback.MASTODON_TOKEN}")
    print(
        f"  bluesky    service={server.bluesky_url} identifier={Loopback.BLUESKY_HANDLE} "
        f"password={Loopback.BLUESKY_PASSWORD}"
    )
    print(f"  reddit     api_url={server.reddit_api_url} auth_url={server.reddit_auth_url}")
    print(f"  github     api_url={server.github_api_url} token={Loopback.GITHUB_TOKEN}")
    for kind in ("slack", "discord", "json"):
        print(f"  {kind:<10} url={server.webhook_url(kind)}")
    print("Ctrl+C to stop; what arrives is printed below", flush=True)
    seen: dict[str, int] = {}
    try:
        while True:
            time.sleep(0.2)
            for kind in KINDS:
                posts = server.posts(kind)
                for post in posts[seen.get(kind, 0) :]:
                    text = (
                        post.get("text")
                        or (post.get("record") or {}).get("text")
                        or post.get("body")
                        or json.dumps(post.get("json"))[:160]
                    )
                    print(f"{kind:>8}  {str(text)[:160]}", flush=True)
                seen[kind] = len(posts)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print("\n" + json.dumps(server.counts()))


def _scrm_config(server: Loopback) -> str:
    """A config for `scrm --config`: every account and three team webhooks, here."""
    return f"""# Written by tests/loopback.py: every account points at {server.base_url}
[mastodon]
instance = "{server.mastodon_url}"
token = "{Loopback.MASTODON_TOKEN}"

[bluesky]
handle = "{Loopback.BLUESKY_HANDLE}"
password = "{Loopback.BLUESKY_PASSWORD}"
service = "{server.bluesky_url}"

[reddit]
client_id = "{Loopback.REDDIT_CLIENT_ID}"
client_secret = "{Loopback.REDDIT_CLIENT_SECRET}"
username = "{Loopback.REDDIT_USERNAME}"
refresh_token = "{Loopback.REDDIT_REFRESH_TOKEN}"
user_agent = "{Loopback.REDDIT_USER_AGENT}"
api_url = "{server.reddit_api_url}"
auth_url = "{server.reddit_auth_url}"

[github]
token = "{Loopback.GITHUB_TOKEN}"
api_url = "{server.github_api_url}"

[teams.billing]
description = "Refunds, invoices, plans"

[[teams.billing.webhooks]]
kind = "slack"
url = "{server.webhook_url("slack")}"

[[teams.billing.webhooks]]
kind = "json"
name = "audit"
url = "{server.webhook_url("json")}"
secret = "{Loopback.WEBHOOK_SECRET}"

[teams.engineering]
description = "Bugs and outages"
webhooks = [{{ kind = "discord", url = "{server.webhook_url("discord")}" }}]
"""


if __name__ == "__main__":
    main()
