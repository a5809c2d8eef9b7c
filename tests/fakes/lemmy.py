"""The loopback server with a Lemmy instance in it (API v3, 0.19), answering from the
payloads shaped after lemmy-js-client's types (tests/payloads/lemmy_*.json).

Routes (faults are scripted on them as on every loopback route): `lemmy.login`,
`lemmy.search` (comments whose text holds `q`), `lemmy.mentions`, `lemmy.get_comment`,
`lemmy.create_comment` (kept: `posts("lemmy")`), `lemmy.user` (the account's comments,
newest first, as a sender reads them before trying again), `lemmy.site`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tests.fakes.loopback import Loopback
from tests.fakes.server import JsonDict, Recorded, _json, _Reply, serving

_API = r"/lemmy/api/v3"
ROUTES = {
    "lemmy.login": ("POST", _API + r"/user/login"),
    "lemmy.search": ("GET", _API + r"/search"),
    "lemmy.mentions": ("GET", _API + r"/user/mention"),
    "lemmy.get_comment": ("GET", _API + r"/comment"),
    "lemmy.create_comment": ("POST", _API + r"/comment"),
    "lemmy.user": ("GET", _API + r"/user"),
    "lemmy.site": ("GET", _API + r"/site"),  # what `scrm doctor` asks
}


class LemmyLoopback(Loopback):
    """Every loopback API, and Lemmy at `lemmy_url`."""

    LEMMY_USERNAME = "kestrel_support"
    LEMMY_PASSWORD = "loopback-lemmy-password"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._posts["lemmy"] = []
        self.lemmy_jwt = str(self._payload("lemmy_login.json")["jwt"])
        self._comments: dict[int, JsonDict] = {}  # id -> CommentView, every one it knows
        found = self._payload("lemmy_search_comments.json")["comments"]
        self._found: list[JsonDict] = list(found)  # what a search may find, newest first
        self._mentions: list[JsonDict] = self._payload("lemmy_user_mention.json")["mentions"]
        for view in [*self._found, *self._mentions]:
            self._comments[view["comment"]["id"]] = view
        self._next_id = 88431
        for route, (method, pattern) in ROUTES.items():
            action = getattr(self, "_on_" + route.replace(".", "_"))
            self._routes.append((method, re.compile(pattern), route, action))

    @property
    def lemmy_url(self) -> str:
        return f"{self.base_url}/lemmy"

    def lemmy_account(self, **changes: Any) -> Any:
        from scrm_tui.channels.lemmy import LemmyAccount

        fields = {
            "instance": self.lemmy_url,
            "username": self.LEMMY_USERNAME,
            "password": self.LEMMY_PASSWORD,
            **changes,
        }
        return LemmyAccount(**fields)

    def add_lemmy_comment(self, comment_id: int, content: str, published: str) -> JsonDict:
        """A comment a search finds (newest first), like the recorded ones."""
        view = copy.deepcopy(self._found[0])
        view["comment"] |= {"id": comment_id, "content": content, "published": published}
        view["comment"]["ap_id"] = f"https://lemmy.example/comment/{comment_id}"
        view["comment"]["path"] = f"0.{comment_id}"
        with self._lock:
            self._found.insert(0, view)
            self._found.sort(key=lambda v: v["comment"]["published"], reverse=True)
            self._comments[comment_id] = view
        return view

    # -- routes ------------------------------------------------------------------------

    def _lemmy_auth(self, request: Recorded) -> _Reply | None:
        if request.headers.get("authorization") != f"Bearer {self.lemmy_jwt}":
            return _json(401, {"error": "not_logged_in"})
        return None

    def _on_lemmy_login(self, request: Recorded, match: re.Match[str]) -> _Reply:
        form = request.json()
        who = (form.get("username_or_email"), form.get("password"))
        if who != (self.LEMMY_USERNAME, self.LEMMY_PASSWORD):
            return self._recorded("lemmy_error_400_incorrect_login.json")
        return self._recorded("lemmy_login.json")

    def _page(self, request: Recorded, views: list[JsonDict]) -> list[JsonDict]:
        limit, page = int(request.param("limit", "10")), int(request.param("page", "1"))
        return views[(page - 1) * limit : page * limit]

    def _on_lemmy_search(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if request.param("type_") != "Comments" or request.param("sort") != "New":
            return _json(400, {"error": "unexpected search"})
        words = request.param("q").casefold()
        hits = [v for v in self._found if words in v["comment"]["content"].casefold()]
        body = {"type_": "Comments", "comments": self._page(request, hits)}
        return _json(200, body | {"posts": [], "communities": [], "users": []})

    def _on_lemmy_mentions(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._lemmy_auth(request)
        return refused or _json(200, {"mentions": self._page(request, self._mentions)})

    def _on_lemmy_get_comment(self, request: Recorded, match: re.Match[str]) -> _Reply:
        view = self._comments.get(int(request.param("id", "0")))
        if view is None:
            return _json(404, {"error": "couldnt_find_comment"})
        return _json(200, {"comment_view": view, "recipient_ids": []})

    def _on_lemmy_create_comment(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._lemmy_auth(request)
        if refused:
            return refused
        form = request.json()
        parent = self._comments.get(form.get("parent_id") or 0)
        if parent is None or parent["comment"]["post_id"] != form.get("post_id"):
            return _json(404, {"error": "couldnt_find_comment"})
        answer = self._payload("lemmy_comment_create.json")
        view, comment_id = answer["comment_view"], self._next_id
        self._next_id += 1
        view["comment"] |= {
            "id": comment_id,
            "content": form["content"],
            "post_id": form["post_id"],
            "path": f"{parent['comment']['path']}.{comment_id}",
            "ap_id": f"https://lemmy.example/comment/{comment_id}",
            "published": datetime.fromtimestamp(self.clock(), UTC).isoformat(),
        }
        self._comments[comment_id] = view
        self._posts["lemmy"].append(view["comment"])
        return _json(200, answer)

    def _on_lemmy_user(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._lemmy_auth(request)
        if refused:
            return refused
        if request.param("username") != self.LEMMY_USERNAME:
            return _json(404, {"error": "couldnt_find_person"})
        ours = [self._comments[c["id"]] for c in reversed(self._posts["lemmy"])]
        return _json(200, {"comments": self._page(request, ours), "posts": [], "moderates": []})

    def _on_lemmy_site(self, request: Recorded, match: re.Match[str]) -> _Reply:
        site = {"id": 1, "name": "Lemmy Example", "actor_id": "https://lemmy.example/"}
        return _json(200, {"site_view": {"site": site}, "admins": [], "version": "0.19.5"})


def serve_lemmy(**options: Any) -> Iterator[LemmyLoopback]:
    """For a pytest fixture: a fresh server per test, failing on its own errors."""
    yield from serving(LemmyLoopback(**options))
