"""The Generator: mentions of every kind, the brand's own posts, hostile ones, alerts."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

from demo_gen import corpus
from demo_gen.basics import OUTAGE_END, OUTAGE_START, PRICE_AT, RELEASE_AT, V421_AT
from demo_gen.render import NEWS_SITES
from demo_gen.shape import COMPONENT_TOPICS, TOPIC_SENTIMENT, gate_ok, weighted
from demo_gen.texts import BRAND_POSTS
from demo_gen.threads import Threads
from demo_gen.world import Mention

# A pasted debug log's lines, and the press's headlines and snippets by topic.
PRESS = corpus.data("press")


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
    msgs = PRESS["debug_log"]
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
    heads = PRESS["alert_heads"]
    snippets = PRESS["alert_snippets"]
    if topic not in heads:
        return None
    head = rng.choice(heads[topic])
    snip = rng.choice(snippets[topic])
    site = rng.choice(NEWS_SITES)
    return f"{head}\n\n{site} ... {snip} ...", site


class Generator(Threads):
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
