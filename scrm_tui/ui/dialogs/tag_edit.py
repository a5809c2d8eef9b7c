"""Add or remove tags (`t`) on a mention, a selection or a customer: `+add -remove toggle`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester, SuggestionReady
from textual.widgets import Input, Static

from scrm_tui.core import sanitize
from scrm_tui.core.tags import TagEdit, TagError, parse_edit
from scrm_tui.service.tagging import TagOutcome
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


class LastWordSuggester(Suggester):
    """Completes the word being typed (after `+` or `-`) from the tags in use; → or
    End takes the completion, as in any Textual input."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        # Tags are checked when written, and shown inert all the same.
        self.tags = [sanitize.inline(tag) for tag in tags]

    async def get_suggestion(self, value: str) -> str | None:
        word = value.replace(",", " ").rsplit(" ", 1)[-1].lstrip("+-").casefold()
        if not word:
            return None
        for tag in self.tags:
            if tag.startswith(word) and tag != word:
                return value + tag[len(word) :]
        return None


def _tags(tags: Sequence[str]) -> str:
    return ", ".join(sanitize.inline(tag) for tag in tags)


def tagged(outcome: TagOutcome, total: int, noun: str) -> str:
    """What the notification says once `t` is saved: `Tagged 3 mentions: +billing -spam.`"""
    words = [f"+{t}" for t in outcome.added] + [f"-{t}" for t in outcome.removed]
    change = " ".join(sanitize.inline(word) for word in words)
    if not outcome.changed:
        return f"Nothing to change ({change})." if change else "Nothing to change."
    what = f"the {noun}" if total == 1 else f"{outcome.changed:,} {noun}s"
    return f"Tagged {what}: {change}."


class TagScreen(ReportsFailures, Dialog[TagEdit | None]):
    """Enter applies, Esc cancels; a word that is not a tag is named, with its column."""

    CSS_PATH = dialog_css("tag_edit")

    def __init__(
        self,
        load: Callable[[], Awaitable[list[str]]],
        title: str,
        current: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.load = load
        self.title_text = title
        self.current = tuple(current)

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box", classes="dialog-box"):
            yield Static(Content.styled(self.title_text, "bold"), id="tags-title")
            now = _tags(self.current) if self.current else "none"
            yield Static(
                Content.assemble(("tags now: ", "$text-muted"), (now, "$secondary")),
                id="tags-now",
            )
            yield InertInput(placeholder="+tag adds, -tag removes, tag toggles", id="tags-input")
            yield Static(id="tags-message")
            yield Static(
                keys_line(("enter", "apply"), ("→", "complete"), ("esc", "cancel")),
                id="tags-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        self._load()

    @work(group="tags-load", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        box = self.query_one(Input)
        suggester = LastWordSuggester(await self.load())
        box.suggester = suggester
        # Complete what was typed while the tags were loading.
        typed = box.value
        suggestion = await suggester.get_suggestion(typed) if typed else None
        if suggestion is not None:
            box.post_message(SuggestionReady(typed, suggestion))

    def _say(self, content: Content) -> None:
        self.query_one("#tags-message", Static).update(content)

    @on(Input.Changed, "#tags-input")
    def _typed(self, event: Input.Changed) -> None:
        try:
            edit = parse_edit(event.value)
        except TagError as error:
            self._say(Content.styled(str(error), "$error"))
            return
        verbs = (("adds", edit.add), ("removes", edit.remove), ("toggles", edit.toggle))
        parts = [f"{verb} {_tags(tags)}" for verb, tags in verbs if tags]
        self._say(Content.styled(" · ".join(parts), "$text-muted"))

    @on(Input.Submitted, "#tags-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            edit = parse_edit(event.value)
        except TagError as error:
            self._say(Content.styled(str(error), "$error"))
            return
        self.dismiss(None if edit.is_empty else edit)
