"""Match probabilities a person can read and trust: calibrated on cases the weights never
saw, automatic links only on evidence a name cannot fake, and weights that learn from the
agents' decisions and persist in the database."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from scrm_tui.core.models import AuthorIn, Channel, CustomerIn
from scrm_tui.enrich.match_model import default_weights
from scrm_tui.enrich.matching import CustomerKey, Matcher, MatchResult, Thresholds
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support import plain

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "data" / "match_eval.jsonl"

KATE = CustomerKey(
    1,
    "Kate Lindqvist",
    "kate.codes@harborlabs.se",
    "Harbor Labs AB",
    (("github", "katelindqvist88"), ("reddit", "klindqvist")),
)
NAMESAKE = CustomerKey(2, "Kate Lindqvist", "kate.lindqvist@gmail.com")
COLLEAGUE = CustomerKey(3, "Johan Berg", "johan.berg@harborlabs.se", "Harbor Labs AB")
OTHERS = [
    CustomerKey(10 + n, name, f"{name.lower().replace(' ', '.')}@example.org")
    for n, name in enumerate(
        ["Kate Lind", "Katie Lindgren", "John Smith", "Maria Garcia", "Ana Berg", "Sven Holm"]
    )
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([KATE, NAMESAKE, COLLEAGUE, *OTHERS])


def linked(result: MatchResult) -> int | None:
    return result.candidates[0].customer_id if result.decision == "auto" else None


# --------------------------------------------------------------------------------------
# Evidence a name cannot fake, and names that never link
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "handle", "name", "url", "evidence"),
    [
        # Her confirmed GitHub handle, on X: it says more than her name (the 88).
        ("x", "katelindqvist88", None, None, "handle"),
        ("bluesky", "katelindqvist88.bsky.social", "Kate 🌻", None, "handle"),
        # Her e-mail's local part as the handle, with her name beside it.
        ("github", "kate-codes", "Kate Lindqvist", None, "email"),
        # A Bluesky handle under her company's domain (Bluesky checks the domain).
        ("bluesky", "kate.harborlabs.se", "Kate Lindqvist", None, "domain"),
        ("bluesky", "klindqvist.harborlabs.se", None, None, "domain"),
        # A Mastodon account on the company's own instance.
        ("mastodon", "kate@social.harborlabs.se", "Kate Lindqvist 🌻", None, "domain"),
        # A profile URL on the company's domain.
        ("hackernews", "orbital9", "Kate Lindqvist", "https://harborlabs.se/team/kate", "domain"),
    ],
)
def test_each_kind_of_evidence_links_automatically_even_with_a_namesake(
    matcher: Matcher, channel: str, handle: str, name: str | None, url: str | None, evidence: str
) -> None:
    result = matcher.match(channel, handle, name, url=url)
    assert linked(result) == 1, result
    assert result.candidates[0].evidence == evidence
    assert linked(matcher.scan(channel, handle, name, url=url)) == 1


@pytest.mark.parametrize(
    ("channel", "handle", "name", "url"),
    [
        # The name two customers share, however exact: never linked, whatever the odds.
        ("hackernews", "coffee_pixel", "Kate Lindqvist", None),
        ("mastodon", "kate@mastodon.social", "Kate Lindqvist", None),
        # A handle built from the name is held by namesakes too.
        ("x", "klindqvist", "Kate Lindqvist", None),
        ("x", "klindqvist", None, None),
        # Her distinctive handle, but another person's name beside it.
        ("x", "katelindqvist88", "Ulla Svensson", None),
        # Someone else at her company, on its domain.
        ("bluesky", "lena.harborlabs.se", "Lena Ek", None),
        ("bluesky", "kate.harborlabs.se", "Kate", None),  # which Kate of the company?
        ("mastodon", "kate@social.harborlabs.se", "Kate L.", None),
        # Her name on a domain that only looks like her company's.
        ("bluesky", "kate.harbor-labs.se", "Kate Lindqvist", None),
        ("github", "kl-x", "Kate Lindqvist", "https://github.com/kl-x"),  # the network's own
    ],
)
def test_a_shared_name_or_borrowed_evidence_never_links(
    matcher: Matcher, channel: str, handle: str, name: str | None, url: str | None
) -> None:
    # Even if any probability were enough, with no margin asked.
    lax = replace(matcher.thresholds, auto=0.0, margin=0.0)
    matcher.thresholds = lax
    try:
        result = matcher.match(channel, handle, name, url=url)
    finally:
        matcher.thresholds = Thresholds()
    if name == "Kate Lindqvist" and handle != "klindqvist":
        assert {c.customer_id for c in result.candidates} >= {1, 2}
    assert result.decision != "auto", result


def test_probabilities_are_shown_best_first_and_a_namesake_halves_them(matcher: Matcher) -> None:
    result = matcher.match("hackernews", "coffee_pixel", "Kate Lindqvist")
    first, second = result.candidates[:2]
    assert {first.customer_id, second.customer_id} == {1, 2}
    assert all(0 <= c.probability <= 1 for c in result.candidates)
    assert [c.probability for c in result.candidates] == sorted(
        (c.probability for c in result.candidates), reverse=True
    )
    # Nothing tells the two apart: neither is likely, and they are about as likely.
    assert first.probability < 0.6 and abs(first.probability - second.probability) < 0.1
    alone = Matcher([KATE, *OTHERS]).match("hackernews", "coffee_pixel", "Kate Lindqvist")
    assert alone.candidates[0].probability > first.probability + 0.2


@pytest.mark.both_engines
async def test_an_account_on_the_company_domain_links_on_ingest_and_says_why(
    inbox: Inbox,
) -> None:
    kate = CustomerIn(
        name="Kate Lindqvist", external_id="K", email="kate@brightline.se", company="Brightline"
    )
    namesake = CustomerIn(name="Kate Lindqvist", external_id="N", email="kate.l@gmail.com")
    await inbox.add_customers([kate, namesake])
    profile = "https://social.brightline.se/@kate"
    await inbox.ingest(
        [
            replace(
                mention(1, channel=Channel.MASTODON),
                author=AuthorIn(handle="kate@social.brightline.se", name="Kate L", url=profile),
            ),
            replace(
                mention(2, channel=Channel.GITHUB),
                author=AuthorIn(handle="kl-codes-stuff", name="Kate Lindqvist"),
            ),
        ]
    )
    states = plain.rows(
        inbox.db.target, "SELECT handle, customer_id, match_state FROM authors ORDER BY id"
    )
    # Her company's own instance names her; the bare name could be either Kate.
    assert states == [
        ("kate@social.brightline.se", 1, "auto"),
        ("kl-codes-stuff", None, "suggested"),
    ]
    [(summary, detail)] = plain.rows(
        inbox.db.target,
        "SELECT summary, CAST(detail AS TEXT) FROM interactions "
        "WHERE kind = 'link' AND customer_id = 1",
    )
    assert "company's domain" in summary
    assert json.loads(detail)["evidence"] == "domain"
    suggested = await _suggested(inbox, "kl-codes-stuff")
    assert {c for c, _ in suggested} == {1, 2}
    assert all(p is not None and p < 0.6 for _, p in suggested)


# --------------------------------------------------------------------------------------
# Calibration on the labelled set's held-out half
# --------------------------------------------------------------------------------------


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_match_eval", ROOT / "bench" / "make_match_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def held_out() -> Iterator[list[tuple[dict[str, object], MatchResult]]]:
    """Every other case from the second one: the shipped weights were fitted on the
    others (bench/match_bench.py --fit)."""
    generator = _load_generator()
    eval_matcher = Matcher(person.key() for person in generator.build_customers())
    cases = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()][1::2]
    out = []
    for case in cases:
        author = case["author"]
        out.append(
            (
                case,
                eval_matcher.match(
                    author["channel"], author["handle"], author["name"], url=author.get("url")
                ),
            )
        )
    yield out


def test_the_probability_is_calibrated_on_cases_the_weights_never_saw(
    held_out: list[tuple[dict[str, object], MatchResult]],
) -> None:
    """Among candidates shown at about p, about p are right. Tolerance: two standard
    errors of the bin's share (binomial, from its count) plus 0.08 for what no model of
    a dozen features catches (the halves differ a little in their mix of kinds)."""
    shown = [
        (c.probability, c.customer_id == case["truth"])
        for case, result in held_out
        for c in result.candidates
    ]
    for low, high in ((0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        hit = [(p, right) for p, right in shown if low <= p < high]
        assert len(hit) >= 50, (low, len(hit))
        mean = sum(p for p, _ in hit) / len(hit)
        share = sum(right for _, right in hit) / len(hit)
        error = math.sqrt(mean * (1 - mean) / len(hit))
        assert abs(share - mean) <= 0.08 + 2 * error, (low, high, len(hit), mean, share)
    sure = [right for p, right in shown if p >= 0.995]
    assert len(sure) >= 50 and sum(sure) / len(sure) >= 0.99


def test_the_held_out_half_meets_the_targets(
    held_out: list[tuple[dict[str, object], MatchResult]],
) -> None:
    """Issue 13's targets on cases the weights never saw. Top 1 counts a truth that
    shares the first probability with k-1 others as 1/k: which comes first among them
    is the customer id, luck (bench/match_bench.py counts it so too)."""
    autos = right = positives = linked_right = top3 = 0
    top1 = 0.0
    for case, result in held_out:
        ids = [c.customer_id for c in result.candidates]
        best = result.candidates[0].probability if ids else None
        tied = [c.customer_id for c in result.candidates if c.probability == best]
        if case["truth"] in tied:
            top1 += 1 / len(tied)
        if result.decision == "auto":
            autos += 1
            right += ids[0] == case["truth"]
            if case["kind"] == "company_account" or case["truth"] is None:
                assert ids[0] == case["truth"], case  # never a company account or a trap
        if case["truth"] is not None:
            positives += 1
            linked_right += result.decision == "auto" and ids[0] == case["truth"]
            top3 += case["truth"] in ids
    assert right / autos >= 0.995
    assert linked_right / positives >= 0.30
    assert top1 / positives >= 0.93
    assert top3 / positives >= 0.976  # no loss: what it was before top 1 was worked on


# --------------------------------------------------------------------------------------
# Learning from the agents' decisions
# --------------------------------------------------------------------------------------

ANNAS = [
    CustomerIn(name=name, external_id=f"A-{n}", email=f"anna{n}@example.org")
    for n, name in enumerate(["Anna Berg", "Anna Berger", "Anna Bergman", "Hanna Berg"])
]


async def _suggested(inbox: Inbox, handle: str) -> list[tuple[int, float | None]]:
    rows = plain.rows(
        inbox.db.target,
        "SELECT s.customer_id, s.probability FROM match_suggestions s "
        "JOIN authors a ON a.id = s.author_id WHERE a.handle = ? ORDER BY s.rank",
        (handle,),
    )
    return [(int(r[0]), r[1]) for r in rows]


@pytest.mark.both_engines
async def test_refit_learns_from_confirmations_and_rejections_and_persists(
    inbox: Inbox, target: str | Path
) -> None:
    await inbox.add_customers(ANNAS)
    handles = [f"berg_fan{n}" for n in range(12)]
    await inbox.ingest(
        [
            replace(
                mention(n, channel=Channel.HACKERNEWS), author=AuthorIn(handle=h, name="Anna Berg")
            )
            for n, h in enumerate(handles)
        ]
    )
    before = await _suggested(inbox, handles[0])
    assert before and before[0][0] == 1 and before[0][1] is not None  # shown with its odds
    # The agents say: an "Anna Berg" is Anna Berg, never Anna Berger.
    for handle in handles[:10]:
        author = await _author_id(inbox, handle)
        await inbox.linker.reject(author, 2)
        await inbox.linker.confirm(author, 1)
    shipped = default_weights()
    done = await inbox.linker.refit()
    assert done.weights is not None and done.authors == 10
    assert done.right == 10 and done.candidates > done.right
    assert done.weights.weights != shipped.weights

    # A new Anna Berg is now more surely Anna Berg than before the decisions.
    await inbox.ingest(
        [
            replace(
                mention(99, channel=Channel.REDDIT),
                author=AuthorIn(handle="ab99", name="Anna Berg"),
            )
        ]
    )
    after = await _suggested(inbox, "ab99")
    assert after[0][0] == 1 and after[0][1] is not None and before[0][1] is not None
    assert after[0][1] > before[0][1]

    # Stored in the database: another process matches with them.
    other = await Inbox.open(target, "someone", fixed_clock)
    try:
        assert (await other.linker.matcher()).weights == done.weights
    finally:
        await other.close()


@pytest.mark.both_engines
async def test_too_few_decisions_keep_the_shipped_weights(inbox: Inbox) -> None:
    await inbox.add_customers(ANNAS)
    await inbox.ingest(
        [
            replace(
                mention(1, channel=Channel.REDDIT), author=AuthorIn(handle="ab1", name="Anna Berg")
            )
        ]
    )
    await inbox.linker.confirm(await _author_id(inbox, "ab1"), 1)
    done = await inbox.linker.refit()
    assert done.weights is None and done.candidates < 20
    assert (await inbox.linker.matcher()).weights == default_weights()


def test_scrm_matching_refit_and_show_on_a_real_file(tmp_path: Path) -> None:
    db = tmp_path / "scrm.db"

    def scrm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scrm_tui", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    missing = scrm("matching", "refit")
    assert missing.returncode != 0 and "no database" in missing.stderr
    import asyncio

    async def seed() -> None:
        box = await Inbox.open(db, "tester", fixed_clock)
        await box.close()

    asyncio.run(seed())
    refit = scrm("matching", "refit")
    assert refit.returncode == 0, refit.stderr
    assert "too few decisions" in refit.stderr and "shipped weights stay" in refit.stderr
    show = scrm("matching", "show")
    assert show.returncode == 0 and "shipped weights are in use" in show.stdout


async def _author_id(inbox: Inbox, handle: str) -> int:
    return int(plain.value(inbox.db.target, "SELECT id FROM authors WHERE handle = ?", (handle,)))
