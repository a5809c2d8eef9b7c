"""An agent in a process of its own, for the claim tests: `python -m tests.support.claiming`.

hold DB AGENT MENTION        claim MENTION as AGENT, print "claimed", then wait to
                             be killed (its heartbeat keeps going meanwhile)
send DB AGENT MENTION GO     open the composer on MENTION, print "composing", and
                             once the file GO exists send a reply; print "queued"
                             or "held by <agents>"
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from pathlib import Path

from scrm_tui.core.config import Config
from scrm_tui.core.team import AnswerHeld
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.processes import session_id

SESSIONS = itertools.count(1)


def own_session(inbox: Inbox) -> Inbox:
    """Make `inbox` a session of its own, as if in a process of its own (this process,
    said to have started a moment later): several agents in one test process."""
    host_pid, _, start = session_id().rpartition(":")
    inbox.presence.holder = f"{host_pid}:{int(start) + next(SESSIONS)}"
    return inbox


# Sending is only queued here (no worker runs): the instance is never contacted.
ACCOUNT = {"mastodon": {"instance": "https://social.invalid", "token": "t"}}
POLL_S = 0.005


async def hold(db: str, agent: str, mention_id: int) -> None:
    async with await Inbox.open(db, agent) as inbox:
        await inbox.presence.start()
        await inbox.presence.claim([mention_id], "reply")
        print("claimed", flush=True)
        while True:
            await inbox.presence.tick()
            await asyncio.sleep(1)


async def send(db: str, agent: str, mention_id: int, go: str) -> None:
    async with await Inbox.open(db, agent) as inbox:
        config = Config(networks=ACCOUNT)
        inbox.configure(config, resolve(config, {}))
        compose = await inbox.replies.compose(mention_id)
        print("composing", flush=True)
        while not Path(go).exists():
            await asyncio.sleep(POLL_S)  # waiting for the test's start signal
        try:
            await inbox.replies.send(compose, f"{compose.text}answered by {agent}")
        except AnswerHeld as held:
            print("held by " + ",".join(sorted({i.created_by or "" for i in held.items})))
        else:
            print("queued", flush=True)


def main(argv: list[str]) -> None:
    command, db, agent, mention = argv[:4]
    if command == "hold":
        asyncio.run(hold(db, agent, int(mention)))
    else:
        asyncio.run(send(db, agent, int(mention), argv[4]))


if __name__ == "__main__":
    main(sys.argv[1:])
