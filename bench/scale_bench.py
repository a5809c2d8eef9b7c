"""Issue 12's benchmark: the inbox, search and matching on 1M-10M mentions, 1M customers.

    python bench/scale_bench.py                          # 1M, then 10M mentions
    python bench/scale_bench.py --sizes 1000000 --runs 3 --json /tmp/scale.json
    python bench/scale_bench.py --sizes 1000000 --only inbox      # or: lists, customers

One database per size, seeded once into --cache (default /tmp/scrm-scale, outside the
repository) and reused: the demo corpus as 20 agents leave it (bench/team_seed.py:
assignments, tags, priorities, snoozes, claims, reads), one customer with a 100k-item
history (bench/customer_view_bench.py), 100k open escalations, --customers customers
(bench/make_match_eval.py's generator, imported through the service) and authors up to
--authors (half of the added ones linked to a customer, half looked at and unlinked).
Mentions and customers go through the store in big batches, the rest as INSERT ... SELECT.
Each size is measured on a working copy, deleted afterwards, where a thread beats the
20 agents' presence and claims as their processes would (bench/team_scale_bench.py).

Printed per size, each a median of --runs app sessions in a pseudo-terminal (the
bench/inbox_bench.py harness), with its target and PASS / FAIL / n/a:

- first paint against bench/minimal_app.py started the same way in the same run (ratio);
- keypress (j, G, g) key -> frame median and p95, and against a bare app's key pressed
  the same way (bench/key_floor.py: the harness's own floor); peak RSS of the inbox;
- filter Enter -> first rows, a rare word ("postmortem") and a common one ("kestrel");
- idle CPU of an open inbox; CPU per commit by another process (a mention stored, as a
  collector does, twice a second), less the idle rate;
- customer search (C, a surname typed) -> the hit shown; the customer view with 100k
  items and the escalations screen with 100k open, key -> shown (and how many it shows);
- in a process of its own (as `scrm` would match): the matcher over the database's
  customers, its build time and peak RSS, match() p50/p99 for the eval authors
  (bench/match_bench.py), and re-match throughput of the unlinked authors an import owes.

A figure the tree cannot produce (a step that times out or fails) is printed as n/a with
the reason. Exits 0 whatever the figures: they are figures, not a test. Absolute times
drift by a third between runs on a shared machine; read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import customer_view_bench, team_seed  # noqa: E402
from bench.inbox_bench import (  # noqa: E402
    Terminal,
    app_env,
    measure_minimal,
    pct,
    position,
    rows_shown,
)
from bench.key_floor import bare_keys, presses_down  # noqa: E402
from bench.team_scale_bench import Heartbeats  # noqa: E402
from bench.views_bench import AGENT, cpu_seconds, pump  # noqa: E402
from scrm_tui.core import records  # noqa: E402
from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionIn, Sentiment  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

RARE, COMMON = "postmortem", "kestrel"
HISTORY = 100_000  # items in one customer's history (the customer view)
ESCALATIONS = 100_000
QUIET_S = 3.0  # after the first frame: the first page, counts and stats are done
COMMIT_GAP_S = 0.5  # another process commits twice a second
TARGETS = {
    "first paint / bare app": 2.0,
    "keypress median ms": 20.0,
    "keypress p95 ms": 20.0,
    "peak RSS MB": 150.0,
    f"filter '{RARE}' ms": 100.0,
    f"filter '{COMMON}' ms": 150.0,
    "idle % of a core": 0.3,
    "CPU per commit ms": 2.0,
    "customer search ms": 100.0,
    "customer view 100k ms": 300.0,
    "matching RSS MB": 300.0,
    "match p50 ms": 2.0,
    "match p99 ms": 10.0,
    "re-match authors/s": 100_000 / 60,
}


# ---------------------------------------------------------------- seeding


async def add_customers(db: Path, count: int) -> None:
    """`count` generated customers with their handles, through the service in batches."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_match_eval

    channels = {c.value for c in Channel}
    people = make_match_eval.build_customers(count)
    async with await Inbox.open(db, AGENT) as inbox:
        for start in range(0, len(people), 5_000):
            await inbox.add_customers(
                [
                    CustomerIn(
                        name=p.name,
                        external_id=f"scale-{p.id}",
                        email=p.email,
                        company=p.company,
                        identities=tuple((Channel(c), h) for c, h in p.handles if c in channels),
                    )
                    for p in people[start : start + 5_000]
                ]
            )


def copy_customers(conn: sqlite3.Connection, source: Path) -> None:
    """The generated customers and their handles of another size's database: generating
    and importing 1M takes a quarter of an hour, copying them a minute."""
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    with conn:
        conn.execute(
            "INSERT INTO customers (external_id, name, email, company, phone, tier, "
            "lifetime_value, notes, fields, created_ms, updated_ms) SELECT external_id, name, "
            "email, company, phone, tier, lifetime_value, notes, fields, created_ms, updated_ms "
            "FROM src.customers WHERE external_id LIKE 'scale-%' ORDER BY id"
        )
        conn.execute(
            "INSERT INTO identities (customer_id, channel, handle, handle_key, source, "
            "created_ms) SELECT c.id, i.channel, i.handle, i.handle_key, i.source, i.created_ms "
            "FROM src.identities i JOIN src.customers s ON s.id = i.customer_id "
            "JOIN customers c ON c.external_id = s.external_id WHERE s.external_id LIKE 'scale-%'"
        )
    conn.execute("DETACH DATABASE src")


def add_escalations(conn: sqlite3.Connection, count: int) -> None:
    """`count` open escalations spread over the stream, one mention each."""
    every = max(conn.execute("SELECT max(id) FROM mentions").fetchone()[0] // count, 1)
    with conn:
        conn.execute(
            "INSERT INTO escalations (mention_id, author_id, team, priority, note, created_ms, "
            "created_by) SELECT id, author_id, 'support', 'P' || (1 + id % 4), '', created_ms, "
            "'agent' || (id % 20) FROM mentions WHERE id % ? = 0 ORDER BY id LIMIT ?",
            (every, count),
        )
        conn.execute(
            "INSERT INTO escalation_mentions (escalation_id, mention_id) "
            "SELECT id, mention_id FROM escalations"
        )


def add_authors(conn: sqlite3.Connection, count: int) -> None:
    """Authors up to `count`: each added one named like a customer; the even ones linked
    to that customer, the odd ones looked at and left unlinked (a re-match's work)."""
    have = conn.execute("SELECT count(*) FROM authors").fetchone()[0]
    customers = conn.execute("SELECT count(*), min(id) FROM customers").fetchone()
    now_ms = int(time.time() * 1000)
    with conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :add) "
            "INSERT INTO authors (channel, handle, handle_key, display_name, followers, "
            "customer_id, match_state, match_score, profile_ms, matched_ms) "
            "SELECT ch, h, h, c.name, i % 5000, CASE WHEN i % 2 = 0 THEN c.id END, "
            "CASE WHEN i % 2 = 0 THEN 'auto' END, CASE WHEN i % 2 = 0 THEN 0.95 END, :now, :now "
            "FROM (SELECT i, 'fan' || i || '@scale.example' AS h, "
            "CASE i % 6 WHEN 0 THEN 'mastodon' WHEN 1 THEN 'bluesky' WHEN 2 THEN 'reddit' "
            "WHEN 3 THEN 'hackernews' WHEN 4 THEN 'github' ELSE 'rss' END AS ch, "
            ":first + i % :customers AS cid FROM n) "
            "JOIN customers c ON c.id = cid",
            {
                "add": max(count - have, 0),
                "now": now_ms,
                "first": customers[1] or 0,
                "customers": max(customers[0], 1),
            },
        )


async def seed_world(db: Path, size: int, customers: int, authors: int) -> dict[str, float]:
    """The database for `size` mentions (see the module's docstring); seconds per part.
    The customers come from another size's database beside it when there is one."""
    took: dict[str, float] = {}
    took["mentions and 20 agents"] = await team_seed.seed(db, size, me=AGENT)
    started = time.perf_counter()
    # Before the customers: its mentions are matched as they arrive, against one customer.
    await customer_view_bench.seed(db, HISTORY)
    took["one customer's 100k history"] = time.perf_counter() - started
    with contextlib.closing(sqlite3.connect(db)) as conn:
        started = time.perf_counter()
        add_escalations(conn, ESCALATIONS)
        took["100k escalations"] = time.perf_counter() - started
    started = time.perf_counter()
    donors = [
        p for p in sorted(db.parent.glob(f"scale-*-{customers}-*.db")) if p.stem[-4:] != "-run"
    ]
    if not donors:
        await add_customers(db, customers)
    else:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            copy_customers(conn, donors[0])
    took[f"{customers:,} customers"] = time.perf_counter() - started
    with contextlib.closing(sqlite3.connect(db)) as conn:
        started = time.perf_counter()
        add_authors(conn, authors)
        took["authors"] = time.perf_counter() - started
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return took


def world(cache: Path, size: int, customers: int, authors: int) -> Path:
    """The seeded database for `size`, made once (into a .partial file first)."""
    db = cache / f"scale-{size}-{customers}-{authors}.db"
    if db.exists():
        return db
    partial = db.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    print(f"seeding {size:,} mentions, {customers:,} customers into {db}…", flush=True)
    took = asyncio.run(seed_world(partial, size, customers, authors))
    partial.rename(db)
    print("seeded: " + ", ".join(f"{k} {v:.0f} s" for k, v in took.items()), flush=True)
    return db


def working_copy(db: Path) -> Path:
    """A copy to measure on, so that no run sees another's writes."""
    work = db.with_name(f"{db.stem}-run.db")
    remove(work)
    shutil.copyfile(db, work)
    with contextlib.closing(sqlite3.connect(work)) as conn:
        team_seed.snooze(conn, int(time.time() * 1000) + team_seed.DAY_MS)
        team_seed.beat(conn, int(time.time() * 1000), AGENT)
    return work


def remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


# ---------------------------------------------------------------- the inbox


@dataclass
class Figures:
    """What the runs of one size measured, by name: lists of values, or why not."""

    values: dict[str, list[float]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def attempt(self, names: list[str], step: Callable[[], None]) -> None:
        """Run `step`; if it fails, the figures it would have given are n/a and why."""
        try:
            step()
        except Exception as error:  # a tree that cannot do it yet: say so, go on
            why = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            if isinstance(error, TimeoutError):
                why = "timed out (the screen did not show it)"
            for name in names:
                self.missing.setdefault(name, why)


def counted(term: Terminal) -> bool:
    at = position(term)
    return at is not None and at[1] is not None and rows_shown(term)


def filtered(term: Terminal, word: str) -> bool:
    """The first rows for the filter `word` are drawn (counted or not yet)."""
    return f"/{word}" in term.lines()[0] and position(term) is not None and rows_shown(term)


def inbox_session(
    db: Path, env: dict[str, str], figures: Figures, args: argparse.Namespace
) -> None:
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        painted = term.wait(lambda t: position(t) is not None and rows_shown(t), timeout=300)
        figures.add("first paint s", painted - term.started)
        term.wait(counted, timeout=300)
        pump(term, QUIET_S)
        figures.attempt(["idle % of a core"], lambda: idle(term, figures, args.idle))
        figures.attempt(["CPU per commit ms"], lambda: per_commit(db, term, figures, args))
        figures.attempt(["keypress median ms"], lambda: keys(term, figures, args.presses))
        for word in (RARE, COMMON):
            figures.attempt([f"filter '{word}' ms"], lambda w=word: filter_word(term, figures, w))  # type: ignore[misc]
        figures.add("peak RSS MB", term.peak_rss_mb())
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()


def idle(term: Terminal, figures: Figures, seconds: float) -> None:
    cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
    pump(term, seconds)
    rate = (cpu_seconds(term.process.pid) - cpu) / (time.perf_counter() - started)
    figures.add("idle % of a core", 100 * rate)


def per_commit(db: Path, term: Terminal, figures: Figures, args: argparse.Namespace) -> None:
    """Mentions stored by this process (as a collector stores them, one per commit);
    the app's CPU meanwhile, less its idle rate, per commit."""
    rate = figures.values["idle % of a core"][-1] / 100
    rng = random.Random(len(figures.values.get("CPU per commit ms", [])))

    async def commits() -> float:
        async with await Inbox.open(db, "collector") as inbox:
            cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
            for n in range(args.commits):
                item = MentionIn(
                    channel=Channel.MASTODON,
                    external_id=f"scale-arrival-{time.time_ns()}-{n}",
                    text=f"Arrival {n}: is the kestrel sync down again?",
                    created_at=team_seed.NOW,
                    author=AuthorIn(handle=f"user{rng.randint(0, 99)}@bench.example"),
                )
                flat = records.flatten(item, Sentiment(-0.4, 0.0, 0.7, 0.3))
                await inbox.mentions.insert_batch([flat], inbox.now_ms())
                pump(term, COMMIT_GAP_S)
            pump(term, QUIET_S)
            spent = cpu_seconds(term.process.pid) - cpu
            return (spent - rate * (time.perf_counter() - started)) / args.commits

    figures.add("CPU per commit ms", 1000 * asyncio.run(commits()))


def keys(term: Terminal, figures: Figures, presses: int) -> None:
    for took in presses_down(term, presses):
        figures.add("keypress s", took)
    total = position(term)[1]  # type: ignore[index]
    for _ in range(3):
        for key, want in ((b"G", total), (b"g", 1)):
            sent = term.send(key)
            done = term.wait(
                lambda t, w=want: (p := position(t)) is not None and p[0] == w and rows_shown(t)
            )
            figures.add("keypress s", done - sent)


def filter_word(term: Terminal, figures: Figures, word: str) -> None:
    """`/word⏎`: Enter -> the first rows of the result (the count may follow)."""
    term.send(b"/" + word.encode())
    term.wait(lambda t: any(word in line for line in t.lines()[-4:-1]))
    sent = term.send(b"\r")
    done = term.wait(lambda t: filtered(t, word), timeout=120)
    figures.add(f"filter '{word}' s", done - sent)
    figures.add(f"filter '{word}' counted s", term.wait(counted, timeout=300) - sent)
    term.send(b"\x1b")
    term.wait(lambda t: f"/{word}" not in t.lines()[0] and counted(t), timeout=300)
    pump(term, 0.2)  # the terminal's Escape timeout, before the next key


# ---------------------------------------------------------------- lists and customers


ESC_STATUS = re.compile(r"Escalations\s.*?([\d,]+)")


def escalations_shown(term: Terminal) -> int | None:
    for line in term.lines()[:3]:
        if "loading" not in line and (match := ESC_STATUS.search(line)):
            return int(match.group(1).replace(",", ""))
    return None


def named(term: Terminal, name: str) -> bool:
    """`name` is among the hits (not only in the line it is typed in)."""
    return sum(name in line for line in term.lines()) >= 2


def probe_name(db: Path) -> str:
    """A customer's name, typed to time the search: the newest with a plain-ASCII one."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT name FROM customers ORDER BY id DESC LIMIT 200").fetchall()
    return next(n for (n,) in rows if n.isascii() and " " in n)


def lists_session(db: Path, env: dict[str, str], figures: Figures, probe: str) -> None:
    """C, a customer's name -> the hit; "Kate Lindqvist" -> her 100k-item view; E -> the
    escalations."""
    kate = "Kate Lindqvist"
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        term.wait(counted, timeout=300)
        pump(term, QUIET_S)

        def search() -> None:
            term.send(b"C")
            term.wait(lambda t: any("Find a customer" in line for line in t.lines()))
            sent = term.send(probe.encode())
            done = term.wait(lambda t: named(t, probe), 120)
            figures.add("customer search s", done - sent)
            term.send(b"\x1b")
            term.wait(counted, timeout=60)
            pump(term, 0.2)

        def view() -> None:
            term.send(b"C")
            term.wait(lambda t: any("Find a customer" in line for line in t.lines()))
            term.send(kate.encode())
            term.wait(lambda t: named(t, kate), 120)
            sent = term.send(b"\r")
            done = term.wait(
                lambda t: (s := customer_view_bench.status(t)) is not None and s[1] >= HISTORY,
                timeout=120,
            )
            figures.add("customer view 100k s", done - sent)
            term.send(b"\x1b")
            term.wait(counted, timeout=60)
            pump(term, 0.2)

        def escalations() -> None:
            sent = term.send(b"E")
            done = term.wait(lambda t: escalations_shown(t) is not None, timeout=120)
            figures.add("escalations 100k s", done - sent)
            figures.notes["escalations shown"] = f"{escalations_shown(term):,} of {ESCALATIONS:,}"

        figures.attempt(["customer search ms"], search)
        figures.attempt(["customer view 100k ms"], view)
        figures.attempt(["escalations 100k ms"], escalations)
        figures.add("RSS after C, view, E MB", term.peak_rss_mb())
    finally:
        term.close()


# ---------------------------------------------------------------- matching


def matching_part(db: Path, budget: float) -> dict[str, float]:
    """In this process: the matcher over the database's customers, match() for the eval
    authors, then `budget` seconds of the re-match an import owes. Prints JSON."""
    sys.path.insert(0, str(ROOT / "bench"))
    from match_bench import load_eval, match_times, percentile

    out: dict[str, float] = {}

    async def run() -> None:
        async with await Inbox.open(db, AGENT) as inbox:
            # Step 23's one-off job (`scrm catch-up` runs it after an upgrade): the
            # customers indexed before there were pairs get theirs.
            started = time.perf_counter()
            if await inbox.linker.pair_up():
                out["pairs written s"] = time.perf_counter() - started
            started = time.perf_counter()
            matcher = await inbox.linker.matcher()
            out["matcher build s"] = time.perf_counter() - started
            cases = load_eval()
            took = match_times(matcher, cases, cases[:200])
            out["match p50 ms"] = statistics.median(took)
            out["match p99 ms"] = percentile(took, 0.99)
            out["matching RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            await inbox.add_customers([CustomerIn(name="Scale Bench Probe")], rematch=True)
            progress = [0, 0]
            begun = time.perf_counter()

            def on_progress(done: int, total: int) -> None:
                progress[:] = [done, total]

            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(inbox.linker.resume_rematch(on_progress), budget)
            out["re-match authors/s"] = progress[0] / (time.perf_counter() - begun)
            out["re-match owed"] = progress[1]

    asyncio.run(run())
    return out


def matching(db: Path, figures: Figures, budget: float, limit: float) -> None:
    """matching_part in a process of its own (its memory is its own), `limit` seconds."""
    names = ["matching RSS MB", "match p50 ms", "match p99 ms", "re-match authors/s"]
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--matching-part", str(db), "--rematch-budget", str(budget)],
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        for name in names:
            figures.missing.setdefault(name, f"the matcher did not finish in {limit:.0f} s")
        return
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exited"])[-1]
        for name in names:
            figures.missing.setdefault(name, last[:100])
        return
    for name, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
        figures.add(name, value)


# ---------------------------------------------------------------- the report


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    return "PASS" if (value >= target if higher_is_better else value <= target) else "FAIL"


def summarise(size: int, figures: Figures, runs: int) -> list[dict[str, str]]:
    values = {k: statistics.median(v) for k, v in figures.values.items()}
    for name in list(figures.values):  # seconds -> ms, as the targets are written
        if name.endswith(" s") and name not in (
            "first paint s",
            "matcher build s",
            "pairs written s",
        ):
            values[name[:-2] + " ms"] = values[name] * 1000
    if "first paint s" in values and "bare app s" in values:
        values["first paint / bare app"] = values["first paint s"] / values["bare app s"]
    if "keypress s" in figures.values:
        ms = [v * 1000 for v in figures.values["keypress s"]]
        values["keypress median ms"] = statistics.median(ms)
        values["keypress p95 ms"] = pct(ms, 0.95)
    if "bare app key s" in figures.values and "keypress median ms" in values:
        # The harness and a bare Textual app's own cost, pressed alike: what is left
        # above it is the inbox's.
        bare = [v * 1000 for v in figures.values["bare app key s"]]
        values["bare app key median ms"] = statistics.median(bare)
        values["keypress / bare app key"] = (
            values["keypress median ms"] / values["bare app key median ms"]
        )
    rows = []
    for name, target in TARGETS.items():
        higher = name.endswith("/s")
        if name in values:
            shown = f"{values[name]:,.2f}" if values[name] < 100 else f"{values[name]:,.0f}"
            result = verdict(values[name], target, higher)
        else:
            shown = f"n/a ({figures.missing.get(name, 'not measured in this run')})"
            result = "n/a"
        rows.append(
            {
                "figure": name,
                "target": f"{'>=' if higher else '<='} {target:,.4g}",
                "measured": shown,
                "verdict": result,
            }
        )
    for name in (
        f"filter '{RARE}' counted ms",
        f"filter '{COMMON}' counted ms",
        "escalations 100k ms",
        "matcher build s",
        "pairs written s",
        "first paint s",
        "bare app s",
        "bare app key median ms",
        "keypress / bare app key",
        "RSS after C, view, E MB",
    ):
        if name in values:
            rows.append(
                {"figure": name, "target": "-", "measured": f"{values[name]:,.2f}", "verdict": "-"}
            )
        elif name in figures.missing:
            rows.append(
                {
                    "figure": name,
                    "target": "-",
                    "measured": f"n/a ({figures.missing[name]})",
                    "verdict": "n/a",
                }
            )
    for name, note in figures.notes.items():
        rows.append(
            {
                "figure": name,
                "target": "all",
                "measured": note,
                "verdict": "PASS" if note.split(" of ")[0] == note.split(" of ")[-1] else "FAIL",
            }
        )
    print(f"\n== {size:,} mentions (medians of {runs} runs)")
    width = max(len(r["figure"]) for r in rows)
    for row in rows:
        print(
            f"{row['figure']:{width}}  {row['target']:>10}  {row['measured']:48}  {row['verdict']}"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--authors", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="app sessions per size")
    parser.add_argument("--presses", type=int, default=30, help="j presses per session")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds idle per session")
    parser.add_argument("--commits", type=int, default=10, help="commits by another process")
    parser.add_argument("--only", choices=("inbox", "lists", "customers"), action="append")
    parser.add_argument("--rematch-budget", type=float, default=60.0, help="seconds of re-match")
    parser.add_argument("--matching-limit", type=float, default=900.0, help="seconds in all")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "scrm-scale")
    parser.add_argument("--seed-only", action="store_true", help="seed the databases, no runs")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--matching-part", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.matching_part:
        print(json.dumps(matching_part(args.matching_part, args.rematch_budget)))
        return 0
    parts = set(args.only or ("inbox", "lists", "customers"))
    args.cache.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(ROOT / "scrm_tui", quiet=1)  # as an installed wheel would have
    home = Path(tempfile.mkdtemp(prefix="scrm-scale-"))
    env = app_env(home)
    results = {}
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            db = world(args.cache, size, args.customers, args.authors)
            if args.seed_only:
                continue
            figures = Figures()
            probe = probe_name(db)
            work = working_copy(db)  # one per size: copying 10M mentions takes a while
            heartbeats = Heartbeats(work)
            heartbeats.start()
            try:
                for run in range(args.runs):
                    if "inbox" in parts:
                        print(f"{size:,}: inbox session {run + 1}/{args.runs}…", flush=True)
                        figures.add("bare app s", measure_minimal(env))
                        for took in bare_keys(env, args.presses):
                            figures.add("bare app key s", took)
                        figures.attempt(
                            ["first paint / bare app", "keypress median ms", "peak RSS MB"],
                            lambda w=work, f=figures: inbox_session(w, env, f, args),  # type: ignore[misc]
                        )
                    if "lists" in parts:
                        print(f"{size:,}: C, customer view, E {run + 1}/{args.runs}…", flush=True)
                        lists_session(work, env, figures, probe)
                if "customers" in parts:  # last: its re-match links authors in the copy
                    print(f"{size:,}: the matcher, in a process of its own…", flush=True)
                    matching(work, figures, args.rematch_budget, args.matching_limit)
            finally:
                heartbeats.stopping.set()
                heartbeats.join()
                remove(work)
            results[size] = summarise(size, figures, args.runs)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
