"""A database for the dashboard's bench: mentions spread over 120 days, customers, answers
and escalations, written in bulk in a few minutes.

Used by bench/dashboard_bench.py. The mentions are the demo corpus's texts (so the
rising terms count real words) posted by Zipf-distributed authors over the 120 days
before the seed was made, each with a sentiment (1 in 25 unscored, as a language no
scorer reads), Hacker News points and Reddit scores. A third of the authors are linked
(confirmed) to one of the customers. About one mention in 17 replies to a recent post
on its network by someone else, and a third of the replies to a reply come from the
first post's author (advocacy's answers and thanks). About a third of the mentions are
answered by one of 20 agents (a sent reply in the outbox, the mention's first response
time set), one in a hundred is escalated (a fifth of those still open). The tables are written in
bulk through sqlite3 with the schema's triggers on, so the hourly rollups, the counts
and the change marks are what the app would have left; the full-text index and the
hashtags are written as the store writes them. Then `scrm catch-up` indexes the
customers, as a user's are once the backlog is worked off, so no background job runs
while the bench measures.
"""

from __future__ import annotations

import asyncio
import math
import random
import sqlite3
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from bench.team_seed import corpus_texts
from scrm_tui.core import hashtags
from scrm_tui.store.db import Database
from scrm_tui.store.schema import FTS_TEXT

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
SPAN_DAYS = 120
AGENTS = 20
CHANNELS = ("mastodon", "bluesky", "reddit", "hackernews", "github", "rss")
CHANNEL_WEIGHTS = (27, 25, 19, 13, 9, 8)
NO_FOLLOWERS = ("hackernews", "rss")  # networks that give no follower count
ANSWERED = 0.35
ESCALATED = 0.01
REPLIES = 0.08  # drawn as replies to one of the last REPLY_WINDOW posts on the network
REPLY_WINDOW = 50
THANKS = 0.3  # of the replies to a reply, by the first post's author
# Part of the cache's name: a seed made by an older version of this file is not reused.
VERSION = 3
BATCH = 20_000


def _customers(conn: sqlite3.Connection, count: int, now_ms: int) -> None:
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO customers (external_id, name, email, company, tier, lifetime_value, "
        "created_ms, updated_ms) SELECT 'dash-' || i, 'Customer ' || i, "
        "'customer' || i || '@dash.example', 'Company ' || (i % 997), "
        "CASE i % 10 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' ELSE 'standard' END, "
        "(i * 7919) % 20000 + 50, ?, ? FROM n",
        (count, now_ms, now_ms),
    )


def _authors(conn: sqlite3.Connection, count: int, customers: int, now_ms: int) -> list[str]:
    """`count` authors, a third of them linked (confirmed) to a customer; their channels."""
    rng = random.Random(3)
    channels = rng.choices(CHANNELS, CHANNEL_WEIGHTS, k=count)
    rows = []
    for i, channel in enumerate(channels, start=1):
        handle = f"fan{i}"
        followers = None if channel in NO_FOLLOWERS else int(rng.paretovariate(1.2) * 40)
        linked = i % 3 == 0
        rows.append(
            (
                channel,
                handle,
                handle,
                f"Fan {i}",
                followers,
                (i // 3 - 1) % customers + 1 if linked else None,
                "confirmed" if linked else None,
                1.0 if linked else None,
                now_ms,
                now_ms,
            )
        )
    conn.executemany(
        "INSERT INTO authors (channel, handle, handle_key, display_name, followers, "
        "customer_id, match_state, match_score, profile_ms, matched_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return channels


def _mentions(size: int, authors: int, channels: list[str], end_ms: int) -> Iterator[tuple]:
    """(channel, external_id, author_id, text, created, ingested, compound, points,
    lang, first_response, agent, in_reply_to) in the order they were posted."""
    rng = random.Random(7)
    texts = corpus_texts()
    start_ms = end_ms - SPAN_DAYS * DAY_MS
    times = sorted(rng.randrange(start_ms, end_ms) for _ in range(size))
    # The last posts on each network, (external id, author, the author it replied to),
    # for replies: advocacy's answers to others and the thanks for them.
    recent: dict[str, deque[tuple[str, int, int | None]]] = {}
    for i, created in enumerate(times):
        # Half the mentions from a long tail, half from Zipf-distributed regulars.
        if rng.random() < 0.5:
            who = rng.randrange(authors)
        else:
            who = min(int(rng.paretovariate(1.1)) - 1, authors - 1)
        channel = channels[who]
        last = recent.setdefault(channel, deque(maxlen=REPLY_WINDOW))
        in_reply_to = None
        if last and channel != "rss" and rng.random() < REPLIES:
            parent, parent_author, replied_to = rng.choice(last)
            if replied_to is not None and rng.random() < THANKS:
                who = replied_to - 1  # the asker answers the answer: a thank-you
            if parent_author != who + 1:
                in_reply_to = parent
        last.append((f"d{i}", who + 1, None if in_reply_to is None else parent_author))
        unscored = rng.random() < 0.04
        compound = None if unscored else round(rng.uniform(-1, 1), 4)
        points = rng.randrange(1, 400) if channel in ("hackernews", "reddit") else None
        ingested = created + rng.randrange(5_000, 600_000)
        answered = None
        agent = None
        if rng.random() < ANSWERED:
            # Minutes to days, median about an hour.
            at = ingested + int(math.exp(rng.gauss(math.log(3_600_000), 1.3)))
            if at < end_ms:
                answered = at
                agent = f"agent{rng.randrange(AGENTS)}"
        yield (
            channel,
            f"d{i}",
            who + 1,
            rng.choice(texts),
            created,
            ingested,
            compound,
            points,
            "de" if unscored else "en",
            answered,
            agent,
            in_reply_to,
        )


def seed(db: Path, size: int, customers: int) -> float:
    """The database (see the module's docstring); seconds taken."""
    started = time.perf_counter()
    asyncio.run(_migrate(db))
    end_ms = int(time.time() * 1000) // HOUR_MS * HOUR_MS
    authors = max(size // 4, 1000)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        _customers(conn, customers, end_ms)
        channels = _authors(conn, authors, customers, end_ms)
    tags_of: dict[str, tuple[str, ...]] = {}
    outbox = 0
    batch: list[tuple] = []
    for row in _mentions(size, authors, channels, end_ms):
        batch.append(row)
        if len(batch) == BATCH:
            outbox = _store(conn, batch, tags_of, outbox)
            batch = []
    _store(conn, batch, tags_of, outbox)
    with conn:
        conn.execute(f"INSERT INTO mentions_fts (rowid, text) SELECT id, {FTS_TEXT} FROM mentions")
        _escalations(conn, end_ms)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    # The customers indexed for matching, as a user's are once the backlog is done.
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "catch-up", "--quiet"], check=True
    )
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


async def _migrate(db: Path) -> None:
    database = await Database.open(db)
    await database.close()


def _store(
    conn: sqlite3.Connection, batch: list[tuple], tags_of: dict[str, tuple[str, ...]], outbox: int
) -> int:
    """One batch of mentions, their hashtags and their answers; the outbox's last id."""
    with conn:
        first = conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0] + 1
        conn.executemany(
            "INSERT INTO mentions (channel, external_id, author_id, text, created_ms, "
            "ingested_ms, compound, points, lang, lang_conf, lang_src, first_response_ms, "
            "priority_base, priority, status, pos, neu, neg, in_reply_to) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0.9, 'text', ?10, 0, 0, ?11, "
            "max(?7, 0), 1 - abs(?7), max(-?7, 0), ?12)",
            [(*r[:9], None, "done" if r[9] is not None else "open", r[11]) for r in batch],
        )
        tags = []
        sent = []
        for offset, r in enumerate(batch):
            text = r[3]
            if text not in tags_of:
                tags_of[text] = hashtags.of(text)
            tags += [(tag, r[4], first + offset) for tag in tags_of[text]]
            if r[9] is not None:
                outbox += 1
                sent.append((outbox, first + offset, r[0], r[9], r[10]))
        conn.executemany(
            "INSERT OR IGNORE INTO mention_hashtags (tag, created_ms, mention_id) VALUES (?, ?, ?)",
            tags,
        )
        conn.executemany(
            "INSERT INTO outbox (id, kind, channel, text, key, state, next_ms, created_ms, "
            "created_by, sent_ms, updated_ms) "
            "VALUES (?1, 'reply', ?3, 'Thanks, looking into it', 'dash-' || ?1, 'sent', ?4, "
            "?4, ?5, ?4, ?4)",
            [(o, m, ch, at, agent) for o, m, ch, at, agent in sent],
        )
        conn.executemany(
            "INSERT INTO outbox_mentions (outbox_id, mention_id) VALUES (?, ?)",
            [(o, m) for o, m, *_ in sent],
        )
        # Answered as the app answers: the sent item first, then the mention's first
        # response (its triggers keep answer_times, which an insert would leave empty).
        conn.executemany(
            "UPDATE mentions SET first_response_ms = ? WHERE id = ?",
            [(at, m) for _, m, _, at, _ in sent],
        )
    return outbox


def _escalations(conn: sqlite3.Connection, end_ms: int) -> None:
    """One mention in a hundred escalated; those of the last week mostly still open."""
    every = round(1 / ESCALATED)
    conn.execute(
        "INSERT INTO escalations (mention_id, author_id, team, priority, state, created_ms, "
        "created_by, resolved_ms, resolved_by) "
        "SELECT id, author_id, 'support', 'P' || (1 + id % 4), "
        "CASE WHEN created_ms > :week AND id / :every % 5 != 0 OR id / :every % 5 = 1 "
        "THEN 'open' "
        "ELSE 'resolved' END, ingested_ms + 60000, 'agent' || (id % 20), "
        "NULL, NULL FROM mentions WHERE id % :every = 0 ORDER BY id",
        {"week": end_ms - 7 * DAY_MS, "every": every},
    )
    conn.execute(
        "UPDATE escalations SET resolved_ms = created_ms + 7200000, resolved_by = created_by "
        "WHERE state = 'resolved'"
    )
    conn.execute(
        "INSERT INTO escalation_mentions (escalation_id, mention_id) "
        "SELECT id, mention_id FROM escalations"
    )


def seeded(cache: Path, size: int, customers: int) -> Path:
    """The seeded database for this size, made once a day into `cache` (its mentions end
    at the hour it was seeded: a week-old seed would leave the last week empty)."""
    cache.mkdir(parents=True, exist_ok=True)
    day = time.strftime("%Y%m%d", time.gmtime())
    db = cache / f"dash{VERSION}-{size}-{customers}-{day}.db"
    if db.exists():
        return db
    for old in cache.glob(f"dash{VERSION}-{size}-{customers}-*.db*"):
        old.unlink()
    partial = db.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    print(f"seeding {size:,} mentions, {customers:,} customers into {db}…", flush=True)
    seconds = seed(partial, size, customers)
    partial.rename(db)
    Path(f"{partial}-writers").unlink(missing_ok=True)
    print(f"seeded in {seconds:.0f} s", flush=True)
    return db
