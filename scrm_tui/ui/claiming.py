"""Claims from the UI's side: a form claims its mentions as it opens (asking first when
another agent is on them), keeps them while keys are pressed, and hears when they lapse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.screen import Screen

from scrm_tui.core.team import doing
from scrm_tui.service.presence import Presence


class ClaimsLapsed(Message):
    """These claims were released: their form had no key pressed for too long."""

    def __init__(self, mention_ids: Sequence[int], idle_s: float) -> None:
        super().__init__()
        self.mention_ids = tuple(mention_ids)
        self.idle_s = idle_s


async def claim_for(screen: Screen[Any], presence: Presence, ids: Sequence[int], kind: str) -> bool:
    """Claim `ids` for a form (in a worker: it may wait for a choice). When another
    agent holds a live claim on one of them, the agent is asked; no means nothing is
    claimed (and the form does not open, or closes)."""
    from scrm_tui.ui.dialogs.collision import ConfirmClaim

    others = await presence.claim(ids, kind)
    if not others:
        return True
    lines = doing(others, presence.now_ms(), of=len(ids))
    what = "escalate" if kind == "escalate" else "answer"
    if await screen.app.push_screen_wait(ConfirmClaim(lines, what)):
        await presence.went_on(ids, others)
        return True
    await presence.release(ids)
    return False


# A mixin, not a Screen subclass: a base Screen ahead of ModalScreen in the MRO would
# give the form Screen's opaque background (the inbox behind it would vanish).
if TYPE_CHECKING:
    _Base = Screen[Any]
else:
    _Base = object


class ClaimedForm(_Base):
    """For a form open on claimed mentions: each key keeps the claims alive, and a
    claim that lapsed while the form sat idle is taken again at the next key."""

    presence: Presence | None = None
    claimed: tuple[int, ...] = ()
    claim_kind = "reply"
    _reclaiming = False  # a claim taken again is being written: keys need not ask twice

    def hold_claims(self, presence: Presence | None, ids: Sequence[int], kind: str) -> None:
        self.presence, self.claimed, self.claim_kind = presence, tuple(ids), kind

    @work(group="claim", exclusive=True, exit_on_error=False)
    async def claim_on_open(self) -> None:
        """For a form shown at once (type-ahead goes into it): claim now, and close
        the form if the agent leaves the mention to whoever is on it."""
        presence = self.presence
        if presence is not None and self.claimed:
            go_on = await claim_for(self, presence, self.claimed, self.claim_kind)
            if not go_on:
                self.dismiss(None)

    def claim_activity(self) -> None:
        """A key in the form (typing, moving, choosing)."""
        presence = self.presence
        if presence is None or not self.claimed or presence.touch(self.claimed):
            return
        if not self._reclaiming:
            self._reclaiming = True
            self._claim_again(presence)

    @work(group="claim-again", exit_on_error=False)
    async def _claim_again(self, presence: Presence) -> None:
        """Claim again after a lapse; who came meanwhile is said, not asked (the send
        is checked all the same)."""
        try:
            others = await presence.claim(self.claimed, self.claim_kind)
        finally:
            self._reclaiming = False
        lines = doing(others, presence.now_ms(), of=len(self.claimed))
        self.tell_claim(f"Meanwhile: {'; '.join(lines)}." if lines else "")

    def on_claims_lapsed(self, message: ClaimsLapsed) -> None:
        if set(message.mention_ids) & set(self.claimed):
            minutes = message.idle_s / 60
            idle = f"{minutes:g} min" if minutes >= 1 else f"{message.idle_s:g} s"
            self.tell_claim(
                f"No key for {idle}: others no longer see you on this. A key claims it again."
            )

    def tell_claim(self, text: str) -> None:
        """Say something about this form's claim (each form has its message line)."""
        raise NotImplementedError
