"""The team's demo answers, escalations and rewards: writes
scrm_tui/fixtures/answers_team.jsonl, escalations_team.jsonl and rewards_team.jsonl.

    python tools/gen_demo_team.py     # deterministic: same seed, same file

Which of the demo's own mentions (fixtures/mentions.jsonl) the demo's agents answered,
who answered and what they said: most complaints and questions in English, some of the
rest,
none of the brand's own posts, no feed articles, nothing of the last two hours (the
team is still on those). The demo seeds each as an answer recorded by hand, sent a
realistic while after the mention arrived (service/demo.py answer_delay_ms). And a few
escalations of complaints to the demo's teams, in-app only: some resolved, one open
within its SLA, some open past it, so "Escalations open, late" have something to show.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

VADER = SentimentIntensityAnalyzer()  # an escalated post is a complaint or a question
SEED = 20261214
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "scrm_tui" / "fixtures"
REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
AGENTS = ["priya", "jonas", "lea", "sam"]
AGENT_WEIGHTS = [4, 3, 3, 2]

# A post is English enough to answer in English when it holds two of these words.
ENGLISH = re.compile(r"\b(the|is|and|to|my|it|for|with|this|you|of|in|on|our|we)\b", re.I)
NEGATIVE = re.compile(
    r"\b(broken|bug|crash\w*|down|lost|losing|fail\w*|error|slow|terrible|awful|"
    r"annoying|worst|outage|refund|cancel\w*|disappointed|frustrat\w*|again|why)\b",
    re.I,
)
POSITIVE = re.compile(r"\b(love|great|thanks|thank you|awesome|nice|wonderful|amazing)\b", re.I)

ANSWERS = {
    "question": [
        "Good question: it is in Settings > Workspace. DM us if it does not show for you.",
        "Yes: select the tasks, then Edit > Dates. Our help page has the details.",
        "Not yet, but it is on the roadmap. I have added your vote.",
        "You can: Projects > Import takes CSV and Trello exports.",
    ],
    "negative": [
        "Sorry about this. We are on it: could you DM us your workspace name?",
        "That should not happen. Our team is looking into it; DM us the details please.",
        "Sorry for the trouble. A fix is rolling out today; we will follow up.",
        "Thanks for flagging it. Could you send us a screenshot by DM?",
    ],
    "positive": [
        "Thank you! Glad it works for your team.",
        "Thanks for the kind words, we will pass them on to the team.",
    ],
    "other": [
        "Thanks for mentioning us! Tell us if there is anything we can help with.",
        "Thanks for sharing. Our help pages are at help.kestrel.app if you need them.",
    ],
}


def kind(text: str) -> str | None:
    """What sort of post it is, for the answer it gets; None: not answered in English."""
    if len(ENGLISH.findall(text)) < 2:
        return None
    if "?" in text:
        return "question"
    if NEGATIVE.search(text):
        return "negative"
    if POSITIVE.search(text):
        return "positive"
    return "other"


# (a word the complaint holds, team, priority, hours after the post it was escalated,
# hours after that it was resolved or None: still open, agent, note)
ESCALATIONS = [
    ("outage", "engineering", "P1", 0.5, 3.0, "priya", "Outage report"),
    ("sync", "engineering", "P2", 1.0, None, "jonas", "Calendar sync bug"),
    ("invoice", "billing", "P3", 2.0, 20.0, "lea", "Invoice question"),
    ("refund", "billing", "P2", 1.5, None, "sam", "Refund request"),
    ("export", "product", "P4", 4.0, None, "priya", "Export request"),
]


Record = dict[str, Any]


def _mentions() -> list[Record]:
    """The demo's mentions, none of them the brand's own posts."""
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    own = {str(h).lower() for h in demo["brand_handles"].values() if h}
    with (FIXTURES / "mentions.jsonl").open(encoding="utf-8") as source:
        records = [json.loads(line) for line in source]
    return [r for r in records if str(r["author"]["handle"]).lower() not in own]


def answers() -> list[Record]:
    """Who answered which mention, and what they said."""
    rng = random.Random(SEED)
    answer_share = {"question": 0.85, "negative": 0.85, "positive": 0.5, "other": 0.4}
    newest = REFERENCE - timedelta(hours=2)
    found = []
    for record in _mentions():
        if record["channel"] == "rss":
            continue
        posted = datetime.fromisoformat(str(record["created_at"]).replace("Z", "+00:00"))
        what = kind(str(record["text"]))
        if what is None or posted > newest or rng.random() >= answer_share[what]:
            continue
        found.append(
            {
                "channel": record["channel"],
                "id": record["id"],
                "agent": rng.choices(AGENTS, AGENT_WEIGHTS)[0],
                "text": rng.choice(ANSWERS[what]),
            }
        )
    return found


def escalations() -> list[Record]:
    """For each planned escalation, the newest English complaint or question holding its
    word, posted before the last six hours (so the open ones can be late by now)."""
    found = []
    taken: set[str] = set()
    newest = REFERENCE - timedelta(hours=6)
    records = _mentions()
    for word, team, priority, after, resolved, agent, note in ESCALATIONS:
        for record in reversed(records):
            text = str(record["text"])
            posted = datetime.fromisoformat(str(record["created_at"]).replace("Z", "+00:00"))
            if (
                posted <= newest
                and record["channel"] != "rss"
                and "http" not in text
                and "[" not in text  # no scam posts with links or markup
                and record["id"] not in taken
                and re.search(rf"\b{word}", text, re.I)
                and (kind(text) == "question" or VADER.polarity_scores(text)["compound"] < -0.2)
            ):
                taken.add(str(record["id"]))
                found.append(
                    {
                        "channel": record["channel"],
                        "id": record["id"],
                        "team": team,
                        "priority": priority,
                        "after_hours": after,
                        "resolved_after_hours": resolved,
                        "agent": agent,
                        "note": note,
                    }
                )
                break
    return found


# Rewards the agents gave the demo's top advocates (the rewards ledger, `w`): network,
# handle, kind, note, days before the reference, agent.
REWARDS = [
    (
        "mastodon",
        "derek95@mastodon.social",
        "swag",
        "T-shirt for answering sync questions",
        3,
        "priya",
    ),
    ("bluesky", "ebbabergstrom.com", "beta access", "Early look at the new timeline", 6, "lea"),
    (
        "mastodon",
        "derek95@mastodon.social",
        "shout-out",
        "Thanked in the release notes",
        12,
        "jonas",
    ),
]


def rewards() -> list[Record]:
    """The rewards given, as the ledger records them."""
    return [
        {"channel": c, "handle": h, "kind": k, "note": n, "days_ago": d, "agent": a}
        for c, h, k, n, d, a in REWARDS
    ]


def main() -> None:
    for name, made in (
        ("answers_team.jsonl", answers()),
        ("escalations_team.jsonl", escalations()),
        ("rewards_team.jsonl", rewards()),
    ):
        lines = [json.dumps(record, ensure_ascii=False) for record in made]
        (FIXTURES / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)} records")


if __name__ == "__main__":
    main()
