"""Start-up against an earlier commit: did a change slow the inbox's first paint?

    python bench/startup_ab.py --against 6272a8f [--sessions 4] [--size 100000]
    python bench/startup_ab.py --against main --db /tmp/scrm-scale-x/scale-1000000-….db

Checks the commit out in a temporary git worktree and runs both trees' inbox
alternately in pseudo-terminals (the inbox_bench harness) on copies of the same
seeded database (bench/.cache/inbox-N.db, made by `bench/inbox_bench.py`, or --db,
which is never written: each tree gets a copy); the copy for the older tree gets its
schema version, since extra tables are harmless to it. Each tree starts once
untimed (that migrates a copy of an older schema). A bare Textual app
(bench/minimal_app.py) starts before each pair, and takes its `j` presses as the
inbox does (bench/key_floor.py: a pause after each key). Prints first paint, `j`
median and peak RSS per session, then the medians' ratios, and each tree's first
paint and `j` against the bare app's. With --word, each session also times filter
Enter -> first rows for that word three times (as bench/scale_bench.py does).

Each session then times the first `/` (key -> the filter line shown) and the first `r`
(key -> the reply form, or the "someone is on it" question, shown): what start-up
leaves to be loaded later (the filter's input and parser, the forms' style sheet) is
paid by these, once per session, so they are the figures a lazier start must keep.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import (  # noqa: E402
    Terminal,
    app_env,
    measure_minimal,
    position,
    rows_shown,
)
from bench.key_floor import bare_keys, presses_down  # noqa: E402
from bench.scale_bench import Figures, counted, filter_word  # noqa: E402

# first paint, j median, peak RSS, /word Enter, first /, first r
Figures6 = tuple[float, float, float, float, float, float]
FILTER_SHOWN = "filter: words"
# The reply form's keys line, or the question when another agent holds the mention.
FORM_SHOWN = ("keeps the draft", "Go on anyway?")
ESCAPE_S = 0.15  # the terminal's Escape timeout, before the next key


def first_key(term: Terminal, key: bytes, shown: tuple[str, ...]) -> float:
    """Seconds from `key` to the frame that shows one of `shown` (NaN: it never did),
    then Esc back to the list."""
    sent = term.send(key)
    try:
        done = term.wait(lambda t: any(m in line for line in t.lines() for m in shown), 10)
    except TimeoutError:
        return float("nan")  # e.g. a network that cannot be answered: said in a toast
    term.send(b"\x1b")
    term.wait(lambda t: not any(m in line for line in t.lines() for m in shown))
    time.sleep(ESCAPE_S)
    return done - sent


def session(tree: Path, db: Path, presses: int, home: Path, word: str | None = None) -> Figures6:
    env = app_env(Path(tempfile.mkdtemp(prefix="home-", dir=home)))  # gone with `home`
    env["PYTHONPATH"] = str(tree)  # this tree's scrm_tui, not the installed one
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        painted = term.wait(lambda t: position(t) is not None and rows_shown(t))
        term.wait(lambda t: (p := position(t)) is not None and p[1] is not None)
        keys = presses_down(term, presses)
        slash = first_key(term, b"/", (FILTER_SHOWN,))
        reply = first_key(term, b"r", FORM_SHOWN)
        enters = Figures()
        if word:
            term.wait(counted, timeout=300)
            for _ in range(3):
                filter_word(term, enters, word)
        entered = statistics.median(enters.values.get(f"filter '{word}' s", [0.0]))
        return (
            painted - term.started,
            statistics.median(keys),
            term.peak_rss_mb(),
            entered,
            slash,
            reply,
        )
    finally:
        term.close()


def stop_jobs(folder: Path) -> None:
    """Stop the `scrm catch-up` jobs the inboxes started on the copies in `folder`: an
    inbox leaves its job running after it ends, by design, and on a seed whose
    customers are not indexed yet each would go on indexing a million of them, on a
    file already deleted, under every later measurement."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            words = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        at = words.index("--db") + 1 if "--db" in words else 0
        if at and str(folder) in words[at] and "catch-up" in words:
            # A session of its own (service/backlog.start): its workers go with it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(proc.name), signal.SIGKILL)


def schema_of(tree: Path) -> int:
    """The tree's last migration step: in store/schema.py, or since issue 15 in the
    modules of store/migrations/ that it assembles."""
    store = tree / "scrm_tui" / "store"
    files = [store / "schema.py", *sorted((store / "migrations").glob("steps_*.py"))]
    text = "".join(file.read_text() for file in files if file.exists())
    # A step is `(N, [statements])`, written over lines or on one (an empty step).
    return max(int(n) for n in re.findall(r"\(\s*(\d+),\s*\[", text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit to compare with")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--word", help="also time filter Enter -> first rows for this word")
    parser.add_argument("--db", type=Path, help="a seeded database to copy (not written)")
    args = parser.parse_args()
    db = args.db or ROOT / "bench" / ".cache" / f"inbox-{args.size}.db"
    if not db.exists():
        sys.exit(f"no {db}: run `python bench/inbox_bench.py --sizes {args.size}` first")
    with tempfile.TemporaryDirectory(prefix="scrm-ab-") as tmp:
        old = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.against],
            check=True,
        )
        try:
            # Both trees as an installed wheel runs: from bytecode (under
            # PYTHONDONTWRITEBYTECODE a checkout would recompile what changed, each start).
            for tree in (old, ROOT):
                compileall.compile_dir(tree / "scrm_tui", quiet=1)
            old_db = Path(tmp) / "old.db"
            shutil.copy(db, old_db)
            with sqlite3.connect(old_db) as conn:
                # Newer than the old tree knows: say it is the old one's (the extra
                # tables are harmless). Older: the old tree migrates it as it starts.
                if conn.execute("PRAGMA user_version").fetchone()[0] > schema_of(old):
                    conn.execute(f"PRAGMA user_version = {schema_of(old)}")
            if not args.db:
                new_db = db
            elif schema_of(old) == schema_of(ROOT):
                new_db = old_db  # one copy serves both (a 10M one is 5 GB)
            else:
                new_db = Path(tmp) / "new.db"
                shutil.copy(db, new_db)
            os.chdir(tmp)  # `-m scrm_tui` must not find a package in the working folder
            trees = {args.against: (old, old_db), "HEAD": (ROOT, new_db)}
            runs: dict[str, list[Figures6]] = {name: [] for name in trees}
            bare: list[float] = []
            bare_key: list[float] = []
            # Untimed: the first start migrates a copy of an older schema, and warms
            # the page cache for both trees alike.
            for tree, path in trees.values():
                session(tree, path, 1, Path(tmp))
            for _ in range(args.sessions):
                bare.append(measure_minimal(app_env(Path(tmp))))
                bare_key.append(statistics.median(bare_keys(app_env(Path(tmp)), args.presses)))
                for name, (tree, path) in trees.items():
                    runs[name].append(session(tree, path, args.presses, Path(tmp), args.word))
        finally:
            stop_jobs(Path(tmp))
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])
    for name, values in runs.items():
        paints = ", ".join(f"{v[0] * 1000:.0f}" for v in values)
        keys = ", ".join(f"{v[1] * 1000:.1f}" for v in values)
        rss = ", ".join(f"{v[2]:.0f}" for v in values)
        enters = f" · /{args.word}⏎ {', '.join(f'{v[3] * 1000:.0f}' for v in values)} ms"
        firsts = (
            f" · first / {', '.join(f'{v[4] * 1000:.0f}' for v in values)} ms"
            f" · first r {', '.join(f'{v[5] * 1000:.0f}' for v in values)} ms"
        )
        print(
            f"{name:>10}: first paint {paints} ms · j median {keys} ms · peak RSS {rss} MB"
            + (enters if args.word else "")
            + firsts
        )
    print(
        f"{'bare app':>10}: first paint {', '.join(f'{b * 1000:.0f}' for b in bare)} ms"
        f" · j median {', '.join(f'{b * 1000:.1f}' for b in bare_key)} ms"
    )
    old_paint = statistics.median(v[0] for v in runs[args.against])
    new_paint = statistics.median(v[0] for v in runs["HEAD"])
    bare_paint = statistics.median(bare)
    print(f"first paint, HEAD / {args.against}: {new_paint / old_paint:.2f}")
    print(
        f"first paint / bare app: {args.against} {old_paint / bare_paint:.2f},"
        f" HEAD {new_paint / bare_paint:.2f}"
    )
    old_key = statistics.median(v[1] for v in runs[args.against])
    new_key = statistics.median(v[1] for v in runs["HEAD"])
    bare_j = statistics.median(bare_key)
    if args.word:
        old_enter = statistics.median(v[3] for v in runs[args.against])
        new_enter = statistics.median(v[3] for v in runs["HEAD"])
        print(f"/{args.word}⏎ -> first rows, HEAD / {args.against}: {new_enter / old_enter:.2f}")
    for label, at in (("first /", 4), ("first r", 5)):
        old_first = statistics.median(v[at] for v in runs[args.against])
        new_first = statistics.median(v[at] for v in runs["HEAD"])
        print(
            f"{label} median: {args.against} {old_first * 1000:.0f} ms,"
            f" HEAD {new_first * 1000:.0f} ms"
        )
    print(
        f"j median, HEAD / {args.against}: {new_key / old_key:.2f}; / bare app's j:"
        f" {args.against} {old_key / bare_j:.2f}, HEAD {new_key / bare_j:.2f}"
    )


if __name__ == "__main__":
    main()
