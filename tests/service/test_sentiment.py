"""Sentiment as stored by the real ingest pipeline agrees with human raters."""

from __future__ import annotations

import statistics

import pytest

from scrm_tui.core.models import SentimentLabel
from scrm_tui.enrich.sentiment import score
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.ingest import ingest_stream
from tests.data import vader_groundtruth
from tests.support import plain


@pytest.mark.both_engines
async def test_stored_scores_correlate_with_human_ratings(inbox: Inbox) -> None:
    rows = vader_groundtruth.load()
    assert len(rows) == 4200
    report = await ingest_stream(inbox, vader_groundtruth.as_jsonl(rows))
    assert report.ok and report.stored == 4200
    sql = "SELECT external_id, compound FROM mentions WHERE channel = 'x'"
    stored = dict(plain.rows(inbox.db.target, sql))
    # Declared English (as X declares its tweets), every one is scored by VADER.
    scored = [(mean, stored[tid]) for tid, mean, _ in rows if stored[tid] is not None]
    assert len(scored) == len(rows)
    human = [mean for mean, _ in scored]
    ours = [compound for _, compound in scored]
    r = statistics.correlation(human, ours)
    # VADER's paper reports 0.881 with the 2014 engine; today's package gives 0.872
    # on the raw text. Normalising case, punctuation or emoji would lower it.
    assert r >= 0.87, f"Pearson r = {r:.4f}"


def test_labels_use_vader_thresholds() -> None:
    assert SentimentLabel.from_compound(0.05) is SentimentLabel.POSITIVE
    assert SentimentLabel.from_compound(0.0499) is SentimentLabel.NEUTRAL
    assert SentimentLabel.from_compound(-0.05) is SentimentLabel.NEGATIVE


def test_case_punctuation_and_emoji_carry_signal() -> None:
    plain = score("the update is good").compound
    assert score("the update is GOOD!!!").compound > plain
    assert score("the update is good 😍").compound > plain
    assert score("the update is not good").compound < 0
