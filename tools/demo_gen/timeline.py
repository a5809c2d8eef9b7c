"""The fortnight's history and the live stream, in time order."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from demo_gen.basics import (
    OUTAGE_END,
    OUTAGE_START,
    PRICE_AT,
    REFERENCE_TIME,
    RELEASE_AT,
    WINDOW_START,
)
from demo_gen.generator import Generator
from demo_gen.shape import (
    COMPONENT_CHANNELS,
    COMPONENT_COUNTS,
    REPLY_CHANNEL_SPLIT,
    REPLY_SHARE,
    STREAM_COMPONENTS,
    minute_profile,
    weighted,
)
from demo_gen.texts import HOSTILE, HOSTILE_STREAM
from demo_gen.world import Mention

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
