"""How a listening source's state is put in words: the sources screen's and the inbox
status line's (kept apart from the screen so the inbox need not load its table)."""

from __future__ import annotations

import re

from scrm_tui.core import sanitize
from scrm_tui.core.models import SourceState
from scrm_tui.core.timefmt import ago, from_ms

SUMMARY_WIDTH = 64  # "sources: 5 ok · hn backing off until 09:41 · reddit auth failed"

# Shape and word carry the state; colour only repeats it (NO_COLOR, 16 colours).
STATES: dict[str, tuple[str, str | None]] = {
    "ok": ("✓ ok", "queue--ok"),
    "warning": ("⚠ partly read", "queue--warn"),  # the poll worked in part
    "backoff": ("… backing off", "queue--warn"),
    "degraded": ("⚠ degraded", "queue--warn"),
    "auth": ("✗ auth failed", "queue--late"),
    "off": ("– off", "queue--muted"),
    "setup": ("✗ cannot run", "queue--late"),  # the config lacks what it needs
    "pending": ("· not polled", "queue--muted"),  # configured, no poll has ended
}
# What the status bar says of a source that is not ok.
SHORT = {
    "warning": "partly read",
    "backoff": "backing off",
    "degraded": "degraded",
    "auth": "auth failed",
    "off": "off",
    "setup": "cannot run",
    "pending": "not polled yet",
}


# The shortest form, for a narrow status line: the mark each state's word starts with.
MARKS = {
    "partly read": "⚠ part",
    "backing off": "…",
    "degraded": "⚠",
    "auth failed": "✗ auth",
    "cannot run": "✗ setup",
    "backfilling": "⟳",
}


def state_word(state: str) -> tuple[str, str | None]:
    return STATES.get(state, (sanitize.handle(state), None))


def clock_time(ms: int, seconds: bool = True) -> str:
    """`09:41:20` (UTC), as the table and status bar give a backoff's end."""
    return from_ms(ms).strftime("%H:%M:%S" if seconds else "%H:%M")


def summary(
    states: list[SourceState],
    collector: tuple[str, int] | None,
    now_ms: int,
    width: int = SUMMARY_WIDTH,
) -> str:
    """One line for the inbox's status bar, at most `width` characters where it can:
    `sources: 5 ok · fetched 12s ago · reddit auth failed: invalid_grant`.

    Only the sources that are not ok, or still backfilling, are named (ok and off ones
    are counted). To fit, the line first drops when the last fetch was, then an
    error's reason, and at last names no source but counts them by state:
    `sources: 5 ok · 2 auth failed · 1 backing off`."""
    if not states:
        return "sources: none"
    ok = sum(1 for s in states if s.state == "ok" and s.backfill is None)
    off = sum(1 for s in states if s.state == "off")
    named: list[tuple[str, str]] = []  # (in full, shorter)
    counts: dict[str, int] = {}
    for s in sorted(states, key=lambda s: (_urgency(s.state), s.source)):
        name = sanitize.for_message(s.source, 16)
        if s.state == "ok" and s.backfill is not None:
            # The first run reads back through the backfill window: how far it is.
            text = f"{name} backfill at {_short(s.backfill)}"
            named.append((text, text))
            counts["backfilling"] = counts.get("backfilling", 0) + 1
            continue
        if s.state in ("ok", "off"):
            continue
        word = SHORT.get(s.state, sanitize.handle(s.state))
        counts[word] = counts.get(word, 0) + 1
        text = f"{name} {word}"
        until = s.backoff_until_ms
        if s.state in ("backoff", "degraded") and until is not None and until > now_ms:
            text += f" until {clock_time(until, seconds=False)}"
        said = s.state in ("auth", "warning") and s.last_error
        reason = f": {_reason(s.last_error or '')}" if said else ""
        named.append((text + reason, text))  # a person must act: say on what, if room
    live = collector is not None and collector[1] > now_ms
    fetched = max((s.last_ok_ms for s in states if s.last_ok_ms is not None), default=None)
    head = [f"{ok} ok"] if ok else []
    tail = ([f"{off} off"] if off else []) + ([] if live else ["not polling"])
    when = [f"fetched {ago(now_ms, fetched)}"] if fetched is not None and live else []
    for line in (
        _join([*head, *when, *(full for full, _ in named), *tail]),
        _join([*head, *(full for full, _ in named), *tail]),
        _join([*head, *(short for _, short in named), *tail]),
    ):
        if len(line) <= width:
            return line
    counted = _join([*head, *(f"{n} {word}" for word, n in counts.items()), *tail])
    if len(counted) <= width:
        return counted
    # Narrower still: the states' marks, as the sources screen shows them (S says more).
    marks = [f"{n} {MARKS.get(word, word)}" for word, n in counts.items()]
    return _join([*([f"{ok} ✓"] if ok else []), *marks, *tail])


def _reason(error: str) -> str:
    """`Reddit: HTTP 401: invalid_grant (...)` → `invalid_grant (...)`, kept short."""
    reason = error.rsplit(": ", 1)[-1] if ": " in error else error
    return sanitize.for_message(reason, 28)


def _short(progress: str) -> str:
    """`2026-11-19 18:05` → `11-19 18:05`: the year is this one, and space is short."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", progress):
        return progress[5:]
    return sanitize.for_message(progress, 16)


def _urgency(state: str) -> int:
    """Worst first: a refused token needs a person, a backoff heals itself."""
    return {"auth": 0, "degraded": 1, "backoff": 2, "warning": 3}.get(state, 4)


def _join(parts: list[str]) -> str:
    return "sources: " + " · ".join(parts)
