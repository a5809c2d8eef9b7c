"""Escalate a mention to a team (`e` in the inbox): team, priority and a note."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.models import PRIORITIES
from scrm_tui.service.escalations import TeamInfo
from scrm_tui.service.presence import Presence
from scrm_tui.ui.claiming import ClaimedForm
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertTextArea
from scrm_tui.ui.widgets.keys_line import keys_line

# What each priority means, in words: shown next to the choice.
PRIORITY_WORDS = {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low"}
DEFAULT_PRIORITY = "P3"
SUBJECT_CELLS = 90


@dataclass(frozen=True)
class EscalationRequest:
    team: str
    priority: str
    note: str


def one_line(text: str, limit: int) -> str:
    """A stranger's text on one line, inert, cut to `limit` characters."""
    line = sanitize.first_line(text, limit=max(limit * 4, 400))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def team_prompt(team: TeamInfo) -> Content:
    """`billing — Refunds, invoices · slack`, then one warning line per broken hook."""
    parts: list[str | tuple[str, str]] = [(one_line(team.name, 30), "bold")]
    if team.description:
        parts.append(f" — {one_line(team.description, 60)}")
    if team.hooks:
        parts.append((" · " + ", ".join(one_line(h, 30) for h in team.hooks), "$text-muted"))
    elif not team.problems:
        parts.append((" · in-app only (no webhooks)", "$text-muted"))
    lines = [Content.assemble(*parts)]
    for problem in team.problems:
        lines.append(Content.styled(f"  ⚠ {one_line(problem, 90)}", "$text-warning"))
    return Content("\n").join(lines)


class PriorityChoice(RadioSet, inherit_bindings=False):
    """The priorities in a row: ← → choose at once (↑ ↓ are left to the team list)."""

    BINDINGS = [
        Binding(
            "left", "screen.priority_step(-1)", "Higher priority", show=False, id="escalate.higher"
        ),
        Binding(
            "right", "screen.priority_step(1)", "Lower priority", show=False, id="escalate.lower"
        ),
    ]


# What works where: the keys line follows the focus, so it never offers a key that
# would only type into the note.
_ALWAYS = (("ctrl+s", "escalate"), ("esc", "cancel"))
KEYS_IN_NOTE = keys_line(
    *_ALWAYS, ("alt+1-4", "priority"), ("alt+↑↓", "team"), ("shift+tab", "team, priority")
)
KEYS_ON_PRIORITY = keys_line(*_ALWAYS, ("←→ 1-4", "priority"), ("↑↓", "team"), ("tab", "note"))
KEYS_ON_TEAMS = keys_line(*_ALWAYS, ("↑↓", "team"), ("1-4", "priority"), ("enter", "next"))


class EscalateScreen(ClaimedForm, Dialog[EscalationRequest | None]):
    """A small form; Ctrl+S escalates, Esc cancels (nothing is written)."""

    CSS_PATH = dialog_css("escalate")

    BINDINGS = [
        Binding("ctrl+s", "save", "Escalate", id="escalate.save"),
        Binding("down,alt+down", "team_step(1)", "Next team", show=False, id="escalate.next"),
        Binding("up,alt+up", "team_step(-1)", "Previous team", show=False, id="escalate.prev"),
        *(
            Binding(f"{n},alt+{n}", f"priority('{p}')", p, show=False, id=f"escalate.{p.lower()}")
            for n, p in enumerate(PRIORITIES, start=1)
        ),
    ]

    def __init__(
        self,
        teams: list[TeamInfo],
        subject: str,
        presence: Presence | None = None,
        mention_id: int | None = None,
    ) -> None:
        super().__init__()
        self.teams = teams
        self.subject = subject
        if mention_id is not None:
            self.hold_claims(presence, [mention_id], "escalate")

    def compose(self) -> ComposeResult:
        with Vertical(id="escalate-box", classes="dialog-box"):
            yield Static(
                Content.assemble(("Escalate  ", "bold"), one_line(self.subject, SUBJECT_CELLS)),
                id="escalate-title",
            )
            yield Static(Content.styled("Team", "bold"), classes="escalate-label")
            yield OptionList(
                *(Option(team_prompt(t), id=f"team-{i}") for i, t in enumerate(self.teams)),
                id="escalate-teams",
            )
            yield Static(id="escalate-priority-label", classes="escalate-label")
            with PriorityChoice(id="escalate-priority"):
                for p in PRIORITIES:
                    yield RadioButton(
                        Content(f"{p} {PRIORITY_WORDS[p]}"),
                        id=f"priority-{p}",
                    )
            yield Static(
                Content.styled("Note for the team (may be left blank)", "bold"),
                classes="escalate-label",
            )
            yield InertTextArea(id="escalate-note", soft_wrap=True, show_line_numbers=False)
            yield Static(id="escalate-message")
            yield Static(id="escalate-keys")

    def on_mount(self) -> None:
        teams = self.query_one("#escalate-teams", OptionList)
        teams.highlighted = 0
        # Pressed after mounting, so the set's own cursor starts on it too.
        self.action_priority(DEFAULT_PRIORITY)
        # The note comes first, as in every other form here; team and priority
        # default to the first team and P3, and have keys that work from the note.
        self.set_focus(self.query_one(TextArea))
        self.claim_on_open()

    def on_descendant_focus(self) -> None:
        focused = self.focused
        keys = (
            KEYS_IN_NOTE
            if isinstance(focused, TextArea)
            else KEYS_ON_PRIORITY
            if isinstance(focused, RadioSet)
            else KEYS_ON_TEAMS
        )
        self.query_one("#escalate-keys", Static).update(keys)

    @on(TextArea.Changed)
    @on(TextArea.SelectionChanged)
    @on(OptionList.OptionHighlighted)
    @on(RadioSet.Changed)
    def _active(self) -> None:
        self.claim_activity()

    def tell_claim(self, text: str) -> None:
        self.query_one("#escalate-message", Static).update(Content.styled(text, "$warning"))

    # ---------------------------------------------------------------- choices

    @property
    def team(self) -> TeamInfo | None:
        index = self.query_one("#escalate-teams", OptionList).highlighted
        return self.teams[index] if index is not None and index < len(self.teams) else None

    @property
    def priority(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return str(pressed.id).removeprefix("priority-") if pressed else DEFAULT_PRIORITY

    def action_priority(self, priority: str) -> None:
        self.query_one(f"#priority-{priority}", RadioButton).value = True

    def action_priority_step(self, step: int) -> None:
        index = PRIORITIES.index(self.priority) + step
        self.action_priority(PRIORITIES[max(0, min(len(PRIORITIES) - 1, index))])

    def action_team_step(self, step: int) -> None:
        teams = self.query_one("#escalate-teams", OptionList)
        if self.teams:  # round, as the list itself goes with ↑ ↓
            teams.highlighted = ((teams.highlighted or 0) + step) % len(self.teams)

    @on(RadioSet.Changed, "#escalate-priority")
    def _priority_changed(self) -> None:
        # The choice in words too: the pressed button differs from the others by
        # colour alone, which NO_COLOR and some terminals lose.
        priority = self.priority
        self.query_one("#escalate-priority-label", Static).update(
            Content.assemble(
                ("Priority: ", "bold"), (f"{priority} {PRIORITY_WORDS[priority]}", "bold $accent")
            )
        )

    @on(OptionList.OptionSelected, "#escalate-teams")
    def _team_chosen(self) -> None:
        # Enter on a team: on to the priority.
        self.set_focus(self.query_one(RadioSet))

    # ---------------------------------------------------------------- save

    def action_save(self) -> None:
        team = self.team
        if team is None:
            self.query_one("#escalate-message", Static).update(
                Content.styled("Choose a team first (Shift+Tab, then ↑ ↓).", "$text-error")
            )
            self.set_focus(self.query_one("#escalate-teams", OptionList))
            return
        note = self.query_one(TextArea).text.strip()
        self.dismiss(EscalationRequest(team.name, self.priority, note))
