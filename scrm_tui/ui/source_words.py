"""How a listening source's state is put in words: the sources screen's and the inbox
status line's (kept apart from the screen so the inbox need not load its table)."""

from __future__ import annotations

import re

from scrm_tui.core import sanitize
from scrm_tui.core.models import SourceState
from scrm_tui.core.timefmt import from_ms

SUMMARY_WIDTH = 64  # "sources: 5 ok · hn backing off until 09:41 · reddit auth failed"

# Shape and word carry the state; colour only repeats it (NO_COLOR, 16 colours).
STATES: dict[str, tuple[str, str | None]] = {
    "ok": ("✓ ok", "queue--ok"),
    "backoff": ("… backing off", "queue--warn"),
    "degraded": ("⚠ degraded", "queue--warn"),
    "auth": ("✗ auth failed", "queue--late"),
    "off": ("– off", "queue--muted"),
}
# What the status bar says of a source that is not ok.
SHORT = {"backoff": "backing off", "degraded": "degraded", "auth": "auth failed", "off": "off"}


def state_word(state: str) -> tuple[str, str | None]:
    return STATES.get(state, (sanitize.handle(state), None))


def clock_time(ms: int, seconds: bool = True) -> str:
    """`09:41:20` (UTC), as the table and status bar give a backoff's end."""
    return from_ms(ms).strftime("%H:%M:%S" if seconds else "%H:%M")


def summary(states: list[SourceState], collector: tuple[str, int] | None, now_ms: int) -> str:
    """One line for the inbox's status bar: `sources: 5 ok · hn backing off until 09:41`.

    Only the sources that are not ok, or still backfilling, are named (ok and off ones
    are counted), so the line stays short; what does not fit becomes `+N more`."""
    if not states:
        return "sources: none"
    ok = sum(1 for s in states if s.state == "ok" and s.backfill is None)
    off = sum(1 for s in states if s.state == "off")
    named: list[str] = []
    for s in sorted(states, key=lambda s: (_urgency(s.state), s.source)):
        if s.state == "ok" and s.backfill is not None:
            # The first run reads back through the backfill window: how far it is.
            named.append(f"{sanitize.for_message(s.source, 16)} backfill at {_short(s.backfill)}")
            continue
        if s.state in ("ok", "off"):
            continue
        word = SHORT.get(s.state, sanitize.handle(s.state))
        until = s.backoff_until_ms
        if s.state in ("backoff", "degraded") and until is not None and until > now_ms:
            word += f" until {clock_time(until, seconds=False)}"
        named.append(f"{sanitize.for_message(s.source, 16)} {word}")
    live = collector is not None and collector[1] > now_ms
    head = [f"{ok} ok"] if ok else []
    tail = ([f"{off} off"] if off else []) + ([] if live else ["not polling"])
    parts = head[:]
    for i, name in enumerate(named):
        rest = len(named) - i - 1
        more = [f"+{rest} more"] if rest else []
        if len(_join([*parts, name, *more, *tail])) > SUMMARY_WIDTH and (parts or i):
            parts.append(f"+{len(named) - i} more")
            break
        parts.append(name)
    return _join([*parts, *tail])


def _short(progress: str) -> str:
    """`2026-11-19 18:05` → `11-19 18:05`: the year is this one, and space is short."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", progress):
        return progress[5:]
    return sanitize.for_message(progress, 16)


def _urgency(state: str) -> int:
    """Worst first: a refused token needs a person, a backoff heals itself."""
    return {"auth": 0, "degraded": 1, "backoff": 2}.get(state, 3)


def _join(parts: list[str]) -> str:
    return "sources: " + " · ".join(parts)
