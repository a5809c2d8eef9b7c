"""Inbox performance at scale: first paint, keypress latency, memory and ingest.

For each size (default 100k and 1M mentions) this seeds a database through the
real ingest pipeline, then runs the real app in a pseudo-terminal, renders what it
writes with pyte (a terminal emulator) and measures:

- first paint: process start to the first frame that shows the inbox rows, as a
  ratio to a minimal Textual app started the same way in the same run;
- keypress latency (median, p95): from writing the key to the pty until the frame
  that shows its effect (`j`, `G`/`g` with the rows loaded, `/` opening the filter),
  plus filter results (Enter to the counted result) for a rare and a common word;
- peak RSS of the app process (VmHWM);
- ingest throughput through the pipeline (parse, sentiment, insert, FTS) as a ratio
  to bare VADER scoring of the same texts in one process.

Absolute times drift by a third between runs on shared machines: read the ratios.

    python bench/inbox_bench.py                   # 100k and 1M
    python bench/inbox_bench.py --sizes 100000 --runs 3
    python bench/inbox_bench.py --reuse           # keep seeded databases between runs
    python bench/inbox_bench.py --ingest-only --rules bench/rules.toml   # ingest with rules
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import compileall
import fcntl
import itertools
import json
import os
import random
import re
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
# The scrm to measure: this checkout, or another tree's package (bench/ingest_ab.py
# runs this bench over older commits' scrm_tui, so every tree is timed the same way).
TREE = Path(os.environ.get("SCRM_BENCH_TREE", ROOT))
sys.path.insert(0, str(TREE))

from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.service.ingest import ingest_stream  # noqa: E402
from scrm_tui.service.settings import load_config  # noqa: E402

FIXTURES = ROOT / "scrm_tui" / "fixtures"
COLS, ROWS = 80, 24
CHANNELS = ["mastodon", "bluesky", "reddit", "hackernews", "github", "rss"]
CHANNEL_WEIGHTS = [27, 25, 19, 13, 9, 8]


# ---------------------------------------------------------------- corpus


def corpus_texts() -> list[str]:
    """Every demo post under 3,000 characters: real-sounding, varied lengths."""
    texts = []
    for name in ("mentions.jsonl", "stream.jsonl"):
        with open(FIXTURES / name, encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                if len(text) < 3000:
                    texts.append(text)
    return texts


def corpus_lines(n: int, seed: int = 7, prefix: str = "b") -> Iterator[str]:
    """`n` JSON Lines mentions: Zipf-distributed authors, a year of timestamps (2025).

    Corpora with different prefixes have different ids, so one can arrive into another."""
    rng = random.Random(seed)
    texts = corpus_texts()
    accounts = max(n // 10, 100)
    weights = list(itertools.accumulate(1 / (k + 1) ** 1.1 for k in range(accounts)))
    # An account lives on one network: the same handle elsewhere is someone else.
    home = rng.choices(CHANNELS, CHANNEL_WEIGHTS, k=accounts)
    start = 1_735_689_600  # 2025-01-01
    for i in range(n):
        who = bisect.bisect_left(weights, rng.random() * weights[-1])
        channel = home[who]
        when = start + (i * 31_536_000) // n + rng.randint(0, 30)
        yield json.dumps(
            {
                "channel": channel,
                "id": f"{prefix}{i}",
                "text": rng.choice(texts),
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
                "author": {
                    "handle": f"user{who}@bench.example",
                    "name": f"Bench User {who}",
                    "followers": (who * 37) % 5000,
                },
            }
        )


def write_corpus(path: Path, n: int, *, seed: int = 7, prefix: str = "b") -> None:
    tmp = path.with_suffix(".partial")
    with open(tmp, "w", encoding="utf-8") as out:
        for line in corpus_lines(n, seed, prefix):
            out.write(line + "\n")
    tmp.replace(path)


# ---------------------------------------------------------------- ingest


@dataclass
class IngestFigures:
    rows: int
    vader_seconds: float
    pipeline_seconds: float
    # CPU seconds: bare VADER's, and the pipeline's in every process (writer and
    # workers). A shared machine's load moves the wall-clock ratio; these move less.
    vader_cpu: float = 0.0
    pipeline_cpu: float = 0.0

    @property
    def ratio(self) -> float:
        return self.vader_seconds / self.pipeline_seconds


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_vader_seconds(corpus: Path) -> tuple[float, float]:
    """Wall and CPU seconds of VADER over the corpus's texts, in this process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    with open(corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    analyzer = SentimentIntensityAnalyzer()
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        analyzer.polarity_scores(text)
    return time.perf_counter() - started, time.process_time() - cpu


def seed(db: Path, corpus: Path, config: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (all processes) of ingesting the corpus into a new `db`."""

    async def run() -> tuple[float, float]:
        async with await Inbox.open(db, "bench") as inbox:
            if config is not None:
                # The rules act as they would in `scrm ingest --config`; three agents
                # are present for round-robin, beating until long after the run.
                inbox.configure(load_config(config))
                async with inbox.db.transaction() as conn:
                    await conn.executemany(
                        "INSERT INTO presence VALUES (?, ?, 0, ?)",
                        [
                            (f"bench:{n}:0", name, inbox.now_ms() + 86_400_000)
                            for n, name in enumerate(("dana", "kate", "lee"))
                        ],
                    )
            with open(corpus, "rb") as handle:
                started, cpu = time.perf_counter(), cpu_seconds()
                report = await ingest_stream(inbox, handle)  # ends its workers
                elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        assert report.ok and report.stored > 0, report
        return elapsed, cpu

    return asyncio.run(run())


# ---------------------------------------------------------------- the terminal


class Terminal:
    """A program in a pseudo-terminal, its output rendered by pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master

    def lines(self) -> list[str]:
        return self.screen.display

    def reverse_row(self) -> str | None:
        for y in range(ROWS):
            line = self.screen.buffer[y]
            if any(line[x].reverse for x in range(COLS)):
                return self.screen.display[y]
        return None

    def send(self, data: bytes) -> float:
        os.write(self.fd, data)
        return time.perf_counter()

    def wait(self, predicate: Callable[[Terminal], bool], timeout: float = 60.0) -> float:
        """Read output until `predicate` holds; return the time the deciding bytes came."""
        deadline = time.perf_counter() + timeout
        if predicate(self):
            return time.perf_counter()
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("\n".join(self.lines()))
            piece = self.piece(min(left, 0.5))
            if piece is None:
                continue
            arrived, data = piece
            self.stream.feed(data)
            if predicate(self):
                return arrived

    def piece(self, timeout: float) -> tuple[float, bytes] | None:
        """The program's next output and when it was read; None if none within `timeout`."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            raise TimeoutError("the program exited") from None
        return time.perf_counter(), data

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def close(self) -> None:
        try:
            self.process.terminate()
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.fd)


def app_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
    env.update(
        TERM="xterm-256color",
        NO_COLOR="1",  # the cursor row is then reverse video, easy to find
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        SCRM_AGENT="bench",
    )
    return env


# `12/1,523`; `1/…` or `1/≥10,000` while a filter's count is not known yet.
POSITION = re.compile(r"(\d[\d,]*)/(\d[\d,]*|…|≥[\d,]+)\s*$")


def position(term: Terminal) -> tuple[int, int | None] | None:
    match = POSITION.search(term.lines()[0].rstrip())
    if match is None:
        return None
    shown = match.group(2)
    total = None if shown[0] in "…≥" else int(shown.replace(",", ""))
    return int(match.group(1).replace(",", "")), total


def rows_shown(term: Terminal) -> bool:
    """The list has drawn real rows (not the '…' of rows still loading)."""
    row = term.reverse_row()
    return row is not None and row.strip() not in ("", "…")


def step_down(term: Terminal) -> float:
    """`j`: seconds from the key to the frame that shows the cursor a row down."""
    at = position(term)[0]  # type: ignore[index]
    sent = term.send(b"j")
    done = term.wait(
        lambda t, want=at + 1: (p := position(t)) is not None and p[0] == want and rows_shown(t)
    )
    return done - sent


# ---------------------------------------------------------------- measurements


@dataclass
class Session:
    first_paint: list[float] = field(default_factory=list)
    minimal_paint: list[float] = field(default_factory=list)
    keys: dict[str, list[float]] = field(default_factory=dict)
    rss_mb: list[float] = field(default_factory=list)

    def add(self, name: str, value: float) -> None:
        self.keys.setdefault(name, []).append(value)


def measure_minimal(env: dict[str, str]) -> float:
    term = Terminal([sys.executable, str(ROOT / "bench" / "minimal_app.py")], env)
    try:
        painted = term.wait(lambda t: any("minimal app ready" in line for line in t.lines()))
        return painted - term.started
    finally:
        term.close()


def measure_app(db: Path, env: dict[str, str], session: Session, presses: int) -> None:
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        painted = term.wait(lambda t: position(t) is not None and rows_shown(t))
        session.first_paint.append(painted - term.started)
        term.wait(lambda t: (p := position(t)) is not None and p[1] is not None)
        total = position(term)[1]  # type: ignore[index]
        assert total is not None

        for _ in range(presses):  # j: one row down
            session.add("j", step_down(term))
        for _ in range(max(presses // 4, 3)):  # G / g: the ends of the list
            for key, want in ((b"G", total), (b"g", 1)):
                sent = term.send(key)
                done = term.wait(
                    lambda t, w=want: (p := position(t)) is not None and p[0] == w and rows_shown(t)
                )
                session.add(key.decode(), done - sent)
        for _ in range(max(presses // 4, 3)):  # /: the filter line opens (then Esc)
            sent = term.send(b"/")
            done = term.wait(lambda t: any("filter: words" in line for line in t.lines()))
            session.add("/", done - sent)
            term.send(b"\x1b")
            term.wait(lambda t: not any("filter: words" in line for line in t.lines()))
            time.sleep(0.15)  # let the terminal's Escape timeout pass before the next key
        for word in ("postmortem", "kestrel"):
            for _ in range(3):
                term.send(b"/" + word.encode())
                term.wait(lambda t, w=word: any(w in ln for ln in t.lines()[-4:-1]))
                sent = term.send(b"\r")
                done = term.wait(
                    lambda t, w=word: (
                        re.search(rf"/{w} → \d", t.lines()[0]) is not None and rows_shown(t)
                    ),
                    timeout=120,
                )
                session.add(f"filter '{word}'", done - sent)
                term.send(b"\x1b")
                term.wait(lambda t, w=word: f"/{w}" not in t.lines()[0], timeout=120)
                time.sleep(0.15)
        session.rss_mb.append(term.peak_rss_mb())
        term.send(b"q")
        term.process.wait(timeout=10)
    finally:
        term.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report_size(size: int, session: Session, ingest: IngestFigures | None) -> dict[str, object]:
    minimal = statistics.median(session.minimal_paint)
    first = statistics.median(session.first_paint)
    keypresses = [v for k in ("j", "G", "g", "/") for v in session.keys.get(k, [])]
    result: dict[str, object] = {
        "mentions": size,
        "first_paint_s": round(first, 3),
        "minimal_app_paint_s": round(minimal, 3),
        "first_paint_ratio": round(first / minimal, 2),
        "keypress_median_ms": round(statistics.median(keypresses) * 1000, 1),
        "keypress_p95_ms": round(pct(keypresses, 0.95) * 1000, 1),
        "keys": {
            key: {
                "median_ms": round(statistics.median(v) * 1000, 1),
                "p95_ms": round(pct(v, 0.95) * 1000, 1),
                "n": len(v),
            }
            for key, v in session.keys.items()
        },
        "peak_rss_mb": round(max(session.rss_mb), 1),
    }
    if ingest is not None:
        result["ingest"] = {
            "rows": ingest.rows,
            "pipeline_rows_per_s": round(ingest.rows / ingest.pipeline_seconds),
            "bare_vader_rows_per_s": round(ingest.rows / ingest.vader_seconds),
            "ratio": round(ingest.ratio, 3),
            "pipeline_cpu_us_per_row": round(ingest.pipeline_cpu / ingest.rows * 1e6, 1),
            "bare_vader_cpu_us_per_row": round(ingest.vader_cpu / ingest.rows * 1e6, 1),
        }
    print(f"\n== {size:,} mentions")
    print(
        f"first paint        {first * 1000:7.0f} ms   minimal Textual app {minimal * 1000:.0f} ms"
        f"   ratio {first / minimal:.2f}x   (target <= 2x)"
    )
    print(
        f"keypress (j G g /) median {result['keypress_median_ms']} ms, "
        f"p95 {result['keypress_p95_ms']} ms   (target median <= 50 ms)"
    )
    for key, figures in result["keys"].items():  # type: ignore[union-attr]
        print(
            f"   {key:18} median {figures['median_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms"
            f"  (n={figures['n']})"
        )
    print(f"peak RSS           {result['peak_rss_mb']} MB   (target <= 150 MB)")
    if ingest is not None:
        print(
            f"ingest             {ingest.rows / ingest.pipeline_seconds:,.0f} rows/s through the "
            f"pipeline, bare VADER {ingest.rows / ingest.vader_seconds:,.0f} rows/s, "
            f"ratio {ingest.ratio:.2f}x   (target >= 0.8x)"
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5, help="app sessions per size")
    parser.add_argument("--presses", type=int, default=40, help="j presses per session")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a seeded database (skips the ingest measurement)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--ingest-only", action="store_true", help="measure ingest only")
    parser.add_argument(
        "--rules", type=Path, metavar="CONFIG", help="ingest with this config's [[rules]]"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    # An installed wheel has bytecode; a source checkout under PYTHONDONTWRITEBYTECODE
    # would recompile scrm on every start and the minimal app would not.
    compileall.compile_dir(TREE / "scrm_tui", quiet=1)
    home = Path(tempfile.mkdtemp(prefix="scrm-bench-"))
    env = app_env(home)
    results = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = args.cache / f"corpus-{size}.jsonl"
            if not corpus.exists():
                print(f"writing a corpus of {size:,} mentions…", flush=True)
                write_corpus(corpus, size)
            db = args.cache / f"inbox-{size}.db"
            ingest = None
            if not (args.reuse and db.exists()):
                for suffix in ("", "-wal", "-shm", "-writers"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                print(f"bare VADER over {size:,} texts…", flush=True)
                vader, vader_cpu = bare_vader_seconds(corpus)
                print(f"ingesting {size:,} mentions through the pipeline…", flush=True)
                pipeline, pipeline_cpu = seed(db, corpus, args.rules)
                ingest = IngestFigures(size, vader, pipeline, vader_cpu, pipeline_cpu)
            if args.ingest_only:
                assert ingest is not None, "--ingest-only needs a fresh database (no --reuse)"
                rate = size / ingest.pipeline_seconds
                print(
                    f"\n== {size:,} mentions: ingest {rate:,.0f} rows/s, "
                    f"bare VADER {size / ingest.vader_seconds:,.0f} rows/s, "
                    f"ratio {ingest.ratio:.2f}x\n"
                    f"   CPU a row: pipeline {ingest.pipeline_cpu / size * 1e6:.1f} µs in all its "
                    f"processes, bare VADER {ingest.vader_cpu / size * 1e6:.1f} µs"
                )
                continue
            session = Session()
            for run in range(args.runs):
                print(f"app session {run + 1}/{args.runs}…", flush=True)
                session.minimal_paint.append(measure_minimal(env))
                measure_app(db, env, session, args.presses)
            results.append(report_size(size, session, ingest))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
