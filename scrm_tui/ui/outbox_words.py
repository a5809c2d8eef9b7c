"""What the outbox screens say of an item: its state, kind, where it goes and a line of it."""

from __future__ import annotations

import json

from scrm_tui.core import sanitize
from scrm_tui.core.models import OutboxItem, OutboxState
from scrm_tui.ui.cells import one_line

# Shape and word carry the state; colour only repeats it (NO_COLOR, 16 colours).
STATES: dict[OutboxState, tuple[str, str | None]] = {
    OutboxState.SENT: ("✓ sent", "queue--ok"),
    OutboxState.PENDING: ("… pending", None),
    OutboxState.SENDING: ("→ sending", "queue--warn"),
    OutboxState.FAILED: ("✗ failed", "queue--late"),
    OutboxState.DISCARDED: ("– discarded", "queue--muted"),
}
KINDS = {"reply": "reply", "post": "post", "manual": "by hand", "webhook": "webhook"}


def where(item: OutboxItem) -> str:
    """The network, or `team/hook` for a webhook."""
    if item.kind == "webhook":
        return sanitize.handle(item.target or item.channel)
    return sanitize.inline(item.channel)


def notice(item: OutboxItem) -> dict[str, object] | None:
    """A webhook's body (the escalation notice), or None if it is not one."""
    if item.kind != "webhook":
        return None
    try:
        body = json.loads(item.text)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def summary(item: OutboxItem) -> str:
    """One line: the text of a post, or what a webhook call says."""
    body = notice(item)
    if body is not None:
        event = sanitize.inline(str(body.get("event", "")))
        note = one_line(str(body.get("note") or ""), 200)
        head = f"escalation #{body.get('escalation_id', '?')} {event}"
        return f"{head}: {note}" if note else head
    return one_line(item.text)
