"""What one key changes reaches the screen in one frame: the cursor and its position,
the filter line closing and the new rows, the footer's keys for the new focus."""

from __future__ import annotations

from pathlib import Path

from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.tui import inbox_screen, running, static_text


async def seed(db_path: Path, count: int) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"n{n:04d} kestrel sync post") for n in range(count)])


async def test_the_position_moves_with_the_cursor_before_any_message_is_handled(
    db_path: Path,
) -> None:
    """A frame is drawn between messages: what holds when the key's handler returns is
    what the next frame shows. The top line's `2/30` must not trail the cursor by a
    frame (it did, told by the list's Highlighted message, which bubbles up later)."""
    await seed(db_path, 30)
    async with running(db_path) as pilot:
        screen = inbox_screen(pilot)
        assert static_text(pilot, "#position") == "1/30"
        for want in range(2, 6):
            screen.mention_list.action_cursor_down()  # as the j binding calls it
            assert static_text(pilot, "#position") == f"{want}/30"
        screen.mention_list.action_first()
        assert static_text(pilot, "#position") == "1/30"
