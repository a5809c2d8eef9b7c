"""Refit the match model from the agents' confirmations and rejections (`scrm matching refit`).

Each decided author is matched again as it was before the decision (its own confirmed
identity left out); the candidates it is shown are labelled by what a person said (the
confirmed customer is right and the others wrong; a rejected one wrong), and the model is
refitted on them, pulled towards the shipped weights so that a few decisions only nudge it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.enrich.match_model import Row, Weights, default_weights, fit
from scrm_tui.enrich.matching import Matcher, shown_features
from scrm_tui.store.match_weights import Decided

# Below this many labelled candidates a refit would say more about chance than about the
# team's authors: the shipped weights stay.
MIN_CANDIDATES = 20
# How strongly the shipped weights hold (a Gaussian prior on each, in log-odds): about
# as much as a few dozen decisions that point the same way.
RIDGE = 2.0


@dataclass(frozen=True)
class Refitted:
    """What a refit learned from, and the weights (None: too few decisions)."""

    weights: Weights | None
    authors: int  # decided authors whose candidates were labelled
    candidates: int  # labelled candidates
    right: int  # ... of which the customer a person confirmed
    unseen: int  # decided authors the matcher shows none of the decided customers for
    seconds: float


def labelled(matcher: Matcher, decided: Sequence[Decided]) -> tuple[list[Row], int, int]:
    """(rows, authors used, authors unseen): the shown candidates of each decided author,
    labelled by the decisions."""
    rows: list[Row] = []
    used = unseen = 0
    for d in decided:
        a = d.author
        result = matcher.match(
            a.channel, a.handle, a.display_name, url=a.url, as_unknown=True, proven=a.proven
        )
        shown = result.candidates
        mine = 0
        for candidate, f in zip(shown, shown_features(shown), strict=True):
            if f is None:
                continue
            if d.confirmed is not None:
                rows.append((f, candidate.customer_id == d.confirmed))
                mine += 1
            elif candidate.customer_id in d.rejected:
                rows.append((f, False))
                mine += 1
        if d.confirmed is not None and d.confirmed not in {c.customer_id for c in shown}:
            unseen += 1
        elif mine:
            used += 1
        else:
            unseen += 1
    return rows, used, unseen


def refit(matcher: Matcher, decided: Sequence[Decided]) -> Refitted:
    """New weights from the decisions, starting from (and held near) the shipped ones."""
    began = time.perf_counter()
    rows, used, unseen = labelled(matcher, decided)
    right = sum(1 for _, y in rows if y)
    weights = None
    if len(rows) >= MIN_CANDIDATES:
        weights = fit(
            rows,
            start=default_weights(),
            ridge=RIDGE,
            source=f"refitted on {len(rows)} candidates of {used} decided authors",
        )
    return Refitted(weights, used, len(rows), right, unseen, time.perf_counter() - began)
