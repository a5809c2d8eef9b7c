"""What the view bar costs an open inbox at scale: idle, per change, and under a stream.

    python bench/views_bench.py                        # 1M mentions, seeded once
    python bench/views_bench.py --size 100000 --changes 10 --idle 20
    python bench/views_bench.py --cache /tmp/bench     # where the seeded database is kept

The real inbox runs in a pseudo-terminal on one database twice: with the team views
below in its config, and with none. The CPU time of the whole process (every thread:
SQLite runs in aiosqlite's) comes from /proc/PID/stat. Measured each way:

- idle: nothing changes for --idle seconds; % of one core;
- per change: another process (the same agent in a second terminal) marks one Hacker
  News mention read, --changes times; each waits until the screen shows it (the bar's
  count with views, the header's unread count without) and the process is quiet again.
  CPU per change, and commit -> shown;
- stream: that process commits twice a second for --stream seconds; % of one core (the
  bar counts at most BUSY_SHARE of the time, however fast changes come);
- per arrival: another process (a collector) stores one new mention, --changes times;
  each waits until the header's total counts it. CPU per arrival: the issue's
  "per-commit CPU per open inbox" (target <= 2 ms at 1M);
- heartbeats: another process commits writes the counts do not depend on (a presence
  heartbeat, a collector's lease renewal, a long job's progress, alternately) twice a
  second for --stream seconds; % of one core.

Idle is the issue's "idle CPU of an inbox" (target <= 0.3% of a core at 1M).

The views' own cost is the difference between the two runs. Absolute figures drift by a
third between runs on a shared machine; compare within a run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import select
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, app_env, seed, write_corpus  # noqa: E402
from scrm_tui.core.models import AuthorIn, Channel, MentionIn  # noqa: E402
from scrm_tui.core.query import parse  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

VIEWS = {
    "negative, open": "s:neg is:open",
    "hacker news": "ch:hn",
    "postmortem": "postmortem",
    "kestrel": "kestrel",
}
AGENT = "bench"  # app_env's SCRM_AGENT
TICK = os.sysconf("SC_CLK_TCK")
IDLE_TARGET_PCT = 0.3  # issue 12: idle CPU of an open inbox, % of one core
COMMIT_TARGET_MS = 2.0  # issue 12: CPU per commit by another process, per open inbox
QUIET_S = 1.5  # after the screen shows a change: the rest of that poll's work


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, all threads


def pump(term: Terminal, seconds: float) -> None:
    """Read what the app draws for `seconds`: a terminal nobody reads fills up and
    blocks the app on its next write."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        ready, _, _ = select.select([term.fd], [], [], left)
        if ready:
            term.stream.feed(os.read(term.fd, 1 << 16))


def bar_counts(term: Terminal, views: int = len(VIEWS)) -> list[int] | None:
    """The counts on the view bar (line 2), once each of its `views` is counted."""
    entries = term.lines()[1].strip().split("  ")
    counts = [entry.rsplit(" ", 1)[-1].replace(",", "") for entry in entries]
    if len(counts) != views or not all(c.isdigit() for c in counts):
        return None
    return [int(c) for c in counts]


def header_unread(term: Terminal) -> int | None:
    match = re.search(r"([\d,]+) unread", term.lines()[0])
    return int(match.group(1).replace(",", "")) if match else None


def hn_count(term: Terminal, with_views: bool) -> int | None:
    if with_views:
        counts = bar_counts(term)
        return counts[1] if counts else None
    return header_unread(term)


async def unread_hn(db: Path, n: int) -> list[int]:
    async with await Inbox.open(db, AGENT) as inbox:
        rows = await inbox.page_older(parse("ch:hn is:unread"), None, n)
        return [row.id for row in rows]


def mark_read(db: Path, mention_id: int) -> float:
    """One commit, as another scrm process of the same agent makes it; when it landed."""
    conn = sqlite3.connect(db, timeout=5)
    with conn:
        conn.execute(
            "INSERT OR IGNORE INTO mention_reads (mention_id, agent, read_ms) VALUES (?, ?, ?)",
            (mention_id, AGENT, int(time.time() * 1000)),
        )
    conn.close()
    return time.perf_counter()


BOOKKEEPING = (
    # A presence heartbeat of another agent's terminal.
    "INSERT INTO presence (holder, agent, started_ms, heartbeat_ms) "
    "VALUES ('bench:1:1', 'dana', 0, :beat) "
    "ON CONFLICT (holder) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms",
    # A collector renewing its lease.
    "INSERT INTO leases (name, holder, acquired_ms, renewed_ms, expires_ms) "
    "VALUES ('collector', 'bench:2', 0, :beat, :beat + 30000) "
    "ON CONFLICT (name) DO UPDATE SET renewed_ms = excluded.renewed_ms, "
    "expires_ms = excluded.expires_ms",
    # A re-match saying how far it is.
    "INSERT INTO pending_work (name, generation, since_ms, after_id, updated_ms) "
    "VALUES ('bench', 1, 0, :beat, :beat) "
    "ON CONFLICT (name) DO UPDATE SET after_id = excluded.after_id, "
    "updated_ms = excluded.updated_ms",
)


def heartbeat(db: Path, beat: int) -> None:
    """One bookkeeping commit, of the kind `beat` picks."""
    conn = sqlite3.connect(db, timeout=5)
    with conn:
        conn.execute(BOOKKEEPING[beat % len(BOOKKEEPING)], {"beat": beat})
    conn.close()


def header_total(term: Terminal) -> int | None:
    # "1,000,020 mentions · 3 unread", or at 80 columns "1,000,020 · 3 unread".
    match = re.search(r"([\d,]+)(?: mentions)? · [\d,]+ unread", term.lines()[0])
    return int(match.group(1).replace(",", "")) if match else None


def store_arrival(db: Path, n: int) -> float:
    """One new mention, stored as a collector stores it; when its commit landed."""

    async def run() -> None:
        async with await Inbox.open(db, "collector") as inbox:
            await inbox.ingest([arrival(n)])

    asyncio.run(run())
    return time.perf_counter()


def arrival(n: int) -> MentionIn:
    return MentionIn(
        channel=Channel.MASTODON,
        external_id=f"views-bench-{time.time_ns()}-{n}",
        text=f"views bench arrival {n}",
        created_at=datetime.now(UTC),
        author=AuthorIn(handle=f"arrival{n}@bench.example"),
    )


def run(db: Path, home: Path, args: argparse.Namespace, with_views: bool) -> dict[str, float]:
    config = home / ("views.toml" if with_views else "none.toml")
    lines = ["[views]", *(f'"{name}" = "{source}"' for name, source in VIEWS.items())]
    config.write_text("\n".join(lines) + "\n" if with_views else "", encoding="utf-8")
    with sqlite3.connect(db) as conn:  # every run starts with nothing read
        conn.execute("DELETE FROM mention_reads WHERE agent = ?", (AGENT,))
    targets = asyncio.run(unread_hn(db, args.changes + int(args.stream * 2) + 10))
    term = Terminal(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "--config", str(config)],
        app_env(home),
    )
    pid = term.process.pid
    figures: dict[str, float] = {}
    try:
        term.wait(lambda t: hn_count(t, with_views) is not None, timeout=600)
        pump(term, QUIET_S * 2)  # the first page, counts and stats are done

        start_cpu, start = cpu_seconds(pid), time.perf_counter()
        pump(term, args.idle)
        idle_share = (cpu_seconds(pid) - start_cpu) / (time.perf_counter() - start)
        figures["idle_pct"] = 100 * idle_share

        costs, latencies = [], []
        for mention_id in targets[: args.changes]:
            before = hn_count(term, with_views)
            assert before is not None
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            committed = mark_read(db, mention_id)
            shown = term.wait(lambda t, b=before: hn_count(t, with_views) == b - 1, timeout=60)
            latencies.append(shown - committed)
            pump(term, QUIET_S)
            spent = cpu_seconds(pid) - cpu0
            costs.append(spent - idle_share * (time.perf_counter() - t0))
        # The mean: /proc counts CPU in 10 ms ticks, too coarse for one change.
        figures["per_change_ms"] = 1000 * statistics.fmean(costs)
        figures["shown_p50_ms"] = 1000 * statistics.median(latencies)
        figures["shown_max_ms"] = 1000 * max(latencies)

        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        for mention_id in targets[args.changes : args.changes + int(args.stream * 2)]:
            mark_read(db, mention_id)
            pump(term, 0.5)
        figures["stream_pct"] = 100 * (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0)

        pump(term, QUIET_S * 2)
        costs = []
        for n in range(args.changes):
            before = header_total(term)
            assert before is not None
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            store_arrival(db, n)
            term.wait(lambda t, b=before: header_total(t) == b + 1, timeout=60)
            pump(term, QUIET_S)
            spent = cpu_seconds(pid) - cpu0
            costs.append(spent - idle_share * (time.perf_counter() - t0))
        figures["per_arrival_ms"] = 1000 * statistics.fmean(costs)

        pump(term, QUIET_S * 2)
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        for beat in range(int(args.stream * 2)):
            heartbeat(db, beat)
            pump(term, 0.5)
        figures["beats_pct"] = 100 * (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0)
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds idle")
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--stream", type=float, default=20.0, help="seconds of 2 commits/s")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    parser.add_argument(
        "--views", choices=("both", "none", "only"), default="both", help="which runs"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db = args.cache / f"inbox-{args.size}.db"
    if not db.exists():
        corpus = args.cache / f"corpus-{args.size}.jsonl"
        if not corpus.exists():
            print(f"writing a corpus of {args.size:,} mentions…", flush=True)
            write_corpus(corpus, args.size)
        print(f"ingesting {args.size:,} mentions…", flush=True)
        seed(db, corpus)
    home = Path(tempfile.mkdtemp(prefix="scrm-views-bench-"))
    try:
        results = {}
        runs = {"both": (False, True), "none": (False,), "only": (True,)}[args.views]
        for with_views in runs:
            label = f"{len(VIEWS)} views" if with_views else "no views"
            print(f"{label}…", flush=True)
            results[label] = run(db, home, args, with_views)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"\n== {args.size:,} mentions, views: {', '.join(VIEWS.values())}")
    print(
        f"{'':10} {'idle':>8} {'per change':>11} {'per arrival':>12} {'shown p50':>10} "
        f"{'max':>8} {'stream':>7} {'beats':>7}"
    )
    for label, f in results.items():
        print(
            f"{label:10} {f['idle_pct']:7.2f}% {f['per_change_ms']:8.1f} ms "
            f"{f['per_arrival_ms']:9.1f} ms {f['shown_p50_ms']:7.0f} ms "
            f"{f['shown_max_ms']:5.0f} ms {f['stream_pct']:6.1f}% {f['beats_pct']:6.2f}%"
        )
    for label, f in results.items():
        print(
            f"{label}: idle {f['idle_pct'] / IDLE_TARGET_PCT:.2f}x its target "
            f"({IDLE_TARGET_PCT}% of a core); per arrival "
            f"{f['per_arrival_ms'] / COMMIT_TARGET_MS:.2f}x its target ({COMMIT_TARGET_MS:.0f} ms)"
        )
    if len(results) < 2:
        return 0
    base, views = results["no views"], results[f"{len(VIEWS)} views"]
    print(
        f"the views' own cost: idle {views['idle_pct'] - base['idle_pct']:+.2f}% of a core, "
        f"{views['per_change_ms'] - base['per_change_ms']:+.0f} ms of CPU per change, "
        f"{views['stream_pct'] - base['stream_pct']:+.1f}% of a core under 2 changes/s, "
        f"{views['beats_pct'] - base['beats_pct']:+.2f}% under 2 heartbeats/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
