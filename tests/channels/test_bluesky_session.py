"""The cached Bluesky session (#10.15): kept per service and account, so it is never
sent to another service, and renewed once however many processes see it expire."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.bluesky.session import BlueskySession
from tests.fakes.loopback import Loopback, serve
from tests.support.cli import bluesky_search_config, scrm

pytestmark = pytest.mark.xdist_group("subprocess")

RACE = Path(__file__).parents[1] / "support" / "session_race.py"
RACERS = 4


@pytest.fixture
def other() -> Iterator[Loopback]:
    """A second Bluesky service (another PDS, a test instance) with the same handle."""
    yield from serve()


def race(server: Loopback, session_file: Path, tmp_path: Path) -> list[str]:
    """RACERS processes that hold the cached session, then all call with it at once."""
    ready = tmp_path / "ready"
    ready.mkdir()
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                str(RACE),
                server.bluesky_url,
                str(session_file),
                str(ready),
                str(RACERS),
                f"racer-{n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(RACERS)
    ]
    said = []
    for racer in racers:
        out, err = racer.communicate(timeout=90)
        assert racer.returncode == 0, err
        said.append(out.strip())
    return said


async def test_one_expired_login_seen_by_four_processes_costs_one_new_login(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    session_file = tmp_path / "state" / "bluesky.json"
    await BlueskySession(client, server.bluesky_account(session_file=session_file)).current()
    server.expire_bluesky(refresh=True)  # the access token and the refresh token are spent

    assert race(server, session_file, tmp_path) == ["200"] * RACERS

    # The first login, then one more for all four: the others waited and read it.
    assert len(server.requests("bluesky.createSession")) == 2


async def test_one_token_rotation_seen_by_four_processes_costs_one_refresh(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    session_file = tmp_path / "state" / "bluesky.json"
    await BlueskySession(client, server.bluesky_account(session_file=session_file)).current()
    server.expire_bluesky()  # the access token: a refresh renews it, and spends the old one

    assert race(server, session_file, tmp_path) == ["200"] * RACERS

    assert len(server.requests("bluesky.refreshSession")) == 1
    assert len(server.requests("bluesky.createSession")) == 1  # the first login only


def watch_once(tmp_path: Path, service: Loopback) -> subprocess.CompletedProcess[str]:
    config = bluesky_search_config(tmp_path / "config.toml", service)
    return scrm("--config", str(config), "--db", str(tmp_path / "scrm.db"), "watch", "--once")


def tokens_sent(server: Loopback) -> set[str]:
    return {r.headers["authorization"] for r in server.requests() if "authorization" in r.headers}


def test_a_session_of_one_service_is_never_sent_to_another(
    tmp_path: Path, server: Loopback, other: Loopback
) -> None:
    first = watch_once(tmp_path, server)
    assert first.returncode == 0 and "bluesky:search:kestrel: " in first.stdout, first.stderr
    ours = tokens_sent(server)
    assert ours

    second = watch_once(tmp_path, other)  # the same handle, on another service

    assert second.returncode == 0 and "bluesky:search:kestrel: " in second.stdout, second.stderr
    assert tokens_sent(other).isdisjoint(ours)
    assert len(other.requests("bluesky.createSession")) == 1
    # And back: the first service's session is still there for it.
    again = watch_once(tmp_path, server)
    assert again.returncode == 0
    assert len(server.requests("bluesky.createSession")) == 1
