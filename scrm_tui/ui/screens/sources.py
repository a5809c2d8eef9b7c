"""The sources screen (`S`): who collects, and how each listening source is doing."""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import SourceState
from scrm_tui.core.timefmt import absolute, from_ms
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.screens.escalations import (
    Cell,
    Column,
    QueueScreen,
    ago,
    block,
    one_line,
    span,
)

CURSOR_LIMIT = 160  # characters of a cursor shown: it is opaque JSON or an id
SUMMARY_WIDTH = 64  # "sources: 5 ok · hn backing off until 09:41 · reddit auth failed"
EMPTY = (
    "No sources have run yet. Configure [watch] and [sources] (see the README) "
    "and start `scrm watch`."
)

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


def fetched(state: SourceState, now_ms: int) -> str:
    return ago(now_ms, state.last_ok_ms) if state.last_ok_ms is not None else "never"


def waiting(state: SourceState, now_ms: int) -> bool:
    """The source is held back (a backoff, or a rate limit nearly spent) right now."""
    return state.backoff_until_ms is not None and state.backoff_until_ms > now_ms


def collector_line(collector: tuple[str, int] | None, now_ms: int) -> str:
    """Who polls the networks: the holder of the collector lease, if it is live."""
    if collector is None:
        return "no collector running: start `scrm watch`"
    holder, expires_ms = collector
    who = sanitize.for_message(holder, 60)
    if expires_ms <= now_ms:
        return (
            f"no collector running ({who} stopped renewing at {clock_time(expires_ms)} UTC): "
            "start `scrm watch`"
        )
    return f"collector: {who}, lease until {clock_time(expires_ms)} UTC"


def summary(states: list[SourceState], collector: tuple[str, int] | None, now_ms: int) -> str:
    """One line for the inbox's status bar: `sources: 5 ok · hn backing off until 09:41`.

    Only the sources that are not ok are named (ok and off ones are counted), so the
    line stays short; what does not fit becomes `+N more`."""
    if not states:
        return "sources: none"
    ok = sum(1 for s in states if s.state == "ok")
    off = sum(1 for s in states if s.state == "off")
    named: list[str] = []
    for s in sorted(states, key=lambda s: (_urgency(s.state), s.source)):
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


def _urgency(state: str) -> int:
    """Worst first: a refused token needs a person, a backoff heals itself."""
    return {"auth": 0, "degraded": 1, "backoff": 2}.get(state, 3)


def _join(parts: list[str]) -> str:
    return "sources: " + " · ".join(parts)


class SourcesScreen(QueueScreen):
    PREFIX = "sources"
    NAME = "Sources"
    REFRESH_S = 1.0

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="sources.back"),
        Binding("question_mark", "help", "Help", show=False, id="sources.help"),
    ]

    COLUMNS = (
        Column("source", "Source", 14),
        Column("network", "Net", 10),
        Column("state", "State", 13),
        Column("fetched", "Fetched", 8),
        Column("until", "Until", 8),
        Column("failures", "Err", 3),
        Column("stored", "Stored", 6),
        Column("error", "Last error", None),
    )

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.states: dict[str, SourceState] = {}
        self.loaded = False

    # ---------------------------------------------------------------- loading

    @work(group="sources-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        listing = await self.inbox.source_states()
        collector = await self.inbox.collector()
        now = self.inbox.now_ms()
        self.states = {s.source: s for s in listing}
        self.table.sync([(s.source, self._cells(s, now)) for s in listing])
        self.loaded = True
        self._show_status(listing, collector, now)
        self._show_detail()

    def _cells(self, s: SourceState, now: int) -> tuple[Cell, ...]:
        muted = "queue--muted" if s.state == "off" else None
        until = clock_time(s.backoff_until_ms) if waiting(s, now) and s.backoff_until_ms else ""
        # An ok source's last error is history: the detail pane still has it.
        error = "" if s.state == "ok" else one_line(s.last_error)
        return (
            (sanitize.handle(s.source), None),
            (sanitize.handle(s.channel), muted),
            state_word(s.state),
            (fetched(s, now), "queue--muted"),
            (until, "queue--warn" if s.state != "ok" else "queue--muted"),
            (str(s.failures), "queue--late" if s.failures else "queue--muted"),
            (str(s.stored), muted),
            (error, "queue--late" if s.state == "auth" else muted),
        )

    def _show_status(
        self, listing: list[SourceState], collector: tuple[str, int] | None, now: int
    ) -> None:
        live = collector is not None and collector[1] > now
        counts: dict[str, int] = {}
        for s in listing:
            counts[s.state] = counts.get(s.state, 0) + 1
        # Who collects comes first: on a narrow terminal the counts (also in the
        # table) are what the ellipsis takes.
        parts: list[str | tuple[str, str]] = [
            ("Sources", "bold"),
            "  ",
            (collector_line(collector, now), "" if live else "bold $text-warning"),
        ]
        for state in ("ok", "backoff", "degraded", "auth", "off"):
            if counts.get(state):
                word = SHORT.get(state, state)
                style = "bold $text-error" if state == "auth" else ""
                parts += [" · ", (f"{counts[state]} {word}", style)]
        self.query_one("#sources-status", Static).update(Content.assemble(*parts))

    @on(DataTable.RowHighlighted, "#sources-table")
    def _highlighted(self) -> None:
        self._show_detail()

    @property
    def selected(self) -> SourceState | None:
        key = self.table.selected_key
        return self.states.get(key) if key is not None else None

    def _show_detail(self) -> None:
        text = self.query_one("#sources-detail-text", Static)
        state = self.selected
        if state is None:
            if self.loaded:
                text.update(Content.styled(EMPTY, "$text-muted"))
            return
        text.update(self._detail(state, self.inbox.now_ms()))

    def _detail(self, s: SourceState, now: int) -> Content:
        word, _ = state_word(s.state)
        failures = f" · {s.failures} failure{'s' if s.failures != 1 else ''} in a row"
        lines = [
            Content.assemble(
                (f"{sanitize.handle(s.source)} → {sanitize.handle(s.channel)}", "bold"),
                " · ",
                (word, "bold $text-error" if s.state == "auth" else "bold"),
                failures if s.failures else "",
            )
        ]
        if s.last_ok_ms is not None:
            last = f"Last fetched {ago(now, s.last_ok_ms)} ({absolute(s.last_ok_ms)})"
        else:
            last = "Never fetched"
        lines.append(Content(f"{last} · {s.stored} mention{'s' if s.stored != 1 else ''} stored"))
        if waiting(s, now) and s.backoff_until_ms is not None:
            what = "Backing off" if s.state != "ok" else "Holding back (rate limit)"
            lines.append(
                Content(
                    f"{what} until {absolute(s.backoff_until_ms)} "
                    f"(in {span(s.backoff_until_ms - now)})"
                )
            )
        elif s.state in ("backoff", "degraded"):
            lines.append(Content("Backoff over: retried on the collector's next round"))
        if s.state == "auth":
            lines.append(
                Content.styled(
                    "Stopped: the network refused the credentials. Fix the token in the "
                    "config; the collector tries again after the config changes.",
                    "$text-warning",
                )
            )
        if s.last_error:
            when = (
                f" {ago(now, s.last_error_ms)} ({absolute(s.last_error_ms)})"
                if s.last_error_ms is not None
                else ""
            )
            label = "Earlier error" if s.state == "ok" else "Last error"
            lines.append(Content.assemble((f"{label}{when}: ", "bold"), block(s.last_error)))
        cursor = block(s.cursor, CURSOR_LIMIT).replace("\n", " ") if s.cursor else "(none yet)"
        lines.append(Content.styled(f"Cursor: {cursor}", "$text-muted"))
        return Content("\n").join(lines)

    # ---------------------------------------------------------------- actions
