"""GitHub on the loopback: issue comments, issue search, users' profiles, the GraphQL search
of discussions and the rate limit, with GitHub's rate-limit headers."""

from __future__ import annotations

import base64
import copy
import json
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes.server import JsonDict, LoopbackServer, Recorded, _json, _Reply

ROUTES = {
    "github.create_comment": ("POST", r"/github/repos/([^/]+)/([^/]+)/issues/(\d+)/comments"),
    "github.list_comments": ("GET", r"/github/repos/([^/]+)/([^/]+)/issues/(\d+)/comments"),
    "github.search_issues": ("GET", r"/github/search/issues"),
    "github.graphql": ("POST", r"/github/graphql"),  # discussion search only
    "github.user": ("GET", r"/github/users/([^/]+)"),  # an author's public profile
    "github.rate_limit": ("GET", r"/github/rate_limit"),
}
KINDS = ("github",)


class GitHubFake(LoopbackServer):
    """GitHub for the loopback (`Loopback` mixes every network in)."""

    GITHUB_TOKEN = "ghp_loopbacktoken0000000000000000000000"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._github_comments: list[JsonDict] = []
        self._github_issues: list[JsonDict] = self._payload("github_search_issues.json")["items"]
        self._github_users: dict[str, JsonDict] = {}
        self._github_discussions: list[JsonDict] = []

    @property
    def github_api_url(self) -> str:
        return f"{self.base_url}/github"

    def github_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import GitHubAccount

        return GitHubAccount(
            **{"token": self.GITHUB_TOKEN, "api_url": self.github_api_url, **changes}
        )

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
