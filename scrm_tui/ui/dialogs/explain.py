"""A dashboard figure explained (`?` on it): its formula, inputs, what it leaves out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.figures import Figure, Row
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css


class ExplainScreen(Dialog[None]):
    """`?`: the figure's formula, its inputs, what it leaves out, and its records."""

    CSS_PATH = dialog_css("explain")
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close", id="explain.close")]

    def __init__(self, opens: Figure | Row) -> None:
        super().__init__()
        self.opens = opens

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-box", classes="dialog-box"):
            yield Static(self._text(), id="explain-text")
            yield Static(
                Content.styled("esc close · enter on the line opens its records", "$text-muted"),
                id="explain-keys",
            )

    def _text(self) -> Content:
        opens = self.opens
        if isinstance(opens, Row):
            cells = (sanitize.inline(c) for c in opens.cells)
            lines = [Content.styled(" · ".join(c for c in cells if c), "bold")]
        else:
            title = opens.label + (
                " (estimated)" if opens.estimated and "stimated" not in opens.label else ""
            )
            lines = [
                Content.assemble((title, "bold"), f"  {opens.shown()}"),
                Content.assemble(("how: ", "$text-muted"), opens.formula),
            ]
            if opens.interval is not None:
                lines.append(
                    Content.assemble(("80% interval: ", "$text-muted"), opens.interval_shown())
                )
            for name, value in opens.inputs:
                lines.append(Content.assemble(("  " + name + ": ", "$text-muted"), value))
            if opens.previous is not None or opens.value is not None:
                lines.append(
                    Content.assemble(
                        ("period before: ", "$text-muted"),
                        opens.shown(opens.previous) if opens.previous is not None else "—",
                        f"  (change {opens.change_shown()})",
                    )
                )
            if opens.note:
                lines.append(Content.assemble(("left out: ", "$text-muted"), opens.note))
        if opens.filter:
            # A handle or an agent's name may be in it: shown inert.
            lines.append(
                Content.assemble(("records: ", "$text-muted"), "/" + sanitize.inline(opens.filter))
            )
        return Content("\n").join(lines)
