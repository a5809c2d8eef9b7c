"""Bulk actions and their undo on a real database file: batches that let other writers
in, a selection kept as its filter, stopping part-way, the journal surviving a
restart, and undo leaving alone what another agent changed since."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrm_tui.core.config import Config, HookSpec, Team
from scrm_tui.core.models import Status
from scrm_tui.core.outgoing import Webhook
from scrm_tui.core.query import parse
from scrm_tui.core.selection import Selection
from scrm_tui.core.tags import parse_edit
from scrm_tui.service.bulk import (
    AssignChange,
    ReadChange,
    SnoozeChange,
    StatusChange,
    TagChange,
)
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support import plain


async def stored(
    inbox: Inbox, count: int, text: str = "post number {n} about Kestrel"
) -> list[int]:
    result = await inbox.ingest(
        [
            mention(n, text.format(n=n), handle=f"user{n}@example.social")
            for n in range(1, count + 1)
        ]
    )
    return sorted(result.stored)


def query(
    target: str | Path, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    return plain.rows(target, sql, params)


def bulk_history(target: str | Path) -> list[tuple[str, str, dict[str, object]]]:
    rows = query(target, "SELECT summary, actor, detail FROM interactions WHERE kind = 'bulk'")
    return [(str(s), str(a), json.loads(str(d))) for s, a, d in rows]


@pytest.mark.both_engines
async def test_all_matching_is_kept_as_its_filter_and_written_500_at_a_time(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 1201)
    await stored_more(inbox)
    selection = await inbox.select_all(parse("kestrel"))
    assert (selection.count, selection.picked) == (1201, frozenset())  # counted, not read
    between: list[tuple[int, int]] = []

    def another_writer(done: int, total: int) -> None:
        # Another process takes the write lock between two batches, without waiting.
        plain.write_at_once(
            target, "INSERT INTO mention_reads VALUES (?, 'other', 0)", (ids[done - 1],)
        )
        between.append((done, total))

    outcome = await inbox.run_bulk(selection, AssignChange("dana"), another_writer)
    assert (outcome.changed, outcome.seen, outcome.stopped) == (1201, 1201, False)
    assert between == [(500, 1201), (1000, 1201), (1201, 1201)]
    assert query(
        target, "SELECT assignee, count(*) FROM mentions GROUP BY 1 ORDER BY 1 NULLS FIRST"
    ) == [
        (None, 2),  # the two that do not match the filter
        ("dana", 1201),
    ]
    # Each change in the mention's history, and the action itself once.
    assert query(target, "SELECT count(*) FROM interactions WHERE kind = 'assign'") == [(1201,)]
    assert bulk_history(target) == [
        (
            "assigned 1,201 mentions to dana",
            "tester",
            {"bulk": outcome.action_id, "kind": "assign", "count": 1201, "stopped": False},
        )
    ]


async def stored_more(inbox: Inbox) -> None:
    """Two mentions no 'kestrel' filter matches."""
    await inbox.ingest([mention(n, f"unrelated post {n}") for n in (5001, 5002)])


async def test_space_takes_mentions_out_of_all_matching_and_adds_others(inbox: Inbox) -> None:
    ids = await stored(inbox, 6)
    await stored_more(inbox)
    other = [row.id for row in await inbox.page_older(parse("unrelated"), None, 1)]
    everything = await inbox.select_all(parse("kestrel"))
    shown = parse("kestrel")
    selection = everything.toggled(ids[0], shown).toggled(ids[1], shown).toggled(other[0], None)
    assert selection.count == 6 - 2 + 1
    assert not selection.has(ids[0], shown) and selection.has(ids[2], shown)
    assert selection.has(other[0], parse("unrelated"))
    outcome = await inbox.run_bulk(selection, StatusChange(Status.DONE))
    assert outcome.changed == 5
    done = {row.id for row in await inbox.rows([*ids, *other]) if row.status is Status.DONE}
    assert done == {*ids[2:], other[0]}


async def test_a_mention_stored_after_all_matching_was_selected_is_not_in_it(
    inbox: Inbox,
) -> None:
    ids = await stored(inbox, 3)
    selection = await inbox.select_all(parse("kestrel"))
    later = await inbox.ingest([mention(99, "kestrel again")])
    assert (await inbox.run_bulk(selection, ReadChange(True))).changed == 3
    rows = {row.id: row.is_read for row in await inbox.rows([*ids, *later.stored])}
    assert rows == {**{i: True for i in ids}, later.stored[0]: False}


@pytest.mark.both_engines
async def test_stopping_part_way_keeps_what_was_written_and_says_how_much(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 1300)
    batches: list[int] = []
    outcome = await inbox.run_bulk(
        Selection.of(ids),
        StatusChange(Status.DONE),
        lambda done, total: batches.append(done),
        stop=lambda: len(batches) == 2,  # Esc while the second batch was written
    )
    assert (outcome.changed, outcome.seen, outcome.stopped) == (1000, 1000, True)
    assert query(target, "SELECT count(*) FROM mentions WHERE status = 'done'") == [(1000,)]
    assert query(target, "SELECT count, stopped, finished_ms IS NOT NULL FROM bulk_actions") == [
        (1000, 1, 1)
    ]
    assert bulk_history(target)[0][0] == "marked 1,000 mentions done (stopped part-way)"
    # Undo puts back exactly those.
    action = await inbox.last_action()
    assert action is not None and (action.count, action.stopped) == (1000, True)
    undone = await inbox.undo(action)
    assert (undone.undone, undone.skipped) == (1000, 0)
    assert query(target, "SELECT count(*) FROM mentions WHERE status = 'done'") == [(0,)]


@pytest.mark.both_engines
async def test_undo_puts_back_each_mentions_own_value_even_after_a_restart(
    target: str | Path,
) -> None:
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        ids = await stored(inbox, 1100)
        await inbox.assign(ids[:300], "lee")
        await inbox.run_bulk(Selection.of(ids), AssignChange("dana"))
        await inbox.set_read(ids[:10], True)
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        action = await inbox.last_action()
        assert action is not None
        assert (action.summary, action.count, action.left) == (
            "assigned 1,100 mentions to dana",
            1100,
            1100,
        )
        seen: list[tuple[int, int]] = []
        undone = await inbox.undo(action, lambda done, total: seen.append((done, total)))
        assert (undone.undone, undone.skipped, undone.stopped) == (1100, 0, False)
        assert seen == [(500, 1100), (1000, 1100), (1100, 1100)]
        rows = await inbox.rows(ids)
        assert sorted({(row.id in ids[:300], row.assignee) for row in rows}) == [
            (False, None),
            (True, "lee"),
        ]
        assert await inbox.last_action() is None  # nothing left to undo: U says so
    said = bulk_history(target)[-1]
    assert said[0] == "undid 'assigned 1,100 mentions to dana': 1,100 put back"
    assert query(target, "SELECT undone_ms IS NOT NULL, undo_skipped FROM bulk_actions") == [(1, 0)]
    # Each mention's history says it went back, as any reassignment does.
    assert query(
        target,
        "SELECT summary FROM interactions WHERE kind = 'assign' AND mention_id = ? ORDER BY id",
        (ids[0],),
    ) == [("assigned to lee",), ("assigned to dana (was lee)",), ("assigned to lee (was dana)",)]


@pytest.mark.both_engines
async def test_undo_leaves_alone_what_another_agent_changed_since_and_says_how_many(
    target: str | Path,
) -> None:
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        ids = await stored(inbox, 5)
        await inbox.run_bulk(Selection.of(ids), StatusChange(Status.DONE))
        await inbox.run_bulk(Selection.of(ids), AssignChange("tester"))
    async with await Inbox.open(target, "lee", fixed_clock) as lee:
        await lee.assign(ids[:1], "lee")  # another value now
        await lee.assign(ids[1:2], None)
        await lee.assign(ids[1:2], "tester")  # the same value again, but by lee
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        action = await inbox.last_action()
        assert action is not None and action.kind == "assign"
        undone = await inbox.undo(action)
        assert (undone.undone, undone.skipped) == (3, 2)
        assert [row.assignee for row in sorted(await inbox.rows(ids), key=lambda r: r.id)] == [
            "lee",
            "tester",
            None,
            None,
            None,
        ]
        assert bulk_history(target)[-1][0] == (
            "undid 'assigned 5 mentions to tester': 3 put back, "
            "2 changed since by someone else left as they are"
        )
        # U again: the action before it (walking back), done → open, read → unread.
        action = await inbox.last_action()
        assert action is not None and action.summary == "marked 5 mentions done"
        assert (await inbox.undo(action)).undone == 5
        rows = await inbox.rows(ids)
        assert {(row.status, row.is_read) for row in rows} == {(Status.OPEN, False)}


@pytest.mark.both_engines
async def test_undoing_a_later_action_first_lets_the_earlier_one_undo_all(
    inbox: Inbox,
) -> None:
    ids = await stored(inbox, 4)
    await inbox.run_bulk(Selection.of(ids), TagChange(("billing",), ()))
    await inbox.run_bulk(Selection.of(ids[:2]), TagChange(("vip",), ("billing",)))
    for _ in range(2):
        action = await inbox.last_action()
        assert action is not None
        assert (await inbox.undo(action)).skipped == 0
    assert {row.tags for row in await inbox.rows(ids)} == {()}


async def test_a_toggled_tag_goes_from_all_only_when_all_have_it(inbox: Inbox) -> None:
    ids = await stored(inbox, 4)
    await inbox.edit_tags(ids[:3], parse_edit("+vip"))
    selection = await inbox.select_all(parse("kestrel"))
    change = await inbox.bulk.tag_change(selection, parse_edit("vip"))
    assert (change.add, change.remove) == (("vip",), ())
    await inbox.run_bulk(selection, change)
    change = await inbox.bulk.tag_change(selection, parse_edit("vip"))
    assert (change.add, change.remove) == ((), ("vip",))
    assert await inbox.bulk.any_selected(selection, "open")
    assert not await inbox.bulk.any_selected(selection, "done")


def billing_team() -> Config:
    return Config(teams=(Team("billing", "Refunds", (HookSpec("slack", "slack", {}),)),))


async def test_one_escalation_names_every_selected_mention_and_tells_the_team_once(
    inbox: Inbox, target: str | Path
) -> None:
    slack = Webhook("slack", "slack", "https://hooks.invalid/x")
    inbox.configure(billing_team(), Credentials(hooks={"billing": [slack]}))
    ids = await stored(inbox, 700)
    selection = await inbox.select_all(parse("kestrel"))
    change = await inbox.escalation_of(selection, "billing", "P2", "refund wave")
    assert change is not None
    outcome = await inbox.run_bulk(selection, change)
    assert outcome.changed == 700
    [(escalation_id, mention_id, state)] = query(
        target, "SELECT id, mention_id, state FROM escalations"
    )
    assert state == "open"
    assert mention_id == ids[0]  # the newest is the one the team reads first
    assert query(target, "SELECT count(*) FROM escalation_mentions") == [(700,)]
    [listed] = await inbox.escalations.listing()
    assert listed.mentions == 700  # the queue and its detail say how many
    [(body,)] = query(target, "SELECT text FROM outbox WHERE kind = 'webhook'")
    assert json.loads(str(body))["mentions"] == 700
    summaries = query(target, "SELECT DISTINCT summary FROM interactions WHERE kind = 'escalation'")
    assert summaries == [
        (f"escalated to billing (P2) with 699 others as #{escalation_id}: refund wave",)
    ]
    # Undone: withdrawn (resolved), the team told, each mention's history says so.
    action = await inbox.last_action()
    assert action is not None
    undone = await inbox.undo(action)
    assert (undone.undone, undone.skipped) == (700, 0)
    assert query(target, "SELECT state, resolution FROM escalations") == [
        ("resolved", "withdrawn (undone)")
    ]
    bodies = [json.loads(str(b)) for (b,) in query(target, "SELECT text FROM outbox ORDER BY id")]
    assert [b["event"] for b in bodies] == ["opened", "resolved"]
    assert query(
        target,
        "SELECT count(*) FROM interactions "
        "WHERE kind = 'escalation' AND summary LIKE '%withdrawn%'",
    ) == [(700,)]


@pytest.mark.both_engines
async def test_an_escalation_the_team_took_up_is_not_withdrawn(
    inbox: Inbox, target: str | Path
) -> None:
    inbox.configure(billing_team())
    ids = await stored(inbox, 3)
    change = await inbox.escalation_of(Selection.of(ids), "billing", "P1", "")
    assert change is not None
    await inbox.run_bulk(Selection.of(ids), change)
    [(escalation_id,)] = query(target, "SELECT id FROM escalations")
    async with await Inbox.open(target, "lee", fixed_clock) as lee:
        await lee.escalations.acknowledge(int(str(escalation_id)))
    action = await inbox.last_action()
    assert action is not None
    undone = await inbox.undo(action)
    assert (undone.undone, undone.skipped) == (0, 3)
    assert query(target, "SELECT state FROM escalations") == [("acknowledged",)]


@pytest.mark.both_engines
@pytest.mark.parametrize("stop_after", [1, 2])
async def test_undo_stopped_part_way_goes_on_with_U_again(inbox: Inbox, stop_after: int) -> None:
    ids = await stored(inbox, 1200)
    await inbox.run_bulk(Selection.of(ids), ReadChange(True))
    action = await inbox.last_action()
    assert action is not None
    batches: list[int] = []
    first = await inbox.undo(
        action, lambda done, _: batches.append(done), lambda: len(batches) == stop_after
    )
    assert (first.undone, first.stopped) == (500 * stop_after, True)
    rest = await inbox.last_action()
    assert rest is not None and (rest.id, rest.left) == (action.id, 1200 - 500 * stop_after)
    second = await inbox.undo(rest)
    assert (second.undone, second.stopped) == (1200 - 500 * stop_after, False)
    assert not any(row.is_read for row in await inbox.rows(ids))


@pytest.mark.both_engines
async def test_the_last_ten_actions_of_an_agent_can_be_undone_older_ones_not(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 2)
    for n in range(12):
        await inbox.run_bulk(Selection.of(ids), AssignChange(f"agent{n}"))
    assert query(target, "SELECT count(DISTINCT action_id) FROM bulk_items") == [(10,)]
    undone = []
    while (action := await inbox.last_action()) is not None:
        await inbox.undo(action)
        undone.append(action.summary)
    assert undone == [f"assigned 2 mentions to agent{n}" for n in range(11, 1, -1)]
    assert {row.assignee for row in await inbox.rows(ids)} == {"agent1"}
    assert query(target, "SELECT count(*) FROM bulk_actions") == [(12,)]  # all still listed


async def test_recounting_a_selection_counts_what_its_filter_matches_now(inbox: Inbox) -> None:
    ids = await stored(inbox, 6)
    shown = parse("is:open")
    selection = (await inbox.select_all(shown)).toggled(ids[0], shown).toggled(ids[1], shown)
    assert selection.count == 4
    await inbox.set_status([ids[1], ids[2]], Status.DONE)  # one taken out, one still in
    assert (await inbox.bulk.recount(selection)).count == 6 - 2 - 1


@pytest.mark.both_engines
async def test_z_on_a_selection_snoozes_in_batches_and_undo_puts_each_back_as_it_was(
    target: str | Path,
) -> None:
    """Undone, a snooze leaves each mention as it was: awake with its reads untouched,
    or snoozed until its old time; one that came due and woke meanwhile is left awake."""
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        ids = await stored(inbox, 1100)
        earlier = inbox.snoozes.read("tomorrow 9:00")
        await inbox.snoozes.snooze(ids[:2], earlier)  # already away, until tomorrow
        await inbox.set_read(ids[2:4], True)
        until = inbox.snoozes.read("mon")
        seen: list[tuple[int, int]] = []
        change = SnoozeChange(until.ms, until.said)
        outcome = await inbox.run_bulk(
            Selection.of(ids), change, lambda done, total: seen.append((done, total))
        )
        assert (outcome.changed, seen[-1]) == (1100, (1100, 1100))
        assert len(seen) == 3  # 500 to a transaction
        rows = await inbox.page_older(parse(""), None, 10)
        assert rows == []  # all away
    with plain.connect(target) as conn:  # the one that comes due first wakes (scrm)
        conn.execute("UPDATE mentions SET snoozed_until_ms = 0 WHERE id = ?", (ids[4],))
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        assert await inbox.snoozes.wake_due() == [ids[4]]
        action = await inbox.last_action()
        assert action is not None and action.summary == "snoozed 1,100 mentions until " + until.said
        undone = await inbox.undo(action)
        assert (undone.undone, undone.skipped) == (1099, 1)
        by_id = {row.id: row for row in await inbox.rows(ids)}
        assert {by_id[i].snoozed_until_ms for i in ids[:2]} == {earlier.ms}
        assert {by_id[i].snoozed_until_ms for i in ids[2:]} == {None}
        assert [by_id[i].is_read for i in ids[2:4]] == [True, True]  # reads untouched
        assert await inbox.count(parse("")) == 1098  # back in the list, but the two
    assert query(
        target,
        "SELECT kind, summary FROM interactions WHERE mention_id = ? AND kind IN "
        "('snoozed', 'woke') ORDER BY id",
        (ids[5],),
    ) == [("snoozed", "snoozed until " + until.said), ("woke", "snooze undone")]
