"""Your own keys in the running app, `?` and the footer showing them, and the reading
pane's links: hyperlinks and `y` for plain web addresses only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.command import CommandPalette
from textual.style import Style
from textual.widgets import DataTable

from scrm_tui.core.config import KeySetting, parse_config
from scrm_tui.core.models import Status
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.help import HelpScreen
from scrm_tui.ui.widgets.mention_detail import describe
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.support import hostile
from tests.support.tui import press, running, toasts, wait_until

ESC, BEL = "\x1b", "\x07"
# Addresses a stranger can put on a post: none may become a link or reach the clipboard.
HOSTILE_URLS = {
    "osc 8 break-out": f"https://good.example/{ESC}]8;;https://evil.example{ESC}\\",
    "bell ends the osc": f"https://good.example/a{BEL}{ESC}]0;pwned{BEL}",
    "c1 string terminator": "https://good.example/a\x9c\x9d0;pwned\x9c",
    "space": "https://good.example/a b",
    "javascript": "javascript:alert(document.cookie)",
    "bidi override": "https://good.example/\u202egpj.exe",
    "no host": "https:///etc/passwd",
}


def keys(text: str) -> tuple[KeySetting, ...]:
    return parse_config(f"[keys]\n{text}", "config.toml").keys


async def seed(db_path: Path, *posts: tuple[str, str | None]) -> list[int]:
    """One mention per (text, url), newest first."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        found = [replace(mention(n, text), url=url) for n, (text, url) in enumerate(posts)]
        return (await box.ingest(found)).stored


async def status_of(db_path: Path, mention_id: int) -> Status:
    async with await Inbox.open(db_path, "reader", fixed_clock) as box:
        [row] = await box.rows([mention_id])
        return row.status


def help_rows(pilot) -> set[tuple[str, str, str]]:
    table = pilot.app.screen.query_one("#help-table", DataTable)
    return {tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}


def footer(pilot) -> dict[str, str]:
    """What the footer shows: each description with its key."""
    return {key.description: key.key_display for key in pilot.app.screen.query("FooterKey")}


async def test_a_remapped_key_does_the_action_and_the_old_key_no_longer_does(
    db_path: Path,
) -> None:
    ids = await seed(db_path, *((f"post {n}", None) for n in range(5)))
    mapped = keys('inbox.done = "d"\nlist.down = "ctrl+n"\n')
    async with running(db_path, (100, 30), keys=mapped) as pilot:
        the_list = pilot.app.screen.query_one(MentionList)
        await press(pilot, "x")  # no longer marks done, nor moves
        assert await status_of(db_path, ids[0]) is Status.OPEN
        assert the_list.cursor == 0
        await press(pilot, "d")
        assert await status_of(db_path, ids[0]) is Status.DONE
        assert the_list.cursor == 1  # done moves on, as x did
        await press(pilot, "j")
        assert the_list.cursor == 1
        await press(pilot, "ctrl+n")
        assert the_list.cursor == 2
        # The footer and ? show the keys in force.
        shown = footer(pilot)
        assert shown["Done/reopen"] == "d"
        # In its place (Textual's keymap would have moved it to the end, off an 80-column
        # footer), not at the end.
        assert list(shown)[:3] == ["Open", "Reply", "Done/reopen"]
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        rows = help_rows(pilot)
        assert ("d", "Done/reopen", "inbox") in rows
        assert ("^n", "Down", "list") in rows
        assert not {row for row in rows if row[1] in ("Done/reopen", "Down") and "x" in row[0]}
        assert ("?", "Help", "everywhere") in rows


async def test_a_key_taken_by_a_remap_is_shown_as_gone_in_help(db_path: Path) -> None:
    await seed(db_path, ("only post", None))
    async with running(db_path, keys=keys('inbox.reply = "x"\n')) as pilot:
        await press(pilot, "question_mark")
        rows = help_rows(pilot)
        assert ("x", "Reply", "inbox") in rows
        assert ("—", "Done/reopen", "inbox") in rows  # x was its only key


async def test_the_palette_key_can_move_and_the_footer_follows(db_path: Path) -> None:
    await seed(db_path, ("only post", None))
    async with running(db_path, (120, 30), keys=keys('app.command_palette = "ctrl+k"\n')) as pilot:
        assert footer(pilot)["palette"] == "^k"
        await press(pilot, "ctrl+p")
        assert not CommandPalette.is_open(pilot.app)
        await press(pilot, "ctrl+k")
        assert CommandPalette.is_open(pilot.app)


async def test_help_on_any_screen_lists_its_keys_as_remapped(db_path: Path) -> None:
    await seed(db_path, ("only post", None))
    async with running(db_path, keys=keys('outbox.retry = "R"\n')) as pilot:
        await press(pilot, "O")
        await press(pilot, "question_mark")
        assert {("R", "Retry", "outbox"), ("j  ↓", "Down", "list")} <= help_rows(pilot)


async def test_a_bad_key_in_a_config_made_in_code_is_told_and_the_rest_works(
    db_path: Path,
) -> None:
    """`scrm` refuses such a config before it starts; an app given one anyway says so."""
    ids = await seed(db_path, ("only post", None))
    given = (
        KeySetting("inbox.dune", "d", "test config, line 2", 2),
        KeySetting("inbox.read", "Ctrl+U", "test config, line 3", 3),
        KeySetting("inbox.done", "d", "test config, line 4", 4),
    )
    async with running(db_path, toasts=True, keys=given) as pilot:
        said = " ".join(toasts(pilot))
        assert "test config, line 2: [keys] 'inbox.dune' is not a binding scrm has" in said
        assert "test config, line 3: [keys] inbox.read: 'Ctrl+U': 'Ctrl' is not a modifier" in said
        await press(pilot, "d")
        assert await status_of(db_path, ids[0]) is Status.DONE


async def test_a_key_bound_twice_is_a_warning_once_the_inbox_is_up(db_path: Path) -> None:
    await seed(db_path, ("only post", None))
    async with running(db_path, toasts=True, keys=keys('inbox.customer = "j"\n')) as pilot:
        await wait_until(
            pilot,
            lambda: any(
                "j is bound 3 times on the inbox screen" in t and "list.down gets it" in t
                for t in toasts(pilot)
            ),
        )


async def test_y_copies_the_mentions_link_and_says_so(db_path: Path) -> None:
    url = "https://example.social/@user0/113054817361234567"
    await seed(db_path, ("has a link", url), ("has none", None), ("hostile", HOSTILE_URLS["space"]))
    async with running(db_path, (100, 30), toasts=True) as pilot:
        await press(pilot, "y")
        assert pilot.app.clipboard == url
        # (A toast wraps a long address over lines.)
        await wait_until(
            pilot, lambda: any(f"Linkcopied:{url}" in "".join(t.split()) for t in toasts(pilot))
        )
        await press(pilot, "j", "y")
        await wait_until(
            pilot,
            lambda: any("Nothing copied: this mention has no link" in t for t in toasts(pilot)),
        )
        await press(pilot, "j", "y")
        await wait_until(
            pilot,
            lambda: any("its link is not a plain web address" in t for t in toasts(pilot)),
        )
        assert pilot.app.clipboard == url  # unchanged


def links(content) -> list[str]:
    return [
        span.style.link
        for span in content.spans
        if isinstance(span.style, Style) and span.style.link
    ]


async def test_the_post_and_the_profile_are_links_only_when_plain(db_path: Path) -> None:
    url = "https://example.social/@user0/1"
    posts = [("plain", url), *((name, bad) for name, bad in HOSTILE_URLS.items())]
    ids = await seed(db_path, *posts)
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        good = await box.detail(ids[0])
        assert good is not None
        head, _, _ = describe(good, int(fixed_clock() * 1000))
        assert links(head) == ["https://example.social/@user0", url]  # profile, then post
        for mention_id, (name, bad) in zip(ids[1:], HOSTILE_URLS.items(), strict=True):
            detail = await box.detail(mention_id)
            assert detail is not None
            head, _, _ = describe(detail, int(fixed_clock() * 1000))
            assert bad not in links(head), name
            assert all(link.startswith("https://example.social/") for link in links(head)), name
            assert hostile.is_terminal_safe(head.plain), name  # the text, shown inert
        evil = await box.detail(ids[1])
        assert evil is not None
        assert "https://good.example/␛]8;;https://evil.example␛\\" in describe(evil, 0)[0].plain
