"""Field checks of the listening parsers against the recorded payloads (tests/payloads).

Each source reads its recordings from the loopback servers, and each mention is
checked against the item it came from, field by field:

- text/links: every web address the item links to (a Bluesky link facet's URI, an
  `<a href>` that is no mention or hashtag) is in the text whole;
- text/markup: no HTML entity or tag and, for Reddit, no markdown markup is left;
- author: a handle, not `handle.invalid`; on Hacker News exactly the name (case kept);
- link: a Hacker News story's or a Reddit link post's target is kept.

    python bench/payload_fields.py [--against /tmp/base]

`--against DIR` runs the same checks with another version's `scrm_tui` from DIR
(`git archive 59166af scrm_tui | tar -x -C DIR`: the package only, the servers and
recordings stay this tree's); a source it lacks counts its items as wrong. Figures,
not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|nbsp);|</?(p|br|a|div|span)\b", re.I)
_MARKDOWN = ("**", "^(", "](http", "\\#", "&#")


class _Hrefs(HTMLParser):
    """The web addresses an HTML body links to, mentions and hashtags aside."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        classes = (given.get("class") or "").split()
        href = given.get("href") or ""
        tagged = "mention" in classes or "hashtag" in classes or given.get("rel") == "tag"
        if tag == "a" and href.startswith(("http://", "https://")) and not tagged:
            self.found.append(href)


def hrefs(markup: Any) -> list[str]:
    if not isinstance(markup, str):
        return []
    parser = _Hrefs()
    parser.feed(markup)
    return parser.found


def _bare(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def check(mention: Any, item: dict[str, Any], network: str) -> list[tuple[str, bool]]:
    """(field, right) for each field checked of one mention."""
    text = mention.text
    if network == "bluesky":
        record = item.get("record") or {}
        targets = [
            feature["uri"]
            for facet in record.get("facets") or []
            for feature in facet.get("features") or []
            if feature.get("$type") == "app.bsky.richtext.facet#link"
        ]
    elif network == "reddit":
        targets = hrefs(item.get("body_html") or item.get("selftext_html"))
    else:
        targets = hrefs(item.get("content") or item.get("comment_text") or item.get("story_text"))
    # A facet holds the address itself; HTML may show it without the scheme.
    whole = (lambda t: t in text) if network == "bluesky" else (lambda t: _bare(t) in text)
    results = [
        ("text/links", all(whole(t) for t in targets)),
        ("text/markup", not _ENTITY.search(text)),
    ]
    if network == "reddit":
        shown = re.sub(r"<[^>]+>", "", str(item.get("body_html") or item.get("selftext_html")))
        markup = [m for m in _MARKDOWN if m in text and m not in shown]
        results.append(("text/markdown", not markup))
    handle = mention.author.handle
    author_ok = bool(handle) and handle != "handle.invalid"
    if network == "hackernews":
        author_ok = handle == item.get("author")
    results.append(("author", author_ok))
    target = None
    if network == "hackernews" and item.get("comment_text") is None:
        target = item.get("url") or None
    if network == "reddit" and item.get("is_self") is False:
        target = item.get("url")
    if target:
        results.append(("link", getattr(mention, "link", None) == target))
    return results


async def measure() -> dict[str, Any]:
    from scrm_tui.channels.bluesky import source as bluesky
    from scrm_tui.channels.hackernews import api as hackernews
    from scrm_tui.channels.http import make_client
    from scrm_tui.channels.mastodon import api as mastodon
    from scrm_tui.channels.reddit import api as reddit
    from tests.fakes.loopback import Loopback
    from tests.fakes.replay import Replay

    def items_of(file: str, *path: str) -> list[dict[str, Any]]:
        data: Any = json.loads((ROOT / "tests" / "payloads" / file).read_bytes())
        for key in path:
            data = data[key]
        return data

    by_uri = {p["uri"]: p for p in items_of("bluesky_searchPosts.json", "posts")}
    by_uri |= {n["uri"]: n for n in items_of("bluesky_listNotifications.json", "notifications")}
    hn = {str(h["objectID"]): h for f in ("comment", "story")
          for h in items_of(f"hn_algolia_search_by_date_{f}.json", "hits")}  # fmt: skip
    things = {
        c["data"]["name"]: c["data"]
        for f in ("reddit_search_listing.json", "reddit_subreddit_comments.json",
                  "reddit_inbox_mentions.json")
        for c in items_of(f, "data", "children")
    }  # fmt: skip
    statuses = {s["id"]: s for s in items_of("mastodon_timeline_tag.json")}
    statuses |= {
        n["status"]["id"]: n["status"] for n in items_of("mastodon_notifications_mention.json")
    }
    statuses |= {
        s["id"]: s for s in items_of("mastodon_search_v2_mastodon_social.json", "statuses")
    }

    tally: dict[str, list[int]] = {}
    missing: list[str] = []

    def count(network: str, mentions: Any, items: dict[str, Any]) -> None:
        for mention in mentions:
            item = items[mention.external_id]
            for field, right in check(mention, item, network):
                cell = tally.setdefault(f"{network} {field}", [0, 0])
                cell[0] += 1
                cell[1] += not right

    async with make_client(timeout=5.0) as client:
        with Loopback() as server, Replay() as replay:
            replay.route("/hn/c/search_by_date", file="hn_algolia_search_by_date_comment.json")
            replay.route("/hn/s/search_by_date", file="hn_algolia_search_by_date_story.json")
            for part in ("c", "s"):
                source = hackernews.HackerNewsSource(
                    client, query="apple", api_url=replay.url(f"/hn/{part}"), clock=lambda: 1.5e9
                )
                count("hackernews", (await source.fetch(None, 0)).mentions, hn)
            for kind in ("search", "notifications"):
                sky = bluesky.BlueskySource(
                    client, server.bluesky_account(), kind=kind,
                    query="redistricting" if kind == "search" else None, clock=lambda: 1.8e9,
                )  # fmt: skip
                count("bluesky", (await sky.fetch(None, 0)).mentions, by_uri)
            for kind, extra in (("tag", {"tag": "hoot"}), ("notifications", {}),
                                ("search", {"query": "https"})):  # fmt: skip
                masto = mastodon.MastodonSource(
                    client, server.mastodon_account(), base_url=server.mastodon_url,
                    kind=kind, clock=lambda: 1.8e9, **extra,
                )  # fmt: skip
                count("mastodon", (await masto.fetch(None, 0)).mentions, statuses)
            for kind, extra in (("search", {"query": "praw OR reddit OR list"}),
                                ("comments", {"subreddit": "test"}), ("mentions", {})):  # fmt: skip
                if kind not in reddit.SOURCE_KINDS:
                    missing.append(f"reddit {kind}")
                    children = items_of("reddit_inbox_mentions.json", "data", "children")
                    tally.setdefault("reddit (no mentions source)", [0, 0])
                    cell = tally["reddit (no mentions source)"]
                    cell[0] += len(children)
                    cell[1] += len(children)
                    continue
                red = reddit.RedditSource(
                    client, server.reddit_account(), kind=kind, clock=lambda: 1.8e9, **extra
                )
                count("reddit", (await red.fetch(None, 0)).mentions, things)
    return {"fields": tally, "missing": missing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="a directory with another scrm_tui")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(asyncio.run(measure())))
        return
    trees = {"this tree": ROOT} | ({"against": args.against} if args.against else {})
    for name, tree in trees.items():
        # The tree's scrm_tui first on the path; the servers and recordings are ours.
        code = (
            "import runpy, sys; tree, root, script = sys.argv[1:4]; "
            "sys.path[:0] = [tree, root]; sys.argv = [script, '--json']; "
            "runpy.run_path(script, run_name='__main__')"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(tree), str(ROOT), __file__],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        result = json.loads(out)
        fields = result["fields"]
        total = sum(n for n, _ in fields.values())
        wrong = sum(w for _, w in fields.values())
        print(f"{name} ({tree}): {wrong} of {total} fields wrong")
        for key, (n, w) in sorted(fields.items()):
            if w:
                print(f"  {key}: {w} of {n}")


if __name__ == "__main__":
    main()
