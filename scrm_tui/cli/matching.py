"""`scrm matching [show|refit|reset]`: the author matcher's weights."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, existing_db
from scrm_tui.core import sanitize


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_matching(context.db, context.agent, args))


async def _matching(db: Path | str, agent: str, args: argparse.Namespace) -> int:
    """`scrm matching [show|refit|reset]`: the match model's weights."""
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.store import match_weights

    async with await Inbox.open(existing_db(db), agent) as inbox:
        if args.matching_command == "refit":
            done = await inbox.linker.refit()
            said = (
                f"{done.candidates:,} candidates of {done.authors:,} decided authors "
                f"({done.right:,} confirmed right, {done.candidates - done.right:,} wrong); "
                f"{done.unseen:,} decided authors the matcher no longer shows"
            )
            if done.weights is None:
                print(
                    f"scrm: too few decisions to refit ({said}); the shipped weights stay",
                    file=sys.stderr,
                )
                return EXIT_OK
            print(f"refitted the match weights on {said}, in {done.seconds:.1f} s")
            return EXIT_OK
        if args.matching_command == "reset":
            gone = await match_weights.forget(inbox.db)
            print("back to the shipped weights" if gone else "the shipped weights are in use")
            return EXIT_OK
        stored = await match_weights.stored(inbox.db)
        if stored is None:
            print("the shipped weights are in use (`scrm matching refit` learns from decisions)")
        else:
            print(
                f"weights refitted by {sanitize.for_message(stored.fitted_by)} on "
                f"{stored.candidates:,} candidates of {stored.authors:,} decided authors"
            )
        print((await inbox.linker.matcher()).weights.to_json())
    return EXIT_OK
