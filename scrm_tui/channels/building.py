"""What a network's source builder draws on, and the wrappers every network shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from scrm_tui.core.config import Config, SourceConfig
from scrm_tui.core.listening import Page
from scrm_tui.core.watch import Watch


class Source(Protocol):
    async def fetch(self, cursor: str | None, since_ms: int) -> Page: ...


# A built source: its unique name ("mastodon:#kestrel") and the object to poll.
Built = tuple[str, Source]


class Unavailable(Exception):
    """A source cannot run with this configuration; the message says what to set."""


@dataclass(frozen=True)
class BuildContext:
    """What every source builder may draw on (service/listen.py makes it)."""

    config: Config
    client: Any
    env: Mapping[str, str]
    state_dir: Path | None
    clock: Callable[[], float]
    accounts: Mapping[str, Any]  # network -> the account this process posts with
    why_not: Callable[[str], str | None]  # why a network has no account
    setting: Callable[[str, str], str | None]  # (section, key), read as secrets are


def search_terms(watch: Watch, kinds: tuple[str, ...] = ("word", "tag", "handle")) -> list[str]:
    """The terms as an API's search box takes them (words and phrases as written)."""
    return [str(t) if t.kind == "word" else t.text for t in watch.terms if t.kind in kinds]


class Searched:
    """A network search asked for one term (or the terms ORed): what it finds is kept
    unless its text shows the whole watch expression rejects it (NOT, AND)."""

    def __init__(self, source: Source, watch: Watch):
        self._source = source
        self._watch = watch

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        page = await self._source.fetch(cursor, since_ms)
        kept = tuple(
            replace(m, matched=self._watch.match(m.text) or m.matched)
            for m in page.mentions
            if not self._watch.rejects(m.text)
        )
        return replace(page, mentions=kept)


SourceBuilder = Callable[[SourceConfig, Watch, BuildContext], list[Built]]
