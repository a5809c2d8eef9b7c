"""`scrm init`, `scrm doctor` and `scrm keys`: write, check and explain the configuration."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Context, fail
from scrm_tui.core.config import Config


def run_init(args: argparse.Namespace) -> int:
    return _init(getattr(args, "config", None), args.force)


def run_doctor(args: argparse.Namespace) -> int:
    return asyncio.run(_doctor(getattr(args, "config", None), getattr(args, "db", None)))


def run_keys(args: argparse.Namespace, context: Context) -> int:
    return _keys(context.config)


def _init(config_arg: Path | None, force: bool) -> int:
    from scrm_tui.core.locations import default_config
    from scrm_tui.service.doctor import write_example

    path = config_arg or default_config()
    try:
        write_example(path, force=force)
    except FileExistsError:
        print(
            f"scrm: {path} already exists; left as it is (`scrm init --force` replaces it)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except OSError as error:
        return fail(f"cannot write {path}: {error.strerror}")
    again = f" --config {path}" if config_arg else ""
    print(f"wrote {path} (readable only by you)")
    print("next:")
    print("  1. edit it: set [watch] terms, uncomment the [sources.*] to listen to")
    print(f"  2. `scrm doctor{again}` checks it, your credentials and each source")
    print(f"  3. `scrm watch{again}` starts listening; `scrm{again}` opens the inbox")
    return EXIT_OK


def _keys(config: Config) -> int:
    from scrm_tui.ui.keymap import check, listing

    keys = check(config.keys)
    rows = listing(keys.keymap)
    width = max(len(binding) for binding, _, _ in rows) + 2
    for binding, shown, does in rows:
        mark = "*" if binding in keys.keymap else " "
        print(f"{binding:<{width}}{mark} {shown:<24} {does}")
    if keys.keymap:
        print("\n* set in [keys]")
    for warning in keys.warnings:
        print(f"scrm: warning: {warning}", file=sys.stderr)
    for error in keys.errors:
        fail(error)
    return EXIT_FAILED if keys.errors else EXIT_OK


def _check_keys(config: Config) -> tuple[list[str], list[str]]:
    """[keys] errors and warnings for `scrm doctor` (the bindings are the UI's to know)."""
    from scrm_tui.ui.keymap import check

    keys = check(config.keys)
    return keys.errors, keys.warnings


async def _doctor(config_arg: Path | None, db_arg: Path | str | None) -> int:
    from scrm_tui.core.locations import state_dir
    from scrm_tui.service.doctor import diagnose

    result = await diagnose(
        config_arg,
        db_path=db_arg,
        state_dir=state_dir(),
        on_check=lambda check: print(check.line, flush=True),
        check_keys=_check_keys,
    )
    if not result.unusable:
        print(result.summary)
    return result.exit_code
