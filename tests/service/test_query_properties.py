"""The filter language, checked against a model: whatever is typed (words, keys, OR,
parentheses, `-`), the store shows exactly the mentions a plain reading of the parsed
query picks, and a snoozed mention only when the filter names is:snoozed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrm_tui.core import query_terms as t
from scrm_tui.core.models import NEUTRAL_BAND, Channel, CustomerIn, MentionRow, Status
from scrm_tui.core.priority import UNSCORED_RANK
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, mention
from tests.support import plain

NOW_MS = int(NOW.timestamp() * 1000)

pytestmark = pytest.mark.both_engines  # the filter language reads the same on each engine


@dataclass(frozen=True)
class Post:
    """One mention and everything a filter can ask of it, set by hand."""

    text: str
    channel: Channel
    handle: str
    name: str | None
    hashtags: frozenset[str] = frozenset()
    followers: int | None = None
    tags: tuple[str, ...] = ()
    assignee: str | None = None
    claim_age_s: int | None = None  # seconds since the claim's last heartbeat
    snoozed_for_s: int | None = None  # until now + this (negative: already due)
    priority: int | None = None


# A small corpus whose every field a query can touch takes several values.
POSTS = [
    Post(
        "Sync is broken again, terrible #Kestrel",
        Channel.MASTODON,
        "kate@fosstodon.org",
        "Kate L",
        frozenset({"kestrel"}),
        followers=1500,
        tags=("billing",),
        assignee="tester",
        priority=80,
    ),
    Post(
        "I love the new sync, wonderful! #sync #kestrel",
        Channel.BLUESKY,
        "dana.bsky.social",
        "Dana",
        frozenset({"sync", "kestrel"}),
        followers=40,
        assignee="Dana",
        claim_age_s=5,
    ),
    Post(
        "Release notes for Tuesday kestrel",
        Channel.HACKERNEWS,
        "pg",
        None,
        tags=("Billing", "urgent"),
        claim_age_s=90,
        priority=30,
    ),
    Post(
        "Android app crashes on sync!!! #android",
        Channel.REDDIT,
        "droid_fan",
        "Droid Fan",
        frozenset({"android"}),
        followers=10,
        snoozed_for_s=3600,
        priority=100,
    ),
    Post(
        "Great work on the android widget 🙃 page#sync",
        Channel.GITHUB,
        "octocat",
        "Octo Cat",
        followers=100_000,
        tags=("urgent",),
        assignee="dana",
        snoozed_for_s=-3600,
        priority=50,
    ),
    Post(
        "Is the outage over? sync broken",
        Channel.MASTODON,
        "ops@hachyderm.io",
        "Ops Kate",
        followers=0,
        priority=71,
    ),
    Post("Pricing went up, not happy", Channel.BLUESKY, "kate.bsky.social", "Kate B"),
    Post("sync sync sync", Channel.RSS, "blog.example", "Example Blog", followers=1000),
]
CUSTOMERS = {  # handle -> (customer name, tier)
    "kate@fosstodon.org": ("Kate Lindqvist", "pro"),
    "octocat": ("Acme AB", "Enterprise"),
}
VOCAB = ["sync", "syn", "broken", "android", "love", "release", "kate", "outage", "pri", "or"]
PHRASES = ["sync is broken", "sync broken", "new sync", "on sync"]
CHANNELS = ["mast", "bsky", "hn", "reddit", "gh", "rss"]
SENTIMENTS = ["pos", "neu", "neg"]
AUTHORS = ["kate", "dana", "octo", "fan", "zed"]
STATES = [
    "open",
    "done",
    "read",
    "unread",
    "negative",
    "positive",
    "mine",
    "unassigned",
    "claimed",
    "snoozed",
    "customer",
]
LITERALS = ["!!!", "🙃", "?"]
HASHTAGS = ["#kestrel", "#Sync", "#android", "#none"]
TAGS = ["billing", "URGENT", "none"]
ASSIGNEES = ["dana", "tester", "zed"]
CUSTOMER_NAMES = ["kate", "acme ab", "zzz"]
TIERS = ["pro", "enterprise", "free"]
FOLLOWERS = [">100", "<=40", "=10", ">=1k", "<1.5k"]
PRIORITIES = [">70", "<50", "=100", ">=0"]
# The posts are 1 to 8 minutes old (NOW is 12:00 UTC).
MOMENTS = ["3m", "6m", "1h", "2026-11-20T11:55", "2026-11-20T11:55:30Z"]


def _words(text: str) -> list[str]:
    """FTS5's unicode61 tokens, diacritics removed, case folded."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


def _has(words: list[str], phrase: str, *, prefix: bool) -> bool:
    wanted = _words(phrase)
    for i in range(len(words) - len(wanted) + 1):
        window = words[i : i + len(wanted)]
        if window[:-1] == wanted[:-1] and (
            window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]
        ):
            return True
    return False


def _label(compound: float | None) -> str:
    if compound is None:
        return "unscored"  # no scorer reads its language: in no s: value but s:unscored
    if compound >= NEUTRAL_BAND:
        return "positive"
    return "negative" if compound <= -NEUTRAL_BAND else "neutral"


_OPS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
}


def model(node: t.Node, row: MentionRow, post: Post) -> bool:
    """The plain reading of one parsed term, for one mention."""
    customer = CUSTOMERS.get(post.handle)
    match node:
        case t.And(parts):
            return all(model(part, row, post) for part in parts)
        case t.Or(parts):
            return any(model(part, row, post) for part in parts)
        case t.Not(part):
            return not model(part, row, post)
        case t.Word(text):
            return _has(_words(post.text), text, prefix=True)
        case t.Phrase(text):
            return _has(_words(post.text), text, prefix=False)
        case t.Literal(text):
            return text in post.text
        case t.Hashtag(tag):
            return tag in post.hashtags
        case t.StatusIs(status):
            return row.status is status
        case t.Unread():
            return not row.is_read
        case t.InChannels(channels):
            return row.channel in {c.value for c in channels}
        case t.SentimentIs(labels):
            return _label(row.compound) in {s.value for s in labels}
        case t.From(text):
            return text in f"{post.handle} {post.name or ''}".lower()
        case t.Tagged(tag):
            return tag.lower() in {t.lower() for t in post.tags}
        case t.AssignedTo(agent):
            return post.assignee is not None and post.assignee.lower() == agent.lower()
        case t.Mine():
            return post.assignee == "tester"
        case t.Unassigned():
            return post.assignee is None
        case t.Claimed():
            return post.claim_age_s is not None and post.claim_age_s <= 30
        case t.Snoozed():
            return post.snoozed_for_s is not None and post.snoozed_for_s > 0
        case t.IsCustomer():
            return customer is not None
        case t.CustomerNamed(text):
            return customer is not None and text.lower() in customer[0].lower()
        case t.TierIs(tier):
            return customer is not None and customer[1].lower() == tier
        case t.Followers(op, value):
            return post.followers is not None and _OPS[op](post.followers, value)
        case t.Priority(op, value):
            return post.priority is not None and _OPS[op](post.priority, value)
        case t.Created():
            moment = node.moment_ms(NOW_MS)
            return row.created_ms >= moment if node.after else row.created_ms < moment
    raise AssertionError(f"the model has no reading for {node!r}")


def listed(typed: str, query: Query, row: MentionRow, post: Post) -> bool:
    """Whether the list for `typed` shows the mention: it matches, and it is awake
    unless the filter names is:snoozed."""
    awake = not (post.snoozed_for_s is not None and post.snoozed_for_s > 0)
    return (awake or "is:snoozed" in typed) and (query.root is None or model(query.root, row, post))


def _list(values: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True).map(",".join)


TERMS = st.one_of(
    st.sampled_from(VOCAB),
    st.sampled_from(PHRASES).map(lambda p: f'"{p}"'),
    st.sampled_from(LITERALS),
    st.sampled_from(HASHTAGS),
    _list(CHANNELS).map(lambda v: f"ch:{v}"),
    _list(SENTIMENTS).map(lambda v: f"s:{v}"),
    st.sampled_from(AUTHORS).map(lambda v: f"from:{v}"),
    st.sampled_from(STATES).map(lambda v: f"is:{v}"),
    st.sampled_from(TAGS).map(lambda v: f"tag:{v}"),
    st.sampled_from(ASSIGNEES).map(lambda v: f"assignee:{v}"),
    st.sampled_from(CUSTOMER_NAMES).map(lambda v: f'customer:"{v}"'),
    st.sampled_from(TIERS).map(lambda v: f"tier:{v}"),
    st.sampled_from(FOLLOWERS).map(lambda v: f"followers:{v}"),
    st.sampled_from(PRIORITIES).map(lambda v: f"prio:{v}"),
    st.tuples(st.sampled_from(["after", "before"]), st.sampled_from(MOMENTS)).map(":".join),
)
LEAVES = st.tuples(st.booleans(), TERMS).map(lambda t: ("-" if t[0] else "") + t[1])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(" ".join),
        st.lists(inner, min_size=2, max_size=3).map(" OR ".join),
        inner.map(lambda q: f"({q})"),
        inner.map(lambda q: f"-({q})"),
    )


QUERIES = st.recursive(LEAVES, _grow, max_leaves=6)


@pytest.fixture
async def corpus(inbox: Inbox) -> dict[int, tuple[MentionRow, Post]]:
    await inbox.add_customers(
        [
            CustomerIn(name=name, tier=tier, identities=((post.channel, post.handle),))
            for post in POSTS
            if post.handle in CUSTOMERS
            for name, tier in [CUSTOMERS[post.handle]]
        ]
    )
    stored = await inbox.ingest(
        [
            mention(
                n,
                post.text,
                channel=post.channel,
                handle=post.handle,
                name=post.name,
                followers=post.followers,
            )
            for n, post in enumerate(POSTS, 1)
        ]
    )
    ids = stored.stored
    await inbox.set_status(ids[::3], Status.DONE)
    await inbox.set_read(ids[::2], True)
    # What other parts of the app write (assignment, tags, claims, snooze, priority),
    # set directly.
    with plain.connect(inbox.db.target) as conn:
        for mid, post in zip(ids, POSTS, strict=True):
            # The priority shown now is post.priority: the rank is when it falls to 0.
            conn.execute(
                "UPDATE mentions SET assignee = ?, priority = ?, snoozed_until_ms = ?, "
                "priority_rank = coalesce(? + ? * (SELECT ms_per_point FROM priority_weights), ?) "
                "WHERE id = ?",
                (
                    post.assignee,
                    post.priority,
                    None if post.snoozed_for_s is None else NOW_MS + post.snoozed_for_s * 1000,
                    NOW_MS,
                    post.priority,
                    UNSCORED_RANK,
                    mid,
                ),
            )
            for tag in post.tags:
                conn.execute(
                    "INSERT INTO mention_tags (mention_id, tag, added_ms) VALUES (?, ?, 0)",
                    (mid, tag),
                )
            if post.claim_age_s is not None:
                beat = NOW_MS - post.claim_age_s * 1000
                conn.execute(
                    "INSERT INTO claims (mention_id, agent, holder, kind, since_ms, heartbeat_ms)"
                    " VALUES (?, 'dana', 'host:1:1', 'reply', ?, ?)",
                    (mid, beat, beat),
                )
    rows = {row.id: row for row in await inbox.rows(ids)}
    assert {rows[mid].customer_name for mid in ids} == {None, "Kate Lindqvist", "Acme AB"}
    return {mid: (rows[mid], post) for mid, post in zip(ids, POSTS, strict=True)}


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=QUERIES)
async def test_the_store_shows_what_the_query_says(
    inbox: Inbox, corpus: dict[int, tuple[MentionRow, Post]], typed: str
) -> None:
    query = parse(typed)
    expected = {mid for mid, (row, post) in corpus.items() if listed(typed, query, row, post)}
    shown = {row.id for row in await inbox.page_older(query, None, 100)}
    assert shown == expected, f"{typed}  →  {query.root}"
    assert await inbox.count(query) == len(expected), typed
    # What a list takes in as arrivals is asked another way (per new row): the same.
    newest = await inbox.max_id()
    assert {row.id for row in await inbox.arrivals(query, 0, newest, 100)} == expected, typed
    assert (await inbox.tally(query, 0, newest, []))[0] == len(expected), typed


async def test_the_model_sees_every_kind_of_post(
    inbox: Inbox, corpus: dict[int, tuple[MentionRow, Post]]
) -> None:
    """The corpus is rich enough: each key keeps some posts and leaves out others."""
    for typed in [
        "#kestrel",
        "tag:billing",
        "assignee:dana",
        "is:mine",
        "is:claimed",
        "is:customer",
        "tier:pro",
        "followers:>100",
        "prio:>70",
        "after:3m",
        "sync OR android",
    ]:
        count = await inbox.count(parse(typed))
        assert 0 < count < len(POSTS) - 1, typed


@settings(max_examples=300, deadline=None)
@given(typed=st.text(max_size=40))
def test_anything_typed_parses_or_is_explained(typed: str) -> None:
    try:
        query = parse(typed)
    except QueryError as error:
        assert str(error)  # a message for people, never an empty one
        assert 0 <= error.position < max(len(typed), 1)  # pointing inside what was typed
        return
    for expression in (query.fts_match(), query.fts_excluded()):
        assert expression is None or expression.count('"') % 2 == 0


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(alphabet=st.sampled_from(list('ab -":*()^!🙃ch:s,isOR#')), max_size=30))
async def test_no_typed_filter_makes_the_store_fail(
    inbox: Inbox, corpus: dict[int, tuple[MentionRow, Post]], typed: str
) -> None:
    """FTS5 syntax, quotes, parentheses and stray keys in any mix are searched or
    explained, never an SQL error."""
    try:
        query = parse(typed)
    except QueryError:
        return
    await inbox.count(query)
    await inbox.page_older(query, None, 10)
