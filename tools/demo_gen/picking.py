"""Choosing a text for a mention and making a thread's first post (the Generator's base)."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime

from demo_gen.basics import REFERENCE_TIME
from demo_gen.render import NEWS_SITES, Renderer, vary
from demo_gen.shape import (
    COMPONENT_CHANNELS,
    COMPONENT_TOPICS,
    KIND_WEIGHTS,
    LANG_HOURS,
    LANG_WEIGHTS,
    NON_EN,
    TOPIC_SENTIMENT,
    gate_ok,
    split_tag,
    weighted,
)
from demo_gen.texts import (
    GH_COMMENT_USER,
    GH_ISSUE,
    HN_COMMENT,
    HN_LONG,
    HN_STORY,
    LANG,
    LANG_LONG,
    REDDIT_COMMENT,
    REDDIT_LONG,
    REDDIT_POST,
    RSS,
    RSS_LONG,
    SHORT,
)
from demo_gen.world import HN_CONTEXT, REDDIT_CONTEXT, Mention, World


class TextPicker:
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
