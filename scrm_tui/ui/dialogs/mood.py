"""`s`: set a mention's sentiment by hand (or a selection's), or give it back to the scorer."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core.models import SentimentLabel
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.keys_line import keys_line

CLEAR: Literal["clear"] = "clear"


class MoodScreen(Dialog[SentimentLabel | Literal["clear"] | None]):
    """Dismissed with the label, CLEAR (the scorer's again), or None (Esc: no change)."""

    CSS_PATH = dialog_css("mood")

    BINDINGS = [
        Binding("p,plus", "pick('positive')", "Positive", id="mood.positive"),
        Binding("equals_sign,0", "pick('neutral')", "Neutral", id="mood.neutral"),
        Binding("n,minus", "pick('negative')", "Negative", id="mood.negative"),
        Binding("c", "pick('clear')", "Back to the scorer", id="mood.clear"),
    ]

    def __init__(self, count: int, now: str) -> None:
        super().__init__()
        self.count = count
        self.now = now  # `negative, set by dana` / `positive +0.49 (scorer)`, for one mention

    def compose(self) -> ComposeResult:
        what = "this mention" if self.count == 1 else f"{self.count:,} mentions"
        with Vertical(id="mood-box", classes="dialog-box"):
            yield Static(Content(f"Sentiment of {what}"), id="mood-title")
            if self.now:
                yield Static(Content.styled(f"Now: {self.now}", "$text-muted"), id="mood-now")
            yield Static(
                keys_line(
                    ("p", "positive"),
                    ("=", "neutral"),
                    ("n", "negative"),
                    ("c", "the scorer's"),
                    ("esc", "cancel"),
                ),
                id="mood-keys",
            )

    def action_pick(self, name: str) -> None:
        self.dismiss(CLEAR if name == CLEAR else SentimentLabel(name))
