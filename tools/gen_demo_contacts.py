"""Offline contacts for the demo customers: writes scrm_tui/fixtures/contacts.jsonl.

    python tools/gen_demo_contacts.py     # deterministic: same seed, same file

Calls, e-mails, meetings, survey answers, letters, comment cards and notes for about
a third of the demo customers (paying tiers more often), over the same 14 days as
the demo mentions, with the same storyline: the sync outage, the 4.2 release and
the price rise. `days_ago` counts back from the demo's reference time.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261120
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "scrm_tui" / "fixtures"
AGENTS = ("sam", "priya", "jonas", "lea")

# (kind, direction, summary); {first} is the customer's first name, {company} theirs.
CONTACTS = {
    "outage": [
        (
            "call",
            "in",
            "{first} called during the sync outage: two boards lost an hour of "
            "edits. Walked through the restore; very frustrated but calm by the end.",
        ),
        (
            "email",
            "in",
            "Angry e-mail from {first} at {company}: sync down during their "
            "sprint review, asking for an incident report and a credit.",
        ),
        (
            "email",
            "out",
            "Sent {first} the incident report for the sync outage and a "
            "one-month credit. Apologised for the slow status page.",
        ),
        (
            "meeting",
            "out",
            "Post-incident review with {company}. They want webhook "
            "alerts for status changes; otherwise satisfied with the explanation.",
        ),
    ],
    "release": [
        (
            "call",
            "in",
            "{first} rang to say 4.2's planning view is exactly what "
            "{company} needed. Asked about Gantt exports.",
        ),
        ("survey", "in", 'NPS 10: "4.2 made our Monday planning twice as fast. Love it."'),
        ("survey", "in", "NPS 8: good release, offline mode still rough on Android."),
        (
            "comment_card",
            "in",
            "Comment card at the Berlin meetup: \"Best task app we've "
            'used, thank you for listening to feedback."',
        ),
        (
            "meeting",
            "out",
            "Demoed 4.2 to {company}'s team leads; they will roll it out to two more departments.",
        ),
    ],
    "price": [
        (
            "email",
            "in",
            "{first} wrote that the price rise is hard to justify for "
            "{company}; considering a move to a cheaper plan.",
        ),
        (
            "call",
            "in",
            "Renewal call with {first}: unhappy about the new pricing, "
            "agreed a 12-month lock at the old rate.",
        ),
        (
            "letter",
            "in",
            "Letter from {company}'s finance team disputing the new invoice "
            "amount. Forwarded to billing.",
        ),
        ("survey", "in", 'NPS 3: "Price went up, features didn\'t. Disappointed."'),
        (
            "email",
            "out",
            "Explained the new plans to {first} and offered the annual "
            "discount; waiting for their reply.",
        ),
    ],
    "routine": [
        (
            "call",
            "out",
            "Quarterly check-in with {first}: all fine, asked for SSO on the team tier.",
        ),
        (
            "email",
            "in",
            "{first} asked how to export archived projects to CSV. Sent the help article.",
        ),
        (
            "meeting",
            "out",
            "Onboarding session for {company}'s new hires; good questions about recurring tasks.",
        ),
        (
            "other",
            "in",
            "Met {first} at a conference booth; happy customer, wants to write a case study.",
        ),
    ],
    "note": [
        ("note", None, "Decision maker at {company}. Prefers e-mail; don't call before 10."),
        ("note", None, "Champion inside {company}: loop them in on the roadmap preview."),
        ("note", None, "Sensitive account after the outage; escalate anything about sync."),
        ("note", None, "Asked us not to reply publicly on Reddit, DM instead."),
    ],
}
# When each theme happens, in days before the reference time.
WHEN = {
    "outage": (3.0, 4.5),
    "release": (5.0, 8.0),
    "price": (0.5, 2.5),
    "routine": (0.5, 13.5),
    "note": (0.2, 13.5),
}
CHANCE = {"enterprise": 0.7, "team": 0.45, "pro": 0.3, "free": 0.12}


def build(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    customers = [
        json.loads(line)
        for line in (FIXTURES / "customers.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    out: list[dict[str, object]] = []
    for customer in customers:
        if rng.random() > CHANCE.get(customer.get("tier") or "free", 0.1):
            continue
        first = customer["name"].split()[0]
        company = customer.get("company") or "their team"
        themes = rng.sample(list(CONTACTS), k=rng.choice((1, 2, 2, 3)))
        for theme in themes:
            for _ in range(rng.choice((1, 1, 2))):
                kind, direction, text = rng.choice(CONTACTS[theme])
                low, high = WHEN[theme]
                out.append(
                    {
                        "customer": customer["id"],
                        "kind": kind,
                        "direction": direction,
                        "days_ago": round(rng.uniform(low, high), 3),
                        "agent": rng.choice(AGENTS),
                        "summary": text.format(first=first, company=company),
                    }
                )
    out.sort(key=lambda c: (-float(c["days_ago"]), str(c["customer"])))  # type: ignore[arg-type]
    return out


def main() -> None:
    records = build()
    path = FIXTURES / "contacts.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(
        f"{len(records)} contacts for {len({r['customer'] for r in records})} customers -> {path}"
    )


if __name__ == "__main__":
    main()
