"""GitHub users' profile links (website, public e-mail): read from an answer that holds
them, or looked up once per author through the users API and remembered for a day."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import httpx

from scrm_tui.channels.http import json_object, send_request
from scrm_tui.channels.text import plain_address
from scrm_tui.core.domains import ProfileLink
from scrm_tui.core.outgoing import SendError

Links = tuple[ProfileLink, ...] | None

SERVICE = "GitHub"
LOOKUPS_PER_PAGE = 20  # users asked about per page of search: the rest on their next post
KEEP_S = 24 * 3600  # a profile read is used this long, then read again
_KEPT = 20_000  # profiles remembered at most (the oldest go first)


def user_links(user: dict[str, Any]) -> Links:
    """A user's website and public e-mail, where the answer holds them (GraphQL's User:
    `websiteUrl`, `email`; the users API: `blog`, `email`). GitHub lets a user show only
    a verified address as their public e-mail, so it is proven; the website is whatever
    they typed. None when the answer holds neither field (REST search's user)."""
    fields = ("websiteUrl", "email") if "websiteUrl" in user else ("blog", "email")
    if not any(name in user for name in fields):
        return None
    found: list[ProfileLink] = []
    site, email = (user.get(name) for name in fields)
    if isinstance(site, str) and (site := site.strip()):
        # Typed by hand: often without a scheme (`harborlabs.se`).
        address = site if "://" in site else f"https://{site}"
        if address.startswith(("https://", "http://")) and plain_address(address):
            found.append(ProfileLink(address, verified=False, label="website"))
    if isinstance(email, str) and "@" in email and plain_address(email.strip()):
        found.append(ProfileLink(f"mailto:{email.strip()}", verified=True, label="e-mail"))
    return tuple(found)


class GitHubProfiles:
    """The users API (`GET /users/{login}`, the core rate limit: 5,000 an hour with a
    token) for the authors REST issue search names without a profile. A lookup that
    fails leaves the author's links unknown (None), never the page: the search's own
    answer is what a poll must not lose. Lookups stop for the page at the first failure
    (a rate limit answers every one the same)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_url: str,
        headers: dict[str, str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._api = api_url.rstrip("/")
        self._headers = headers
        self._clock = clock
        self._kept: OrderedDict[str, tuple[float, Links]] = OrderedDict()

    async def links(self, logins: Iterable[str]) -> dict[str, Links]:
        """What is known of each login's links, looking up at most LOOKUPS_PER_PAGE."""
        now = self._clock()
        found: dict[str, Links] = {}
        wanted = []
        for login in dict.fromkeys(logins):
            kept = self._kept.get(login)
            if kept is not None and now - kept[0] < KEEP_S:
                found[login] = kept[1]
            elif login != "ghost" and not login.endswith("[bot]"):
                wanted.append(login)
        for login in wanted[:LOOKUPS_PER_PAGE]:
            links = await self._lookup(login)
            if links is _FAILED:
                break
            found[login] = self._keep(login, now, links)
        return found

    async def _lookup(self, login: str) -> Links | object:
        try:
            response = await send_request(
                self._client,
                "GET",
                f"{self._api}/users/{quote(login, safe='')}",
                service=SERVICE,
                headers=self._headers,
            )
            if response.status_code == 404:
                return None  # gone since it posted: nothing to know
            if response.status_code != 200:
                return _FAILED
            return user_links(json_object(response, SERVICE))
        except SendError:
            return _FAILED

    def _keep(self, login: str, now: float, links: Links | object) -> Links:
        kept = links if isinstance(links, tuple) else None
        self._kept[login] = (now, kept)
        self._kept.move_to_end(login)
        while len(self._kept) > _KEPT:
            self._kept.popitem(last=False)
        return kept


_FAILED = object()  # a lookup that got no profile (refused, limited, unreachable)
