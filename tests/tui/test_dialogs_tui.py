"""Dialogs share one base: Esc cancels them all through one binding you can move, and
every screen's and dialog's style sheet is there, parses, and is read once the inbox is
up (not on the key that first opens it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

from scrm_tui.core.config import KeySetting, parse_config
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui import keymap
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.dialogs.snooze import SnoozeScreen
from scrm_tui.ui.dialogs.tag_edit import TagScreen
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.styles import INBOX_CSS, other_sheets
from tests.conftest import fixed_clock, mention
from tests.support.tui import press, running, wait_until


def keys(text: str) -> tuple[KeySetting, ...]:
    return parse_config(f"[keys]\n{text}", "config.toml").keys


async def seed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"mention {n} about kestrel") for n in range(5)])


def written(db_path: Path) -> tuple[int, int]:
    """Mentions snoozed, and tags on mentions, as the database holds them."""
    with sqlite3.connect(db_path) as conn:
        snoozed = conn.execute(
            "SELECT count(*) FROM mentions WHERE snoozed_until_ms IS NOT NULL"
        ).fetchone()[0]
        tagged = conn.execute("SELECT count(*) FROM mention_tags").fetchone()[0]
    return snoozed, tagged


async def test_one_binding_cancels_every_dialog_and_moves_for_all_of_them(
    db_path: Path,
) -> None:
    await seed(db_path)
    async with running(db_path, keys=keys('"dialog.cancel" = "ctrl+g"\n')) as pilot:
        for key, dialog in (("z", SnoozeScreen), ("t", TagScreen)):
            await press(pilot, key)
            assert isinstance(pilot.app.screen, dialog)
            await press(pilot, "ctrl+g")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, InboxScreen))
    assert written(db_path) == (0, 0)  # cancelled: nothing written


async def test_escape_cancels_a_dialog_by_default(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        await press(pilot, "z")
        assert isinstance(pilot.app.screen, SnoozeScreen)
        await press(pilot, "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, InboxScreen))
    assert written(db_path) == (0, 0)


def test_every_screen_and_dialog_has_its_sheets_and_they_are_read_ahead() -> None:
    screens: list[type[Screen[object]]] = [*keymap.catalogue().screens, Dialog]
    named: set[Path] = set()
    for screen in screens:
        paths = screen.CSS_PATH if isinstance(screen.CSS_PATH, list) else [screen.CSS_PATH]
        for path in paths:
            if path is not None:
                assert Path(path).is_file(), f"{screen.__name__} names {path}: not there"
                named.add(Path(path))
    # All read once the inbox is up (ScrmApp._read_screens_css), so no first key that
    # opens a screen waits for its rules; and no sheet is left that nothing names.
    assert set(other_sheets()) == named
    sheet = Stylesheet(variables=App[None]().get_css_variables())  # the theme's $colours
    for path in [INBOX_CSS, *other_sheets()]:
        sheet.read(path)
    sheet.parse()  # raises on a rule Textual cannot read, naming its file and line


def test_a_config_naming_one_dialogs_former_escape_is_told_and_still_starts() -> None:
    result = keymap.check(keys('snooze.cancel = "ctrl+g"\ninbox.reply = "ctrl+r"\n'))
    assert result.errors == []
    assert result.warnings == [
        "config.toml, line 2: [keys] snooze.cancel is now dialog.cancel, Esc in every "
        "dialog that cancels: set that instead (this line is left out)"
    ]
    assert result.keymap == {"inbox.reply": "ctrl+r"}  # the rest is in force
