"""Killed between the network's answer and the outbox update: no reply lost, none twice.

A real `scrm outbox send` process posts to the loopback server, which answers; the
process is then killed (SIGKILL, no cleanup) at the exact moment it would record
the post as sent. A second `scrm outbox send` finds the item still `sending`, sees
its owner is dead, and sends it again with the same key: the server must end up
with exactly one post.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.fakes.loopback import Loopback, serve

pytestmark = pytest.mark.xdist_group("subprocess")

STATUS_ID = "117020583245459824"
# The process is stopped dead where it would mark the item sent: after the HTTP
# answer has arrived, before anything is written about it.
CRASHING = """
import os, signal, sys
from scrm_tui.store.outbox import OutboxStore

async def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

OutboxStore.mark_sent = killed
from scrm_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def server() -> Iterator[Loopback]:
    for running in serve():
        running.add_mastodon_status(STATUS_ID)
        yield running


def write_config(path: Path, server: Loopback) -> Path:
    path.write_text(
        f"""
[mastodon]
instance = "{server.mastodon_url}"
token = "{server.MASTODON_TOKEN}"

[bluesky]
handle = "{server.BLUESKY_HANDLE}"
password = "{server.BLUESKY_PASSWORD}"
service = "{server.bluesky_url}"
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def scrm(args: list[str], *, crash: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", CRASHING] if crash else [sys.executable, "-m", "scrm_tui"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def outbox_state(db: Path) -> tuple[str, int]:
    with sqlite3.connect(db) as conn:
        state, attempts = conn.execute("SELECT state, attempts FROM outbox").fetchone()
    return str(state), int(attempts)


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
async def test_a_kill_after_the_answer_never_posts_twice(
    network: str, server: Loopback, tmp_path: Path
) -> None:
    db = tmp_path / "scrm.db"
    config = write_config(tmp_path / "config.toml", server)
    if network == "mastodon":
        post = mention(1, "Kestrel ate my tasks", handle="ann@social.example")
        post = type(post)(**{**post.__dict__, "external_id": STATUS_ID})
    else:
        post = mention(1, "Kestrel down?", channel=Channel.BLUESKY, handle="bskyr.bsky.social")
        post = type(post)(**{**post.__dict__, "external_id": server.parent_post["uri"]})
    async with await Inbox.open(db, "kate", fixed_clock) as inbox:
        from scrm_tui.core.config import parse_config
        from scrm_tui.service.credentials import resolve

        parsed = parse_config(config.read_text(), str(config))
        inbox.configure(parsed, resolve(parsed, {}))
        (mention_id,) = (await inbox.ingest([post])).stored
        compose = await inbox.replies.compose(mention_id)
        await inbox.replies.send(compose, compose.text + "we are on it")
    common = ["outbox", "send", "--db", str(db), "--config", str(config), "--agent", "kate"]

    crashed = scrm(common, crash=True)

    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert server.count(network) == 1  # the post reached the network...
    assert outbox_state(db) == ("sending", 1)  # ...but nobody wrote that down

    again = scrm(common)

    assert again.returncode == 0, again.stderr
    assert "1 sent" in again.stderr
    assert outbox_state(db) == ("sent", 2)
    assert server.count(network) == 1  # sent again, posted once
    attempts = server.requests(
        "mastodon.post_status" if network == "mastodon" else "bluesky.createRecord"
    )
    assert len(attempts) == (2 if network == "mastodon" else 1)
    with sqlite3.connect(db) as conn:
        replies = conn.execute(
            "SELECT count(*) FROM interactions WHERE kind = 'reply' AND mention_id = ?",
            (mention_id,),
        ).fetchone()[0]
        status = conn.execute("SELECT status FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    assert replies == 1 and status == ("done",)
