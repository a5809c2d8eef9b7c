"""`scrm doctor`: config, watch, rules and database in turn, then every network at once."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from scrm_tui.channels.http import make_client
from scrm_tui.channels.probing import FAIL, OK, WARN
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config, ConfigError
from scrm_tui.core.locations import default_config
from scrm_tui.service.credentials import Credentials, resolve
from scrm_tui.service.doctor.asking import _account_lines, _source_lines, _webhook_lines
from scrm_tui.service.doctor.database import _database
from scrm_tui.service.doctor.findings import _MESSAGE_MAX, TIMEOUT_S, Check, Diagnosis, Report
from scrm_tui.service.doctor.probes import _run
from scrm_tui.service.settings import config_warnings, database_path, load_config


async def diagnose(
    config_path: Path | None,
    *,
    db_path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    state_dir: Path | None = None,
    client: httpx.AsyncClient | None = None,
    timeout_s: float = TIMEOUT_S,
    on_check: Callable[[Check], None] | None = None,
    check_keys: Callable[[Config], tuple[list[str], list[str]]] | None = None,
) -> Diagnosis:
    """Check everything `scrm watch` and replying depend on; `on_check` hears each
    finding as soon as it is known (the network checks come last, together).
    `check_keys` checks [keys] (errors, warnings): which bindings exist is the UI's to
    say, so the caller that has the UI passes it."""
    env = os.environ if env is None else env
    result = Diagnosis()
    creds = Credentials()

    def report(area: str, state: str, message: str) -> None:
        # The last line of defence: whatever a message quotes, no secret and no
        # escape sequence reaches the terminal.
        text = sanitize.for_message(creds.redact(message), _MESSAGE_MAX)
        check = Check(area, state, text)
        result.checks.append(check)
        if on_check is not None:
            on_check(check)

    path = config_path or default_config()
    if not path.exists() and config_path is not None:
        report("config", FAIL, f"{path}: no such file; `scrm init --config {path}` writes one")
        return result
    try:
        # No file where scrm looks by default is no error: every command runs on the
        # defaults then, so the database (and whatever else they name) is still checked.
        config = load_config(path if path.exists() else None)
    except ConfigError as error:
        result.unusable = True
        area = "config"
        if re.search(r"\.terms'", str(error)):
            area = "watch"
        elif re.search(r": 'views\.", str(error)):
            area = "views"
        elif re.search(r"line \d+: rules? ", str(error)):
            area = "rules"
        report(area, FAIL, str(error))
        return result
    if path.exists():
        report("config", OK, str(path))
    else:
        defaults = "no such file, so the defaults apply; `scrm init` writes an example"
        report("config", WARN, f"{path}: {defaults}")
    for warning in config_warnings(config):
        report("config", WARN, warning)
    if check_keys is not None and config.keys:
        errors, warnings = check_keys(config)
        for problem in errors:
            report("keys", FAIL, problem)
        for problem in warnings:
            report("keys", WARN, problem)
        if not errors and not warnings:
            report("keys", OK, f"{len(config.keys)} of your own in [keys]")
    _watch(config, path, report)
    if config.views:
        names = ", ".join(view.name for view in config.views)
        report("views", OK, f"{len(config.views)} for the team: {names}")
    _rules(config, report)
    for state, message in await _database(database_path(config, db_path), timeout_s):
        report("db", state, message)

    creds = resolve(config, env, state_dir)
    own_client = client is None
    http = client or make_client(timeout=timeout_s, connect_timeout=timeout_s)
    try:
        lines = _source_lines(config, creds, http, env, state_dir, path, report)
        lines += _account_lines(config, creds, env, report)
        lines += _webhook_lines(config, creds, report)
        probes = list(dict.fromkeys(line.probe for line in lines))
        outcomes = await asyncio.gather(
            *(_run(http, probe, timeout_s, creds.secrets) for probe in probes)
        )
    finally:
        if own_client:
            await http.aclose()
    found = dict(zip(probes, outcomes, strict=True))
    for line in lines:
        outcome = found[line.probe]
        note = line.note if outcome.state == OK and line.note else ""
        report(line.area, outcome.state, f"{line.label}  {outcome.text}{note}")
    return result


def _watch(config: Config, path: Path, report: Report) -> None:
    sources = [s for s in config.sources.values() if s.enabled]
    if config.watch_terms:
        report("watch", OK, f"terms: {sanitize.for_message(config.watch_terms, 120)}")
    elif not (sources and all(s.terms for s in sources)):  # not every source has its own
        report("watch", WARN, f"no [watch] terms yet: set them in {path}")
    for competitor in config.competitors:
        shown = sanitize.for_message(f"{competitor.name}: {competitor.terms}", 120)
        report("watch", OK, f"competitor {shown}")


def _rules(config: Config, report: Report) -> None:
    if config.rules:
        names = ", ".join(rule.name for rule in config.rules)
        report("rules", OK, f"{len(config.rules)} in order: {names}")
    if config.auto_assign:
        cap = f", at most {config.assign_cap} open each" if config.assign_cap else ""
        report("rules", OK, f"auto-assign: new mentions round-robin among agents present{cap}")
