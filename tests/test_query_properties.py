"""The filter language, checked against a model: whatever is typed, the store shows
exactly the mentions a plain reading of the query picks, and a leading `-` leaves out
exactly what the same term without it would keep."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrm_tui.core.models import NEUTRAL_BAND, Channel, MentionRow, Status
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.service.inbox import Inbox
from tests.conftest import mention

# A small corpus whose every field a query can touch takes several values.
POSTS = [
    ("Sync is broken again, terrible", Channel.MASTODON, "kate@fosstodon.org", "Kate L"),
    ("I love the new sync, wonderful!", Channel.BLUESKY, "dana.bsky.social", "Dana"),
    ("Release notes for Tuesday", Channel.HACKERNEWS, "pg", None),
    ("Android app crashes on sync!!!", Channel.REDDIT, "droid_fan", "Droid Fan"),
    ("Great work on the android widget 🙃", Channel.GITHUB, "octocat", "Octo Cat"),
    ("Is the outage over? sync broken", Channel.MASTODON, "ops@hachyderm.io", "Ops Kate"),
    ("Pricing went up, not happy", Channel.BLUESKY, "kate.bsky.social", "Kate B"),
    ("sync sync sync", Channel.RSS, "blog.example", "Example Blog"),
]
VOCAB = ["sync", "syn", "broken", "android", "love", "release", "kate", "outage", "pri"]
PHRASES = ["sync is broken", "sync broken", "new sync", "on sync"]
CHANNELS = ["mast", "bsky", "hn", "reddit", "gh", "rss"]
SENTIMENTS = ["pos", "neu", "neg"]
AUTHORS = ["kate", "dana", "octo", "fan", "zed"]
STATES = ["open", "done", "read", "unread", "negative", "positive"]
LITERALS = ["!!!", "🙃", "?"]


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


def _label(compound: float) -> str:
    if compound >= NEUTRAL_BAND:
        return "positive"
    return "negative" if compound <= -NEUTRAL_BAND else "neutral"


def model(query: Query, row: MentionRow, text: str, name: str | None) -> bool:
    """The plain reading of a parsed query, for one mention."""
    words = _words(text)
    author = f"{row.author_handle} {name or ''}".lower()
    checks = [
        all(_has(words, w, prefix=True) for w in query.words),
        all(_has(words, p, prefix=False) for p in query.phrases),
        not any(_has(words, e, prefix=False) for e in query.excluded),
        all(lit in text for lit in query.literals),
        not any(lit in text for lit in query.not_literals),
        query.status is None or row.status is query.status,
        query.unread is None or row.is_read is not query.unread,
        not query.channels or row.channel in {c.value for c in query.channels},
        row.channel not in {c.value for c in query.not_channels},
        not query.sentiments or _label(row.compound) in {s.value for s in query.sentiments},
        _label(row.compound) not in {s.value for s in query.not_sentiments},
        all(a in author for a in query.authors),
        not any(a in author for a in query.not_authors),
    ]
    return all(checks)


def _list(values: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True).map(",".join)


TERMS = st.one_of(
    st.sampled_from(VOCAB),
    st.sampled_from(PHRASES).map(lambda p: f'"{p}"'),
    st.sampled_from(LITERALS),
    _list(CHANNELS).map(lambda v: f"ch:{v}"),
    _list(SENTIMENTS).map(lambda v: f"s:{v}"),
    st.sampled_from(AUTHORS).map(lambda v: f"from:{v}"),
    st.sampled_from(STATES).map(lambda v: f"is:{v}"),
)
QUERIES = st.lists(
    st.tuples(st.booleans(), TERMS).map(lambda t: ("-" if t[0] else "") + t[1]),
    min_size=1,
    max_size=4,
).map(" ".join)


@pytest.fixture
async def corpus(inbox: Inbox) -> dict[int, tuple[MentionRow, str, str | None]]:
    stored = await inbox.ingest(
        [
            mention(n, text, channel=channel, handle=handle, name=name)
            for n, (text, channel, handle, name) in enumerate(POSTS, 1)
        ]
    )
    ids = stored.stored
    await inbox.set_status(ids[::3], Status.DONE)
    await inbox.set_read(ids[::2], True)
    rows = await inbox.page_older(Query(), None, 100)
    by_id = {row.id: row for row in rows}
    return {
        mid: (by_id[mid], text, name)
        for mid, (text, _channel, _handle, name) in zip(ids, POSTS, strict=True)
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=QUERIES)
async def test_the_store_shows_what_the_query_says(
    inbox: Inbox, corpus: dict[int, tuple[MentionRow, str, str | None]], typed: str
) -> None:
    query = parse(typed)
    expected = {mid for mid, (row, text, name) in corpus.items() if model(query, row, text, name)}
    shown = {row.id for row in await inbox.page_older(query, None, 100)}
    assert shown == expected, typed
    assert await inbox.count(query) == len(expected), typed


@settings(max_examples=300, deadline=None)
@given(typed=st.text(max_size=40))
def test_anything_typed_parses_or_is_explained(typed: str) -> None:
    try:
        query = parse(typed)
    except QueryError as error:
        assert str(error)  # a message for people, never an empty one
        return
    for expression in (query.fts_match(), query.fts_excluded()):
        assert expression is None or expression.count('"') % 2 == 0


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(alphabet=st.sampled_from(list('ab -":*()^!🙃ch:s,is')), max_size=30))
async def test_no_typed_filter_makes_the_store_fail(
    inbox: Inbox, corpus: dict[int, tuple[MentionRow, str, str | None]], typed: str
) -> None:
    """FTS5 syntax, quotes and stray keys in any mix are searched, never an SQL error."""
    try:
        query = parse(typed)
    except QueryError:
        return
    await inbox.count(query)
    await inbox.page_older(query, None, 10)
