"""Editable widgets hold nothing a terminal would obey, however the text got in."""

from __future__ import annotations

import ast
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

import scrm_tui.ui
from scrm_tui.core import sanitize
from scrm_tui.ui.widgets.inert import InertInput, InertTextArea
from tests.support import hostile

EVIL = "a\x1b]0;pwned\x07b\x1b[2Jc\x9b31m\u202ed"


class Form(App[None]):
    def compose(self) -> ComposeResult:
        yield InertInput(EVIL, id="line")
        yield InertTextArea(EVIL + "\r\nsecond\tline", id="area")


async def test_every_way_in_is_made_inert() -> None:
    async with Form().run_test() as pilot:
        line = pilot.app.query_one(Input)
        area = pilot.app.query_one(TextArea)
        # Constructed with it.
        assert line.value == "a␛]0;pwned␇b␛[2Jc\ufffd31m\ufffdd"
        assert area.text == "a␛]0;pwned␇b␛[2Jc\ufffd31m\ufffdd\nsecond\tline"
        # Assigned, inserted, loaded, pasted.
        line.value = EVIL
        line.insert_text_at_cursor("\x1b[H\n")
        area.load_text(EVIL)
        area.insert("\x1b]52;c;eA==\x07")
        line.focus()
        await pilot.pause()
        line.post_message(events.Paste("\x1b[31mred"))
        area.focus()
        await pilot.pause()
        area.post_message(events.Paste("\x07ding\x1b"))
        await pilot.pause()
        for text in (line.value, area.text):
            assert hostile.is_terminal_safe(text.replace("\t", " ")), repr(text)
        assert "␛[31mred" in line.value and "␇ding␛" in area.text
        # One character for one: the cursor still points where it did.
        assert len(line.value) == line.cursor_position


def test_editable_keeps_what_people_write() -> None:
    text = "Ok 👩\u200d💻 ❤️ café — שלום\n\tindented"
    assert sanitize.editable(text, multiline=True) == text
    assert sanitize.editable(text, multiline=False) == text.replace("\n", " ").replace("\t", " ")


def test_every_hostile_string_is_inert_in_an_editable_field() -> None:
    for text in hostile.ALL.values():
        assert hostile.is_terminal_safe(sanitize.editable(text, multiline=True).replace("\t", " "))
        out = sanitize.editable(text, multiline=False)
        assert hostile.is_terminal_safe(out) and "\n" not in out and len(out) == len(text)


def test_no_screen_makes_a_plain_input_or_text_area() -> None:
    """Every editable field in the UI is one of the inert ones (ui/widgets/inert.py, and
    inert_area.py: the text area, imported when a form first needs it)."""
    plain = {"Input", "TextArea"}
    found = []
    for path in Path(scrm_tui.ui.__file__).parent.rglob("*.py"):
        if path.name in ("inert.py", "inert_area.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in plain:
                found.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
                if bases & plain:
                    found.append(f"{path.name}:{node.lineno} class {node.name}")
    assert found == []
