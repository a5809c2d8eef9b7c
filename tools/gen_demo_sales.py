"""The Sales section's demo records: writes scrm_tui/fixtures/mentions_sales.jsonl and
conversions_sales.jsonl.

    python tools/gen_demo_sales.py     # deterministic: same seed, same file

Leads (pricing questions, "alternative to ...", in English, French, German, Spanish and
Portuguese), two paying customers whose mood falls over the demo's 14 days (one renews
within two months of the reference time), and a few answers sent by the demo's agents
(a record's "reply": the demo seeds it as a sent reply, so revenue touched is true;
with "utm", its link carries the UTM tags naming the mention), and the shop's sales
that followed two of those links (conversions_sales.jsonl), so revenue is attributed.
Times count back from the demo's reference time (fixtures/demo.json).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261207
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "scrm_tui" / "fixtures"
REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# (author, hours before the reference, text, the answer sent or None). The handles
# are demo customers' (fixtures/customers.jsonl): their mentions link to them.
TAYLOR = ("mastodon", "taylor@mastodonapp.uk", "Taylor Rogers", 412)  # renews 2026-12-27
ZIHAN = ("bluesky", "zihan-yang.bsky.social", "Zihan Yang", 233)  # renews 2027-01-11
HANNAH = ("reddit", "hannah_turner", None, None)
RACHEL = ("bluesky", "rachellewis.bsky.social", "Rachel Lewis", 871)
MATILDA = ("bluesky", "matildacook.net", "Matilda Cook", 1290)

Author = tuple[str, str, str | None, int | None]
CUSTOMER_POSTS: list[tuple[Author, float, str, dict[str, str] | None]] = [
    (TAYLOR, 290, "Kestrel timeline view is wonderful, our whole studio loves it", None),
    (TAYLOR, 265, "Kestrel recurring tasks finally work the way we think. Great job!", None),
    (TAYLOR, 40, "Kestrel sync lost our sprint board edits again. This is terrible.", None),
    (
        TAYLOR,
        20,
        "Price rise on top of the sync outage. Very disappointed in Kestrel, "
        "considering our options before renewal.",
        {"agent": "dana", "text": "Sorry about this week. DM us: we'll go over the renewal."},
    ),
    (TAYLOR, 6, "Still no fix for the Kestrel sync bug. Awful week.", None),
    (ZIHAN, 230, "Loving Kestrel's keyboard shortcuts, super fast", None),
    (ZIHAN, 210, "Kestrel 4.2 release notes look great, nice work", None),
    (ZIHAN, 30, "Kestrel went down in the middle of our demo. Embarrassing and frustrating.", None),
    (ZIHAN, 9, "Kestrel support hasn't answered in a day. Bad experience.", None),
    (
        HANNAH,
        50,
        "Does the new Kestrel pricing apply to annual plans renewed in August?",
        {
            "agent": "lee",
            "text": "Annual plans keep their price until renewal: https://kestrel.app/pricing",
            "utm": "yes",
        },
    ),
    (
        RACHEL,
        30,
        "Can anyone recommend how to set up Kestrel for a 40-person agency? Thinking of "
        "the Team plan.",
        {"agent": "priya", "text": "Happy to help: the Team plan fits, I'll DM you a setup guide."},
    ),
    (
        MATILDA,
        15,
        "Is there a free trial of Kestrel's Business plan? We'd like to test SSO first.",
        {
            "agent": "dana",
            "text": "Yes: 30 days, SSO included: https://kestrel.app/trial",
            "utm": "yes",
        },
    ),
]

# Leads from strangers: (network, text)
LEADS = [
    ("mastodon", "Looking for an alternative to Asana for a 12-person team. Is Kestrel any good?"),
    ("bluesky", "How much does Kestrel cost for 30 seats? The pricing page only shows 10."),
    ("reddit", "Any recommendations for a planner with a real timeline? Kestrel vs Linear?"),
    ("hackernews", "Ask HN: Kestrel pricing for nonprofits?"),
    ("mastodon", "Vous recommandez Kestrel pour une petite agence ? Quel est le prix par siège ?"),
    ("bluesky", "Gibt es eine gute Alternative zu Trello? Kestrel sieht interessant aus"),
    ("mastodon", "Was kostet Kestrel für ein Team von 8 Leuten? Preis pro Monat?"),
    ("reddit", "¿Alguien recomienda Kestrel? ¿Cuánto cuesta el plan Team?"),
    ("bluesky", "Alguém recomenda o Kestrel? Quanto custa para 5 pessoas?"),
    ("mastodon", "Thinking of switching to Kestrel from Jira. Does the price include guests?"),
]

FIRST = ("Alex", "Sam", "Noor", "Jonas", "Ines", "Kai", "Mila", "Tomás", "Aiko", "Lena")
URL = {
    "mastodon": "https://mastodon.social/@{h}/{id}",
    "bluesky": "https://bsky.app/profile/{h}/post/{id}",
    "reddit": "https://www.reddit.com/r/projectmanagement/comments/{id}/",
    "hackernews": "https://news.ycombinator.com/item?id={id}",
}


def _stamp(hours: float) -> str:
    return (REFERENCE - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(
    rng: random.Random,
    channel: str,
    handle: str,
    name: str | None,
    followers: int | None,
    hours: float,
    text: str,
) -> dict[str, Any]:
    post_id = f"sales{rng.randrange(10**9, 10**10)}"
    return {
        "channel": channel,
        "id": post_id,
        "url": URL[channel].format(h=handle, id=post_id),
        "text": text,
        "created_at": _stamp(hours),
        "author": {"handle": handle, "name": name, "followers": followers, "url": None},
    }


def records() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    found = []
    for (channel, handle, name, followers), hours, text, reply in CUSTOMER_POSTS:
        record = _record(rng, channel, handle, name, followers, hours, text)
        if reply is not None:
            record["reply"] = reply
        found.append(record)
    for n, (channel, text) in enumerate(LEADS):
        first = FIRST[n % len(FIRST)]
        handle = {
            "mastodon": f"{first.lower()}{n}@mastodon.social",
            "bluesky": f"{first.lower()}{n}.bsky.social",
        }.get(channel, f"{first.lower()}_{n}")
        followers = None if channel in ("reddit", "hackernews") else rng.randrange(40, 2000)
        hours = rng.uniform(2, 150)
        found.append(_record(rng, channel, handle, first, followers, hours, text))
    return sorted(found, key=lambda r: str(r["created_at"]))


def conversions() -> list[dict[str, Any]]:
    """Sales from the shop, each naming the answered mention whose tagged link led to it
    ("reply_to": its network and id; the demo writes utm_content=m<its id>), or none."""
    by_text = {str(r["text"]): r for r in records()}
    trial = by_text[str(CUSTOMER_POSTS[-1][2])]
    pricing = by_text[str(CUSTOMER_POSTS[-3][2])]
    return [
        {"campaign": "social", "value": 1663.2, "days_ago": 0, "reply_to": _key(trial)},
        {"campaign": "social", "value": 2400, "days_ago": 0, "reply_to": _key(pricing)},
        {"campaign": "newsletter", "value": 960, "days_ago": 2, "reply_to": None},
    ]


def _key(record: dict[str, Any]) -> list[str]:
    return [str(record["channel"]), str(record["id"])]


def main() -> None:
    for name, rows in (
        ("mentions_sales.jsonl", records()),
        ("conversions_sales.jsonl", conversions()),
    ):
        path = FIXTURES / name
        with path.open("w", encoding="utf-8") as handle:
            for record in rows:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
