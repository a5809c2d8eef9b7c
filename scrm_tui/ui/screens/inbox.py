"""The inbox screen: the stream, the reading pane, loading and the clock. Its top line
is inbox_top.py, its live changes inbox_live.py, its keys the other inbox_*.py parts."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.query import Query
from scrm_tui.core.views import KEYED
from scrm_tui.service.drafts import has_draft
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.bulk_actions import BulkActions
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.messages import OutboxChanged, SourcesPolled
from scrm_tui.ui.screens.inbox_filter import FilterAndViews
from scrm_tui.ui.screens.inbox_live import LiveChanges
from scrm_tui.ui.screens.inbox_marks import MarkActions
from scrm_tui.ui.screens.inbox_opens import OpenActions
from scrm_tui.ui.screens.inbox_replies import ReplyActions
from scrm_tui.ui.screens.inbox_team import TeamActions
from scrm_tui.ui.screens.inbox_top import TopAndPlace
from scrm_tui.ui.widgets.filter_bar import FilterBar
from scrm_tui.ui.widgets.first_run import FirstRun
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from scrm_tui.ui.widgets.mention_detail import MentionDetail
from scrm_tui.ui.widgets.mention_list import MentionList
from scrm_tui.ui.widgets.top_line import TopLine
from scrm_tui.ui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from scrm_tui.service.spikes import Recent

# The bulk machinery (service/bulk and its stores) loads with the first action that
# writes (x, u, z, a, t on a selection or a mention), not with the inbox.

FILTER_DEBOUNCE = 0.25
AGE_REFRESH = 15.0
SOURCES_REFRESH = 5.0  # a collector that died changes nothing in the database: look
CLAIM_TICK = 1.0  # "✎ dana, 12s" counts by the second
# Every this many seconds an inbox tests the running hour for a spike and reads the
# spikes raised (service/spikes.py): ~30 rollup rows, whatever the commits or the size
# of the database, so a burst shows on every top line within a minute.
SPIKE_TICK = 10.0
# The first test comes this long after the first page is shown: its imports and reads
# (~15 ms) are not the first frame's (tests/e2e/test_startup_imports.py).
SPIKES_AFTER_READY = 1.0
PANE_DELAY = 0.08  # s after the cursor stops before the reading pane loads


class InboxScreen(
    LiveChanges,
    TopAndPlace,
    FilterAndViews,
    MarkActions,
    ReplyActions,
    TeamActions,
    OpenActions,
    BulkActions,
    ReportsFailures,
    Screen[None],
):
    # Footer order is what an agent does most; all of them are in `?`.
    BINDINGS = [
        Binding("enter", "open", "Open", id="inbox.open"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("x", "toggle_done", "Done/reopen", id="inbox.done"),
        Binding("e", "escalate", "Escalate", id="inbox.escalate"),
        Binding("slash", "filter", "Filter", id="inbox.filter"),
        Binding("c", "customer", "Customer", id="inbox.customer"),
        Binding("l", "link", "Link author", id="inbox.link"),
        Binding("u", "toggle_read", "Read/unread", id="inbox.read"),
        Binding("z", "snooze", "Snooze", id="inbox.snooze"),
        Binding("s", "sentiment", "Sentiment", id="inbox.sentiment"),
        Binding("o", "order", "Order", id="inbox.order"),
        Binding("a", "assign", "Assign", id="inbox.assign"),
        Binding("A", "take", "Take", id="inbox.take"),
        Binding("t", "tag", "Tags", id="inbox.tag"),
        Binding("T", "select_all", "Select all matching", id="inbox.select_all"),
        Binding("U", "undo", "Undo", id="inbox.undo"),
        Binding("R", "macro", "Answer selected", id="inbox.macro"),
        Binding("C", "find_customer", "Find customer", id="inbox.find_customer"),
        Binding("E", "escalations", "Escalations", id="inbox.escalations"),
        Binding("L", "review", "Review links", id="inbox.review"),
        Binding("D", "dashboard", "Dashboard", id="inbox.dashboard"),
        Binding("O", "outbox", "Outbox", id="inbox.outbox"),
        Binding("S", "sources", "Sources", id="inbox.sources"),
        Binding("y", "copy_link", "Copy link", id="inbox.copy_link"),
        Binding("w", "reward", "Reward author", show=False, id="inbox.reward"),
        Binding("V", "save_view", "Save view", show=False, id="inbox.save_view"),
        *(
            Binding(
                str(n),
                f"view({n})",
                f"View {n}",
                show=False,
                id=f"inbox.view_{n}",
            )
            for n in range(1, KEYED + 1)
        ),
        Binding("0", "view(0)", "No view (all)", show=False, id="inbox.view_0"),
        Binding("n", "next_match", "Next match of /", show=False, id="inbox.next_match"),
        Binding(
            "N", "previous_match", "Previous match of /", show=False, id="inbox.previous_match"
        ),
        Binding("exclamation_mark", "spike", "Spike", show=False, id="inbox.spike"),
        Binding("escape", "back", "Back", show=False, id="inbox.back"),
    ]
    _dropped = False  # rows z took off the list before their snooze is written
    _dashboard_range = "7d"  # D opens on the range it was last left on

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        """Where this screen's keys come from, titled as `?` lists them."""
        return [("list", MentionList), ("inbox", cls), ("reading pane", MentionDetail)]

    class Stored(Message):
        """Mentions were committed by this process (coalesced while one is queued)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, InboxScreen.Stored)

    def __init__(
        self,
        inbox: Inbox,
        *,
        title: str,
        poll_interval: float = 0.5,
        startup: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.inbox = inbox
        self._startup = startup  # told each step of start-up (ScrmApp.startup_step)
        self.title_text = title
        self.poll_interval = poll_interval
        self.query_: Query = Query()
        self.total: int | None = None
        self.unread: int | None = None
        self.busy_text: str | None = "Loading…"
        self.not_sent = 0  # outbox items that failed: shown until retried or discarded
        self._filter_timer: Timer | None = None
        self._bar_closing = False  # Enter: the filter line goes when the new rows come
        self._footer_waits = False  # start(): the footer's keys wait for the first rows
        self._requested = self.query_  # the view last asked for (query_ once loaded)
        self._search: Query | None = None  # the last `/` filter: what n and N look for
        self._polling = False
        self._look_again = False  # something was stored while a look was under way
        self._look_fresh = True  # ...and only the app's ticks noticed it (check_changes)
        self._views_seq = -1  # the newest view saved that the view bar was told of
        self._missed = False  # something changed before the first page was up
        self._pane_wants: int | None = None  # the mention under the cursor, for the pane
        self._ready = False
        self._slow_writes = 0  # writes waiting for another process's lock
        self.order = Order.NEWEST  # `o` switches to highest priority first and back
        self._work: dict[str, str] = {}  # background jobs under way: how far, top line
        self._last_change = 0  # the newest snooze or wake-up this list has taken in
        # When tick last did each thing that goes by the clock (monotonic seconds).
        self._clock_at = {"ages": 0.0, "sources": 0.0, "claims": 0.0, "spikes": 0.0}
        self.spike: Recent | None = None  # the newest spike of the last hours (`!`)

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        app = self.app
        clock = getattr(app, "clock", None)
        kwargs = {"clock": clock} if clock else {}
        self.top_line = TopLine(self.title_text, self.inbox.now_ms, id="topbar")
        yield self.top_line
        yield ViewBar(self.inbox, id="view-bar")
        # Kept at hand: the app's tick reaches them many times a second (and while the
        # screen is being torn down, when a query would find nothing).
        self._list = MentionList(id="list", **kwargs)
        self._detail = MentionDetail(id="detail", **kwargs)
        with Horizontal(id="panes"):
            yield self._list
            yield FirstRun(id="first-run")
            yield self._detail
        yield FilterBar(self._filter_submitted, id="filter-bar")
        yield KeysFooter()

    @property
    def mention_list(self) -> MentionList:
        return self._list

    @property
    def detail(self) -> MentionDetail:
        return self._detail

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def view_bar(self) -> ViewBar:
        return self.query_one(ViewBar)

    def on_mount(self) -> None:
        self.set_class(self.app.no_color, "-no-color")
        self.mention_list.focus()
        self.mention_list.priority_at = self._priority_at
        self.update_status()
        self.load_sources()
        self.watch(self.mention_list, "unseen", lambda _: self.update_status(), init=False)
        # In the handler of the key that moved it, not on its Highlighted message: that
        # bubbles up after the list's frame is drawn, and the position would follow in a
        # frame of its own, a frame or two (17-33 ms) behind the cursor.
        self.watch(self.mention_list, "cursor", lambda _: self.update_position(), init=False)

    async def first_page(self, window: StreamWindow) -> int:
        """Load the first page (the app starts this before the screen is up); returns
        the last snooze or wake-up before it. Every commit from here on is noticed."""
        await self.inbox.notice_changes()
        last_change = await self.inbox.snoozes.last_change()
        await window.start()
        await self._step("first-page")
        await self.inbox.snoozes.load_zone()  # for `z` and the reading pane
        return last_change

    async def _step(self, step: str) -> None:
        if self._startup is not None:
            await self._startup(step)

    def start(self, first: tuple[StreamWindow, Worker[int]] | None = None) -> None:
        """Show the stream (called by the app once the database is ready); `first` is
        a window whose first page the app is already loading."""
        self.busy_text = None
        self._views_seq = self.inbox.pulse.views_seq  # the bar's first count is after it
        self.mention_list.expect_window()
        # The footer's two dozen keys (~10 ms to style and lay out) follow the first
        # frame with rows, not the first frame: the rows must not wait for them.
        self.footer.hold()
        self._footer_waits = True
        self._load_view(self.query_, first)

    # ---------------------------------------------------------------- status line

    def on_resize(self) -> None:
        self.top_line.fit()

    def on_mention_list_highlighted(self, message: MentionList.Highlighted) -> None:
        self._pane_wants = message.row.id if message.row else None
        # The cursor's frame goes out first; the pane follows where the cursor stops
        # (keys held down or typed fast load no pane on the way).
        self._load_pane(self._pane_wants, PANE_DELAY if self.detail.mention_id else 0.0)

    # ---------------------------------------------------------------- loading

    def load_view(self, query: Query, *, stay_on: MentionRow | None = None) -> None:
        """Show the stream for `query` in the current order; keys typed meanwhile apply to
        the new list. `stay_on`: the mention to keep selected (if the list has it)."""
        self._requested = query
        self.mention_list.expect_window()
        self._load_view(query, stay_on=stay_on)

    @work(group="view", exclusive=True, exit_on_error=False)
    async def _load_view(
        self,
        query: Query,
        first: tuple[StreamWindow, Worker[int]] | None = None,
        stay_on: MentionRow | None = None,
    ) -> None:
        try:
            if first is not None:
                window, loading = first
                last_change = await loading.wait()
            else:
                # Snoozes and wake-ups after this reach the list (resync).
                await self.inbox.notice_changes()
                last_change = await self.inbox.snoozes.last_change()
                window = StreamWindow(self.inbox, query, order=self.order)
                await window.start()
                shown = self.mention_list.window
                if (
                    isinstance(shown, StreamWindow)
                    and shown.query == query
                    and shown.mark == window.mark
                    and shown.total is not None
                ):
                    # The same rows in another order (`o`): the count holds, and `G`
                    # reaches the true end at once.
                    window.total = shown.total
            place = await self._place_of(window, stay_on)
        except Exception:  # not CancelledError: a newer load is on its way
            self.mention_list.window_failed()
            self._close_bar_for_rows()
            self._footer_follows()
            raise
        self.query_ = query
        self._last_change = last_change
        self._keep_selection(query)
        self.mention_list.set_window(window, place or 0)
        self._close_bar_for_rows()
        self._footer_follows()
        self.view_bar.show_query(query)
        self.update_status()
        if window.total is None:
            if self.filter_bar.is_open and not query.is_empty:
                self.filter_bar.say("counting…")
            await self.mention_list.load_count(lambda: self._floored(window))
        self.load_stats()
        ready, self._ready = self._ready, True
        self.update_status()
        if self._missed:
            self._missed = False
            self.check_changes(force=True)
        if not ready:
            self._clock_at["spikes"] = time.monotonic() - SPIKE_TICK + SPIKES_AFTER_READY
            if gc.get_freeze_count():
                # The cli froze what it imported (scrm_tui/cli.py); what the screen built
                # for its first view lives as long. Left unfrozen, a full collection walks
                # it every few dozen commits (40-130 ms each, 1-4 ms a commit), taken
                # from whichever commit it falls on.
                gc.freeze()
            await self._step("ready")
        if self.filter_bar.is_open and not query.is_empty:
            self.filter_bar.say(f"{window.size:,} match" + ("" if window.size == 1 else "es"))

    def load_detail(self, mention_id: int | None) -> None:
        """The reading pane shows `mention_id` again as stored now (it changed): at once,
        unless the cursor has moved on (the load for where it is comes anyway)."""
        if mention_id == self._pane_wants:
            self._load_pane(mention_id, 0.0)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def _load_pane(self, mention_id: int | None, delay: float) -> None:
        """Fill the reading pane (a newer load cancels this one); a load the cursor
        has left behind by the time it is read is dropped, never shown."""
        if delay:
            await asyncio.sleep(delay)
        if mention_id is None:
            self.detail.show(None)
            return
        detail = await self.inbox.detail(mention_id)
        items = await self.inbox.replies_to(mention_id)
        escalations = await self.inbox.escalations.for_mention(mention_id)
        drafted = await has_draft(self.inbox, mention_id)
        if mention_id == self._pane_wants:
            self.detail.show(detail, items, escalations, drafted)

    def on_outbox_changed(self, message: OutboxChanged) -> None:
        """The app sent or failed something: the reading pane shows reply states."""
        self.load_stats()
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def tick(self, changed: bool) -> None:
        """The app's clock (ScrmApp._tick) ticked; `changed`: a commit this inbox shows
        landed. Reads only when something changed or a snooze came due; otherwise it
        repaints what goes by the clock (a claim's seconds, the ages) when due."""
        if not self.is_mounted:
            self._missed |= changed  # the app ticks from before the screen is up
            return
        now = time.monotonic()
        if self._due("claims", CLAIM_TICK, now):
            self.mention_list.refresh_claims()  # only rows with a claim
            self.detail.tick()
        if self._due("ages", AGE_REFRESH, now):
            self.mention_list.refresh_ages()
        if self._due("sources", SOURCES_REFRESH, now):
            self.load_sources()
        if self._ready and self._due("spikes", SPIKE_TICK, now):
            self.load_spikes()
        # The app's read told when the next snooze ends (Inbox.pulse).
        wake = self.inbox.pulse.next_wake
        if changed or (wake is not None and wake <= self.inbox.now_ms()):
            self.check_changes(force=changed, looked=True)
        if changed and self.app.screen is not self:
            self.app.screen.post_message(DataChanged())  # the dashboard follows commits

    def _due(self, what: str, every: float, now: float) -> bool:
        if now - self._clock_at[what] < every:
            return False
        self._clock_at[what] = now
        return True

    @work(group="stats", exclusive=True, exit_on_error=False)
    async def load_stats(self) -> None:
        self.total, self.unread = await self.inbox.stats()
        self.not_sent = (await self.inbox.outbox_counts()).get("failed", 0)
        self.update_status()

    @work(group="spikes", exclusive=True, exit_on_error=False)
    async def load_spikes(self) -> None:
        """Raise a spike no process has raised yet (the collector does it too), then
        show the newest of the last hours on the top line."""
        from scrm_tui.service import spikes

        found = await spikes.latest(self.inbox)
        if found != self.spike:
            self.spike = found
            self.update_status()

    @work(group="sources-line", exclusive=True, exit_on_error=False)
    async def load_sources(self) -> None:
        """The listening sources in a few words (hidden where nothing listens)."""

        states = await self.inbox.source_states()
        collector = await self.inbox.collector()
        # Nothing listens now, nor did before: idle, every 5 s, no change.
        if self.top_line.show_sources(states, collector):
            self.update_status()

    # ---------------------------------------------------------------- live changes

    def on_inbox_screen_stored(self, message: Stored) -> None:
        self.check_changes(force=True)  # not looked: the app's last look is older

    def on_sources_polled(self, message: SourcesPolled) -> None:
        self.load_sources()

    # ---------------------------------------------------------------- actions

    def _selected(self) -> MentionRow | None:
        return self.mention_list.selected

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.focused is self.mention_list
        return True

    def action_open(self) -> None:
        row = self._selected()
        if row is not None:
            self._open(row)

    def on_mention_list_opened(self, message: MentionList.Opened) -> None:
        self._open(message.row)

    def _open(self, row: MentionRow) -> None:
        """Read a mention: the reading pane takes focus (and the screen, when narrow)."""
        self.add_class("-reading")
        self.set_focus(self.detail, scroll_visible=False)
        if not row.is_read:
            self._swap(replace(row, is_read=True))
            self._write_read(row, True)

    def action_back(self) -> None:
        if self.stop_bulk():
            return
        if self.filter_bar.is_open and self.filter_bar.input.has_focus:
            self._close_filter(clear=True)
        elif self.has_class("-reading") or self.detail.has_focus:
            self.remove_class("-reading")
            self.set_focus(self.mention_list, scroll_visible=False)
        elif not self.query_.is_empty:
            self.load_view(Query())

    # ---------------------------------------------------------------- bulk

    def after_bulk(self) -> None:
        self.check_changes(force=True)  # the rows on screen as they are stored now
        if self._dropped:
            # Rows left the list before their snooze was written: a write that did not
            # finish brings back those it did not reach.
            self._dropped = False
            self._resync()
        self.load_stats()
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    # ---------------------------------------------------------------- sources

    def action_sources(self) -> None:
        from scrm_tui.ui.screens.sources import SourcesScreen

        listener = getattr(self.app, "listener", None)
        problems = listener.problems if listener is not None else None
        planned = (
            {spec.name: spec.channel for spec in listener.collector.specs}
            if listener is not None
            else None
        )
        self.app.push_screen(SourcesScreen(self.inbox, problems, planned))

    # ---------------------------------------------------------------- filter

    @property
    def footer(self) -> KeysFooter:
        return self.query_one(KeysFooter)

    @on(Input.Changed, "#filter-input")
    def _filter_typed(self, event: Input.Changed) -> None:
        if not self.filter_bar.is_open:
            return  # typed just before Esc closed it: Esc wins, as typed
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(
            FILTER_DEBOUNCE, lambda: self._apply_filter(event.value)
        )

    # ---------------------------------------------------------------- help

    def action_help(self) -> None:
        from scrm_tui.ui.dialogs.help import show_help  # DataTable loads on first use

        show_help(self)

    # ---------------------------------------------------------------- links

    def action_copy_link(self) -> None:
        row = self._selected()
        if row is not None:
            self._copy_link(row.id)

    @work(group="copy-link", exclusive=True, exit_on_error=False)
    async def _copy_link(self, mention_id: int) -> None:
        """The mention's address to the clipboard (OSC 52: over SSH and in tmux too).
        Only a plain http(s) address: a stranger's text pasted into a shell could run."""
        detail = await self.inbox.detail(mention_id)
        url = detail.url if detail is not None else None
        safe = sanitize.link(url)
        if safe is None:
            why = (
                "this mention has no link"
                if not url
                else "its link is not a plain web address: it is shown, not copied"
            )
            self.notify(f"Nothing copied: {why}.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(safe)
        self.notify(f"Link copied: {safe}", markup=False)
