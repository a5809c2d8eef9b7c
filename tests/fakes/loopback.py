"""A real HTTP server on 127.0.0.1 that answers like the networks scrm posts to.

One server (tests/fakes/server.py) with one module per network mixed in:
tests/fakes/{mastodon,bluesky,reddit,github,hackernews,webhooks}.py (Lemmy: lemmy.py).

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

    python tests/fakes/loopback.py --port 8765

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
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

if __name__ == "__main__":  # run as a script: python tests/fakes/loopback.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fakes import bluesky, github, hackernews, mastodon, reddit, webhooks
from tests.fakes.server import JsonDict, Recorded, serving

__all__ = ["KINDS", "ROUTES", "JsonDict", "Loopback", "Recorded", "serve"]

NETWORKS = (mastodon, bluesky, reddit, github, hackernews, webhooks)
KINDS: tuple[str, ...] = tuple(kind for net in NETWORKS for kind in getattr(net, "KINDS", ()))
ROUTES = {route: where for net in NETWORKS for route, where in net.ROUTES.items()}


class Loopback(
    mastodon.MastodonFake,
    bluesky.BlueskyFake,
    reddit.RedditFake,
    github.GitHubFake,
    hackernews.HackerNewsFake,
    webhooks.WebhooksFake,
):
    """The server. Start it with `with Loopback() as server:` or `start()`/`stop()`."""

    ROUTES: ClassVar[dict[str, tuple[str, str]]] = ROUTES
    KINDS: ClassVar[tuple[str, ...]] = KINDS


def serve(**options: Any) -> Iterator[Loopback]:
    """For a pytest fixture (`yield from serve()`): a fresh server per test, and a
    failure if the server itself crashed on a request (see `Loopback.errors`)."""
    yield from serving(Loopback(**options))


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
    return f"""# Written by tests/fakes/loopback.py: every account points at {server.base_url}
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
