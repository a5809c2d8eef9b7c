"""Rewards through the keys: `w` on a mention's author (inbox) or in the customer view
records a kind and a note in their history, with the agent; the dashboard's "Rewards
given" opens the ledger, newest first, which says what it leaves out; `a` on a
leaderboard row awaiting approval approves the advocate."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.service import advocacy
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.reward import RewardScreen
from scrm_tui.ui.screens.customer import CustomerScreen
from scrm_tui.ui.screens.rewards import RewardsScreen
from tests.conftest import fixed_clock, mention
from tests.support.tui import make_app, press, settle, static_text, wait_until
from tests.tui.test_dashboard import highlight, line_of, lines, open_dashboard

HANDLE = "ada@example.social"
HOSTILE = "\x1b]0;pwned\x07Ada [bold]L[/]"


@pytest.fixture
def seeded(db_path: Path) -> Path:
    async def seed() -> None:
        async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
            await box.add_customers(
                [CustomerIn(name=HOSTILE, identities=((Channel.MASTODON, HANDLE),))],
                source="test",
            )
            await box.ingest(
                [
                    mention(n, "Kestrel is great, I love it", handle=HANDLE, minutes_ago=60 * n)
                    for n in range(1, 4)
                ]
                + [
                    mention(
                        10 + n,
                        "Kestrel is wonderful, I recommend it",
                        handle="uma@example.social",
                        name="Uma",
                        minutes_ago=30 * n,
                    )
                    for n in range(1, 4)
                ]
            )

    asyncio.run(seed())
    return db_path


def _rewards(path: Path) -> list[tuple[str, str | None, int | None, str]]:
    with sqlite3.connect(path) as conn:
        return list(
            conn.execute(
                "SELECT actor, json_extract(detail, '$.kind'), customer_id, "
                "json_extract(detail, '$.note') FROM interactions WHERE kind = 'reward' "
                "ORDER BY id"
            )
        )


async def test_w_in_the_inbox_and_the_customer_view_then_the_ledger(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "G")  # the oldest: one of Ada's
        await press(pilot, "w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RewardScreen))
        assert "Ada [bold]L[/]" not in static_text(pilot, "#reward-title")  # her handle's name
        await pilot.press(*"stickers and a mug")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(_rewards(seeded)) == 1)
        assert _rewards(seeded) == [("tester", "swag", 1, "stickers and a mug")]

        await press(pilot, "c")  # her customer view: the reward is in her history
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CustomerScreen))
        await settle(pilot)
        await press(pilot, "w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RewardScreen))
        assert "Ada [bold]L[/]" in static_text(pilot, "#reward-title")  # inert, as written
        await press(pilot, "shift+tab", "enter", "down", "enter")  # the kind: discount
        await settle(pilot)
        assert pilot.app.screen.query_one(Select).value == "discount"
        await press(pilot, "tab")
        assert isinstance(pilot.app.screen.focused, Input)
        await pilot.press(*"20% off")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(_rewards(seeded)) == 2)
        assert _rewards(seeded)[1] == ("tester", "discount", 1, "20% off")
        await settle(pilot)
        timeline = "\n".join(
            pilot.app.screen.query_one("#timeline").render_line(y).text for y in range(12)
        )
        assert "reward: discount — 20% off" in timeline
        assert "reward: swag — stickers and a mug" in timeline

        await press(pilot, "escape")
        await open_dashboard(pilot)
        await highlight(pilot, "Rewards given")
        options = pilot.app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(options.highlighted or 0).prompt).split()[2] == "2"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RewardsScreen))
        await wait_until(pilot, lambda: "2 given" in static_text(pilot, "#rewards-title"))
        options = pilot.app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "discount" in shown[0] and "20% off" in shown[0]  # newest first
        # Her name is a stranger's text: its escape sequence gone, its brackets shown.
        assert "Ada [bold]L[/]" in shown[0] and "\x1b" not in shown[0]
        assert "swag" in shown[1] and "stickers and a mug" in shown[1]
        await press(pilot, "enter")  # opens her customer view
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CustomerScreen))


async def test_the_ledger_says_what_it_leaves_out(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Inbox.open(seeded, "kate", fixed_clock) as box:
        for kind in ("swag", "beta access", "other"):
            await advocacy.record_reward(box, kind, kind, customer_id=1)
    monkeypatch.setattr(advocacy, "LEDGER", 2)
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Rewards given")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RewardsScreen))
        await wait_until(pilot, lambda: "3 given" in static_text(pilot, "#rewards-title"))
        assert "the newest 2 shown" in static_text(pilot, "#rewards-title")
        assert pilot.app.screen.query_one(OptionList).option_count == 2


async def test_a_approves_an_advocate_awaiting_approval(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Advocates")  # the section scrolled into view
        assert line_of(pilot, "Advocates").split()[1] == "0"  # Ada: below 5 points
        options = pilot.app.screen.query_one(OptionList)
        while "awaiting" not in str(options.get_option_at_index(options.highlighted or 0).prompt):
            await press(pilot, "j")
        assert str(options.get_option_at_index(options.highlighted or 0).prompt).startswith("Uma")
        await press(pilot, "a")
        await wait_until(pilot, lambda: line_of(pilot, "Advocates").split()[1] == "1")
        assert not any(x.strip().startswith("Uma") and "awaiting" in x for x in lines(pilot))
        with sqlite3.connect(seeded) as conn:
            assert list(
                conn.execute("SELECT actor FROM interactions WHERE kind = 'advocate_approved'")
            ) == [("tester",)]
