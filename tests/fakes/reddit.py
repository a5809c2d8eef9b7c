"""Reddit on the loopback: OAuth tokens (a user's and an app's), comments, a user's comments,
and the search, subreddit and mentions listings with their `after` paging."""

from __future__ import annotations

import base64
import copy
import html as html_lib
import re
from typing import Any

from tests.fakes.server import JsonDict, LoopbackServer, Recorded, _json, _Reply

ROUTES = {
    "reddit.access_token": ("POST", r"/reddit-www/api/v1/access_token"),
    "reddit.comment": ("POST", r"/reddit/api/comment/?"),
    "reddit.user_comments": ("GET", r"/reddit/user/([^/]+)/comments/?"),
    "reddit.search": ("GET", r"/reddit/search/?"),
    "reddit.subreddit_comments": ("GET", r"/reddit/r/([^/]+)/comments/?"),
    "reddit.mentions": ("GET", r"/reddit/message/mentions/?"),  # the user's inbox
}
KINDS = ("reddit",)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class RedditFake(LoopbackServer):
    """Reddit for the loopback (`Loopback` mixes every network in)."""

    REDDIT_CLIENT_ID = "loopback-client"
    REDDIT_CLIENT_SECRET = "loopback-client-secret"
    REDDIT_USERNAME = "scrm_test"
    REDDIT_PASSWORD = "loopback-reddit-password"
    REDDIT_REFRESH_TOKEN = "loopback-reddit-refresh"
    REDDIT_USER_AGENT = "linux:scrm-loopback:0.1 (by /u/scrm_test)"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._reddit_tokens: set[str] = set()
        self._reddit_app_tokens: set[str] = set()  # client credentials: no user behind them
        self._reddit_comments: list[JsonDict] = []
        self._reddit_listings: dict[str, list[JsonDict]] = {}
        for name, file in (
            ("search", "reddit_search_listing.json"),
            ("comments", "reddit_subreddit_comments.json"),
            ("mentions", "reddit_inbox_mentions.json"),
        ):
            children = self._payload(file)["data"]["children"]
            self._reddit_listings[name] = sorted(
                children, key=lambda child: -float(child["data"]["created_utc"])
            )

    @property
    def reddit_auth_url(self) -> str:
        return f"{self.base_url}/reddit-www"

    @property
    def reddit_api_url(self) -> str:
        return f"{self.base_url}/reddit"

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

    def expire_reddit(self) -> None:
        with self._lock:
            self._reddit_tokens.clear()

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
