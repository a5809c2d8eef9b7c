"""Validating mention and customer records: clear reasons, nothing silently changed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scrm_tui.core.models import Channel
from scrm_tui.core.records import RecordError, parse_customer, parse_mention, repair_text
from tests.support import hostile

GOOD = {
    "channel": "mastodon",
    "id": "113054817361234567",
    "url": "https://fosstodon.org/@kate/113054817361234567",
    "text": "Kestrel sync is stuck on 'Connecting…' AGAIN!!! 😡",
    "created_at": "2026-11-20T14:03:11+01:00",
    "author": {"handle": "kate@fosstodon.org", "name": "Kate 🌻", "followers": 1234},
    "in_reply_to": None,
}


def test_a_good_record_is_kept_exactly() -> None:
    m = parse_mention(GOOD)
    assert m.channel is Channel.MASTODON
    assert m.text == GOOD["text"]
    assert m.created_at == datetime(2026, 11, 20, 13, 3, 11, tzinfo=UTC)
    assert m.author.followers == 1234


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"channel": "mastdon"}, "unknown channel 'mastdon'"),
        ({"channel": None}, "missing required field 'channel'"),
        ({"id": ""}, "'id' is empty"),
        ({"id": True}, "'id' must be a string or an integer"),
        ({"text": None}, "missing required field 'text'"),
        ({"text": 42}, "'text' must be a string, not int"),
        ({"created_at": "yesterday"}, "is not an ISO 8601 date-time"),
        ({"created_at": "0003-01-01T00:00:00Z"}, "year 3 is outside"),
        ({"author": "kate"}, "missing required object 'author'"),
        ({"author": {"name": "Kate"}}, "missing required field 'author.handle'"),
        ({"author": {"handle": "k", "followers": -3}}, "'author.followers' must be a whole number"),
        ({"author": {"handle": "k", "followers": "many"}}, "'author.followers' must be"),
    ],
)
def test_each_problem_is_named(change: dict, reason: str) -> None:
    record = {**GOOD, **change}
    with pytest.raises(RecordError, match=reason.replace("(", r"\(")):
        parse_mention(record)


def test_numeric_ids_are_accepted_as_text() -> None:
    assert parse_mention({**GOOD, "id": 41234567}).external_id == "41234567"


def test_extra_fields_from_an_export_are_ignored() -> None:
    record = {**GOOD, "sentiment": {"compound": 0.5}, "status": "done"}
    assert parse_mention(record).external_id == GOOD["id"]


def test_error_messages_do_not_echo_control_characters() -> None:
    with pytest.raises(RecordError) as caught:
        parse_mention({**GOOD, "channel": "\x1b[2Jmastodon"})
    assert "\x1b" not in str(caught.value)
    assert "␛[2J" in str(caught.value)


def test_lone_surrogates_become_replacement_characters_and_pairs_survive() -> None:
    for line in hostile.LONE_SURROGATE_LINES:
        m = parse_mention(json.loads(line))
        m.text.encode("utf-8")  # would raise on a lone surrogate
        m.author.handle.encode("utf-8")
        assert "\ufffd" in m.text + m.author.handle + (m.author.name or "")
    assert repair_text(json.loads('"\\ud83d\\ude00"')) == "😀"


def test_customer_columns_handles_and_custom_fields() -> None:
    customer = parse_customer(
        {
            "id": "C-1",
            "name": "Kate Lindqvist",
            "email": "kate@acme.se",
            "tier": "Pro",
            "lifetime_value": "$4,200",
            "mastodon": "kate@fosstodon.org; @k8s_kate@hachyderm.io",
            "github": "klindqvist",
            "region": "EU",
        }
    )
    assert customer.tier == "pro"
    assert customer.lifetime_value == 4200.0
    assert (Channel.MASTODON, "@k8s_kate@hachyderm.io") in customer.identities
    assert (Channel.GITHUB, "klindqvist") in customer.identities
    assert customer.fields == (("region", "EU"),)


def test_customer_without_name_is_refused() -> None:
    with pytest.raises(RecordError, match="name"):
        parse_customer({"email": "x@y.z"})
