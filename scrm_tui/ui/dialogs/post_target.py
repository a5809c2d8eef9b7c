"""Where a macro response (`R`) goes: a network scrm posts to, or made elsewhere by hand."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css


class PostTargetScreen(Dialog[str | None]):
    """Enter picks; Esc goes back. Networks without credentials say why."""

    CSS_PATH = dialog_css("post_target")

    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="post_target.back")]

    def __init__(self, options: list[tuple[str, str | None]], count: int) -> None:
        super().__init__()
        self.options = options
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="post-target-box", classes="dialog-box"):
            yield Static(
                Content.styled(
                    f"One public post answering {self.count} mention"
                    f"{'' if self.count == 1 else 's'}: where?",
                    "bold",
                )
            )
            items = []
            for channel, why in self.options:
                name = NETWORK_NAMES.get(channel, "Elsewhere")
                if why is None:
                    label = Content.assemble((name, "bold"), "  posts through its API")
                else:
                    label = Content.assemble(
                        (name, "bold"), (f"  by hand: {sanitize.inline(why)}", "$text-muted")
                    )
                items.append(Option(label, id=channel))
            yield OptionList(*items, id="post-target-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ready = next((i for i, (_, why) in enumerate(self.options) if why is None), 0)
        options.highlighted = ready
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
