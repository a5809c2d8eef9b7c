"""Pick who a mention (or a selection) is assigned to (`a`): type part of a name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.service.assignment import rank_agents
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


@dataclass(frozen=True)
class Pick:
    """The agent chosen; None: nobody (unassign)."""

    agent: str | None


def _name(agent: str) -> str:
    # Names come from the config and from other agents' assignments: shown inert.
    return sanitize.one_line(agent)


def assigned(total: int, changed: int, agent: str | None, me: str) -> str:
    """What the notification says once `a` or `A` is saved."""
    what = "" if total == 1 else f" {total:,} mentions"
    if agent is None:
        return f"Unassigned{what}." if changed else "Nothing to unassign."
    who = "you" if agent == me else _name(agent)
    if not changed:
        return f"Already assigned to {who}."
    if changed < total:
        return f"Assigned {changed:,} of{what} to {who} (the rest already were)."
    return f"Assigned{what} to {who}."


class AssignScreen(ReportsFailures, Dialog[Pick | None]):
    """Typing narrows the agents (typos forgiven); ↑ ↓ choose, Enter assigns, Esc
    cancels. The last choice is nobody: it unassigns."""

    CSS_PATH = dialog_css("assign")

    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="assign.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="assign.previous"),
    ]

    def __init__(
        self,
        load: Callable[[], Awaitable[list[str]]],
        title: str,
        *,
        me: str,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.load = load
        self.title_text = title
        self.me = me
        self.current = current
        self.agents: list[str] | None = None
        self.choices: list[Pick] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-box", classes="dialog-box"):
            yield Static(Content.styled(self.title_text, "bold"), id="assign-title")
            yield InertInput(placeholder="an agent's name (part of it will do)", id="assign-input")
            yield OptionList(id="assign-options")
            yield Static(id="assign-message")
            yield Static(
                keys_line(("enter", "assign"), ("↑ ↓", "choose"), ("esc", "cancel")),
                id="assign-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        self._load()

    @work(group="assign-load", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        self.agents = await self.load()
        self._show(self.query_one(Input).value)

    @on(Input.Changed, "#assign-input")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        if self.agents is None:
            return  # still loading: shown once they are there
        ranked = rank_agents(text, self.agents)
        self.choices = [Pick(agent) for agent in ranked]
        options = []
        for agent in ranked:
            notes = []
            if agent == self.me:
                notes.append("you")
            if agent == self.current:
                notes.append("assigned now")
            extra = f"  ({', '.join(notes)})" if notes else ""
            options.append(Option(Content.assemble((_name(agent), "bold"), (extra, "$text-muted"))))
        if not text.strip():  # typed: Enter must never unassign for want of a match
            self.choices.append(Pick(None))
            options.append(Option(Content.styled("nobody: unassign", "italic")))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = 0 if options else None
        message = ""
        if not ranked and text.strip():
            message = (
                f"No agent matches '{sanitize.for_message(text)}'. Agents come from "
                "[team] agents in the config and from earlier assignments."
            )
        self.query_one("#assign-message", Static).update(Content.styled(message, "$warning"))

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(current + step, listing.option_count - 1))

    @on(Input.Submitted, "#assign-input")
    def _submitted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.choices):
            self.dismiss(self.choices[highlighted])

    @on(OptionList.OptionSelected, "#assign-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])
