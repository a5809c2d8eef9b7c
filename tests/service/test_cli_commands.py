"""Every command of the grammar runs something: each one's module is imported only when
it runs, so a misspelt module or function would otherwise surface only in a user's hands."""

from __future__ import annotations

import argparse
import inspect

from scrm_tui.cli.parser import Command, build_parser


def commands(
    parser: argparse.ArgumentParser, path: str = "scrm", above: Command | None = None
) -> dict[str, Command]:
    """Each command line of the grammar a user can stop at (`scrm`, `scrm tags`, `scrm
    tags rename`, ...) and what it runs (its own, or the one of the command above it:
    `scrm tags rename` runs `scrm tags`'s); `scrm customers` alone is a usage error."""
    found: dict[str, Command] = {}
    run = parser.get_default("run") or above
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if run is not None:
        found[path] = run
    else:
        assert groups and all(group.required for group in groups), f"{path} runs nothing"
    for group in groups:
        for name, sub in group.choices.items():
            # Under `scrm` itself, no: a command that forgot its own would open the inbox.
            found.update(commands(sub, f"{path} {name}", run if path != "scrm" else None))
    return found


def test_every_command_runs_a_function_that_takes_what_main_gives() -> None:
    found = commands(build_parser())
    assert len(found) == 31
    for path, command in found.items():
        run = command.load()
        given = 1 if command.early else 2  # the arguments, then the Context
        assert len(inspect.signature(run).parameters) == given, path


def test_only_init_and_doctor_run_before_the_config_and_the_inbox_checks_keys_first() -> None:
    found = commands(build_parser())
    assert sorted(path for path, c in found.items() if c.early) == ["scrm doctor", "scrm init"]
    assert sorted(path for path, c in found.items() if c.inbox) == ["scrm", "scrm demo"]
