"""A bad value makes one bad line, named by its number and field, and only that line:
out-of-range numbers, NaN, nested objects, huge strings and impossible dates, in
`scrm ingest` and in `scrm customers import`. Property-based tests (hypothesis) hold
the ingest line parser to it for any line at all."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrm_tui.core.models import MentionIn, Sentiment
from scrm_tui.core.records import flatten
from scrm_tui.service.customers import import_customers
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.ingest import LineError, ingest_stream, parse_line
from tests.conftest import fixed_clock
from tests.e2e.test_cli import GOOD, scrm

pytestmark = pytest.mark.xdist_group("subprocess")


def good(n: int | str, **changes: Any) -> dict[str, Any]:
    return {**GOOD, "id": str(n), **changes}


def author(**changes: Any) -> dict[str, Any]:
    return {**GOOD["author"], **changes}  # type: ignore[dict-item]


def stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT external_id FROM mentions")}


def test_one_oversized_follower_count_is_one_bad_line(tmp_path: Path) -> None:
    db, source = tmp_path / "x.db", tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps(good(1)),
                json.dumps(good(2, author=author(followers=9223372036854775808))),
                json.dumps(good(3)),
            ]
        )
        + "\n"
    )
    result = scrm("--db", str(db), "ingest", str(source))
    assert "Traceback" not in result.stderr
    assert "line 2: 'author.followers' is too large" in result.stderr
    assert "2 stored, 0 already known, 1 bad lines" in result.stderr
    assert result.returncode == 1
    assert stored_ids(db) == {"1", "3"}


# (the JSON text of a mention's line, what its error names). Raw text where JSON
# cannot say it from Python: NaN, 5,000 digits.
BAD_LINES = [
    (json.dumps(good("b", author=author(followers=2**64))), "'author.followers' is too large"),
    (
        json.dumps(good("b")).replace('"followers": 12', '"followers": NaN'),
        "not valid JSON (NaN is not a JSON number)",
    ),
    (
        json.dumps(good("b")).replace('"followers": 12', '"followers": 1e400'),
        "'author.followers' must be a whole number",
    ),
    (
        json.dumps(good("b")).replace('"id": "b"', '"id": ' + "9" * 5000),
        "a number longer than 4,300 digits",
    ),
    (
        json.dumps(good("b")).replace('"in_reply_to": null', '"in_reply_to": ' + "7" * 4000),
        "'in_reply_to' is longer than 1024 characters",
    ),
    (json.dumps(good("b", id={"nested": 1})), "'id' must be a string or an integer"),
    (json.dumps(good("b", text={"nested": [1]})), "'text' must be a string, not dict"),
    (json.dumps(good("b", url=["x"])), "'url' must be a string, not list"),
    (json.dumps(good("b", author=author(handle="h" * 5000))), "'author.handle' is longer"),
    (json.dumps(good("b", author=author(name="n" * 5000))), "'author.name' is longer"),
    (json.dumps(good("b", url="https://x.y/" + "u" * 9000)), "'url' is longer"),
    (json.dumps(good("b", created_at="9999-12-31T23:59:59-14:00")), "is out of range"),
    (json.dumps(good("b", created_at="0001-01-01T00:00:00+14:00")), "is out of range"),
    (json.dumps(good("b", created_at="2" * 5000)), "'created_at' is longer"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply)"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_LINES, ids=[r for _, r in BAD_LINES])
async def test_a_bad_value_is_one_bad_line_in_a_batch_of_workers(
    db_path: Path, bad: str, reason: str
) -> None:
    """Batches of 4 lines go to the worker processes, as a big file's batches do."""
    lines = [json.dumps(good(n)) for n in range(1, 6)]
    lines.insert(2, bad)
    errors: list[LineError] = []
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        report = await ingest_stream(
            inbox, [(line + "\n").encode() for line in lines], batch_size=4, on_error=errors.append
        )
    assert [e.line for e in errors] == [3], errors
    assert reason in errors[0].reason
    assert report.stored == 5
    assert stored_ids(db_path) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"lifetime_value": 10**30}, "'lifetime_value' is not an amount up to"),
        ({"lifetime_value": "9" * 400}, "'lifetime_value' is not an amount up to"),
        ({"lifetime_value": {"usd": 4}}, "'lifetime_value' must be an amount"),
        ({"phone": ["+1", "+2"]}, "'phone' must be text"),
    ],
)
async def test_a_bad_customer_value_is_one_bad_row(
    inbox: Inbox, tmp_path: Path, row: dict[str, Any], reason: str
) -> None:
    rows = [
        {"id": "C-1", "name": "Kate Lindqvist"},
        {"id": "C-2", "name": "John Smith", **row},
        {"id": "C-3", "name": "Ana Núñez", "lifetime_value": "4,200.50"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = await import_customers(inbox, path)
    assert [(e.line, reason in e.reason) for e in report.errors] == [(2, True)], report.errors
    assert report.created == 2


async def test_customer_json_that_python_cannot_read_is_a_bad_row(
    inbox: Inbox, tmp_path: Path
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "C-1", "name": "Kate"}\n'
        '{"id": "C-2", "name": "John", "lifetime_value": NaN}\n'
        '{"id": "C-3", "name": "Ana", "phone": ' + "1" * 5000 + "}\n"
        '{"id": "C-4", "name": "Li", "tags": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
        '{"id": "C-5", "name": "Omar", "address": {"city": "Oslo"}}\n'
        '{"id": "C-6", "name": "Sven", "lifetime_value": 1e400}\n'
    )
    report = await import_customers(inbox, path)
    assert [e.line for e in report.errors] == [2, 3, 4, 6], report.errors
    assert "NaN is not a JSON number" in report.errors[0].reason
    assert "digits" in report.errors[1].reason
    assert "nested too deeply" in report.errors[2].reason
    assert "'lifetime_value' is not an amount up to" in report.errors[3].reason
    [omar] = await inbox.customers.find("C-5")
    assert (await inbox.customers.profile(omar))["fields"] == {"address": '{"city": "Oslo"}'}


async def test_a_json_array_with_an_unreadable_number_is_refused_with_its_line(
    inbox: Inbox, tmp_path: Path
) -> None:
    from scrm_tui.service.customers import FileProblem

    path = tmp_path / "c.json"
    path.write_text('[\n{"name": "Kate"},\n{"name": "John", "phone": ' + "1" * 5000 + "}\n]")
    with pytest.raises(FileProblem, match="line 3: not valid JSON"):
        await import_customers(inbox, path)


# ------------------------------------------------------------------ properties

# Any JSON value, with the numbers JSON allows and Python reads but SQLite cannot hold.
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
# Each field's plausible values, edge cases included.
_FIELDS = {
    "channel": st.sampled_from(["mastodon", "Bluesky", " github ", "myspace", ""]),
    "id": st.text(max_size=20) | st.integers(),
    "text": st.text(),
    "created_at": st.sampled_from(
        ["2026-11-20T10:00:00Z", "2026-11-20", "0001-01-01T00:00:00+14:00", "soon", ""]
    )
    | st.datetimes().map(lambda d: d.isoformat()),
    "author": st.just({"handle": "k"}),
    "author.handle": st.text(max_size=20),
    "author.name": st.text(max_size=20),
    "author.followers": st.integers(min_value=-5, max_value=2**64),
    "author.url": st.text(max_size=20),
    "url": st.text(max_size=20),
    "in_reply_to": st.text(max_size=20) | st.integers(),
    "root": st.text(max_size=20) | st.integers(),
    "matched": st.text(max_size=20),
}


@st.composite
def mentions(draw: st.DrawFn) -> dict[str, Any]:
    """A good mention with up to three fields changed to a plausible value, to any
    JSON value at all, or left out."""
    obj: dict[str, Any] = {**GOOD, "id": draw(st.text(min_size=1, max_size=12))}
    obj["author"] = dict(GOOD["author"])  # type: ignore[call-overload]
    for name in draw(st.lists(st.sampled_from(sorted(_FIELDS)), max_size=3, unique=True)):
        target, key = obj, name
        if name.startswith("author."):
            if not isinstance(obj.get("author"), dict):
                continue
            target, key = obj["author"], name.removeprefix("author.")
        how = draw(st.sampled_from(["plausible", "any", "left out"]))
        if how == "left out":
            target.pop(key, None)
        else:
            target[key] = draw(_FIELDS[name] if how == "plausible" else JSON_VALUES)
    return obj


# Raw tokens JSON text can hold that no Python value dumps to.
RAW = st.sampled_from(["NaN", "-Infinity", "1e400", "9" * 4400, "[" * 3000, '"\\ud800"', "{}"])


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["mention", "raw-field", "text", "bytes"]))
    if kind == "mention":
        return json.dumps(draw(mentions()), ensure_ascii=draw(st.booleans())).encode(
            "utf-8", "surrogatepass"
        )
    if kind == "raw-field":
        obj = {**GOOD, "id": draw(st.text(max_size=8))}
        field = draw(st.sampled_from(["id", "text", "followers", "created_at", "in_reply_to"]))
        text = json.dumps(obj).replace('"followers": 12', '"followers": "@F@"')
        marker = '"@F@"' if field == "followers" else json.dumps(obj.get(field))
        return text.replace(marker, draw(RAW), 1).encode()
    if kind == "text":
        return draw(st.text()).encode("utf-8", "surrogatepass")
    return draw(st.binary())


def _one_line(raw: bytes) -> bytes:
    return raw.replace(b"\n", b" ")


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(raw=lines(), number=st.integers(min_value=1, max_value=10**6))
def test_any_line_is_a_mention_a_numbered_bad_line_or_blank(raw: bytes, number: int) -> None:
    parsed = parse_line(_one_line(raw), number)
    assert parsed is None or isinstance(parsed, (MentionIn, LineError))
    if isinstance(parsed, LineError):
        assert parsed.line == number and parsed.reason
    if isinstance(parsed, MentionIn):
        # Everything bound for SQLite fits it: text, and integers in 64 bits.
        row = flatten(parsed, Sentiment(0.0, 0.0, 1.0, 0.0))
        for value in row:
            if isinstance(value, int):
                assert -(2**63) <= value < 2**63
            if isinstance(value, str):
                value.encode("utf-8")  # no lone surrogates


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(middle=st.lists(lines(), min_size=1, max_size=6), batch_size=st.sampled_from([2, 100]))
def test_any_lines_store_or_are_named_and_never_cost_the_others(
    middle: list[bytes], batch_size: int
) -> None:
    """A good line before and after any lines at all: both stored, every other line
    stored or named as bad, nothing raised. Batches of 2 go through the workers."""
    lines_in = [json.dumps(good("first")).encode()]
    lines_in += [_one_line(raw) for raw in middle]
    lines_in.append(json.dumps(good("last")).encode())
    expected_bad = {
        n for n, raw in enumerate(lines_in, start=1) if isinstance(parse_line(raw, n), LineError)
    }
    blank = sum(1 for n, raw in enumerate(lines_in, start=1) if parse_line(raw, n) is None)

    async def run(db: Path) -> tuple[Any, list[LineError]]:
        errors: list[LineError] = []
        async with await Inbox.open(db, "tester", fixed_clock) as inbox:
            report = await ingest_stream(
                inbox,
                [raw + b"\n" for raw in lines_in],
                batch_size=batch_size,
                on_error=errors.append,
            )
        return report, errors

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "p.db"
        report, errors = asyncio.run(run(db))
        assert {e.line for e in errors} == expected_bad
        assert report.stored + report.duplicates + len(errors) + blank == len(lines_in)
        assert {"first", "last"} <= stored_ids(db)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_a_long_csv_cell_does_not_cost_the_rows_after_it(
    inbox: Inbox, tmp_path: Path
) -> None:
    notes = "called about the sync outage; " * 7000  # 210,000 characters
    path = tmp_path / "c.csv"
    path.write_text(
        f'id,name,notes\nC-1,Kate Lindqvist,"{notes}"\nC-2,John Smith,short\n', encoding="utf-8"
    )
    report = await import_customers(inbox, path)
    assert (report.created, report.errors) == (2, [])
    [kate] = await inbox.customers.find("C-1")
    assert (await inbox.customers.profile(kate))["notes"] == notes.strip()
