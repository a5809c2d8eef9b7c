"""`G` and `g` far from the rows held: the cursor and its rows come in one frame."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scrm_tui.service.window import LiveWindow
from tests.support.tui import inbox_screen, list_lines, running, settle, static_text, wait_until
from tests.tui.test_frames_tui import seed

COUNT = 4000  # more than a window holds (KEEP): `g` after `G` reads the top again


async def test_g_and_G_move_the_cursor_only_with_the_rows_it_lands_on(
    db_path: Path, monkeypatch
) -> None:
    """While the far rows are read, the screen keeps the rows it shows (no frame of
    "…" lines at the cursor's new place); then the cursor and the rows come at once,
    the right rows: the oldest (n3999) at the bottom after `G`, the newest at the top after
    `g`."""
    await seed(db_path, COUNT)
    gate = asyncio.Event()
    gate.set()
    reached = asyncio.Event()
    ensure = LiveWindow.ensure

    async def held_ensure(self: LiveWindow, start: int, stop: int) -> bool:
        if not gate.is_set():
            reached.set()
            await gate.wait()
        return await ensure(self, start, stop)

    monkeypatch.setattr(LiveWindow, "ensure", held_ensure)
    async with running(db_path) as pilot:

        async def jump_held(key: str) -> None:
            """`key` while the far rows' read is held: the screen and the position stay
            as they were until the rows come, then move with them."""
            gate.clear()
            reached.clear()
            position, before = static_text(pilot, "#position"), list_lines(pilot)
            await pilot.press(key)
            await reached.wait()
            await pilot.pause()
            assert static_text(pilot, "#position") == position
            assert list_lines(pilot) == before
            gate.set()
            await settle(pilot)

        screen = inbox_screen(pilot)
        await wait_until(pilot, lambda: static_text(pilot, "#position") == f"1/{COUNT:,}")
        await jump_held("G")
        assert static_text(pilot, "#position") == f"{COUNT:,}/{COUNT:,}"
        await pilot.press("k")
        assert static_text(pilot, "#position") == f"{COUNT - 1:,}/{COUNT:,}"
        lines = [line for line in list_lines(pilot) if line.strip()]
        assert f"n{COUNT - 1:04d}" in lines[-1] and f"n{COUNT - 2:04d}" in lines[-2]
        assert not any(line.strip() == "…" for line in lines)
        selected = screen.mention_list.selected
        assert selected is not None and f"n{COUNT - 2:04d}" in selected.snippet

        await jump_held("g")
        assert static_text(pilot, "#position") == f"1/{COUNT:,}"
        assert "n0000" in list_lines(pilot)[0]
        assert not any(line.strip() == "…" for line in list_lines(pilot))
