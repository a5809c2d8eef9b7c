"""The floor under the inbox's CPU per commit: a bare Textual app's CPU for one nudge from
outside that repaints an 80×24 list, in a real terminal.

    python bench/commit_floor.py [--runs 3] [--nudges 30]

The app (below, run in a pseudo-terminal as bench/commit_terminal_ab.py runs the inbox)
has what the inbox shows of a commit: a top line with counts, a list drawn line by line
(`ScrollView.render_line`, as MentionList) and a footer. A thread of its own sleeps on a
FIFO, as the commit watch sleeps in inotify, and wakes the event loop for each byte the
bench writes (`call_soon_threadsafe`); the app then puts one row on top of its list
and says the new count in the top line, in two variants: `top`, only the count is
drawn again (the list's view is further down, as when an inbox's arrivals land out
of view); `list`, every row of the list moves down one and is drawn again. Its CPU
(every thread, from /proc) over `--nudges` nudges half a second apart, less its idle
rate, per nudge: what any Textual app pays for such a frame, whatever it reads.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, app_env  # noqa: E402
from bench.scale_bench import COMMIT_GAP_S, QUIET_S  # noqa: E402
from bench.views_bench import cpu_seconds, pump  # noqa: E402

APP = """
import asyncio, os, sys, threading
from textual.app import App
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.geometry import Size
from textual.widgets import Footer, Static
from rich.segment import Segment


class Rows(ScrollView):
    def __init__(self):
        super().__init__()
        self.rows = [f"{n:>6}  someone@example  a mention, row {n}" for n in range(500)]
        self.virtual_size = Size(80, len(self.rows))

    def render_line(self, y):
        index = y + round(self.scroll_offset.y)
        text = self.rows[index] if index < len(self.rows) else ""
        return Strip([Segment(text[: self.size.width].ljust(self.size.width), self.rich_style)])


class Floor(App):
    BINDINGS = [("q", "quit", "Quit"), ("j", "bell", "Down")]

    def compose(self):
        yield Static("floor ready · 0 new", id="top")
        yield Rows()
        yield Footer()

    def on_mount(self):
        loop = asyncio.get_running_loop()
        def sleeper():
            fd = os.open(sys.argv[1], os.O_RDONLY)  # a FIFO: waits for the bench's end
            while os.read(fd, 1):
                loop.call_soon_threadsafe(self.arrived)

        threading.Thread(target=sleeper, daemon=True).start()

    def arrived(self):
        rows = self.query_one(Rows)
        rows.rows.insert(0, f"{len(rows.rows):>6}  newcomer@example  a new mention arrived")
        if sys.argv[2] == "list":  # the view at the top: every row moves down one
            rows.virtual_size = Size(80, len(rows.rows))
            rows.refresh()
        # The count's width is the same: no layout (as the inbox's top line does it).
        top = self.query_one("#top", Static)
        top.update(f"floor ready · {len(rows.rows) - 500} new", layout=False)


Floor().run()
"""


WHAT = {
    "top": "the top line's count only",
    "list": "a row on top of the list, and the count",
}


def session(env: dict[str, str], args: argparse.Namespace, repaint: str) -> float:
    """One app: its CPU per nudge (ms) less its idle rate."""
    fifo = Path(env["XDG_DATA_HOME"]) / "nudges"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    term = Terminal([sys.executable, "-c", APP, str(fifo), repaint], env)
    write = os.open(fifo, os.O_WRONLY)  # once the app's thread opens it
    try:
        term.wait(lambda t: "floor ready · 0 new" in t.lines()[0], timeout=60)
        pump(term, QUIET_S)
        cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
        pump(term, args.idle)
        rate = (cpu_seconds(term.process.pid) - cpu) / (time.perf_counter() - started)
        cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
        for n in range(1, args.nudges + 1):
            os.write(write, b"x")
            term.wait(lambda t, n=n: f"floor ready · {n} new" in t.lines()[0])
            pump(term, COMMIT_GAP_S)
        pump(term, QUIET_S)
        spent = cpu_seconds(term.process.pid) - cpu
        term.send(b"q")
        term.process.wait(timeout=30)
        return 1000 * (spent - rate * (time.perf_counter() - started)) / args.nudges
    finally:
        os.close(write)
        term.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--nudges", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scrm-commit-floor-") as home:
        env = app_env(Path(home))
        figures: dict[str, list[float]] = {"top": [], "list": []}
        for n in range(args.runs):
            for repaint, values in figures.items():
                values.append(session(env, args, repaint))
                print(f"run {n + 1} {repaint}: {values[-1]:.2f} ms CPU per nudge", flush=True)
    print(f"\nmedians of {args.runs} runs, {args.nudges} nudges each")
    for repaint, values in figures.items():
        print(f"{WHAT[repaint]:<40} {statistics.median(values):6.2f} ms CPU per nudge")


if __name__ == "__main__":
    main()
