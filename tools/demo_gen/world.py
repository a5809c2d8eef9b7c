"""The world the mentions happen in: author pools, communities and threads."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from demo_gen import corpus
from demo_gen.basics import L, slugify
from demo_gen.customers import Customer
from demo_gen.people import (
    PSEUDONYMS,
    Author,
    HandleRegistry,
    author_url,
    display_name,
    followers_for,
    make_did,
    make_person,
    net_handle,
)
from demo_gen.render import (
    ALERT_FEED,
    INFLUENCERS,
    LANG_CULTURE,
    NETS,
    POOL_SIZE,
    RSS_FEEDS,
    STAFF_GITHUB,
)
from demo_gen.shape import LANG_WEIGHTS
from demo_gen.texts import WORDS


class World:
    def __init__(self, rng: random.Random, customers: list[Customer], reg: HandleRegistry) -> None:
        self.rng = rng
        self.reg = reg
        self.customers = customers
        self.cust_authors: dict[str, list[Author]] = {n: [] for n in NETS}
        for c in customers:
            for net in NETS:
                for i, h in enumerate(c.handles.get(net, [])):
                    self.cust_authors[net].append(self._customer_author(net, h, c, i))
        self.pools: dict[tuple, list[Author]] = {}
        for net in NETS:
            self.pools[(net, "en")] = [self._stranger(net, "en") for _ in range(POOL_SIZE[net])]
            if net in ("mastodon", "bluesky", "reddit"):
                for lang in LANG_WEIGHTS:
                    size = {"mastodon": 7, "bluesky": 6, "reddit": 3}[net]
                    self.pools[(net, lang)] = [self._stranger(net, lang) for _ in range(size)]
        for net, handle, name, fol in INFLUENCERS:
            self.reg.reserve(net, handle)
            a = Author(
                net,
                handle,
                name,
                fol,
                author_url(net, handle),
                "en",
                weight=2.5,
                did=make_did(rng) if net == "bluesky" else None,
            )
            self.pools[(net, "en")].append(a)
        self.brand = {
            "mastodon": Author(
                "mastodon",
                "kestrel@fosstodon.org",
                "Kestrel",
                18_437,
                "https://fosstodon.org/@kestrel",
                brand=True,
            ),
            "bluesky": Author(
                "bluesky",
                "kestrel.app",
                "Kestrel",
                26_912,
                "https://bsky.app/profile/kestrel.app",
                did=make_did(rng),
                brand=True,
            ),
            "reddit": Author(
                "reddit",
                "kestrelapp",
                None,
                1_204,
                "https://www.reddit.com/user/kestrelapp/",
                brand=True,
            ),
        }
        self.staff_gh = [
            Author("github", h, n, f, author_url("github", h), staff=True)
            for h, n, f in STAFF_GITHUB
        ]
        self.staff_hn = Author(
            "hackernews",
            "mhalvorsen",
            None,
            None,
            author_url("hackernews", "mhalvorsen"),
            staff=True,
        )
        self.feeds: dict[str, list[Author]] = {}
        self.feed_meta: dict[str, tuple] = {}
        for name, domain, lang, style in [*RSS_FEEDS, ALERT_FEED]:
            a = Author("rss", name, name, None, f"https://{domain}/", lang)
            self.feeds.setdefault(lang, []).append(a)
            self.feed_meta[name] = (domain, style)
        self.alert_author = self.feeds["en"][-1]
        self.extra: dict[tuple, Author] = {}

    def _customer_author(self, net: str, handle: str, c: Customer, idx: int) -> Author:
        rng = self.rng
        p = c.person
        if net in ("mastodon", "bluesky"):
            name = c.display if (c.display and idx == 0) else display_name(rng, p)
        elif net == "github":
            name = p.latin if rng.random() < 0.75 else None
        else:
            name = None
        return Author(
            net,
            handle,
            name,
            followers_for(rng, net),
            author_url(net, handle),
            p.lang,
            customer=c.record["id"],
            did=make_did(rng) if net == "bluesky" else None,
            weight=c.activity * (1.0 if idx == 0 else 0.35),
            links=c.links.get(handle),
        )

    def _stranger(self, net: str, lang: str) -> Author:
        rng = self.rng
        if lang == "en":
            p = make_person(rng)
        else:
            p = make_person(rng, LANG_CULTURE[lang])
            if lang == "sv":
                p.country = "SE"
            p.lang = lang
        name = display_name(rng, p)
        handle = None
        if net in ("mastodon", "bluesky", "hackernews") and lang == "en" and rng.random() < 0.08:
            name, base = rng.choice(PSEUDONYMS)
            handle = net_handle(rng, net, p, base)
        handle = self.reg.claim(net, handle or net_handle(rng, net, p), rng)
        if net in ("reddit", "hackernews") or (net == "github" and rng.random() < 0.3):
            name = None
        return Author(
            net,
            handle,
            name,
            followers_for(rng, net),
            author_url(net, handle),
            lang,
            did=make_did(rng) if net == "bluesky" else None,
            weight=math.exp(rng.gauss(0, 1.0)),
        )

    def special(self, net: str, handle: str, name: str | None) -> Author:
        """Authors of hostile posts with crafted handles or names."""
        key = (net, handle)
        if net == "rss":
            for feed in (f for fs in self.feeds.values() for f in fs):
                if feed.handle == handle:
                    return feed
        if key not in self.extra:
            if net == "rss":
                domain = slugify(handle, "") + ".net"
                a = Author("rss", handle, name or handle, None, f"https://{domain}/")
                self.feed_meta.setdefault(handle, (domain, "wp"))
            else:
                a = Author(
                    net,
                    handle,
                    name,
                    followers_for(self.rng, net),
                    author_url(net, handle),
                    did=make_did(self.rng) if net == "bluesky" else None,
                )
            self.extra[key] = a
        return self.extra[key]

    def pick(
        self,
        net: str,
        lang: str,
        rng: random.Random,
        p_customer: float,
        avoid: Author | None = None,
    ) -> Author:
        for _ in range(10):
            if net == "rss":
                feeds = self.feeds.get(lang) or self.feeds["en"]
                cands = [f for f in feeds if f is not self.alert_author]
                return rng.choice(cands)
            if rng.random() < p_customer:
                cands = self.cust_authors[net]
                if lang != "en":
                    cands = [a for a in cands if a.lang == lang]
                if cands:
                    a = rng.choices(cands, weights=[a.weight for a in cands])[0]
                    if a is not avoid:
                        return a
                    continue
            pool = self.pools.get((net, lang)) or self.pools[(net, "en")]
            a = rng.choices(pool, weights=[a.weight for a in pool])[0]
            if a is not avoid:
                return a
        return a


# --------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------

HN_STAFF = corpus.bank("hn_staff", L)
REDDIT_SUB_BY_TOPIC = {
    "compare_pos": {"productivity": 40, "projectmanagement": 35, "kestrelapp": 25},
    "compare_neg": {"kestrelapp": 50, "productivity": 25, "projectmanagement": 25},
    "compare_neu": {"productivity": 45, "projectmanagement": 40, "kestrelapp": 15},
    "price_neg": {"kestrelapp": 80, "SaaS": 10, "productivity": 10},
    "question": {"kestrelapp": 80, "productivity": 10, "selfhosted": 10},
}
REDDIT_COMMENT_SUBS = {
    "kestrelapp": 45,
    "productivity": 20,
    "projectmanagement": 15,
    "selfhosted": 6,
    "androidapps": 5,
    "webdev": 4,
    "sysadmin": 5,
}
LANG_SUBS = {
    "de": "de_EDV",
    "fr": "france",
    "es": "programacion",
    "pt": "brdev",
    "it": "ItalyInformatica",
    "nl": "thenetherlands",
    "sv": "sweden",
    "pl": "Polska",
    "ja": "newsokur",
    "zh": "China_irl",
    "ar": "arabs",
    "he": "Israel",
}
EXT_THREAD_TITLES = WORDS["ext_thread_titles"]
EXT_THREAD_TITLES.update(
    {
        sub: ["Welche Tools nutzt ihr?" if lang == "de" else "Kestrel"]
        for lang, sub in LANG_SUBS.items()
    }
)
HN_CONTEXT = WORDS["hn_context"]
REDDIT_CONTEXT = WORDS["reddit_context"]


@dataclass
class Mention:
    channel: str
    kind: str  # post | story | comment | issue | entry
    text: str
    time: datetime
    author: Author
    topic: str
    sentiment: str
    lang: str
    parent: Mention | None = None
    hostile: bool = False
    sub: str | None = None
    repo: str | None = None
    number: int | None = None
    ext: tuple | None = None  # outside thread: reddit (post36, slug) / github issue number
    heat: float = 1.0
    depth: int = 0
    seq: int = 0
    stream: bool = False
    id: str = ""
    url: str = ""

    def root(self) -> Mention:
        m = self
        while m.parent is not None:
            m = m.parent
        return m


REPLY_SENTIMENT = {
    "agree_neg": "negative",
    "help": "neutral",
    "disagree": "positive",
    "agree_pos": "positive",
    "answer": "neutral",
    "metoo": "neutral",
    "outage": "negative",
    "price": "negative",
    "to_brand": "neutral",
    "release": "positive",
}


def family(topic: str) -> str:
    if topic.startswith("outage") or topic == "brand_outage":
        return "outage"
    if topic.startswith("price") or topic == "brand_price":
        return "price"
    if topic == "billing":
        return "billing"
    if topic in ("bug", "sarcasm", "release_neg", "compare_neg", "after_neg"):
        return "bug"
    if topic in ("praise", "compare_pos", "release_pos", "after_pos", "brand_release"):
        return "praise"
    return "question"
