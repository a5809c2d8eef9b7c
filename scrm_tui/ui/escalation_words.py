"""What the escalation screens say of an escalation: who it is about, its states, a
webhook's delivery."""

from __future__ import annotations

from textual.content import Content

from scrm_tui.core import sanitize
from scrm_tui.core.models import Escalation
from scrm_tui.ui.cells import block


def who_of(esc: Escalation) -> str:
    if esc.customer_name:
        return " ".join(sanitize.inline(esc.customer_name).split())
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
