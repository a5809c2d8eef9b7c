"""A handle the network cut short (X keeps 15 characters) is found as the start of the
customer's own key, even when their first name is common and the rest of the handle is
no word of theirs: what a full scan finds, the index finds."""

from __future__ import annotations

from scrm_tui.enrich.matching import CustomerKey, Matcher

SURNAMES = (
    "Adams",
    "Baker",
    "Carter",
    "Davies",
    "Evans",
    "Fisher",
    "Graham",
    "Harris",
    "Irwin",
    "Jones",
    "Khan",
    "Lewis",
    "Moore",
    "Nolan",
    "Owens",
    "Parker",
    "Quinn",
    "Reid",
    "Scott",
    "Turner",
    "Upton",
    "Vance",
    "Walsh",
    "Young",
    "Zimmer",
)


def customers() -> list[CustomerKey]:
    # Many Elizabeths (the first name says little) and a few Sullivans with other names.
    people = [
        CustomerKey(i, f"Elizabeth {surname}{n or ''}", f"e{i}@example.org")
        for i, (n, surname) in enumerate((n, s) for n in range(4) for s in SURNAMES)
    ]
    people += [CustomerKey(500 + i, f"{first} Sullivan") for i, first in enumerate(["Ann", "Tom"])]
    people.append(CustomerKey(999, "Elizabeth Sullivan", "elizabethsullivan@fastmail.com"))
    return people


def test_a_cut_handle_finds_the_customer_whose_key_it_begins() -> None:
    matcher = Matcher(customers())
    found = matcher.match("x", "elizabethsulliv", "Elizabeth")
    scan = matcher.scan("x", "elizabethsulliv", "Elizabeth")
    assert scan.candidates and scan.candidates[0].customer_id == 999
    assert found.candidates and found.candidates[0].customer_id == 999
    assert found.candidates[0].score == scan.candidates[0].score
