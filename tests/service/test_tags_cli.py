"""`scrm tags` from the shell, and tags and assignees in the exports: the customers file
carries its tags back in, into the same database or a new one."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.core.tags import parse_edit
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import scrm
from tests.service.test_export_formats import export_csv, import_file, jsonl


async def _seed(db: Path) -> None:
    async with await Inbox.open(db, "seeder", fixed_clock) as box:
        outcome = await box.add_customers(
            [CustomerIn(name="Ann", identities=((Channel.MASTODON, "user1@example.social"),))]
        )
        ids = sorted((await box.ingest([mention(n) for n in (1, 2, 3)])).stored)
        await box.edit_tags(ids[:2], parse_edit("+billing"))
        await box.edit_tags(ids[2:], parse_edit("+vip +bug"))
        await box.edit_customer_tags(outcome.ids[0], parse_edit("+billing"))
        await box.assign(ids[:1], "dana")


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "tags.db"
    asyncio.run(_seed(db))
    return db


def test_scrm_tags_lists_renames_and_merges_each_recorded(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    listed = scrm("--db", str(db), "tags")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "tag      mentions  customers",
        "billing         2          1",
        "bug             1          0",
        "vip             1          0",
    ]
    renamed = scrm("--db", str(db), "--agent", "kate", "tags", "rename", "billing", "Invoices")
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stderr == "renamed tag billing to invoices: 2 mentions, 1 customer\n"
    merged = scrm("--db", str(db), "tags", "merge", "vip", "bug", "--into", "invoices")
    assert merged.returncode == 0, merged.stderr
    assert "merged vip, bug into invoices: 1 mention, 0 customers" in merged.stderr
    assert scrm("--db", str(db), "tags", "list").stdout.splitlines()[1:] == [
        "invoices         3          1"
    ]
    history = jsonl(scrm("--db", str(db), "export", "interactions").stdout)
    renames = [
        (r["actor"], r["summary"]) for r in history if r["kind"] == "tag" and not r["customer"]
    ]
    assert renames[-2:] == [
        ("kate", "renamed tag billing to invoices: 2 mentions, 1 customer"),
        ("tester", "merged tags vip, bug into invoices: 1 mention, 0 customers"),
    ]


def test_scrm_tags_names_an_unknown_or_bad_tag(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    unknown = scrm("--db", str(db), "tags", "rename", "biling", "x")
    assert unknown.returncode == 1
    assert unknown.stderr == "scrm: no tag 'biling' is in use; did you mean billing?\n"
    bad = scrm("--db", str(db), "tags", "rename", "billing", "two words")
    assert bad.returncode == 1
    assert "scrm: tag 'two words' has a space at position 4" in bad.stderr
    taken = scrm("--db", str(db), "tags", "rename", "vip", "bug")
    assert taken.returncode == 1 and "scrm tags merge vip --into bug" in taken.stderr
    usage = scrm("--db", str(db), "tags", "merge", "vip")
    assert usage.returncode == 2 and "--into" in usage.stderr
    assert scrm("--db", str(db), "tags").stdout.count("\n") == 4  # nothing changed


def test_mentions_export_carries_assignee_and_tags(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    records = jsonl(scrm("--db", str(db), "export", "mentions").stdout)
    assert [(r["id"], r["assignee"], r["tags"]) for r in records] == [
        ("mastodon-3", None, ["bug", "vip"]),
        ("mastodon-2", None, ["billing"]),
        ("mastodon-1", "dana", ["billing"]),
    ]
    rows = list(csv.DictReader(io.StringIO(export_csv(db, "mentions"), newline="")))
    assert [(r["id"], r["assignee"], r["tags"]) for r in rows] == [
        ("mastodon-3", "", "bug; vip"),
        ("mastodon-2", "", "billing"),
        ("mastodon-1", "dana", "billing"),
    ]


CUSTOMERS = (
    "id,name,email,tags\n"
    "C-1,Kate Lindqvist,kate@acme.se,VIP; beta\n"
    "C-2,Bob Marley,,\n"
    "C-3,Nora,,key-account\n"
)


def test_customer_tags_round_trip_through_the_customers_export(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    source = tmp_path / "customers.csv"
    source.write_text(CUSTOMERS, encoding="utf-8")
    import_file(db, source)
    first = export_csv(db, "customers")
    rows = {r["name"]: r["tags"] for r in csv.DictReader(io.StringIO(first, newline=""))}
    assert rows == {"Kate Lindqvist": "beta; vip", "Bob Marley": "", "Nora": "key-account"}
    exported = tmp_path / "exported.csv"
    exported.write_text(first, encoding="utf-8", newline="")
    assert "0 created, 0 updated, 3 unchanged" in import_file(db, exported)
    fresh = tmp_path / "fresh.db"
    assert "3 created" in import_file(fresh, exported)
    assert export_csv(fresh, "customers") == first
    # JSON Lines: tags as a list, and it imports back too.
    lines = scrm("--db", str(fresh), "export", "customers").stdout
    assert jsonl(lines)[0]["tags"] == ["beta", "vip"]
    as_jsonl = tmp_path / "customers.jsonl"
    as_jsonl.write_text(lines, encoding="utf-8")
    assert "0 created, 0 updated, 3 unchanged" in import_file(fresh, as_jsonl)


def test_an_import_adds_tags_records_them_and_names_a_bad_one(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    source = tmp_path / "customers.csv"
    source.write_text(CUSTOMERS, encoding="utf-8")
    import_file(db, source)
    more = tmp_path / "more.csv"
    more.write_text("id,name,tags\nC-2,Bob Marley,churn-risk\nC-3,Nora,a#b\n", encoding="utf-8")
    result = scrm("--db", str(db), "customers", "import", str(more))
    assert result.returncode == 1
    assert (
        "more.csv: line 3: 'tags': tag 'a#b' has '#' at position 2; a tag is one word"
        in result.stderr
    )
    assert "1 updated" in result.stderr
    shown = json.loads(scrm("--db", str(db), "customers", "show", "C-2", "--json").stdout)
    assert shown["tags"] == ["churn-risk"]
    text = scrm("--db", str(db), "customers", "show", "C-1").stdout
    assert "tags            beta, vip" in text
    history = jsonl(scrm("--db", str(db), "export", "interactions").stdout)
    update = [r for r in history if r["summary"] == "updated from more.csv: tags"]
    assert update[0]["detail"]["changes"] == {"tags": [[], ["churn-risk"]]}
