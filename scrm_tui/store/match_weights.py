"""The agents' link decisions as labelled data, and the match weights refitted from them."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.linking import AuthorInfo

_AUTHOR = """SELECT a.id, a.channel, a.handle, a.display_name, a.customer_id, a.match_state,
                    a.match_score, a.url, a.links
             FROM authors a"""


@dataclass(frozen=True)
class Decided:
    """One author the agents decided about: who they said it is, and who it is not."""

    author: AuthorInfo
    confirmed: int | None  # the customer a person confirmed, if any
    rejected: frozenset[int]  # customers a person said it is not


@dataclass(frozen=True)
class StoredWeights:
    weights: str  # match_model.Weights.to_json()
    candidates: int  # labelled candidates they were fitted on
    authors: int  # authors those came from
    fitted_ms: int
    fitted_by: str


async def decisions(db: Database) -> list[Decided]:
    """Every author a person confirmed (not one they made a customer from: that name says
    nothing) or rejected a customer for, with those decisions."""
    confirmed = {
        row[0]: AuthorInfo(*row)
        for row in await fetch_all(
            db.reader,
            f"""{_AUTHOR} WHERE a.match_state = 'confirmed' AND a.customer_id IS NOT NULL
                AND NOT EXISTS (
                    SELECT 1 FROM interactions i
                    WHERE i.kind = 'link' AND i.author_id = a.id
                      AND json_extract(i.detail, '$.how') = 'created')""",
        )
    }
    rejected: dict[int, set[int]] = {}
    authors = dict(confirmed)
    for *row, customer_id in await fetch_all(
        db.reader,
        f"""{_AUTHOR.replace("FROM authors a", ", r.customer_id FROM authors a")}
            JOIN match_rejections r ON r.author_id = a.id""",
    ):
        author = AuthorInfo(*row)
        authors.setdefault(author.id, author)
        rejected.setdefault(author.id, set()).add(int(customer_id))
    return [
        Decided(
            author,
            author.customer_id if author_id in confirmed else None,
            frozenset(rejected.get(author_id, ())),
        )
        for author_id, author in sorted(authors.items())
    ]


async def stored(db: Database) -> StoredWeights | None:
    """The refitted weights, or None (the matcher uses the shipped ones)."""
    row = await fetch_one(
        db.reader,
        "SELECT weights, candidates, authors, fitted_ms, fitted_by FROM match_weights WHERE id = 1",
    )
    return (
        StoredWeights(str(row[0]), int(row[1]), int(row[2]), int(row[3]), str(row[4]))
        if row
        else None
    )


async def save(db: Database, weights: StoredWeights) -> None:
    """Replace the refitted weights (every matching process reads them on its next batch)."""
    async with db.transaction(wakes=False) as conn:
        await conn.execute(
            """INSERT INTO match_weights (id, weights, candidates, authors, fitted_ms, fitted_by)
               VALUES (1, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET weights = excluded.weights,
                   candidates = excluded.candidates, authors = excluded.authors,
                   fitted_ms = excluded.fitted_ms, fitted_by = excluded.fitted_by""",
            (
                weights.weights,
                weights.candidates,
                weights.authors,
                weights.fitted_ms,
                weights.fitted_by,
            ),
        )


async def forget(db: Database) -> bool:
    """Back to the shipped weights; whether there were refitted ones."""
    async with db.transaction(wakes=False) as conn:
        cursor = await conn.execute("DELETE FROM match_weights WHERE id = 1")
        return cursor.rowcount > 0
