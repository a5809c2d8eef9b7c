"""The inbox taking in what changed: other processes' commits (the app's tick found
them), snoozes that came due, and the header's counts after a change."""

from __future__ import annotations

from textual import work

from scrm_tui.service.snooze import WOKE
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.screens.inbox_part import InboxPart


class LiveChanges(InboxPart):
    """Part of the inbox screen: one look at a time at what changed."""

    def check_changes(self, force: bool = False, *, looked: bool = False) -> None:
        """Take in what changed (`force`: something did; else only a snooze that came
        due); one look at a time: a burst of notices makes one more. `looked`: the
        app's tick has just read the change mark with the header's counts and the
        snoozes' clock (Inbox.pulse), so they need no read of their own."""
        if not self._ready:
            # Before the first page is up: taken in as soon as it is (the tick that
            # found it will not find it again).
            self._missed |= force
            return
        if self._polling:
            self._look_again |= force
            self._look_fresh = self._look_fresh and looked
            return
        self._polling = True
        self._poll(force, looked)

    @work(group="poll", exit_on_error=False)
    async def _poll(self, force: bool, looked: bool = False) -> None:
        try:
            # The app's tick read the change mark: `force` is what it found (or a
            # commit of this process's own).
            outside = force
            pulse = self.inbox.pulse
            wake = pulse.next_wake
            if wake is not None and wake <= self.inbox.now_ms():
                # A snooze came due: every open inbox tries to wake it, the first to
                # get the write lock does, and every inbox sees that commit.
                outside |= bool(await self.inbox.snoozes.wake_due())
                looked = False  # what it woke is not in the app's last look
            if not outside:
                return
            if self.view_bar.views or not looked or pulse.views_seq != self._views_seq:
                # On a connection of its own: nothing here waits. (No views: only a
                # view saved can give the bar one.)
                self.view_bar.recount()
            self._views_seq = pulse.views_seq if looked else -1
            mention_list = self.mention_list
            window = mention_list.window
            if window is None:
                return
            # Read first, then show: the rows on screen as stored now (someone, here or
            # elsewhere, may have changed them), what arrived, and the header's counts
            # go out together, in one frame.
            placed = self._placed(window)
            fresh = await self.inbox.rows(list(placed)) if placed else []
            if not looked:
                await mention_list.take_arrivals()  # up to the newest there is now
            elif (newest := pulse.mark[0] or 0) != window.mark:
                # However much arrived, this reads what the screen shows, not all of
                # it: up to the newest in the app's look (what came since, the next).
                await mention_list.take_arrivals(newest)
            if window is not mention_list.window:
                return
            changed = window.replace(fresh)
            mention_list.refresh_rows(changed)
            changed_ids = {row.id for i in changed if (row := window.get(i))}
            self._count_changes(looked)
            if any(window.key(row) != placed[row.id] for row in fresh):
                # Priorities changed (an author linked, a tier): rows moved.
                await mention_list.resync([])
            if window is mention_list.window and (
                not looked or pulse.snooze_seq > self._last_change
            ):
                await self._take_snoozes(window)
            if self.detail.mention_id in changed_ids:
                self.load_detail(self.detail.mention_id)
            # (The sources' line is not read here: what a collector records of its
            # polls wakes no inbox; the line keeps its own clock, see tick.)
        finally:
            self._polling = False
            if self._look_again:
                self._look_again, was_fresh, self._look_fresh = False, self._look_fresh, True
                self.check_changes(force=True, looked=was_fresh)

    def _placed(self, window: StreamWindow) -> dict[int, object]:
        """The rows on screen: their ids and where they sort."""
        top = round(self.mention_list.scroll_offset.y)
        return {
            row.id: window.key(row)
            for index in range(top, top + self.mention_list.size.height + 1)
            if (row := window.get(index)) is not None
        }

    def _count_changes(self, looked: bool) -> None:
        """The header's counts after a change: from the app's look when it has just
        been taken (Inbox.pulse), else read."""
        if self._bulk_running:
            pass  # the top line shows its batches' count (these once it ends)
        elif looked:
            pulse = self.inbox.pulse
            self.total, self.unread, self.not_sent = pulse.listed, pulse.unread, pulse.not_sent
        else:
            self.load_stats()
        self.update_status()

    async def _take_snoozes(self, window: StreamWindow) -> None:
        """Mentions snoozed or woken since the last look (by anyone) left the list or
        came back into it: read it again around the selection."""
        changes = await self.inbox.snoozes.changes_after(self._last_change)
        if not changes:
            return
        self._last_change = changes[-1].event_id
        woke = list(dict.fromkeys(c.mention_id for c in changes if c.kind == WOKE))
        came = await self.inbox.listed_among(window.query, woke, window.mark) if woke else []
        await self.mention_list.resync(came)
        self.load_stats()
