"""The Textual application: opens the inbox service and shows the inbox screen."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding

from scrm_tui.core import sanitize
from scrm_tui.core.config import Config
from scrm_tui.core.query import Query
from scrm_tui.service.bugs import record_bug
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.inbox import Inbox, OpenError, StoreError
from scrm_tui.service.runtime import Runtime
from scrm_tui.service.settings import config_warnings, credentials, database_label
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui import keymap
from scrm_tui.ui.app_clock import KeepsTheClock
from scrm_tui.ui.failures import ReportsFailures, WorkFailed
from scrm_tui.ui.keys import KeysWaitForTheirScreen
from scrm_tui.ui.runtime_news import HearsTheRuntime
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.styles import INBOX_CSS, other_sheets

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from textual.command import Provider
    from textual.driver import Driver
    from textual.screen import Screen

    from scrm_tui.service.inbox import CommitWatch
    from scrm_tui.service.listen import Listener


def _inbox_commands() -> type[Provider]:
    # The palette (and its Textual module) loads when first opened, not at start-up.
    from scrm_tui.ui.commands import InboxCommands

    return InboxCommands


LISTEN_DELAY = 1.0  # after start-up, so the first page is painted first


def _warm_filter_language() -> None:
    """Load the filter language's parser (core/query_parse and its terms: 5-15 ms of
    imports) on a thread of its own once the inbox is up: left to the first `/` Enter,
    they were a third of its time at 1M mentions."""

    def load() -> None:
        from scrm_tui.core.query import QueryError, parse

        # Nothing from this thread may reach the terminal: a parse error is ignored.
        with contextlib.suppress(QueryError):
            parse("warm -up")

    threading.Thread(target=load, name="filter-warm", daemon=True).start()


class ScrmApp(ReportsFailures, HearsTheRuntime, KeepsTheClock, KeysWaitForTheirScreen, App[int]):
    CSS_PATH = INBOX_CSS  # the other screens name their own (ui/styles.py)
    TITLE = "scrm"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    COMMANDS = App.COMMANDS | {_inbox_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # As in mutt or a shell: to the shell's jobs, back with `fg`. (The terminal is
        # in raw mode, so Ctrl+Z reaches the app as a key, not as the shell's signal.)
        Binding("ctrl+z", "suspend", "Suspend", show=False, id="app.suspend"),
        # Textual's own palette binding, with an id so that [keys] can move it too.
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            "palette",
            show=False,
            priority=True,
            tooltip="Open the command palette",
            id="app.command_palette",
        ),
    ]

    async def action_suspend(self) -> None:
        """Ctrl+Z, between two write transactions, never inside one: a process stopped
        inside one would keep the database's write lock until `fg`, and every other
        agent's and the collector's writes would fail after waiting for it."""
        if self.inbox is None:
            super().action_suspend_process()
            return
        async with self.inbox.between_writes():
            super().action_suspend_process()  # returns once resumed (`fg`)

    def __init__(
        self,
        *,
        db_path: Path | str,
        agent: str,
        config: Config | None = None,
        demo: bool = False,
        stream: bool = False,
        clock: object = None,
        poll_interval: float = 0.5,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.config_path = config_path  # what a background job reads the config from
        self.agent = agent
        self.config = config or Config()
        self.demo = demo
        self.stream = stream
        self.clock = clock if callable(clock) else time.time
        self.poll_interval = poll_interval
        self.inbox: Inbox | None = None
        self.startup_pause: Callable[[str], Awaitable[None]] | None = None  # see startup_step
        self.runtime: Runtime | None = None  # the background work (service/runtime.py)
        self._live: InboxScreen | None = None  # what the app's tick tells of changes
        self._hangup_at = 0.0
        # The driver tells when the terminal hangs up (else the clock looks every 2 s).
        self._hangups_told = getattr(self.driver_class, "TELLS_HANGUP", False)
        self._nudge = asyncio.Event()  # set by the commit watch: a commit may have landed
        self._clock_task: asyncio.Future[None] | None = None
        self._watch: CommitWatch | None = None
        self.startup_error: str | None = None
        self._theme_refused: str | None = None
        # [keys]: `scrm` refuses to start on a bad one; a Config made in code is told
        # about in the app, and only what is right is used.
        self._keys = keymap.check(self.config.keys, clashes=False)
        self.keymap = self._keys.keymap
        self.set_keymap(self.keymap)
        if "app.command_palette" in self.keymap:
            # The footer finds the palette's key by this name.
            # Textual reads it from the app, so this app's own value is an instance's.
            palette = self.keymap["app.command_palette"].split(",")[0]
            self.COMMAND_PALETTE_BINDING = palette  # type: ignore[misc]
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        elif self.config.theme:
            # The config checks the name against Textual's themes; a Config made in
            # code may still name one this Textual lacks: start, and say so.
            self._theme_refused = self.config.theme

    async def on_mount(self) -> None:
        if self.demo and not self.config.teams:
            from scrm_tui.service.demo import DEMO_TEAMS

            self.config = replace(self.config, teams=DEMO_TEAMS)
        if self.demo and not self.config.team_agents:
            from scrm_tui.service.demo import DEMO_AGENTS

            self.config = replace(self.config, team_agents=DEMO_AGENTS)
        if self.demo and not self.config.competitors:
            from scrm_tui.service.demo import DEMO_COMPETITORS

            self.config = replace(self.config, competitors=DEMO_COMPETITORS)
        creds = credentials(self.config)
        try:
            await self.startup_step("opening")
            self.inbox = await Inbox.open(self.db_path, self.agent, self.clock)
            self.inbox.configure(self.config, creds)
            await self.startup_step("opened")
            # Before the first page is read: what was committed before this the first
            # page shows; a commit by another process from here on (a mention stored,
            # a claim made while this terminal starts) reaches the screen's poll.
            await self.inbox.notice_changes()
            await self.startup_step("baseline")
        except OpenError as error:
            self.startup_error = str(error)
            self.exit(1)
            return
        warnings = config_warnings(self.config)
        if self._theme_refused:
            warnings.append(
                f"[ui] theme {sanitize.for_message(self._theme_refused)!r} is not a theme "
                f"Textual has; using {self.theme!r}."
            )
        for warning in warnings:
            self.notify(warning, title="Config", severity="warning", timeout=15, markup=False)
        for problem in self._keys.errors:
            self.notify(problem, title="Keys", severity="error", timeout=15, markup=False)
        for warning in self._keys.warnings:
            self.notify(warning, title="Keys", severity="warning", timeout=15, markup=False)
        # Replies and webhook calls go out at once when queued in this process; on the
        # app's tick when a commit may have queued something elsewhere, or when a
        # retry's time comes. What the runtime does, it tells _heard.
        self.runtime = Runtime(self.inbox, self._heard, spawn=self._spawn, clock=self.clock)
        title = "scrm demo" if self.demo else f"scrm {database_label(self.db_path)}"
        screen = InboxScreen(
            self.inbox, title=title, poll_interval=self.poll_interval, startup=self.startup_step
        )

        # Commits made by this process reach the list at once; other processes' are
        # noticed by the screen's poll of the change mark (Inbox.has_changed).
        def stored(ids: list[int]) -> None:
            screen.post_message(InboxScreen.Stored())

        self.inbox.on_stored(stored)
        self._live = screen
        self._be_present()
        if self.demo:
            self._dress(screen)
            await self.push_screen(screen)
            screen.busy_text = "seeding demo data…"
            screen.update_status()
            self._seed_then_start(screen)
            return
        # The first page is read while the screen is built, so the first frame the
        # user sees already has the rows in it.
        window = StreamWindow(self.inbox, Query())
        first_page = self.run_worker(
            screen.first_page(window), group="first-page", exit_on_error=False
        )
        self._dress(screen)
        await self.push_screen(screen)
        screen.start(first=(window, first_page))
        # The network clients cost ~0.2 s to import: not before the first rows are on
        # screen, and not at all without sources. (The demo never listens: its
        # database is not the one the config watches.)
        if any(source.enabled for source in self.config.sources.values()):
            self.set_timer(LISTEN_DELAY, lambda: self._start_listening(creds), name="listen-start")
        # A re-match an interrupted import left owed is finished, after the first page
        # is painted (Linker.resume_rematch; one process does it at a time); likewise
        # the priorities a re-score owes (an upgrade, new weights).
        runtime = self.runtime
        assert runtime is not None
        self.set_timer(
            LISTEN_DELAY,
            lambda: runtime.finish_rematch(self.db_path, self.config_path),
            name="rematch-start",
        )
        self.set_timer(LISTEN_DELAY, runtime.finish_rescore, name="rescore-start")
        if self.keymap:
            # Which keys [keys] makes clash reads every screen's module: not before the
            # first page is painted, and not on the event loop.
            self.set_timer(LISTEN_DELAY, self._warn_key_clashes, name="key-clashes")
        self.set_timer(LISTEN_DELAY, self._read_screens_css, name="screens-css")
        self.set_timer(LISTEN_DELAY, _warm_filter_language, name="filter-warm")

    def get_driver_class(self) -> type[Driver]:
        """On Linux and macOS, Textual's driver with an input thread that sleeps until a
        key comes (ui/quiet_driver.py), unless TEXTUAL_DRIVER names another."""
        if sys.platform == "win32" or os.environ.get("TEXTUAL_DRIVER"):
            return super().get_driver_class()
        from scrm_tui.ui.quiet_driver import QuietDriver

        return QuietDriver

    def on_quiet_driver_hung_up(self) -> None:
        self._check_terminal()

    def _read_screens_css(self) -> None:
        """Parse the other screens' style rules (ui/styles.py) once the inbox is up,
        rather than when the first form opens (~10 ms on top of opening it). None of
        them styles a widget of the inbox, so nothing on screen is styled again."""
        unread = [p for p in other_sheets() if not self.stylesheet.has_source(str(p), "")]
        for path in unread:
            self.stylesheet.read(path)
        if unread:
            self.stylesheet.parse()

    async def startup_step(self, step: str) -> None:
        """Start-up reached `step` ("opening", "opened", "baseline", "first-page",
        "ready"): a test's `startup_pause` may hold it there, to commit from another
        process at that very moment (tests/tui/test_startup_race.py)."""
        if self.startup_pause is not None:
            await self.startup_pause(step)

    @property
    def listener(self) -> Listener | None:
        """This process's part in listening, once it stands by or collects."""
        return self.runtime.listener if self.runtime is not None else None

    def _be_present(self) -> None:
        """Say this agent is here (the first presence tick), then start the app's one
        clock (see _run_clock) and what wakes it on a commit (Runtime.watch_commits)."""
        assert self.inbox is not None and self.runtime is not None
        self.runtime.start()
        loop = asyncio.get_running_loop()
        self._watch = self.runtime.watch_commits(
            lambda: loop.call_soon_threadsafe(self._nudge.set),
            every=self.poll_interval,
            settle=LISTEN_DELAY,  # inotify's imports wait for the first page's frame
        )
        self._clock_task = asyncio.ensure_future(self._run_clock())

    def _tell_bug(self, error: BaseException, where: str) -> None:
        """A bug: told in a toast, its traceback logged to be reported."""
        self.log.error(f"{where} failed", error)
        logged = record_bug(error, where)
        said = sanitize.inline(f"{type(error).__name__}: {error}")
        details = f" The details are in {logged}." if logged else ""
        self.notify(
            f"{said}. This is a bug in scrm; please report it.{details}",
            title="Something went wrong",
            severity="error",
            timeout=30,
            markup=False,
        )

    @work(group="demo", exit_on_error=False)
    async def _seed_then_start(self, screen: InboxScreen) -> None:
        from scrm_tui.service.demo import seed

        assert self.inbox is not None
        await seed(self.inbox)
        await self.inbox.snoozes.load_zone()
        screen.start()
        if self.stream:
            self._stream_demo()

    @work(group="demo-stream", exit_on_error=False)
    async def _stream_demo(self) -> None:
        from scrm_tui.service.demo import DemoStream

        assert self.inbox is not None
        await DemoStream(interval=self.config.demo_interval).run(self.inbox)

    @work(group="keys", thread=True, exit_on_error=False)
    def _warn_key_clashes(self) -> None:
        for warning in keymap.clash_warnings(self.config.keys, self.keymap):
            self.call_from_thread(
                self.notify, warning, title="Keys", severity="warning", timeout=15, markup=False
            )

    def _dress(self, screen: Screen[Any]) -> None:
        """Give the screen the classes it would gain once shown (NO_COLOR, the width's
        breakpoint): each one added after it is mounted styles all its widgets again,
        before the first frame."""
        screen.set_class(self.no_color, "-no-color", update=False)
        width = self.size.width
        reached = [name for least, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= least]
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            screen.set_class(bool(reached) and name == reached[-1], name, update=False)

    def _start_listening(self, creds: Credentials) -> None:
        """Listen as `scrm watch` does, but only while no other process collects: this
        terminal stands by, and takes over within seconds of the collector stopping."""
        from scrm_tui.core.locations import state_dir

        assert self.runtime is not None
        self.runtime.stand_by(self.config, creds, state_dir=state_dir())

    def action_help(self) -> None:
        from scrm_tui.ui.dialogs.help import show_help  # DataTable loads on first use

        show_help(self.screen)

    def on_work_failed(self, message: WorkFailed) -> None:
        """Every failed worker of every screen ends here. What the user can act on (the
        database refusing, the disk) is told in words; a bug is told, and its traceback
        goes to the error log to be reported."""
        error = message.worker.error
        if error is None:
            return
        if isinstance(error, StoreError):
            text = sanitize.inline(str(error))
            self.notify(
                f"{text[:1].upper()}{text[1:]}.",
                title="Not done",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        if isinstance(error, OSError):
            self.notify(
                sanitize.inline(f"{error.strerror or error}: {error.filename or ''}").rstrip(": "),
                title="Not done",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self._tell_bug(error, f"{type(message.worker.node).__name__}.{message.worker.name}")

    async def on_unmount(self) -> None:
        if self._clock_task is not None:
            self._clock_task.cancel()
        if self._watch is not None:
            await asyncio.to_thread(self._watch.close)
        if self.runtime is not None:
            await self.runtime.close()
        if self.inbox is not None:
            await self.inbox.close()
