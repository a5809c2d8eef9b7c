"""Keypress figures with their floor: the inbox's `j` and a bare Textual app's, pressed alike.

Both are timed from writing the key to the pty until the frame that shows its effect
(bench/inbox_bench.py's pyte terminal), with the same pause after each key. The pause
matters: a key sent the moment a frame is written waits for Textual's next frame slot
(at most 60 a second), so back-to-back keys cost even a bare app ~16 ms, while a key
after a pause shows what the app itself costs. A person reads between keys; so do these.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, step_down  # noqa: E402
from bench.views_bench import pump  # noqa: E402

GAP_S = 0.05  # between keys: the frame of one is written well before the next is sent


def presses_down(term: Terminal, presses: int, gap: float = GAP_S) -> list[float]:
    """`j` `presses` times in the inbox, `gap` s apart: seconds from each key to its frame
    (the cursor a row down and the position saying so)."""
    times = []
    for _ in range(presses):
        times.append(step_down(term))
        pump(term, gap)
    return times


def bare_keys(env: dict[str, str], presses: int, gap: float = GAP_S) -> list[float]:
    """`j` `presses` times in bench/minimal_app.py, `gap` s apart: the harness's and a
    bare Textual app's own cost, the floor under the inbox's figure."""
    term = Terminal([sys.executable, str(ROOT / "bench" / "minimal_app.py")], env)
    try:
        term.wait(lambda t: any("minimal app ready · 1" in line for line in t.lines()))
        times = []
        for n in range(2, presses + 2):
            sent = term.send(b"j")
            shown = term.wait(
                lambda t, want=f"minimal app ready · {n}": any(want in ln for ln in t.lines())
            )
            times.append(shown - sent)
            pump(term, gap)
        return times
    finally:
        term.close()
