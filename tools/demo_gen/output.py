"""Ids, URLs and the files written: mentions, stream, customers, the summary."""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from demo_gen.basics import (
    BRAND_HANDLES,
    CHANNELS,
    DEFAULT_OUT,
    EVENTS,
    PRODUCT,
    REFERENCE_TIME,
    SEED,
    WINDOW_START,
    ascii_fold,
    iso,
    slugify,
)
from demo_gen.customers import Customer, build_customers
from demo_gen.generator import Generator
from demo_gen.people import MASTO_INSTANCES, HandleRegistry, make_tid, net_handle, to36
from demo_gen.render import NETS, Renderer
from demo_gen.texts import PERSONAL_MAIL
from demo_gen.timeline import (
    GH_COMMENT_BASE,
    GH_ISSUE_START,
    HN_BASE,
    REDDIT_COMMENT_BASE,
    REDDIT_POST_BASE,
    build_history,
    build_stream,
)
from demo_gen.world import Mention, World


def reddit_slug(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", ascii_fold(title).lower()).strip("_")[:50].rstrip("_")
    return s or "kestrel"


def assign_ids(mentions: list[Mention], world: World, rng: random.Random) -> None:
    """Network-native ids and URLs, in time order, so ids grow with time like the real ones."""
    ordered = sorted(mentions, key=lambda m: (m.stream, m.time, m.seq))
    last = {"hn": 0, "t3": 0, "t1": 0, "gh": 0}
    issue_no = dict(GH_ISSUE_START)
    taken: dict[str, set] = {ch: set() for ch in CHANNELS}
    for m in ordered:
        sec = (m.time - WINDOW_START).total_seconds()
        a = m.author
        if m.channel == "mastodon":
            while True:
                ms = int(m.time.timestamp()) * 1000 + rng.randint(0, 999)
                m.id = str((ms << 16) | rng.randint(0, 65535))
                if m.id not in taken["mastodon"]:
                    break
            m.url = f"{a.url}/{m.id}"
        elif m.channel == "bluesky":
            rkey = make_tid(
                int(m.time.timestamp()) * 1_000_000 + rng.randint(0, 999_999), rng.randint(0, 1023)
            )
            m.id = f"at://{a.did}/app.bsky.feed.post/{rkey}"
            m.url = f"https://bsky.app/profile/{a.handle}/post/{rkey}"
        elif m.channel == "hackernews":
            last["hn"] = max(last["hn"] + 1, HN_BASE + int(sec * 0.128) + rng.randint(0, 30))
            m.id = str(last["hn"])
            m.url = f"https://news.ycombinator.com/item?id={m.id}"
        elif m.channel == "reddit":
            root = m.root()
            if m.kind == "post":
                last["t3"] = max(
                    last["t3"] + 1, REDDIT_POST_BASE + int(sec * 17.4) + rng.randint(0, 12)
                )
                p36 = to36(last["t3"])
                m.id = "t3_" + p36
                m.url = f"https://www.reddit.com/r/{m.sub}/comments/{p36}/{reddit_slug(m.text.split(chr(10))[0])}/"
            else:
                last["t1"] = max(
                    last["t1"] + 1, REDDIT_COMMENT_BASE + int(sec * 81) + rng.randint(0, 40)
                )
                c36 = to36(last["t1"])
                m.id = "t1_" + c36
                if root.kind == "post":
                    pid, slug = root.id[3:], reddit_slug(root.text.split("\n")[0])
                else:
                    pid, slug = root.ext
                m.url = f"https://www.reddit.com/r/{m.sub}/comments/{pid}/{slug}/{c36}/"
        elif m.channel == "github":
            root = m.root()
            if m.kind == "issue":
                m.number = issue_no[m.repo]
                issue_no[m.repo] += 1 + (rng.random() < 0.35)  # PRs share the number space
                m.id = f"{m.repo}#{m.number}"
                m.url = f"https://github.com/{m.repo}/issues/{m.number}"
            else:
                last["gh"] = max(
                    last["gh"] + 1, GH_COMMENT_BASE + int(sec * 38) + rng.randint(0, 25)
                )
                num = root.number if root.kind == "issue" else root.ext
                m.id = f"{m.repo}#{num}-comment-{last['gh']}"
                m.url = f"https://github.com/{m.repo}/issues/{num}#issuecomment-{last['gh']}"
        elif m.channel == "rss":
            title = m.text.split("\n")[0]
            slug = slugify(title, "-")[:60].rstrip("-") or f"{rng.getrandbits(32):08x}"
            domain, style = world.feed_meta[a.handle]
            y, mo = m.time.strftime("%Y"), m.time.strftime("%m")
            if style == "alerts":
                site = m.ext
                m.id = f"tag:google.com,2013:googlealerts/feed:{rng.randint(10**18, 10**19 - 1)}"
                usg = "".join(
                    rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
                    for _ in range(22)
                )
                wrapped = (
                    f"https://www.google.com/url?rct=j&sa=t&url=https://{site}/{y}/{mo}/{slug}"
                    f"&ct=ga&cd=CAIyGjQ{rng.getrandbits(40):010x}&usg=AOvVaw{usg}"
                )
                # The feed links through Google's redirect; the RSS source stores the
                # article itself (channels/feeds.py), and so does the demo.
                m.url = google_target(wrapped)
            elif style == "substack":
                m.url = m.id = f"https://{domain}/p/{slug}"
            elif style == "zenn":
                m.url = m.id = f"https://{domain}/articles/{rng.getrandbits(56):014x}"
            elif style == "qiita":
                m.url = m.id = f"https://{domain}/items/{rng.getrandbits(80):020x}"
            elif style == "wp":
                m.url = f"https://{domain}/{slug}/"
                m.id = f"https://{domain}/?p={rng.randint(1200, 9800)}"
            else:
                m.url = m.id = f"https://{domain}/{y}/{mo}/{slug}/"
        if m.id in taken[m.channel]:
            raise SystemExit(f"duplicate id {m.id}")
        taken[m.channel].add(m.id)


def google_target(link: str) -> str:
    """The article a Google Alerts redirect (`https://www.google.com/url?…&url=…`) leads to."""
    return parse_qs(urlsplit(link).query)["url"][0]


def mention_json(m: Mention) -> str:
    d = {
        "channel": m.channel,
        "id": m.id,
        "url": m.url,
        "text": m.text,
        "created_at": iso(m.time),
        "author": m.author.as_json(),
    }
    if m.parent is not None:
        d["in_reply_to"] = m.parent.id
    return json.dumps(d, ensure_ascii=True)


# --------------------------------------------------------------------------------------
# Output and summary
# --------------------------------------------------------------------------------------


def summary(
    history: list[Mention], stream: list[Mention], customers: list[Customer], sizes: dict
) -> str:
    lines = []
    allm = history + stream
    lines.append(f"customers: {len(customers)}  mentions: {len(history)}  stream: {len(stream)}")
    for label, ms in (("mentions", history), ("stream", stream)):
        n = len(ms)
        ch = Counter(m.channel for m in ms)
        lines.append(
            f"[{label}] channels: " + ", ".join(f"{c} {ch[c]} ({ch[c] / n:.0%})" for c in CHANNELS)
        )
        lg = Counter(m.lang for m in ms)
        lines.append(
            f"[{label}] languages: "
            + ", ".join(f"{k} {v}" for k, v in lg.most_common())
            + f"  (non-English {sum(v for k, v in lg.items() if k != 'en') / n:.1%})"
        )
        se = Counter(m.sentiment for m in ms)
        lines.append(
            f"[{label}] sentiment: "
            + ", ".join(
                f"{k} {se[k]} ({se[k] / n:.0%})" for k in ("negative", "positive", "neutral")
            )
        )
        lines.append(
            f"[{label}] replies: {sum(1 for m in ms if m.parent is not None) / n:.1%}  "
            f"customer authors: {sum(1 for m in ms if m.author.customer) / n:.1%}  "
            f"hostile: {sum(1 for m in ms if m.hostile)}  "
            f"over 2,000 chars: {sum(1 for m in ms if len(m.text) > 2000)}"
        )
    lines.append("mentions per UTC day (neg/pos/neu):")
    days = Counter(m.time.date() for m in history)
    for d in sorted(days):
        day_ms = [m for m in history if m.time.date() == d]
        se = Counter(m.sentiment for m in day_ms)
        mark = {
            date(2026, 11, 10): "  <- 4.2 release",
            date(2026, 11, 14): "  <- price increase",
            date(2026, 11, 16): "  <- EU sync outage",
        }.get(d, "")
        lines.append(
            f"  {d} {d.strftime('%a')} {days[d]:4d} {se['negative']:3d}/{se['positive']:3d}/"
            f"{se['neutral']:3d} " + "#" * (days[d] // 5) + mark
        )
    for k, v in sizes.items():
        lines.append(f"{k}: {v:,} bytes")
    _ = allm
    return "\n".join(lines)


def add_unlisted_accounts(
    rng: random.Random, customers: list[Customer], reg: HandleRegistry
) -> int:
    """Accounts customers post from that the CRM does not know: the same handle on another
    network, or a new one. A distinctive handle (Salty_Badger_5204) re-used elsewhere is
    what the matcher links on its own; a name-shaped one (kate_l) it only suggests."""
    added = 0
    for c in customers:
        known = [h for net in NETS for h in c.handles.get(net, [])]
        free = [net for net in NETS if net not in c.handles and net != "hackernews"]
        if not known or not free:
            continue
        odd = [h for h in known if re.search(r"_\d{3,}$", h)]
        if odd and rng.random() < 0.9:
            net = rng.choice([n for n in free if n in ("github", "bluesky", "mastodon")] or free)
            core = odd[0].lower()
            handle = {
                "github": core.replace("_", "-"),
                "bluesky": core.replace("_", "-") + ".bsky.social",
                "mastodon": f"{core}@{rng.choice(MASTO_INSTANCES['en'])}",
            }.get(net, core)
            c.handles[net] = [reg.claim(net, handle, rng)]
            added += 1
            continue
        if rng.random() > 0.3:
            continue
        net = rng.choice(free)
        core = known[0].split("@", 1)[0].removesuffix(".bsky.social").replace("-", "_")
        base = core if rng.random() < 0.75 else None
        c.handles[net] = [reg.claim(net, net_handle(rng, net, c.person, base), rng)]
        added += 1
    return added


def add_profile_links(rng: random.Random, customers: list[Customer]) -> int:
    """Profile fields of customers' Mastodon accounts, as Mastodon gives them: a link to
    their company's site, which their server has verified (rel=me) for most and not yet
    for the rest. A verified one on the company's domain is evidence the matcher links
    on by itself; an unverified one is shown, and only suggests. Its own random stream:
    every other choice in the fixtures stays as it was."""
    personal = {d for mails in PERSONAL_MAIL.values() for d in mails}
    added = 0
    for c in customers:
        domain = (c.record.get("email") or "").rpartition("@")[2]
        if not domain or domain in personal:
            continue
        for handle in c.handles.get("mastodon", []):
            roll = rng.random()
            if roll < 0.5:
                link = {"url": f"https://{domain}/", "verified": roll < 0.35, "label": "Work"}
                c.links[handle] = [link]
                added += 1
    return added


def generate(out_dir: Path) -> str:
    reg = HandleRegistry()
    for net, h in BRAND_HANDLES.items():
        if h and net in reg.taken:
            reg.reserve(net, h)
    customers = build_customers(random.Random(f"{SEED}:customers"), reg)
    add_unlisted_accounts(random.Random(f"{SEED}:unlisted"), customers, reg)
    add_profile_links(random.Random(f"{SEED}:links"), customers)
    world = World(random.Random(f"{SEED}:authors"), customers, reg)
    renderer = Renderer(random.Random(f"{SEED}:render"))
    renderer.issue_numbers = sorted(random.Random(f"{SEED}:issues").sample(range(2300, 2870), 40))
    gen = Generator(random.Random(f"{SEED}:mentions"), world, renderer)
    history = build_history(gen, random.Random(f"{SEED}:history"))
    stream = build_stream(gen, random.Random(f"{SEED}:stream"), history)
    assign_ids(history + stream, world, random.Random(f"{SEED}:ids"))

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "customers.jsonl": "".join(
            json.dumps(c.record, ensure_ascii=True) + "\n" for c in customers
        ),
        "mentions.jsonl": "".join(mention_json(m) + "\n" for m in history),
        "stream.jsonl": "".join(mention_json(m) + "\n" for m in stream),
    }
    manifest = {
        "product": PRODUCT,
        "reference_time": iso(REFERENCE_TIME),
        "brand_handles": BRAND_HANDLES,
        "counts": {
            "customers": len(customers),
            "mentions": len(history),
            "stream": len(stream),
            "mentions_by_channel": {c: sum(1 for m in history if m.channel == c) for c in CHANNELS},
            "stream_by_channel": {c: sum(1 for m in stream if m.channel == c) for c in CHANNELS},
        },
        "events": [
            {k: (iso(v) if isinstance(v, datetime) else v) for k, v in e.items()} for e in EVENTS
        ],
    }
    files["demo.json"] = json.dumps(manifest, ensure_ascii=True, indent=2) + "\n"
    sizes = {}
    for name, content in files.items():
        data = content.encode("ascii")  # ensure_ascii everywhere: plain ASCII, valid UTF-8
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    return summary(history, stream, customers, sizes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    report = generate(args.out)
    if not args.quiet:
        print(report)
    return 0
