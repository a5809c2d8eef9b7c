"""The `/` filter line: an input and a one-line message (match count or error)."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.ui.keys import InOrderKeys
from scrm_tui.ui.widgets.inert import InertInput

PLACEHOLDER = 'filter: words, "a phrase", a OR b, -word, #tag, is:unread, ch:bsky, lang:de, tag:x'


# InOrderKeys' on_key comes first on purpose (keys typed ahead keep their order); mypy
# cannot tell that its signature and the input's are the same event handler.
class FilterInput(InOrderKeys, InertInput):  # type: ignore[misc]
    RESOLVE_PRINTABLE = False

    def __init__(self, on_submit: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_submit = on_submit

    async def action_submit(self) -> None:
        # Called in key order (see InOrderKeys), so the focus change it makes is in
        # place before the next typed key is handled; a Submitted message would not be.
        self._on_submit(self.value)


# After the first frame with rows: the input is made then, off the start-up path, and
# is there when `/` comes (or made by the first `/`, if that comes sooner).
INPUT_DELAY = 0.5


class FilterBar(Vertical):
    """Hidden until `/`. Its input (Textual's Input: ~10 ms to style and mount, with
    its own style rules to parse) is not made with the screen's first frame."""

    def __init__(self, on_submit: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._on_submit = on_submit
        self._said = ""  # the message line's text
        self._input: FilterInput | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="filter-message")

    def on_mount(self) -> None:
        self.set_timer(INPUT_DELAY, self._make_input, name="filter-input")

    def _make_input(self) -> None:
        if self._input is None:
            # Mounted at once (the widget is in the tree, styled, and can take the
            # focus now); Textual finishes mounting it before it handles a key.
            self._input = FilterInput(self._on_submit, placeholder=PLACEHOLDER, id="filter-input")
            self.mount(self._input, before=0)

    @property
    def input(self) -> Input:
        self._make_input()
        assert self._input is not None
        return self._input

    def open(self, text: str) -> None:
        self.add_class("-visible")
        self.input.value = text
        self.input.cursor_position = len(text)
        # Focus now, not via focus()'s call_later: keys typed right after `/` are
        # already queued and must land in the input, not in the list.
        self.screen.set_focus(self.input, scroll_visible=False)

    def close(self) -> None:
        self.remove_class("-visible")
        self.say("")

    @property
    def is_open(self) -> bool:
        return self.has_class("-visible")

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#filter-message", Static)
        line.set_class(error, "-error")
        if message == self._said:
            return
        # As many lines as before ("searching…" after "", as each filter typed says):
        # a repaint of the line, not a layout of the whole screen.
        lines = self._lines(message)
        same = lines is not None and lines == self._lines(self._said)
        self._said = message
        line.update(Content(message), layout=not same)

    def _lines(self, message: str) -> int | None:
        """The lines `message` takes in the bar, if none wraps (else None: not known)."""
        width = self.query_one("#filter-message", Static).content_size.width
        lines = message.split("\n")
        return len(lines) if all(cell_len(line) <= width for line in lines) else None

    def show_error(self, typed: str, message: str, position: int, length: int) -> None:
        """A mistake in `typed`: carets under the part that is wrong (while the input
        shows that text and that part is in view), then what is wrong and where."""
        text = f"column {position + 1}: {message}"
        field = self.input
        start = cell_len(typed[:position]) - round(field.scroll_offset.x)
        width = max(cell_len(typed[position : position + length]), 1)
        if typed == field.value and start >= 0 and start + width <= field.content_size.width:
            text = " " * start + "^" * width + "\n" + text
        self.say(text, error=True)
