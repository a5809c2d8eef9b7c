"""The outbox (`O`): every reply, post and webhook call on its way out, and what went wrong."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem, OutboxState
from scrm_tui.core.timefmt import absolute, age, ago
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.queues import OutboxWindow, outbox_mark
from scrm_tui.service.replies import ReplyRefused
from scrm_tui.ui.cells import block, span
from scrm_tui.ui.dialogs.discard import ConfirmDiscard
from scrm_tui.ui.messages import OutboxChanged
from scrm_tui.ui.outbox_words import KINDS, STATES, notice, summary, where
from scrm_tui.ui.screens.queue import Cell, Column, WindowedQueueScreen

WAITING = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED)
GONE = (OutboxState.SENT, OutboxState.DISCARDED)


class OutboxScreen(WindowedQueueScreen[OutboxItem]):
    PREFIX = "outbox"
    NAME = "Outbox"
    REFRESH_S = 1.0

    BINDINGS = [
        Binding("1", "show('waiting')", "Waiting", id="outbox.waiting"),
        Binding("2", "show('all')", "All", id="outbox.all"),
        Binding("r", "retry", "Retry", id="outbox.retry"),
        Binding("d", "discard", "Discard", id="outbox.discard"),
        Binding("escape,q", "back", "Back", id="outbox.back"),
        Binding("question_mark", "help", "Help", show=False, id="outbox.help"),
    ]

    COLUMNS = (
        Column("id", "#", 5),
        Column("state", "State", 11),
        Column("kind", "Kind", 7),
        Column("where", "Where", 14),
        Column("attempts", "Try", 3),
        Column("age", "Age", 3),
        Column("text", "Text", None),
    )

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.filter = "waiting"
        self.counts: dict[str, int] = {}
        self._seen: int | None = None  # the outbox's change mark the rows were read at

    def on_outbox_changed(self, message: OutboxChanged) -> None:
        """The app's sender moved some items on: show it now."""
        self.reload()

    # ---------------------------------------------------------------- loading

    @work(group="outbox-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        queue = self.queue
        states = () if self.filter == "all" else WAITING
        window = queue.window
        if not isinstance(window, OutboxWindow) or window.source.states != states:
            # A new list (first show, another filter): its first page, then its count.
            queue.expect_window()
            self._seen = await outbox_mark(self.inbox)  # before the first read
            window = OutboxWindow(self.inbox, states)
            await window.start()
            queue.set_window(window)
            await queue.load_count()
        elif (mark := await outbox_mark(self.inbox)) == self._seen:
            # Nothing changed in the outbox: only the ages move with the clock.
            queue.refresh()
            self._show_detail()
            return
        else:
            # What was waiting a moment ago and has just gone out (or been discarded)
            # stays in view, in its new state, until the filter changes; what was
            # queued since shows at the top; the rest is read again where the user is.
            await window.keep_gone()
            window.mark = await window.source.high_water()
            await queue.resync([])
            self._seen = mark
        self.counts = await window.counts()
        self.loaded = True
        self._show_status()
        self._show_detail()
        queue.refresh()

    def _row_cells(self, item: OutboxItem) -> tuple[Cell, ...]:
        return self._cells(item, self.inbox.now_ms())

    def _cells(self, item: OutboxItem, now: int) -> tuple[Cell, ...]:
        muted = "queue--muted" if item.state in GONE else None
        return (
            (str(item.id), None),
            STATES.get(item.state, (item.state.value, None)),
            (KINDS.get(item.kind, item.kind), muted),
            (where(item), muted),
            (str(item.attempts), "queue--late" if item.state is OutboxState.FAILED else muted),
            (age(now, item.created_ms), "queue--muted"),
            (summary(item), muted),
        )

    def _show_status(self) -> None:
        """Counts of every item in the list, per state: all of them are listed."""
        counts = {OutboxState(state): n for state, n in self.counts.items()}
        parts: list[str | tuple[str, str]] = [("Outbox", "bold")]
        shown = [
            (f"{counts[state]:,} {word}", "bold $text-error" if state is OutboxState.FAILED else "")
            for state, word in (
                (OutboxState.FAILED, "failed"),
                (OutboxState.PENDING, "pending"),
                (OutboxState.SENDING, "sending"),
                (OutboxState.SENT, "sent"),
                (OutboxState.DISCARDED, "discarded"),
            )
            if counts.get(state)
        ]
        for text, style in shown:
            parts += [" · ", (text, style)]
        if not shown:
            parts.append(" · empty")
        parts.append("  ")
        for key, name, label in (("1", "waiting", "waiting"), ("2", "all", "all")):
            chosen = name == self.filter
            parts += [
                " ",
                (key, "bold"),
                (f"[{label}]", "bold") if chosen else (f" {label} ", "$text-muted"),
            ]
        self.query_one("#outbox-status", Static).update(Content.assemble(*parts))

    def _show_detail(self) -> None:
        text = self.query_one("#outbox-detail-text", Static)
        item = self.selected
        if item is None:
            if self.loaded:
                empty = (
                    "Nothing waiting. Sent replies: press 2."
                    if self.filter == "waiting"
                    else "The outbox is empty: replies (r) and escalations (e) go out through it."
                )
                text.update(Content.styled(empty, "$text-muted"))
            return
        text.update(self._detail(item, self.inbox.now_ms()))

    def _detail(self, item: OutboxItem, now: int) -> Content:
        word, _ = STATES.get(item.state, (item.state.value, None))
        head: list[str | tuple[str, str]] = [
            (f"#{item.id} {KINDS.get(item.kind, item.kind)} → {where(item)}", "bold"),
            " · ",
            (word, "bold $text-error" if item.state is OutboxState.FAILED else "bold"),
            f" · {item.attempts} attempt{'s' if item.attempts != 1 else ''}",
        ]
        lines = [Content.assemble(*head)]
        by = sanitize.inline(item.created_by or "?")
        lines.append(
            Content.styled(
                f"Queued by {by} {ago(now, item.created_ms)} ({absolute(item.created_ms)})",
                "$text-muted",
            )
        )
        if item.state is OutboxState.SENT:
            sent = f"Sent {absolute(item.sent_ms)}" if item.sent_ms else "Sent"
            lines.append(
                Content(
                    sent + (f" · {sanitize.inline(item.remote_url)}" if item.remote_url else "")
                )
            )
        if item.state is OutboxState.PENDING:
            wait = item.next_ms - now
            when = "now" if wait <= 0 else f"in {span(wait)}"
            lines.append(Content(f"Next try: {absolute(item.next_ms)} ({when})"))
            blocked = self._cannot_send(item)
            if blocked:
                lines.append(
                    Content.styled(
                        f"Not from here: {blocked} (a scrm that has it will send it).",
                        "$text-warning",
                    )
                )
        if item.last_error and item.state is not OutboxState.SENT:
            lines.append(
                Content.assemble(("Last error: ", "bold $text-error"), block(item.last_error))
            )
        body = notice(item)
        if body is not None:
            lines.append(Content(f"For escalation #{body.get('escalation_id', '?')}"))
            note = block(str(body.get("note") or ""))
            lines.append(Content.assemble(("Note: ", "bold"), note or "(none)"))
        else:
            count = len(item.mention_ids)
            if count:
                lines.append(Content(f"Answers {count} mention{'s' if count != 1 else ''}"))
            lines.append(Content(block(item.text) or "(no text)"))
        if item.state is OutboxState.FAILED:
            lines.append(Content.styled("r sends it again · d discards it", "$text-muted"))
        elif item.state is OutboxState.PENDING:
            lines.append(Content.styled("d discards it (it has not gone out)", "$text-muted"))
        return Content("\n").join(lines)

    def _cannot_send(self, item: OutboxItem) -> str | None:
        """Why this process will not send the item, if it will not."""
        creds = self.inbox.creds
        if item.kind == "webhook":
            if creds.hook(item.target or "") is not None:
                return None
            return creds.hook_problems.get(item.target or "", "that webhook is not configured")
        return creds.why_not(item.channel)

    # ---------------------------------------------------------------- actions

    def action_show(self, name: str) -> None:
        if name != self.filter:
            self.filter = name  # a new window: what was kept in view for a moment goes
            self.reload()

    def action_retry(self) -> None:
        item = self.selected
        if item is None:
            return
        if item.state is not OutboxState.FAILED:
            self.notify(
                f"#{item.id} is {item.state.value}: only a failed item is retried.", markup=False
            )
            return
        self._retry(item)

    @work(group="outbox-write", exit_on_error=False)
    async def _retry(self, item: OutboxItem) -> None:
        if await self.inbox.retry_outbox(item.id):
            self.notify(f"#{item.id} is queued again: it goes out on the next pass.", markup=False)
        else:
            self.notify(f"#{item.id} had changed: nothing to retry.", markup=False)
        self.reload()

    def action_discard(self) -> None:
        item = self.selected
        if item is None:
            return
        if item.state not in (OutboxState.FAILED, OutboxState.PENDING):
            self.notify(
                f"#{item.id} is {item.state.value}: only a failed or pending item is discarded.",
                markup=False,
            )
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._discard(item)

        self.app.push_screen(ConfirmDiscard(item), confirmed)

    @work(group="outbox-write", exit_on_error=False)
    async def _discard(self, item: OutboxItem) -> None:
        gone = await self.inbox.discard_outbox(item.id)
        if gone is None:
            self.notify(f"#{item.id} had changed (sent or sending): not discarded.", markup=False)
        elif gone.kind == "reply" and len(gone.mention_ids) == 1:
            # A newer draft for that mention is never overwritten: say which one stays.
            try:
                draft = await self.inbox.replies.compose(gone.mention_ids[0])
                kept = draft.from_draft and draft.text == gone.text
            except ReplyRefused:  # the mention is gone; so is its draft's use
                kept = True
            if kept:
                self.notify(f"Discarded #{item.id}: the text is back in its draft.", markup=False)
            else:
                self.notify(
                    f"Discarded #{item.id}: you had a newer draft for that mention, so it "
                    "was kept (the discarded text stays below until you change the filter).",
                    markup=False,
                )
        elif gone.kind == "post":
            self.notify(f"Discarded #{item.id}: the text is back in the macro draft.", markup=False)
        else:
            self.notify(f"Discarded #{item.id}.", markup=False)
        self.reload()
