"""Two agents in two real terminals (tmux) on one PostgreSQL server, and other processes
storing mentions as a collector does: each terminal sees the arrivals and the other's
claim; the server restarts mid-session, every terminal says so and carries on, what was
being typed is kept, and the reply goes out once."""

from __future__ import annotations

import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg

from tests.fakes.loopback import Loopback, _scrm_config
from tests.support.postgres import Server
from tests.support.terminal import Terminal, header_count, position

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "database unreachable, retrying"
STORE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import mention

    async def main(url, *numbers):
        async with await Inbox.open(url, "collector") as box:
            await box.ingest([
                mention(int(n), f"Kestrel sync broken {n}", minutes_ago=100 - int(n))
                for n in numbers
            ])

    asyncio.run(main(*sys.argv[1:]))
    """
)


def store(url: str, *numbers: int) -> None:
    """Another process stores these mentions (each newer than the one before)."""
    subprocess.run(
        [sys.executable, "-c", STORE, url, *map(str, numbers)], check=True, cwd=ROOT, timeout=120
    )


def agent_command(url: str, config: Path, agent: str) -> str:
    """The inbox as `agent` (exec: the pane's process is scrm itself)."""
    command = [
        sys.executable,
        "-m",
        "scrm_tui",
        "--db",
        url,
        "--config",
        str(config),
        "--agent",
        agent,
    ]
    return f"cd {shlex.quote(str(ROOT))} && exec {shlex.join(command)}"


def top_row(screen: str) -> str:
    return screen.splitlines()[1]


def header(screen: str) -> str:
    return screen.splitlines()[0]


def test_two_terminals_see_arrivals_and_ride_out_a_server_restart(
    terminal: Terminal, tmp_path: Path, postgres: Server
) -> None:
    url = postgres.fresh()
    store(url, 1, 2)
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    terminal.start(agent_command(url, config, "ana"), 100, 30, tmp_path)
    terminal.open_window("b", agent_command(url, config, "ben"))
    for window in (None, "b"):
        terminal.wait_for(lambda s: header_count(s) == 2, window=window)

    # A mention stored by another process shows in both terminals.
    store(url, 3)
    for window in (None, "b"):
        screen = terminal.wait_for(lambda s: header_count(s) == 3, window=window)
        assert "Kestrel sync broken 3" in top_row(screen)

    # The server restarts mid-session: both terminals say so on their top line, and
    # take it back when it returns.
    postgres.stop("fast")
    try:
        for window in (None, "b"):
            terminal.wait_for(lambda s: UNREACHABLE in header(s), window=window)
        terminal.keys("g")  # the list still answers keys meanwhile
        terminal.wait_for(lambda s: position(s) == (1, 3))
        terminal.keys("j")
        terminal.wait_for(lambda s: position(s) == (2, 3))
    finally:
        postgres.start()
    for window in (None, "b"):
        terminal.wait_for(lambda s: UNREACHABLE not in header(s), window=window)

    # Back: the next arrival shows in both, and nothing went wrong on the way.
    store(url, 4)
    for window in (None, "b"):
        screen = terminal.wait_for(lambda s: header_count(s) == 4, window=window)
        assert "Something went wrong" not in screen
    for window in (None, "b"):
        terminal.keys("q", window=window)
        terminal.wait_for(lambda _, w=window: terminal.exited(w), timeout=10)
    assert sorted(statuses(url)) == ["mastodon-1", "mastodon-2", "mastodon-3", "mastodon-4"]


def statuses(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT external_id, status FROM mentions")
        return {str(a): str(b) for a, b in rows}


def test_a_reply_typed_through_a_server_restart_is_kept_and_sent_once(
    terminal: Terminal, tmp_path: Path, postgres: Server
) -> None:
    url = postgres.fresh()
    store(url, 1, 2)
    with Loopback(lenient=True) as server:
        config = tmp_path / "config.toml"
        config.write_text(_scrm_config(server), encoding="utf-8")
        config.chmod(0o600)
        terminal.start(agent_command(url, config, "ana"), 100, 30, tmp_path)
        terminal.open_window("b", agent_command(url, config, "ben"))
        for window in (None, "b"):
            terminal.wait_for(lambda s: header_count(s) == 2, window=window)

        # ana opens the composer: ben's row shows her claim.
        terminal.keys("r")
        terminal.wait_text("Reply to user2@example.social")
        terminal.wait_for(lambda s: "✎ ana, " in top_row(s), window="b")
        terminal.keys("Thanks, on")
        terminal.wait_text("Thanks, on")

        # The server restarts while she types; her send meanwhile is refused in words,
        # and what she typed stays in the composer.
        postgres.stop("fast")
        try:
            for window in (None, "b"):
                terminal.wait_for(lambda s: UNREACHABLE in header(s), window=window)
            terminal.keys(" it")
            terminal.wait_text("Thanks, on it")
            terminal.keys("C-s")
            screen = terminal.wait_text("out of reach")
            assert "Thanks, on it" in screen
            assert server.count("mastodon") == 0
        finally:
            postgres.start()
        for window in (None, "b"):
            terminal.wait_for(lambda s: UNREACHABLE not in header(s), window=window)

        # Back: the claim still shows, and her send goes out once.
        terminal.wait_for(lambda s: "✎ ana, " in top_row(s), window="b")
        terminal.keys("C-s")
        terminal.wait_for(lambda _: server.count("mastodon") == 1, timeout=20)
        terminal.wait_for(lambda _: [r[0] for r in replies(url)] == ["sent"], timeout=20)
        terminal.wait_for(lambda s: "✎" not in top_row(s), window="b")
        for window in (None, "b"):
            terminal.keys("q", window=window)
            terminal.wait_for(lambda _, w=window: terminal.exited(w), timeout=10)
    assert [p["text"] for p in server.posts("mastodon")] == ["@user2@example.social Thanks, on it"]
    assert replies(url) == [("sent", "@user2@example.social Thanks, on it")]


def replies(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return [(str(a), str(b)) for a, b in conn.execute("SELECT state, text FROM outbox")]


def test_the_dashboard_says_what_it_could_not_read_and_reads_it_when_the_server_is_back(
    terminal: Terminal, tmp_path: Path, postgres: Server
) -> None:
    url = postgres.fresh()
    store(url, 1, 2, 3)
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    terminal.start(agent_command(url, config, "ana"), 100, 30, tmp_path)
    terminal.wait_for(lambda s: header_count(s) == 3)
    terminal.keys("D")
    terminal.wait_for(lambda s: header(s).startswith(" Dashboard") and "7d ·" in header(s))
    terminal.wait_for(lambda s: "reading" not in s and "loading" not in header(s))

    # The server goes; 30 days are asked for meanwhile: not read, and the title says so.
    postgres.stop("fast")
    try:
        terminal.wait_for(lambda s: "unreachable" in s)  # the toast over the dashboard
        terminal.keys("3")
        screen = terminal.wait_for(lambda s: "not read: " in header(s))
        assert "the database is out of reach" in header(screen)
    finally:
        postgres.start()
    # Back: the 30 days are read without a key, and the title says which they are.
    screen = terminal.wait_for(
        lambda s: (
            "30d ·" in header(s)
            and "not read" not in header(s)
            and "loading" not in header(s)
            and "reading" not in s
        ),
        timeout=30,
    )
    assert "Something went wrong" not in screen
    terminal.keys("escape")
    terminal.wait_for(lambda s: header_count(s) == 3)
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(None), timeout=10)
