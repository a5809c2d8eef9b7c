"""Each key of the filter language against a real database (SQLite, and PostgreSQL for
those marked both_engines): hashtags stored at
ingest (and for posts stored before), snoozed mentions left out of every list, and
the nearest match `n` / `N` ask the store for."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core import hashtags
from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionIn
from scrm_tui.core.priority import UNSCORED_RANK
from scrm_tui.core.query import parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import Database
from scrm_tui.store.schema import MIGRATIONS
from tests.conftest import NOW, fixed_clock, mention

NOW_MS = int(NOW.timestamp() * 1000)


async def texts(inbox: Inbox, typed: str) -> list[str]:
    """The snippets a filter lists, newest first (and its count agrees)."""
    query = parse(typed)
    rows = await inbox.page_older(query, None, 100)
    assert await inbox.count(query) == len(rows), typed
    return [row.snippet for row in rows]


async def sql(target: Path | str, statement: str, *params: object) -> None:
    """Write as other parts of the app (or other processes) do: directly, on the test's
    engine (a file, or a PostgreSQL database's URL)."""
    db = await Database.open(target)
    try:
        async with db.transaction() as conn:
            await conn.execute(statement, params)
    finally:
        await db.close()


# ---------------------------------------------------------------- hashtags


def test_hashtags_are_read_as_the_networks_read_them() -> None:
    text = (
        "#Kestrel rocks #kestrel, see https://x.example/a#anchor C# and #123; "
        "café#no but (#sync) and #同期 #snake_case"
    )
    assert hashtags.of(text) == ("kestrel", "sync", "同期", "snake_case")
    assert hashtags.of("plain text", ["#Outage", "bad tag", "#"]) == ("outage",)


@pytest.mark.both_engines
async def test_a_hashtag_finds_posts_that_carry_it_not_the_word(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "Loving #Kestrel today"),
            mention(2, "kestrel without any hashtag"),
            mention(3, "docs at https://kestrel.example/page#kestrel"),
            mention(4, "#kestrelapp is another tag"),
            mention(5, "#KESTREL shouting"),
        ]
    )
    assert await texts(inbox, "#kestrel") == ["Loving #Kestrel today", "#KESTREL shouting"]
    assert len(await texts(inbox, "kestrel")) == 5  # the word is still the word
    assert await texts(inbox, "-#kestrel #kestrelapp") == ["#kestrelapp is another tag"]


@pytest.mark.both_engines
async def test_id_lists_exactly_the_mentions_it_names(inbox: Inbox) -> None:
    """`id:N,M`: what a figure counting mentions no other key names opens."""
    stored = (await inbox.ingest([mention(n, f"post number {n}") for n in (1, 2, 3)])).stored
    first, second, third = stored
    assert await texts(inbox, f"id:{third},{first}") == ["post number 1", "post number 3"]
    assert await texts(inbox, f"id:{second}") == ["post number 2"]
    assert await texts(inbox, f'id:{first},{third} -"number 3"') == ["post number 1"]
    assert await texts(inbox, f"-id:{first}") == ["post number 2", "post number 3"]
    assert await texts(inbox, f"id:{max(stored) + 100}") == []  # none such: nothing
    many = ",".join(map(str, range(1, 5001)))  # thousands of ids: one parameter
    assert len(await texts(inbox, f"id:{many}")) == 3
    assert str(parse(f"id:{second},{first},{second}").root) == f"id:{second},{first}"


@pytest.mark.both_engines
async def test_a_hashtag_the_network_declares_counts_too(inbox: Inbox) -> None:
    declared = MentionIn(
        channel=Channel.BLUESKY,
        external_id="at://did:plc:x/app.bsky.feed.post/1",
        text="the sync is down again",  # the tag is in a facet, not the text
        created_at=NOW,
        author=AuthorIn(handle="kate.bsky.social"),
        hashtags=("Outage",),
    )
    await inbox.ingest([declared, mention(2, "an outage, no tag")])
    assert await texts(inbox, "#outage") == ["the sync is down again"]


async def test_posts_stored_before_hashtags_were_kept_get_theirs(tmp_path: Path) -> None:
    """A database from schema step 12 is migrated: its posts' hashtags are read from
    their text."""
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for step, statements in MIGRATIONS:
        if step > 12:
            break
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 12")
    conn.execute(
        "INSERT INTO authors (id, channel, handle, handle_key, profile_ms) "
        "VALUES (1, 'mastodon', 'kate', 'kate', 0)"
    )
    for n, text in enumerate(["old #Kestrel post", "no tag here", "two #a #b"], 1):
        conn.execute(
            "INSERT INTO mentions (id, channel, external_id, author_id, text, created_ms, "
            "ingested_ms, compound, pos, neu, neg) "
            "VALUES (?, 'mastodon', ?, 1, ?, ?, 0, 0, 0, 1, 0)",
            (n, str(n), text, NOW_MS - n * 60_000),
        )
        conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (?, ?)", (n, text))
    conn.commit()
    conn.close()
    async with await Inbox.open(db, "tester", fixed_clock) as inbox:
        assert await texts(inbox, "#kestrel") == ["old #Kestrel post"]
        assert await texts(inbox, "#a OR #b") == ["two #a #b"]


# ---------------------------------------------------------------- snoozed


@pytest.fixture
async def five(inbox: Inbox) -> AsyncIterator[list[int]]:
    stored = await inbox.ingest([mention(n, f"post {n} about sync") for n in range(1, 6)])
    yield stored.stored


@pytest.mark.both_engines
async def test_a_snoozed_mention_leaves_every_list_until_it_is_due(
    inbox: Inbox, five: list[int], target: Path | str
) -> None:
    later, earlier = five[1], five[3]
    await sql(target, "UPDATE mentions SET snoozed_until_ms = ? WHERE id = ?", NOW_MS + 1, later)
    await sql(target, "UPDATE mentions SET snoozed_until_ms = ? WHERE id = ?", NOW_MS, earlier)
    shown = {row.id for row in await inbox.page_older(parse(""), None, 10)}
    assert shown == set(five) - {later}  # due now (or past): back in the list
    assert await inbox.count(parse("")) == 4
    assert await inbox.count(parse("sync")) == 4
    assert later not in {r.id for r in await inbox.page_older(parse("sync"), None, 10)}
    assert (await inbox.stats()) == (4, 4)
    # ...also out of what a list takes in as arrivals, and counts of them.
    assert later not in {r.id for r in await inbox.arrivals(parse(""), 0, five[-1], 10)}
    assert (await inbox.tally(parse(""), 0, five[-1], []))[0] == 4
    # Naming is:snoozed lets them in: alone, or anywhere in the filter.
    assert [r.id for r in await inbox.page_older(parse("is:snoozed"), None, 10)] == [later]
    assert await inbox.count(parse("sync OR is:snoozed")) == 5
    assert await inbox.count(parse("-is:snoozed")) == 4


@pytest.mark.both_engines
async def test_snoozed_unread_mentions_are_not_counted_unread(
    inbox: Inbox, five: list[int], target: Path | str
) -> None:
    await inbox.set_read(five[:2], True)
    for mid in five[1:3]:  # one read, one unread
        await sql(target, "UPDATE mentions SET snoozed_until_ms = ? WHERE id = ?", NOW_MS + 9, mid)
    assert await inbox.stats() == (3, 2)


async def plan_of(inbox: Inbox, read: Callable[[], Awaitable[object]]) -> str:
    """SQLite's plan for the statement `read` runs, as one line."""
    seen: list[str] = []
    await inbox.db.reader.set_trace_callback(seen.append)
    await read()
    await inbox.db.reader.set_trace_callback(None)
    [statement] = [s for s in seen if "count(*)" in s]
    with contextlib.closing(sqlite3.connect(inbox.db.path)) as conn:
        return " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}"))


async def test_the_plain_count_leaves_out_the_snoozed_through_their_index(
    inbox: Inbox, five: list[int]
) -> None:
    """The empty filter's count and the header's figures (on every commit, in every
    inbox) read no mention row: the snoozed are counted through their partial index."""
    plan = await plan_of(inbox, lambda: inbox.count(parse("")))
    assert "SEARCH m USING COVERING INDEX mentions_snoozed" in plan, plan
    # The total is counted from an index too: no step reads the mention rows.
    steps = [step for step in plan.split(" | ") if step.startswith(("SCAN m", "SEARCH m"))]
    assert all("COVERING INDEX" in step for step in steps), plan
    # The snoozed this agent has read: from the few snoozed, not from all it has read.
    plan = await plan_of(inbox, inbox.stats)
    assert "SEARCH m USING COVERING INDEX mentions_snoozed" in plan, plan
    assert "SEARCH r USING PRIMARY KEY (mention_id=? AND agent=?)" in plan, plan


# ---------------------------------------------------------------- each key


@pytest.fixture
async def team(inbox: Inbox, target: Path | str) -> list[int]:
    """Six posts: customers, followers, tags, assignees, a claim and priorities."""
    await inbox.add_customers(
        [
            CustomerIn(
                name="Acme AB",
                tier="enterprise",
                identities=((Channel.MASTODON, "acme@example.social"),),
            ),
            CustomerIn(
                name="Kate Lindqvist", tier="pro", identities=((Channel.MASTODON, "kate@x.org"),)
            ),
        ]
    )
    posts = [
        mention(1, "one", handle="acme@example.social", followers=50_000),
        mention(2, "two", handle="kate@x.org", followers=120),
        mention(3, "three", handle="nobody@x.org", followers=None),
        mention(4, "four", handle="bot@x.org", followers=3, minutes_ago=60 * 30),
        mention(5, "five", handle="pg@x.org", followers=1000, minutes_ago=60 * 24 * 10),
        mention(6, "six", handle="old@x.org", followers=7, minutes_ago=60 * 24 * 40),
    ]
    ids = (await inbox.ingest(posts)).stored
    by = dict(zip(["one", "two", "three", "four", "five", "six"], ids, strict=True))
    for name, tags in {"one": ["billing"], "two": ["Billing", "vip"], "four": ["vip"]}.items():
        for tag in tags:
            await sql(
                target,
                "INSERT INTO mention_tags (mention_id, tag, added_ms) VALUES (?, ?, 0)",
                by[name],
                tag,
            )
    for name, agent in {"one": "tester", "two": "Dana", "three": "dana"}.items():
        await sql(target, "UPDATE mentions SET assignee = ? WHERE id = ?", agent, by[name])
    # The priority each row shows now (it falls with age: the rank is when it reaches 0);
    # five and six are not scored yet.
    for name, prio in {"one": 90, "two": 71, "three": 70, "four": 10}.items():
        await sql(
            target,
            "UPDATE mentions SET priority = ?, priority_rank = ? + ? * "
            "(SELECT ms_per_point FROM priority_weights) WHERE id = ?",
            prio,
            NOW_MS,
            prio,
            by[name],
        )
    for name in ("five", "six"):
        await sql(
            target,
            "UPDATE mentions SET priority = NULL, priority_base = NULL, priority_rank = ? "
            "WHERE id = ?",
            UNSCORED_RANK,
            by[name],
        )
    for name, age_s in {"one": 29, "five": 31}.items():
        await sql(
            target,
            "INSERT INTO claims (mention_id, agent, holder, kind, since_ms, heartbeat_ms) "
            "VALUES (?, 'dana', 'host:1:1', 'reply', ?, ?)",
            by[name],
            NOW_MS - 600_000,
            NOW_MS - age_s * 1000,
        )
    return ids


@pytest.mark.both_engines
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tag:billing", ["one", "two"]),
        ("tag:BILLING -tag:vip", ["one"]),
        ("tag:vip OR tag:none", ["two", "four"]),
        ("assignee:dana", ["two", "three"]),
        ("assignee:Tester", ["one"]),
        ("is:mine", ["one"]),
        ("-is:mine", ["two", "three", "four", "five", "six"]),
        ("is:unassigned", ["four", "five", "six"]),
        ("is:claimed", ["one"]),  # five's holder stopped beating 31 s ago
        ("-is:claimed", ["two", "three", "four", "five", "six"]),
        ("is:customer", ["one", "two"]),
        ("customer:acme", ["one"]),
        ('customer:"kate lind"', ["two"]),
        ("tier:Enterprise OR tier:pro", ["one", "two"]),
        ("tier:free", []),
        ("followers:>1000", ["one"]),
        ("followers:>=1k", ["one", "five"]),
        ("followers:<=120", ["two", "four", "six"]),
        ("followers:=3", ["four"]),
        ("-followers:>100", ["three", "four", "six"]),  # unknown followers: not > 100
        ("prio:>70", ["one", "two"]),
        ("prio:<=70", ["three", "four"]),
        ("-prio:>=70", ["four", "five", "six"]),  # not scored yet: not >= 70
        ("after:1d", ["one", "two", "three"]),
        ("before:1d", ["four", "five", "six"]),
        ("after:2w before:1d", ["four", "five"]),
        ("after:2026-11-10 before:2026-11-20T11:00", ["four", "five"]),
        ("after:2026-11-20T13:00+02:00", ["one", "two", "three"]),
        ("(is:mine OR tag:vip) followers:>100", ["one", "two"]),
    ],
)
async def test_each_key_lists_what_it_says(
    inbox: Inbox, team: list[int], typed: str, expected: list[str]
) -> None:
    assert await texts(inbox, typed) == expected


# ---------------------------------------------------------------- n / N


@pytest.mark.both_engines
async def test_the_next_match_is_the_nearest_in_the_list_that_also_matches(
    inbox: Inbox,
) -> None:
    stored = await inbox.ingest(
        [
            mention(n, f"n{n} {'sync' if n % 3 == 0 else 'other'}", channel=channel)
            for n in range(12)
            for channel in [Channel.HACKERNEWS if n % 2 == 0 else Channel.REDDIT]
        ]
    )
    rows = {r.snippet.split()[0]: r for r in await inbox.rows(stored.stored)}
    listed, search = parse("ch:hn"), parse("sync")  # hn: n0 n2 ... ; sync: n0 n3 n6 n9
    found = await inbox.next_match(listed, search, rows["n0"].sort_key, older=True)
    assert found is not None and found.snippet == "n6 sync"
    back = await inbox.next_match(listed, search, rows["n6"].sort_key, older=False)
    assert back is not None and back.snippet == "n0 sync"
    assert await inbox.next_match(listed, search, rows["n6"].sort_key, older=True) is None
    # Its place in the list: hn rows newer than n6 are n0 n2 n4.
    assert await inbox.position(listed, rows["n6"].sort_key) == 3


# ---------------------------------------------------------------- export


def test_export_writes_what_the_filter_matches_and_refuses_a_bad_one(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    lines = [
        {
            "channel": channel,
            "id": str(n),
            "text": text,
            "created_at": (NOW - timedelta(minutes=n)).isoformat(),
            "author": {"handle": f"user{n}", "followers": 10 * n},
        }
        for n, (text, channel) in enumerate(
            [
                ("sync broke #outage", "mastodon"),
                ("sync is fine", "bluesky"),
                ("an outage again", "hackernews"),
                ("nothing to see", "mastodon"),
            ]
        )
    ]

    def scrm(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scrm_tui", "--db", str(db), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=os.environ,
            timeout=60,
        )

    assert scrm("ingest", "-", stdin="\n".join(json.dumps(x) for x in lines)).returncode == 0
    result = scrm("export", "mentions", "--filter", "(sync OR outage) -ch:bsky")
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["text"] for x in result.stdout.splitlines()] == [
        "an outage again",
        "sync broke #outage",
    ]
    assert "2 mentions exported" in result.stderr
    tagged = scrm("export", "mentions", "--format", "csv", "--filter", "#outage followers:<5")
    assert tagged.returncode == 0 and len(tagged.stdout.splitlines()) == 2  # header + 1
    bad = scrm("export", "mentions", "--filter", "sync OR (outage")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == (
        "scrm: bad --filter at column 9: unbalanced '(': no ')' closes it\n"
        "  sync OR (outage\n"
        "          ^\n"
    )
    assert "Traceback" not in scrm("export", "mentions", "--filter", "prio:>200").stderr
