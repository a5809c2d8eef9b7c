"""Sentiment set by hand (`s`): it wins over the scorer everywhere, and is kept as labelled data.

A mention's figures (compound, pos, neu, neg) become the label's own, so every filter,
count, trend and priority reads the person's label without knowing it was set by hand;
`mood_by` says who set it, and the `labels` row keeps what the scorer had said, to
measure the scorer (`scrm accuracy`) and to put its figures back when the label is
cleared or undone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrm_tui.core.models import SentimentLabel
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.history import Entry, about_mentions, record

SENTIMENT = "sentiment"  # the history kind
_CHUNK = 500

# A label's figures: the middle of its band (a filter or a trend reads them as any
# score), and all of the text in its one proportion.
FIGURES: dict[SentimentLabel, tuple[float, float, float, float]] = {
    SentimentLabel.POSITIVE: (0.5, 1.0, 0.0, 0.0),
    SentimentLabel.NEUTRAL: (0.0, 0.0, 1.0, 0.0),
    SentimentLabel.NEGATIVE: (-0.5, 0.0, 0.0, 1.0),
}
_LABEL_COLUMNS = ("label", "predicted", "predicted_score", "scored", "agent", "created_ms")


def _said(compound: float | None) -> str:
    if compound is None:
        return "unscored"
    return f"{SentimentLabel.from_compound(compound).value} {compound:+.2f}"


async def _rows(conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each stored mention's figures, who set them by hand, and its sentiment label row."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = await fetch_all(
            conn,
            f"""SELECT m.id, m.compound, m.pos, m.neu, m.neg, m.mood_by, m.mood_ms,
                       l.label, l.predicted, l.predicted_score, l.scored, l.agent, l.created_ms
                FROM mentions m
                LEFT JOIN labels l ON l.mention_id = m.id AND l.kind = 'sentiment'
                WHERE m.id IN ({",".join("?" * len(chunk))})""",
            chunk,
        )
        for row in rows:
            found[int(row[0])] = {
                "figures": list(row[1:5]),
                "by": row[5],
                "at": row[6],
                "label": dict(zip(_LABEL_COLUMNS, row[7:], strict=True)) if row[7] else None,
            }
    return found


def state(row: dict[str, Any]) -> list[Any]:
    """What a mention's sentiment is now, as a bulk item's `after` compares it: the
    label set by hand (None: the scorer's), by whom, when."""
    compound = row["figures"][0]
    label = (
        SentimentLabel.from_compound(compound).value if row["by"] and compound is not None else None
    )
    return [label, row["by"], row["at"]]


async def states(conn: Connection, ids: Sequence[int]) -> dict[int, list[Any]]:
    return {i: state(row) for i, row in (await _rows(conn, ids)).items()}


async def set_in(
    conn: Connection,
    ids: Sequence[int],
    label: SentimentLabel | None,
    agent: str,
    now_ms: int,
) -> dict[int, tuple[dict[str, Any], list[Any]]]:
    """Set each mention's sentiment to `label` (None: back to the scorer's), inside the
    caller's transaction, each change in the history; returns, for each mention that
    changed, everything it was (to put back) and what it is now."""
    rows = await _rows(conn, ids)
    about = await about_mentions(conn, list(rows), "m.lang")
    changed: dict[int, tuple[dict[str, Any], list[Any]]] = {}
    entries = []
    for i, row in rows.items():
        was = state(row)
        if label is None and row["by"] is None:
            continue  # already the scorer's
        if label is not None and was[0] == label.value and was[1] == agent:
            continue
        kept = row["label"]
        # The scorer's figures: those stored, unless someone set them by hand before.
        scored = json.loads(kept["scored"]) if kept else row["figures"]
        scorer = _said(scored[0])
        who, (lang,) = about[i]
        if label is None:
            figures, by, at = scored, None, None
            await conn.execute(
                "DELETE FROM labels WHERE kind = 'sentiment' AND mention_id = ?", (i,)
            )
            summary = f"sentiment back to the scorer's: {scorer}"
        else:
            figures, by, at = list(FIGURES[label]), agent, now_ms
            await conn.execute(
                """INSERT INTO labels (kind, mention_id, author_id, customer_id, lang, label,
                                       predicted, predicted_score, scored, agent, created_ms)
                   VALUES ('sentiment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (mention_id) WHERE kind = 'sentiment' DO UPDATE SET
                       label = excluded.label, agent = excluded.agent,
                       created_ms = excluded.created_ms, lang = excluded.lang""",
                (
                    i,
                    who.author_id,
                    who.customer_id,
                    lang,
                    label.value,
                    None if scored[0] is None else SentimentLabel.from_compound(scored[0]).value,
                    scored[0],
                    json.dumps(scored),
                    agent,
                    now_ms,
                ),
            )
            summary = f"sentiment set to {label.value} (the scorer said {scorer})"
        await conn.execute(
            "UPDATE mentions SET compound = ?, pos = ?, neu = ?, neg = ?, mood_by = ?, "
            "mood_ms = ? WHERE id = ?",
            (*figures, by, at, i),
        )
        entries.append(
            Entry(
                SENTIMENT,
                now_ms,
                agent,
                summary,
                {"label": None if label is None else label.value, "scorer": scored[0]},
                customer_id=who.customer_id,
                author_id=who.author_id,
                mention_id=i,
                channel=who.channel,
            )
        )
        changed[i] = (row, [None if label is None else label.value, by, at])
    await record(conn, entries)
    return changed


async def put_back_in(
    conn: Connection,
    items: Sequence[tuple[int, dict[str, Any]]],
    agent: str,
    now_ms: int,
) -> None:
    """Each mention's sentiment exactly as it was (`set_in`'s record of it): its
    figures, who had set them, and the label row; each in the history as undone."""
    about = await about_mentions(conn, [i for i, _ in items])
    entries = []
    for i, was in items:
        await conn.execute("DELETE FROM labels WHERE kind = 'sentiment' AND mention_id = ?", (i,))
        kept = was["label"]
        if kept is not None:
            who, _ = about[i]
            await conn.execute(
                f"""INSERT INTO labels (kind, mention_id, author_id, customer_id,
                                        {", ".join(_LABEL_COLUMNS)})
                    VALUES ('sentiment', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (i, who.author_id, who.customer_id, *(kept[c] for c in _LABEL_COLUMNS)),
            )
        await conn.execute(
            "UPDATE mentions SET compound = ?, pos = ?, neu = ?, neg = ?, mood_by = ?, "
            "mood_ms = ? WHERE id = ?",
            (*was["figures"], was["by"], was["at"], i),
        )
        if i in about:
            who, _ = about[i]
            entries.append(
                Entry(
                    SENTIMENT,
                    now_ms,
                    agent,
                    f"sentiment change undone: {_said(was['figures'][0])}",
                    {"undone": True},
                    customer_id=who.customer_id,
                    author_id=who.author_id,
                    mention_id=i,
                    channel=who.channel,
                )
            )
    await record(conn, entries)
