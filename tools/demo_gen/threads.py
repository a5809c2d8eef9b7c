"""Threads: where a mention sits, who replies, when and with what."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from demo_gen.basics import WINDOW_START, ascii_fold
from demo_gen.people import to36
from demo_gen.picking import TextPicker
from demo_gen.render import EMOJI
from demo_gen.shape import REPLY_CHANNEL_SPLIT, TOPIC_SENTIMENT, weighted
from demo_gen.texts import (
    BRAND_REPLY,
    GH_COMMENT_STAFF,
    GH_COMMENT_USER,
    HN_COMMENT,
    HN_LONG,
    HN_REPLY,
    LANG_REPLY,
    REDDIT_COMMENT,
    REDDIT_REPLY,
    SHORT_REPLY,
)
from demo_gen.world import (
    EXT_THREAD_TITLES,
    HN_STAFF,
    LANG_SUBS,
    REDDIT_COMMENT_SUBS,
    REDDIT_SUB_BY_TOPIC,
    REPLY_SENTIMENT,
    Mention,
    family,
)


class Threads(TextPicker):
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
