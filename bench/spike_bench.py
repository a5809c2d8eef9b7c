"""Spike alerts, measured: precision and recall on a synthetic year, the demo's three
events found at every minute of the hour the demo may start at, no false spike from the
demo's stream, and the delay from a burst's mentions being stored to the spike being
raised by another process (on a copy of the 1M database if one is given).

    python bench/spike_bench.py                      # the year, the demo, the stream
    python bench/spike_bench.py --db /tmp/scrm-spk/scale-1m.db   # + the delay there

The year: seeded Poisson traffic at a few volumes (mentions an hour on average), with a
daily cycle (nights at a fifth of the afternoon) and a weekly one (weekends at 60%),
plus bursts planted at random hours: +k × the hour's usual rate for 1-3 hours, for
several k. A detected event is true when it overlaps a planted burst; recall is per
burst size. Delay: a second process runs the inbox's spike tick (every SPIKE_TICK s);
this one stores a burst at a random moment and waits for the `spikes` row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrm_tui.core import spikes as core
from scrm_tui.service import demo

HOUR_S = 3600
HOUR_MS = 3_600_000
SIZES = (0.5, 1.0, 2.0, 4.0)  # planted bursts: + this many times the hour's usual rate
VOLUMES = (5.0, 20.0, 100.0)  # mean mentions an hour


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small λ, a rounded normal above 500)."""
    if lam > 500:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def rate(mean: float, hour: int) -> float:
    """The usual mentions of an hour (hours since the epoch, UTC) at a mean volume."""
    of_day = hour % 24
    day = (hour // 24 + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    daily = 0.2 + 0.8 * (1 + math.cos((of_day - 15) / 24 * 2 * math.pi)) / 2
    weekly = 0.6 if day >= 5 else 1.0
    return mean * daily * weekly / 0.62  # / the cycles' mean: `mean` an hour on average


def synthetic_year(seed: int, mean: float, bursts: int = 120) -> dict[str, object]:
    rng = random.Random(seed)
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) // HOUR_S
    hours = 365 * 24
    counts = {h: poisson(rng, rate(mean, h)) for h in range(start, start + hours)}
    planted: list[tuple[int, int, float]] = []  # (first hour, last hour, size)
    for _ in range(bursts):
        first = start + rng.randrange(21 * 24, hours - 4)
        length = rng.choice((1, 1, 2, 3))
        if any(first - 30 <= p[1] and p[0] <= first + length + 30 for p in planted):
            continue  # bursts apart from each other: each is judged on its own
        size = rng.choice(SIZES)
        for h in range(first, first + length):
            counts[h] += poisson(rng, size * rate(mean, h))
        planted.append((first, first + length - 1, size))
    found = core.events(core.spikes(range(start, start + hours), counts, start))
    spans = [(e[0].hour - e[0].hours + 1, e[-1].hour) for e in found]
    true_events = sum(1 for s, e in spans if any(s <= p[1] and p[0] <= e for p in planted))
    hit_by_size: Counter[float] = Counter()
    all_by_size: Counter[float] = Counter(p[2] for p in planted)
    for p in planted:
        if any(s <= p[1] and p[0] <= e for s, e in spans):
            hit_by_size[p[2]] += 1
    return {
        "mean_per_hour": mean,
        "planted": len(planted),
        "detected": len(found),
        "false_alarms": len(found) - true_events,
        "precision": true_events / len(found) if found else None,
        "recall": sum(hit_by_size.values()) / len(planted),
        "recall_by_size": {
            f"+{k:g}x": f"{hit_by_size[k]}/{all_by_size[k]}" for k in sorted(all_by_size)
        },
    }


DEMO_EVENTS = {
    "release": (datetime(2026, 11, 10, 15, tzinfo=UTC), datetime(2026, 11, 10, 23, tzinfo=UTC)),
    "price": (datetime(2026, 11, 14, 13, tzinfo=UTC), datetime(2026, 11, 14, 23, tzinfo=UTC)),
    "outage": (datetime(2026, 11, 16, 12, 52, tzinfo=UTC), datetime(2026, 11, 16, 21, tzinfo=UTC)),
}


def demo_events() -> list[dict[str, object]]:
    """The demo's 14 days as seeded at each minute of an hour (the demo moves them to
    end now, so the hour lines fall anywhere): the three events found, false alarms."""
    reference = demo.manifest()["reference_time"]
    now = datetime.fromisoformat(str(reference).replace("Z", "+00:00"))
    stamps = [m.created_at.timestamp() for m in demo.demo_mentions(now)]
    out = []
    for minute in range(0, 60, 5):
        counts = Counter(int(s + minute * 60) // HOUR_S for s in stamps)
        first, last = min(counts), max(counts)
        found = core.events(core.spikes(range(first, last + 1), counts, first))
        hit: set[str] = set()
        false = []
        for event in found:
            start = (event[0].hour - event[0].hours + 1) * HOUR_S - minute * 60
            end = (event[-1].hour + 1) * HOUR_S - minute * 60
            named = [
                k
                for k, (a, b) in DEMO_EVENTS.items()
                if a.timestamp() < end and start < b.timestamp()
            ]
            hit.update(named)
            if not named:
                false.append(datetime.fromtimestamp(start, UTC).strftime("%d %b %H:%M"))
        out.append({"shift_min": minute, "found": sorted(hit), "false_alarms": false})
    return out


def demo_stream(hours: int = 24, seeds: int = 5) -> dict[str, object]:
    """The demo's stream at its history's pace, appended to the seeded days and tested
    at each minute as a live terminal does: spikes raised over seeds × hours."""
    reference = demo.manifest()["reference_time"]
    now = datetime.fromisoformat(str(reference).replace("Z", "+00:00"))
    seeded = Counter(int(m.created_at.timestamp()) // HOUR_S for m in demo.demo_mentions(now))
    first = min(seeded)
    rates = demo.history_rates(now)
    raised = 0
    streamed = 0
    for seed in range(seeds):
        counts = Counter(seeded)
        stream = demo.DemoStream(random.Random(seed), interval=None, rates=rates)
        at = now
        hit: set[int] = set()
        while at < now + timedelta(hours=hours):
            gap, posts = stream.paced_gap(at, rates)
            at += timedelta(seconds=gap)
            if posts:
                counts[int(at.timestamp()) // HOUR_S] += 1
                streamed += 1
                hour = int(at.timestamp()) // HOUR_S
                for h in (hour - 1, hour):
                    verdict = core.judge(h, counts, first)
                    if verdict is not None and verdict.spike:
                        hit.add(h)
        ordered = sorted(hit)  # hours at most GAP apart are one spike, as events() groups
        raised += sum(1 for i, h in enumerate(ordered) if i == 0 or h - ordered[i - 1] > core.GAP)
    return {"hours": hours * seeds, "streamed": streamed, "false_spikes": raised}


# ------------------------------------------------------------------ delay at scale

TICKER = """
import asyncio, sys, time
from scrm_tui.service import spikes
from scrm_tui.store.db import Database
from scrm_tui.ui.screens.inbox import SPIKE_TICK

async def main(path):
    db = await Database.open(path)
    print("ready", flush=True)
    while True:  # as an inbox's tick does: test, raise if new; every SPIKE_TICK s
        started = time.process_time()
        await spikes.check(db, int(time.time() * 1000), "bench-ticker")
        print(f"cpu {(time.process_time() - started) * 1000:.2f}", flush=True)
        await asyncio.sleep(SPIKE_TICK)

asyncio.run(main(sys.argv[1]))
"""


async def delay(path: Path, trials: int) -> dict[str, object]:
    from scrm_tui.core.models import AuthorIn, Channel, MentionIn
    from scrm_tui.service.inbox import Inbox

    with sqlite3.connect(path) as conn:
        (mentions,) = conn.execute("SELECT count(*) FROM mentions").fetchone()
    box = await Inbox.open(path, "bench")  # migrates to the spikes table (schema 32)
    ticker = subprocess.Popen(
        [sys.executable, "-c", TICKER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert ticker.stdout is not None
    assert ticker.stdout.readline().strip() == "ready"
    delays = []
    rng = random.Random(3)
    try:
        for trial in range(trials):
            await asyncio.sleep(rng.uniform(0, 10))  # any moment of the ticker's cycle
            now = datetime.now(UTC)
            burst = [
                MentionIn(
                    channel=Channel.MASTODON,
                    external_id=f"spike-bench-{trial}-{i}-{os.getpid()}",
                    text=f"Kestrel is down for everyone, login fails ({i})",
                    created_at=now - timedelta(seconds=i),
                    author=AuthorIn(handle=f"burst{i}@bench.example", name=f"Burst {i}"),
                )
                for i in range(60)
            ]
            await box.ingest(burst)
            stored = time.time()
            while True:
                rows = await box.db.fetch_quick(
                    "SELECT raised_ms FROM spikes WHERE raised_by = 'bench-ticker'"
                )
                if rows:
                    delays.append(rows[0][0] / 1000 - stored)
                    break
                await asyncio.sleep(0.2)
            async with box.db.transaction() as conn:  # the next trial starts afresh
                await conn.execute("DELETE FROM spikes")
                await conn.execute("DELETE FROM mentions WHERE external_id LIKE 'spike-bench-%'")
    finally:
        ticker.terminate()
        out = ticker.communicate()[0]
        await box.close()
    cpu = [float(line.split()[1]) for line in out.splitlines() if line.startswith("cpu")]
    return {
        "mentions": mentions,
        "trials": trials,
        "delay_s": [round(d, 1) for d in delays],
        "delay_max_s": round(max(delays), 1),
        "check_cpu_ms_median": sorted(cpu)[len(cpu) // 2] if cpu else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="a database copy to measure the delay on")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results: dict[str, object] = {}
    started = time.process_time()
    results["synthetic_year"] = [synthetic_year(args.seed, v) for v in VOLUMES]
    results["demo"] = demo_events()
    results["demo_stream"] = demo_stream()
    results["cpu_s"] = round(time.process_time() - started, 1)
    if args.db is not None:
        results["delay"] = asyncio.run(delay(args.db, args.trials))
    for key, value in results.items():  # one line per result, readable in a terminal
        for item in value if isinstance(value, list) else [value]:
            print(f"{key}: {json.dumps(item)}")


if __name__ == "__main__":
    main()
