"""The reply composer (`r`, and `R` for one post answering many): draft, count, send."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static, TextArea

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem
from scrm_tui.core.team import AnswerHeld, who
from scrm_tui.core.timefmt import age
from scrm_tui.service.presence import Presence
from scrm_tui.service.replies import Compose, Replies, ReplyRefused
from scrm_tui.ui.claiming import ClaimedForm
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertTextArea

Attempt = Callable[[Sequence[OutboxItem]], Awaitable[object]]

DRAFT_SAVE_DELAY = 1.0  # seconds of quiet typing before the draft is written


class ComposeScreen(ReportsFailures, ClaimedForm, Dialog[str | None]):
    """Dismisses with what happened (for a notification), or None when closed."""

    CSS_PATH = dialog_css("compose")

    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="compose.send"),
        Binding("ctrl+t", "template", "Template", id="compose.template"),
        # Not Ctrl+E: the text area keeps that for the end of the line.
        Binding("ctrl+r", "elsewhere", "Made elsewhere", id="compose.elsewhere"),
        Binding("escape", "close", "Close (keeps draft)", id="compose.close"),
    ]

    def __init__(
        self, replies: Replies, compose: Compose, title: str, presence: Presence | None = None
    ) -> None:
        super().__init__()
        self.replies = replies
        self.context = compose
        self.title_text = title
        self._saved = compose.text if compose.from_draft else ""
        self._save_timer: Timer | None = None
        self._busy = False
        self._seen: tuple[OutboxItem, ...] = ()  # others' answers shown while held
        kind = "post" if compose.draft_key == "post" else "reply"
        self.hold_claims(presence, compose.mention_ids, kind)

    def compose(self) -> ComposeResult:
        ctx = self.context
        with Vertical(id="compose-box", classes="dialog-box"):
            yield Static(Content.styled(self.title_text, "bold"), id="compose-title")
            if ctx.manual_reason is not None:
                yield Static(self._manual_banner(), id="compose-banner")
            earlier = [i for i in ctx.earlier if i.state != "discarded"]
            if earlier:
                last = earlier[-1]
                who = sanitize.inline(last.created_by or "someone")
                when = age(self.replies.now_ms(), last.sent_ms or last.created_ms)
                yield Static(
                    Content.styled(
                        f"Already answered: {len(earlier)} repl"
                        f"{'y' if len(earlier) == 1 else 'ies'}, the last by {who} "
                        f"{when} ago ({last.state}).",
                        "$warning",
                    ),
                    id="compose-earlier",
                )
            area = InertTextArea(
                ctx.text, id="compose-text", soft_wrap=True, show_line_numbers=False
            )
            yield area
            yield Static(id="compose-counter")
            yield Static(id="compose-message")
            yield Static(self._keys(), id="compose-keys")

    def _manual_banner(self) -> Content:
        ctx = self.context
        reason = sanitize.inline(ctx.manual_reason or "")
        if ctx.draft_key == "post":
            tail = " Ctrl+S records it as posted by hand and copies it to the clipboard."
        else:
            where = f" Open {sanitize.inline(ctx.url)} to post it." if ctx.url else ""
            tail = (
                " Ctrl+S copies the reply to the clipboard and records it as sent by hand." + where
            )
        return Content.assemble((f"scrm cannot post here: {reason}.", "bold $warning"), tail)

    def _keys(self) -> Content:
        send = "copy & record" if self.context.manual else "send"
        parts: list[str | tuple[str, str]] = [("ctrl+s", "bold"), f" {send}  "]
        parts += [("ctrl+t", "bold"), " template  "]
        if not self.context.manual:
            parts += [("ctrl+r", "bold"), " made elsewhere  "]
        parts += [("esc", "bold"), " close, keeps the draft"]
        return Content.assemble(*parts)

    @property
    def area(self) -> TextArea:
        return self.query_one("#compose-text", TextArea)

    def on_mount(self) -> None:
        area = self.area
        area.focus()
        area.move_cursor(area.document.end)
        self._count()

    # ---------------------------------------------------------------- counting

    def _count(self) -> None:
        measured = self.context.measure(self.area.text)
        style = "bold $error" if measured.over else "$text-muted"
        if measured.limit is None:
            text = f"{measured.used:,} characters · {self.context.network} has no limit"
        else:
            text = f"{measured.describe()} · {self.context.network}"
        self.query_one("#compose-counter", Static).update(Content.styled(text, style))

    @on(TextArea.Changed, "#compose-text")
    def _changed(self) -> None:
        self._count()
        self._say("")
        self.claim_activity()
        # Saved as you type (after a pause), so a crash or a dropped SSH session never
        # loses a long reply.
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(DRAFT_SAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save_draft(self.area.text)

    @work(group="draft", exclusive=True, exit_on_error=False)
    async def _save_draft(self, text: str) -> None:
        if text == self._saved or (not self.context.from_draft and text == self.context.text):
            return
        await self.replies.save_draft(self.context, text)
        self._saved = text

    @on(TextArea.SelectionChanged, "#compose-text")
    def _moved(self) -> None:
        self.claim_activity()

    def _say(self, text: str, style: str = "$error") -> None:
        self.query_one("#compose-message", Static).update(Content.styled(text, style))

    def tell_claim(self, text: str) -> None:
        self._say(text, "$warning")

    # ---------------------------------------------------------------- actions

    def _finishing(self) -> bool:
        """Start the one way out: sending, recording by hand and closing each end by
        closing the composer, and two at once would close the screen under it too."""
        if self._busy:
            self._say("One moment: still saving.", "$warning")
            return False
        self._busy = True
        if self._save_timer is not None:
            self._save_timer.stop()
        return True

    @contextmanager
    def _open_again_on_failure(self) -> Iterator[None]:
        try:
            yield
        except ReplyRefused as refused:
            self._busy = False
            self._say(str(refused))
        except BaseException:
            self._busy = False  # the keys work again; the app shows the error
            raise

    def action_close(self) -> None:
        if self._finishing():
            self._close()

    @work(group="finish", exit_on_error=False)
    async def _close(self) -> None:
        with self._open_again_on_failure():
            text = self.area.text
            kept = False
            if text != self._saved and (self.context.from_draft or text != self.context.text):
                await self.replies.save_draft(self.context, text)
                kept = bool(text.strip())
            elif self._saved:
                kept = bool(self._saved.strip())
            self.dismiss("Draft kept: r opens it again." if kept else None)

    def action_send(self) -> None:
        text = self.area.text
        if self.context.manual:
            self._record(text, copy=True)
            return
        refusal = self.context.measure(text).refusal()
        if refusal:
            self._say(refusal)
        elif self._finishing():
            self._send(text)

    @work(group="finish", exit_on_error=False)
    async def _send(self, text: str) -> None:
        with self._open_again_on_failure():
            sent = await self._unless_held(
                lambda seen: self.replies.send(self.context, text, overriding=seen)
            )
            if sent:
                what = "Post" if self.context.draft_key == "post" else "Reply"
                self.dismiss(f"{what} queued for {self.context.network}: O shows the outbox.")

    async def _unless_held(self, attempt: Attempt) -> bool:
        """Run `attempt`; when someone answered meanwhile, show their answers and do
        what the agent chooses. True once it went through; False when the agent went
        back to editing, or discarded (the composer is closed then)."""
        from scrm_tui.ui.dialogs.collision import HeldScreen

        while True:
            try:
                await attempt(self._seen)
                return True
            except AnswerHeld as held:
                choice = await self.app.push_screen_wait(
                    HeldScreen(held.items, self.replies.now_ms())
                )
                # What was shown is known now: only newer answers hold it again.
                self._seen = (*self._seen, *held.items)
            if choice == "discard":
                await self.replies.drop_draft(self.context, self._seen)
                names = ", ".join(sorted({who(i.created_by or "") for i in self._seen}))
                self.dismiss(f"Your reply is discarded: {names} answered first.")
                return False
            if choice != "send":
                self._busy = False
                self.area.focus()
                self._say("Not sent. Edit it, or Ctrl+S sends it as it is.", "$warning")
                return False

    def action_elsewhere(self) -> None:
        self._record(self.area.text, copy=True)

    def _record(self, text: str, *, copy: bool) -> None:
        if not text.strip():
            self._say("Nothing to record yet: write the reply first.")
            return
        if not self._finishing():
            return
        self._write_manual(text, copy)

    @work(group="finish", exit_on_error=False)
    async def _write_manual(self, text: str, copy: bool) -> None:
        with self._open_again_on_failure():
            recorded = await self._unless_held(
                lambda seen: self.replies.record_manual(self.context, text, overriding=seen)
            )
            if not recorded:
                return
            if copy:
                # OSC 52: reaches the local clipboard over SSH and inside tmux too. Only
                # once recorded: a reply held because someone answered is not pasted.
                self.app.copy_to_clipboard(text)
            where = f" Open {sanitize.inline(self.context.url)}" if self.context.url else ""
            self.dismiss(
                "Copied to the clipboard and recorded as sent by hand."
                + (f"{where} to post it." if where else "")
            )

    def action_template(self) -> None:
        if not self._busy:  # a picker over a closing composer would outlive it
            self._pick_template()

    @work(group="templates", exclusive=True, exit_on_error=False)
    async def _pick_template(self) -> None:
        from scrm_tui.ui.dialogs.templates import TemplatePicker

        # The file is read off the event loop: a slow disk never stalls typing.
        templates, error = await asyncio.to_thread(self.replies.templates)
        if self._busy or self.app.screen is not self:
            return  # closed or sending meanwhile: nowhere to insert it
        self.app.push_screen(
            TemplatePicker(templates, self.context.values, self.context.channel, error),
            self._insert,
        )

    def _insert(self, filled: tuple[str, tuple[str, ...]] | None) -> None:
        if filled is None:
            return
        text, missing = filled
        area = self.area
        area.insert(text)
        area.focus()
        if missing:
            names = ", ".join("{" + name + "}" for name in missing)
            self._say(f"No value for {names}: left in the text for you to fill.", "$warning")
