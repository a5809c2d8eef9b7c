"""One process of a race on a cached Bluesky session, run by tests/channels/test_bluesky_session.py.

    python tests/support/session_race.py SERVICE SESSION_FILE READY_DIR RACERS NAME

It loads the cached session, says it is ready (a file in READY_DIR) and waits until
RACERS processes are, then makes one authenticated call with that session and prints
the answer's status. Run by several at once after the token expired, each finds it
expired at the same moment and must renew it.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scrm_tui.channels.bluesky.session import BlueskySession
from scrm_tui.channels.http import make_client
from scrm_tui.core.outgoing import BlueskyAccount
from tests.fakes.loopback import Loopback

WAIT_S = 30.0


async def main(service: str, session_file: Path, ready: Path, racers: int, name: str) -> int:
    account = BlueskyAccount(
        identifier=Loopback.BLUESKY_HANDLE,
        password=Loopback.BLUESKY_PASSWORD,
        service=service,
        session_file=session_file,
    )
    async with make_client(timeout=10.0) as client:
        session = BlueskySession(client, account)
        await session.current()  # the cached one: its token has expired meanwhile
        (ready / name).touch()
        deadline = time.monotonic() + WAIT_S
        while len(list(ready.iterdir())) < racers:
            if time.monotonic() > deadline:
                print("the other racers never came", file=sys.stderr)
                return 1
            await asyncio.sleep(0.01)
        response = await session.call(
            "GET", "app.bsky.notification.listNotifications", pds=False, params={"limit": "1"}
        )
        print(response.status_code)
    return 0


if __name__ == "__main__":
    service, file, ready, racers, name = sys.argv[1:6]
    sys.exit(asyncio.run(main(service, Path(file), Path(ready), int(racers), name)))
