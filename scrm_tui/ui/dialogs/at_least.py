"""Confirming every suggestion at least this likely (`Y` in the review queue)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.service.reviews import Reviews
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput


class ConfirmAtLeast(ReportsFailures, Dialog[float | None]):
    """`Y`: how probable a suggestion must be to be confirmed; shows how many that is
    before anything is done. Dismissed with a probability (0..1), or None."""

    CSS_PATH = dialog_css("at_least")

    def __init__(self, reviews: Reviews, at_least: float) -> None:
        super().__init__()
        self.reviews = reviews
        self.at_least = at_least
        self.counted: float | None = None  # the probability the shown count is for

    def compose(self) -> ComposeResult:
        with Vertical(id="review-batch-box", classes="dialog-box"):
            yield Static(
                Content.styled("Confirm every suggestion at least this likely (%):", "bold"),
                id="review-batch-title",
            )
            yield InertInput(value=f"{self.at_least:g}", id="review-batch-chance")
            yield Static(id="review-batch-count")
            yield Static(
                Content.assemble(
                    ("enter", "bold"),
                    " confirm them all (one batch: u undoes it)  ",
                    ("esc", "bold"),
                    " cancel",
                ),
                id="review-batch-keys",
            )

    def on_mount(self) -> None:
        self.count(self.at_least / 100)

    def _chosen(self) -> float | None:
        """The probability typed, as a percent (`99`, `99.5%`), between 0 and 1."""
        try:
            value = float(self.query_one(Input).value.strip().rstrip("%"))
        except ValueError:
            return None
        return value / 100 if 0 <= value <= 100 else None

    def on_input_changed(self, event: Input.Changed) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.counted = None
            self.query_one("#review-batch-count", Static).update(
                Content.styled("A percentage from 0 to 100.", "$text-error")
            )
            return
        self.count(chosen)

    @work(group="review-batch-count", exclusive=True, exit_on_error=False)
    async def count(self, probability: float) -> None:
        found = await self.reviews.count(probability)
        if self._chosen() != probability:
            return  # typed on meanwhile: that count is on its way
        self.counted = probability
        words = (
            f"{found:,} author{'' if found == 1 else 's'} will be linked to their most "
            "probable suggestion. A suggestion whose probability is not known (stored "
            "before scrm had them) is never linked this way."
        )
        self.query_one("#review-batch-count", Static).update(Content(words))

    def on_input_submitted(self) -> None:
        chosen = self._chosen()
        if chosen is not None and chosen == self.counted:
            self.dismiss(chosen)
