"""The author-to-customer matcher: look-alikes, name variants, handles, index upkeep, eval set."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from scrm_tui.enrich.matching import (
    DEFAULT_THRESHOLDS,
    CustomerKey,
    Matcher,
    MatchResult,
    Thresholds,
)
from tests.support import hostile

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "data" / "match_eval.jsonl"

KATE, JOHN, JOHN_SMYTH, BOB, ZOE, JOSE, SASHA, PRIYA, MARIA, LENA, OMAR = range(1, 12)

CUSTOMERS = [
    CustomerKey(
        KATE,
        "Kate Lindqvist",
        "kate.lindqvist@brightline.se",
        "Brightline AB",
        (
            ("github", "klindqvist"),
            ("mastodon", "kate_lindqvist@mastodon.social"),
            ("x", "katelindqvist88"),
        ),
    ),
    CustomerKey(JOHN, "John Smith", "john.smith@acme.com", "Acme Inc", (("github", "jsmith"),)),
    CustomerKey(JOHN_SMYTH, "John Smyth", "jsmyth@gmail.com"),
    CustomerKey(BOB, "Robert Johnson", "robert.johnson@harbor.io", "Harbor IO"),
    CustomerKey(ZOE, "Zoë Ångström", "zoe@angstrom.se"),
    CustomerKey(JOSE, "Jose Nunez", "jose.nunez@gmail.com"),
    CustomerKey(SASHA, "Aleksandr Petrov", "apetrov@proton.me"),
    CustomerKey(PRIYA, "Priya Sharma", "priya.sharma@gmail.com"),
    CustomerKey(
        MARIA, "María García", "maria.garcia@web.de", None, (("reddit", "Fuzzy_Lynx_4716"),)
    ),
    CustomerKey(LENA, "Lena Weber", "lena.weber@harborlabs.de", "Harbor Labs"),
    CustomerKey(OMAR, "Omar Haddad", "omar.haddad@harborlabs.de", "Harbor Labs"),
    # People who share a first name or a surname with the ones above.
    CustomerKey(20, "Kate Brown", "kate.brown@outlook.com"),
    CustomerKey(21, "Kate Lindgren", "klindgren@gmail.com"),
    CustomerKey(22, "Karl Lindqvist", "karl@lindqvist.se"),
    CustomerKey(23, "John Miller", "jmiller@gmail.com"),
    CustomerKey(24, "Anna Smith", "anna.smith@gmail.com"),
    CustomerKey(25, "Robert Jones", "rjones@gmail.com"),
    CustomerKey(26, "Maria Gonzalez", "maria.gonzalez@gmail.com"),
    CustomerKey(27, "Priya Shah", "priya.shah@gmail.com"),
    CustomerKey(28, "Jose Martinez", "jose.martinez@gmail.com"),
    CustomerKey(29, "Zoe Miller", "zoe.miller@gmail.com"),
    CustomerKey(30, "Ivan Petrov", "ivan.petrov@gmail.com"),
    CustomerKey(31, "Sarah Weber", "sarah.weber@gmail.com"),
]


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(CUSTOMERS)


def ids(result: MatchResult) -> list[int]:
    return [c.customer_id for c in result.candidates]


# --------------------------------------------------------------------------------------
# Look-alikes and namesakes are never linked automatically
# --------------------------------------------------------------------------------------


def test_lookalike_surname_is_not_auto_linked(matcher: Matcher) -> None:
    matcher.remove(JOHN_SMYTH)  # John Smyth is now only a look-alike of customer John Smith
    result = matcher.match("mastodon", "jsmyth@mas.to", "John Smyth")
    assert result.decision != "auto"


def test_lookalike_customer_ranks_the_exact_one_first(matcher: Matcher) -> None:
    result = matcher.match("reddit", "Quiet_Otter_1234", "John Smyth")
    assert result.decision != "auto"
    assert ids(result)[0] == JOHN_SMYTH


@pytest.mark.parametrize(
    ("channel", "handle", "name"),
    [
        ("bluesky", "nightowl-pixel.bsky.social", "Kate Lindqvist"),  # the name alone
        ("bluesky", "kate-lindqvist.bsky.social", "Kate Lindqvist"),  # + her handle, spelled
        ("mastodon", "jsmith@hachyderm.io", "John Smith"),  # her github login: a name
        ("hackernews", "john_smith", "John Smith"),
    ],
)
def test_namesake_is_only_suggested(matcher: Matcher, channel: str, handle: str, name: str) -> None:
    result = matcher.match(channel, handle, name)
    assert result.decision == "suggest"
    assert ids(result)[0] in (KATE, JOHN)


# --------------------------------------------------------------------------------------
# Variants of a known customer's name find them
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "handle", "expected"),
    [
        ("Bob Johnson", "coffee_pixel", BOB),  # nickname
        ("Sasha Petrov", "synth_nomad", SASHA),
        ("Katherine Lindqvist", "nightowl_byte", KATE),
        ("Zoe Angstrom", "quiet_otter", ZOE),  # diacritics stripped
        ("José Núñez", "kernel_mango", JOSE),  # diacritics added
        ("K. Lindqvist", "lambda_async", KATE),  # initials
        ("P Sharma", "byte_baker", PRIYA),
        ("Kate L.", "hiker_synth", KATE),
        ("Lindqvist Kate", "pixel_heron", KATE),  # swapped order
        ("SHARMA, Priya", "mango_coder", PRIYA),
        ("Kate Lindkvist", "otter_fern", KATE),  # a typo
        ("Kaet Lindqvsit", "otter_fern", KATE),  # two
        (None, "kate.lindqvist", KATE),  # handle patterns, no display name
        (None, "lindqvist_k", KATE),
        ("Kate", "kate.l", KATE),
        ("Kate 🌻 (she/her)", "k_lindqvist", KATE),
        (None, "priyasharma", PRIYA),
        (None, "psharma", PRIYA),
    ],
)
def test_variants_find_the_customer(
    matcher: Matcher, name: str | None, handle: str, expected: int
) -> None:
    result = matcher.match("hackernews", handle, name)
    assert expected in ids(result)
    assert result.decision != "auto"  # a name, however written, is never enough


def test_distinctive_cross_network_handle_auto_links(matcher: Matcher) -> None:
    result = matcher.match("github", "katelindqvist88", "Kate L.")
    assert result.decision == "auto"
    assert ids(result)[0] == KATE
    assert "handle:x" in result.candidates[0].fields


def test_unrelated_handle_from_another_network_auto_links_without_a_name(
    matcher: Matcher,
) -> None:
    result = matcher.match("mastodon", "fuzzy_lynx_4716@mas.to", None)
    assert (result.decision, ids(result)[0]) == ("auto", MARIA)


def test_same_handle_with_another_persons_name_is_not_linked(matcher: Matcher) -> None:
    result = matcher.match("mastodon", "fuzzy_lynx_4716@mas.to", "Tobias Schröder")
    assert result.decision != "auto"


def test_company_account_is_only_suggested(matcher: Matcher) -> None:
    result = matcher.match("x", "harborlabs", "Harbor Labs")
    assert result.decision == "suggest"
    assert set(ids(result)[:2]) == {LENA, OMAR}
    assert all("company" in c.fields for c in result.candidates[:2])


def test_unknown_authors_get_nothing(matcher: Matcher) -> None:
    assert matcher.match("rss", "SaaS Digest", "SaaS Digest").decision == "none"
    assert matcher.match("github", "", None) == MatchResult("none", ())


def test_at_most_three_candidates_best_first(matcher: Matcher) -> None:
    result = matcher.match("hackernews", "nightowl", "K. Lindqvist")
    assert 2 <= len(result.candidates) <= 3  # Kate and Karl
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


# --------------------------------------------------------------------------------------
# Junk in display names
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Kate Lindqvist 🌻 (she/her)",
        "Dr. Kate Lindqvist | PM @ Brightline",
        "👩\u200d💻 Kate Lindqvist 🇸🇪",
        "\u202eKate Lindqvist\u202c",
        "\u2066Kate\u2069 Lind\u200bqvist\u200f",
        "Ka\u00adte Lindqvist\ufeff",
        "Kate\tLindqvist\x00",
        "KATE LINDQVIST ✨✨✨",
    ],
)
def test_decorations_and_invisible_characters_are_harmless(matcher: Matcher, name: str) -> None:
    clean = matcher.match("bluesky", "nightowl-pixel.bsky.social", "Kate Lindqvist")
    result = matcher.match("bluesky", "nightowl-pixel.bsky.social", name)
    assert result.decision == clean.decision == "suggest"
    assert result.candidates[0] == clean.candidates[0]


def test_names_without_letters_are_harmless(matcher: Matcher) -> None:
    for name in ("🌻🌻", "(she/her)", "   ", "!!!", "\u202e\u200b", "🇸🇪 | ✨"):
        assert matcher.match("x", "zz_top_1999", name).decision == "none"


@pytest.mark.parametrize("text", list(hostile.ALL.values()), ids=list(hostile.ALL))
def test_hostile_text_as_name_and_handle_finds_nobody_and_is_cheap(
    matcher: Matcher, text: str
) -> None:
    # A 60,000-letter word once sent the one-edit lookup out of memory.
    assert matcher.match("x", text, text).decision == "none"


def test_a_junk_customer_record_is_cheap_and_removable(matcher: Matcher) -> None:
    junk = CustomerKey(
        99, "A" * 60_000, "b" * 60_000 + "@x.com", "C" * 60_000, (("x", "d" * 9),) * 999
    )
    matcher.add(junk)
    assert 99 in matcher
    matcher.remove(99)
    assert answers(matcher) == answers(Matcher(CUSTOMERS))


# --------------------------------------------------------------------------------------
# Thresholds, exclusion, upkeep
# --------------------------------------------------------------------------------------


def test_exclude_drops_a_rejected_customer(matcher: Matcher) -> None:
    before = matcher.match("github", "katelindqvist88", "Kate L.")
    after = matcher.match("github", "katelindqvist88", "Kate L.", exclude={KATE})
    assert ids(before)[0] == KATE
    assert KATE not in ids(after)
    assert after.decision != "auto"
    assert KATE not in ids(matcher.scan("github", "katelindqvist88", "Kate L.", exclude={KATE}))


def test_thresholds_can_be_reassigned(matcher: Matcher) -> None:
    assert matcher.thresholds == DEFAULT_THRESHOLDS
    matcher.thresholds = Thresholds(auto=101.0, evidence=False)
    assert matcher.match("github", "katelindqvist88", "Kate L.").decision == "suggest"
    matcher.thresholds = Thresholds(suggest=99.0)
    assert matcher.match("hackernews", "coffee_pixel", "Bob Johnson").decision == "none"


QUERIES = [
    ("github", "katelindqvist88", "Kate L."),
    ("hackernews", "kate_l", "Kate Lindqvist"),
    ("x", "jsmith", "John Smith"),
    ("mastodon", "fuzzy_lynx_4716@mas.to", None),
    ("x", "harborlabs", "Harbor Labs"),
    ("reddit", "zoe_a", "Zoë"),
    ("bluesky", "petrov.bsky.social", "Sasha"),
    ("github", "lena-w", "Lena Weber"),
]


def answers(matcher: Matcher) -> list[MatchResult]:
    return [matcher.match(*query) for query in QUERIES]


def test_remove_and_replace_keep_the_index_consistent() -> None:
    matcher = Matcher(CUSTOMERS)
    renamed = CustomerKey(LENA, "Magdalena Weber-Ost", "magda@weber-ost.de", "Harbor Labs")
    matcher.add(renamed)  # same id: replaces
    matcher.remove(KATE)
    matcher.remove(KATE)  # twice is harmless
    matcher.remove(999)  # so is an unknown id
    matcher.add(CUSTOMERS[MARIA - 1])  # re-adding the same record changes nothing
    assert len(matcher) == len(CUSTOMERS) - 1
    assert KATE not in matcher and LENA in matcher and "x" not in matcher

    for query in QUERIES:
        assert KATE not in ids(matcher.match(*query))
        assert KATE not in ids(matcher.scan(*query))
    assert LENA not in ids(matcher.match("github", "lena-w", "Lena Weber"))

    rest = [c for c in CUSTOMERS if c.id not in (KATE, LENA)] + [renamed]
    assert answers(matcher) == answers(Matcher(rest))


def test_emptied_index_finds_nobody() -> None:
    matcher = Matcher(CUSTOMERS)
    for customer in CUSTOMERS:
        matcher.remove(customer.id)
    assert len(matcher) == 0
    assert all(result.decision == "none" for result in answers(matcher))
    for customer in reversed(CUSTOMERS):
        matcher.add(customer)
    assert answers(matcher) == answers(Matcher(CUSTOMERS))


def test_index_agrees_with_scan_on_the_small_base(matcher: Matcher) -> None:
    for query in QUERIES:
        assert matcher.match(*query) == matcher.scan(*query)


# --------------------------------------------------------------------------------------
# The labelled eval set (bench/make_match_eval.py; bench/match_bench.py prints the rest)
# --------------------------------------------------------------------------------------


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_match_eval", ROOT / "bench" / "make_match_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def eval_matcher() -> Matcher:
    generator = _load_generator()
    return Matcher(person.key() for person in generator.build_customers())


@pytest.fixture(scope="module")
def eval_cases() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]


def _author(case: dict[str, object]) -> tuple[str, str, str | None]:
    author = case["author"]
    assert isinstance(author, dict)
    return author["channel"], author["handle"], author["name"]


def _outcomes(
    matcher: Matcher, cases: list[dict[str, object]]
) -> Iterator[tuple[dict[str, object], MatchResult]]:
    for case in cases:
        yield case, matcher.match(*_author(case))


def test_eval_set_meets_the_targets(
    eval_matcher: Matcher, eval_cases: list[dict[str, object]]
) -> None:
    autos = right = positives = found = 0
    for case, result in _outcomes(eval_matcher, eval_cases):
        truth = case["truth"]
        if result.decision == "auto":
            autos += 1
            right += ids(result)[0] == truth
        if truth is not None:
            positives += 1
            found += truth in ids(result)
    assert len(eval_cases) >= 2000 and positives >= 1500
    assert autos >= 10  # distinctive handles do link
    assert right / autos >= 0.99
    assert found / positives >= 0.95


def test_company_accounts_in_the_eval_set_are_never_auto_linked(
    eval_matcher: Matcher, eval_cases: list[dict[str, object]]
) -> None:
    companies = [c for c in eval_cases if c["kind"] == "company_account"]
    assert companies
    for case, result in _outcomes(eval_matcher, companies):
        assert result.decision != "auto", case


def test_index_agrees_with_scan_on_the_eval_set(
    eval_matcher: Matcher, eval_cases: list[dict[str, object]]
) -> None:
    sample = eval_cases[::90]  # scan() scores all 5,200 customers: ~0.1 s a case
    same_scores = 0
    for case, result in _outcomes(eval_matcher, sample):
        full = eval_matcher.scan(*_author(case))
        assert result.decision == full.decision, case
        assert ids(result)[:1] == ids(full)[:1], case
        if case["truth"] in ids(full):
            assert case["truth"] in ids(result), case
        same_scores += [c.score for c in result.candidates] == [c.score for c in full.candidates]
    assert same_scores / len(sample) >= 0.9


def test_the_index_finds_what_a_full_scan_finds_for_short_and_run_together_typos() -> None:
    customers = [
        CustomerKey(1, "Charles Pritchard", handles=(("github", "charlespritchard"),)),
        CustomerKey(2, "Joshua Reid"),
        *(
            CustomerKey(10 + n, f"Joshua {name}")
            for n, name in enumerate(
                ["Smith", "Brown", "Taylor", "Wilson", "Jones", "White", "Martin", "Clarke"] * 8
            )
        ),
        CustomerKey(200, "Joshua"),  # a one-word customer whose key is the common name
    ]
    matcher = Matcher(customers)
    for channel, handle, name, truth in (
        ("x", "fharlespritchar", None, 1),  # a typo in each half of a run-together name
        ("hackernews", "jred", "joshua red", 2),  # a letter missing from a short surname
    ):
        found = [c.customer_id for c in matcher.match(channel, handle, name).candidates]
        assert truth in found, (handle, found)
        assert found == [c.customer_id for c in matcher.scan(channel, handle, name).candidates]
