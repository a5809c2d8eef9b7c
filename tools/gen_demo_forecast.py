"""Write scrm_tui/fixtures/mentions_forecast.jsonl: five ordinary weeks before the demo's
14 days, so the 7-day forecast (the dashboard's "What is coming") has history to learn a
week from at first open. Deterministic (seeded): run it again, get the same file.

    python tools/gen_demo_forecast.py
"""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"
OUT = FIXTURES / "mentions_forecast.jsonl"
SEED = 147
WEEKS = 5
END = datetime(2026, 11, 6, 12, 0, tzinfo=UTC)  # where mentions.jsonl begins
# Weekday level at the start and the end of the five weeks (a brand slowly heard more),
# and the weekend's share of it: the demo's own first week has ~90 a weekday, ~50 a
# weekend day.
START_LEVEL, END_LEVEL, WEEKEND = 70.0, 90.0, 0.55
CHANNELS = {"mastodon": 0.3, "bluesky": 0.3, "reddit": 0.22, "hackernews": 0.18}

# Posts are put together from parts, so that no two are alike (as on the networks):
# a subject, a remark of the day's mood, and sometimes a tail.
SUBJECTS = [
    "board view",
    "calendar sync",
    "mobile app",
    "timeline",
    "new templates",
    "recurring tasks",
    "Slack integration",
    "search",
    "keyboard shortcuts",
    "guest access",
    "iPad app",
    "weekly digest",
    "task dependencies",
    "Trello import",
    "desktop app",
    "notifications",
    "workload view",
    "custom fields",
    "API",
    "offline mode",
    "time tracking",
    "Gantt chart",
    "inbox view",
    "shared projects",
    "public roadmap",
]
REMARKS = {
    "pos": [
        "Kestrel's {s} is a joy to use",
        "really happy with the {s} in Kestrel",
        "Kestrel nailed {s}, thank you",
        "the {s} in Kestrel saves me an hour a week, love it",
        "big fan of the {s} in Kestrel",
        "Kestrel's {s} keeps the team honest. Great work",
    ],
    "neu": [
        "does Kestrel have a setting for the {s}?",
        "how do you all use the {s} in Kestrel?",
        "trying Kestrel's {s} for our small agency",
        "is the {s} in Kestrel on the free plan?",
        "setting up the {s} in Kestrel this week",
        "any docs on Kestrel's {s}?",
    ],
    "neg": [
        "Kestrel's {s} is slow again today, annoying",
        "the {s} in Kestrel keeps failing for me, frustrating",
        "not impressed with the {s} in Kestrel lately",
        "Kestrel broke the {s} for our team. Bad day",
    ],
}
TAILS = [
    "",
    "",
    "",
    " #productivity",
    " #kanban",
    " on Firefox",
    " on Android",
    " on my Mac",
    " since the weekend",
    " for the third time",
    " (team of {n})",
]
# One post in ten in another language, as in the demo's own days.
FOREIGN = {
    "Kestrel: {s} funktioniert super, danke!": ["die Suche", "der Kalender", "die App"],
    "Est-ce que {s} de Kestrel marche hors ligne ?": ["le calendrier", "la recherche"],
    "Me encanta {s} de Kestrel": ["el calendario", "la app", "la búsqueda"],
    "O {s} do Kestrel está lento hoje": ["calendário", "aplicativo", "painel"],
    "Kestrelの{s}、とても便利です": ["カレンダー", "検索", "アプリ"],
}


def _authors(rng: random.Random) -> dict[str, list[dict[str, object]]]:
    """Authors of the demo's own mentions, by network: the same people talk every week."""
    found: dict[str, dict[str, dict[str, object]]] = {c: {} for c in CHANNELS}
    with (FIXTURES / "mentions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["channel"] in found:
                found[record["channel"]][record["author"]["handle"]] = record["author"]
    return {c: sorted(a.values(), key=lambda a: str(a["handle"])) for c, a in found.items()}


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method), for the demo and the forecast's bench and
    tests; a mean above 500 is drawn in parts, as exp(−mean) would reach 0."""
    if mean > 500:
        half = mean / 2
        return poisson(rng, half) + poisson(rng, half)
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _record(channel: str, n: int, at: datetime, text: str, author: dict[str, object]) -> dict:
    handle = str(author["handle"])
    user = handle.split("@")[0]
    if channel == "mastodon":
        ident = str(117_400_000_000_000_000 + n)
        server = handle.split("@")[1] if "@" in handle else "mastodon.social"
        url = f"https://{server}/@{user}/{ident}"
    elif channel == "bluesky":
        ident = f"at://did:plc:kestreldemoforecast/app.bsky.feed.post/fc{n:06d}"
        url = f"https://bsky.app/profile/{handle}/post/fc{n:06d}"
    elif channel == "reddit":
        ident = f"t1_fc{n:06d}"
        url = f"https://www.reddit.com/r/kestrelapp/comments/fc{n:06d}/"
    else:
        ident = str(48_000_000 + n)
        url = f"https://news.ycombinator.com/item?id={ident}"
    return {
        "channel": channel,
        "id": ident,
        "url": url,
        "text": text,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "author": author,
    }


def _text(rng: random.Random, seen: set[str]) -> str:
    """A post not written before."""
    while True:
        subject = rng.choice(SUBJECTS)
        if rng.random() < 0.1:
            template = rng.choice(sorted(FOREIGN))
            text = template.format(s=rng.choice(FOREIGN[template]))
        else:
            mood = rng.random()
            kind = "pos" if mood < 0.45 else "neu" if mood < 0.8 else "neg"
            text = rng.choice(REMARKS[kind]).format(s=subject)
            text = text[0].upper() + text[1:]
        text += rng.choice(TAILS).format(n=rng.randint(2, 400))
        if text not in seen:
            seen.add(text)
            return text


def generate() -> list[dict]:
    rng = random.Random(SEED)
    authors = _authors(rng)
    channels, weights = list(CHANNELS), list(CHANNELS.values())
    records = []
    seen: set[str] = set()
    days = WEEKS * 7
    start = END - timedelta(days=days)
    first = start.replace(hour=0)
    for d in range(days + 1):  # calendar days; the first and last are cut at start, END
        day = first + timedelta(days=d)
        level = START_LEVEL + (END_LEVEL - START_LEVEL) * d / days
        weekend = day.weekday() >= 5
        for _ in range(poisson(rng, level * (WEEKEND if weekend else 1.0))):
            # Daytime in Europe and the Americas: most between 08:00 and 22:00 UTC.
            at = day + timedelta(seconds=int(min(86399, max(0, rng.gauss(15 * 3600, 4 * 3600)))))
            if not start <= at < END:
                continue
            channel = rng.choices(channels, weights)[0]
            author = rng.choice(authors[channel])
            records.append((at, channel, _text(rng, seen), author))
    records.sort(key=lambda r: r[0])
    return [_record(c, n, at, text, a) for n, (at, c, text, a) in enumerate(records)]


def main() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in generate()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines):,} mentions to {OUT}")


if __name__ == "__main__":
    main()
