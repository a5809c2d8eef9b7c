"""`scrm`: parse the arguments, read the configuration, run the command."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, Context, fail
from scrm_tui.cli.parser import Command, build_parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `scrm sources | head`: the reader has what it wanted. Python would still
        # complain while flushing stdout at exit; point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command = args.run
    problem = command.check(args) if command.check is not None else None
    if problem is not None:
        parser.error(problem)
    # Before the configuration is loaded: these write it or explain what is wrong with it.
    if command.early:
        return command.load()(args)
    from scrm_tui.cli import logs

    logs.install()
    # Imported here, not at the top: `scrm --help` needs neither the config nor the store.
    from scrm_tui.core.config import ConfigError
    from scrm_tui.service.settings import agent_name, load_config
    from scrm_tui.store.db import StoreBusy, StoreError

    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as error:
        return fail(str(error))
    if not command.inbox:  # the inbox shows these itself
        from scrm_tui.service.settings import config_warnings

        for warning in config_warnings(config):
            print(f"scrm: warning: {warning}", file=sys.stderr)
    else:
        # A key that cannot be what the config says is an error before the inbox opens.
        from scrm_tui.ui.keymap import check

        keys = check(config.keys)
        for problem in keys.errors:
            fail(problem)
        if keys.errors:
            return EXIT_FAILED
    agent = getattr(args, "agent", None) or agent_name(config)
    context = Context(config, agent, getattr(args, "db", None), getattr(args, "config", None))
    run = command.load()
    try:
        return run(args, context)
    except StoreBusy as error:
        return fail(f"{error}; try again")  # a script may simply run it again
    except StoreError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
