"""The link pane and the customer view, driven by keys through Textual's pilot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.item import ItemScreen
from scrm_tui.ui.dialogs.link import LinkScreen
from scrm_tui.ui.dialogs.new_customer import NewCustomerScreen
from scrm_tui.ui.screens.customer import CustomerScreen, parse_filter
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.widgets.timeline_list import TimelineList
from tests.conftest import NOW, fixed_clock, mention
from tests.support import hostile
from tests.support.tui import list_lines, make_app, press, running, settle, static_text, wait_until

DAY_MS = 86_400_000
NOW_MS = int(NOW.timestamp() * 1000)

CUSTOMERS = [
    CustomerIn(
        name="Kate Lindqvist",
        external_id="C-1",
        email="kate@brightline.se",
        company="Brightline",
        tier="pro",
        lifetime_value=4200,
        identities=((Channel.MASTODON, "kate@hachyderm.io"), (Channel.GITHUB, "klindqvist")),
        fields=(("region", "EU"),),
    ),
    CustomerIn(name="John Smith", external_id="C-2", email="john.smith@acme.com", tier="team"),
]


async def _seed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers(CUSTOMERS)
        await box.ingest(
            [
                mention(
                    1,
                    "Kestrel 4.2 is lovely, thank you!",
                    handle="kate@hachyderm.io",
                    name="Kate 🌻 (she/her)",
                ),
                mention(
                    2,
                    "sync is broken again on large boards",
                    channel=Channel.GITHUB,
                    handle="klindqvist",
                    name="Kate L.",
                ),
                mention(
                    3,
                    "anyone else seeing sync errors?",
                    channel=Channel.REDDIT,
                    handle="jsmyth",
                    name="John Smyth",
                ),
                mention(
                    4, "just a passer-by", channel=Channel.HACKERNEWS, handle="zed", name="Zed"
                ),
            ]
        )
        await box.log_contact(
            1,
            "call",
            "Called about the outage, very unhappy",
            direction="in",
            at_ms=NOW_MS - 2 * DAY_MS,
        )
        await box.add_note(1, "Champion at Brightline")


@pytest.fixture
def seeded(db_path: Path) -> Path:
    asyncio.run(_seed(db_path))
    return db_path


def row_with(pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    return next(line for line in list_lines(pilot) if text in line)


async def goto(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Move the cursor down to the first row containing `text`."""
    for _ in range(10):
        if text in list_lines(pilot)[pilot.app.screen.mention_list.cursor]:
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"no row with {text!r}")


def options(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    widget = pilot.app.screen.query_one(OptionList)
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


async def test_rows_show_customer_and_suggestion_markers(seeded: Path) -> None:
    async with running(seeded, size=(120, 30)) as pilot:
        assert "◆Kate Lindqvist" in row_with(pilot, "lovely") and "pro" in row_with(pilot, "lovely")
        assert "◇John Smyth" in row_with(pilot, "sync errors")
        assert "◆" not in row_with(pilot, "passer-by") and "◇" not in row_with(pilot, "passer-by")


async def test_link_confirm_then_undo_then_reject(seeded: Path) -> None:
    async with running(seeded, size=(100, 30)) as pilot:
        await goto(pilot, "sync errors")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LinkScreen)
        [best] = options(pilot)
        assert "John Smith" in best and "matched on name" in best

        await pilot.press("enter")  # confirm
        await settle(pilot)
        assert not isinstance(pilot.app.screen, LinkScreen)
        assert "◆John Smith" in row_with(pilot, "sync errors")

        await pilot.press("l")
        await settle(pilot)
        now = pilot.app.screen.query_one("#link-now", Static).render_line(0).text
        assert "now linked to John Smith (confirmed)" in now
        await pilot.press("u")  # undo: back to a suggestion
        await settle(pilot)
        assert "◇John Smyth" in row_with(pilot, "sync errors")

        await pilot.press("l")
        await settle(pilot)
        await pilot.press("n")  # not them: never suggested again
        await settle(pilot)
        line = row_with(pilot, "sync errors")
        assert "◇" not in line and "◆" not in line
        await pilot.press("l")
        await settle(pilot)
        assert options(pilot) == []
        assert "No likely customer" in str(
            pilot.app.screen.query_one("#link-message", Static).render_line(0).text
        )


async def test_link_search_and_create(seeded: Path) -> None:
    async with running(seeded, size=(100, 30)) as pilot:
        await goto(pilot, "passer-by")
        await pilot.press("l")
        await settle(pilot)
        assert "a new customer" in static_text(pilot, "#link-keys")
        await pilot.press("slash", *"lindkvist")  # a typo still finds her
        # The search runs once typing pauses: wait for its results.
        await wait_until(pilot, lambda: "Kate Lindqvist" in (options(pilot) or [""])[0])
        keys = static_text(pilot, "#link-keys")  # letters are text here: not offered
        assert "↓ results" in keys and "new customer" not in keys
        await pilot.press("down")
        assert pilot.app.focused is pilot.app.screen.query_one(OptionList)
        await pilot.press("slash")
        await pilot.press("escape")  # leaves the search box, not the pane
        await settle(pilot)
        assert isinstance(pilot.app.screen, LinkScreen)
        assert pilot.app.screen.focused is pilot.app.screen.query_one(OptionList)
        await pilot.press("a")  # a new customer from this author instead
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewCustomerScreen)
        await pilot.press("enter")  # the author's name, as it is
        await settle(pilot)
        assert "◆Zed" in row_with(pilot, "passer-by")


async def test_a_new_customer_s_name_can_be_corrected_or_the_form_cancelled(
    seeded: Path,
) -> None:
    async with running(seeded, size=(100, 30)) as pilot:
        await goto(pilot, "passer-by")
        await press(pilot, "l", "a")
        form = pilot.app.screen
        assert isinstance(form, NewCustomerScreen)
        name = form.query_one(Input)
        assert name.value == "Zed" and name.has_focus  # pre-filled, ready to correct
        await press(pilot, "escape")  # changed my mind: nothing is made
        assert isinstance(pilot.app.screen, LinkScreen)
        async with await Inbox.open(seeded, "checker", fixed_clock) as box:
            assert not [h for h in await box.linker.search("Zed") if h.customer.name == "Zed"]

        await press(pilot, "a", "backspace", "backspace", "backspace", *"Zed Adams", "enter")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert "◆Zed Adams" in row_with(pilot, "passer-by")

        await press(pilot, "l", "a", "ctrl+u", "enter")  # no name: it says so, stays open
        assert isinstance(pilot.app.screen, NewCustomerScreen)
        assert "needs a name" in static_text(pilot, "#new-customer-message")


async def test_note_and_contact_forms_offer_only_their_own_fields(seeded: Path) -> None:
    async with running(seeded, size=(80, 24)) as pilot:
        await goto(pilot, "lovely")
        await press(pilot, "c", "n")
        assert static_text(pilot, "#contact-keys") == "ctrl+s save  esc cancel"
        await press(pilot, "escape", "o")
        keys = static_text(pilot, "#contact-keys")
        assert "shift+tab when, direction, kind" in keys
        form = pilot.app.screen
        for field in ("#contact-when", "#contact-direction", "#contact-kind"):
            await pilot.press("shift+tab")
            assert pilot.app.focused is form.query_one(field)


async def test_customer_view_history_contact_note_filter_and_open(seeded: Path) -> None:
    async with running(seeded, size=(120, 40)) as pilot:
        await goto(pilot, "lovely")
        await pilot.press("c")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen)
        head = "\n".join(
            screen.query_one("#customer-profile", Static).render_line(y).text
            for y in range(screen.query_one("#customer-profile").size.height)
        )
        assert "Kate Lindqvist" in head and "$4,200" in head and "kate@hachyderm.io" in head
        assert "2 mentions on 2 networks" in head and "1 call" in head and "region: EU" in head

        timeline = screen.query_one(TimelineList)

        def kinds() -> list[str]:
            assert timeline.window is not None
            return [item.kind for item in timeline.window.rows if item.kind != "link"]

        assert kinds() == ["note", "customer", "mention", "mention", "call"]

        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"Renewal call: staying, happy with 4.2")
        await pilot.press("shift+tab", *"1h ago")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # An hour ago: after the mentions of a minute ago, before the call of two days ago.
        assert kinds() == ["note", "customer", "mention", "mention", "call", "call"]
        call = next(i for i in timeline.window.rows if i.kind == "call")  # type: ignore[union-attr]
        assert call.at_ms == NOW_MS - 3_600_000 and call.compound and call.compound > 0

        await pilot.press("n", *"prefers e-mail", "ctrl+s")
        await settle(pilot)
        assert timeline.window.rows[0].text == "prefers e-mail"  # type: ignore[union-attr]

        # Networks and kinds narrow together: GitHub mentions only.
        await pilot.press("f", *"gh mention", "enter")
        await settle(pilot)
        shown = [(i.kind, i.channel) for i in timeline.window.rows]  # type: ignore[union-attr]
        assert shown == [("mention", "github")]
        await pilot.press("f", *"call", "enter")
        await settle(pilot)
        assert kinds() == ["call", "call"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ItemScreen)
        body = pilot.app.screen.query_one("#item-body", Static).render_line(0).text
        assert "call" in body and "by tester" in body
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert pilot.app.screen.__class__.__name__ == "InboxScreen"


async def test_contact_form_refuses_empty_and_bad_time(seeded: Path) -> None:
    async with running(seeded, size=(100, 30)) as pilot:
        await goto(pilot, "lovely")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("o", "ctrl+s")
        await settle(pilot)
        message = pilot.app.screen.query_one("#contact-message", Static).render_line(0).text
        assert "Write what was said first" in message
        await pilot.press(*"notes")
        await pilot.press("shift+tab")
        await pilot.press(*"next tuesday", "ctrl+s")
        await settle(pilot)
        message = pilot.app.screen.query_one("#contact-message", Static).render_line(0).text
        assert message.startswith("When say when as now")
        await pilot.press("escape")  # nothing written
        await settle(pilot)
        assert isinstance(pilot.app.screen, CustomerScreen)
        assert pilot.app.screen.summary is not None
        assert pilot.app.screen.summary.profile["interactions"].get("call") == 1


async def test_find_customer_opens_their_view(seeded: Path) -> None:
    async with running(seeded, size=(100, 30)) as pilot:
        await pilot.press("C", *"smith", "enter")  # Enter opens the best hit
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.customer_id == 2


async def test_enter_typed_ahead_of_the_search_still_opens_the_best_hit(seeded: Path) -> None:
    """On a busy machine the typing's own search can come due just as Enter is pressed:
    it must not take the place of the search that opens the customer."""
    from scrm_tui.ui.dialogs.find_customer import FindCustomerScreen

    async with running(seeded, size=(100, 30)) as pilot:
        await pilot.press("C")
        await settle(pilot)
        find = pilot.app.screen
        assert isinstance(find, FindCustomerScreen)
        await pilot.press(*"smith", "enter")
        find.typeahead._paused("smith")  # the typing's timer, firing late
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.customer_id == 2


def test_filter_words() -> None:
    assert parse_filter("gh Mastodon calls contacts") == (
        ("github", "mastodon"),
        ("call", "email", "meeting", "survey", "letter", "comment_card", "other"),
    )
    with pytest.raises(ValueError, match="unknown filter word"):
        parse_filter("tweets")


# ------------------------------------------------------------------ snapshots


async def _hostile_seed(db_path: Path) -> None:
    await _seed(db_path)
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        # Notes and names quote strangers: markup and escapes must show as text.
        await box.add_note(1, hostile.MARKUP["click action"] + hostile.ESCAPES["osc 0 title"])
        await box.add_customers([CustomerIn(name="[red]Evil[/] \x1b[2J Corp", external_id="C-1")])


@pytest.fixture
def seeded_view(db_path: Path) -> Path:
    asyncio.run(_hostile_seed(db_path))
    return db_path


async def _open_customer(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await goto(pilot, "lovely")
    await pilot.press("c")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_customer_view_snapshot(snap_compare, seeded_view: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seeded_view), terminal_size=size, run_before=_open_customer)


async def _open_link(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await goto(pilot, "sync errors")
    await pilot.press("l")
    await settle(pilot)


def test_link_pane_snapshot(snap_compare, seeded: Path) -> None:
    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=_open_link)


async def _seed_duplicate(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers(
            [
                CUSTOMERS[0],
                CustomerIn(
                    name="K. Lindqvist",
                    external_id="CRM-9",
                    email="kl@gmail.com",
                    identities=((Channel.REDDIT, "klq"),),
                ),
            ]
        )
        await box.ingest([mention(1, "hello", handle="kate@hachyderm.io", name="Kate")])


async def open_merge(pilot) -> None:  # type: ignore[no-untyped-def]
    await press(pilot, "M")


async def test_merge_from_the_customer_view_and_undo(db_path: Path) -> None:
    await _seed_duplicate(db_path)
    async with running(db_path, size=(100, 30)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await open_merge(pilot)
        await pilot.press(*"K. Lindqvist", "enter")
        await settle(pilot)
        assert "K. Lindqvist" in options(pilot)[0]
        await pilot.press("enter")
        await settle(pilot)
        message = pilot.app.screen.query_one("#merge-message", Static).render_line(0).text
        assert "Merge #2 K. Lindqvist into this customer?" in message
        await pilot.press("y")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.summary is not None
        assert screen.summary.profile["identities"]["reddit"] == ["klq"]
        await open_merge(pilot)
        await pilot.press("tab", "u")  # out of the search box, then undo
        await settle(pilot)
        assert isinstance(pilot.app.screen, CustomerScreen)
        assert "reddit" not in pilot.app.screen.summary.profile["identities"]  # type: ignore[union-attr]


async def test_merge_dialog_keys_work_where_they_are_offered(db_path: Path) -> None:
    await _seed_duplicate(db_path)
    async with running(db_path, size=(100, 30)) as pilot:
        await press(pilot, "c", "M")
        # In the search box letters are text; ↓ goes to the results.
        assert "alt+u" not in static_text(pilot, "#merge-keys")  # nothing to undo yet
        await pilot.press(*"K. Lindqvist")
        # The search runs once typing pauses: its results bring their keys.
        await wait_until(pilot, lambda: "↓ results" in static_text(pilot, "#merge-keys"))
        await pilot.press("down")
        assert isinstance(pilot.app.focused, OptionList)
        keys = static_text(pilot, "#merge-keys")
        assert "enter merge…" in keys and "/ search" in keys
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        # Again, with a merge to undo: `u` is text in the box, Alt+U undoes.
        await open_merge(pilot)
        assert "alt+u undo last merge" in static_text(pilot, "#merge-keys")
        await pilot.press("u")
        await settle(pilot)
        assert pilot.app.screen.query_one(Input).value == "u"
        await pilot.press("alt+u")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.summary is not None
        assert "reddit" not in screen.summary.profile["identities"]


def test_the_header_counts_each_kind_of_contact_in_plain_english() -> None:
    """`5 replies`, never `5 replys`; one of a kind stays singular."""
    from scrm_tui.core.history import Stance
    from scrm_tui.service.timeline import CustomerSummary
    from scrm_tui.ui.screens.customer import header

    profile = {
        "name": "Amelia MacLeod",
        "identities": {},
        "mentions": {"reddit": 3},
        "interactions": {"reply": 5, "survey": 2, "reward": 1, "email": 3},
    }
    text = header(CustomerSummary(profile, Stance.QUIET, [], 0), NOW_MS).plain
    assert "5 replies" in text and "2 surveys" in text and "1 reward" in text
    assert "3 emails" in text and "replys" not in text


NOW_MS = int(NOW.timestamp() * 1000)
