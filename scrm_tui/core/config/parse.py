"""parse_config: the TOML read, each table checked by its reader, unknown keys listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrm_tui.core.config.durations import _backfill, _claim_idle, _duration, _sla
from scrm_tui.core.config.lists import _domains, _keys, _phrases, _views
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import (
    MIN_DEMO_INTERVAL_S,
    MIN_SLA_S,
    NETWORK_KEYS,
    SECRET_KEYS,
    THEMES,
    VISIBILITIES,
    Config,
    ConfigError,
)
from scrm_tui.core.config.sources import _sources
from scrm_tui.core.config.store import _store_url
from scrm_tui.core.config.team import _agents, _day_start, _rules, _team_hours, _teams, _timezone
from scrm_tui.core.config.watching import _competitors, _watch_terms
from scrm_tui.core.config.weights import _advocacy, _priority
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS
from scrm_tui.core.priority import PriorityWeights

_SECTIONS: dict[str, set[str]] = {
    "": {
        "agent",
        "db",
        "inbox",
        "demo",
        "ui",
        "matching",
        "reply",
        "escalation",
        "teams",
        "team",
        "watch",
        "sources",
        "keys",
        "views",
        "rules",
        "priority",
        "advocacy",
        "sales",
        "store",
    },  # and every network's own table (parse_config adds them)
    "advocacy": {"levels", "half_life", "accounts"},
    "store": {"url"},
    "sales": {"intent", "questions", "utm_domains"},
    "priority": {*PriorityWeights.INPUTS, "recency", "value_half", "other_tier", "tiers"},
    "watch": {"terms", "backfill", "competitors"},
    "reply": {"done_on_send"},
    "escalation": {"sla"},
    "inbox": {"advance_on_done"},
    "demo": {"interval"},
    "ui": {"theme"},
    "matching": {"auto", "margin", "suggest"},
    "team": {
        "agents",
        "auto_assign",
        "cap",
        "timezone",
        "day_start",
        "claim_idle",
        "hours",
        "response_sla",
    },
}


def parse_config(text: str, source: str = "config") -> Config:
    """Check every value (a bad one is a ConfigError naming its line, key and what is
    allowed); settings scrm does not know are ignored and listed in `warnings`."""
    import tomllib  # only when there is a file to read: keeps start-up lean

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: {error}") from None
    file = _File(text, source)

    sections = dict(_SECTIONS)
    sections[""] = sections[""] | set(NETWORK_KEYS)
    for network, keys in NETWORK_KEYS.items():
        sections[network] = keys | {f"{key}_env" for key in keys & SECRET_KEYS}
    for section, allowed in sections.items():
        table: Any = data.get(section, {}) if section else data
        if not isinstance(table, dict):
            raise ConfigError(f"{file.where(section)}: [{section}] must be a table")
        for key in table:
            if key not in allowed:
                name = f"{section}.{key}" if section else key
                where = file.where(key, section)
                if section == "" and isinstance(table[key], dict):
                    where = file.at_header(key)  # a whole [table] scrm does not know
                file.unknown(where, name, allowed - set(sections) if not section else allowed)

    def get(section: str, key: str, kind: type | tuple[type, ...]) -> Any:
        table = data.get(section, {}) if section else data
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            name = f"{section}.{key}" if section else key
            raise ConfigError(f"{file.where(key, section)}: '{name}' has the wrong type")
        return value

    config = Config()
    agent = get("", "agent", str)
    db = get("", "db", str)
    advance = get("inbox", "advance_on_done", bool)
    interval = get("demo", "interval", list)
    theme = get("ui", "theme", str)
    if theme is not None and theme not in THEMES:
        raise ConfigError(
            f"{file.where('theme', 'ui')}: 'ui.theme' is {theme!r}, not a theme scrm has "
            f"(known: {', '.join(THEMES)})"
        )
    limits: dict[str, float] = {}
    for key, default in (
        ("auto", config.match_auto),
        ("margin", config.match_margin),
        ("suggest", config.match_suggest),
    ):
        value = get("matching", key, (int, float))
        if value is not None and not 0 <= value <= 100:
            raise ConfigError(
                f"{file.where(key, 'matching')}: 'matching.{key}' is {value}; it must be "
                "between 0 and 100"
            )
        limits[key] = default if value is None else float(value)
    if limits["suggest"] > limits["auto"]:
        raise ConfigError(
            f"{file.where('suggest', 'matching')}: 'matching.suggest' must not exceed "
            "'matching.auto'"
        )
    if interval is not None and (
        len(interval) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in interval)
        or not MIN_DEMO_INTERVAL_S <= interval[0] <= interval[1]
    ):
        raise ConfigError(
            f"{file.where('interval', 'demo')}: 'demo.interval' is {interval}; it must be "
            f"[shortest, longest] seconds, {MIN_DEMO_INTERVAL_S:g} <= shortest <= longest"
        )
    done_on_send = get("reply", "done_on_send", bool)
    auto_assign = get("team", "auto_assign", bool)
    cap = get("team", "cap", int)
    if cap is not None and cap < 1:
        raise ConfigError(
            f"{file.where('cap', 'team')}: 'team.cap' is {cap}; it must be 1 or more "
            "(open mentions an agent may hold before round-robin passes them over)"
        )
    networks: dict[str, dict[str, Any]] = {}
    for network in NETWORK_KEYS:
        table = data.get(network)
        if table:
            for key, value in table.items():
                if key not in sections[network]:
                    continue  # told above
                if key in ("char_limit", "url_length"):
                    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                        raise ConfigError(
                            f"{file.where(key, network)}: '{network}.{key}' must be a "
                            "positive whole number"
                        )
                elif not isinstance(value, str):
                    raise ConfigError(
                        f"{file.where(key, network)}: '{network}.{key}' must be a string"
                    )
            visibility = table.get("visibility")
            if visibility is not None and visibility not in VISIBILITIES:
                raise ConfigError(
                    f"{file.where('visibility', network)}: 'mastodon.visibility' must be one "
                    f"of {', '.join(VISIBILITIES)}"
                )
            networks[network] = {k: v for k, v in table.items() if k in sections[network]}
    teams = _teams(data.get("teams", {}), file)
    agents = _agents(get("team", "agents", object), file)
    return Config(
        agent=agent.strip() or None if agent is not None else None,
        db=Path(db).expanduser() if db else None,
        store_url=_store_url(data.get("store", {}).get("url"), bool(db), file),
        advance_on_done=config.advance_on_done if advance is None else advance,
        demo_interval=(float(interval[0]), float(interval[1]))
        if interval
        else config.demo_interval,
        theme=theme,
        match_auto=limits["auto"],
        match_margin=limits["margin"],
        match_suggest=limits["suggest"],
        done_on_reply=True if done_on_send is None else done_on_send,
        networks=networks,
        teams=teams,
        sla_s=_sla(data.get("escalation", {}).get("sla"), file),
        watch_terms=_watch_terms(get("watch", "terms", str), file),
        competitors=_competitors(data.get("watch", {}).get("competitors"), file),
        backfill_s=_backfill(get("watch", "backfill", str), file),
        sources=_sources(data.get("sources", {}), file),
        priority=_priority(data.get("priority"), file),
        timezone=_timezone(get("team", "timezone", str), file),
        day_start=_day_start(get("team", "day_start", int), file),
        team_agents=agents,
        auto_assign=bool(auto_assign),
        assign_cap=cap,
        rules=_rules(data.get("rules"), file, agents, [team.name for team in teams]),
        keys=_keys(data.get("keys", {}), file),
        views=_views(data.get("views", {}), file),
        claim_idle_s=_claim_idle(get("team", "claim_idle", (str, int, float)), file),
        sales_intent=_phrases("intent", get("sales", "intent", list), DEFAULT_INTENT, file),
        sales_questions=_phrases(
            "questions", get("sales", "questions", list), DEFAULT_QUESTIONS, file
        ),
        utm_domains=_domains(get("sales", "utm_domains", list), file),
        team_hours=_team_hours(get("team", "hours", str), file),
        response_sla_s=_duration(
            get("team", "response_sla", (str, int, float)) or "4h",
            "team.response_sla",
            file.where("response_sla", "team"),
            '"30m", "4h" or "1d"',
            MIN_SLA_S,
        ),
        advocacy=_advocacy(data.get("advocacy", {}), file),
        source=source,
        warnings=tuple(file.warnings),
    )
