"""The text banks the demo's posts are drawn from, read from tools/demo_corpus."""

from __future__ import annotations

from datetime import datetime

from demo_gen import corpus
from demo_gen.basics import B, L

# --------------------------------------------------------------------------------------
# People and companies
# --------------------------------------------------------------------------------------

WORDS = corpus.data("words")  # names, places, devices, phrases: see tools/demo_corpus

# country code -> (region custom field, language people there usually post in,
#                  phone template: each # is a random digit, mastodon instances they favour)
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


# Reddit posts: first line is the title.  An optional "r/sub|" prefix pins the subreddit;
# otherwise REDDIT_SUBS picks one by topic.
REDDIT_POST = corpus.bank("reddit_post", B)

REDDIT_LONG = corpus.bank("reddit_long", B)

REDDIT_COMMENT = corpus.bank("reddit_comment", L)

REDDIT_REPLY = corpus.bank("reddit_reply", L)


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
