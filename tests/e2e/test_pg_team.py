"""A team on one PostgreSQL database, each agent or sender a real process of its own: a
due reply is posted once however many senders race for it, a sender killed mid-send is
taken over without a second post, and of two agents answering one mention one wins.

The shapes are those of the SQLite tests (test_outbox_crash.py, test_claims.py); the
loopback server counts what reached the network."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest

from scrm_tui.core.config import parse_config
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from tests.channels.test_outbox import STATUS_ID
from tests.channels.test_outbox import (
    server as server,  # a loopback Mastodon with the status to answer
)
from tests.conftest import NOW, fixed_clock, mention
from tests.fakes.loopback import Loopback
from tests.support.killing import running
from tests.support.plain import rows
from tests.support.postgres import Server

pytestmark = pytest.mark.xdist_group("subprocess")

ROOT = Path(__file__).resolve().parents[2]

# One sender in a process of its own: `scrm outbox send` on a URL, started when the
# test touches GO. With "crash" it is killed dead where it would mark the item sent:
# after the network's answer, before anything is written about it.
SENDER = """
import asyncio, os, signal, sys
from pathlib import Path
from scrm_tui.core.config import parse_config
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.outbox import OutboxStore

async def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

async def main(url, config, agent, go, crash):
    if crash:
        OutboxStore.mark_sent = killed
    parsed = parse_config(Path(config).read_text(), config)
    async with await Inbox.open(url, agent) as inbox:
        inbox.configure(parsed, resolve(parsed, {}))
        worker = inbox.outbox_worker()
        print("ready", flush=True)
        while not Path(go).exists():
            await asyncio.sleep(0.005)  # the test's start signal
        await worker.release_dead()
        items = await worker.run_due()
        print(sum(item.state == "sent" for item in items), "sent", flush=True)

asyncio.run(main(*sys.argv[1:5], sys.argv[5] == "crash"))
"""


@pytest.fixture
def url(postgres: Server) -> str:
    return postgres.fresh()


def write_config(path: Path, server: Loopback) -> Path:
    path.write_text(
        f'[mastodon]\ninstance = "{server.mastodon_url}"\ntoken = "{server.MASTODON_TOKEN}"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


async def queue_reply(url: str, config: Path) -> int:
    """A mention and a reply to it, queued (due now) but not sent: no worker runs here."""
    post = mention(1, "Kestrel ate my tasks", handle="ann@social.example")
    post = type(post)(**{**post.__dict__, "external_id": STATUS_ID})
    async with await Inbox.open(url, "kate", fixed_clock) as inbox:
        parsed = parse_config(config.read_text(), str(config))
        inbox.configure(parsed, resolve(parsed, {}))
        (mention_id,) = (await inbox.ingest([post])).stored
        compose = await inbox.replies.compose(mention_id)
        await inbox.replies.send(compose, compose.text + "we are on it")
    return mention_id


def process(*args: str) -> AbstractContextManager[subprocess.Popen[str]]:
    """A Python process of its own (and its group), killed afterwards whatever happened."""
    return running([sys.executable, *args], env={"PYTHONPATH": str(ROOT)})


def ready(proc: subprocess.Popen[str], word: str) -> None:
    """Wait for the process to say `word` (it reads its line only once ready)."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == word, (line, proc.stderr.read() if proc.stderr else "")


def finished(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.strip()


async def test_two_senders_racing_for_one_due_reply_post_it_once(
    url: str, server: Loopback, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", server)
    mention_id = await queue_reply(url, config)
    go = tmp_path / "go"
    with ExitStack() as stack:
        senders = [
            stack.enter_context(process("-c", SENDER, url, str(config), agent, str(go), "-"))
            for agent in ("ana", "ben")
        ]
        for sender in senders:
            ready(sender, "ready")
        go.touch()  # both reach for the outbox at the same moment
        said = sorted(finished(sender) for sender in senders)

    assert said == ["0 sent", "1 sent"]  # one took it; the other found nothing due
    assert server.count("mastodon") == 1
    assert len(server.requests("mastodon.post_status")) == 1  # never even tried twice
    assert rows(url, "SELECT state, attempts FROM outbox") == [("sent", 1)]
    assert rows(
        url, f"SELECT count(*) FROM interactions WHERE kind = 'reply' AND mention_id = {mention_id}"
    ) == [(1,)]


async def test_a_sender_killed_mid_send_is_taken_over_and_the_reply_posted_once(
    url: str, server: Loopback, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", server)
    mention_id = await queue_reply(url, config)
    go_first, go_second = tmp_path / "go-first", tmp_path / "go-second"
    with (
        process("-c", SENDER, url, str(config), "ben", str(go_second), "-") as second,
        process("-c", SENDER, url, str(config), "ana", str(go_first), "crash") as first,
    ):
        ready(second, "ready")  # waiting to send, alive the whole time
        ready(first, "ready")
        go_first.touch()
        first.wait(timeout=60)
        assert first.returncode == -signal.SIGKILL
        assert server.count("mastodon") == 1  # the post reached the network...
        assert rows(url, "SELECT state, attempts FROM outbox") == [("sending", 1)]  # ...unwritten

        go_second.touch()
        said = finished(second)

    assert said == "1 sent"
    assert rows(url, "SELECT state, attempts FROM outbox") == [("sent", 2)]
    assert server.count("mastodon") == 1  # sent again with the same key: posted once
    assert len(server.requests("mastodon.post_status")) == 2
    assert rows(
        url, f"SELECT count(*) FROM interactions WHERE kind = 'reply' AND mention_id = {mention_id}"
    ) == [(1,)]
    assert rows(url, f"SELECT status FROM mentions WHERE id = {mention_id}") == [("done",)]


async def test_of_two_agents_answering_one_mention_at_once_one_wins(
    url: str, tmp_path: Path
) -> None:
    async with await Inbox.open(url, "kate", fixed_clock) as inbox:
        (mention_id,) = (await inbox.ingest([mention(1, "Kestrel is down")])).stored
    go = tmp_path / "go"
    with (
        process("-m", "tests.support.claiming", "send", url, "ana", str(mention_id), str(go)) as a,
        process("-m", "tests.support.claiming", "send", url, "ben", str(mention_id), str(go)) as b,
    ):
        ready(a, "composing")  # each has claimed the mention and opened its composer
        ready(b, "composing")
        go.touch()
        said = sorted([finished(a), finished(b)])

    # The second to send is held: the first's reply was queued after its draft opened.
    assert said in (["held by ana", "queued"], ["held by ben", "queued"])
    winner = said[0].removeprefix("held by ")  # the one whose reply was queued first
    assert rows(url, "SELECT created_by FROM outbox") == [(winner,)]
    assert rows(url, "SELECT agent FROM claims") == []  # each ended with its inbox


async def test_claims_made_in_two_processes_are_seen_by_each_other(url: str) -> None:
    """Of two agents claiming one mention, the second is told of the first."""
    async with await Inbox.open(url, "kate", fixed_clock) as inbox:
        (mention_id,) = (await inbox.ingest([mention(1, "Kestrel is down")])).stored
    with process("-m", "tests.support.claiming", "hold", url, "ana", str(mention_id)) as holder:
        ready(holder, "claimed")
        async with await Inbox.open(url, "ben") as ben:
            await ben.presence.start()
            others = await ben.presence.claim([mention_id], "reply")
            assert [(c.agent, c.kind) for c in others] == [("ana", "reply")]


# A collector in a process of its own: it takes the lease on the URL, says so, and
# renews it until it is killed.
COLLECTOR = """
import asyncio, sys
from scrm_tui.service.collector import Collector
from scrm_tui.service.inbox import Inbox

async def main(url):
    async with await Inbox.open(url, "watch") as inbox:
        collector = Collector(inbox, [])
        assert await collector.take_lease()
        print("holding", flush=True)
        while True:
            await asyncio.sleep(1)
            await collector.take_lease()

asyncio.run(main(sys.argv[1]))
"""


async def test_a_collector_killed_on_this_host_is_replaced_at_once_one_elsewhere_after_its_ttl(
    url: str,
) -> None:
    """The lease row, not an advisory lock: a dead collector on this machine is seen to be
    gone (its pid) and replaced at once; one on another machine only when its lease ran
    out (LEASE_TTL_MS), whatever its connection's state."""
    from scrm_tui.service.collector import LEASE_TTL_MS, Collector
    from tests.support.clock import Clock

    with process("-c", COLLECTOR, url) as first:
        ready(first, "holding")
        async with await Inbox.open(url, "second") as box:
            second = Collector(box, [])
            assert not await second.take_lease()  # alive: it keeps the lease
            first.kill()
            first.wait(timeout=30)
            assert await second.take_lease()  # gone from this host: taken at once
            [(holder,)] = rows(url, "SELECT holder FROM leases WHERE name = 'collector'")
            assert holder == second.holder
            await second.release()  # (on the real clock, far ahead of the one below)

    clock = Clock(NOW.timestamp())
    async with await Inbox.open(url, "third", clock) as box:
        elsewhere = Collector(box, [], clock=clock, holder="other-machine:1")
        here = Collector(box, [], clock=clock, holder="this-one:2")
        assert await elsewhere.take_lease()
        clock.now += LEASE_TTL_MS / 1000 - 1  # still within its lease
        assert not await here.take_lease()
        clock.now += 2  # it stopped renewing: the lease ran out
        assert await here.take_lease()
