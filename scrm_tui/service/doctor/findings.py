"""What `scrm doctor` found: a Check a line, their Diagnosis, and the lines it asks about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scrm_tui.channels.probing import FAIL, OK, WARN, Probe

MARKS = {OK: "✓", WARN: "!", FAIL: "✗"}


# All the network checks run at once, so this is about how long the whole run waits.
TIMEOUT_S = 5.0


_MESSAGE_MAX = 400


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


Report = Callable[[str, str, str], None]
