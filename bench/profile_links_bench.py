"""Company-domain evidence from profile links: the eval set's domain cases moved off the domain.

    python bench/profile_links_bench.py

The eval set (tests/data/match_eval.jsonl) holds its company-domain cases as accounts ON
the domain: a Bluesky handle under it, a Mastodon account on the company's instance. Most
people are on a network's own host instead, with the domain only in their profile. This
takes the same cases (evidence_domain: the customer; neg_domain_colleague: someone else
at that company; neg_domain_lookalike: the customer's name on a look-alike domain) and
matches each author as:

  on the domain      the eval's own account (the figure match_bench.py reports)
  host, no link      the same person on mastodon.social / GitHub, nothing in the profile
  verified link      ... whose profile links the domain, proven: a Mastodon field verified
                     by rel=me (half the cases) or GitHub's public e-mail (the other half)
  unverified link    ... linked but not proven: never passed to the matcher as evidence,
                     so it must match exactly as "host, no link" does

against the 5,200 customers match_bench.py matches the set against.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_match_eval  # noqa: E402
from match_bench import Case, Outcome, load_eval, tally  # noqa: E402

from scrm_tui.enrich.matching import Matcher, handle_core  # noqa: E402

KINDS = ("evidence_domain", "neg_domain_colleague", "neg_domain_lookalike")


def moved(case: Case, n: int, proven: bool) -> tuple[Case, tuple[str, ...]]:
    """The case's person on a network's own host; `proven`: with the domain their
    profile links to, as the network proves it (a verified field, a public e-mail)."""
    key = handle_core(case.channel, case.handle)
    if case.channel == "bluesky":
        local, domain = key.split(".", 1)[0], case.handle.split(".", 1)[1]
    else:
        local, domain = key, case.handle.rsplit("@", 1)[1]
    for prefix in ("social.", "mastodon."):
        domain = domain.removeprefix(prefix)
    local = local.replace("-", "_")
    if n % 2:
        on_host = Case("github", local, case.name, case.truth, case.kind)
        link = f"mailto:{local}@{domain}"
    else:
        on_host = Case(
            "mastodon",
            f"{local}@mastodon.social",
            case.name,
            case.truth,
            case.kind,
            f"https://mastodon.social/@{local}",
        )
        link = f"https://{domain}/"
    return on_host, (link,) if proven else ()


def main() -> None:
    start = time.perf_counter()
    matcher = Matcher(p.key() for p in make_match_eval.build_customers())
    cases = [c for c in load_eval() if c.kind in KINDS]
    runs: dict[str, list[Outcome]] = {
        "on the domain": [
            Outcome(c, matcher.match(c.channel, c.handle, c.name, url=c.url)) for c in cases
        ]
    }
    for label, proven in (("host, no link", False), ("verified link", True)):
        outcomes = []
        for n, case in enumerate(cases):
            author, links = moved(case, n, proven)
            result = matcher.match(
                author.channel, author.handle, author.name, url=author.url, proven=links
            )
            outcomes.append(Outcome(author, result))
        runs[label] = outcomes
    # An unverified link never reaches the matcher (core/domains.proven): its run is the
    # "host, no link" one, by construction.
    for label, outcomes in runs.items():
        print(tally(outcomes).summary(f"{label:>14}"))
        for kind in KINDS:
            of_kind = [o for o in outcomes if o.case.kind == kind]
            autos = sum(o.result.decision == "auto" for o in of_kind)
            print(f"{'':>16}{kind}: {autos}/{len(of_kind)} auto-linked")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
