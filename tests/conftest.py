"""Shared test fixtures: isolated XDG folders, a real SQLite file, mention factories."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.http import make_client
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.service.inbox import Inbox
from tests.fakes.faults import FaultServer
from tests.fakes.loopback import Loopback, serve
from tests.support.postgres import Server, running
from tests.support.terminal import Terminal

# A fixed "now" for everything that shows ages: 2026-11-20 12:00:00 UTC.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def fixed_clock() -> float:
    return NOW.timestamp()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Config and data go to a temporary folder, never the developer's own."""
    home = tmp_path / "home"
    for name in list(os.environ):  # a developer's own tokens never reach a test
        if name.startswith("SCRM_"):
            monkeypatch.delenv(name)
    for name, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("SCRM_AGENT", "tester")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "scrm.db"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `both_engines` runs once on SQLite and once on PostgreSQL: the
    store's contract holds on each (its `inbox` and `target` are on that engine)."""
    if "engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
    elif os.environ.get("SCRM_TEST_ENGINE") == "postgresql":
        # A survey, not CI: every test on an inbox runs on PostgreSQL alone, to see
        # which are not yet part of the contract.
        metafunc.parametrize("engine", ["postgresql"], indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """One real PostgreSQL server for this test process (tests/support/postgres.py)."""
    try:
        with running() as server:
            yield server
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Where the test's database is: a file for SQLite, a fresh database's URL for
    PostgreSQL."""
    if engine == "postgresql":
        server: Server = request.getfixturevalue("postgres")
        return server.fresh()
    return db_path


@pytest.fixture
def another_target(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[str], str | Path]:
    """Another database on the test's engine, by name: a file beside `target`, or a
    fresh database on the same server."""

    # The server starts here, before the test's event loop runs (it sets up with its own).
    server: Server | None = request.getfixturevalue("postgres") if engine == "postgresql" else None

    def made(name: str) -> str | Path:
        return server.fresh() if server is not None else tmp_path / f"{name}.db"

    return made


@pytest.fixture
async def inbox(target: str | Path) -> AsyncIterator[Inbox]:
    box = await Inbox.open(target, "tester", fixed_clock)
    try:
        yield box
    finally:
        await box.close()


def mention(
    n: int,
    text: str | None = None,
    *,
    channel: Channel = Channel.MASTODON,
    minutes_ago: float | None = None,
    handle: str | None = None,
    name: str | None = None,
    followers: int | None = 10,
    in_reply_to: str | None = None,
) -> MentionIn:
    """Mention number `n`: by default one minute older than number n-1."""
    ago = n if minutes_ago is None else minutes_ago
    return MentionIn(
        channel=channel,
        external_id=f"{channel.value}-{n}",
        text=text if text is not None else f"post number {n} about Kestrel",
        created_at=NOW - timedelta(minutes=ago),
        author=AuthorIn(
            handle=handle or f"user{n % 50}@example.social",
            name=name if name is not None else f"User {n % 50}",
            followers=followers,
            url=f"https://example.social/@user{n % 50}",
        ),
        url=f"https://example.social/@user{n % 50}/{n}",
        in_reply_to=in_reply_to,
    )


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production HTTP client with short timeouts, for the loopback servers. Taking
    the connection gets 5 s: on a busy machine the loopback thread may be slow to accept,
    and no test here waits on a connection that never comes."""
    async with make_client(timeout=0.3, connect_timeout=5.0) as http:
        yield http


@pytest.fixture
def server() -> Iterator[Loopback]:
    """A loopback server speaking every API (a test may define its own instead)."""
    yield from serve()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def terminal(isolated_home: Path) -> Iterator[Terminal]:
    """A private tmux server for one test (tests/support/terminal.py), killed afterwards."""
    if shutil.which("tmux") is None:
        pytest.fail("the end-to-end tests need tmux: install it (apt install tmux); .ci/run does")
    env = {**os.environ, "TERM": "xterm-256color"}
    # The app must learn its size from the pane; COLUMNS/LINES would override it.
    for name in ("TMUX", "COLUMNS", "LINES"):
        env.pop(name, None)
    term = Terminal(f"scrm-test-{uuid.uuid4().hex[:12]}", env)
    try:
        yield term
    finally:
        term.tmux("kill-server", check=False)


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A server that drips, hangs or floods on the paths a test says (tests/fakes/faults.py)."""
    with FaultServer() as server:
        yield server
