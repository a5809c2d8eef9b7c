"""This process at work: its presence and heartbeat, the claims it holds while a form is
open, and the sweep that frees what dead processes held.

Every heartbeat is a commit, though one that wakes no open terminal (it changes nothing
they show): presence beats rarely, claims (which must stay within CLAIM_TTL_MS) a
little more often, and both go in one commit. The sweep that looks for dead holders
only reads, and writes only when it found one (a claim dropped: that wakes them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from scrm_tui.core.team import CLAIM_TTL_MS, Claim
from scrm_tui.service.processes import on_this_host, session_gone, session_id
from scrm_tui.store.claims import ClaimStore
from scrm_tui.store.db import Database, StoreError
from scrm_tui.store.presence import PresenceStore

PRESENCE_BEAT_MS = 15_000
PRESENCE_TTL_MS = 3 * PRESENCE_BEAT_MS  # present: a beat this fresh (two may be missed)
CLAIM_BEAT_MS = CLAIM_TTL_MS // 3  # a claim outlives two missed beats
DEFAULT_IDLE_S = 600.0  # [team] claim_idle: a form left this long stops claiming


def present_among(rows: Iterable[tuple[str, str]]) -> list[str]:
    """The agents of (holder, agent) presence rows whose process is not known gone."""
    return sorted({agent for holder, agent in rows if not session_gone(holder)})


@dataclass
class Held:
    """A claim this process holds: what for, and when its form last saw a key."""

    kind: str
    touched_ms: int


class Presence:
    """One process's presence and claims, as `agent`."""

    def __init__(
        self,
        db: Database,
        agent: str,
        now_ms: Callable[[], int],
        *,
        idle_s: float = DEFAULT_IDLE_S,
        holder: str | None = None,
    ) -> None:
        self.store = PresenceStore(db)
        self.claims = ClaimStore(db)
        self.agent = agent
        self.now_ms = now_ms
        self.idle_s = idle_s
        self.holder = holder or session_id()
        self.held: dict[int, Held] = {}
        self.started = False
        self.left = False
        self._beat_ms: int | None = None
        self._holders_seen: list[str] = []  # see _others_here
        self._here: list[str] = []

    # ---------------------------------------------------------------- presence

    async def start(self) -> None:
        """Register this process (and the agent, among those known)."""
        now = self.now_ms()
        await self.store.register(self.holder, self.agent, now)
        self._beat_ms = now
        self.started = True

    def due(self) -> bool:
        """Whether tick has anything to do now, known without reading the database:
        not registered yet, a claim whose form went idle, or a heartbeat due (the sweep
        goes with it)."""
        due = self.next_due_ms()
        return due is not None and due <= self.now_ms()

    def next_due_ms(self) -> int | None:
        """When tick next has something to do (ms; None: never, this process has left),
        so that the app's clock sleeps until then rather than asking every so often."""
        if self.left:
            return None
        if not self.started or self._beat_ms is None:
            return self.now_ms()
        idle_ms = int(self.idle_s * 1000)
        beat = self._beat_ms + (CLAIM_BEAT_MS if self.held else PRESENCE_BEAT_MS)
        return min([beat, *(held.touched_ms + idle_ms for held in self.held.values())])

    def any_gone(self, holders: Sequence[str]) -> bool:
        """One of these claim holders (Inbox.claim_holders) is a process here that has
        ended: its claims are to be swept now, not at the next heartbeat."""
        return any(session_gone(holder) for holder in self._others_here(holders))

    def any_here(self, holders: Sequence[str]) -> bool:
        """One of these claim holders is another process on this host, whose end
        any_gone can see (elsewhere, a holder's claims run out with its heartbeat)."""
        return bool(self._others_here(holders))

    def _others_here(self, holders: Sequence[str]) -> list[str]:
        """The holders that are other processes on this host, sorted out again only
        when the holders change: the app's clock asks on every commit, and a team's
        holders on other hosts (hundreds) would each cost a look at the host's name."""
        if holders != self._holders_seen:
            self._holders_seen = list(holders)
            self._here = [h for h in holders if h != self.holder and on_this_host(h)]
        return self._here

    async def tick(self) -> list[int]:
        """Called when due() or any_gone(): register on the first call (or until a busy
        database lets it), release claims whose form has been idle too long (returned,
        so their form can say so), beat when due, and free what processes that are gone
        held."""
        if self.left:
            return []
        if not self.started:
            await self.start()
        now = self.now_ms()
        lapsed = [
            mention_id
            for mention_id, held in self.held.items()
            if now - held.touched_ms >= self.idle_s * 1000
        ]
        if lapsed:
            await self.release(lapsed)
        due = CLAIM_BEAT_MS if self.held else PRESENCE_BEAT_MS
        if self._beat_ms is None or now - self._beat_ms >= due:
            await self.store.beat(self.holder, self.agent, now, sorted(self.held))
            self._beat_ms = now
        await self.sweep(now)
        return lapsed

    async def sweep(self, now_ms: int) -> list[str]:
        """Forget holders that are gone: on this host the moment their process ends
        (kill -9 included), elsewhere once their heartbeat is older than the TTL."""
        dead = [
            holder
            for holder, beat_ms in await self.store.holders()
            if holder != self.holder
            and (session_gone(holder) or beat_ms < now_ms - PRESENCE_TTL_MS)
        ]
        await self.store.drop(dead)
        return dead

    async def leave(self) -> None:
        """A clean exit: presence and claims end now (a database that refuses is left
        to the sweep of the others)."""
        was_here = self.started or bool(self.held)
        self.left = True
        self.started = False
        self.held.clear()
        if not was_here:
            return
        with contextlib.suppress(StoreError):
            await self.store.leave(self.holder, self.agent, self.now_ms())

    async def present_agents(self) -> list[str]:
        """Agents with scrm open now (a fresh heartbeat, from a process not known dead)."""
        return present_among(await self.store.present(self.now_ms() - PRESENCE_TTL_MS))

    async def known_agents(self, configured: Iterable[str] = ()) -> list[str]:
        """Every agent who has opened scrm on this database, and those configured."""
        return sorted({*await self.store.agents(), *configured})

    # ---------------------------------------------------------------- claims

    async def claim(self, mention_ids: Sequence[int], kind: str) -> list[Claim]:
        """Claim these mentions while a form is open; returns the live claims of other
        agents on them (the caller asks whether to go on)."""
        others = await self.claims.claim(mention_ids, self.agent, self.holder, kind, self.now_ms())
        now = self.now_ms()
        for mention_id in mention_ids:
            self.held[mention_id] = Held(kind, now)
        return others

    def touch(self, mention_ids: Iterable[int]) -> bool:
        """A key was pressed in the form: its claims are not idle. False when they had
        lapsed already (the form claims them again)."""
        now = self.now_ms()
        found = False
        for mention_id in mention_ids:
            held = self.held.get(mention_id)
            if held is not None:
                held.touched_ms = now
                found = True
        return found

    async def release(self, mention_ids: Iterable[int]) -> None:
        ids = [mention_id for mention_id in mention_ids if self.held.pop(mention_id, None)]
        if ids:
            await self.claims.release(ids, self.agent, self.holder)

    async def went_on(self, mention_ids: Sequence[int], others: Sequence[Claim]) -> None:
        """Recorded: this agent answers although others had claimed these."""
        await self.claims.went_on(mention_ids, self.agent, others, self.now_ms())

    async def others(self, mention_ids: Sequence[int]) -> list[Claim]:
        return await self.claims.others(mention_ids, self.agent, self.now_ms())
