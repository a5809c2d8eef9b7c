"""The two moments two agents may collide: opening a form on a mention another agent
has claimed (go on or cancel), and a send held because someone answered meanwhile."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem
from scrm_tui.core.team import elapsed, who
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.keys_line import keys_line

HELD_TEXT_CHARS = 600  # of each other answer: enough to judge it by


class ConfirmClaim(Dialog[bool]):
    """Someone else is on it: Enter or y goes on, Esc or n leaves it to them."""

    CSS_PATH = dialog_css("collision")

    BINDINGS = [
        Binding("enter,y", "dismiss(True)", "Go on", id="claim.go_on"),
        Binding("escape,n", "dismiss(False)", "Cancel", id="claim.cancel"),
    ]

    def __init__(self, lines: Sequence[str], what: str) -> None:
        super().__init__()
        self.lines = list(lines)  # made inert by core.team.doing
        self.what = what  # "answer", "escalate"

    def compose(self) -> ComposeResult:
        with Vertical(id="claim-box", classes="dialog-box"):
            yield Static(Content.styled("\n".join(self.lines), "bold $warning"), id="claim-who")
            yield Static(
                Content(f"Two agents may {self.what} the same person. Go on anyway?"),
                classes="collision-ask",
            )
            yield Static(
                Content.assemble(
                    ("enter", "bold"),
                    "/",
                    ("y", "bold"),
                    " go on  ",
                    ("esc", "bold"),
                    "/",
                    ("n", "bold"),
                    " cancel",
                ),
                classes="collision-keys",
            )


class HeldScreen(Dialog[str]):
    """A send held: the other answers, then `send` anyway, `edit` or `discard`."""

    CSS_PATH = dialog_css("collision")

    BINDINGS = [
        Binding("s", "dismiss('send')", "Send anyway", id="held.send"),
        Binding("e,escape", "dismiss('edit')", "Edit", id="held.edit"),
        Binding("d", "dismiss('discard')", "Discard", id="held.discard"),
    ]

    def __init__(self, items: Sequence[OutboxItem], now_ms: int) -> None:
        super().__init__()
        self.items = list(items)
        self.now_ms = now_ms

    def compose(self) -> ComposeResult:
        count = len(self.items)
        with Vertical(id="held-box", classes="dialog-box"):
            yield Static(
                Content.styled(
                    "Not sent: "
                    + ("another answer" if count == 1 else f"{count} other answers")
                    + " went out or was queued after you opened this draft.",
                    "bold $warning",
                ),
                id="held-title",
            )
            with VerticalScroll(id="held-answers"):
                for item in self.items:
                    yield Static(self._head(item), classes="held-head")
                    yield Static(Content(self._text(item)), classes="held-text")
            yield Static(
                keys_line(("s", "send anyway"), ("e", "edit"), ("d", "discard yours")),
                classes="collision-keys",
            )

    def _head(self, item: OutboxItem) -> Content:
        when = item.sent_ms if item.state == "sent" and item.sent_ms else item.created_ms
        state = "queued" if item.state in ("pending", "sending") else str(item.state)
        kind = {"post": "one post for many", "manual": "a reply made by hand"}
        return Content.assemble(
            (who(item.created_by or ""), "bold"),
            f" · {kind.get(item.kind, 'a reply')} · {state} {elapsed(self.now_ms, when)} ago",
        )

    @staticmethod
    def _text(item: OutboxItem) -> str:
        text = sanitize.block(item.text)
        return text if len(text) <= HELD_TEXT_CHARS else text[: HELD_TEXT_CHARS - 1] + "…"
