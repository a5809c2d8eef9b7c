"""One ingested batch (duplicates, replies before and after their parents, every mood, a
customer's posts, a competitor's and a feed's) keeps every table the inserts' triggers
keep exactly as a plain recompute over the rows says: the counts, the hourly rollups, the
author days, the customers' moods, advocacy's standing and slots, the replies."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scrm_tui.core.domains import ProfileLink
from scrm_tui.core.models import Channel, CustomerIn, MentionIn
from scrm_tui.service.inbox import Inbox
from tests.conftest import mention
from tests.support import plain

# PostgreSQL's triggers run per statement, SQLite's per row: the same tables either way.
pytestmark = pytest.mark.both_engines

Row = tuple[Any, ...]
CUSTOMER = "ada@example.social"
TEXTS = {
    "pos": "Kestrel is great, I love it",
    "neu": "Kestrel has a release on Tuesday",
    "neg": "Kestrel lost my data again, terrible",
    "asks": "How do I export a board in Kestrel?",
}


def _post(n: int, mood: str, **kw: Any) -> MentionIn:
    if mood == "unscored":  # a language no scorer reads
        return replace(mention(n, "Kestrelはとても良いです", **kw), lang="ja")
    return mention(n, TEXTS[mood], **kw)


def batch() -> list[MentionIn]:
    """Every mood, replies to posts stored before, later in the batch and earlier in it,
    a post twice, a customer's posts, a competitor's post and a feed's, over 3 days."""
    posts = [
        _post(10, "pos", minutes_ago=30, in_reply_to="mastodon-12"),  # its parent: later
        _post(11, "neu", minutes_ago=90, handle=CUSTOMER),
        _post(12, "asks", minutes_ago=100),
        _post(13, "neg", minutes_ago=200, handle=CUSTOMER, in_reply_to="mastodon-1"),
        _post(14, "unscored", minutes_ago=1500, in_reply_to="mastodon-2"),
        _post(15, "pos", minutes_ago=3000, handle=CUSTOMER, in_reply_to="mastodon-11"),
        _post(16, "neg", minutes_ago=20, in_reply_to="mastodon-404"),  # never stored
        replace(_post(17, "pos", minutes_ago=40), watch_set="rival"),
        _post(18, "pos", minutes_ago=41, channel=Channel.RSS),
        _post(19, "pos", minutes_ago=45, handle="user3@example.social"),
        _post(20, "pos", minutes_ago=46, handle="user3@example.social"),
        _post(21, "neg", minutes_ago=47, handle="user4@example.social"),
        _post(22, "neg", minutes_ago=48, handle="user4@example.social"),
        _post(12, "asks", minutes_ago=100),  # twice in the batch
        _post(1, "neg", minutes_ago=5),  # stored before
    ]
    return posts


def _hour(ms: int) -> int:
    return ms // 3_600_000


def _mood(compound: float | None) -> str:
    if compound is None:
        return "unscored"
    return "pos" if compound >= 0.05 else "neg" if compound <= -0.05 else "neu"


def _half_away(x: float) -> int:
    """SQLite's round() and PostgreSQL's for these values: halves away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def expected(target: str | Path) -> dict[str, list[Row]]:
    """Each kept table recomputed in Python from the mentions, authors and slots."""
    mentions = plain.rows(
        target,
        "SELECT id, channel, external_id, author_id, text, created_ms, ingested_ms, "
        "in_reply_to, compound, points, watch_set, snoozed_until_ms, first_response_ms, "
        "status FROM mentions ORDER BY id",
    )
    customer_of = dict(plain.rows(target, "SELECT id, customer_id FROM authors"))
    slots = plain.rows(target, "SELECT slot, lo, hi, t0_ms, half_life_ms FROM advocacy_slots")
    hours: dict[Row, Counter[str]] = defaultdict(Counter)
    days: set[Row] = set()
    moods: list[Row] = []
    standing: dict[Row, list[Any]] = {}
    replies: list[Row] = []
    by_key = {(m[1], m[2]): m for m in mentions}
    for (
        i,
        ch,
        _ext,
        author,
        _text,
        created,
        ingested,
        to,
        c,
        points,
        ws,
        _,
        answered,
        st,
    ) in mentions:
        key = (ws or "", _hour(created), ch)
        hours[key].update({"n": 1, _mood(c): 1, "points": points or 0})
        days.add((ws or "", created // 86_400_000, author))
        if customer_of[author] is not None and c is not None and not ws:
            waiting = ingested if answered is None and st == "open" else None
            moods.append((customer_of[author], created, i, c, waiting))
        if c is not None and ws is None and ch != "rss":
            for slot, lo, hi, t0, half in slots:
                if lo <= created < hi:
                    s = standing.setdefault((slot, author), [0, 0, 0, 0, 0.0])
                    s[0] += c >= 0.05
                    s[1] += c <= -0.05
                    s[2] += 1
                    s[3] += _half_away(c * 10000)
                    s[4] += 2.0 ** ((created - t0) / half) if c >= 0.05 else 0.0
        if to is not None:
            p = by_key.get((ch, to))
            asks = p is not None and ((p[8] is not None and p[8] <= -0.05) or "?" in p[4])
            replies.append(
                (i, created, author, ch, to, c, int(ws is None and ch != "rss"))
                + ((p[0], p[3]) if p else (None, None))
                + (int(asks),)
            )
    totals = (len(mentions), sum(m[11] is not None for m in mentions))
    counts: dict[int, list[int]] = {slot: [0, 0, 0] for slot, *_ in slots}
    for (slot, _), (pos, neg, scored, tone, _) in standing.items():
        counts[slot][0] += scored > 0
        counts[slot][1] += pos >= 2 and neg == 0
        counts[slot][2] += neg >= 1 and tone < -500 * scored
    parts = ("n", "pos", "neu", "neg", "unscored", "points")
    return {
        "mention_counts": [totals],
        "mention_hours": sorted(k + tuple(v[p] for p in parts) for k, v in hours.items()),
        "author_days": sorted(days),
        "customer_moods": sorted(moods),
        "advocacy_standing": sorted(
            k + tuple(v) + (customer_of[k[1]],) for k, v in standing.items()
        ),
        "advocacy_slots": sorted((slot, *c) for slot, c in counts.items()),
        "advocacy_replies": sorted(replies),
    }


def kept(target: str | Path) -> dict[str, list[Row]]:
    """What the database keeps, in the same shapes."""
    queries = {
        "mention_counts": "SELECT total, snoozed FROM mention_counts",
        "mention_hours": "SELECT watch_set, hour, channel, n, pos, neu, neg, unscored, "
        "points FROM mention_hours WHERE n > 0",
        "author_days": "SELECT watch_set, day, author_id FROM author_days",
        "customer_moods": "SELECT customer_id, created_ms, mention_id, compound, waiting_ms "
        "FROM customer_moods",
        "advocacy_standing": "SELECT slot, author_id, pos, neg, scored, tone, points, "
        "customer_id FROM advocacy_standing WHERE scored > 0",
        "advocacy_slots": "SELECT slot, voices, promoters, detractors FROM advocacy_slots",
        "advocacy_replies": "SELECT id, created_ms, author_id, channel, in_reply_to, "
        "compound, brand, parent_id, parent_author, parent_asks FROM advocacy_replies",
    }
    return {name: sorted(plain.rows(target, sql)) for name, sql in queries.items()}


def assert_kept_true(target: str | Path) -> None:
    want, got = expected(target), kept(target)
    # Points are sums of powers of two's fractions: added in another order, the last
    # bit may differ.
    for table in ("advocacy_standing",):
        assert len(got[table]) == len(want[table])
        for g, w in zip(got.pop(table), want.pop(table), strict=True):
            assert g[:6] + g[7:] == w[:6] + w[7:] and g[6] == pytest.approx(w[6], rel=1e-12)
    assert got == want


async def test_a_batch_keeps_every_table_its_inserts_keep(inbox: Inbox, target: str | Path) -> None:
    linked = await inbox.add_customers(
        [CustomerIn("Ada", identities=((Channel.MASTODON, CUSTOMER),))]
    )
    earlier = [_post(1, "asks", minutes_ago=300), _post(2, "pos", minutes_ago=2000)]
    earlier.append(_post(3, "neu", minutes_ago=60, handle=CUSTOMER))
    assert len((await inbox.ingest(earlier)).stored) == 3
    result = await inbox.ingest(batch())
    assert (len(result.stored), result.duplicates) == (13, 2)
    assert_kept_true(target)
    # What the batch shows: each kind of row it should have made is there.
    got = kept(target)
    assert {r[0] for r in got["customer_moods"]} == set(linked.ids)
    assert {r[0] for r in got["mention_hours"]} == {"", "rival"}
    assert {r[4] for r in got["advocacy_replies"] if r[7] is not None} == {
        "mastodon-1", "mastodon-2", "mastodon-11", "mastodon-12",
    }  # fmt: skip
    assert sum(r[7] for r in got["mention_hours"]) == 1  # the one unscored post
    assert any(r[2] for r in got["advocacy_slots"]) and any(r[3] for r in got["advocacy_slots"])
    # A second batch adds to what the first kept, and its newest posts change the
    # profiles of five authors (one's followers not given: the known count stays).
    more = [_post(30 + n, ("pos", "neg", "neu")[n % 3], minutes_ago=n * 7) for n in range(40)]
    renamed = {k: (f"Renamed {k}", None if k == 14 else 100 + k) for k in (1, 2, 10, 12, 14)}
    for k, (name, followers) in renamed.items():
        handle = f"user{k}@example.social"
        more.append(mention(80 + k, minutes_ago=0.5, handle=handle, name=name, followers=followers))
    # A link the network proved puts its author back in the matcher's backlog (matched
    # again after the batch); one it did not prove leaves it where it was.
    links = {1: ProfileLink("https://one.example", True), 2: ProfileLink("https://two.example")}
    for i, item in enumerate(more):
        k = int(item.external_id.rsplit("-", 1)[1]) - 80
        if k in links:
            more[i] = replace(item, author=replace(item.author, links=(links[k],)))
    plain.write_at_once(target, "UPDATE authors SET matched_ms = 1")
    assert len((await inbox.ingest([*more, *batch()])).stored) == 45
    rematched = plain.rows(
        target,
        "SELECT handle FROM authors WHERE display_name LIKE 'Renamed%' AND matched_ms != 1",
    )
    assert rematched == [("user1@example.social",)]  # and matched again since
    assert_kept_true(target)
    profiles = plain.rows(
        target,
        "SELECT handle, display_name, followers FROM authors WHERE display_name LIKE 'Renamed%'",
    )
    assert sorted(profiles) == sorted(
        (f"user{k}@example.social", name, 10 if followers is None else followers)
        for k, (name, followers) in renamed.items()
    )
