"""Open the inbox (no command, or `scrm demo`): upgrade the database first, then run the app."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, fail
from scrm_tui.core.config import Config
from scrm_tui.store.db import StoreError


def run(args: argparse.Namespace, context: Context) -> int:
    return _run_app(
        context.config,
        context.agent,
        context.db,
        demo=False,
        stream=False,
        config_path=context.config_arg,
    )


def run_demo(args: argparse.Namespace, context: Context) -> int:
    return _demo(context.config, context.agent, context.db_arg, stream=not args.no_stream)


def _demo(config: Config, agent: str, db_arg: Path | str | None, *, stream: bool) -> int:
    if db_arg is not None:
        return _run_app(config, agent, db_arg, demo=True, stream=stream)
    folder = Path(tempfile.mkdtemp(prefix="scrm-demo-"))
    try:
        return _run_app(config, agent, folder / "demo.db", demo=True, stream=stream)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _upgrade_first(db: Path | str) -> None:
    """A database made by an older scrm is upgraded before the screen is taken, saying
    so: at a million mentions the upgrade can take a minute, which a blank terminal
    would not explain. A newer or unusable file is left to the app to report (a
    server's schema is set up by the first process that opens it)."""
    import sqlite3

    if not isinstance(db, Path) or not db.is_file():
        return
    from scrm_tui.store.schema import LATEST_VERSION

    try:
        with contextlib.closing(
            sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            [(version,)] = list(conn.execute("PRAGMA user_version"))
    except sqlite3.Error:
        return
    if not 0 < version < LATEST_VERSION:
        return
    from scrm_tui.store.db import Database

    print(
        f"scrm: upgrading {db} from schema {version} to {LATEST_VERSION} (once; on a large "
        "database this can take a minute)…",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()

    async def upgrade() -> None:
        await (await Database.open(db)).close()

    try:
        asyncio.run(upgrade())
    except StoreError:
        return  # the app says what is wrong, in its own words
    print(f"scrm: upgraded in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def _run_app(
    config: Config,
    agent: str,
    db: Path | str,
    *,
    demo: bool,
    stream: bool,
    config_path: Path | None = None,
) -> int:
    # Textual and the app are some 40,000 objects that live as long as the process. The
    # collector would walk them again and again while they load and while the first
    # frame is built (a full pass alone is ~17 ms); frozen, it leaves them be.
    gc.disable()
    try:
        from scrm_tui.ui.app import ScrmApp
    finally:
        gc.freeze()
        gc.enable()

    _upgrade_first(db)
    app = ScrmApp(
        db_path=db, agent=agent, config=config, demo=demo, stream=stream, config_path=config_path
    )
    app.run()
    if app.startup_error:
        return fail(app.startup_error)
    return app.return_code or EXIT_OK
