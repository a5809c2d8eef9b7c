"""The shape of the fortnight: topics, sentiment, volumes, daily rhythm and gates."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta

from demo_gen.basics import OUTAGE_END, OUTAGE_START, PRICE_AT, RELEASE_AT, V421_AT, V422_AT

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
