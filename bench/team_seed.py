"""A database of demo-corpus mentions holding what a team of 20 agents leaves in it.

Used by bench/filter_bench.py and bench/team_scale_bench.py. The caller puts the
checkout it measures on sys.path first: this module imports that checkout's scrm_tui.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrm_tui.core import records
from scrm_tui.core.models import AuthorIn, Channel, MentionIn, Sentiment
from scrm_tui.core.team import CLAIM_TTL_MS
from scrm_tui.service.inbox import Inbox

try:  # a checkout from before languages (issue 13) seeds without them
    from scrm_tui.enrich.language import detect
except ImportError:
    detect = None  # type: ignore[assignment]

FIXTURES = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the corpus spans 2025
AGENTS = 20
TAGS = ("billing", "bug", "vip", "praise")
DAY_MS = 86_400_000


def corpus_texts() -> list[str]:
    texts = []
    for name in ("mentions.jsonl", "stream.jsonl"):
        with open(FIXTURES / name, encoding="utf-8") as handle:
            texts += [
                records.repair_text(t)
                for line in handle
                if len(t := json.loads(line)["text"]) < 3000
            ]
    return texts


def mentions(size: int, word: str | None = None, matching: int = 0) -> Iterator[MentionIn]:
    """`size` mentions over 2025, Zipf-distributed authors, as inbox_bench makes them,
    one at a time (10M of them would not fit in memory at once).

    With `word`, exactly one in size // `matching` says it (and no other does)."""
    rng = random.Random(7)
    texts = corpus_texts()
    every = 0
    if word and matching:
        texts = [t for t in texts if word not in t.lower()]
        every = max(size // matching, 1)
    accounts = max(size // 10, 100)
    channels = list(Channel)[:6]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(size):
        who = min(int(rng.paretovariate(1.1)) - 1, accounts - 1)
        text = rng.choice(texts)
        if every and i % every == 0:
            text = f"{text}\n\n{word} in the EU region"
        yield MentionIn(
            channel=channels[who % 6],
            external_id=f"f{i}",
            text=text,
            created_at=start + timedelta(seconds=(i * 31_536_000) // size + rng.randint(0, 30)),
            author=AuthorIn(
                handle=f"user{who}@bench.example",
                name=f"Bench User {who}",
                followers=(who * 37) % 5000,
            ),
        )


def _agent(number: str) -> str:
    """SQL: the name of agent `number` (0-19); agent 0 is `:me`."""
    return f"CASE {number} WHEN 0 THEN :me ELSE 'agent' || ({number}) END"


def snooze(conn: sqlite3.Connection, until_ms: int) -> None:
    """1% of the mentions snoozed until `until_ms`."""
    conn.execute("UPDATE mentions SET snoozed_until_ms = ? WHERE id % 100 = 7", (until_ms,))


def beat(conn: sqlite3.Connection, now_ms: int, me: str = "agent0") -> None:
    """20 agents present, each in a process ("bench:ID", another host's as far as the
    liveness check can tell) that holds a claim on one of the 20 newest mentions, all
    beating at `now_ms`: live for CLAIM_TTL_MS from then. Each call is one commit."""
    with conn:
        conn.execute(
            "INSERT INTO claims (mention_id, agent, holder, kind, since_ms, heartbeat_ms) "
            f"SELECT id, {_agent(f'id % {AGENTS}')}, 'bench:' || id, 'reply', :now, :now "
            f"FROM mentions ORDER BY id DESC LIMIT {AGENTS} "
            "ON CONFLICT (mention_id, agent) DO UPDATE SET holder = excluded.holder, "
            # A claim that had died starts again, as ClaimStore.claim does it.
            "since_ms = CASE WHEN claims.heartbeat_ms >= :live THEN claims.since_ms "
            "ELSE excluded.since_ms END, heartbeat_ms = excluded.heartbeat_ms",
            {"me": me, "now": now_ms, "live": now_ms - CLAIM_TTL_MS},
        )
        conn.execute(
            "INSERT INTO presence (holder, agent, started_ms, heartbeat_ms) "
            "SELECT holder, agent, :now, :now FROM claims WHERE holder LIKE 'bench:%' "
            "ON CONFLICT (holder) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms",
            {"now": now_ms},
        )


async def seed(
    db: Path,
    size: int,
    *,
    me: str = "agent0",
    word: str | None = None,
    matching: int = 0,
) -> float:
    """Store `size` mentions (sentiment drawn at random: VADER has nothing to do with what
    is measured) and what 20 agents leave, `me` among them: every fifth mention assigned
    among the 20, a tag on one in ten, a priority on each, 1% snoozed, 20 live claims (at
    NOW: `beat` them again to keep them alive), a third read by `me`. Seconds taken."""
    rng = random.Random(11)
    started = time.perf_counter()
    async with await Inbox.open(db, me) as inbox:
        # Settled while the database is empty: nothing is owed a re-score.
        await inbox.priorities.weights()
        batch = []
        languages: dict[str, tuple[str | None, float | None, str]] = {}
        for item in mentions(size, word, matching):
            score = rng.uniform(-1, 1)
            if detect is None:
                batch.append(records.flatten(item, Sentiment(score, 0.0, 1.0, 0.0)))
                continue
            # Each corpus text detected once, as ingest would; a language no scorer
            # reads (provisionally: all but English) is unscored, as ingest stores it.
            if item.text not in languages:
                found = detect(item.text, terms=("Kestrel",))
                languages[item.text] = (found.code, found.confidence, found.source)
            lang = languages[item.text]
            scored = Sentiment(score, 0.0, 1.0, 0.0) if lang[0] in ("en", None) else None
            batch.append(records.flatten(item, scored, lang))
            if len(batch) == 10_000:
                await inbox.mentions.insert_batch(batch, 0)
                batch = []
        await inbox.mentions.insert_batch(batch, 0)
    now_ms = int(NOW.timestamp() * 1000)
    conn = sqlite3.connect(db)
    with conn:
        # A priority as the store writes one for a mention by no customer: its own part
        # (here spread evenly over 0-100), P0 = that part, and the rank `o` sorts by.
        conn.execute(
            "UPDATE mentions SET priority_base = (id * 37) % 101, priority = (id * 37) % 101, "
            "priority_rank = created_ms + ((id * 37) % 101) * "
            "(SELECT ms_per_point FROM priority_weights WHERE id = 1)"
        )
        conn.execute(
            f"UPDATE mentions SET assignee = {_agent(f'(id / 5) % {AGENTS}')} WHERE id % 5 = 0",
            {"me": me},
        )
        conn.executemany(
            "INSERT OR IGNORE INTO agents (name, first_seen_ms, last_seen_ms) VALUES (?, ?, ?)",
            [(me if n == 0 else f"agent{n}", now_ms, now_ms) for n in range(AGENTS)],
        )
        snooze(conn, now_ms + DAY_MS)
        conn.executemany(
            "INSERT INTO mention_tags (mention_id, tag, added_ms) "
            "SELECT id, ?, 0 FROM mentions WHERE id % 10 = 0 AND (id / 10) % 4 = ?",
            [(tag, n) for n, tag in enumerate(TAGS)],
        )
        conn.execute(
            "INSERT INTO mention_reads (mention_id, agent, read_ms) "
            "SELECT id, ?, 0 FROM mentions WHERE id % 3 = 0",
            (me,),
        )
    beat(conn, now_ms, me)
    conn.close()
    return time.perf_counter() - started


async def seeded(db: Path, size: int, **options: object) -> Path:
    """`db`, seeded (see `seed`) unless it is there already."""
    if not db.exists():
        print(f"seeding {size:,} mentions into {db}…", flush=True)
        partial = db.with_suffix(".partial")
        for suffix in ("", "-wal", "-shm", "-writers"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        seconds = await seed(partial, size, **options)  # type: ignore[arg-type]
        partial.rename(db)
        print(f"seeded in {seconds:.0f} s", flush=True)
    return db
