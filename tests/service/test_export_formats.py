"""What an export says: the customers CSV imports back as it was, no cell breaks out of
its row, every mention keeps its customer, and escalations and the outbox export too."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrm_tui.core.config import Config, HookSpec, Team
from scrm_tui.core.query import Query
from scrm_tui.service import export
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.customers import import_customers
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import line, scrm

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

SAMPLE = Path(__file__).parents[2] / "scrm_tui" / "fixtures" / "customers_sample.csv"
# Values that start like a formula are ordinary in a customer file: a phone with its
# country code, a handle with its @, an id or an amount with a minus.
AWKWARD = (
    "id,name,email,company,phone,tier,lifetime_value,notes,mastodon,reddit,region\n"
    "-17,Kate Lindqvist,kate@acme.se,=Acme,+46 70 123 45 67,pro,-50,"
    '"-- call back\r\n=after lunch",@kate@fosstodon.org,,+EU\n'
    "@x1,Bob Marley,,@bob corp,,,,\"thanks\r=cmd|' /C calc'!A0\",,-bob,\n"
    "C-9,No Handles,,,,,,,,,\n"
    ",Nora Only-A-Handle,,,,,,,nora@new.social,,\n"  # as `a` makes them: no id, no e-mail
)
FORMULA_START = re.compile(r"(?:^|[\r\n])\"?[=+\-@]")


def export_csv(db: Path, what: str, *extra: str) -> str:
    """The CSV exactly as written (a pipe read as text would turn its CRLFs into LFs)."""
    out = db.with_name(f"{what}.csv")
    result = scrm("--db", str(db), "export", what, "--format", "csv", *extra, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_bytes().decode("utf-8")


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in text.splitlines()]


def import_file(db: Path, path: Path) -> str:
    result = scrm("--db", str(db), "customers", "import", str(path))
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_the_plain_customers_export_imports_back_to_the_same_records(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    awkward = tmp_path / "awkward.csv"
    awkward.write_text(AWKWARD, encoding="utf-8")
    import_file(db, SAMPLE)
    import_file(db, awkward)
    first = export_csv(db, "customers")
    exported = tmp_path / "exported.csv"
    exported.write_text(first, encoding="utf-8", newline="")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(first, newline=""))}
    kate = rows["Kate Lindqvist"]
    assert (kate["id"], kate["company"], kate["phone"]) == ("-17", "=Acme", "+46 70 123 45 67")
    assert kate["mastodon"] == "@kate@fosstodon.org" and kate["notes"].endswith("=after lunch")
    assert rows["Bob Marley"]["id"] == "@x1" and rows["Bob Marley"]["reddit"] == "-bob"

    # Into the same database: nothing new, nothing changed, the same file again.
    again = import_file(db, exported)
    assert "0 created, 0 updated" in again, again
    assert export_csv(db, "customers") == first
    # Into a fresh one: the same records.
    fresh = tmp_path / "fresh.db"
    assert "29 created, 0 updated" in import_file(fresh, exported)
    assert export_csv(fresh, "customers") == first


def test_for_spreadsheet_guards_every_cell_that_would_run_as_a_formula(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    awkward = tmp_path / "awkward.csv"
    awkward.write_text(AWKWARD, encoding="utf-8")
    import_file(db, awkward)
    text = export_csv(db, "customers", "--for-spreadsheet")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    kate = rows["Kate Lindqvist"]
    assert (kate["id"], kate["company"], kate["phone"]) == ("'-17", "'=Acme", "'+46 70 123 45 67")
    assert kate["mastodon"] == "'@kate@fosstodon.org"
    assert kate["notes"] == "'-- call back\r\n'=after lunch"  # after a line break too
    assert rows["Bob Marley"]["notes"] == "thanks\r'=cmd|' /C calc'!A0"
    assert not FORMULA_START.search(text)
    plain = scrm("--db", str(db), "export", "customers", "--for-spreadsheet")
    assert plain.returncode == 2 and "--for-spreadsheet" in plain.stderr  # JSON Lines: no


def test_a_bare_carriage_return_cannot_start_a_row(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    evil = "thanks\r=cmd|' /C calc'!A0"
    result = scrm("--db", str(db), "ingest", "-", stdin=line(id="cr", text=evil))
    assert result.returncode == 0, result.stderr
    for extra in ((), ("--for-spreadsheet",)):
        text = export_csv(db, "mentions", *extra)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == 2  # the header and the one mention
        assert f'"{evil if not extra else evil.replace(chr(13), chr(13) + chr(39))}"' in text
    assert rows[1][rows[0].index("text")] == "thanks\r'=cmd|' /C calc'!A0"
    assert not FORMULA_START.search(text)


def read_back(values: list[str], *, spreadsheet: bool) -> list[list[str]]:
    out = io.StringIO()
    export.CsvOut(out, terminal=False, spreadsheet=spreadsheet).row(values)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


@given(st.text())
def test_any_text_is_one_field_and_comes_back_exactly(text: str) -> None:
    assert read_back(["before", text, "after"], spreadsheet=False) == [["before", text, "after"]]


@given(st.text())
def test_for_a_spreadsheet_no_line_of_a_cell_starts_a_formula(text: str) -> None:
    [[before, cell, after]] = read_back(["before", text, "after"], spreadsheet=True)
    assert (before, after) == ("before", "after")
    assert cell.replace("'", "") == text.replace("'", "")  # only guards were added
    for part in re.split(r"\r\n|\r|\n", cell):
        assert not part.startswith(("=", "+", "-", "@", "\t"))


async def test_every_mention_exports_its_customer_even_one_without_an_external_id(
    db_path: Path, tmp_path: Path
) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        await import_customers(inbox, SAMPLE)
        await inbox.ingest(
            [
                mention(1, handle="derek95@mastodon.social", name="Derek"),
                mention(2, handle="nobody@new.social", name="Nora New"),
            ]
        )
        rows = {r.author_handle: r for r in await inbox.page_older(Query(), None, 10)}
        derek = (await inbox.customers.find("C-0005"))[0]
        author = await inbox.linker.author(rows["nobody@new.social"].id)
        assert author is not None
        nora = await inbox.linker.create_customer(author)  # `a` in the link pane
    records = {
        r["author"]["handle"]: r
        for r in jsonl(scrm("--db", str(db_path), "export", "mentions").stdout)
    }
    assert records["derek95@mastodon.social"]["customer"] == f"#{derek}"
    assert records["derek95@mastodon.social"]["customer_external_id"] == "C-0005"
    assert records["nobody@new.social"]["customer"] == f"#{nora}"
    assert records["nobody@new.social"]["customer_external_id"] is None
    rows_csv = list(csv.DictReader(io.StringIO(export_csv(db_path, "mentions"), newline="")))
    assert {r["customer"] for r in rows_csv} == {f"#{derek}", f"#{nora}"}
    # The link is a key `customers show` takes.
    shown = scrm("--db", str(db_path), "customers", "show", f"#{nora}", "--json")
    assert json.loads(shown.stdout)["name"] == "Nora New"
    history = jsonl(scrm("--db", str(db_path), "export", "interactions").stdout)
    created = [h for h in history if h["customer"] == f"#{nora}"]
    assert created and all(h["customer_external_id"] is None for h in created)


SECRET_URL = "https://hooks.slack.com/services/T000/B000/XSECRETTOKENX"


async def test_escalations_and_the_outbox_export_without_secrets(
    db_path: Path, tmp_path: Path
) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        '[teams.billing]\n[[teams.billing.webhooks]]\nkind = "slack"\nurl_env = "SCRM_HOOK"\n'
    )
    slack = HookSpec("slack", "slack", {"url": SECRET_URL})
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        inbox.configure(
            Config(teams=(Team("billing", "", (slack,)),)), Credentials(hooks={"billing": [slack]})
        )
        await inbox.ingest([mention(1, "charged twice")])
        [row] = await inbox.page_older(Query(), None, 1)
        esc = await inbox.escalations.escalate(row.id, "billing", "P2", "double charge")
        [hook] = await inbox.outbox.items()
        await inbox.outbox.mark_failed(hook.id, f"404 from {SECRET_URL}", inbox.now_ms())
    env = {"SCRM_HOOK": SECRET_URL}
    args = ("--db", str(db_path), "--config", str(config_file), "export")
    for fmt in ("jsonl", "csv"):
        escalations = scrm(*args, "escalations", "--format", fmt, env=env)
        outbox = scrm(*args, "outbox", "--format", fmt, env=env)
        assert escalations.returncode == outbox.returncode == 0, escalations.stderr + outbox.stderr
        assert "XSECRETTOKENX" not in outbox.stdout + outbox.stderr
        assert "double charge" in escalations.stdout and "billing/slack" in outbox.stdout
    [record] = jsonl(scrm(*args, "escalations", env=env).stdout)
    assert (record["id"], record["team"], record["priority"], record["state"]) == (
        esc,
        "billing",
        "P2",
        "open",
    )
    assert (record["mention_channel"], record["mention_id"]) == ("mastodon", "mastodon-1")
    [item] = jsonl(scrm(*args, "outbox", env=env).stdout)
    assert (item["kind"], item["target"], item["state"], item["escalation"]) == (
        "webhook",
        "billing/slack",
        "failed",
        esc,
    )
    assert item["last_error"] == "404 from «secret»"
