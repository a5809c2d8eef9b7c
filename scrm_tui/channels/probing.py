"""What `scrm doctor` asks of a network: one cheap request, and how to read the answer.

A network's record builds its probes (its `probe` hook); service/doctor/ makes the
requests, all at once, and turns a failed status into words the same way for all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.core.config import Config

OK, WARN, FAIL = "ok", "warn", "fail"

# (the probe, the answer's JSON object — or the response itself when `raw` —, the
# host, and "host answers (200, 120 ms)") -> (state, what to say)
Reader = Callable[["Probe", Any, str, str], tuple[str, str]]


@dataclass(frozen=True)
class Probe:
    """One cheap request (or, for a webhook, one TCP connection). Equal probes are
    made once; secrets ride in `headers`, `auth` and `form`, which are never shown."""

    service: str
    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    auth: tuple[str, str] | None = None
    form: tuple[tuple[str, str], ...] = ()
    hint: str = ""  # where the credentials come from, for a refusal
    follow: bool = False  # feeds move and carry no credentials; APIs must not redirect
    read: Reader | None = None  # None: a JSON object is all a 2xx must be
    raw: bool = False  # `read` gets the response, not JSON (a feed)
    connect: bool = False  # only connect: a webhook is never posted to by a check
    note: str = field(default="", compare=False)  # said after a success


@dataclass(frozen=True)
class ProbeContext:
    """What a network's probe may draw on (service/doctor/asking.py makes it)."""

    config: Config
    accounts: Mapping[str, Any]  # network -> the account this process posts with
    setting: Callable[[str, str], str | None]  # (section, key), read as secrets are
    hint: Callable[[str, str], str]  # (network, key) -> where a person sets it
