"""Generate the deterministic Kestrel demo fixtures (customers, mentions, live stream) for scrm."""

# Usage: python tools/gen_demo_fixtures.py [--out DIR] [--quiet]
#
# Everything below is standard library only and driven by fixed seeds, so a re-run
# writes byte-identical files.  Rules that keep it that way:
#   * every random choice goes through a random.Random seeded from SEED (string seeds
#     are hashed with SHA-512 by CPython, so they do not depend on PYTHONHASHSEED);
#   * nothing iterates over a set or uses hash() on strings;
#   * no wall-clock time is read: all timestamps derive from REFERENCE_TIME.

from __future__ import annotations

import argparse
import base64
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from demo_gen import corpus

SEED = 20261120
UTC = UTC
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"

PRODUCT = "Kestrel"
REFERENCE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW_START = REFERENCE_TIME - timedelta(days=14)
BRAND_HANDLES = {
    "mastodon": "kestrel@fosstodon.org",
    "bluesky": "kestrel.app",
    "reddit": "kestrelapp",
    "github": "kestrel-hq",
    "hackernews": None,
    "rss": None,
}

# The story of the fortnight.  "Day N" counts calendar days with 6 Nov as day 1;
# each event sits in the afternoon (UTC) so it also falls in the N-th 24-hour slice
# after WINDOW_START, whichever way the demo chooses to count.
RELEASE_AT = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)  # day 5, Tue: 4.2 ships
V421_AT = datetime(2026, 11, 12, 17, 0, tzinfo=UTC)  # bug-fix release
PRICE_AT = datetime(2026, 11, 14, 13, 0, tzinfo=UTC)  # day 9, Sat: price e-mail
OUTAGE_START = datetime(2026, 11, 16, 12, 52, tzinfo=UTC)  # day 11, Mon: EU sync
OUTAGE_END = datetime(2026, 11, 16, 16, 58, tzinfo=UTC)
V422_AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # client reconnect fix

EVENTS = [
    {"day": 5, "at": RELEASE_AT, "what": "Kestrel 4.2 released (new timeline view)"},
    {
        "day": 9,
        "at": PRICE_AT,
        "what": "Price increase announced (Pro $8->$10, Team $14->$18/seat)",
    },
    {
        "day": 11,
        "at": OUTAGE_START,
        "until": OUTAGE_END,
        "what": "EU sync outage: clients stuck on 'Connecting...', 502 errors",
    },
]

CHANNELS = ["mastodon", "bluesky", "reddit", "hackernews", "github", "rss"]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def L(block: str) -> list[str]:
    """One text per non-blank line; a literal backslash-n inside a line is a line break."""
    return [ln.strip().replace("\\n", "\n") for ln in block.strip().splitlines() if ln.strip()]


def B(block: str) -> list[str]:
    """Multi-line texts separated by a line holding only %%."""
    return [e.strip("\n") for e in block.strip("\n").split("\n%%\n") if e.strip()]


# Romanisation for e-mail addresses and handles; NFKD handles most Latin letters,
# this map covers the ones that do not decompose.
_TRANSLIT = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "Ae",
    "ß": "ss",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "œ": "oe",
}


def ascii_fold(s: str) -> str:
    s = "".join(_TRANSLIT.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ord(ch) < 128)


def slugify(s: str, sep: str = "") -> str:
    s = ascii_fold(s).lower()
    return re.sub(r"[^a-z0-9]+", sep, s).strip(sep)


# --------------------------------------------------------------------------------------
# People and companies
# --------------------------------------------------------------------------------------

# country code -> (region custom field, language people there usually post in,
#                  phone template: each # is a random digit, mastodon instances they favour)
WORDS = corpus.data("words")  # names, places, devices, phrases: see tools/demo_corpus
COUNTRIES = {key: tuple(row) for key, row in WORDS["countries"].items()}

# Name pools per culture.  "pairs" cultures list full names (gendered surnames, or a
# native-script spelling next to the romanised one as "Latin=Native").
CULTURES = corpus.nested("cultures")
PAIR_CULTURES = corpus.nested("pair_cultures")
CULTURE_WEIGHTS = {
    "anglo": 30,
    "german": 10,
    "french": 7,
    "spanish": 8,
    "portuguese": 6,
    "italian": 4,
    "dutch": 4,
    "nordic": 5,
    "indian": 7,
    "african": 4,
    "turkish": 2,
    "sea": 3,
    "polish": 3,
    "czech": 1,
    "slavic": 3,
    "arabic": 3,
    "hebrew": 2,
    "japanese": 4,
    "chinese": 3,
    "korean": 2,
}

# Fictional companies: "Name|domain|country".  Several share a country so that the
# CRM has colleagues who know each other.
COMPANIES_RAW = corpus.text("companies")

PERSONAL_MAIL = WORDS["personal_mail"]

CRM_NOTES = L(corpus.text("crm_notes"))


# --------------------------------------------------------------------------------------
# Text banks.  Hand-written; {placeholders} are filled per mention (see Renderer) so a
# text can recur with a different phone, version or number without reading as a copy.
# Topic keys carry the sentiment (see TOPIC_SENTIMENT).
# --------------------------------------------------------------------------------------

# Mastodon and Bluesky share this bank; Bluesky only gets texts that fit in 300 chars.
SHORT = corpus.bank("short", L)

# Root posts by the brand accounts (Mastodon / Bluesky).
BRAND_POSTS = corpus.bank("brand_posts", L)

# Replies on Mastodon / Bluesky, keyed by what kind of answer they are.
SHORT_REPLY = corpus.bank("short_reply", L)

# Brand replies on Mastodon / Bluesky / Reddit, keyed by the parent's topic family.
BRAND_REPLY = corpus.bank("brand_reply", L)

# Hacker News: story titles (Ask/Show HN carry a body after a blank line) and comments.
# No emoji here: HN strips most of them and the crowd does not use them.
HN_STORY = corpus.bank("hn_story", B)

HN_COMMENT = corpus.bank("hn_comment", L)

# A few long HN comments (well over 2,000 characters).
HN_LONG = corpus.bank("hn_long", B)

HN_REPLY = corpus.bank("hn_reply", L)

# More Hacker News material (appended to the banks above).


# Reddit posts: first line is the title.  An optional "r/sub|" prefix pins the subreddit;
# otherwise REDDIT_SUBS picks one by topic.
REDDIT_POST = corpus.bank("reddit_post", B)

REDDIT_LONG = corpus.bank("reddit_long", B)

REDDIT_COMMENT = corpus.bank("reddit_comment", L)

REDDIT_REPLY = corpus.bank("reddit_reply", L)

# More Reddit material.


# GitHub issues for kestrel-hq/kestrel (first line = title) and issue comments.
GH_ISSUE = corpus.bank("gh_issue", B)

GH_COMMENT_USER = corpus.bank("gh_comment_user", L)

GH_COMMENT_STAFF = corpus.bank("gh_comment_staff", L)

# Shorter GitHub issues: "title | what happened | what was expected", laid out in one of
# the three shapes people actually use (issue form, bug template, one paragraph).
GH_SPECS = corpus.bank("gh_specs", L)


def _gh_from_specs() -> None:
    for topic, specs in GH_SPECS.items():
        for i, spec in enumerate(specs):
            title, what, expected = ([*spec.split("|"), "", ""])[:3]
            style = i % 3
            if topic == "request":
                body = (
                    f"### Problem\n\n{what}\n\n### Proposed solution\n\n{expected}"
                    if style != 2
                    else f"{what} {expected}"
                )
            elif topic == "question":
                body = what + ("\n\nThanks!" if style == 1 else "")
            elif style == 0:
                body = (
                    f"### What happened?\n\n{what}\n\n"
                    + (f"### What did you expect?\n\n{expected}\n\n" if expected else "")
                    + "### Version\n\n{ver}\n\n### Platform\n\n{platform}"
                )
            elif style == 1:
                body = (
                    f"**Describe the bug**\n{what}\n\n"
                    + (f"**Expected behavior**\n{expected}\n\n" if expected else "")
                    + "**Environment**\n- Kestrel {ver}\n- {os}"
                )
            else:
                body = (
                    what
                    + (" " + expected if expected and topic != "bug" else "")
                    + "\n\nKestrel {ver} on {os}."
                )
            GH_ISSUE.setdefault(topic, []).append(f"{title}\n\n{body}")


_gh_from_specs()


# Generic replies (no keyword tag) so that a reply never has to borrow an answer that
# belongs to a different question.

# RSS: blog posts and news/alert entries.  First line is the entry title, the rest the
# summary or full content the feed carries.
RSS = corpus.bank("rss", B)

# More RSS entries (blogs and newsletters); each is used at most once.

RSS_LONG = corpus.bank("rss_long", B)

# Non-English posts (Mastodon, Bluesky, Reddit comments).  Written the way people
# write in each language, not translated from the English bank.
LANG = corpus.bank("lang", L)

# More non-English posts.
_MORE_LANG = corpus.bank("more_lang", L)
for _lang, _topics in _MORE_LANG.items():
    for _topic, _texts in _topics.items():
        LANG[_lang].setdefault(_topic, []).extend(_texts)

# Long non-English entries for RSS (blogs in those languages) and Reddit posts.
LANG_LONG = corpus.pairs("lang_long")

LANG_REPLY = corpus.bank("lang_reply", L)


# --------------------------------------------------------------------------------------
# Hostile strings.  Each is something a troll, a scammer or a broken client could post;
# they exist so the app is exercised against terminal markup, escape sequences,
# control characters, bidi tricks, invisible characters, huge texts and broken UTF-16.
# "author" overrides the author (handle, name); "after" keeps event-specific ones
# after the event they refer to.  Times are otherwise ordinary (see place_hostile).
# They are in tools/demo_corpus/hostile.json, every control character \u-escaped.
# --------------------------------------------------------------------------------------


def hostile_spec(spec: dict) -> dict:
    """A hostile post as hostile.json holds it: its author a (handle, name) pair and its
    `after` (the event it follows) a time."""
    if "author" in spec:
        spec["author"] = tuple(spec["author"])
    if "after" in spec:
        spec["after"] = datetime.fromisoformat(spec["after"])
    return spec


HOSTILE = [hostile_spec(spec) for spec in corpus.data("hostile")["hostile"]]

# A second, smaller set for the live stream.
HOSTILE_STREAM = [hostile_spec(spec) for spec in corpus.data("hostile")["hostile_stream"]]


# --------------------------------------------------------------------------------------
# Topics, sentiment and the shape of the fortnight
# --------------------------------------------------------------------------------------

TOPIC_SENTIMENT = {
    "bug": "negative",
    "billing": "negative",
    "sarcasm": "negative",
    "compare_neg": "negative",
    "praise": "positive",
    "compare_pos": "positive",
    "misc": "neutral",
    "question": "neutral",
    "request": "neutral",
    "compare_neu": "neutral",
    "release_pos": "positive",
    "release_q": "neutral",
    "release_neg": "negative",
    "price_neg": "negative",
    "price_neu": "neutral",
    "price_pos": "positive",
    "outage_neg": "negative",
    "outage_neu": "neutral",
    "after_pos": "positive",
    "after_neg": "negative",
    "brand_release": "neutral",
    "brand_price": "neutral",
    "brand_outage": "neutral",
    "brand_misc": "neutral",
}

# Root mentions are drawn from these components; each has its own time profile.
COMPONENT_TOPICS = {
    "general": {
        "bug": 17,
        "billing": 4,
        "sarcasm": 4,
        "compare_neg": 3,
        "praise": 40,
        "compare_pos": 7,
        "misc": 3,
        "question": 9,
        "request": 6,
        "compare_neu": 2,
    },
    "release": {"release_pos": 66, "release_q": 12, "release_neg": 22},
    "price": {"price_neg": 72, "price_neu": 16, "price_pos": 12},
    "outage": {"outage_neg": 84, "outage_neu": 16},
    "after": {"after_neg": 55, "after_pos": 45},
}
COMPONENT_COUNTS = {"general": 880, "release": 170, "price": 165, "outage": 128, "after": 46}
STREAM_COMPONENTS = {"general": 82, "release": 6, "price": 8, "after": 4}

# Root channel mix per component.  Replies (below) land mostly on HN and Reddit, so the
# root mix is tilted towards Mastodon/Bluesky to end near the target overall mix of
# 25/25/18/14/10/8.
COMPONENT_CHANNELS = {
    "general": {
        "mastodon": 26,
        "bluesky": 26,
        "reddit": 16,
        "hackernews": 10,
        "github": 10,
        "rss": 11,
    },
    "release": {
        "mastodon": 27,
        "bluesky": 27,
        "reddit": 16,
        "hackernews": 11,
        "github": 9,
        "rss": 10,
    },
    "price": {
        "mastodon": 24,
        "bluesky": 24,
        "reddit": 23,
        "hackernews": 14,
        "github": 1,
        "rss": 14,
    },
    "outage": {
        "mastodon": 31,
        "bluesky": 31,
        "reddit": 11,
        "hackernews": 8,
        "github": 13,
        "rss": 6,
    },
    "after": {
        "mastodon": 22,
        "bluesky": 22,
        "reddit": 20,
        "hackernews": 18,
        "github": 0,
        "rss": 18,
    },
}
KIND_WEIGHTS = {
    "mastodon": {"post": 1},
    "bluesky": {"post": 1},
    "rss": {"entry": 1},
    "hackernews": {"story": 0.14, "comment": 0.86},
    "reddit": {"post": 0.4, "comment": 0.6},
    "github": {"issue": 0.6, "comment": 0.4},
}
REPLY_SHARE = 0.15  # of all mentions
REPLY_CHANNEL_SPLIT = {
    "hackernews": 0.30,
    "reddit": 0.26,
    "mastodon": 0.17,
    "bluesky": 0.16,
    "github": 0.11,
}

# UTC hour weights: Europe's working day, then the Americas'; quiet small hours.
RHYTHM = [
    0.34,
    0.26,
    0.19,
    0.15,
    0.16,
    0.26,
    0.5,
    0.8,
    1.0,
    1.1,
    1.12,
    1.05,
    1.05,
    1.15,
    1.3,
    1.35,
    1.3,
    1.2,
    1.05,
    0.95,
    0.9,
    0.8,
    0.64,
    0.48,
]
WEEKEND = 0.55

# Share of non-English posts by channel, then which language (scaled by the hour
# in which that language's speakers are awake).
NON_EN = {
    "mastodon": 0.22,
    "bluesky": 0.19,
    "reddit": 0.07,
    "rss": 0.2,
    "hackernews": 0.0,
    "github": 0.0,
}
LANG_WEIGHTS = {
    "de": 20,
    "es": 11,
    "fr": 12,
    "pt": 11,
    "ja": 14,
    "nl": 7,
    "sv": 6,
    "pl": 6,
    "it": 7,
    "ar": 3,
    "he": 3,
    "zh": 3,
}
LANG_HOURS = {"ja": range(23, 34), "zh": range(0, 11), "pt": range(11, 27), "es": range(8, 26)}

# Release-specific and event-specific wording must not appear before the event.
GATES = [
    (re.compile(r"4\.2\.1|Fixed in 4\.2\.1|fixed in 4\.2\.1|are back in 4\.2\.1"), V421_AT, None),
    (re.compile(r"4\.2\.2"), V422_AT, None),
    (re.compile(r"Play Store|Still on 4\.1"), RELEASE_AT, RELEASE_AT + timedelta(hours=20)),
    (re.compile(r"4\.2|new timeline|[Nn]ew Kestrel timeline|critical path view"), RELEASE_AT, None),
    (
        re.compile(
            r"price (increase|hike|change|email)|raises prices|\$2 a month|new pricing|"
            r"grandfathered|Preiserhöhung"
        ),
        PRICE_AT,
        None,
    ),
    (re.compile(r"outage|Connecting…|Connecting\.\.\.|502"), OUTAGE_START, None),
    (
        re.compile(r"postmortem|Monday's|for Monday|after Monday|Thanks, Monday|during the outage"),
        OUTAGE_END,
        None,
    ),
    (re.compile(r"2026-11-07T"), datetime(2026, 11, 7, 10, 0, tzinfo=UTC), None),
    (re.compile(r"2026-11-16T13:04"), datetime(2026, 11, 16, 13, 6, tzinfo=UTC), None),
]


TAG_RX = re.compile(r"^~([^~]+)~", re.S)


def split_tag(entry: str) -> tuple[str | None, str]:
    """Texts may start with ~regex~: when used as a reply, the parent must match it."""
    m = TAG_RX.match(entry)
    return (m.group(1), entry[m.end() :]) if m else (None, entry)


def gate_ok(template: str, t: datetime) -> bool:
    for rx, lo, hi in GATES:
        if rx.search(template) and (t < lo or (hi is not None and t >= hi)):
            return False
    return True


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


def minute_profile(component: str, start: datetime, minutes: int) -> list[float]:
    """Relative intensity of a component for each minute from start."""
    out = []
    for i in range(minutes):
        t = start + timedelta(minutes=i)
        rh = RHYTHM[t.hour] * (WEEKEND if t.weekday() >= 5 else 1.0)
        if component == "general":
            w = rh
        elif component == "release":
            dt = (t - RELEASE_AT).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 9) + 0.045) * (0.35 + 0.65 * rh / 1.35)
        elif component == "price":
            dt = (t - PRICE_AT).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 26) + 0.05) * (0.3 + 0.7 * rh / 1.35)
        elif component == "outage":
            if OUTAGE_START <= t <= OUTAGE_END:
                dt = (t - OUTAGE_START).total_seconds() / 60
                span = (OUTAGE_END - OUTAGE_START).total_seconds() / 60
                # people notice within ~20 minutes; complaints peak in the first two
                # hours and tail off as they give up or recovery starts.
                w = min(1.0, dt / 20) * (1.0 - 0.55 * dt / span)
            else:
                w = 0.0
        elif component == "after":
            dt = (t - OUTAGE_END).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 30) + 0.03) * (0.3 + 0.7 * rh / 1.35)
        else:
            raise ValueError(component)
        out.append(w)
    return out


# --------------------------------------------------------------------------------------
# People, handles, customers
# --------------------------------------------------------------------------------------

FEMALE = set(L(corpus.text("female")))
MALE = set(L(corpus.text("male")))

MASTO_INSTANCES = {
    "en": ["mastodon.social"] * 5
    + ["fosstodon.org"] * 3
    + ["hachyderm.io"] * 3
    + [
        "mas.to",
        "mastodon.online",
        "techhub.social",
        "infosec.exchange",
        "toot.community",
        "mstdn.social",
        "indieweb.social",
        "social.vivaldi.net",
        "mastodonapp.uk",
        "aus.social",
    ],
    "de": [
        "chaos.social",
        "chaos.social",
        "det.social",
        "norden.social",
        "mastodon.social",
        "social.tchncs.de",
        "troet.cafe",
    ],
    "fr": ["piaille.fr", "mamot.fr", "mastodon.social", "framapiaf.org"],
    "es": ["mastodon.social", "mastodon.world", "masto.es"],
    "pt": ["masto.donte.com.br", "mastodon.social", "ciberlandia.pt"],
    "it": ["mastodon.uno", "mastodon.social"],
    "nl": ["mastodon.nl", "mastodon.social", "toot.community"],
    "sv": ["mastodon.nu", "mastodon.social"],
    "pl": ["pol.social", "mastodon.social"],
    "ja": ["mstdn.jp", "fedibird.com", "mastodon-japan.net"],
    "zh": ["m.cmx.im", "mastodon.social"],
    "ar": ["mastodon.social"],
    "he": ["mastodon.social", "tooot.im"],
    "ko": ["qdon.space"],
}
HOBBY = WORDS["hobby"]
TECH = ["k8s", "rust", "py", "devops", "ux", "pm", "data", "infra", "golang", "fe"]
REDDIT_ADJ = WORDS["reddit_adj"]
REDDIT_NOUN = WORDS["reddit_noun"]
PSEUDONYMS = [tuple(row) for row in WORDS["pseudonyms"]]
FLAGS = WORDS["flags"]
ROLES = WORDS["roles"]


@dataclass
class Person:
    first: str  # romanised
    last: str
    native: str | None  # native-script full name, if the culture writes one
    country: str
    lang: str
    culture: str

    @property
    def latin(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Author:
    channel: str
    handle: str
    name: str | None
    followers: int | None
    url: str
    lang: str = "en"
    customer: str | None = None
    did: str | None = None
    brand: bool = False
    staff: bool = False
    weight: float = 1.0
    links: list | None = None  # profile links, as `scrm ingest` reads them

    def as_json(self) -> dict:
        d = {"handle": self.handle}
        if self.name is not None:
            d["name"] = self.name
        d["followers"] = self.followers
        d["url"] = self.url
        if self.links is not None:
            d["links"] = self.links
        return d


def parse_pairs(block: str) -> list[tuple[str, str | None]]:
    out = []
    for item in " ".join(block.split()).split(";"):
        item = item.strip()
        if not item:
            continue
        latin, _, native = item.partition("=")
        out.append((latin.strip(), native.strip() or None))
    return out


def make_person(
    rng: random.Random, culture: str | None = None, country: str | None = None
) -> Person:
    if culture is None:
        culture = weighted(rng, CULTURE_WEIGHTS)
    if culture in CULTURES:
        c = CULTURES[culture]
        first = rng.choice(c["first"].split())
        lasts = re.split(r"\s+", c["last"].strip())
        # Dutch surnames carry particles; rejoin "de Jong", "van den Berg".
        if culture == "dutch":
            lasts = [
                "de Jong",
                "Jansen",
                "de Vries",
                "van den Berg",
                "van Dijk",
                "Bakker",
                "Visser",
                "Smit",
                "Meijer",
                "de Boer",
                "Mulder",
                "Bos",
                "Vos",
                "Peeters",
                "Janssens",
                "Maes",
                "Hendriks",
                "Dekker",
            ]
        if culture == "italian":
            lasts = [x for x in lasts if x not in ("De", "Luca")] + ["De Luca"]
        last = rng.choice(lasts)
        native = None
        ccs = c["cc"].split()
    else:
        c = PAIR_CULTURES[culture]
        latin, native = rng.choice(parse_pairs(c["names"]))
        first, _, last = latin.partition(" ")
        ccs = c["cc"].split()
    cc = country or rng.choice(ccs)
    lang = COUNTRIES[cc][1]
    if culture in ("japanese", "chinese", "korean", "arabic", "hebrew"):
        lang = {"japanese": "ja", "chinese": "zh", "korean": "ko", "arabic": "ar", "hebrew": "he"}[
            culture
        ]
    return Person(first, last, native, cc, lang, culture)


class HandleRegistry:
    """Keeps handles unique per network across customers and everyone else."""

    def __init__(self) -> None:
        self.taken: dict[str, set] = {
            ch: set() for ch in ["mastodon", "bluesky", "reddit", "hackernews", "github", "x"]
        }

    def claim(self, net: str, handle: str, rng: random.Random) -> str:
        key = handle.lower()
        base = handle
        while key in self.taken[net]:
            if net == "mastodon":
                user, _, inst = base.partition("@")
                handle = f"{user}{rng.randint(2, 99)}@{inst}"
            elif net == "bluesky":
                label, _, rest = base.partition(".")
                handle = f"{label}{rng.randint(2, 99)}.{rest}"
            else:
                handle = f"{base}{rng.randint(2, 999)}"
            key = handle.lower()
        self.taken[net].add(key)
        return handle

    def reserve(self, net: str, handle: str) -> None:
        self.taken[net].add(handle.lower())


def base_handle(rng: random.Random, p: Person) -> str:
    f = slugify(p.first) or "user"
    last = slugify(p.last) or "x"
    pats = [
        f"{f}_{last}",
        f"{f[0]}{last}",
        f"{f}{last}",
        f"{last}{f[0]}",
        f"{f}{rng.randint(7, 99)}",
        f"{f}_{rng.choice(HOBBY)}",
        f"{rng.choice(TECH)}_{f}",
        f"{f}{last[:3]}",
        f"the{f}",
        f"{f}_{last[0]}",
        f"{f}.{last}",
        f"{f[0]}{last}{rng.randint(1, 9)}",
    ]
    return rng.choices(pats, weights=[14, 14, 9, 5, 6, 5, 4, 4, 2, 5, 6, 3])[0]


def net_handle(rng: random.Random, net: str, p: Person, base: str | None = None) -> str:
    b = base or base_handle(rng, p)
    if net == "mastodon":
        inst = rng.choice(
            MASTO_INSTANCES.get(p.lang, MASTO_INSTANCES["en"])
            if rng.random() < 0.75
            else MASTO_INSTANCES["en"]
        )
        user = b.replace(".", "_")
        if rng.random() < 0.2:
            user = slugify(p.first) or user
        return f"{user}@{inst}"
    if net == "bluesky":
        label = b.replace("_", "-").replace(".", "-")
        if rng.random() < 0.2:
            f, last = slugify(p.first), slugify(p.last)
            tld = rng.choice(["com", "dev", "me", "net", "io", "org", p.country.lower()])
            return f"{f}{last}.{tld}" if rng.random() < 0.6 else f"{f[0]}{last}.{tld}"
        return f"{label}.bsky.social"
    if net == "reddit":
        r = rng.random()
        if r < 0.35:
            return f"{rng.choice(REDDIT_ADJ)}_{rng.choice(REDDIT_NOUN)}_{rng.randint(1000, 9999)}"
        if r < 0.55:
            return "_".join(w.capitalize() for w in b.replace(".", "_").split("_"))[:20]
        return b.replace(".", "_")[:20]
    if net == "hackernews":
        return b.replace(".", "")[:15]
    if net == "github":
        return b.replace("_", "-").replace(".", "-")[:39]
    if net == "x":
        return b.replace(".", "_")[:15]
    raise ValueError(net)


def display_name(rng: random.Random, p: Person) -> str:
    full = p.native if (p.native and rng.random() < 0.6) else p.latin
    r = rng.random()
    pron = "she/her" if p.first in FEMALE else ("he/him" if p.first in MALE else None)
    if r < 0.46:
        return full
    if r < 0.54:
        return f"{p.first} {p.last[0]}."
    if r < 0.58:
        return full.upper()
    if r < 0.65 and pron:
        return f"{p.first} {rng.choice(['🌻', '🌱', '✨', '🐝', '🌊', '☕', '🏔️'])} ({pron})"
    if r < 0.71:
        return f"{full} | {rng.choice(ROLES)}"
    if r < 0.75:
        return f"{p.first} ☕"
    if r < 0.78:
        return f"Dr. {full}"
    if r < 0.85 and p.country in FLAGS:
        return f"{full} {FLAGS[p.country]}"
    if r < 0.90:
        return full.lower()
    if r < 0.94:
        return f"{p.first} 🏳️‍🌈"
    return p.first


def author_url(net: str, handle: str) -> str:
    if net == "mastodon":
        user, _, inst = handle.partition("@")
        return f"https://{inst}/@{user}"
    if net == "bluesky":
        return f"https://bsky.app/profile/{handle}"
    if net == "reddit":
        return f"https://www.reddit.com/user/{handle}/"
    if net == "hackernews":
        return f"https://news.ycombinator.com/user?id={handle}"
    if net == "github":
        return f"https://github.com/{handle}"
    raise ValueError(net)


def followers_for(rng: random.Random, net: str) -> int | None:
    if net in ("hackernews", "rss"):
        return None
    median = {"mastodon": 140, "bluesky": 190, "reddit": 6, "github": 18}[net]
    x = median * math.exp(rng.gauss(0, 1.25))
    if rng.random() < 0.03:
        x *= rng.uniform(8, 40)
    return int(x)


DID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as used by atproto


def make_did(rng: random.Random) -> str:
    return "did:plc:" + "".join(rng.choice(DID_ALPHABET) for _ in range(24))


def make_tid(micros: int, clock: int) -> str:
    v = (micros << 10) | (clock & 1023)
    out = []
    for _ in range(13):
        out.append(TID_ALPHABET[v & 31])
        v >>= 5
    return "".join(reversed(out))


def to36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s or "0"


# Named customers the brief asks for: diacritics, CJK, and people with the same or a
# very similar name at different companies.  Handles: net -> handle(s), ";"-separated.
SPECIAL_CUSTOMERS = corpus.data("special_customers")


@dataclass
class Customer:
    record: dict
    person: Person
    handles: dict  # net -> list of handles
    display: str | None
    activity: float
    links: dict = field(default_factory=dict)  # handle -> its profile links (add_profile_links)


def phone_for(rng: random.Random, cc: str) -> str:
    tpl = COUNTRIES[cc][2]
    if cc == "US":  # real area codes; 555-01xx is the range reserved for fiction
        tpl = tpl.replace(
            "(###)", f"({rng.choice([212, 415, 312, 617, 206, 512, 303, 404, 646, 720])})"
        )
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in tpl)


def email_for(rng: random.Random, p: Person, domain: str | None, taken: set) -> str:
    f, last = slugify(p.first, "") or "user", slugify(p.last, "") or "x"
    if domain:
        locals_ = [
            f"{f}.{last}",
            f"{f}.{last}",
            f"{f[0]}{last}",
            f"{f}",
            f"{f}.{last[0]}",
            f"{f}{last}",
        ]
    else:
        locals_ = [
            f"{f}.{last}",
            f"{f}{last}{rng.randint(1, 99)}",
            f"{f}.{last}.{rng.randint(70, 99)}",
            f"{f[0]}{last}",
            f"{f}_{last}",
        ]
        mails = PERSONAL_MAIL.get(p.lang, PERSONAL_MAIL["default"])
        domain = rng.choice(mails)
    for local in locals_ * 3:
        addr = f"{local}@{domain}"
        if addr not in taken:
            taken.add(addr)
            return addr
        locals_ = [f"{f}.{last}{rng.randint(2, 9)}"]
    addr = f"{f}.{last}.{rng.randint(100, 999)}@{domain}"
    taken.add(addr)
    return addr


def lifetime_value(rng: random.Random, tier: str) -> float | int:
    if tier == "free":
        return 0
    if tier == "pro":
        return rng.choice([96, 96, 96, 86.4, 192, 120])
    if tier == "team":
        seats = max(3, round(9 * math.exp(rng.gauss(0, 0.8))))
        v = round(seats * 14 * 12 * rng.choice([1, 1, 1, 0.9, 0.85]), 2)
        return int(v) if v == int(v) else v
    seats = max(60, round(260 * math.exp(rng.gauss(0, 0.7))))
    return int(round(seats * rng.uniform(13.5, 19.0) * 12, -2))


def build_customers(rng: random.Random, reg: HandleRegistry, target: int = 340) -> list[Customer]:
    companies = []
    for line in COMPANIES_RAW.strip().splitlines():
        name, domain, cc = line.split("|")
        companies.append({"name": name, "domain": domain, "cc": cc})
    special_companies = {s["company"] for s in SPECIAL_CUSTOMERS if s.get("company")}
    # Tier is a property of the company's workspace, so colleagues share it.
    for c in companies:
        c["tier"] = rng.choices(["enterprise", "team", "pro", "free"], [14, 40, 30, 16])[0]
        c["ltv"] = lifetime_value(rng, c["tier"])
    by_name = {c["name"]: c for c in companies}
    for s in SPECIAL_CUSTOMERS:
        if s.get("company"):
            c = by_name[s["company"]]
            if c["tier"] != s["tier"]:
                c["tier"], c["ltv"] = s["tier"], lifetime_value(rng, s["tier"])

    emails: set = set()
    out: list[Customer] = []

    def finish(
        p: Person,
        company: dict | None,
        tier: str,
        handles: dict,
        display: str | None,
        name: str | None = None,
        email: str | None = None,
    ) -> None:
        rec = {
            "id": "",
            "name": name or (p.native if (p.native and rng.random() < 0.5) else p.latin),
            "email": email
            or email_for(
                rng, p, company["domain"] if company and rng.random() < 0.9 else None, emails
            ),
            "company": company["name"] if company else "",
            "phone": phone_for(rng, (company or {}).get("cc", p.country))
            if rng.random() < 0.78
            else "",
            "tier": tier,
            "lifetime_value": company["ltv"]
            if company and tier in ("team", "enterprise")
            else lifetime_value(rng, tier),
            "notes": " ".join(rng.sample(CRM_NOTES, rng.choice([0, 1, 1, 1, 2]))),
        }
        for net in ["mastodon", "bluesky", "hackernews", "reddit", "github", "x"]:
            rec[net] = ";".join(handles.get(net, []))
        cc = (company or {}).get("cc", p.country)
        rec["region"] = COUNTRIES[cc][0]
        if tier == "free":
            rec["renewal_date"] = ""
        else:
            rec["renewal_date"] = (
                REFERENCE_TIME.date() + timedelta(days=rng.randint(-25, 365))
            ).isoformat()
        out.append(Customer(rec, p, handles, display, math.exp(rng.gauss(0, 0.9))))

    for s in SPECIAL_CUSTOMERS:
        p = Person(
            s["first"], s["last"], s.get("native"), s["cc"], COUNTRIES[s["cc"]][1], "special"
        )
        if s.get("native") and s["cc"] in ("JP", "CN", "KR", "IL"):
            p.lang = {"JP": "ja", "CN": "zh", "KR": "ko", "IL": "he"}[s["cc"]]
        handles = {}
        for net, hs in s["handles"].items():
            handles[net] = [h for h in hs.split(";")]
            for h in handles[net]:
                reg.reserve(net, h)
        company = by_name.get(s.get("company") or "")
        finish(
            p, company, s["tier"], handles, s.get("display"), name=s["name"], email=s.get("email")
        )

    # Colleagues at the companies, then individuals on personal e-mail addresses.
    queue: list[tuple[dict | None, str]] = []
    for c in companies:
        n = {
            "enterprise": rng.randint(2, 5),
            "team": rng.randint(1, 3),
            "pro": 1,
            "free": rng.choice([1, 1, 2]),
        }[c["tier"]]
        if c["name"] in special_companies:
            n = max(0, n - 1)
        queue += [(c, c["tier"])] * n
    while len(out) + len(queue) < target:
        queue.append((None, rng.choices(["free", "pro"], [60, 40])[0]))
    rng.shuffle(queue)
    cc_cultures: dict[str, list[str]] = {}
    for cul, spec in list(CULTURES.items()) + list(PAIR_CULTURES.items()):
        for cc in spec["cc"].split():
            cc_cultures.setdefault(cc, []).append(cul)
    for company, tier in queue[: target - len(out)]:
        if company and rng.random() < 0.8 and company["cc"] in cc_cultures:
            p = make_person(rng, rng.choice(cc_cultures[company["cc"]]), None)
            if company["cc"] in [
                x
                for x in CULTURES.get(p.culture, PAIR_CULTURES.get(p.culture, {}))
                .get("cc", "")
                .split()
            ]:
                p.country = company["cc"]
        else:
            p = make_person(rng)
        # ~60% of customers have at least one social handle.
        handles: dict = {}
        if rng.random() < 0.53:
            base = base_handle(rng, p)
            nets = [
                n
                for n, w in [
                    ("mastodon", 0.45),
                    ("bluesky", 0.55),
                    ("github", 0.35),
                    ("reddit", 0.3),
                    ("hackernews", 0.16),
                    ("x", 0.35),
                ]
                if rng.random() < w
            ]
            if not nets:
                nets = [rng.choice(["mastodon", "bluesky", "github"])]
            for net in nets:
                h = net_handle(rng, net, p, base if rng.random() < 0.7 else None)
                handles[net] = [reg.claim(net, h, rng)]
                # A few people keep two accounts on one network (moved instance, alt, work).
                if net in ("mastodon", "reddit", "github") and rng.random() < 0.025:
                    handles[net].append(reg.claim(net, net_handle(rng, net, p), rng))
        finish(p, company, tier, handles, None)

    rng.shuffle(out)
    for i, c in enumerate(out, 1):
        c.record["id"] = f"C-{i:04d}"
    return out


# --------------------------------------------------------------------------------------
# Rendering and light variation
# --------------------------------------------------------------------------------------

FEATURES = WORDS["features"]
PHONES = WORDS["phones"]
IPHONES = ["iPhone 13 mini", "iPhone 15", "iPhone 16 Pro", "iPhone SE", "iPad Air", "iPhone 14"]
OSES = WORDS["oses"]
PLATFORMS = ["Android", "iOS", "macOS", "Windows", "Linux", "the web app"]
COMPETITORS = ["Trello", "Asana", "Linear", "Notion", "Jira", "ClickUp", "Todoist", "Monday"]
CALENDARS = WORDS["calendars"]
EU_CITIES = WORDS["eu_cities"]
DOCS = WORDS["docs"]
DOC_KEYS = [
    (r"calendar|caldav|outlook", DOCS[0]),
    (r"recurr|repeat", DOCS[1]),
    (r"webhook", DOCS[2]),
    (r"rate limit|429", DOCS[3]),
    (r"offline", DOCS[4]),
    (r"import|trello|csv", DOCS[5]),
    (r"sso|saml|entra|okta", DOCS[6]),
    (r"shortcut|keyboard", DOCS[7]),
    (r"guest", DOCS[8]),
    (r"android", DOCS[9]),
]
STATUS_URL = "https://status.kestrel.app/incidents/q8v3m1x7d2kp"
RELEASE_BLOG = "https://kestrel.app/blog/kestrel-4-2"
POSTMORTEM_BLOG = "https://kestrel.app/blog/postmortem-2026-11-16"

EMOJI = WORDS["emoji"]
PREFIX = WORDS["prefix"]
CW = ["CW: rant", "CW: kestrel rant", "CW: mild complaining", "CW: work vent", "CW: software moan"]
EMOJI_RX = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def version_at(t: datetime, rng: random.Random) -> str:
    if t < RELEASE_AT:
        return rng.choice(["4.1.4", "4.1.4", "4.1.3"])
    if t < V421_AT:
        return "4.2.0"
    if t < V422_AT:
        return "4.2.1"
    return "4.2.2"


def prev_version(v: str) -> str:
    return {
        "4.1.3": "4.1.2",
        "4.1.4": "4.1.3",
        "4.2.0": "4.1.4",
        "4.2.1": "4.2.0",
        "4.2.2": "4.2.1",
    }[v]


class Renderer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.issue_numbers: list[int] = []  # filled as issues are created

    def render(
        self, tpl: str, channel: str, t: datetime, topic: str, context: str | None = None
    ) -> str:
        rng = self.rng
        local: dict = {}
        ctx = (context or "").lower()

        def fill(m: re.Match) -> str:
            k = m.group(1)
            if k == "brand":
                return {"mastodon": "@kestrel@fosstodon.org", "bluesky": "@kestrel.app"}.get(
                    channel, "Kestrel"
                )
            if k == "ver":
                local["ver"] = local.get("ver") or version_at(t, rng)
                return local["ver"]
            if k == "prev":
                return prev_version(local.get("ver") or version_at(t, rng))
            if k == "feature":
                return rng.choice(FEATURES)
            if k == "phone":
                return rng.choice(PHONES)
            if k == "iphone":
                return rng.choice(IPHONES)
            if k == "os":
                return rng.choice(OSES)
            if k == "platform":
                return rng.choice(PLATFORMS)
            if k == "comp":
                return rng.choice(COMPETITORS)
            if k == "cal":
                return rng.choice(CALENDARS)
            if k == "city":
                return rng.choice(EU_CITIES)
            if k == "n":
                return str(rng.randint(3, 9))
            if k == "nn":
                return str(rng.choice([12, 14, 15, 18, 20, 22, 25, 30, 35, 40, 45, 60]))
            if k == "big":
                local["big"] = rng.choice([1200, 1800, 2400, 3100, 3800, 4200, 5400, 6700, 8000])
                return f"{local['big']:,}"
            if k == "big2":
                return f"{int(round(local.get('big', 2400) * 1.28, -1)):,}"
            if k == "mins":
                if OUTAGE_START <= t <= OUTAGE_END + timedelta(minutes=30):
                    return str(max(10, int((t - OUTAGE_START).total_seconds() // 60 // 5 * 5)))
                return str(rng.choice([20, 25, 30, 40, 45, 50]))
            if k == "hours":
                if t >= OUTAGE_START:
                    return str(max(1, min(4, math.ceil((t - OUTAGE_START).total_seconds() / 3600))))
                return "2"
            if k == "docs":
                for rx, url in DOC_KEYS:
                    if re.search(rx, ctx):
                        return url
                return rng.choice(DOCS)
            if k == "status":
                return STATUS_URL
            if k == "blog":
                return POSTMORTEM_BLOG if topic.startswith("after") else RELEASE_BLOG
            if k == "issue":
                num = rng.choice(self.issue_numbers or [2411, 2519, 2733])
                return f"https://github.com/kestrel-hq/kestrel/issues/{num}"
            if k == "dupe":
                return str(rng.choice(self.issue_numbers or [2519, 2733]))
            return m.group(0)

        return re.sub(r"\{(\w+)\}", fill, tpl)


TAGS_BY_FAMILY = {
    "outage": ["#kestrel", "#outage", "#Kestrel", "#MondayMood"],
    "price": ["#kestrel", "#SaaS", "#pricing", "#Kestrel"],
    "release": ["#kestrel", "#productivity", "#ProjectManagement", "#gantt"],
    "default": ["#kestrel", "#productivity", "#ProjectManagement", "#Kestrel", "#RemoteWork"],
}


def hashtags(rng: random.Random, text: str, topic: str) -> str:
    fam = (
        "outage"
        if topic.startswith(("outage", "after"))
        else "price"
        if topic.startswith("price")
        else "release"
        if topic.startswith("release")
        else "default"
    )
    pool = list(TAGS_BY_FAMILY[fam])
    for word, tag in (
        ("Android", "#android"),
        ("ADHD", "#ADHD"),
        ("Linux", "#linux"),
        ("API", "#API"),
    ):
        if word in text:
            pool.append(tag)
    tags = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2, 2, 3])))
    if "#kestrel" not in [x.lower() for x in tags] and rng.random() < 0.5:
        tags.insert(0, "#kestrel")
    return " ".join(dict.fromkeys(tags))


def vary(
    text: str,
    rng: random.Random,
    channel: str,
    sentiment: str,
    lang: str,
    force: bool,
    topic: str = "",
    reply: bool = False,
) -> str:
    """Light, human-looking edits: case, punctuation, emoji, hashtags, CW lines."""
    if channel in ("mastodon", "bluesky"):
        if lang == "en":
            if (
                rng.random() < (0.45 if force else 0.1)
                and text[:1].isupper()
                and text[1:2].islower()
            ):
                text = text[0].lower() + text[1:]
            if rng.random() < 0.3 and text.endswith(".") and not text.endswith(".."):
                text = text[:-1]
            if rng.random() < (0.35 if force else 0.05):
                pre = rng.choice(PREFIX[sentiment]).replace("{n}", str(rng.randint(2, 6)))
                if text[:1].isupper() and text[1:2].islower():
                    text = text[0].lower() + text[1:]
                text = pre + text
        if rng.random() < (0.5 if force else 0.1) and not EMOJI_RX.search(text[-3:]):
            text += " " + rng.choice(EMOJI[sentiment])
        if reply:
            pass  # replies rarely carry hashtags or content warnings
        elif channel == "mastodon":
            if rng.random() < (0.6 if force else 0.3) and "#" not in text:
                text += ("\n\n" if rng.random() < 0.6 else " ") + hashtags(rng, text, topic)
            if sentiment == "negative" and rng.random() < 0.1 and not text.startswith("CW"):
                text = rng.choice(CW) + "\n\n" + text
        elif rng.random() < (0.25 if force else 0.06) and "#" not in text:
            text += " " + rng.choice(["#kestrel", "#productivity", "#Kestrel"])
    elif force:
        if channel == "hackernews":
            text = (
                rng.choice(["FWIW, ", "For what it's worth: ", "Anecdotally, ", "Data point: "])
                + text[0].lower()
                + text[1:]
            )
        elif channel == "reddit":
            text += rng.choice(
                [
                    "\n\nEdit: typo",
                    "\n\nEdit: thanks for the replies, everyone",
                    f" (on {rng.choice(PHONES + OSES)})",
                ]
            )
        elif channel == "github":
            text += rng.choice(
                [f"\n\n(on {rng.choice(OSES)})", "\n\nSame on my second machine.", " 👍"]
            )
        else:
            text += " " + rng.choice(["(updated)", "[via newsletter]"])
    return text


# --------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------

INFLUENCERS = [tuple(row) for row in WORDS["influencers"]]
STAFF_GITHUB = [
    ("mhalvorsen", "Mira Halvorsen", 640),
    ("tpavlov", "Teodor Pavlov", 212),
    ("sinead-k", "Sinéad Kavanagh", 98),
    ("aoki-ren", "Ren Aoki", 371),
]
RSS_FEEDS = [tuple(row) for row in WORDS["rss_feeds"]]
ALERT_FEED = ("Google Alerts - Kestrel", "www.google.com/alerts", "en", "alerts")
NEWS_SITES = WORDS["news_sites"]
LANG_CULTURE = {
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
    "sv": "nordic",
    "pl": "polish",
    "ja": "japanese",
    "zh": "chinese",
    "ar": "arabic",
    "he": "hebrew",
}
POOL_SIZE = {"mastodon": 150, "bluesky": 150, "reddit": 120, "hackernews": 95, "github": 80}
NETS = ["mastodon", "bluesky", "reddit", "hackernews", "github"]


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


class Generator:
    def __init__(self, rng: random.Random, world: World, renderer: Renderer) -> None:
        self.rng = rng
        self.world = world
        self.r = renderer
        self.used: Counter = Counter()
        self.seen: set = set()
        self.seq = 0
        self.ext_threads: dict[str, list] = {}
        self.last_tpl = ""
        self.thread_tpls: dict[int, set] = {}
        self.thread_size: Counter = Counter()

    # -- text -------------------------------------------------------------------------
    def entries(self, channel: str, kind: str, lang: str, topic: str) -> list[str]:
        if lang == "en":
            if channel in ("mastodon", "bluesky"):
                return SHORT.get(topic, [])
            if channel == "hackernews":
                if kind == "story":
                    return HN_STORY.get(topic, [])
                return HN_COMMENT.get(topic, []) + HN_LONG.get(topic, [])
            if channel == "reddit":
                if kind == "post":
                    return REDDIT_POST.get(topic, []) + REDDIT_LONG.get(topic, [])
                # Comments in other people's threads read much like short social posts.
                return REDDIT_COMMENT.get(topic, []) + [
                    e for e in SHORT.get(topic, []) if "#" not in e and "{brand}" not in e
                ]
            if channel == "github":
                return (
                    GH_ISSUE.get(topic, []) if kind == "issue" else GH_COMMENT_USER.get(topic, [])
                )
            if channel == "rss":
                return RSS.get(topic, []) + RSS_LONG.get(topic, [])
            return []
        if channel in ("mastodon", "bluesky") or (channel == "reddit" and kind == "comment"):
            return LANG.get(lang, {}).get(topic, [])
        if channel == "rss" or (channel == "reddit" and kind == "post"):
            return [txt for tp, txt in LANG_LONG.get(lang, []) if tp == topic]
        return []

    def usable(
        self,
        entries: list[str],
        t: datetime,
        once: bool,
        context: str | None = None,
        exclude: set | None = None,
        cap: int = 7,
    ) -> list[str]:
        # Long texts, blog posts, HN stories and Reddit posts are used once: a repeated
        # essay or headline would be an obvious copy.  A reply (context = the parent's
        # text) may only use a keyword-tagged text whose keywords the parent mentions,
        # and never repeats a text already used in the same thread.
        out = []
        for e in entries:
            tag, body = split_tag(e)
            if (
                not gate_ok(body, t)
                or ((once or len(body) > 600) and self.used[e])
                or self.used[e] >= cap
            ):
                continue
            if exclude and e in exclude:
                continue
            if context is not None and tag and not re.search(tag, context, re.I):
                continue
            out.append(e)
        return out

    def pick_text(
        self,
        entries: list[str],
        channel: str,
        t: datetime,
        topic: str,
        sentiment: str,
        lang: str,
        decorate=None,
        once: bool = False,
        context: str | None = None,
        exclude: set | None = None,
        plain: bool = False,
        reply: bool = False,
        cap: int = 7,
    ) -> str | None:
        rng = self.rng
        # Even with placeholders and light edits, a text seen more than a handful of
        # times reads as a template; non-English texts (fewer of them) even sooner.
        cap = cap if lang == "en" else min(cap, 3)
        cands = self.usable(entries, t, once or channel == "rss", context, exclude, cap)
        if not cands:
            return None
        for attempt in range(14):
            weights = [1.0 / (1 + self.used[e]) ** 2 for e in cands]
            tpl = rng.choices(cands, weights=weights)[0]
            text = self.r.render(split_tag(tpl)[1], channel, t, topic, context)
            force = attempt >= 4 or (self.used[tpl] > 0 and rng.random() < 0.6)
            if decorate:
                text = decorate(text, force)
            if not plain:
                text = vary(
                    text, rng, channel, sentiment, lang, force and not decorate, topic, reply
                )
            elif force and attempt >= 4:
                text += rng.choice([" 🙏", " 💙", ""]) if channel in ("mastodon", "bluesky") else ""
            if channel == "bluesky" and len(text) > 300:
                continue
            if channel == "mastodon" and len(text) > 500:
                continue
            if text in self.seen:
                continue
            self.used[tpl] += 1
            self.seen.add(text)
            self.last_tpl = tpl
            return text
        return None

    def claim_text(self, text: str) -> str:
        self.seen.add(text)
        return text

    # -- roots ------------------------------------------------------------------------
    def choose_lang(self, channel: str, t: datetime) -> str:
        rng = self.rng
        if rng.random() >= NON_EN.get(channel, 0):
            return "en"
        w = {}
        for lang, base in LANG_WEIGHTS.items():
            hours = LANG_HOURS.get(lang)
            awake = (hours is None and 6 <= t.hour <= 21) or (
                hours is not None and (t.hour in hours or t.hour + 24 in hours)
            )
            w[lang] = base * (1.0 if awake else 0.15)
        return weighted(rng, w)

    def new_mention(self, **kw) -> Mention:
        self.seq += 1
        m = Mention(seq=self.seq, **kw)
        return m

    def make_root(
        self, component: str, t: datetime, channel: str | None = None, topics: dict | None = None
    ) -> Mention | None:
        rng = self.rng
        topics = topics or COMPONENT_TOPICS[component]
        for attempt in range(8):
            # A channel with nothing to say about this topic falls back to any channel.
            ch = (
                channel
                if (channel and attempt < 3)
                else weighted(rng, COMPONENT_CHANNELS[component])
            )
            lang = self.choose_lang(ch, t)
            for lang_try in [lang, "en"] if lang != "en" else ["en"]:
                options = {}
                for kind, kw in KIND_WEIGHTS[ch].items():
                    once = ch == "rss" or kind == "story" or (ch == "reddit" and kind == "post")
                    for topic, tw in topics.items():
                        if self.usable(
                            self.entries(ch, kind, lang_try, topic),
                            t,
                            once,
                            cap=7 if lang_try == "en" else 3,
                        ):
                            options[(kind, topic)] = kw * tw
                if not options:
                    continue
                kind, topic = weighted(rng, options)
                sentiment = TOPIC_SENTIMENT[topic]
                ents = self.entries(ch, kind, lang_try, topic)
                decorate = self.decorator(ch, kind, sentiment) if lang_try == "en" else None
                once = ch == "rss" or kind == "story" or (ch == "reddit" and kind == "post")
                text = self.pick_text(ents, ch, t, topic, sentiment, lang_try, decorate, once)
                if text is None:
                    continue
                author = self.world.pick(ch, lang_try, rng, 0.0 if ch == "rss" else 0.53)
                m = self.new_mention(
                    channel=ch,
                    kind=kind,
                    text=text,
                    time=t,
                    author=author,
                    topic=topic,
                    sentiment=sentiment,
                    lang=lang_try,
                )
                if ch == "rss" and "Google Alert" in text.split("\n")[0]:
                    m.author, m.ext = self.world.alert_author, rng.choice(NEWS_SITES)
                self.place(m)
                return m
        return None

    def decorator(self, channel: str, kind: str, sentiment: str):
        """Channel-specific light context lines for long-form comments."""
        rng = self.rng

        def hn(text: str, force: bool) -> str:
            if force or rng.random() < 0.12:
                extra = self.r.render(rng.choice(HN_CONTEXT), channel, REFERENCE_TIME, "x")
                sep = "\n\n" if rng.random() < 0.5 else " "
                return text + ("" if text[-1:] in ".!?)" else ".") + sep + extra
            return text

        def rd(text: str, force: bool) -> str:
            if force or rng.random() < 0.12:
                extra = self.r.render(rng.choice(REDDIT_CONTEXT), channel, REFERENCE_TIME, "x")
                return text + (" " if text[-1:] in ".!?)" else ". ") + extra
            return text

        if channel == "hackernews" and kind == "comment":
            return hn
        if channel == "reddit" and kind == "comment":
            return rd
        return None

    def place(self, m: Mention) -> None:
        """Fill in the thread coordinates a mention needs for its id and URL."""
        rng = self.rng
        if m.channel == "reddit":
            if m.kind == "post":
                mm = re.match(r"r/(\w+)\|", m.text)
                if mm:
                    m.sub = mm.group(1)
                    m.text = m.text[mm.end() :]
                elif m.lang != "en":
                    m.sub = LANG_SUBS.get(m.lang, "kestrelapp")
                else:
                    m.sub = weighted(
                        rng,
                        REDDIT_SUB_BY_TOPIC.get(m.topic, {"kestrelapp": 85, "productivity": 15}),
                    )
            elif m.parent is None:
                sub = (
                    LANG_SUBS.get(m.lang) if m.lang != "en" else weighted(rng, REDDIT_COMMENT_SUBS)
                )
                m.sub = sub
                m.ext = self.outside_thread(sub, m.time)
        if m.channel == "github":
            if m.kind == "issue":
                low = m.text.lower()
                if "android" in low.split("\n")[0] or "app.kestrel.android" in low:
                    m.repo = "kestrel-hq/kestrel-android"
                elif "kes add" in low or "kestrel-cli" in low or "command-line client" in low:
                    m.repo = "kestrel-hq/kestrel-cli"
                else:
                    m.repo = "kestrel-hq/kestrel"
            elif m.parent is None:
                m.repo = "kestrel-hq/kestrel"
                m.ext = rng.randint(1650, 2860)
        m.heat = math.exp(rng.gauss(0, 0.7))
        if m.kind == "story" and m.topic in ("release_pos", "price_neg", "outage_neg", "after_pos"):
            m.heat *= 3.0

    def outside_thread(self, sub: str, t: datetime) -> tuple:
        rng = self.rng
        threads = self.ext_threads.setdefault(sub, [])
        recent = [th for th in threads if timedelta(0) < t - th[0] < timedelta(days=3)]
        if recent and rng.random() < 0.6:
            return rng.choice(recent)[1:]
        start = t - timedelta(minutes=rng.randint(30, 1800))
        sec = (start - WINDOW_START).total_seconds()
        post36 = to36(int("1y00000", 36) + int(sec * 17.4) + rng.randint(0, 9))
        title = rng.choice(EXT_THREAD_TITLES.get(sub, ["Kestrel"]))
        slug = re.sub(r"[^a-z0-9]+", "_", ascii_fold(title).lower()).strip("_")[:50]
        threads.append((start, post36, slug))
        return (post36, slug)

    # -- replies ----------------------------------------------------------------------
    THREAD_CAP = {"hackernews": 16, "reddit": 9, "github": 5, "mastodon": 5, "bluesky": 5}

    def reply_weight(self, m: Mention, t_max: datetime) -> float:
        if m.hostile or m.channel == "rss" or t_max - m.time < timedelta(minutes=3):
            return 0.0
        if self.thread_size[m.root().seq] >= self.THREAD_CAP[m.channel]:
            return 0.0
        if m.kind == "story":
            w = 14.0
        elif m.channel == "reddit" and m.kind == "post":
            w = 6.0
        elif m.kind == "issue":
            w = 4.0
        elif m.kind == "post":  # Mastodon / Bluesky
            w = 0.5
            if m.author.brand:
                w = 9.0 if m.parent is None else 0.8
            elif m.sentiment == "negative":
                w = 1.4
            elif m.topic in ("question", "release_q", "request"):
                w = 1.2
            if m.author.followers and m.author.followers > 20_000:
                w *= 3
        else:
            w = 0.9 if m.parent is not None or m.channel == "hackernews" else 0.5
        return w * m.heat * (0.55**m.depth)

    def reply_delay(self, parent: Mention, brand: bool) -> timedelta:
        rng = self.rng
        median = {"hackernews": 40, "reddit": 55, "mastodon": 22, "bluesky": 18, "github": 170}[
            parent.channel
        ]
        if brand:
            median = 28
        if parent.topic.startswith("outage") or parent.topic == "brand_outage":
            median = 9
        return timedelta(minutes=max(1.0, median * math.exp(rng.gauss(0, 0.9))))

    def make_reply(self, parent: Mention, t: datetime | None, t_max: datetime) -> Mention | None:
        rng = self.rng
        ch = parent.channel
        root = parent.root()
        thread = self.thread_tpls.setdefault(root.seq, set())
        fam = family(root.topic if ch in ("github", "hackernews", "reddit") else parent.topic)
        by_brand = by_staff = False
        if not parent.author.brand and not parent.author.staff and not root.author.brand:
            if ch in ("mastodon", "bluesky") and (
                parent.sentiment == "negative" or fam == "question"
            ):
                by_brand = rng.random() < 0.3
            elif ch == "reddit" and parent.kind == "post" and parent.sentiment != "positive":
                by_brand = rng.random() < 0.18
            elif ch == "github":
                by_staff = rng.random() < 0.45
            elif (
                ch == "hackernews"
                and parent.kind == "comment"
                and (
                    fam in ("bug", "outage", "price") or root.topic in ("release_neg", "release_q")
                )
            ):
                by_staff = rng.random() < 0.06
        if t is None:
            t = parent.time + self.reply_delay(parent, by_brand)
            if t >= t_max:
                span = (t_max - parent.time).total_seconds()
                if span < 120:
                    return None
                t = parent.time + timedelta(seconds=rng.uniform(60, span - 30))
        t = t.replace(microsecond=0)
        if t <= parent.time:
            t = parent.time + timedelta(seconds=rng.randint(40, 300))
        lang = "en"
        if (
            parent.lang in LANG_REPLY
            and ch in ("mastodon", "bluesky", "reddit")
            and not by_brand
            and rng.random() < 0.65
        ):
            lang = parent.lang

        ctx = parent.text
        topic = root.topic if ch in ("github", "hackernews", "reddit") else parent.topic
        common = dict(context=ctx, exclude=thread, reply=True)
        sentiment = "neutral"
        text = None
        if by_brand:
            author = self.world.brand[ch]
            key = fam if fam in BRAND_REPLY else "question"
            text = self.pick_text(
                BRAND_REPLY[key], ch, t, topic, "neutral", "en", plain=True, **common
            )
        elif by_staff and ch == "github":
            author = rng.choice(self.world.staff_gh)
            text = self.pick_text(
                GH_COMMENT_STAFF.get(root.topic, GH_COMMENT_STAFF["bug"]),
                ch,
                t,
                topic,
                "neutral",
                "en",
                plain=True,
                **common,
            )
        elif by_staff:
            author = self.world.staff_hn
            key = "release" if root.topic.startswith("release") else fam
            text = self.pick_text(
                HN_STAFF.get(key, HN_STAFF["bug"]),
                ch,
                t,
                topic,
                "neutral",
                "en",
                plain=True,
                **common,
            )
        else:
            author = self.world.pick(ch, lang, rng, 0.53, avoid=parent.author)
            if lang != "en":
                sentiment = parent.sentiment if parent.sentiment == "negative" else "neutral"
                text = self.pick_text(LANG_REPLY[lang], ch, t, topic, sentiment, lang, **common)
            elif ch == "github":
                sentiment = TOPIC_SENTIMENT.get(root.topic, "neutral")
                text = self.pick_text(
                    GH_COMMENT_USER.get(root.topic, GH_COMMENT_USER["bug"]),
                    ch,
                    t,
                    topic,
                    sentiment,
                    "en",
                    **common,
                )
            elif ch in ("hackernews", "reddit"):
                comments = (HN_COMMENT if ch == "hackernews" else REDDIT_COMMENT).get(
                    root.topic, []
                )
                if ch == "hackernews":
                    comments = comments + HN_LONG.get(root.topic, [])
                replies = HN_REPLY if ch == "hackernews" else REDDIT_REPLY
                deco = self.decorator(ch, "comment", "neutral")
                # Answering the story/post itself: a comment on the topic.  Answering a
                # comment: either more on the topic or a conversational reply.
                if parent.kind in ("story", "post") or rng.random() < 0.5:
                    sentiment = TOPIC_SENTIMENT.get(root.topic, "neutral")
                    text = self.pick_text(comments, ch, t, topic, sentiment, "en", deco, **common)
                if text is None and parent.kind == "comment":
                    kind = self.reply_kind(parent, fam)
                    kind = {
                        "outage": "agree_neg",
                        "price": "agree_neg",
                        "to_brand": "agree_pos",
                        "release": "agree_pos",
                    }.get(kind, kind)
                    sentiment = REPLY_SENTIMENT[kind]
                    text = self.pick_text(
                        replies.get(kind, []), ch, t, topic, sentiment, "en", deco, **common
                    )
            else:
                kind = self.reply_kind(parent, fam)
                sentiment = REPLY_SENTIMENT[kind]
                text = self.pick_text(SHORT_REPLY[kind], ch, t, topic, sentiment, "en", **common)
                if text is None:
                    kind = "agree_neg" if parent.sentiment == "negative" else "agree_pos"
                    sentiment = REPLY_SENTIMENT[kind]
                    text = self.pick_text(
                        SHORT_REPLY[kind], ch, t, topic, sentiment, "en", **common
                    )
        if text is None:
            return None
        thread.add(self.last_tpl)
        if ch == "mastodon":
            user, _, inst = parent.author.handle.partition("@")
            my_inst = author.handle.partition("@")[2]
            mention = (
                f"@{user}" if inst == my_inst or rng.random() < 0.6 else f"@{parent.author.handle}"
            )
            self.seen.discard(text)
            cw = ""
            if text.startswith("CW: "):  # the content warning goes above the mention
                cw, _, text = text.partition("\n\n")
                cw += "\n\n"
            for candidate in (
                f"{cw}{mention} {text}",
                f"{cw}@{parent.author.handle} {text}",
                f"{cw}{mention} {text} {rng.choice(EMOJI[sentiment])}",
            ):
                if candidate not in self.seen:
                    break
            text = candidate
            self.seen.add(text)
        m = self.new_mention(
            channel=ch,
            kind="comment" if ch in ("hackernews", "reddit", "github") else "post",
            text=text,
            time=t,
            author=author,
            topic=topic,
            sentiment=sentiment,
            lang=lang,
            parent=parent,
            depth=parent.depth + 1,
        )
        if ch == "reddit":
            m.sub = root.sub
        if ch == "github":
            m.repo = root.repo
        m.heat = math.exp(rng.gauss(0, 0.6))
        self.thread_size[root.seq] += 1
        return m

    def reply_kind(self, parent: Mention, fam: str) -> str:
        rng = self.rng
        if parent.author.brand and parent.parent is not None:
            return "to_brand"  # someone answering the brand's reply to them
        if parent.author.brand:
            return {
                "brand_outage": "outage",
                "brand_price": "price",
                "brand_release": "release",
            }.get(parent.topic, "agree_pos")
        if fam == "outage":
            return (
                "outage"
                if parent.channel in ("mastodon", "bluesky")
                else weighted(rng, {"agree_neg": 4, "help": 1})
            )
        if fam == "price":
            return (
                "price"
                if parent.channel in ("mastodon", "bluesky")
                else weighted(rng, {"agree_neg": 3, "disagree": 2})
            )
        if parent.sentiment == "negative":
            return weighted(rng, {"agree_neg": 5, "help": 3, "disagree": 2})
        if parent.sentiment == "positive":
            return weighted(rng, {"agree_pos": 8, "agree_neg": 1})
        if parent.topic == "request":
            return weighted(rng, {"metoo": 6, "answer": 2})
        if parent.topic in ("question", "release_q"):
            return weighted(rng, {"answer": 6, "metoo": 2})
        return weighted(rng, {"agree_pos": 3, "answer": 2, "agree_neg": 2})

    def add_replies(self, mentions: list[Mention], n_total: int, t_max: datetime) -> list[Mention]:
        rng = self.rng
        out: list[Mention] = []
        by_ch: dict[str, list[Mention]] = {}
        for m in mentions:
            by_ch.setdefault(m.channel, []).append(m)
        for ch, share in REPLY_CHANNEL_SPLIT.items():
            pool = by_ch.get(ch, [])
            want = round(n_total * share)
            made = tries = 0
            while made < want and tries < want * 6:
                tries += 1
                weights = [self.reply_weight(m, t_max) for m in pool]
                if not any(weights):
                    break
                parent = rng.choices(pool, weights=weights)[0]
                r = self.make_reply(parent, None, t_max)
                if r is None:
                    continue
                pool.append(r)
                out.append(r)
                made += 1
        return out

    # -- brand timeline, hostile posts --------------------------------------------------
    def brand_posts(self) -> list[Mention]:
        d = timedelta
        schedule = [
            (RELEASE_AT + d(minutes=2), "brand_release", 0),
            (RELEASE_AT + d(minutes=41), "brand_release", 1),
            (V421_AT + d(minutes=6), "brand_release", 2),
            (PRICE_AT + d(minutes=1), "brand_price", 0),
            (datetime(2026, 11, 18, 15, 0, tzinfo=UTC), "brand_price", 1),
            (OUTAGE_START + d(minutes=24), "brand_outage", 0),
            (OUTAGE_START + d(minutes=127), "brand_outage", 1),
            (OUTAGE_END + d(minutes=4), "brand_outage", 2),
            (datetime(2026, 11, 18, 10, 0, tzinfo=UTC), "brand_outage", 3),
            (datetime(2026, 11, 7, 16, 0, tzinfo=UTC), "brand_misc", 0),
            (datetime(2026, 11, 12, 14, 30, tzinfo=UTC), "brand_misc", 1),
            (datetime(2026, 11, 17, 15, 0, tzinfo=UTC), "brand_misc", 2),
        ]
        out = []
        for t, topic, idx in schedule:
            base = BRAND_POSTS[topic][idx]
            for ch, delay, text in [
                ("bluesky", 0, base),
                ("mastodon", 40, base + "\n\n#kestrel #productivity"),
            ]:
                if ch == "bluesky" and len(text) > 300:
                    text = text.split(" https://")[0][:250].rstrip() + " https://kestrel.app/blog"
                self.claim_text(text)
                m = self.new_mention(
                    channel=ch,
                    kind="post",
                    text=text,
                    time=t + timedelta(seconds=delay),
                    author=self.world.brand[ch],
                    topic=topic,
                    sentiment="neutral",
                    lang="en",
                )
                m.heat = 2.0
                out.append(m)
        return out

    def hostile(self, spec: dict, t: datetime) -> Mention:
        rng = self.rng
        ch = spec["channel"]
        kind = spec.get("kind") or {"rss": "entry"}.get(ch, "post")
        text = spec["text"]
        if text == "@@LOG20000@@":
            text = long_log(rng, 20_000)
        elif text == "@@WORD60000@@":
            text = base64.b64encode(rng.randbytes(45_000)).decode()  # 60,000 chars, no spaces
        else:
            text = self.r.render(text, ch, t, "bug")
        self.claim_text(text)
        lang = "he" if "\u05e2" in text else ("ja" if "タイムライン" in text else "en")
        if "author" in spec:
            author = self.world.special(ch, spec["author"][0], spec["author"][1])
        else:
            author = self.world.pick(ch, lang, rng, 0.0)
        m = self.new_mention(
            channel=ch,
            kind=kind,
            text=text,
            time=t,
            author=author,
            topic="hostile",
            sentiment="negative"
            if any(
                w in text.lower()
                for w in ("scam", "refund", "down", "terrible", "leaked", "never answers")
            )
            else "neutral",
            lang=lang,
            hostile=True,
        )
        if ch == "reddit":
            m.sub = spec.get("sub", "kestrelapp")
            m.ext = self.outside_thread(m.sub, t)
        if ch == "github":
            m.repo = "kestrel-hq/kestrel-cli" if "kes add" in text else "kestrel-hq/kestrel"
            if kind == "comment":
                m.ext = rng.randint(1650, 2860)
        return m

    def make_alert(self, component: str, t: datetime) -> Mention | None:
        rng = self.rng
        topics = {k: v for k, v in COMPONENT_TOPICS[component].items()}
        if component == "general":
            topics = {"misc": 5, "compare_neu": 2, "praise": 2}
        for _ in range(6):
            topic = weighted(rng, topics)
            got = alert_entry(rng, topic, t)
            if got is None:
                continue
            text, site = got
            if text in self.seen or not gate_ok(text, t):
                continue
            self.claim_text(text)
            m = self.new_mention(
                channel="rss",
                kind="entry",
                text=text,
                time=t,
                author=self.world.alert_author,
                topic=topic,
                sentiment=TOPIC_SENTIMENT[topic],
                lang="en",
                ext=site,
            )
            return m
        return None


def long_log(rng: random.Random, size: int) -> str:
    """A pasted desktop debug log, cut to exactly `size` characters (ASCII only)."""
    head = (
        "Desktop app stuck in reconnect loop after waking from sleep (full debug log)\n\n"
        "Kestrel desktop 4.1.4 on Windows 11 23H2. After the laptop wakes up, sync never recovers "
        "until I quit the app. Full debug log below, sorry for the length, I didn't want to cut "
        "anything important.\n\n```\n"
    )
    tail = "\n```\n\n(log truncated by the paste limit)"
    t = datetime(2026, 11, 8, 7, 58, 12, 301000, tzinfo=UTC)
    msgs = [
        "INFO  power: resume from suspend detected (slept {s}s)",
        "INFO  net: interface change wlan0 up=true metered=false",
        "DEBUG sync: websocket state CLOSED -> CONNECTING (attempt {a})",
        "DEBUG sync: GET https://api.kestrel.app/v1/sync/catchup?cursor=c_7f3a{c} timeout=15000",
        "WARN  sync: catchup failed: net::ERR_NETWORK_CHANGED",
        "DEBUG sync: scheduling reconnect in 1000ms (fixed backoff)",
        "DEBUG store: pending ops queue size={q}",
        "INFO  ui: status indicator -> 'Connecting...'",
        "DEBUG auth: token valid for {s}s, no refresh needed",
        "WARN  sync: websocket upgrade rejected: 401 (token audience mismatch?)",
        "DEBUG sync: retrying with refreshed token",
        "ERROR sync: unhandled rejection in reconnect(): TypeError: Cannot read properties of undefined (reading 'cursor')",
        "    at SyncClient.reconnect (app://kestrel/dist/sync.js:1:48211)",
        "    at Timeout._onTimeout (app://kestrel/dist/sync.js:1:47102)",
        "    at listOnTimeout (node:internal/timers:581:17)",
        "DEBUG metrics: flush 14 events",
    ]
    body = []
    n = len(head) + len(tail)
    attempt = 0
    while n < size + 200:
        t += timedelta(milliseconds=rng.randint(3, 1400))
        attempt += 1
        line = (
            "["
            + t.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{t.microsecond // 1000:03d}Z] "
            + rng.choice(msgs).format(
                s=rng.randint(60, 40000), a=attempt, c=rng.randint(100, 999), q=rng.randint(0, 40)
            )
        )
        body.append(line)
        n += len(line) + 1
    text = head + "\n".join(body)
    text = text[: size - len(tail)] + tail
    assert len(text) == size
    return text


def alert_entry(rng: random.Random, topic: str, t: datetime) -> tuple[str, str] | None:
    """Google Alerts entries: headline + snippet, assembled from a small bank so a busy
    day of press coverage does not repeat word for word."""
    heads = {
        "release_pos": [
            "Kestrel 4.2 adds a rebuilt timeline view",
            "Kestrel's new timeline takes aim at Asana and Monday",
            "Task planner Kestrel ships dependencies and critical path",
            "Kestrel update brings Gantt-style planning to all plans",
            "Kestrel 4.2 review: the timeline finally grows up",
        ],
        "price_neg": [
            "Kestrel raises prices for Pro and Team plans",
            "Kestrel users push back on price increase",
            "Kestrel price hike draws criticism over timing",
            "Why Kestrel customers are angry about the new pricing",
        ],
        "price_neu": [
            "Kestrel announces pricing changes for 2027",
            "What Kestrel's new prices mean for small teams",
        ],
        "outage_neg": [
            "Kestrel outage hits European users",
            "Kestrel sync service down for hours in Europe",
            "Kestrel users report 'Connecting...' errors",
            "Planner app Kestrel suffers four-hour outage",
            "European teams locked out of Kestrel on Monday",
        ],
        "after_pos": [
            "Kestrel publishes postmortem of EU outage",
            "Kestrel promises client fixes after outage",
        ],
        "after_neg": [
            "Outage and price rise make for a rough week at Kestrel",
            "Kestrel customers weigh alternatives after outage",
        ],
        "misc": [
            "Kestrel named in list of best remote-work tools",
            "Copenhagen's Kestrel hires for EU expansion",
            "School district adopts Kestrel for curriculum planning",
            "Kestrel opens Berlin office",
            "Kestrel joins EU cloud code of conduct",
            "Hospital IT team moves project tracking to Kestrel",
            "Kestrel partners with Slack on workflow templates",
            "Local council pilots Kestrel for road works planning",
            "Kestrel hosts planning workshop for nonprofits",
        ],
        "compare_neu": [
            "Kestrel vs Asana vs Linear: which planner is right for you?",
            "The best project management apps of 2026",
            "Trello alternatives worth trying this year",
            "Seven planners for remote teams, ranked",
        ],
        "praise": [
            "How one agency doubled its output with Kestrel",
            "Kestrel review: fast, focused and friendly",
            "Kestrel wins design award for its mobile app",
            "Why small teams love Kestrel",
        ],
    }
    snippets = {
        "release_pos": [
            "The update adds draggable dependencies, baselines and a critical path view, and is rolling out to all plans.",
            "The company says the new timeline renders large projects up to ten times faster than before.",
            "Baselines let teams compare the current plan with an earlier snapshot.",
        ],
        "price_neg": [
            "Pro rises from $8 to $10 a month and Team from $14 to $18 per seat from January 15.",
            "Users criticised the Saturday announcement and a change moving the Slack integration to a higher tier.",
        ],
        "price_neu": [
            "Annual subscriptions keep their current price until renewal, the company said."
        ],
        "outage_neg": [
            'Users saw apps stuck on "Connecting..." and 502 errors for around four hours on Monday afternoon.',
            "The company said customers' offline changes were preserved and would sync once service returned.",
        ],
        "after_pos": [
            "The report blames a load balancer health check and client retry behaviour, and lists fixes.",
            "Version 4.2.2 adds jittered backoff to the sync client, according to the postmortem.",
        ],
        "after_neg": [
            "Customers say the combination has made them reconsider the tool.",
            "Some users reported tasks created during the outage did not sync afterwards.",
        ],
        "misc": [
            "Kestrel, which makes a task and project planner for teams, said it now serves more than 40,000 organisations.",
            "The planner is used by teachers to coordinate lessons across departments.",
            "The company, founded in Copenhagen in 2019, employs about 180 people across Europe and North America.",
            "Staff said the shared boards replaced a tangle of spreadsheets and email threads.",
        ],
        "compare_neu": [
            "We tested six tools with a ten-person team over two weeks each.",
            "Kestrel stands out for its timeline and offline mode; Asana for automation.",
        ],
        "praise": [
            "The agency credits the board view and recurring tasks for keeping client work on track.",
            "Reviewers praised the keyboard shortcuts, offline mode and calendar sync.",
        ],
    }
    if topic not in heads:
        return None
    head = rng.choice(heads[topic])
    snip = rng.choice(snippets[topic])
    site = rng.choice(NEWS_SITES)
    return f"{head}\n\n{site} ... {snip} ...", site


# --------------------------------------------------------------------------------------
# Assembly: times, ids, URLs
# --------------------------------------------------------------------------------------

HN_BASE = 50_183_000
REDDIT_POST_BASE = int("1y00000", 36)
REDDIT_COMMENT_BASE = int("o5a0000", 36)
GH_COMMENT_BASE = 3_561_200_000
GH_ISSUE_START = {
    "kestrel-hq/kestrel": 2874,
    "kestrel-hq/kestrel-android": 611,
    "kestrel-hq/kestrel-cli": 143,
}


def sample_times(rng: random.Random, component: str, count: int) -> list[datetime]:
    minutes = 14 * 1440
    prof = minute_profile(component, WINDOW_START, minutes)
    cum, acc = [], 0.0
    for w in prof:
        acc += w
        cum.append(acc)
    picks = rng.choices(range(minutes), cum_weights=cum, k=count)
    return sorted(WINDOW_START + timedelta(minutes=p, seconds=rng.randint(0, 59)) for p in picks)


def ordinary_time(rng: random.Random, not_before: datetime | None) -> datetime:
    """A time on an ordinary stretch of the fortnight: away from the event spikes."""
    while True:
        t = sample_times(rng, "general", 1)[0]
        if not_before and t < not_before + timedelta(minutes=30):
            continue
        if OUTAGE_START - timedelta(hours=1) <= t <= OUTAGE_END + timedelta(hours=2):
            continue
        if RELEASE_AT <= t <= RELEASE_AT + timedelta(hours=8):
            continue
        if PRICE_AT <= t <= PRICE_AT + timedelta(hours=6):
            continue
        if t >= REFERENCE_TIME - timedelta(minutes=5):
            continue
        return t


def build_history(gen: Generator, rng: random.Random) -> list[Mention]:
    roots: list[Mention] = []
    for component, count in COMPONENT_COUNTS.items():
        for t in sample_times(rng, component, count):
            ch = weighted(rng, COMPONENT_CHANNELS[component])
            # About half of the RSS items are Google Alerts (press coverage), not blogs.
            if ch == "rss" and rng.random() < 0.5:
                m = gen.make_alert(component, t)
                if m is not None:
                    roots.append(m)
                    continue
            m = gen.make_root(component, t, channel=ch)
            if m is not None:
                roots.append(m)
    roots += gen.brand_posts()
    for spec in HOSTILE:
        roots.append(gen.hostile(spec, ordinary_time(rng, spec.get("after"))))
    n_replies = round(len(roots) * REPLY_SHARE / (1 - REPLY_SHARE))
    replies = gen.add_replies(roots, n_replies, REFERENCE_TIME - timedelta(minutes=1))
    return sorted(roots + replies, key=lambda m: (m.time, m.seq))


def build_stream(
    gen: Generator,
    rng: random.Random,
    history: list[Mention],
    n_roots: int = 392,
    n_replies: int = 62,
) -> list[Mention]:
    out: list[Mention] = []
    t = REFERENCE_TIME + timedelta(seconds=6)
    hostile_at = set(rng.sample(range(20, n_roots), len(HOSTILE_STREAM)))
    hostile_specs = list(HOSTILE_STREAM)
    for i in range(n_roots):
        t += timedelta(seconds=rng.randint(14, 85))
        if i in hostile_at:
            out.append(gen.hostile(hostile_specs.pop(0), t))
            continue
        component = weighted(rng, STREAM_COMPONENTS)
        m = None
        ch = weighted(rng, COMPONENT_CHANNELS[component])
        if ch == "rss" and rng.random() < 0.4:
            m = gen.make_alert(component, t)
        m = m or gen.make_root(component, t, channel=ch)
        if m is not None:
            out.append(m)
    end = t
    # Replies in the stream answer posts from the history file (the demo gives stream
    # items fresh ids, so pointing at other stream items would break).
    candidates = [m for m in history if m.channel in REPLY_CHANNEL_SPLIT and not m.hostile]
    weights = [
        gen.reply_weight(m, end)
        * math.exp(-(REFERENCE_TIME - m.time).total_seconds() / (3 * 86400))
        for m in candidates
    ]
    made = 0
    while made < n_replies:
        parent = rng.choices(candidates, weights=weights)[0]
        rt = REFERENCE_TIME + timedelta(
            seconds=rng.uniform(10, (end - REFERENCE_TIME).total_seconds())
        )
        r = gen.make_reply(parent, rt.replace(microsecond=0), end)
        if r is not None:
            out.append(r)
            made += 1
    for m in out:
        m.stream = True
    return sorted(out, key=lambda m: (m.time, m.seq))


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


if __name__ == "__main__":
    sys.exit(main())
