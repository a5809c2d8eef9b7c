"""What an open inbox reads on its clock: whether anything it shows changed, and the figures it
keeps on screen, in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.store.db import Database
from scrm_tui.store.mentions import STATS, due_uncounted, listed_unread
from scrm_tui.store.snooze import SNOOZED, WOKE

# The change mark: what moves with every commit an inbox of :agent shows (also read by
# store/commit_watch.py, on a thread, to know when to wake the inbox).
MARK = """(SELECT max(id) FROM mentions),
           (SELECT seq FROM change_marks),
           (SELECT changes FROM read_changes WHERE agent = :agent)"""
# Each part an index lookup or a tiny table: a look costs the same at any size, and a
# commit nobody shows (a heartbeat, another agent's reads) moves none of the mark.
_PULSE = f"""
    SELECT {MARK},
           (SELECT group_concat(DISTINCT holder) FROM claims),
           (SELECT min(next_ms) FROM outbox WHERE state IN ('pending', 'sending')),
           (SELECT count(*) FROM outbox WHERE state = 'failed'),
           (SELECT min(snoozed_until_ms) FROM mentions WHERE snoozed_until_ms IS NOT NULL),
           (SELECT max(id) FROM interactions WHERE kind IN ('{SNOOZED}', '{WOKE}')),
           (SELECT max(id) FROM interactions WHERE kind = 'view'),
           {STATS},
           (SELECT max(since_ms) FROM claims)
"""


@dataclass(frozen=True)
class Pulse:
    """One look at the database by an open inbox of `agent`."""

    mark: tuple[object, ...]  # moves with every commit the inbox shows (Database.transaction)
    holders: list[str]  # processes that hold claims (a dead one is swept at once)
    outbox_due: int | None  # when the soonest reply or webhook to send is due (ms)
    not_sent: int  # outbox items that failed
    next_wake: int | None  # when the next snooze ends (ms)
    snooze_seq: int  # the newest snooze or wake-up recorded (0: none)
    views_seq: int  # the newest view saved or deleted by anyone (0: none)
    listed: int  # the header's counts (MentionStore.stats)
    unread: int
    newest_claim: int | None = None  # when the newest claim began (ms; None: no claims)
    due_uncounted: bool = False  # the counts are not true: too many snoozes to wake


async def pulse(db: Database, agent: str, now_ms: int) -> Pulse:
    # Read on the event loop's thread (Database.fetch_quick): each part is an index
    # lookup, and an inbox reads this on every commit that wakes it.
    [row] = await db.fetch_quick(_PULSE, {"agent": agent, "now": now_ms})
    listed, unread = listed_unread(row[9:15])
    return Pulse(
        mark=tuple(row[:3]),
        holders=str(row[3]).split(",") if row[3] else [],
        outbox_due=None if row[4] is None else int(row[4]),
        not_sent=int(row[5]),
        next_wake=None if row[6] is None else int(row[6]),
        snooze_seq=int(row[7] or 0),
        views_seq=int(row[8] or 0),
        listed=listed,
        unread=unread,
        newest_claim=None if row[15] is None else int(row[15]),
        due_uncounted=due_uncounted(row[9:15]),
    )
