"""The inbox's change feed: whether a commit it shows landed, and a watch on the database."""

from __future__ import annotations

from collections.abc import Callable

from scrm_tui.service.inbox.reads import InboxReads
from scrm_tui.store import live
from scrm_tui.store.commit_watch import Watch


class InboxChanges(InboxReads):
    """What changed since the last look, by this process or another."""

    async def notice_changes(self) -> None:
        """From now on has_changed() reports every commit (the first call of has_changed
        only learns where the file is, so what was committed before it goes unseen)."""
        if self._mark is None:
            self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
            self._mark = self.pulse.mark

    async def has_changed(self) -> bool:
        """True when a commit this inbox shows (a mention stored, a change recorded,
        this agent's reads) landed since the last call, by this process or another.
        Costs one small read whatever the size, so it can be polled often; bookkeeping
        commits (heartbeats, lease renewals, progress) and other agents' reads are not
        changes here. The same read brings what the inbox keeps on screen and on its
        clock (`pulse`: the header's counts, the next snooze and send due, who holds
        claims), so a change costs no read of those."""
        self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
        while self.pulse.due_uncounted:
            woke = await self._wake_due_batch()
            self.pulse = await live.pulse(self.db, self.agent, self.now_ms())
            if not woke:  # another process is waking them: its commits wake this look
                break
        changed = self._mark is not None and self.pulse.mark != self._mark
        self._mark = self.pulse.mark
        return changed

    def watch_commits(
        self, on_change: Callable[[], object], every: float = 0.5, settle: float = 0.0
    ) -> Watch:
        """Call `on_change` (from a thread of its own) when has_changed() may be true:
        once now, then after each commit that moves the change mark, by any process,
        and when the database goes out of reach or comes back (the watch's `trouble`).
        An idle inbox then looks at nothing (store/commit_watch.py on SQLite, a LISTEN
        on PostgreSQL: store/pg/listen.py); close it when done. `settle`: seconds it
        polls first, while the inbox paints its first frame."""
        watch = self.db.commit_watch(self.agent, on_change, every=every, settle=settle)
        watch.start()
        return watch

    @property
    def claim_holders(self) -> list[str]:
        """Processes holding claims as of the last has_changed (Presence.any_gone)."""
        return self.pulse.holders
