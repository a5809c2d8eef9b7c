"""Customer import, lookup and export, as a user runs them: files in, records out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scrm_tui.core.query import Query
from scrm_tui.service.customers import (
    FileProblem,
    describe_customer,
    find_customer,
    import_customers,
)
from scrm_tui.service.export import export_customers, export_interactions
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import scrm

HEADER = "id,name,email,company,tier,lifetime_value,github,mastodon,region\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.both_engines
async def test_csv_with_bom_semicolons_and_quoted_newlines(inbox: Inbox, tmp_path: Path) -> None:
    text = (
        "\ufeffid;name;email;notes;github;Region\n"
        'C-1;Kate Lindqvist;kate@acme.se;"likes the\ntimeline; says so";klindqvist;EU\n'
        'C-2;"Núñez, José";jose@acme.es;;jnunez gh-jose;LATAM\n'
        "C-3;;nobody@acme.se;;;EU\n"
    )
    report = await import_customers(inbox, write(tmp_path / "c.csv", text))
    assert (report.created, len(report.errors)) == (2, 1)
    # The bad row starts on line 5: the quoted newline made row C-1 two lines long.
    assert str(report.errors[0]) == "line 5: missing required field 'name'"
    [kate] = await find_customer(inbox, "C-1")
    profile = await describe_customer(inbox, kate)
    assert profile["notes"] == "likes the\ntimeline; says so"
    assert profile["fields"] == {"region": "EU"}
    [jose] = await find_customer(inbox, "jose@ACME.es")
    assert (await describe_customer(inbox, jose))["identities"] == {"github": ["jnunez", "gh-jose"]}


@pytest.mark.both_engines
async def test_reimport_updates_by_id_else_email_and_never_duplicates(
    inbox: Inbox, tmp_path: Path
) -> None:
    await import_customers(
        inbox,
        write(
            tmp_path / "a.csv",
            HEADER
            + (
                "C-1,Kate Lindqvist,kate@acme.se,Acme,pro,4200,,,EU\n"
                ",Omar Haddad,omar@acme.se,Acme,free,,,,\n"
            ),
        ),
    )
    report = await import_customers(
        inbox,
        write(
            tmp_path / "b.csv",
            HEADER
            + (
                "C-1,Kate Lindqvist,kate@acme.se,,team,,klindqvist,,\n"  # empty cells keep values
                ",Omar H.,OMAR@acme.se,Acme,pro,,,,\n"  # no id: matched by email
                "C-9,Second Kate,kate@acme.se,Other,,,,,\n"  # own id: a different person
            ),
        ),
    )
    assert (report.created, report.updated) == (1, 2)
    assert await inbox.customers.count() == 3
    [kate] = await find_customer(inbox, "C-1")
    profile = await describe_customer(inbox, kate)
    assert (profile["tier"], profile["company"], profile["lifetime_value"]) == (
        "team",
        "Acme",
        4200,
    )
    assert profile["fields"] == {"region": "EU"}
    # The change is in the history, with who and what.
    history = [
        tuple(row)
        for row in await inbox.db.reader.execute_fetchall(
            "SELECT actor, summary FROM interactions WHERE customer_id = ? ORDER BY id", (kate,)
        )
    ]
    assert history[-1] == ("tester", "updated from b.csv: tier")


@pytest.mark.both_engines
async def test_duplicate_emails_in_one_file_become_one_customer(
    inbox: Inbox, tmp_path: Path
) -> None:
    report = await import_customers(
        inbox,
        write(
            tmp_path / "d.csv",
            HEADER
            + (
                ",Kate L,kate@acme.se,,pro,,klindqvist,,\n"
                ",Kate Lindqvist,Kate@Acme.se,Acme,,,,kate@fosstodon.org,\n"
            ),
        ),
    )
    assert report.created == 1 and await inbox.customers.count() == 1
    [kate] = await find_customer(inbox, "kate@acme.se")
    profile = await describe_customer(inbox, kate)
    assert profile["name"] == "Kate Lindqvist" and profile["tier"] == "pro"
    assert set(profile["identities"]) == {"github", "mastodon"}


@pytest.mark.both_engines
async def test_a_file_that_is_not_utf8_is_refused_with_advice(inbox: Inbox, tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.csv", HEADER + "C-1,José Núñez,j@x.es,,,,,,\n", "latin-1")
    with pytest.raises(FileProblem, match=r"not UTF-8: line 2 has the byte 0xE9"):
        await import_customers(inbox, path)
    assert await inbox.customers.count() == 0


@pytest.mark.both_engines
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("email,company\nx@y.z,Acme\n", "no 'name' column"),
        ("name,email,Name\nA,a@b.c,A\n", "repeats name"),
    ],
)
async def test_unusable_headers_are_explained(
    inbox: Inbox, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(FileProblem, match=message):
        await import_customers(inbox, write(tmp_path / "h.csv", text))


@pytest.mark.both_engines
async def test_bad_rows_name_their_line_and_the_rest_imports(inbox: Inbox, tmp_path: Path) -> None:
    report = await import_customers(
        inbox,
        write(
            tmp_path / "r.csv",
            HEADER
            + (
                "C-1,Kate,kate@acme.se,,,lots,,,\n"
                "C-2,Omar,not-an-email,,,,,,\n"
                "C-3,Li,li@acme.cn,,,1200.50,,,,extra\n"
                'C-4,Zoë,zoe@acme.se,,,"4,200",,,\n'
            ),
        ),
    )
    assert [str(e) for e in report.errors] == [
        "line 2: 'lifetime_value' 'lots' is not an amount (e.g. 4200 or 4,200.50)",
        "line 3: 'email' 'not-an-email' is not an email address",
        "line 4: 10 cells but the header has 9",
    ]
    [zoe] = await find_customer(inbox, "C-4")
    assert (await describe_customer(inbox, zoe))["lifetime_value"] == 4200.0


@pytest.mark.both_engines
async def test_json_and_json_lines(inbox: Inbox, tmp_path: Path) -> None:
    array = tmp_path / "c.json"
    array.write_text(
        json.dumps(
            [
                {"id": "J-1", "name": "Kate", "Mastodon": "kate@fosstodon.org"},
                {"id": "J-2"},
                {"id": "J-3", "name": "Omar", "twitter": "omar_h"},
            ],
            indent=2,
        )
    )
    report = await import_customers(inbox, array)
    assert report.created == 2
    assert [str(e) for e in report.errors] == ["line 7: missing required field 'name'"]
    lines = tmp_path / "c.jsonl"
    lines.write_text('{"id": "L-1", "name": "Li"}\n[1]\n{"broken"\n')
    report = await import_customers(inbox, lines)
    assert report.created == 1
    assert [e.line for e in report.errors] == [2, 3]
    [omar] = await find_customer(inbox, "J-3")
    assert (await describe_customer(inbox, omar))["identities"] == {"x": ["omar_h"]}


@pytest.mark.both_engines
async def test_a_handle_owned_by_someone_else_is_reported_not_stolen(
    inbox: Inbox, tmp_path: Path
) -> None:
    report = await import_customers(
        inbox,
        write(
            tmp_path / "o.csv",
            HEADER
            + ("C-1,Kate,kate@acme.se,,,,klindqvist,,\nC-2,Katie,katie@acme.se,,,,KLindqvist,,\n"),
        ),
    )
    assert [str(w) for w in report.warnings] == [
        "line 3: github handle 'KLindqvist' already belongs to C-1 Kate; kept there"
    ]
    [kate] = await find_customer(inbox, "C-1")
    assert (await describe_customer(inbox, kate))["identities"] == {"github": ["klindqvist"]}


@pytest.mark.both_engines
async def test_authors_already_seen_are_linked_by_an_imported_handle(
    inbox: Inbox, tmp_path: Path
) -> None:
    await inbox.ingest([mention(1, "sync broken", handle="Kate@Fosstodon.org", name="k8s kate")])
    [row] = await inbox.page_older(Query(), None, 5)
    assert row.customer_name is None
    await import_customers(
        inbox,
        write(
            tmp_path / "k.csv",
            HEADER + ("C-1,Kate Lindqvist,kate@acme.se,Acme,pro,,,kate@fosstodon.org,\n"),
        ),
    )
    [row] = await inbox.page_older(Query(), None, 5)
    assert (row.customer_name, row.customer_tier) == ("Kate Lindqvist", "pro")
    # Later mentions from that handle match exactly, without any fuzzy guess.
    await inbox.ingest([mention(2, "still broken", handle="@kate@fosstodon.org", name="Kate")])
    rows = await inbox.page_older(Query(), None, 5)
    assert {r.customer_name for r in rows} == {"Kate Lindqvist"}
    profile = await describe_customer(inbox, (await find_customer(inbox, "C-1"))[0])
    assert profile["mentions"] == {"mastodon": 2}


@pytest.mark.both_engines
async def test_export_customers_round_trips_through_import(
    inbox: Inbox, tmp_path: Path, another_target: Callable[[str], str | Path]
) -> None:
    sample = Path(__file__).parents[2] / "scrm_tui" / "fixtures" / "customers_sample.csv"
    first = await import_customers(inbox, sample)
    out = io.StringIO()
    count = await export_customers(inbox, out, "csv")
    assert count == first.created == 25
    exported = tmp_path / "exported.csv"
    exported.write_text(out.getvalue())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {"region", "renewal_date", "github"} <= set(rows[0])
    async with await Inbox.open(another_target("second"), "tester", fixed_clock) as second:
        again = await import_customers(second, exported)
        assert (again.created, again.errors, again.warnings) == (25, [], [])
        original = await export_customers(second, io.StringIO(), "jsonl")
        assert original == 25
    history = io.StringIO()
    assert await export_interactions(inbox, history, "jsonl") == 25
    record = json.loads(history.getvalue().splitlines()[0])
    assert record["kind"] == "customer" and record["actor"] == "tester"
    assert record["detail"] == {"source": "customers_sample.csv"}


def test_customers_commands_from_the_shell(tmp_path: Path) -> None:
    db = tmp_path / "shell.db"
    sample = Path(__file__).parents[2] / "scrm_tui" / "fixtures" / "customers_sample.csv"
    result = scrm("--db", str(db), "customers", "import", str(sample))
    assert result.returncode == 0, result.stderr
    assert "25 rows: 25 created" in result.stderr
    bad = write(tmp_path / "bad.csv", HEADER + "C-1,,x@y.z,,,,,,\n", "utf-8")
    result = scrm("--db", str(db), "customers", "import", str(bad))
    assert result.returncode == 1 and "bad.csv: line 2: missing required field 'name'" in (
        result.stderr
    )
    shown = scrm("--db", str(db), "customers", "show", "C-0005", "--json")
    assert json.loads(shown.stdout)["name"] == "Derek Walsh"
    text = scrm("--db", str(db), "customers", "show", "derek.walsh@quarryandco.com").stdout
    assert "Derek Walsh  (#" in text and "derek95@mastodon.social" in text
    missing = scrm("--db", str(db), "customers", "show", "nobody@nowhere")
    assert missing.returncode == 1 and "no customer 'nobody@nowhere'" in missing.stderr
    latin = write(tmp_path / "latin.csv", HEADER + "C-9,José,j@x.es,,,,,,\n", "latin-1")
    refused = scrm("--db", str(db), "customers", "import", str(latin))
    assert refused.returncode == 1 and "not UTF-8" in refused.stderr
    exported = scrm("--db", str(db), "export", "customers", "--format", "csv")
    assert exported.returncode == 0 and exported.stdout.count("\n") == 26


def test_customers_show_finds_a_customer_by_handle(tmp_path: Path) -> None:
    db = tmp_path / "handles.db"
    people = write(
        tmp_path / "people.csv",
        "name,mastodon,reddit,hackernews\n"
        "Kate Lindqvist,kate@fosstodon.org,,\n"
        "Kate Reddit,,u/kate,\n"
        "Kate News,,,kate\n",
    )
    assert scrm("--db", str(db), "customers", "import", str(people)).returncode == 0

    def shown(*args: str) -> str:
        result = scrm("--db", str(db), "customers", "show", *args, "--json")
        assert result.returncode == 0, result.stderr
        return str(json.loads(result.stdout)["name"])

    assert shown("@kate@fosstodon.org") == "Kate Lindqvist"  # as written on Mastodon
    assert shown("KATE@fosstodon.org") == "Kate Lindqvist"
    assert shown("/u/kate") == "Kate Reddit"
    assert shown("kate", "--network", "hn") == "Kate News"
    assert shown("kate", "--network", "reddit") == "Kate Reddit"
    both = scrm("--db", str(db), "customers", "show", "kate")
    assert both.returncode == 1
    assert "2 customers match 'kate'" in both.stderr and "--network" in both.stderr
    assert "Kate Reddit" in both.stderr and "Kate News" in both.stderr
    # Nothing exact: the closest customers, as `C` would list them; nothing shown.
    near = scrm("--db", str(db), "customers", "show", "Kate Lindqvst")
    assert near.returncode == 1 and near.stdout == ""
    assert "no customer 'Kate Lindqvst'" in near.stderr
    assert "closest: #1 Kate Lindqvist" in near.stderr
    wrong = scrm("--db", str(db), "customers", "show", "kate", "--network", "myspace")
    assert wrong.returncode == 2 and "unknown network 'myspace'" in wrong.stderr
