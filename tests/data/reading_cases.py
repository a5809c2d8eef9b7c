"""Posts to read with the old and the new reading pass: their answers must be the same.

Shared by tests/unit/test_reading_same.py (against answers written by 95c3a1d) and
bench/reading_ab.py (which runs two trees over them). Each group is read by one
`read_many` call with its watch terms, as an ingest batch is.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from scrm_tui.core.models import MentionIn, NewMention
from scrm_tui.core.records import parse_mention
from tests.data import vader_groundtruth

CASES = Path(__file__).parent / "reading_cases.json"

Group = tuple[str, tuple[str, ...], list[MentionIn]]


def demo_posts() -> list[MentionIn]:
    """Every post of the demo (its twelve languages), as ingest parses it."""
    posts = []
    for name in ("mentions.jsonl", "stream.jsonl"):
        text = files("scrm_tui").joinpath("fixtures", name).read_text("utf-8")
        posts += [parse_mention(json.loads(line)) for line in text.splitlines() if line]
    return posts


def tweets(declared: str | None) -> list[MentionIn]:
    """VADER's 4,200 human-rated tweets, declared English or left to the detector."""
    posts = []
    for line in vader_groundtruth.as_jsonl(vader_groundtruth.load()):
        record = json.loads(line)
        record["lang"] = declared
        posts.append(parse_mention(record))
    return posts


def written() -> list[Group]:
    """Hand-written posts: one group per set of watch terms (reading_cases.json)."""
    groups = []
    for group in json.loads(CASES.read_text("utf-8")):
        posts = [
            parse_mention(
                {
                    "channel": "mastodon",
                    "id": f"{group['name']}-{n}",
                    "text": case["text"],
                    "created_at": "2026-12-01T00:00:00Z",
                    "author": {"handle": "someone@example.org"},
                    "lang": case.get("lang"),
                    "matched": case.get("matched"),
                }
            )
            for n, case in enumerate(group["posts"])
        ]
        groups.append((group["name"], tuple(group["terms"]), posts))
    return groups


def groups() -> list[Group]:
    """Every group of posts, in a fixed order: (name, watch terms, posts)."""
    demo = demo_posts()
    return [
        ("demo, brand Kestrel", ("Kestrel",), demo),
        ("demo, no terms", (), demo),
        ("VADER tweets, declared en", (), tweets("en")),
        ("VADER tweets, detected, terms", ("good", "Nothing Phone"), tweets(None)),
        *written(),
    ]


def answers(rows: list[NewMention]) -> list[list[object]]:
    """What reading decided of each row: language, confidence, source and sentiment."""
    return [
        [row.lang, row.lang_conf, row.lang_src, row.compound, row.pos, row.neu, row.neg]
        for row in rows
    ]
