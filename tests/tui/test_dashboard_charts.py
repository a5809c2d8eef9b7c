"""The dashboard's charts as a user reads them at 80×24, with NO_COLOR: the chart
follows the highlighted figure (volume against the period before, net sentiment above
and below its zero line, the forecast between its interval's rows), shares of a table
are bars, and the forecast opens its history with Enter and says how it is made on `?`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from scrm_tui.core.models import Channel
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.explain import ExplainScreen
from scrm_tui.ui.widgets.chart import Chart
from tests.conftest import fixed_clock, mention
from tests.support.tui import inbox_screen, make_app, press, static_text, status_text, wait_until
from tests.tui.test_dashboard import highlight, line_of, open_dashboard

DAYS = 21


@pytest.fixture
def three_weeks(db_path: Path) -> Path:
    """Three weeks: 6 mentions a day on Mastodon, 2 on Bluesky; two days ago and the
    day before, the Mastodon ones angry, the rest pleased."""

    async def seed() -> None:
        async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
            posts = []
            for d in range(DAYS):
                for k in range(8):
                    angry = k < 6 and d in (1, 2)
                    posts.append(
                        mention(
                            d * 10 + k,
                            f"Kestrel {'is broken, terrible' if angry else 'is lovely'} {d}/{k}",
                            channel=Channel.BLUESKY if k >= 6 else Channel.MASTODON,
                            minutes_ago=d * 1440 + 20 + k * 90,
                        )
                    )
            await box.ingest(posts)

    asyncio.run(seed())
    return db_path


def chart_text(pilot: Pilot) -> list[str]:
    widget = pilot.app.screen.query_one(Chart)
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_the_chart_follows_the_highlighted_figure(
    three_weeks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(three_weeks)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        title, this, before, *_ = chart_text(pilot)
        assert "Mentions per day" in title and "before" in title
        # Eight a day both weeks: the same height on both rows, on one scale.
        assert this.split()[0] == "8" and set(this.split()[1]) == {"█"}
        assert before.split()[0] == "before" and set(before.split()[1]) == {"█"}

        await highlight(pilot, "Net sentiment")
        title, above, below, *_ = chart_text(pilot)
        assert "above the line positive" in title
        # Two days of angry posts below the line, the rest above it: the shape says
        # which side, with no colour.
        scale, drawn = above.split(maxsplit=1)
        assert scale == "+100" and "█" in drawn
        scale, drawn = below.split(maxsplit=1)
        assert scale == "−100" and set(drawn.replace(" ", "")) == {"▀"}

        await highlight(pilot, "Next 7 days")
        title, high, mean, low, days = chart_text(pilot)
        assert "forecast" in title and "80% interval" in title
        assert high.split()[:2] == ["80%", "high"] and low.split()[:2] == ["80%", "low"]
        assert "│" in mean and days.strip()


async def test_a_table_of_shares_draws_bars(three_weeks: Path) -> None:
    app = make_app(three_weeks)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        assert line_of(pilot, "network").endswith("share")
        # 42 of 56 on Mastodon: three quarters of a 6-cell bar, and said in figures.
        mastodon = line_of(pilot, "Mastodon")
        assert "████▌" in mastodon and "█████" not in mastodon and mastodon.endswith("75%")
        assert line_of(pilot, "Bluesky").endswith("25%")


async def test_the_forecast_opens_its_history_and_says_how_it_is_made(
    three_weeks: Path,
) -> None:
    app = make_app(three_weeks)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Next 7 days")
        # Eight a day for three weeks: 56 in the next seven, and no spread.
        assert line_of(pilot, "Next 7 days").split()[3:5] == ["56", "±0"]
        assert line_of(pilot, "Next 7 days").endswith("80% interval 56–56")
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, ExplainScreen)
        text = " ".join(static_text(pilot, "#explain-text").split())
        assert "weekly season" in text and "80% interval: 56–56" in text
        assert "days of history: 20 " in text  # whole days after the first mention's
        await press(pilot, "escape", "enter")
        # The 20 whole days it learned from, 8 a day.
        await wait_until(pilot, lambda: "→ 160 of 168" in status_text(pilot))
        assert inbox_screen(pilot).query_.source.endswith("is:any")


@pytest.mark.parametrize("figure", ["Net sentiment", "Next 7 days"])
def test_dashboard_snapshot_no_color(
    snap_compare, three_weeks: Path, monkeypatch: pytest.MonkeyPatch, figure: str
) -> None:
    """80×24 with NO_COLOR: the signed chart, then the forecast's."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        await open_dashboard(pilot)
        await highlight(pilot, figure)

    assert snap_compare(make_app(three_weeks), terminal_size=(80, 24), run_before=run_before)
