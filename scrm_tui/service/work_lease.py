"""One process at a time for resumable background work (a re-match, a re-score)."""

from __future__ import annotations

from scrm_tui.service.processes import gone_here, process_id
from scrm_tui.store.lease import LeaseStore


async def take_work(leases: LeaseStore, name: str, now_ms: int, ttl_ms: int) -> str | None:
    """This process's holder id once it holds lease `name`, taken over from a holder on
    this host whose process is gone; None while another live process holds it."""
    me = process_id()
    holder = await leases.holder(name)
    dead = holder.holder if holder is not None and gone_here(holder.holder) else None
    if not await leases.acquire(name, me, now_ms, ttl_ms, steal_from=dead):
        return None
    return me
