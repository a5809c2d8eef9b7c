"""The sources screen (`S`): who collects, and how each listening source is doing."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import SourceState
from scrm_tui.core.timefmt import absolute, ago
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.cells import block, one_line, span
from scrm_tui.ui.screens.queue import Cell, Column, QueueScreen
from scrm_tui.ui.source_words import SHORT, clock_time, state_word

CURSOR_LIMIT = 160  # characters of a cursor shown: it is opaque JSON or an id
EMPTY = (
    "No sources have run yet. Configure [watch] and [sources] (see the README) "
    "and start `scrm watch`."
)


def fetched(state: SourceState, now_ms: int) -> str:
    return ago(now_ms, state.last_ok_ms) if state.last_ok_ms is not None else "never"


def waiting(state: SourceState, now_ms: int) -> bool:
    """The source is held back (a backoff, or a rate limit nearly spent) right now."""
    return state.backoff_until_ms is not None and state.backoff_until_ms > now_ms


def fetching_for(state: SourceState, now_ms: int, live: bool) -> int | None:
    """Seconds the collector has waited on this source's answer, if it is waiting now
    (a mark left by a collector that is gone does not count)."""
    if not live or state.fetching_ms is None:
        return None
    return max(0, now_ms - state.fetching_ms) // 1000


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


class SourcesScreen(QueueScreen[SourceState]):
    PREFIX = "sources"
    NAME = "Sources"
    REFRESH_S = 1.0

    BINDINGS = [
        Binding("r", "retry", "Retry now", id="sources.retry"),
        Binding("escape,q", "back", "Back", id="sources.back"),
        Binding("question_mark", "help", "Help", show=False, id="sources.help"),
    ]

    COLUMNS = (
        Column("source", "Source", 14, grow=18),  # "bluesky:search:kestrel app"
        Column("network", "Net", 10),
        Column("state", "State", 13),
        Column("fetched", "Fetched", 8),
        Column("until", "Until", 8),
        Column("failures", "Err", 3),
        Column("stored", "Stored", 6),
        Column("error", "Last error", None),
    )

    def __init__(
        self,
        inbox: Inbox,
        problems: dict[str, str] | None = None,
        planned: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.inbox = inbox
        self.problems = problems or {}  # configured sources that cannot run, and why
        self.planned = planned or {}  # every source this terminal's config runs: channel
        self._live = False  # a collector holds the lease (its fetching marks count)

    # ---------------------------------------------------------------- loading

    @work(group="sources-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        listing = await self.inbox.source_states()
        collector = await self.inbox.collector()
        now = self.inbox.now_ms()
        # A source the config asks for but cannot run has no state of its own: a row
        # says so, and its detail says what to set.
        listing += [
            SourceState(name, name, None, "setup", 0, None, None, why, None, 0, now)
            for name, why in self.problems.items()
        ]
        # A configured source no poll has ended for yet (a collector standing by, or
        # one just started) has no state either: it is listed, not left out.
        polled = {s.source for s in listing}
        listing += [
            SourceState(name, channel, None, "pending", 0, None, None, None, None, 0, now)
            for name, channel in self.planned.items()
            if name not in polled
        ]
        self._live = collector is not None and collector[1] > now
        self.rows = {s.source: s for s in listing}
        self.table.sync([(s.source, self._cells(s, now)) for s in listing])
        self.loaded = True
        self._show_status(listing, collector, now)
        self._show_detail()

    def _cells(self, s: SourceState, now: int) -> tuple[Cell, ...]:
        muted = "queue--muted" if s.state == "off" else None
        until = clock_time(s.backoff_until_ms) if waiting(s, now) and s.backoff_until_ms else ""
        # An ok source's last error is history: the detail pane still has it.
        error = "" if s.state == "ok" else one_line(s.last_error)
        waited = fetching_for(s, now, self._live)
        return (
            (sanitize.handle(s.source), None),
            (sanitize.handle(s.channel), muted),
            state_word(s.state) if waited is None else (f"⟳ fetch {waited}s", "queue--warn"),
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
        for state in ("ok", "warning", "backoff", "degraded", "auth", "setup", "pending", "off"):
            if counts.get(state):
                word = SHORT.get(state, state)
                style = "bold $text-error" if state == "auth" else ""
                parts += [" · ", (f"{counts[state]} {word}", style)]
        self.query_one("#sources-status", Static).update(Content.assemble(*parts))

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
        if s.backfill is not None:
            lines.append(
                Content(f"Backfilling: reached {block(s.backfill, 40)}, older pages still to come")
            )
        if s.state == "pending":
            lines.append(
                Content("Not polled yet: configured here, and polled once a collector reaches it")
            )
        waited = fetching_for(s, now, self._live)
        if waited is not None:
            lines.append(Content(f"Fetching for {waited} s: the collector waits for its answer"))
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
                    "Stopped: the network refused the credentials. Fix them in the config "
                    "(`scrm doctor` checks them) and restart `scrm watch`; until then the "
                    "collector tries again every 30 minutes.",
                    "$text-warning",
                )
            )
        if s.last_error:
            when = (
                f" {ago(now, s.last_error_ms)} ({absolute(s.last_error_ms)})"
                if s.last_error_ms is not None
                else ""
            )
            label = {"ok": "Earlier error", "setup": "Cannot run"}.get(s.state, "Last error")
            lines.append(Content.assemble((f"{label}{when}: ", "bold"), block(s.last_error)))
        cursor = block(s.cursor, CURSOR_LIMIT).replace("\n", " ") if s.cursor else "(none yet)"
        lines.append(Content.styled(f"Cursor: {cursor}", "$text-muted"))
        return Content("\n").join(lines)

    # ---------------------------------------------------------------- actions

    def action_retry(self) -> None:
        state = self.selected
        if state is None:
            return
        if state.state not in ("backoff", "degraded"):
            why = {
                "auth": "fix the credentials and restart `scrm watch`",
                "setup": "the config lacks what it needs (see below)",
            }.get(state.state, "it is polled on its own schedule")
            self.notify(f"{state.source}: nothing to retry; {why}.", markup=False)
            return
        self._retry(state.source)

    @work(group="sources-write", exit_on_error=False)
    async def _retry(self, source: str) -> None:
        if await self.inbox.retry_source(source):
            self.notify(f"{source}: polled on the collector's next round.", markup=False)
        self.reload()
