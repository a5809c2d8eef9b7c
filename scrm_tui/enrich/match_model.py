"""Match probabilities: a logistic model over what agreed between an author and a customer.

Each comparison (how well the name fits, an identifier that agrees, the company, how rare
the customer's name is, whether a rival fits as well) becomes a few banded features,
in the manner of Fellegi-Sunter agreement levels; their weights are log-odds, summed with
a prior and turned into a probability. The weights are fitted to labelled decisions
(bench/match_bench.py --fit on half the eval set; `scrm matching refit` on the agents'
confirmations and rejections) by Newton's method with a ridge that pulls them towards
the weights they start from, so a handful of decisions nudges them and never overturns.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).with_name("match_weights.json")

# What one candidate brings to the model, before it is turned into features.
Evidence = str  # "handle" (confirmed elsewhere), "email" (local part), "domain", or ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """How one author compares with one customer (matching/scorer.py's _Scorer findings)."""

    score: float  # the matcher's 0-100 ranking score
    has_name: bool  # the author shows a display name
    name: float  # 0-100: the display name against the customer's name
    fit: float  # 0-1: share of the display name that fits the customer
    ident: float  # 0-100: the handle against the customer's handles and e-mail
    ident_email: bool  # ... and the e-mail local part is what agreed
    distinctive: bool  # an equal handle says more than the name (katelindqvist88)
    spelled: float  # 0-100: the handle spells the customer's name
    company: float  # 0-100: the author is the customer's company
    theirs: float  # 0-100: the display name spells one of their handles or e-mail
    rarity: float  # bits: -log2 of the share of customers whose name has these words
    evidence: Evidence  # identifying evidence a name cannot fake, or ""
    on_domain: bool = False  # the author's account is on the customer's company domain
    initial: bool = False  # the display name gives a word as its initial only (K. Lindqvist)


def features(
    c: Comparison, rival: float, same_name_rival: bool, rival_on_domain: bool = False
) -> dict[str, float]:
    """The model's inputs: `rival` is the best other shown candidate's score (0 if
    none); `same_name_rival` that another shown customer has the very same name;
    `rival_on_domain` that another shown customer, not this one, is of the company on
    whose domain the author's account is (a first-name e-mail elsewhere, tunde@163.com,
    says less than the account tunde.horizonsolar.no beside Tunde of Horizon Solar)."""
    f: dict[str, float] = {}
    if c.has_name:
        _band(f, c.name, ((97, "name_exact"), (85, "name_close"), (70, "name_part")))
        if c.initial:
            # An initial fits every name with that letter: "Stefan S." as close as a typo
            # of Stefan Schmidt's name is not as sure of him.
            f["name_initial"] = 1.0
        if c.name:
            # How much of the shown name fits, where any of it does: a company account's
            # name shares no word with its contacts' and conflicts with none of them.
            _band(f, c.fit, ((0.7, ""), (0.4, "name_fits_partly"), (-1.0, "name_conflicts")))
    else:
        f["no_name"] = 1.0
    equal = "handle_equal_distinctive" if c.distinctive else "handle_equal_name_shaped"
    _band(f, c.ident, ((100, equal), (85, "handle_close")))
    _band(f, c.spelled, ((90, "handle_spells_name"), (60, "handle_spells_name_partly")))
    _band(f, c.company, ((90, "company"),))
    _band(f, c.theirs, ((60, "name_spells_their_handle"),))
    if c.evidence:
        f[f"evidence_{c.evidence}"] = 1.0
    if c.on_domain:
        f["on_their_domain"] = 1.0
    # Term frequency: "Lindqvist" says more than "Smith". Centred so that a name as
    # common as a typical first name + surname adds nothing. Only where the name (or a
    # handle spelling it) agreed: a company account's contacts are not told apart by
    # how rare their names are.
    if max(c.name, c.spelled, c.theirs) >= 60:
        f["rarity"] = max(min(c.rarity, 30.0) - 15.0, -10.0) / 10.0
    f["score"] = (c.score - 80.0) / 10.0
    gap = c.score - rival
    f["lead"] = max(min(gap, 30.0), -30.0) / 10.0
    if rival == 0:
        f["alone"] = 1.0
    if same_name_rival:
        f["same_name_rival"] = 1.0
    if rival_on_domain and not c.on_domain:
        f["rival_on_domain"] = 1.0
    return f


def _band(f: dict[str, float], value: float, bands: tuple[tuple[float, str], ...]) -> None:
    """Sets the feature of the first band (floor, name), highest floor first, that
    `value` reaches: an agreement level in Fellegi-Sunter's sense. "" names none."""
    for floor, name in bands:
        if value >= floor:
            if name:
                f[name] = 1.0
            return


@dataclass(frozen=True)
class Weights:
    """Log-odds per feature and a prior (the intercept); where they came from."""

    intercept: float
    weights: Mapping[str, float] = field(default_factory=dict)
    source: str = "shipped"

    def log_odds(self, f: Mapping[str, float]) -> float:
        w = self.weights
        return self.intercept + sum(v * w.get(k, 0.0) for k, v in f.items())

    def probability(self, f: Mapping[str, float]) -> float:
        z = self.log_odds(f)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def to_json(self) -> str:
        return json.dumps(
            {
                "intercept": round(self.intercept, 6),
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
                "source": self.source,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Weights:
        """Weights as stored; a clear ValueError for anything else."""
        try:
            raw = json.loads(text)
            intercept = float(raw["intercept"])
            weights = {str(k): float(v) for k, v in dict(raw["weights"]).items()}
            source = str(raw.get("source", "stored"))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"match weights are not readable: {err}") from err
        if not all(math.isfinite(v) for v in (intercept, *weights.values())):
            raise ValueError("match weights are not finite numbers")
        return cls(intercept, weights, source)


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """The weights shipped with scrm (fitted on half of tests/data/match_eval.jsonl)."""
    return Weights.from_json(SHIPPED.read_text(encoding="utf-8"))


Row = tuple[Mapping[str, float], bool]


def fit(
    rows: Sequence[Row],
    start: Weights | None = None,
    ridge: float = 1.0,
    iterations: int = 30,
    source: str = "fitted",
) -> Weights:
    """Logistic regression by Newton's method, the weights pulled towards `start` (zero
    when None) by `ridge`: with few decisions the start holds, with many the data speaks.
    Pure Python: rows are sparse (a dozen features each), a fit of thousands takes well
    under a second."""
    start = start or Weights(0.0, {})
    names = sorted({k for f, _ in rows for k in f} | set(start.weights))
    index = {k: i + 1 for i, k in enumerate(names)}  # 0 is the intercept
    d = len(names) + 1
    prior = [start.intercept] + [start.weights.get(k, 0.0) for k in names]
    w = list(prior)
    sparse = [([(0, 1.0)] + [(index[k], v) for k, v in f.items() if v], y) for f, y in rows]
    for _ in range(iterations):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for i in range(d):  # the ridge: each weight held near where it started
            grad[i] -= ridge * (w[i] - prior[i])
            hess[i][i] += ridge
        for x, y in sparse:
            z = sum(w[j] * v for j, v in x)
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            r = (1.0 if y else 0.0) - p
            s = p * (1.0 - p)
            for j, v in x:
                grad[j] += r * v
                row = hess[j]
                for k, u in x:
                    row[k] += s * v * u
        step = _solve(hess, grad)
        w = [a + b for a, b in zip(w, step, strict=True)]
        if max(abs(b) for b in step) < 1e-7:
            break
    return Weights(w[0], {k: w[index[k]] for k in names}, source)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """a x = b by Gaussian elimination with partial pivoting (a is small and positive
    definite: the ridge sees to that)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        head = m[col][col]
        if abs(head) < 1e-12:
            continue
        for r in range(col + 1, n):
            factor = m[r][col] / head
            if factor:
                for c in range(col, n + 1):
                    m[r][c] -= factor * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        head = m[r][r]
        if abs(head) < 1e-12:
            continue
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / head
    return x
