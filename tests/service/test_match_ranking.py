"""Issue 13 point 4, top 1: which of several fitting customers is shown first.

What the author really gives tells namesakes apart (an account on one customer's
company domain, a handle one edit from one of theirs); what it does not give never
does: two customers the author fits alike are shown as a tie, at the same probability,
not one of them ahead by which name is commoner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.enrich.matching import CustomerKey, Matcher, MatchResult
from tests.service.test_match_index import indexed

TUNDE, TUNDE_MAIL, TUNDE_NKOSI, TUNDE_BALOGUN, INGRID = 1, 2, 3, 4, 5
AMAN, ANANYA, ANIL, AARAV = 10, 11, 12, 13
SCHMIDT, SCHRODER = 20, 21
SMITH, XIOMARA = 30, 31
ZHANG_HAN, WEI_ZHANG = 40, 41

CUSTOMERS = [
    # Horizon Solar's people on its domain, and Tundes elsewhere: one whose e-mail is
    # the bare first name (tunde@163.com), which anyone called Tunde could have.
    CustomerKey(TUNDE, "Tunde Asante", "tunde.asante@horizonsolar.no", "Horizon Solar AS"),
    CustomerKey(TUNDE_MAIL, "Tunde Boateng", "tunde@163.com"),
    CustomerKey(
        TUNDE_NKOSI,
        "Tunde Nkosi",
        "nkosi.tunde@falconlogistics.no",
        "Falcon Logistics AS",
        (("x", "tnkosi9"),),
    ),
    CustomerKey(
        TUNDE_BALOGUN, "Tunde Balogun", "tunde.b@sparrow.se", None, (("reddit", "tundeb"),)
    ),
    CustomerKey(INGRID, "Ingrid Berg", "ingrid.berg@horizonsolar.no", "Horizon Solar AS"),
    # A. Patels whose handles all spell "apatel"; Aman's is one letter from apatel61.
    CustomerKey(AMAN, "Aman Patel", "aman.patel@willowmedia.se", None, (("github", "apatel6"),)),
    CustomerKey(ANANYA, "Ananya Patel", "ananya.patel@obsidianlabs.it"),
    CustomerKey(ANIL, "Anil Patel", "patel.anil@wp.pl", None, (("reddit", "Apatel"),)),
    CustomerKey(AARAV, "Aarav Patel", "aarav.patel@fastmail.com", None, (("reddit", "apatel60"),)),
    # Stefan S.: a common surname and a rare one.
    CustomerKey(SCHMIDT, "Stefan Schmidt", "stefan.schmidt@web.de"),
    CustomerKey(SCHRODER, "Stefan Schroder", "stefan.schroder@saffron.co.uk"),
    *(CustomerKey(100 + n, f"{first} Schmidt") for n, first in enumerate(["Anna", "Karl", "Eva"])),
    # Vela Events' two contacts: a common name and a rare one.
    CustomerKey(SMITH, "John Smith", "john.smith@velaevents.fi", "Vela Events Oy"),
    CustomerKey(XIOMARA, "Xiomara Quetzalli", "xq@velaevents.fi", "Vela Events Oy"),
    # One name in two scripts: 张伟 (zhang.wei@) and Wei Zhang.
    CustomerKey(ZHANG_HAN, "张伟", "zhang.wei@jaderiver.cn", "Jade River Trading"),
    CustomerKey(WEI_ZHANG, "Wei Zhang", "wei.zhang@bluefinpay.com", "Bluefin Payments"),
    # Enough others that a word held by one customer weighs as it does in a real base.
    *(CustomerKey(200 + n, f"Person{chr(97 + n % 26)}{n} Other{n}") for n in range(200)),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(CUSTOMERS)


def first(result: MatchResult) -> int:
    return result.candidates[0].customer_id


def probability(result: MatchResult, customer_id: int) -> float:
    return next(c.probability for c in result.candidates if c.customer_id == customer_id)


def test_an_account_on_the_company_domain_puts_that_companys_person_first(
    matcher: Matcher,
) -> None:
    """Tunde on horizonsolar.no is Tunde of Horizon Solar, not the Tunde whose e-mail
    elsewhere is his first name: with no name, on Bluesky or on the company's Mastodon
    instance, or as Tunde A.; with the first name alone he is at least shown beside
    that Tunde (which of two people called Tunde is a close call)."""
    for author in (
        ("bluesky", "tunde.horizonsolar.no", None),
        ("mastodon", "tunde@social.horizonsolar.no", None),
        ("bluesky", "tunde.horizonsolar.no", "Tunde A."),
    ):
        result = matcher.match(*author)
        assert first(result) == TUNDE, (author, result)
        assert INGRID not in [c.customer_id for c in result.candidates]
    named = matcher.match("bluesky", "tunde.horizonsolar.no", "Tunde")
    assert {TUNDE, TUNDE_MAIL} <= {c.customer_id for c in named.candidates}
    # The same first name on a network's own host is no one's company.
    elsewhere = matcher.match("bluesky", "tunde.bsky.social", "Tunde")
    assert not elsewhere.candidates or first(elsewhere) != TUNDE


def test_a_handle_one_edit_from_one_of_theirs_tells_namesakes_apart(matcher: Matcher) -> None:
    """apatel61 spells every A. Patel's name; only Aman holds apatel6, one letter
    from it (Aarav's apatel60 and Anil's Apatel are further)."""
    result = matcher.match("github", "apatel61", None)
    assert first(result) == AMAN
    others = [c.probability for c in result.candidates[1:]]
    assert others and all(p < result.candidates[0].probability for p in others)


def test_what_the_author_does_not_say_is_a_tie_not_a_guess(matcher: Matcher) -> None:
    """Stefan S. fits Stefan Schmidt and Stefan Schroder alike, however many Schmidts
    there are; a company's account fits its contacts alike, however rare their names;
    Zhang Wei fits 张伟 (zhang.wei@) and Wei Zhang alike. Each pair is shown at one
    probability."""
    for author, pair in (
        (("x", "Dramatic_Otter_8257", "Stefan S."), (SCHMIDT, SCHRODER)),
        (("reddit", "velaevents", "Vela Events"), (SMITH, XIOMARA)),
        (("mastodon", "nomad@chaos.social", "Zhang Wei"), (ZHANG_HAN, WEI_ZHANG)),
    ):
        result = matcher.match(*author)
        shown = {c.customer_id for c in result.candidates[:2]}
        assert shown == set(pair), (author, result)
        assert probability(result, pair[0]) == probability(result, pair[1]), (author, result)


async def test_the_index_finds_and_ranks_them_as_scoring_everyone_does(db_path: Path) -> None:
    """On the shared index, which reads only the candidates whose ceiling can reach the
    top three, the company's person and the near handle's holder come out as scoring
    every candidate gives, among Horizon Solar's other people, Tundes and A. Patels."""
    rows = [(c.id, c.name, c.email, c.company, c.handles) for c in CUSTOMERS]
    rows += [
        (1000 + n, f"Colleague{n} Horizon", f"c{n}@horizonsolar.no", "Horizon Solar AS", ())
        for n in range(30)
    ]
    rows += [
        (1100 + n, f"Tunde {last}", None, None, (("x", f"tunde{n + 100}"),))
        for n, last in enumerate(["Okafor", "Adeyemi", "Bello", "Eze", "Obi", "Ade"])
    ]
    rows += [
        (2000 + n, f"{first} Patel", None, None, (("github", f"apatel{n + 100}"),))
        for n, first in enumerate(["Arjun", "Anita", "Asha", "Amit", "Ajay"] * 8)
    ]
    async with indexed(db_path, rows) as shared:
        for author in (
            ("bluesky", "tunde.horizonsolar.no", "Tunde A."),
            ("mastodon", "tunde@social.horizonsolar.no", None),
            ("github", "apatel61", None),
        ):
            everyone = shared._run(*author, (), shared._candidates, prune=False)
            assert shared.match(*author) == everyone, author
            assert first(everyone) in (TUNDE, AMAN), (author, everyone)
