"""A spike explained (`!` in the inbox): its mentions against the usual, the burst
terms, the first posts, the negative share and the customers affected.

Drawn like the dashboard (a line per figure or row, `?` says how it is made) and
dismissed with what Enter opens: the first line is the spike's mentions, so `! Enter`
leaves the inbox filtered to them, ready for `T R` (one answer to all).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core.figures import Figure, Row
from scrm_tui.service import spikes
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.measures import Settings
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.screens.figures import FigureList, FigureScreen, figure_line, table_lines
from scrm_tui.ui.widgets.keys_footer import KeysFooter


class SpikeScreen(ReportsFailures, FigureScreen):
    """Dismissed with the records to open, or None."""

    BINDINGS = [
        Binding("question_mark", "explain", "How it's made", id="spike.explain"),
        Binding("escape,q", "back", "Back", id="spike.back"),
    ]

    def __init__(self, inbox: Inbox, hour: int, settings: Settings) -> None:
        super().__init__()
        self.inbox = inbox
        self.hour = hour
        self.settings = settings
        self.lines: list[Figure | Row | None] = []  # what each option opens

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [("spike", cls), ("figures", FigureList)]

    def compose(self) -> ComposeResult:
        yield Static(Content("Spike  loading…"), id="spike-status", classes="title-line")
        yield FigureList(id="spike-lines")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(group="spike", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        found = await spikes.explain_hour(self.inbox, self.hour, self.settings)
        status = self.query_one("#spike-status", Static)
        if found is None:
            status.update(Content("Spike: too little history to judge this hour"))
            return
        section = spikes.as_section(found)
        status.update(
            Content.assemble(
                ("⚡ " + section.title, "bold"),
                ("  enter opens · ? how · esc back", "$text-muted"),
            )
        )
        prompts: list[Option] = []
        self.lines = []

        def add(prompt: Content, opens: Figure | Row | None) -> None:
            prompts.append(Option(prompt, disabled=opens is None))
            self.lines.append(opens)

        for figure in section.figures:
            add(figure_line(figure), figure)
            if figure.note:
                add(Content.styled("  " + figure.note, "$text-muted"), None)
        for table in section.tables:
            add(Content.styled(table.label, "bold"), None)
            for prompt, row in table_lines(table):
                add(prompt, row)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(prompts)
        options.highlighted = 0  # its mentions: `! Enter` opens them

    def action_back(self) -> None:
        self.dismiss(None)
