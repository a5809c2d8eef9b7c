"""Assignment and tags on a real database file: what is stored, what the history says,
batches that let other writers in, and tags renamed, merged, merged customers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scrm_tui.core.config import Config
from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.core.tags import MAX_TAG, TagError, check_tag, parse_edit
from scrm_tui.service import tagging
from scrm_tui.service.assignment import rank_agents
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.timeline import timeline_window
from tests.conftest import mention
from tests.support import plain

ANN = CustomerIn(name="Ann Example", identities=((Channel.MASTODON, "user1@example.social"),))


def history(
    target: str | Path, kind: str
) -> list[tuple[str, str | None, int | None, dict[str, object]]]:
    """(summary, actor, mention id, detail) of each `kind` entry, oldest first."""
    rows = plain.rows(
        target,
        "SELECT summary, actor, mention_id, detail FROM interactions WHERE kind = ? ORDER BY id",
        (kind,),
    )
    return [(summary, actor, mid, json.loads(detail)) for summary, actor, mid, detail in rows]


async def stored(inbox: Inbox, count: int) -> list[int]:
    """`count` mentions, newest first; mention 1 is by Ann's handle."""
    await inbox.add_customers([ANN])
    result = await inbox.ingest(
        [mention(n, handle=f"user{n}@example.social") for n in range(1, count + 1)]
    )
    return sorted(result.stored)


# ---------------------------------------------------------------- what a tag is


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("two words", "tag 'two words' has a space at position 4"),
        ("tax#2026", "tag 'tax#2026' has '#' at position 4"),
        ("needs:reply", "tag 'needs:reply' has ':' at position 6"),
        ("-urgent", "tag '-urgent' must start with a letter or digit"),
        ("\u200bvip", "has a control or invisible character (U+200B) at position 1"),
        ("a" * (MAX_TAG + 1), f"is {MAX_TAG + 1} characters long; at most {MAX_TAG}"),
        ("", "a tag cannot be empty"),
    ],
)
def test_a_bad_tag_is_refused_saying_what_and_where(typed: str, said: str) -> None:
    with pytest.raises(TagError) as caught:
        check_tag(typed)
    assert said in str(caught.value)


def test_a_tag_is_one_word_in_any_script_stored_in_lower_case() -> None:
    assert check_tag("Billing") == "billing"
    assert check_tag("Q4-renewal/EU") == "q4-renewal/eu"
    assert check_tag("naïve") == "naïve" and check_tag("顧客") == "顧客"
    assert check_tag("e\u0301té") == "été"  # the same word however its accent was typed


def test_an_edit_adds_removes_toggles_and_a_bad_word_names_its_column() -> None:
    edit = parse_edit("+Billing -spam vip, +vip")
    assert (edit.add, edit.remove, edit.toggle) == (("billing", "vip"), ("spam",), ())
    assert parse_edit("  ").is_empty
    with pytest.raises(TagError) as caught:
        parse_edit("+ok -fine bad#tag")
    assert str(caught.value).startswith("column 11: tag 'bad#tag' has '#' at position 4")


# ---------------------------------------------------------------- assignment


@pytest.mark.both_engines
async def test_assignment_is_stored_and_each_change_is_in_the_customers_history(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 3)
    assert await inbox.assign(ids, "dana") == 3
    assert await inbox.assign(ids[:1], "lee") == 1
    assert await inbox.assign(ids, "lee") == 2  # only real changes count
    assert await inbox.assign(ids[:1], None) == 1
    assert [row.assignee for row in await inbox.rows(ids)] == [None, "lee", "lee"]
    ann = [entry for entry in history(target, "assign") if entry[2] == ids[0]]
    assert [(summary, actor, detail) for summary, actor, _, detail in ann] == [
        ("assigned to dana", "tester", {"from": None, "to": "dana"}),
        ("assigned to lee (was dana)", "tester", {"from": "dana", "to": "lee"}),
        ("unassigned (was lee)", "tester", {"from": "lee", "to": None}),
    ]
    # Ann's customer view shows it: mention 1 is hers.
    [customer_id] = await inbox.customers.find_by_handle([("mastodon", "user1@example.social")])
    window = timeline_window(inbox, customer_id, kinds=["assign"])
    await window.start()
    await window.ensure(0, 10)
    assert [(item.kind, item.actor, item.text) for item in window.rows] == [
        ("assign", "tester", "unassigned (was lee)"),
        ("assign", "tester", "assigned to lee (was dana)"),
        ("assign", "tester", "assigned to dana"),
    ]


@pytest.mark.both_engines
async def test_a_big_selection_is_written_500_at_a_time_letting_other_writers_in(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 1201)
    between: list[tuple[int, int]] = []

    def another_writer(done: int, total: int) -> None:
        # Another process takes the write lock between two batches, without waiting.
        plain.write_at_once(
            target, "INSERT INTO mention_reads VALUES (?, 'other', 0)", (ids[done - 1],)
        )
        between.append((done, total))

    assert await inbox.assign(ids, "dana", on_batch=another_writer) == 1201
    assert between == [(500, 1201), (1000, 1201), (1201, 1201)]
    assert {row.assignee for row in await inbox.rows(ids)} == {"dana"}
    assert len(history(target, "assign")) == 1201


@pytest.mark.both_engines
async def test_the_agents_offered_are_you_the_team_and_whoever_was_assigned(
    inbox: Inbox,
) -> None:
    ids = await stored(inbox, 2)
    inbox.configure(replace(Config(), team_agents=("Priya", "dana")))
    await inbox.assign(ids[:1], "sam")
    assert await inbox.assignable_agents() == ["tester", "dana", "Priya", "sam"]
    agents = await inbox.assignable_agents()
    assert rank_agents("pri", agents)[0] == "Priya"
    assert rank_agents("dnaa", agents)[0] == "dana"  # a typo still finds her
    assert rank_agents("", agents) == agents
    assert rank_agents("zzz", agents) == []


# ---------------------------------------------------------------- tags


@pytest.mark.both_engines
async def test_tags_on_a_selection_add_remove_and_toggle_each_recorded(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 3)
    first = await inbox.edit_tags(ids, parse_edit("+billing +spam"))
    assert (first.changed, first.added) == (3, ("billing", "spam"))
    await inbox.edit_tags(ids[:1], parse_edit("vip -spam"))
    # vip is on one of three: toggling adds it to all; billing is on all: removed.
    toggled = await inbox.edit_tags(ids, parse_edit("vip billing"))
    assert (toggled.added, toggled.removed, toggled.changed) == (("vip",), ("billing",), 3)
    assert [row.tags for row in await inbox.rows(ids)] == [
        ("vip",),
        ("spam", "vip"),
        ("spam", "vip"),
    ]
    assert await inbox.tags_in_use() == ["spam", "vip"]
    ann = [(summary, detail) for summary, _, mid, detail in history(target, "tag") if mid == ids[0]]
    assert ann == [
        ("tagged +billing +spam", {"added": ["billing", "spam"], "removed": []}),
        ("tagged +vip -spam", {"added": ["vip"], "removed": ["spam"]}),
        ("tagged -billing", {"added": [], "removed": ["billing"]}),
    ]
    nothing = await inbox.edit_tags(ids, parse_edit("+vip"))
    assert nothing.changed == 0 and len(history(target, "tag")) == 7


@pytest.mark.both_engines
async def test_customer_tags_toggle_and_are_in_the_customer_history(
    inbox: Inbox, target: str | Path
) -> None:
    await stored(inbox, 1)
    [ann] = await inbox.customers.find_by_handle([("mastodon", "user1@example.social")])
    assert (await inbox.edit_customer_tags(ann, parse_edit("vip +beta"))).added == ("beta", "vip")
    assert (await inbox.edit_customer_tags(ann, parse_edit("vip"))).removed == ("vip",)
    assert (await inbox.customers.profile(ann))["tags"] == ["beta"]
    window = timeline_window(inbox, ann, kinds=["tag"])
    await window.start()
    await window.ensure(0, 10)
    assert [item.text for item in window.rows] == [
        "tagged the customer -vip",
        "tagged the customer +beta +vip",
    ]
    assert await inbox.tags_in_use() == ["beta"]


@pytest.mark.both_engines
async def test_rename_and_merge_retag_everything_once_in_the_history(
    inbox: Inbox, target: str | Path
) -> None:
    ids = await stored(inbox, 3)
    [ann] = await inbox.customers.find_by_handle([("mastodon", "user1@example.social")])
    await inbox.edit_tags(ids[:2], parse_edit("+bug"))
    await inbox.edit_tags(ids[1:], parse_edit("+bugs"))
    await inbox.edit_customer_tags(ann, parse_edit("+bug"))
    assert await tagging.merge_tags(inbox.db, ["Bug", "bugs"], "defect", "kate", 5) == (3, 1)
    assert [row.tags for row in await inbox.rows(ids)] == [("defect",)] * 3
    assert await tagging.rename_tag(inbox.db, "defect", "Bug", "kate", 6) == (3, 1)
    counts = await tagging.tag_counts(inbox.db)
    assert [(c.tag, c.mentions, c.customers) for c in counts] == [("bug", 3, 1)]
    assert [(summary, actor) for summary, actor, _, _ in history(target, "tag")][-2:] == [
        ("merged tags bug, bugs into defect: 3 mentions, 1 customer", "kate"),
        ("renamed tag defect to bug: 3 mentions, 1 customer", "kate"),
    ]
    with pytest.raises(tagging.UnknownTag, match="no tag 'bgu' is in use; did you mean bug"):
        await tagging.rename_tag(inbox.db, "bgu", "x", "kate", 7)
    await inbox.edit_tags(ids[:1], parse_edit("+vip"))
    with pytest.raises(tagging.UnknownTag, match=r"'vip' is already in use.*merge bug --into vip"):
        await tagging.rename_tag(inbox.db, "bug", "vip", "kate", 7)


@pytest.mark.both_engines
async def test_a_merged_customer_brings_its_tags_and_takes_them_back_on_unmerge(
    inbox: Inbox,
) -> None:
    outcome = await inbox.add_customers(
        [
            CustomerIn(name="Kate", external_id="C-1", tags=("pro",)),
            CustomerIn(name="Kate L.", external_id="C-2", tags=("pro", "beta")),
        ]
    )
    survivor, duplicate = outcome.ids
    merge_id = await inbox.merge_customers(survivor, duplicate)
    assert (await inbox.customers.profile(survivor))["tags"] == ["beta", "pro"]
    await inbox.unmerge(merge_id)
    assert (await inbox.customers.profile(survivor))["tags"] == ["pro"]
    assert (await inbox.customers.profile(duplicate))["tags"] == ["beta", "pro"]
