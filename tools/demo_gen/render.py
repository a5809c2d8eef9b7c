"""Filling a text's {placeholders} and varying it so a recurring text reads fresh."""

from __future__ import annotations

import math
import random
import re
from datetime import datetime, timedelta

from demo_gen.basics import OUTAGE_END, OUTAGE_START, RELEASE_AT, V421_AT, V422_AT
from demo_gen.texts import WORDS

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


# {placeholder} -> the words it is drawn from
POOLS = {
    "feature": FEATURES,
    "phone": PHONES,
    "iphone": IPHONES,
    "os": OSES,
    "platform": PLATFORMS,
    "comp": COMPETITORS,
    "cal": CALENDARS,
    "city": EU_CITIES,
}


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
            if k in POOLS:
                return rng.choice(POOLS[k])
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
