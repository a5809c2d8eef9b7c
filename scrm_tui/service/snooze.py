"""Snoozing for the inbox: reading `2h` or `mon` in the agent's time zone, snoozing and
waking mentions, and the wake-up every open inbox commits when a snooze comes due."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrm_tui.core.snooze_time import SnoozeTimeError, describe, parse_until
from scrm_tui.store.db import Database
from scrm_tui.store.snooze import WOKE, Change, SnoozeStore

__all__ = ["WOKE", "Change", "SnoozeTimeError", "Snoozes", "Until", "local_zone"]


def local_zone(name: str | None = None) -> tzinfo:
    """The zone named in the config, else the system's (with its summer time rules,
    which a fixed offset from `time.localtime` would lose)."""
    if name:
        return ZoneInfo(name)  # checked when the config was read
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    if localtime.exists():
        try:
            with localtime.open("rb") as data:
                return ZoneInfo.from_file(data)
        except (OSError, ValueError):
            pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


@dataclass(frozen=True)
class Until:
    """A moment to snooze until, as typed and as understood."""

    ms: int
    shown: str  # `Mon 7 Dec 09:00 (in 3d 17h)`
    said: str  # for the history: `Mon 7 Dec 09:00 Europe/Berlin`


class Snoozes:
    """Snoozes for one agent, in their time zone."""

    def __init__(self, db: Database, agent: str, now_ms: Callable[[], int]):
        self.store = SnoozeStore(db)
        self.agent = agent
        self.now_ms = now_ms
        self.zone_name: str | None = None
        self._zone: tzinfo | None = None
        self.day_start = 9

    def configure(self, zone_name: str | None, day_start: int) -> None:
        self.zone_name = zone_name
        self._zone = None
        self.day_start = day_start

    async def load_zone(self) -> None:
        """Read the zone's rules from disk off the event loop (before they are needed)."""
        self._zone = await asyncio.to_thread(local_zone, self.zone_name)

    @property
    def zone(self) -> tzinfo:
        if self._zone is None:
            self._zone = local_zone(self.zone_name)
        return self._zone

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.now_ms() / 1000, self.zone)

    def read(self, text: str) -> Until:
        """What `text` means (`2h`, `tomorrow 9:00`, `mon`...); SnoozeTimeError says
        what is wrong and where."""
        now = self.now()
        moment = parse_until(text, now, day_start=self.day_start)
        zone = getattr(self.zone, "key", None) or moment.tzname() or ""
        return Until(
            ms=int(moment.timestamp() * 1000),
            shown=describe(moment, now),
            said=f"{moment:%Y-%m-%d %H:%M} {zone}".rstrip(),
        )

    async def snooze(self, ids: Sequence[int], until: Until) -> list[int]:
        return await self.store.snooze(ids, until.ms, self.agent, self.now_ms(), until.said)

    async def wake(self, ids: Sequence[int]) -> list[int]:
        """Back now, before they are due (unread for everyone, as when they come due)."""
        return await self.store.wake(ids, self.agent, self.now_ms())

    async def wake_due(self, limit: int = -1) -> list[int]:
        return await self.store.wake_due(self.now_ms(), limit)

    async def next_due(self) -> int | None:
        return await self.store.next_due()

    async def last_change(self) -> int:
        return await self.store.last_change()

    async def changes_after(self, event_id: int) -> list[Change]:
        return await self.store.changes_after(event_id)

    def when(self, until_ms: int) -> str:
        """`Mon 7 Dec 09:00 (in 3d 17h)` for a stored snooze."""
        return describe(datetime.fromtimestamp(until_ms / 1000, self.zone), self.now())
