"""The escalations queue (`E`): what was handed to a team, how late it is, who did what."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import ESCALATION_STATES, Escalation
from scrm_tui.core.timefmt import absolute, age, ago
from scrm_tui.service.escalations import EscalationRefused
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.queues import EscalationWindow
from scrm_tui.ui.cells import block, one_line, span
from scrm_tui.ui.dialogs.resolve import ResolveScreen
from scrm_tui.ui.escalation_words import STATE_WORDS, delivery_line, who_of
from scrm_tui.ui.messages import OutboxChanged
from scrm_tui.ui.screens.queue import Cell, Column, WindowedQueueScreen

FILTERS = {
    "active": (("open", "acknowledged"), "open & acknowledged"),
    "resolved": (("resolved",), "resolved"),
    "all": ((), "all"),
}


class EscalationsScreen(WindowedQueueScreen[Escalation]):
    PREFIX = "esc"
    NAME = "Escalations"
    REFRESH_S = 2.0

    BINDINGS = [
        Binding("1", "show('active')", "Open", id="escalations.active"),
        Binding("2", "show('resolved')", "Resolved", id="escalations.resolved"),
        Binding("3", "show('all')", "All", id="escalations.all"),
        Binding("a", "acknowledge", "Ack", id="escalations.acknowledge"),
        Binding("x", "resolve", "Resolve", id="escalations.resolve"),
        Binding("o", "reopen", "Reopen", id="escalations.reopen"),
        Binding("escape,q", "back", "Back", id="escalations.back"),
        Binding("question_mark", "help", "Help", show=False, id="escalations.help"),
    ]

    COLUMNS = (
        Column("id", "#", 4),
        Column("priority", "Pri", 3),
        Column("state", "State", 8),
        Column("team", "Team", 11),
        Column("age", "Age", 3),
        Column("sla", "SLA", 8),
        Column("who", "Who", 14),
        Column("note", "Note", None),
    )

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.filter = "active"
        self.late: int | None = None
        self._seen: tuple[int, int] | None = None  # the change mark the rows were read at
        self._due: int | None = None  # when the LATE count next grows (None: not by itself)

    def on_outbox_changed(self, message: OutboxChanged) -> None:
        """The app's sender moved some items on: webhook states."""
        if any(item.escalation_id is not None for item in message.items):
            self.reload()

    # ---------------------------------------------------------------- loading

    @work(group="escalations-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        queue = self.queue
        states, _ = FILTERS[self.filter]
        window = queue.window
        if not isinstance(window, EscalationWindow) or window.source.states != (
            tuple(states) or ESCALATION_STATES
        ):
            # A new list (first show, another filter): its first page, then its count.
            queue.expect_window()
            window = EscalationWindow(self.inbox, states)
            self._seen = await window.change_mark()  # before the first read
            await window.start()
            queue.set_window(window)
            await queue.load_count()
        elif (mark := await window.change_mark()) == self._seen:
            # No escalation changed: the ages and SLAs move with the clock, and the
            # LATE count only when the next one comes due.
            if self._due is not None and self.inbox.now_ms() > self._due:
                await self._count_late(window)
                self._show_status()
            queue.refresh()
            self._show_detail()
            return
        else:
            # Newest first: what was escalated since shows at the top, and rows that
            # changed or left (resolved elsewhere) are read again where the user is.
            window.mark = await window.source.high_water()
            await queue.resync([])
            self._seen = mark
        await self._count_late(window)
        self.loaded = True
        self._show_status()
        self._show_detail()
        queue.refresh()

    async def _count_late(self, window: EscalationWindow) -> None:
        """The LATE count (None: this list shows no unresolved ones), and when it next
        grows unless an escalation changes."""
        self.late, self._due = await window.late_and_due()

    def _row_cells(self, esc: Escalation) -> tuple[Cell, ...]:
        return self._cells(esc, self.inbox.now_ms())

    def _late_ms(self, esc: Escalation, now: int) -> int:
        return self.inbox.escalations.overdue_ms(esc, now)

    def _cells(self, esc: Escalation, now: int) -> tuple[Cell, ...]:
        late = self._late_ms(esc, now)
        if esc.state == "resolved":
            sla: Cell = (f"late {span(late)}", "queue--muted") if late > 0 else ("in time", None)
        elif late > 0:
            sla = (f"LATE {span(late)}", "queue--late")
        else:
            # The last quarter of the SLA is a warning; past it, LATE.
            soon = -late * 4 < self.inbox.escalations.sla_ms(esc.priority)
            sla = (f"{span(-late)} left", "queue--warn" if soon else None)
        muted = "queue--muted" if esc.state == "resolved" else None
        return (
            (str(esc.id), None),
            (esc.priority, "queue--late" if esc.priority == "P1" else None),
            (STATE_WORDS.get(esc.state, esc.state), muted),
            (one_line(esc.team, 40), None),
            (age(now, esc.created_ms), "queue--muted"),
            sla,
            (who_of(esc), None),
            (one_line(esc.note) or one_line(esc.snippet), muted),
        )

    def _show_status(self) -> None:
        window = self.queue.window
        total = window.total if window is not None else None
        late = self.late or 0
        _, words = FILTERS[self.filter]
        parts: list[str | tuple[str, str]] = [
            ("Escalations", "bold"),
            f"  {words} · {total:,}" if total is not None else f"  {words} · counting…",
        ]
        if late:
            parts += [" · ", (f"{late} LATE", "bold $text-error")]
        parts.append("  ")
        for key, name, label in (
            ("1", "active", "open"),
            ("2", "resolved", "done"),
            ("3", "all", "all"),
        ):
            chosen = name == self.filter
            shown = (f"[{label}]", "bold") if chosen else (f" {label} ", "$text-muted")
            parts += [" ", (key, "bold"), shown]
        self.query_one("#esc-status", Static).update(Content.assemble(*parts))

    def _show_detail(self) -> None:
        text = self.query_one("#esc-detail-text", Static)
        esc = self.selected
        if esc is None:
            if not self.loaded:
                return
            empty = {
                "active": "No open escalations. Resolved ones: press 2. "
                "In the inbox, e escalates a mention to a team.",
                "resolved": "Nothing resolved yet. Open ones: press 1.",
                "all": "No escalations yet. In the inbox, e escalates a mention to a team.",
            }
            words = empty[self.filter]
            if not self.inbox.escalations.teams():
                words += (
                    " No teams are configured yet: add a [teams.<name>] section to the "
                    "config (see the README, Escalations)."
                )
            text.update(Content.styled(words, "$text-muted"))
            return
        text.update(self._detail(esc, self.inbox.now_ms()))

    def _detail(self, esc: Escalation, now: int) -> Content:
        late = self._late_ms(esc, now)
        sla = span(self.inbox.escalations.sla_ms(esc.priority))
        head: list[str | tuple[str, str]] = [
            (f"#{esc.id} {esc.priority} → {one_line(esc.team, 40)}", "bold"),
            f" · {esc.state} · SLA {sla}: ",
        ]
        if esc.state == "resolved":
            head.append(f"resolved late by {span(late)}" if late > 0 else "resolved in time")
        elif late > 0:
            head.append((f"LATE by {span(late)}", "bold $text-error"))
        else:
            head.append(f"{span(-late)} left (due {absolute(now - late)})")
        lines = [Content.assemble(*head)]

        def event(what: str, who: str | None, at: int | None) -> None:
            if at is not None:
                by = sanitize.inline(who or "?")
                lines.append(
                    Content.styled(f"{what} by {by} {ago(now, at)} ({absolute(at)})", "$text-muted")
                )

        event("Escalated", esc.created_by, esc.created_ms)
        event("Acknowledged", esc.acked_by, esc.acked_ms)
        event("Resolved", esc.resolved_by, esc.resolved_ms)
        lines.append(Content.assemble(("Note: ", "bold"), block(esc.note) or "(none)"))
        if esc.resolution:
            lines.append(Content.assemble(("Resolution: ", "bold"), block(esc.resolution)))
        if esc.mention_id is not None:
            source = " · ".join(
                part
                for part in (
                    sanitize.inline(esc.channel or ""),
                    sanitize.handle(esc.author_handle or ""),
                    " ".join(sanitize.inline(esc.customer_name or "").split()),
                )
                if part
            )
            label = f"Mentions: {esc.mentions:,}, the first: " if esc.mentions > 1 else "Mention: "
            lines.append(
                Content.assemble(
                    (label, "bold"),
                    (f"({source}) " if source else "", "$text-muted"),
                    block(esc.snippet, 400) or "(gone)",
                )
            )
        if esc.deliveries:
            lines.append(Content.styled("Webhooks:", "bold"))
            lines.extend(delivery_line(*d) for d in esc.deliveries)
        else:
            lines.append(Content.styled("Webhooks: none (in-app only)", "$text-muted"))
        return Content("\n").join(lines)

    # ---------------------------------------------------------------- actions

    def action_show(self, name: str) -> None:
        if name != self.filter:
            self.filter = name
            self.reload()

    def action_acknowledge(self) -> None:
        esc = self.selected
        if esc is None:
            return
        if esc.state != "open":
            why = "is resolved: o reopens it" if esc.state == "resolved" else "is acknowledged"
            self.notify(f"#{esc.id} {why}.", markup=False)
            return
        self._change(esc, "acknowledged", "")

    def action_resolve(self) -> None:
        esc = self.selected
        if esc is None:
            return
        if esc.state == "resolved":
            self.notify(f"#{esc.id} is already resolved.", markup=False)
            return

        def resolved(note: str | None) -> None:
            if note is not None:
                self._change(esc, "resolved", note)

        self.app.push_screen(ResolveScreen(esc), resolved)

    def action_reopen(self) -> None:
        esc = self.selected
        if esc is None:
            return
        if esc.state == "open":
            self.notify(f"#{esc.id} is open already.", markup=False)
            return
        self._change(esc, "open", "")

    @work(group="escalations-write", exit_on_error=False)
    async def _change(self, esc: Escalation, state: str, note: str) -> None:
        service = self.inbox.escalations
        try:
            if state == "acknowledged":
                changed = await service.acknowledge(esc.id)
            elif state == "resolved":
                changed = await service.resolve(esc.id, note)
            else:
                changed = await service.reopen(esc.id)
        except EscalationRefused as error:
            self.notify(str(error), severity="error", markup=False)
            return
        done = {"acknowledged": "Acknowledged", "resolved": "Resolved", "open": "Reopened"}[state]
        team = one_line(esc.team, 40)
        if not changed:
            self.notify(f"#{esc.id} was {STATE_WORDS[state]} already.", markup=False)
        elif state == "resolved":
            hooks = next((t.hooks for t in service.teams() if t.name == esc.team), ())
            told = f"; telling {', '.join(hooks)}" if hooks else ""
            self.notify(f"{done} #{esc.id} ({team}, {esc.priority}){told}.", markup=False)
        else:
            self.notify(f"{done} #{esc.id} ({team}, {esc.priority}).", markup=False)
        self.reload()
