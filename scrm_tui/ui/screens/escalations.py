"""The escalations queue (`E`): what was handed to a team, how late it is, who did what."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static, TextArea

from scrm_tui.core import sanitize
from scrm_tui.core.models import ESCALATION_STATES, PRIORITIES, Escalation
from scrm_tui.core.timefmt import absolute, age, ago
from scrm_tui.service.escalations import EscalationRefused
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.queues import EscalationWindow
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.messages import OutboxChanged
from scrm_tui.ui.styles import SCREENS_CSS
from scrm_tui.ui.widgets.inert import InertTextArea
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from scrm_tui.ui.widgets.queue_list import Cell, Column, QueueHeader, QueueList, column_widths
from scrm_tui.ui.widgets.windowed_list import WindowedList

__all__ = ["Cell", "Column", "QueueScreen", "QueueTable"]

DETAIL_LIMIT = 4000  # characters of a note or post shown in the detail pane

# ------------------------------------------------------------------ a keyed table


class QueueTable(DataTable[Text]):
    """A small queue shown as a table and updated by key, so the cursor never jumps.

    `sync(rows)` makes the table show exactly `rows`, in that order: changed cells
    are updated, new rows added and gone ones removed, as dolphie does. The first
    column shows each row's key (its number)."""

    COMPONENT_CLASSES = {"queue--late", "queue--warn", "queue--ok", "queue--muted"}
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "First", show=False, id="table.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="table.last"),
    ]

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", cell_padding=0, id=id)
        self.spec = tuple(columns)
        self._rows: list[tuple[str, tuple[Cell, ...]]] = []
        self._shown: dict[str, tuple[Cell, ...]] = {}
        self._built_for: int | None = None  # the width the columns were sized for

    # Every cell is one space then its text: the gap between columns is ours, so
    # that an 80-column terminal keeps room for the text column.
    def _widths(self) -> list[int]:
        return column_widths(self.spec, self.size.width)

    def _cell(self, cell: Cell, width: int) -> Text:
        text, style = cell
        rich_style = self.get_component_rich_style(style, partial=True) if style else ""
        rendered = Text(" " + text, style=rich_style, no_wrap=True, overflow="ellipsis", end="")
        rendered.truncate(width + 1, overflow="ellipsis")
        return rendered

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row = min(self.cursor_row, self.row_count - 1)
        key = self.ordered_rows[row].key.value
        return str(key) if key is not None else None

    def sync(self, rows: list[tuple[str, tuple[Cell, ...]]]) -> None:
        self._rows = rows
        if not self.size.width:
            return  # not laid out yet: the first resize builds it
        if self._built_for != self.size.width:
            self._rebuild()
            return
        selected = self.selected_key
        index = self.cursor_row
        widths = self._widths()
        wanted = dict(rows)
        with self.app.batch_update():
            for key in [k for k in self._shown if k not in wanted]:
                self.remove_row(key)
                del self._shown[key]
            for key, cells in rows:
                old = self._shown.get(key)
                if old is None:
                    self.add_row(
                        *(self._cell(c, w) for c, w in zip(cells, widths, strict=True)), key=key
                    )
                elif old != cells:
                    for column, cell, new, width in zip(self.spec, old, cells, widths, strict=True):
                        if cell != new:
                            self.update_cell(key, column.key, self._cell(new, width))
                self._shown[key] = cells
            order = {key: i for i, (key, _) in enumerate(rows)}
            current = [str(row.key.value) for row in self.ordered_rows]
            if current != [key for key, _ in rows]:
                self.sort(self.spec[0].key, key=lambda cell: order[cell.plain.strip()])
            self._restore(selected, index)

    def _rebuild(self) -> None:
        """Size the columns for this width and fill them (on first show and on resize)."""
        selected = self.selected_key
        index = self.cursor_row
        widths = self._widths()
        with self.app.batch_update():
            self.clear(columns=True)
            for column, width in zip(self.spec, widths, strict=True):
                self.add_column(Text(" " + column.label), width=width + 1, key=column.key)
            self._shown = {}
            for key, cells in self._rows:
                self.add_row(
                    *(self._cell(c, w) for c, w in zip(cells, widths, strict=True)), key=key
                )
                self._shown[key] = cells
            self._built_for = self.size.width
            self._restore(selected, index)
        if self.row_count:  # the screen's detail pane follows the (new) cursor row
            row_key = self.ordered_rows[self.cursor_row].key
            self.post_message(self.RowHighlighted(self, self.cursor_row, row_key))

    def _restore(self, key: str | None, index: int) -> None:
        """The cursor stays on the same item; if it went, on the row that took its place."""
        if not self.row_count:
            return
        if key is not None and key in self._shown:
            row = self.get_row_index(key)
        else:
            row = min(index, self.row_count - 1)
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)

    def on_resize(self, event: Resize) -> None:
        if self._built_for != self.size.width and self.size.width:
            self._rebuild()


def span(ms: int) -> str:
    """A duration as the lists show ages: 42s, 5m, 3h, 2d."""
    return age(max(ms, 0), 0) if ms >= 5000 else f"{max(ms, 0) // 1000}s"


def one_line(text: str | None, limit: int = 200) -> str:
    return sanitize.first_line(text or "", limit=max(limit, 400))[:limit]


def block(text: str | None, limit: int = DETAIL_LIMIT) -> str:
    text = text or ""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return sanitize.block(cut).strip()


def who_of(esc: Escalation) -> str:
    if esc.customer_name:
        return sanitize.one_line(esc.customer_name)
    if esc.author_handle:
        return sanitize.handle(esc.author_handle)
    return "—"


def delivery_line(target: str, state: str, error: str | None) -> Content:
    """`slack: sent`, `discord: failed — the Discord webhook was deleted …`."""
    hook = target.partition("/")[2] or target
    words = {
        "sent": ("✓ sent", "$text-success"),
        "pending": ("… waiting", "$text-muted"),
        "sending": ("→ sending", "$text-muted"),
        "failed": ("✗ failed", "bold $text-error"),
        "discarded": ("– discarded", "$text-muted"),
    }
    word, style = words.get(state, (state, ""))
    parts: list[str | tuple[str, str]] = [
        "  ",
        (sanitize.handle(hook), "bold"),
        ": ",
        (word, style),
    ]
    if error and state != "sent":
        parts.append(" — " + block(error, 1000).replace("\n", " "))
    return Content.assemble(*parts)


STATE_WORDS = {"open": "open", "acknowledged": "acked", "resolved": "resolved"}
FILTERS = {
    "active": (("open", "acknowledged"), "open & acknowledged"),
    "resolved": (("resolved",), "resolved"),
    "all": ((), "all"),
}


Row = TypeVar("Row")


class QueueScreen(ReportsFailures, Screen[None], Generic[Row]):
    """A live view of a short list (escalations, the outbox, sources): a status line, a
    keyed table re-read on a timer, and a detail pane for the highlighted row.

    Element ids are `<PREFIX>-status`, `-table`, `-detail` and `-detail-text`; a
    subclass sets COLUMNS and implements `reload()` (a worker)."""

    CSS_PATH = SCREENS_CSS

    PREFIX = ""
    NAME = ""  # for the title and the help screen
    REFRESH_S = 1.0
    COLUMNS: tuple[Column, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content(f"{self.NAME}  loading…"), id=f"{self.PREFIX}-status")
        yield QueueTable(self.COLUMNS, id=f"{self.PREFIX}-table")
        with VerticalScroll(id=f"{self.PREFIX}-detail"):
            yield Static(id=f"{self.PREFIX}-detail-text")
        yield KeysFooter()

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Row] = {}  # what the table shows, by row key
        self.loaded = False

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    @property
    def selected(self) -> Row | None:
        key = self.table.selected_key
        return self.rows.get(key) if key is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.set_class(self.app.no_color, "-no-color")
        self.focus_list()
        self.reload()
        # Other agents and processes change these lists, and ages move with the clock:
        # re-read (they are short) and update only what differs.
        self.set_interval(self.REFRESH_S, self.reload, name=f"{self.PREFIX}-refresh")

    def focus_list(self) -> None:
        self.table.focus()

    def reload(self) -> object:
        """Read the list again (a worker in each subclass)."""
        raise NotImplementedError

    def action_back(self) -> None:
        self.dismiss(None)

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        """Where this screen's keys come from, titled as `?` lists them."""
        return [(cls.NAME.lower(), cls), ("table", QueueTable)]

    def action_help(self) -> None:
        from scrm_tui.ui.screens.help import show_help

        show_help(self)


class WindowedQueueScreen(QueueScreen[Row]):
    """A queue too long to read whole (escalations, the outbox): the table is a window
    over every row, re-read around the selected one on each refresh and counted,
    never read whole. Element ids as QueueScreen's, with `<PREFIX>-header`."""

    def compose(self) -> ComposeResult:
        yield Static(Content(f"{self.NAME}  loading…"), id=f"{self.PREFIX}-status")
        yield QueueHeader(self.COLUMNS, id=f"{self.PREFIX}-header")
        yield QueueList(self.COLUMNS, self._row_cells, id=f"{self.PREFIX}-table")
        with VerticalScroll(id=f"{self.PREFIX}-detail"):
            yield Static(id=f"{self.PREFIX}-detail-text")
        yield KeysFooter()

    def _row_cells(self, row: Row) -> tuple[Cell, ...]:
        raise NotImplementedError

    @property
    def queue(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def selected(self) -> Row | None:
        row: Row | None = self.queue.selected
        return row

    def focus_list(self) -> None:
        self.queue.focus()

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [(cls.NAME.lower(), cls), ("list", WindowedList)]

    def on_queue_list_highlighted(self, message: QueueList.Highlighted) -> None:
        self._show_detail()


class ResolveScreen(ModalScreen[str | None]):
    """How it was resolved: Ctrl+S resolves with this note, Esc cancels."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Resolve", id="resolve.save"),
        Binding("escape", "cancel", "Cancel", id="resolve.cancel"),
    ]

    def __init__(self, escalation: Escalation) -> None:
        super().__init__()
        self.escalation = escalation

    def compose(self) -> ComposeResult:
        esc = self.escalation
        with Vertical(id="resolve-box"):
            yield Static(
                Content.assemble(
                    (f"Resolve #{esc.id}", "bold"),
                    f"  {esc.priority} · {one_line(esc.team, 30)} · {who_of(esc)}",
                ),
                id="resolve-title",
            )
            yield Static(
                Content.styled(one_line(esc.note or esc.snippet, 90) or "(no note)", "$text-muted"),
                id="resolve-subject",
            )
            yield Static(Content.styled("What was done (may be left blank)", "bold"))
            yield InertTextArea(id="resolve-note", soft_wrap=True, show_line_numbers=False)
            yield Static(
                Content.assemble(("ctrl+s", "bold"), " resolve  ", ("esc", "bold"), " cancel"),
                id="resolve-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())


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
            self._seen = await window.source.store.change_mark()  # before the first read
            await window.start()
            queue.set_window(window)
            await queue.load_count()
        elif (mark := await window.source.store.change_mark()) == self._seen:
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
        if not set(window.source.states) & {"open", "acknowledged"}:
            self.late, self._due = None, None
            return
        service = self.inbox.escalations
        slas = {priority: service.sla_ms(priority) for priority in PRIORITIES}
        self.late, self._due = await window.source.store.late_and_due(
            self.inbox.now_ms(), slas, service.sla_ms("unknown")
        )

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
                    sanitize.one_line(esc.customer_name),
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
