"""Claims and presence on a real database, several agents in real processes: who is on
a mention, when a claim ends, and a send held when someone answered meanwhile."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scrm_tui.core.config import Config
from scrm_tui.core.team import CLAIM_TTL_MS, AnswerHeld
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.presence import PRESENCE_TTL_MS
from scrm_tui.service.processes import session_gone, session_id
from tests.conftest import NOW, mention
from tests.support.claiming import own_session
from tests.support.clock import Clock

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = {"mastodon": {"instance": "https://social.invalid", "token": "t"}}


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW.timestamp())


async def agent(db_path: Path, name: str, clock: Clock, **config: object) -> Inbox:
    """An agent's inbox, able to queue Mastodon replies (nothing is sent: no worker).
    Each is a session of its own, as if in a process of its own: this process, said
    to have started a moment later for each agent."""
    inbox = await Inbox.open(db_path, name, clock)
    settings = Config(networks=ACCOUNT, **config)  # type: ignore[arg-type]
    inbox.configure(settings, resolve(settings, {}))
    return own_session(inbox)


@pytest.fixture
async def ana(db_path: Path, clock: Clock) -> AsyncIterator[Inbox]:
    inbox = await agent(db_path, "ana", clock)
    await inbox.ingest([mention(n) for n in range(1, 4)])
    yield inbox
    await inbox.close()


@pytest.fixture
async def ben(db_path: Path, clock: Clock, ana: Inbox) -> AsyncIterator[Inbox]:
    inbox = await agent(db_path, "ben", clock)
    yield inbox
    await inbox.close()


def rows_of(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.execute(sql))


@contextmanager
def agent_process(*args: str) -> Iterator[subprocess.Popen[str]]:
    """tests/support/claiming.py in a process of its own; killed afterwards whatever happened."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.claiming", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.communicate()


def said(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, f"the agent process said nothing: {proc.stderr.read() if proc.stderr else ''}"
    return line


# ---------------------------------------------------------------- claims


async def test_a_claim_shows_on_other_agents_rows_until_it_ends(
    ana: Inbox, ben: Inbox, clock: Clock
) -> None:
    assert await ana.presence.claim([1], "reply") == []
    clock.now += 12
    [row] = await ben.rows([1])
    assert (row.claimed_by, row.claimed_kind) == ("ana", "reply")
    assert row.claimed_ms == int(NOW.timestamp() * 1000)
    detail = await ben.detail(1)
    assert detail is not None and detail.row.claimed_by == "ana"
    # Your own claim is no warning to you.
    [mine] = await ana.rows([1])
    assert mine.claimed_by is None

    await ana.presence.release([1])
    [row] = await ben.rows([1])
    assert row.claimed_by is None


async def test_a_claim_whose_heartbeat_stopped_blocks_no_one(
    ana: Inbox, ben: Inbox, clock: Clock
) -> None:
    await ana.presence.claim([1], "reply")
    clock.now += CLAIM_TTL_MS / 1000 - 1
    assert [r.claimed_by for r in await ben.rows([1])] == ["ana"]
    assert await ben.presence.claim([1], "reply") != []
    clock.now += 2  # no heartbeat for longer than the TTL
    assert [r.claimed_by for r in await ben.rows([1])] == [None]
    assert await ben.presence.claim([2], "reply") == []
    assert await ben.presence.others([1]) == []


async def test_heartbeats_keep_a_claim_alive_while_its_form_is_used(
    ana: Inbox, ben: Inbox, clock: Clock
) -> None:
    await ana.presence.start()
    await ana.presence.claim([1], "reply")
    for _ in range(6):  # three TTLs in all, a key and a tick every 15 s
        clock.now += 15
        assert ana.presence.touch([1])
        await ana.presence.tick()
    [claim] = await ben.presence.others([1])
    assert claim.agent == "ana" and claim.since_ms == int(NOW.timestamp() * 1000)


async def test_a_form_left_idle_past_the_timeout_lets_its_claim_go(
    db_path: Path, ben: Inbox, clock: Clock
) -> None:
    idle = await agent(db_path, "ida", clock, claim_idle_s=120.0)
    try:
        await idle.presence.start()
        await idle.presence.claim([1], "escalate")
        clock.now += 119
        assert await idle.presence.tick() == []
        assert [c.agent for c in await ben.presence.others([1])] == ["ida"]
        clock.now += 1
        assert await idle.presence.tick() == [1]  # the form is told
        assert await ben.presence.others([1]) == []
        assert not idle.presence.touch([1])  # the next key claims it again
    finally:
        await idle.close()


async def test_of_two_agents_claiming_at_the_same_moment_the_second_is_told(
    ana: Inbox, ben: Inbox
) -> None:
    import asyncio

    first, second = await asyncio.gather(
        ana.presence.claim([2], "reply"), ben.presence.claim([2], "post")
    )
    told = [c.agent for c in first + second]
    assert told in (["ana"], ["ben"])


async def test_going_on_over_another_claim_is_in_the_history(ana: Inbox, ben: Inbox) -> None:
    await ana.presence.claim([1], "reply")
    others = await ben.presence.claim([1], "reply")
    await ben.presence.went_on([1], others)
    [(kind, actor, summary, mention_id)] = rows_of(
        ben.db.path,
        "SELECT kind, actor, summary, mention_id FROM interactions WHERE kind = 'claim'",
    )
    assert (kind, actor, mention_id) == ("claim", "ben", 1)
    assert summary == "went on although ana had claimed it"


# ---------------------------------------------------------------- presence


async def test_presence_and_the_agents_known(db_path: Path, ana: Inbox, clock: Clock) -> None:
    ben = await agent(db_path, "ben", clock, team_agents=("cleo", "ana"))
    try:
        await ana.presence.start()
        await ben.presence.start()
        assert await ben.present_agents() == ["ana", "ben"]
        assert await ben.known_agents() == ["ana", "ben", "cleo"]
        await ana.close()  # a clean exit
        assert await ben.present_agents() == ["ben"]
        assert await ben.known_agents() == ["ana", "ben", "cleo"]  # seen once: known
        assert rows_of(db_path, "SELECT agent FROM presence") == [("ben",)]
    finally:
        await ben.close()
    assert rows_of(db_path, "SELECT count(*) FROM presence") == [(0,)]


async def test_a_holder_on_another_host_is_dropped_once_its_heartbeat_is_old(
    ana: Inbox, ben: Inbox, clock: Clock
) -> None:
    far = "elsewhere.example:4242:1700000000000"
    ana.presence.holder = far  # as a process on another machine would write it
    await ana.presence.start()
    await ana.presence.claim([1], "reply")
    assert await ben.presence.sweep(ben.now_ms()) == []  # cannot be checked: alive
    clock.now += PRESENCE_TTL_MS / 1000 + 1
    assert await ben.presence.sweep(ben.now_ms()) == [far]
    assert rows_of(ben.db.path, "SELECT count(*) FROM claims") == [(0,)]


@pytest.mark.xdist_group("subprocess")
async def test_a_killed_claimer_frees_its_claim_at_once(db_path: Path, ben: Inbox) -> None:
    """kill -9: no clean exit, its heartbeat still fresh; the sweep of any other
    process on the host sees the process is gone and frees the claim at once."""
    real = await Inbox.open(db_path, "ben")  # the real clock, as the holder's
    try:
        with agent_process("hold", str(db_path), "ana", "3") as holder:
            assert said(holder) == "claimed"
            [claim] = await real.presence.others([3])
            assert claim.agent == "ana"
            assert await real.present_agents() == ["ana"]
            holder.send_signal(signal.SIGKILL)
            holder.wait()
            assert await real.presence.sweep(real.now_ms()) != []
        assert await real.presence.others([3]) == []
        assert [r.claimed_by for r in await real.rows([3])] == [None]
        assert await real.present_agents() == []
    finally:
        await real.close()


def test_a_session_is_gone_when_its_process_ended_or_its_pid_was_reused() -> None:
    me = session_id()
    host, pid, start = me.split(":")
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    assert not session_gone(me)
    # The same pid, but a session that started before this process did: a reused pid.
    assert session_gone(f"{host}:{pid}:{int(start) - 60_000}")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert session_gone(f"{host}:{child.pid}:{start}")
    assert not session_gone(f"elsewhere:{child.pid}:{start}")  # cannot be checked


# ---------------------------------------------------------------- the send check


async def test_a_send_is_held_when_another_reply_was_queued_after_the_draft_opened(
    ana: Inbox, ben: Inbox
) -> None:
    mine = await ben.replies.compose(1)
    theirs = await ana.replies.compose(1)
    await ana.replies.send(theirs, theirs.text + "on it")
    with pytest.raises(AnswerHeld) as held:
        await ben.replies.send(mine, mine.text + "fixed now")
    [other] = held.value.items
    assert (other.created_by, other.text) == ("ana", theirs.text + "on it")
    assert [r[0] for r in rows_of(ben.db.path, "SELECT created_by FROM outbox")] == ["ana"]
    # Sent anyway, knowing: queued, and the history says so.
    await ben.replies.send(mine, mine.text + "fixed now", overriding=held.value.items)
    assert len(rows_of(ben.db.path, "SELECT id FROM outbox")) == 2
    [(actor, summary)] = rows_of(
        ben.db.path, "SELECT actor, summary FROM interactions WHERE kind = 'collision'"
    )
    assert (actor, summary) == ("ben", "answered although ana had answered")


async def test_a_reply_pending_when_the_draft_opened_holds_it_once_it_goes_out(
    ana: Inbox, ben: Inbox
) -> None:
    theirs = await ana.replies.compose(1)
    outbox_id = await ana.replies.send(theirs, theirs.text + "looking")
    mine = await ben.replies.compose(1)  # shows "already answered (pending)"
    await ben.replies.send(mine, mine.text + "one")  # nothing new yet: queued
    mine = await ben.replies.compose(1)
    await ana.outbox.mark_sent(outbox_id, "9", None, ana.now_ms(), done=False)
    with pytest.raises(AnswerHeld) as held:
        await ben.replies.record_manual(mine, mine.text + "by phone")
    assert [i.id for i in held.value.items] == [outbox_id]


async def test_a_reply_to_any_mention_of_a_macro_post_holds_it(ana: Inbox, ben: Inbox) -> None:
    post = await ben.replies.compose_post("mastodon", [1, 2, 3])
    theirs = await ana.replies.compose(2)
    await ana.replies.send(theirs, theirs.text + "sorted")
    with pytest.raises(AnswerHeld):
        await ben.replies.send(post, "All fixed, thanks everyone")
    # A reply queued and then discarded is no answer: it does not hold.
    other = await ben.replies.compose(3)
    queued = await ana.replies.send(await ana.replies.compose(3), "@x later")
    assert await ana.discard_outbox(queued) is not None
    await ben.replies.send(other, other.text + "thanks")


async def test_dropping_a_draft_after_a_hold_is_in_the_history(ana: Inbox, ben: Inbox) -> None:
    mine = await ben.replies.compose(1)
    await ben.replies.save_draft(mine, mine.text + "draft")
    theirs = await ana.replies.compose(1)
    await ana.replies.send(theirs, theirs.text + "done")
    with pytest.raises(AnswerHeld) as held:
        await ben.replies.send(mine, mine.text + "draft")
    await ben.replies.drop_draft(mine, held.value.items)
    assert await ben.outbox.draft("ben", "reply:1") is None
    [(summary,)] = rows_of(
        ben.db.path, "SELECT summary FROM interactions WHERE kind = 'collision' AND actor = 'ben'"
    )
    assert summary == "dropped a draft: ana answered first"


@pytest.mark.xdist_group("subprocess")
def test_two_agents_sending_at_the_same_moment_cannot_both_answer(tmp_path: Path) -> None:
    """Each agent's check and queueing is one transaction: of two processes that press
    send together, one queues and the other is held, round after round."""
    import asyncio

    db = tmp_path / "race.db"

    async def seed() -> None:
        async with await Inbox.open(db, "seed") as box:
            await box.ingest([mention(n) for n in range(1, 6)])

    asyncio.run(seed())
    for mention_id in range(1, 6):
        go = tmp_path / f"go-{mention_id}"
        with (
            agent_process("send", str(db), "ana", str(mention_id), str(go)) as a,
            agent_process("send", str(db), "ben", str(mention_id), str(go)) as b,
        ):
            assert said(a) == said(b) == "composing"
            go.touch()
            outcomes = sorted([said(a), said(b)])
        assert outcomes in (["held by ana", "queued"], ["held by ben", "queued"]), outcomes
        queued = rows_of(
            db,
            "SELECT count(*) FROM outbox o JOIN outbox_mentions m ON m.outbox_id = o.id "
            f"WHERE m.mention_id = {mention_id}",
        )
        assert queued == [(1,)]


# ---------------------------------------------------------------- config


def test_an_agent_name_longer_than_a_column_is_refused() -> None:
    from scrm_tui.core.config import ConfigError, parse_config

    with pytest.raises(ConfigError) as error:
        parse_config(f'[ui]\ntheme = "nord"\n\n[team]\nagents = ["{"d" * 65}"]\n', "scrm.toml")
    assert str(error.value) == (
        "scrm.toml, line 5: 'team.agents' item 1 is longer than 64 characters"
    )


def test_claim_idle_is_a_duration_of_a_second_or_more() -> None:
    from scrm_tui.core.config import ConfigError, parse_config

    config = parse_config('[team]\nagents = ["dana", "kim"]\nclaim_idle = "90s"\n')
    assert (config.team_agents, config.claim_idle_s) == (("dana", "kim"), 90.0)
    assert parse_config("").claim_idle_s == 600.0
    for value, problem in (
        ('"soon"', "'team.claim_idle' must be a duration like \"10m\" or \"90s\", not 'soon'"),
        ('"0s"', "'team.claim_idle' is '0s'; it must be at least 1s"),
    ):
        with pytest.raises(ConfigError) as error:
            parse_config(f"[team]\nclaim_idle = {value}\n", "scrm.toml")
        assert str(error.value) == f"scrm.toml, line 2: {problem}"


async def test_doctor_fails_a_bad_team_setting(tmp_path: Path) -> None:
    from scrm_tui.service.doctor import FAIL, diagnose

    config = tmp_path / "scrm.toml"
    config.write_text('[team]\nclaim_idle = "later"\n', encoding="utf-8")
    config.chmod(0o600)
    report = await diagnose(config, db_path=tmp_path / "none.db", env={})
    [check] = report.checks
    assert check.state == FAIL and report.exit_code == 2
    assert check.message == (
        f'{config}, line 2: \'team.claim_idle\' must be a duration like "10m" or "90s", '
        "not 'later'"
    )
