"""What a [keys] table costs at start-up: the check `scrm` runs before the inbox opens.

    python bench/keys_check_bench.py [--runs 9]

Each figure is the median over fresh processes (a first import is what a user pays),
timed after `scrm_tui.ui.app` is imported, as `scrm` has it by then:
- inbox ids: [keys] names only bindings the inbox loads anyway;
- other screen: it names the composer's Ctrl+S, whose screen is not loaded yet;
- clashes: the keys-bound-twice warnings, which read every screen (the app works
  them out in a thread a second after the first page).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys, time
import scrm_tui.ui.app
from scrm_tui.core.config import parse_config
from scrm_tui.ui.keymap import check, clash_warnings
keys = parse_config(sys.argv[1], "config.toml").keys
start = time.perf_counter()
checked = check(keys, clashes=False)
if sys.argv[2] == "clashes":
    clash_warnings(keys, checked.keymap)
print((time.perf_counter() - start) * 1000)
"""

CASES = {
    "inbox ids": ('[keys]\ninbox.reply = "ctrl+r"\nlist.down = "j,down,ctrl+n"\n', "check"),
    "other screen": ('[keys]\ncompose.send = "ctrl+enter"\n', "check"),
    "clashes": ('[keys]\ninbox.reply = "ctrl+r"\nlist.down = "j,down,ctrl+n"\n', "clashes"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    for name, (text, what) in CASES.items():
        times = [
            float(
                subprocess.run(
                    [sys.executable, "-c", PROBE, text, what],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(args.runs)
        ]
        print(f"{name:13} median {statistics.median(times):7.2f} ms  (runs: {args.runs})")


if __name__ == "__main__":
    main()
