"""Inbox rules (`[[rules]]`): a filter and what to do to each new mention it matches."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from scrm_tui.core import sanitize
from scrm_tui.core.models import PRIORITIES
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.core.tags import TagError, check_tags

ROUND_ROBIN = "round-robin"  # assign = "round-robin": in turn among the agents present
MAX_NAME = 40  # a rule's name is its actor in the history: `rule:billing`
ACTIONS = ("tag", "assign", "done", "snooze", "escalate", "priority")
KEYS = ("name", "filter", *ACTIONS)
ESCALATE_KEYS = ("team", "priority", "note")
DEFAULT_ESCALATION = "P3"
_RAISE = re.compile(r"\+\s*([0-9]{1,3})")


class RuleError(ValueError):
    """A rule that cannot be used; `key` is the setting at fault (None: the whole rule)."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Escalation:
    """`escalate = {team = "billing", priority = "P2", note = "..."}`."""

    team: str
    priority: str = DEFAULT_ESCALATION
    note: str = ""


@dataclass(frozen=True)
class Rule:
    """One checked `[[rules]]` table. Actions only ever add: a rule tags, assigns what
    nobody has, closes, snoozes, escalates or raises; it never takes anything away."""

    name: str
    filter: str
    query: Query
    tags: tuple[str, ...] = ()
    assign: str | None = None  # an agent, or ROUND_ROBIN
    done: bool = False
    snooze_s: float | None = None
    snooze: str = ""  # as written ("2h"), for the history
    escalate: Escalation | None = None
    raise_by: int = 0  # priority points added (the result is capped at 100)

    @property
    def actor(self) -> str:
        """Who the history says did what this rule does."""
        return f"rule:{self.name}"

    def describe(self) -> str:
        """What it does, in a line: `tag billing, assign round-robin, raise priority +20`."""
        parts = []
        if self.tags:
            parts.append("tag " + " ".join(self.tags))
        if self.assign:
            parts.append(f"assign {self.assign}")
        if self.raise_by:
            parts.append(f"raise priority +{self.raise_by}")
        if self.escalate:
            parts.append(f"escalate to {self.escalate.team} ({self.escalate.priority})")
        if self.done:
            parts.append("mark done")
        if self.snooze_s is not None:
            parts.append(f"snooze {self.snooze}")
        return ", ".join(parts)


def parse_rule(
    table: object,
    number: int,
    *,
    agents: Collection[str],
    teams: Collection[str],
    durations: Callable[[str], float],
) -> Rule:
    """Check one `[[rules]]` table (the `number`th, from 1). `agents` and `teams` are
    those of the config; `durations` parses "2h" into seconds (ValueError if it cannot).
    A mistake is a RuleError naming the rule and the key."""
    if not isinstance(table, Mapping):
        raise RuleError(f"rule {number} must be a table ([[rules]] with name = ..., filter = ...)")
    name = _name(table.get("name"), number)
    said = f"rule '{name}'"
    for key in table:
        if key not in KEYS:
            raise RuleError(
                f"{said}: unknown key '{sanitize.for_message(str(key))}' "
                f"(known: {', '.join(KEYS)})",
                str(key),
            )
    source = table.get("filter")
    if not isinstance(source, str):
        raise RuleError(
            f'{said} needs filter = "..." (the filter language of `/`; "" for every mention)',
            "filter" if "filter" in table else None,
        )
    try:
        query = parse(source)
    except QueryError as error:
        # The filter language of i11-filter says where the mistake is; say it too.
        position = getattr(error, "position", None)
        at = f" at column {position + 1}" if isinstance(position, int) else ""
        raise RuleError(
            f"{said}: filter {sanitize.for_message(source, 60)!r}{at}: {error}", "filter"
        ) from None
    if not any(key in table for key in ACTIONS):
        raise RuleError(f"{said} does nothing: give it one of {', '.join(ACTIONS)}")
    snooze = table.get("snooze")
    return Rule(
        name=name,
        filter=source,
        query=query,
        tags=_tags(table.get("tag"), said),
        assign=_assign(table.get("assign"), said, agents),
        done=_done(table.get("done"), said),
        snooze_s=None if snooze is None else _snooze(snooze, said, durations),
        snooze=str(snooze or ""),
        escalate=_escalate(table.get("escalate"), said, teams),
        raise_by=_raise(table.get("priority"), said),
    )


def _shown(value: object) -> str:
    """A value from the file, quoted as Python would, inert for the terminal."""
    return repr(sanitize.for_message(value) if isinstance(value, str) else value)


def _name(name: object, number: int) -> str:
    if not isinstance(name, str) or not name.strip():
        raise RuleError(
            f'rule {number} needs a name, like name = "billing" (the history shows it as '
            "the actor: rule:billing)",
            "name" if name is not None else None,
        )
    name = name.strip()
    if any(unicodedata.category(char)[0] == "C" for char in name) or len(name) > MAX_NAME:
        raise RuleError(
            f"rule {number}: name {sanitize.for_message(name)!r} must be one line of at most "
            f"{MAX_NAME} characters",
            "name",
        )
    return name


def _tags(value: object, said: str) -> tuple[str, ...]:
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(t, str) for t in names):
        raise RuleError(f'{said}: tag must be a list of tags, like tag = ["billing"]', "tag")
    try:
        return check_tags(names)
    except TagError as error:
        raise RuleError(f"{said}: {error}", "tag") from None


def _assign(value: object, said: str, agents: Collection[str]) -> str | None:
    if value is None:
        return None
    if value == ROUND_ROBIN:
        return ROUND_ROBIN
    known = ", ".join(sorted(agents, key=str.casefold)) or "none yet"
    if not isinstance(value, str) or value not in agents:
        raise RuleError(
            f"{said}: assign = {_shown(value)} is not an agent of [team] agents "
            f'(known: {known}) nor "{ROUND_ROBIN}"',
            "assign",
        )
    return value


def _done(value: object, said: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RuleError(f"{said}: done must be true or false, not {value!r}", "done")
    return value


def _snooze(value: object, said: str, durations: Callable[[str], float]) -> float:
    try:
        seconds = float(durations(value)) if isinstance(value, str) else -1.0
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise RuleError(
            f'{said}: snooze must be a duration like "2h", "30m" or "1d", not {_shown(value)}',
            "snooze",
        )
    return seconds


def _escalate(value: object, said: str, teams: Collection[str]) -> Escalation | None:
    if value is None:
        return None
    example = 'escalate = {team = "billing", priority = "P2", note = "..."}'
    if not isinstance(value, Mapping):
        raise RuleError(f"{said}: escalate must be a table, like {example}", "escalate")
    for key in value:
        if key not in ESCALATE_KEYS:
            raise RuleError(
                f"{said}: escalate has unknown key '{sanitize.for_message(str(key))}' "
                f"(known: {', '.join(ESCALATE_KEYS)})",
                "escalate",
            )
    team = value.get("team")
    if not isinstance(team, str) or team not in teams:
        known = ", ".join(teams) or "none: add [teams.<name>]"
        shown = _shown(team) if team is not None else "(none given)"
        raise RuleError(f"{said}: escalate team {shown} is not a team (teams: {known})", "escalate")
    priority = value.get("priority", DEFAULT_ESCALATION)
    if priority not in PRIORITIES:
        raise RuleError(
            f"{said}: escalate priority must be one of {', '.join(PRIORITIES)}, "
            f"not {_shown(priority)}",
            "escalate",
        )
    note = value.get("note", "")
    if not isinstance(note, str):
        raise RuleError(f"{said}: escalate note must be a string", "escalate")
    return Escalation(team, str(priority), note.strip())


def _raise(value: object, said: str) -> int:
    if value is None:
        return 0
    found = _RAISE.fullmatch(value.strip()) if isinstance(value, str) else None
    points = int(found.group(1)) if found else 0
    if not 1 <= points <= 100:
        raise RuleError(
            f'{said}: priority must be a raise from "+1" to "+100", like priority = "+20", '
            f"not {_shown(value)}",
            "priority",
        )
    return points
