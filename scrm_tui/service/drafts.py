"""An agent's unsent drafts, as the screens ask about them (without loading the reply
forms' machinery: templates, text limits, link tagging)."""

from __future__ import annotations

from scrm_tui.service.inbox import Inbox


async def has_draft(inbox: Inbox, mention_id: int) -> bool:
    """Whether this inbox's agent has an unsent draft answering the mention."""
    return bool(await inbox.outbox.drafted(inbox.agent, [mention_id]))
