"""`scrm init` and `scrm doctor`: write the example config, then check it, the database,
each source's host and each account's credentials, one plain line per check."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import re
import socket
import sqlite3
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from scrm_tui.channels.http import error_for, make_client, no_answer, send_request
from scrm_tui.channels.probing import FAIL, OK, WARN, Probe, ProbeContext
from scrm_tui.core import networks, sanitize
from scrm_tui.core.config import EXAMPLE, SECRET_KEYS, Config, ConfigError
from scrm_tui.core.locations import default_config, default_db
from scrm_tui.core.outgoing import (
    AuthError,
    SendError,
)
from scrm_tui.service.collector import SourceSpec
from scrm_tui.service.credentials import Credentials, lookup, resolve
from scrm_tui.service.listen import build_sources
from scrm_tui.service.settings import config_warnings, load_config
from scrm_tui.store.db import file_mode, peek
from scrm_tui.store.schema import LATEST_VERSION
from scrm_tui.store.turnstile import opened_to_read, turnstile_path

MARKS = {OK: "✓", WARN: "!", FAIL: "✗"}
# All the network checks run at once, so this is about how long the whole run waits.
TIMEOUT_S = 5.0
_MESSAGE_MAX = 400


# -- scrm init -------------------------------------------------------------------------


def write_example(path: Path, *, force: bool = False) -> None:
    """Write EXAMPLE to `path`, readable only by its owner (it will hold secrets).

    Without `force` an existing file is never touched (FileExistsError); with it the
    file is replaced through a temporary file, so a crash leaves the old one or the
    new one, never half of either.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = EXAMPLE.encode("utf-8")
    if not force:
        _write_new(path, data)
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_new(temp, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# -- scrm doctor -----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One finding: `area` (config, watch, rules, db, source, account, webhook), how it
    went, and a short message that is safe to print (no secret, no control character)."""

    area: str
    state: str
    message: str

    @property
    def line(self) -> str:
        return f"{self.area:7} {MARKS[self.state]} {self.message}"


@dataclass
class Diagnosis:
    checks: list[Check] = field(default_factory=list)
    unusable: bool = False
    """The configuration could not be read: nothing else was checked."""

    @property
    def exit_code(self) -> int:
        if self.unusable:
            return 2
        return 1 if any(check.state == FAIL for check in self.checks) else 0

    @property
    def summary(self) -> str:
        failed = sum(check.state == FAIL for check in self.checks)
        warned = sum(check.state == WARN for check in self.checks)
        if not failed and not warned:
            return "all good"
        parts = [f"{failed} problem{'s' * (failed != 1)}"] if failed else []
        parts += [f"{warned} warning{'s' * (warned != 1)}"] if warned else []
        return ", ".join(parts)


@dataclass(frozen=True)
class _Outcome:
    state: str
    text: str


@dataclass(frozen=True)
class _Line:
    area: str
    label: str
    probe: Probe
    note: str = ""  # said after a success


async def diagnose(
    config_path: Path | None,
    *,
    db_path: Path | None = None,
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
    if not path.exists():
        where = f" --config {path}" if config_path else ""
        report("config", FAIL, f"{path}: no such file; `scrm init{where}` writes an example")
        return result
    try:
        config = load_config(path)
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
    report("config", OK, str(path))
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
    for state, message in await _database(db_path or config.db or default_db()):
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


Report = Callable[[str, str, str], None]


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


async def _database(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if os.access(folder, os.W_OK | os.X_OK):
            return [(OK, f"{path} (will be created)")]
        return [(FAIL, f"{path} cannot be created: {folder} is not writable")]
    if path.is_dir():
        return [(FAIL, f"{path} is a directory, not a database")]
    try:
        version, mentions = await peek(path)
    except sqlite3.Error as error:
        return [(FAIL, f"{path} is not a usable scrm database ({error})")]
    if version > LATEST_VERSION:
        return [
            (
                FAIL,
                f"{path} has schema {version}, newer than this scrm understands "
                f"({LATEST_VERSION}): upgrade scrm",
            )
        ]
    if version == 0:
        found = [(OK, f"{path} (empty: set up when scrm first opens it)")]
    else:
        later = (
            f", upgraded to {LATEST_VERSION} when scrm next opens it"
            if version < LATEST_VERSION
            else ""
        )
        found = [(OK, f"{path} (schema {version}{later}, {mentions:,} mentions)")]
    warnings = _exposed_database(path) + _unqueued_writes(path)
    return found + [(WARN, warning) for warning in warnings]


def _unqueued_writes(path: Path) -> list[str]:
    """The writers' turnstile (store/turnstile.py) that this account cannot open: its
    writes would take SQLite's lock without queueing behind the other agents'."""
    turnstile = turnstile_path(path)
    if not turnstile.exists():
        return []
    fd = opened_to_read(turnstile)
    if fd is not None:
        os.close(fd)
        return []
    info = turnstile.stat()
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = f"uid {info.st_uid}"
    return [
        f"{turnstile} cannot be opened by this account ({stat.filemode(info.st_mode)}, "
        f"owner {owner}): its writes will not wait their turn behind the other agents'; "
        f"its owner can fix it: chmod {file_mode(path.resolve().parent):o} {turnstile}"
    ]


def _exposed_database(path: Path) -> list[str]:
    """The database (with its -wal and -shm), or its folder, readable by other users.

    scrm creates them as file_mode says, in a 0700 folder; an older scrm, a copy or a
    restore may not have. A team's folder (group-writable) may share the database with
    its group, never with everyone. A folder that is not yours, or shared like /tmp
    (sticky), is left out: its mode is not this database's to change.
    """
    warnings: list[str] = []
    folder = path.resolve().parent
    info = folder.stat()
    wanted = file_mode(folder)
    loose = [
        (file, mode)
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
        if file.exists() and (mode := file.stat().st_mode) & 0o777 & ~wanted
    ]
    if loose:
        names = " ".join(str(file) for file, _ in loose)
        warnings.append(
            f"{path} can be read by other users ({stat.filemode(loose[0][1])}), and it holds "
            f"customer data: chmod {wanted:o} {names}"
        )
    mine = info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX
    if mine and info.st_mode & stat.S_IRWXO:
        fix = "o-rwx" if wanted & stat.S_IRWXG else "700"
        warnings.append(
            f"{folder}, the database's folder, can be read by other users "
            f"({stat.filemode(info.st_mode)}): chmod {fix} {folder}"
        )
    return warnings


# -- what to ask -----------------------------------------------------------------------


def _source_lines(
    config: Config,
    creds: Credentials,
    client: httpx.AsyncClient,
    env: Mapping[str, str],
    state_dir: Path | None,
    path: Path,
    report: Report,
) -> list[_Line]:
    if not config.sources:
        report("source", WARN, f"no [sources.*] tables: uncomment one in {path} to listen")
        return []
    for name, source in config.sources.items():
        if not source.enabled:
            report("source", WARN, f"{name}  switched off (enabled = false)")
    try:
        specs, problems = build_sources(config, creds, client, env=env, state_dir=state_dir)
    except ValueError as error:  # a source refused its settings: say so, check the rest
        report("source", FAIL, f"cannot set up the sources: {error}")
        return []
    for name, why in problems.items():
        report("source", FAIL, f"{name}  cannot run: {_how_to_set(why)}")
    grouped: dict[Probe, list[str]] = {}
    ctx = _probe_context(config, creds, env)
    for spec in specs:
        probe = _source_probe(spec, ctx)
        if probe is not None:
            grouped.setdefault(probe, []).append(spec.name)
    return [_Line("source", _names(names), probe) for probe, names in grouped.items()]


def _source_probe(spec: SourceSpec, ctx: ProbeContext) -> Probe | None:
    """The request that shows `spec` can be polled, as its network's record asks it."""
    probe = networks.network(spec.channel).probe
    return probe(ctx, spec.name) if probe is not None else None


def _probe_context(config: Config, creds: Credentials, env: Mapping[str, str]) -> ProbeContext:
    return ProbeContext(
        config=config,
        accounts=creds.accounts,
        setting=partial(lookup, config, env=env),
        hint=partial(_hint, config),
    )


def _account_lines(
    config: Config, creds: Credentials, env: Mapping[str, str], report: Report
) -> list[_Line]:
    lines: list[_Line] = []
    ctx = _probe_context(config, creds, env)
    for net in networks.all_networks():
        if net.read_account is None:
            continue  # nothing to reply with there
        network = net.name
        if creds.accounts.get(network) is None:
            if network in config.networks:
                why = creds.missing.get(network, "incomplete")
                # A variable the config names but the environment lacks is a mistake;
                # a section without credentials may be there only to listen.
                state = FAIL if "is not set (named by" in why else WARN
                report("account", state, f"{network}  cannot reply: {why}")
            continue
        probe = net.probe(ctx, None) if net.probe is not None else None
        if probe is not None:
            lines.append(_Line("account", network, probe, probe.note))
    return lines


def _webhook_lines(config: Config, creds: Credentials, report: Report) -> list[_Line]:
    lines: list[_Line] = []
    for team in config.teams:
        for spec in team.webhooks:
            target = f"{team.name}/{spec.name}"
            problem = creds.hook_problems.get(target)
            hook = creds.hook(target)
            if problem or hook is None:
                report("webhook", FAIL, f"{target}  {problem or 'no url'}")
                continue
            # Never POST: a check must not page anyone. A connection shows the host is there.
            lines.append(_Line("webhook", target, Probe(target, hook.url, connect=True)))
    return lines


# -- asking ------------------------------------------------------------------------------


async def _run(
    client: httpx.AsyncClient, probe: Probe, timeout_s: float, secrets: set[str]
) -> _Outcome:
    host = _host(probe.url)
    started = time.monotonic()
    reached = _Reached()
    try:
        async with asyncio.timeout(timeout_s):
            if probe.connect:
                return await _connect(probe.url, host, started)
            response = await send_request(
                client,
                probe.method,
                probe.url,
                service=probe.service,
                headers=dict(probe.headers),
                params=dict(probe.params) or None,
                auth=probe.auth,
                data=dict(probe.form) or None,
                follow_redirects=probe.follow,
                extensions={"trace": reached.trace},
            )
    except TimeoutError:
        return _Outcome(FAIL, no_answer(host, f"{timeout_s:g} s", connected=reached.connected))
    except SendError as error:
        return _Outcome(FAIL, error.reason)
    ms = round((time.monotonic() - started) * 1000)
    return _judge(probe, response, host, ms, secrets)


class _Reached:
    """Whether a request got as far as a connection (httpx's documented `trace`
    extension reports each step), so a timeout can say which side of it it fell."""

    connected = False

    async def trace(self, event: str, info: Mapping[str, object]) -> None:
        if event == "connection.connect_tcp.complete" or event.endswith(
            "send_request_headers.started"  # http11 / http2, on a connection kept alive
        ):
            self.connected = True


def _judge(
    probe: Probe, response: httpx.Response, host: str, ms: int, secrets: set[str]
) -> _Outcome:
    status = response.status_code
    answers = f"{host} answers ({status}, {ms} ms)"
    if not 200 <= status < 300:
        error = error_for(response, probe.service, time.time(), secrets=secrets)
        reason = error.reason
        if status == 429 or "rate limit" in reason:
            return _Outcome(WARN, f"{host} answers, but is rate limiting: {reason}")
        # A proxy's page is no verdict on the token: pointing at it would mislead.
        if isinstance(error, AuthError) and probe.hint:
            return _Outcome(FAIL, f"{reason} — check {probe.hint}")
        return _Outcome(FAIL, reason)
    if probe.raw and probe.read is not None:
        return _Outcome(*probe.read(probe, response, host, answers))
    if response.content[:200].lstrip()[:1] == b"<":
        return _Outcome(
            FAIL, f"{host} answered with an HTML page instead of JSON ({status}): check the address"
        )
    try:
        data = json.loads(response.content)
    except ValueError:
        return _Outcome(FAIL, f"{host} answered {status}, but not with JSON: check the address")
    if not isinstance(data, dict):
        return _Outcome(FAIL, f"{host} answered {status} with something unexpected")
    if probe.read is not None:
        return _Outcome(*probe.read(probe, data, host, answers))
    return _Outcome(OK, answers)


async def _connect(url: str, host: str, started: float) -> _Outcome:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _Outcome(FAIL, "the url is not valid")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _Outcome(FAIL, "the url must start with https://")
    try:
        _, writer = await asyncio.open_connection(parts.hostname, port)
    except socket.gaierror:
        return _Outcome(FAIL, f"cannot connect to {host}: the name does not resolve")
    except ConnectionRefusedError:
        return _Outcome(FAIL, f"cannot connect to {host}: connection refused")
    except OSError as error:
        return _Outcome(FAIL, f"cannot connect to {host}: {error.strerror or 'network error'}")
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    ms = round((time.monotonic() - started) * 1000)
    return _Outcome(OK, f"{host} accepts connections ({ms} ms)")


# -- wording -----------------------------------------------------------------------------


def _host(url: str) -> str:
    """Where a request goes, without the path (a webhook's path is its secret)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "the configured address"
    if not host:
        return "the configured address"
    return f"{host}:{port}" if port else host


def _names(names: list[str]) -> str:
    shown = ", ".join(sanitize.for_message(n, 40) for n in names[:3])
    return shown + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")


def _hint(config: Config, network: str, key: str) -> str:
    """Where `key` of `network` comes from, as the person would change it."""
    table = config.networks.get(network, {})
    if f"{key}_env" in table:
        return f"${table[f'{key}_env']} (named by [{network}] {key}_env)"
    if key in table:
        return f"[{network}] {key} in the config"
    return f"${_env_name(network, key)} or [{network}] {key}_env"


def _env_name(network: str, key: str) -> str:
    return f"SCRM_{network.upper()}_{key.upper()}"


_SET = re.compile(r"set \[(\w+)\] (\w+)$")


def _how_to_set(why: str) -> str:
    """A secret is better given by a variable: say which, where a message names the key."""
    match = _SET.search(why)
    if match and match.group(2) in SECRET_KEYS:
        network, key = match.groups()
        return why[: match.start()] + f"set ${_env_name(network, key)} or [{network}] {key}_env"
    return why
