"""Stand-in networks for trying listening by hand: every source scrm polls, on 127.0.0.1,
in the recorded shapes, with a fresh mention of "Kestrel" arriving every few seconds.

    .venv/bin/python tests/fakes/standin.py --write-config /tmp/standin.toml
    .venv/bin/scrm --config /tmp/standin.toml --db /tmp/team.db watch   # one terminal
    .venv/bin/scrm --config /tmp/standin.toml --db /tmp/team.db         # two more

Mastodon (mentions and #kestrelapp), Bluesky search, Reddit search, GitHub issues and
the replies, posts and webhooks of tests/fakes/loopback.py are served by one Loopback; Hacker
News (Algolia) and an RSS feed by a Replay. Every posted reply is printed as it lands.
`--fail NETWORK` makes one network answer 503 (or 401 with `--fail mastodon:401`) to
watch the others carry on and the status line say so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fakes.loopback import Loopback, _scrm_config
from tests.fakes.replay import Replay, rss_feed

TERMS = 'kestrel OR #kestrelapp OR @kestrelhq -"kestrel falcon"'
SAYINGS = [
    "Kestrel sync is down again for me",
    "Loving the new Kestrel timeline view",
    "Anyone else seeing Kestrel eat their tasks on Android?",
    "Kestrel pricing change is a bit much tbh",
    "Switched our team to Kestrel last week, so far so good",
    "Kestrel support answered in 5 minutes, impressed",
    "Why does Kestrel ask me to log in every day",
    "A kestrel falcon hovered over the field this morning",  # excluded by the terms
]
NETWORKS = ("mastodon", "mastodon-tag", "bluesky", "reddit", "github", "hackernews", "rss")


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Networks:
    """The two servers and what they have been told; `post()` adds one fresh mention."""

    def __init__(self, port: int) -> None:
        self.loop = Loopback(port=port, lenient=True).start()
        self.replay = Replay().start()
        self.hn_hits: list[dict[str, object]] = []
        self.feed: list[tuple[str, str, float]] = []
        self.ids = itertools.count(1)
        self._serve_replay()

    def stop(self) -> None:
        self.loop.stop()
        self.replay.stop()

    def post(self, network: str, text: str, when: float) -> None:
        n = next(self.ids)
        who = f"fan{n}"
        if network == "mastodon":
            status = self.loop.mastodon_status(
                f"9{n:05d}",
                f"@kestrelhq {text}",
                created_at=iso(when),
                acct=f"{who}@example.social",
            )
            self.loop.add_mastodon_mention(f"8{n:05d}", status)
        elif network == "mastodon-tag":
            status = self.loop.mastodon_status(
                f"9{n:05d}",
                f"{text} #kestrelapp",
                created_at=iso(when),
                acct=f"{who}@fosstodon.org",
            )
            self.loop.add_mastodon_tag_status("kestrelapp", status)
        elif network == "bluesky":
            self.loop.add_bluesky_search_post(
                f"did:plc:fan{n}", f"3k{n:08d}", text, at=iso(when), handle=f"{who}.bsky.social"
            )
        elif network == "reddit":
            comment = self.loop.reddit_comment(f"k{n}", text, created_utc=when)
            comment["author"] = who
            self.loop.add_reddit_thing("search", comment)
        elif network == "github":
            self.loop.add_github_issue(
                n,
                text,
                "Steps to reproduce: open the app.",
                created_at=iso(when).replace(".000", ""),
            )
        elif network == "hackernews":
            self.hn_hits.insert(
                0,
                {
                    "objectID": str(40_000_000 + n),
                    "created_at_i": int(when),
                    "author": who,
                    "comment_text": f"<p>{text}</p>",
                    "parent_id": 39_999_999,
                    "story_id": 39_999_999,
                },
            )
            self._serve_replay()
        else:
            self.feed.insert(0, (f"standin-{n}", text, when))
            self._serve_replay()

    def _serve_replay(self) -> None:
        self.replay.route(
            "/hn/search_by_date", body={"hits": self.hn_hits, "nbPages": 1, "page": 0}
        )
        self.replay.route(
            "/feeds/kestrel.xml", body=rss_feed(self.feed), content_type="application/rss+xml"
        )

    def config(self, interval: str) -> str:
        return (
            _scrm_config(self.loop)
            + f"""
[watch]
terms = '{TERMS}'

[sources.hackernews]
api_url = "{self.replay.url("/hn")}"
interval = "{interval}"

[sources.mastodon]
kinds = ["notifications", "tag"]
interval = "{interval}"

[sources.bluesky]
interval = "{interval}"

[sources.reddit]
interval = "{interval}"

[sources.github]
interval = "{interval}"

[sources.rss]
interval = "{interval}"
feeds = [{{ name = "news", url = "{self.replay.url("/feeds/kestrel.xml")}" }}]
"""
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="the Loopback's port")
    parser.add_argument("--write-config", type=Path, metavar="FILE", required=True)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between mentions")
    parser.add_argument("--interval", default="5s", help="each source's polling interval")
    parser.add_argument("--fail", action="append", default=[], metavar="NETWORK[:STATUS]")
    options = parser.parse_args()
    nets = Networks(options.port)
    rng = random.Random(7)
    now = time.time()
    for i, network in enumerate(NETWORKS):  # something to backfill on the first poll
        nets.post(network, SAYINGS[i % len(SAYINGS)], now - 3600 * (i + 1))
    for spec in options.fail:
        network, _, status = spec.partition(":")
        if network in ("hackernews", "rss"):
            path = "/hn/search_by_date" if network == "hackernews" else "/feeds/kestrel.xml"
            nets.replay.fail(path, status=int(status or 503), body="<html>down</html>", times=None)
        else:
            for route in nets.loop.routes():
                if route.startswith(network):
                    nets.loop.fail(route, int(status or 503), times=None)
    options.write_config.write_text(nets.config(options.interval), encoding="utf-8")
    options.write_config.chmod(0o600)
    print(f"wrote {options.write_config}")
    print(f"  scrm --config {options.write_config} --db /tmp/team.db watch")
    print(f"  scrm --config {options.write_config} --db /tmp/team.db")
    print(f"a new mention every {options.every:g} s; Ctrl+C stops", flush=True)
    stop = threading.Event()
    seen = 0
    try:
        while not stop.wait(options.every):
            network = rng.choice(NETWORKS)
            text = rng.choice(SAYINGS)
            nets.post(network, text, time.time())
            print(f"{network:>12}  {text}", flush=True)
            posts = nets.loop.posts("mastodon")
            for post in posts[seen:]:
                print(f"{'reply':>12}  {json.dumps(post.get('text'))[:120]}", flush=True)
            seen = len(posts)
    except KeyboardInterrupt:
        pass
    finally:
        nets.stop()


if __name__ == "__main__":
    main()
