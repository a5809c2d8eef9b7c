"""Issue 14's speed targets for the dashboard, at 1M mentions and 100k customers.

    python bench/dashboard_bench.py                                  # 1M mentions, 100k customers
    python bench/dashboard_bench.py --mentions 100000 --customers 10000 --runs 3
    python bench/dashboard_bench.py --only sections --json /tmp/dash.json

The database is seeded once a day by bench/dashboard_seed.py into --cache (default
/tmp/scrm-dash, outside the repository): mentions over 120 days, customers, answers by
20 agents, replies between authors (answers, thanks) and escalations. Each run works
on a copy, deleted afterwards. It prints:

- terms: the one-time count of the rising terms' days, as the first `scrm report
  --range 90d` on the copy pays it (wall and CPU of the process);
- report: `scrm report --range 90d` in a process of its own (imports count), terms
  counted; target <= 2 s;
- sections: the build time of each section in report.SECTIONS (whatever it holds),
  each range, in one process, median of --runs (so which section costs what can be
  read after a merge), then the whole report and the rising terms;
- app: the real `scrm` in a pseudo-terminal (bench/inbox_bench.py's harness, 160x40):
  `D` -> the frame that shows the dashboard's figures (target <= 300 ms), and each range
  key `1`-`4` -> the frame that shows that range's figures (target <= 200 ms), with the
  app's CPU for each and how long it stayed busy (the rising terms follow the figures),
  medians and p90 over --runs sessions; each key once the app is idle again. The
  figures come section by section: "first" is the frame with the range's first section
  (its Mentions line), "all" the frame with every section read (no "reading…" left).
  Then `1` pressed while a 90-day range is still read (its first section painted):
  the new range must not wait behind the old one's statements.
  `--against DIR` runs the same reports and sessions, alternating, over the code in DIR
  (a `git archive` of another commit) so both columns share the machine's load;
  `--size 80x24`.

Exits 0 whatever the figures are: these are figures, not a test. The machine is shared:
wall times drift by a third between runs; CPU times and ratios in one run compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inbox_bench  # noqa: E402
from bench.dashboard_seed import seeded  # noqa: E402
from bench.inbox_bench import Terminal, app_env, position, rows_shown  # noqa: E402
from scrm_tui.core.ranges import PRESETS, parse_range  # noqa: E402
from scrm_tui.service import report  # noqa: E402
from scrm_tui.service.measures import Settings  # noqa: E402
from scrm_tui.store.db import Database, begin_read  # noqa: E402

PAINT_TARGET_S = 0.300
SWITCH_TARGET_S = 0.200
REPORT_TARGET_S = 2.0
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
# Wide enough that the title line says the range and "loading…" whole (at 80 columns a
# 90-day range's line is cut before it, and a frame still loading looks painted).
inbox_bench.COLS, inbox_bench.ROWS = 160, 40


@dataclass
class Figures:
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def median(self, name: str) -> float:
        return statistics.median(self.values[name])

    def p90(self, name: str) -> float:
        ordered = sorted(self.values[name])
        return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def working_copy(db: Path, into: Path) -> Path:
    work = into / "dash-run.db"
    shutil.copyfile(db, work)
    return work


# ---------------------------------------------------------------- scrm report


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_report(db: Path, env: dict[str, str], range_name: str) -> tuple[float, float]:
    """`scrm report --range NAME` in a process of its own: (wall s, CPU s)."""
    cpu = children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "report", "--range", range_name],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, children_cpu() - cpu


# ---------------------------------------------------------------- the sections


def section_name(builder: Callable[..., object]) -> str:
    module = getattr(builder, "__module__", "?").rsplit(".", 1)[-1]
    return f"{module}.{getattr(builder, '__name__', '?')}"


async def time_sections(db_path: Path, runs: int, figures: Figures) -> list[str]:
    """Each section of report.SECTIONS built alone in the report's snapshot, each range;
    then the whole report without and the rising terms (counted already) alone."""
    db = await Database.open(db_path)
    settings = Settings()
    names = []
    try:
        for range_name in PRESETS:
            period = parse_range(range_name, int(time.time() * 1000))
            for _ in range(runs):
                conn = db.reader
                await begin_read(conn)  # one snapshot for every section, as a report reads
                try:
                    for make in report.SECTIONS:
                        name = section_name(make)
                        if name not in names:
                            names.append(name)
                        wall, cpu = time.perf_counter(), time.process_time()
                        await make(conn, period, settings, period.end_ms)
                        figures.add(f"{name} {range_name}", time.perf_counter() - wall)
                        figures.add(f"{name} {range_name} cpu", time.process_time() - cpu)
                finally:
                    await conn.execute("COMMIT")
                wall, cpu = time.perf_counter(), time.process_time()
                await report.build(db, period, settings, with_rising=False)
                figures.add(f"all sections {range_name}", time.perf_counter() - wall)
                figures.add(f"all sections {range_name} cpu", time.process_time() - cpu)
                wall, cpu = time.perf_counter(), time.process_time()
                await report.rising_terms(db, period, settings)
                figures.add(f"rising terms {range_name}", time.perf_counter() - wall)
                figures.add(f"rising terms {range_name} cpu", time.process_time() - cpu)
    finally:
        await db.close()
    return names


# ---------------------------------------------------------------- the app


def app_cpu(pid: int) -> float:
    """CPU seconds of a process, every thread (from /proc, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def quiet(pid: int, timeout: float = 300.0) -> float:
    """When the app had used under 10% of a core over the last half second."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        cpu = app_cpu(pid)
        time.sleep(0.5)
        if app_cpu(pid) - cpu < 0.05:
            return time.perf_counter() - 0.5
    raise TimeoutError("the app stayed busy")


def painted(name: str) -> Callable[[Terminal], bool]:
    """The dashboard shows range `name`'s figures (read, not loading)."""

    def shown(term: Terminal) -> bool:
        lines = term.lines()
        status = next((ln for ln in lines if ln.strip().startswith("Dashboard")), None)
        return (
            status is not None
            and f"  {name} · " in status
            and "loading…" not in status
            and any(
                ln.lstrip().startswith("Mentions") and any(c.isdigit() for c in ln) for ln in lines
            )
        )

    return shown


def all_painted(name: str) -> Callable[[Terminal], bool]:
    """Every section of range `name` read (the title line says "reading" while not)."""
    first = painted(name)

    def shown(term: Terminal) -> bool:
        status = next((ln for ln in term.lines() if ln.strip().startswith("Dashboard")), "")
        return first(term) and "reading" not in status

    return shown


class StampedTerminal(Terminal):
    """The app's output read on a thread of its own the moment it comes, each piece
    stamped then: a frame is timed when the app wrote it, not when the harness, busy
    parsing the frames before it (pyte: hundreds of ms for a full 160x40 redraw), got
    round to reading it. The last round counted 400-1,030 ms of that parsing as the
    app's time on a range key."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        super().__init__(argv, env)
        self.pieces: queue.Queue[tuple[float, bytes]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # the app exited (or the terminal was closed)
                data = b""
            self.pieces.put((time.perf_counter(), data))
            if not data:
                return

    def piece(self, timeout: float) -> tuple[float, bytes] | None:
        """The next piece and when it came (to within the interpreter's switch
        interval, 5 ms), however long the harness took over the pieces before it."""
        try:
            arrived, data = self.pieces.get(timeout=timeout)
        except queue.Empty:
            return None
        if not data:
            raise TimeoutError("the program exited")
        return arrived, data


def app_session(db: Path, env: dict[str, str], figures: Figures) -> None:
    """One app: the inbox up, then `D`, each range key, Esc and `D` again."""
    term = StampedTerminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        term.wait(lambda t: (p := position(t)) is not None and p[1] is not None and rows_shown(t))
        time.sleep(1.0)  # the inbox's own start-up reads are done
        pid = term.process.pid
        # The harness's own time reading the frames (pyte, in this process, and looking
        # at every cell after each read): a frame is timed when its bytes are read,
        # after every frame before it was parsed and looked at.
        parsing = [0.0]
        feed = term.stream.feed

        def timed_feed(data: bytes) -> None:
            began = time.perf_counter()
            feed(data)
            parsing[0] += time.perf_counter() - began

        term.stream.feed = timed_feed  # type: ignore[method-assign]

        def looking(predicate: Callable[[Terminal], bool]) -> Callable[[Terminal], bool]:
            """The predicate, its time counted with the parsing (it reads every cell)."""

            def timed_predicate(t: Terminal) -> bool:
                began = time.perf_counter()
                try:
                    return predicate(t)
                finally:
                    parsing[0] += time.perf_counter() - began

            return timed_predicate

        def timed(key: bytes, name: str, label: str) -> None:
            cpu = app_cpu(pid)
            parsing[0] = 0.0
            sent = term.send(key)
            done = term.wait(looking(painted(name)), timeout=120)
            figures.add(label, done - sent)
            figures.add(f"{label} parse", parsing[0])
            figures.add(f"{label} all", term.wait(all_painted(name), timeout=120) - sent)
            figures.add(f"{label} cpu", app_cpu(pid) - cpu)
            # The rising terms follow the figures: the next key once the app is idle
            # again (under 10% of a core for half a second), and how long it was busy.
            figures.add(f"{label} busy", quiet(pid) - sent)

        timed(b"D", "7d", "D → figures")
        for key, name in ((b"1", "24h"), (b"3", "30d"), (b"4", "90d"), (b"2", "7d")):
            timed(key, name, f"switch → {name}")
        # A key while the last range is still read: 90 days' first section painted, its
        # costly sections under way, then `1`.
        term.send(b"4")
        term.wait(painted("90d"), timeout=120)
        timed(b"1", "24h", "24h, 90d under way")
        term.send(b"2")  # back to 7 days, which `D` again opens on
        term.wait(all_painted("7d"), timeout=120)
        quiet(pid)
        term.send(b"\x1b")
        term.wait(lambda t: position(t) is not None and rows_shown(t))
        time.sleep(0.3)
        timed(b"D", "7d", "D again → figures")
    finally:
        term.close()


# ---------------------------------------------------------------- printing


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def print_app(tree: str, args: argparse.Namespace, figures: Figures) -> None:
    print(
        f"\nthe app ({tree}), {args.size}, {args.runs} sessions: median (p90) to the first "
        "section, to all sections; app CPU median"
    )
    for label in (
        "D → figures",
        *(f"switch → {r}" for r in ("24h", "30d", "90d", "7d")),
        "24h, 90d under way",
        "D again → figures",
    ):
        target = PAINT_TARGET_S if label.startswith("D") else SWITCH_TARGET_S
        if label not in figures.values:
            print(f"  {label:22}      n/a")
            continue
        print(
            f"  {label:22}{ms(figures.median(label)):>9} ({ms(figures.p90(label))})"
            f"  all {ms(figures.median(f'{label} all')):>9} ({ms(figures.p90(f'{label} all'))})"
            f"  CPU {ms(figures.median(f'{label} cpu')):>7}"
            f"   target <= {ms(target)} {verdict(figures.median(label), target)}"
            f"   busy {ms(figures.median(f'{label} busy'))}"
            f"   harness parsing {ms(figures.median(f'{label} parse'))}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scrm-dash"))
    parser.add_argument("--only", choices=("report", "sections", "app"), action="append")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--against", type=Path, help="another tree's code, run alternately")
    parser.add_argument("--size", default="160x40", help="the terminal, COLSxROWS")
    args = parser.parse_args()
    parts = set(args.only or ("report", "sections", "app"))
    inbox_bench.COLS, inbox_bench.ROWS = (int(n) for n in args.size.split("x"))
    seed = seeded(args.cache, args.mentions, args.customers)
    figures = Figures()
    out: dict[str, object] = {"mentions": args.mentions, "customers": args.customers}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="scrm-dash-", dir=args.cache) as tmp:
        home = Path(tmp)
        env = app_env(home)
        db = working_copy(seed, home)
        trees = [("this tree", env, figures, db)]
        if args.against is not None:
            # A copy of its own: this tree may upgrade its copy past what the other reads.
            other = dict(env, PYTHONPATH=str(args.against.resolve()))
            (home / "against").mkdir()
            trees.insert(
                0, (str(args.against), other, Figures(), working_copy(seed, home / "against"))
            )
        for name, tree_env, _, tree_db in trees:
            wall, cpu = run_report(tree_db, tree_env, "90d")  # upgrades, counts the terms
            print(
                f"\nterms, counted once ({name}): the first `scrm report --range 90d` "
                f"{wall:.1f} s, {cpu:.1f} s CPU (load average {load:.1f})"
            )
            out[f"first report (terms counted), {name}"] = {"wall_s": wall, "cpu_s": cpu}
        if "report" in parts:
            for _ in range(args.runs):
                for _, tree_env, tree_figures, tree_db in trees:  # alternately: one load
                    wall, cpu = run_report(tree_db, tree_env, "90d")
                    tree_figures.add("report 90d", wall)
                    tree_figures.add("report 90d cpu", cpu)
            for name, _, tree_figures, _ in trees:
                print(
                    f"scrm report --range 90d ({name}): median "
                    f"{tree_figures.median('report 90d'):.2f} s "
                    f"(p90 {tree_figures.p90('report 90d'):.2f}), CPU "
                    f"{tree_figures.median('report 90d cpu'):.2f} s; target <= "
                    f"{REPORT_TARGET_S:.0f} s "
                    f"{verdict(tree_figures.median('report 90d'), REPORT_TARGET_S)}"
                )
        if "sections" in parts:
            names = asyncio.run(time_sections(db, args.runs, figures))
            print(f"\nsections, median of {args.runs} (wall / CPU of the process):")
            print(f"{'':24}" + "".join(f"{r:>18}" for r in PRESETS))
            for name in (*names, "all sections", "rising terms"):
                cells = "".join(
                    f"{ms(figures.median(f'{name} {r}')):>9} /"
                    f"{ms(figures.median(f'{name} {r} cpu')):>7}"
                    for r in PRESETS
                )
                print(f"{name:24}{cells}")
        if "app" in parts:
            for _ in range(args.runs):
                for _, tree_env, tree_figures, tree_db in trees:
                    try:
                        app_session(tree_db, tree_env, tree_figures)
                    except TimeoutError as error:  # a figure, not a test: say it, go on
                        print(f"a session ended early, the screen then:\n{error}")
            for name, _, tree_figures, _ in trees:
                print_app(name, args, tree_figures)
    out["figures"] = {
        name: {"median": figures.median(name), "p90": figures.p90(name), "all": values}
        for name, values in figures.values.items()
    }
    out["load average"] = load
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
