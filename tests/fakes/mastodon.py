"""Mastodon on the loopback: replies (with Idempotency-Key), statuses, notifications, tag and
search timelines with their paging, and what `scrm doctor` asks."""

from __future__ import annotations

import copy
import html as html_lib
import re
from typing import Any

from tests.fakes.server import JsonDict, LoopbackServer, Recorded, _json, _Reply

ROUTES = {
    "mastodon.post_status": ("POST", r"/mastodon/api/v1/statuses"),
    "mastodon.get_status": ("GET", r"/mastodon/api/v1/statuses/([^/]+)"),
    # Read routes of the listening sources.
    "mastodon.notifications": ("GET", r"/mastodon/api/v1/notifications"),
    "mastodon.tag": ("GET", r"/mastodon/api/v1/timelines/tag/([^/]+)"),
    "mastodon.search": ("GET", r"/mastodon/api/v2/search"),
    # What `scrm doctor` asks to see that a host answers and a token is accepted.
    "mastodon.verify_credentials": ("GET", r"/mastodon/api/v1/accounts/verify_credentials"),
    "mastodon.instance": ("GET", r"/mastodon/api/v1/instance"),
}
KINDS = ("mastodon",)


class MastodonFake(LoopbackServer):
    """Mastodon for the loopback (`Loopback` mixes every network in)."""

    MASTODON_TOKEN = "loopback-mastodon-token"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._statuses: dict[str, JsonDict] = {}
        self._idempotent: dict[tuple[str, str], JsonDict] = {}
        # What the read routes list (newest first where the network sorts that way).
        self._mastodon_notes: list[JsonDict] = self._payload("mastodon_notifications_mention.json")
        self._mastodon_tags: dict[str, list[JsonDict]] = {
            "hoot": self._payload("mastodon_timeline_tag.json")
        }
        found = self._payload("mastodon_search_v2_mastodon_social.json")["statuses"]
        self._mastodon_found: list[JsonDict] = found

    @property
    def mastodon_url(self) -> str:
        return f"{self.base_url}/mastodon"

    def mastodon_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import MastodonAccount

        return MastodonAccount(
            **{"base_url": self.mastodon_url, "token": self.MASTODON_TOKEN, **changes}
        )

    def add_mastodon_status(self, status_id: str, *, visibility: str = "public") -> JsonDict:
        """A status others wrote, for replies to answer (GET /api/v1/statuses/:id)."""
        status = self._payload("mastodon_status_post.json")
        status.update(id=status_id, visibility=visibility, in_reply_to_id=None)
        status["url"] = f"{self.mastodon_url}/@someone/{status_id}"
        with self._lock:
            self._statuses[status_id] = status
        return copy.deepcopy(status)

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

    def _on_mastodon_verify_credentials(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._mastodon_auth(request)
        if refused:
            return refused
        account = self._payload("mastodon_status_post.json")["account"]
        return self._limited("mastodon", _json(200, account))

    def _on_mastodon_instance(self, request: Recorded, match: re.Match[str]) -> _Reply:
        body = {"uri": self.mastodon_url, "title": "Loopback", "version": "4.3.0"}
        return self._limited("mastodon", _json(200, body))
