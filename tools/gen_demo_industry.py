"""Write scrm_tui/fixtures/mentions_industry.jsonl: the demo's competitor mentions.

Two invented competitors of Kestrel (a task planner), over the demo's 14 days: Harrier,
whose price rise in the second week turns its mood and fills its negative mentions
with "price" and "invoice", and Osprey, whose calendar sync breaks in the last days.
Each has fans, complaints (switching opportunities) and questions, in several
languages (one no scorer reads), and a few posts name Kestrel too: those are the
brand's (core/watch_sets.py). Deterministic: the same file every run.

    python tools/gen_demo_industry.py
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 14
REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # fixtures/demo.json reference_time
DAYS = 14
OUT = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures" / "mentions_industry.jsonl"

# (language, text) per competitor and kind; {c} is the competitor's name.
FANS = [
    ("en", "Been on {c} for a year now and the board view is still the best part of my day"),
    ("en", "{c} just works for our small team. No setup, no fuss, love it"),
    ("en", "Honestly impressed by how fast {c} loads, even with 2k tasks"),
    ("en", "The new {c} templates saved me an hour this morning, great release"),
    ("en", "Shout out to {c} support, they fixed our workspace in ten minutes. Brilliant"),
    ("en", "{c} is such a nice tool for planning sprints, really happy with it"),
    ("en", "Our designers love the {c} timeline, it is clean and easy"),
    ("de", "{c} ist für unser kleines Team echt super, die Boards sind klar und schnell"),
    ("fr", "J'adore {c}, les tableaux sont clairs et tout est rapide"),
    ("es", "{c} me encanta, el tablero es muy claro y rápido"),
    ("pt", "Adoro o {c}, o quadro é muito claro e rápido"),
    ("it", "{c} è fantastico per il nostro team, semplice e veloce"),
    ("ja", "{c} のボードは見やすくて、チームで毎日使っています"),
]
NEUTRAL = [
    ("en", "{c} shipped a new mobile build today, changelog is on their site"),
    ("en", "Reading the {c} docs on workspaces before we set it up for the agency"),
    ("en", "Our team moved the sprint board into {c} this week"),
    ("de", "Wir testen gerade {c} für die Projektplanung im Büro"),
    ("fr", "On teste {c} cette semaine pour la planification des projets"),
]
COMPLAINTS = {
    "Harrier": [
        ("en", "{c} raised the price again, 40% more per seat. Terrible way to treat loyal users"),
        ("en", "The new {c} price is outrageous. We pay double for the same plan"),
        ("en", "{c} billing is a mess, charged twice on this month's invoice, no answer yet"),
        ("en", "Angry at {c}: the price hike came with no warning, the invoice is wrong"),
        ("en", "{c} support ignored my invoice ticket for a week. Awful"),
        ("de", "{c} hat den Preis schon wieder erhöht, echt ärgerlich und unfair"),
        ("fr", "{c} augmente encore ses prix, c'est vraiment nul et décevant"),
        ("es", "{c} subió el precio otra vez, es horrible y muy injusto"),
        ("pt", "{c} aumentou o preço de novo, péssimo e muito injusto"),
        ("ja", "{c} がまた値上げした。請求書も間違っている"),
    ],
    "Osprey": [
        ("en", "{c} calendar sync is broken again, my deadlines vanished. Terrible"),
        ("en", "Lost a whole afternoon because {c} sync duplicated every calendar event. Awful"),
        ("en", "{c} crashing on every calendar sync, so frustrating"),
        ("en", "The {c} calendar bug is still not fixed after three days. Disappointing"),
        ("en", "{c} sync failed and deleted my recurring tasks. Worst update ever"),
        ("de", "{c} Kalender Sync ist kaputt, alle Termine sind weg. Schlecht"),
        ("fr", "La synchro calendrier de {c} est cassée, c'est nul"),
        ("es", "La sincronización de calendario de {c} está rota, es terrible"),
        ("it", "La sincronizzazione del calendario di {c} è rotta, pessimo"),
    ],
}
QUESTIONS = [
    ("en", "Anyone moving off {c}? What are you using instead?"),
    ("en", "Does {c} have a Gantt view or do I need a plugin?"),
    ("en", "Is there a way to export everything out of {c} to CSV?"),
    ("en", "Looking for an alternative to {c} for a team of 12, ideas?"),
    ("en", "How do you import a {c} board into another tool?"),
    ("de", "Gibt es eine gute Alternative zu {c} für kleine Teams?"),
    ("fr", "Quelqu'un connaît une alternative à {c} ?"),
    ("es", "¿Alguien conoce una alternativa a {c} para equipos pequeños?"),
    ("pt", "Alguém sabe exportar os dados do {c}?"),
]
# Naming Kestrel too: the brand's mentions, whichever search found them.
BOTH = [
    ("en", "Switched from {c} to Kestrel last month and the board is so much calmer"),
    ("en", "Kestrel vs {c}: Kestrel's calendar sync has never failed me"),
]
# Tags a post may end with, alone or two together: no two demo posts are alike.
TAGS = ["productivity", "remotework", "saas", "pm", "teams", "agency", "startups", "tools"]
ENDINGS = [""] + [f" #{a}" for a in TAGS] + [f" #{a} #{b}" for a in TAGS for b in TAGS if a < b]

# (network, weight); Hacker News gives no follower counts (shown apart in reach).
NETWORKS = [("mastodon", 4), ("bluesky", 4), ("reddit", 2), ("hackernews", 1)]
FIRST = ["alex", "sam", "jo", "lena", "marta", "yuki", "omar", "ines", "piet", "chloe", "ravi"]
LAST = ["berg", "silva", "novak", "okafor", "lund", "moreau", "tanaka", "costa", "weber", "ali"]


def _author(rng: random.Random, network: str, index: int) -> dict[str, object]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first.title()} {last.title()}"
    if network == "mastodon":
        handle = f"{first}{last}{index}@{rng.choice(['mastodon.social', 'fosstodon.org'])}"
        user, host = handle.split("@")
        url = f"https://{host}/@{user}"
    elif network == "bluesky":
        handle = f"{first}{last}{index}.bsky.social"
        url = f"https://bsky.app/profile/{handle}"
    elif network == "reddit":
        handle = f"{first}_{last}{index}"
        url = f"https://www.reddit.com/user/{handle}"
    else:
        handle = f"{first}{last[:2]}{index}"
        url = f"https://news.ycombinator.com/user?id={handle}"
    followers = None if network == "hackernews" else int(rng.lognormvariate(5, 1.4))
    return {"handle": handle, "name": name, "followers": followers, "url": url}


def _post(network: str, number: int, author: dict[str, object]) -> tuple[str, str]:
    """(external id, url) as the network writes them."""
    if network == "mastodon":
        user, host = str(author["handle"]).split("@")
        post = f"1176{number:014d}"
        return post, f"https://{host}/@{user}/{post}"
    if network == "bluesky":
        key = f"3ind{number:09d}"
        did = f"did:plc:industry{number:08d}"
        return f"at://{did}/app.bsky.feed.post/{key}", (
            f"https://bsky.app/profile/{author['handle']}/post/{key}"
        )
    if network == "reddit":
        post = f"t1_ind{number:06d}"
        return post, f"https://www.reddit.com/r/productivity/comments/ind{number:06d}/"
    post = str(60_000_000 + number)
    return post, f"https://news.ycombinator.com/item?id={post}"


# The newest competitor post is this much older than the demo's reference time, so
# the top of the demo's inbox stays the brand's own newest mentions.
QUIET_AT_END = timedelta(hours=3)


def _when(rng: random.Random, low_day: float, high_day: float) -> datetime:
    """A moment `low_day`..`high_day` days into the 14 (0 is the oldest), the 14
    squeezed to end QUIET_AT_END before the reference time."""
    start = REFERENCE - timedelta(days=DAYS)
    span = (timedelta(days=DAYS) - QUIET_AT_END) / DAYS
    return start + span * rng.uniform(low_day, high_day)


def records() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    # (competitor, kind, how many, days from, days to): Harrier's price rise from day 8,
    # Osprey's sync failure in the last three days.
    plan = [
        ("Harrier", FANS, 70, 0, 14),
        ("Harrier", NEUTRAL, 30, 0, 14),
        ("Harrier", COMPLAINTS["Harrier"], 5, 0, 8),
        ("Harrier", COMPLAINTS["Harrier"], 60, 8, 14),
        ("Harrier", QUESTIONS, 30, 0, 14),
        ("Harrier", BOTH, 6, 0, 14),
        ("Osprey", FANS, 55, 0, 14),
        ("Osprey", NEUTRAL, 22, 0, 14),
        ("Osprey", COMPLAINTS["Osprey"], 10, 0, 11),
        ("Osprey", COMPLAINTS["Osprey"], 40, 11, 14),
        ("Osprey", QUESTIONS, 22, 0, 14),
        ("Osprey", BOTH, 4, 0, 14),
    ]
    networks = [n for n, weight in NETWORKS for _ in range(weight)]
    out = []
    seen: set[str] = set()
    number = 0
    for competitor, texts, count, low, high in plan:
        for _ in range(count):
            number += 1
            lang, template = rng.choice(texts)
            text = template.format(c=competitor) + rng.choice(ENDINGS)
            while text in seen:
                lang, template = rng.choice(texts)
                text = template.format(c=competitor) + rng.choice(ENDINGS)
            seen.add(text)
            network = rng.choice(networks)
            author = _author(rng, network, number)
            external_id, url = _post(network, number, author)
            record: dict[str, object] = {
                "channel": network,
                "id": external_id,
                "url": url,
                "text": text,
                "created_at": _when(rng, low, high).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "author": author,
            }
            if network in ("mastodon", "bluesky"):
                record["lang"] = lang  # as those networks declare it
            out.append(record)
    out.sort(key=lambda r: str(r["created_at"]))
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8") as handle:
        for record in records():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({len(records())} mentions)")


if __name__ == "__main__":
    main()
