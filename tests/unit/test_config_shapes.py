"""Every key of the example config, given a value of the wrong shape, is refused with a
ConfigError (which names its line and key), never a traceback."""

from __future__ import annotations

import re
import tomllib

from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.core.config.example import EXAMPLE

# Each key's example line, uncommented (the arrays of tables too), is the fullest config.
_SHOWN = re.compile(r"^# ?(?=(\[|\]|\s+\{|[A-Za-z_][\w.\-]*\s*=))")
_KEY = re.compile(r"^([A-Za-z_][\w.\-]*)\s*=")
WRONG = ("123", "true", "-5", "0.5", '"x"', "[1, 2]", "{ a = 1 }", '["a", 3]', "[]", "{}")


def fullest() -> list[str]:
    lines = [_SHOWN.sub("", line) for line in EXAMPLE.splitlines()]
    tomllib.loads("\n".join(lines))  # the example, all switched on, is itself valid TOML
    return lines


def test_the_example_switched_on_entirely_is_a_valid_config() -> None:
    parse_config("\n".join(fullest()), "scrm.toml")


def test_a_value_of_the_wrong_shape_under_any_key_is_refused_without_a_traceback() -> None:
    lines = fullest()
    tried = 0
    crashed: list[str] = []
    for number, line in enumerate(lines):
        key = _KEY.match(line)
        if key is None:
            continue
        for wrong in WRONG:
            trial = [*lines[:number], f"{key.group(1)} = {wrong}", *lines[number + 1 :]]
            text = "\n".join(trial)
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                continue  # e.g. a key given twice: TOML itself refuses it, with its line
            tried += 1
            try:
                parse_config(text, "scrm.toml")
            except ConfigError:
                pass
            except Exception as error:  # the point: nothing else escapes
                crashed.append(f"line {number + 1}: {key.group(1)} = {wrong}: {error!r}")
    assert tried > 500  # every key of the example was reached, not a handful
    assert crashed == []


def test_tables_of_tables_given_as_a_plain_value_name_their_key() -> None:
    for text, key in (
        ("[teams.billing]\nwebhooks = 5\n", "teams.billing.webhooks"),
        ("[sources.rss]\nfeeds = 5\n", "sources.rss.feeds"),
    ):
        try:
            parse_config(text, "scrm.toml")
        except ConfigError as error:
            assert f"'{key}' must be a list of tables" in str(error)
        else:
            raise AssertionError(f"{text!r} was accepted")
