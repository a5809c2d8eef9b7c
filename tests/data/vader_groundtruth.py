"""The VADER tweet ground truth as ingest records, for the test and the bench."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

FILE = Path(__file__).parent / "vader_hutto_icwsm2014" / "tweets_GroundTruth.txt"
START = datetime(2014, 1, 1, tzinfo=UTC)


def load() -> list[tuple[str, float, str]]:
    """(id, human mean rating, text exactly as in the file) for all 4,200 tweets."""
    raw = FILE.read_bytes().decode("utf-8")
    rows = []
    for line in raw.split("\r\n"):
        if line:
            tweet_id, mean, text = line.split("\t", 2)
            rows.append((tweet_id, float(mean), text))
    return rows


def as_jsonl(rows: list[tuple[str, float, str]]) -> list[bytes]:
    """One ingest line per tweet; the text goes through untouched."""
    return [
        json.dumps(
            {
                "channel": "x",
                "id": tweet_id,
                "text": text,
                "created_at": (START + timedelta(minutes=int(tweet_id))).isoformat(),
                "author": {"handle": "anonymous"},
                # English tweets, as X declares them: the detector alone leaves ~10% of
                # these short posts unknown, and an unknown language is unscored.
                "lang": "en",
            }
        ).encode("utf-8")
        for tweet_id, _, text in rows
    ]
