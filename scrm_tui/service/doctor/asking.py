"""What `scrm doctor` asks each source, account and webhook, and where a person sets a key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import httpx

from scrm_tui.channels.probing import FAIL, WARN, Probe, ProbeContext
from scrm_tui.core import networks, sanitize
from scrm_tui.core.config import SECRET_KEYS, Config
from scrm_tui.service.collector import SourceSpec
from scrm_tui.service.credentials import Credentials, lookup
from scrm_tui.service.doctor.findings import Report, _Line
from scrm_tui.service.listen import build_sources


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
