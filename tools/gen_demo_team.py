"""The team's demo answers: writes scrm_tui/fixtures/answers_team.jsonl.

    python tools/gen_demo_team.py     # deterministic: same seed, same file

Which of the demo's own mentions (fixtures/mentions.jsonl) the demo's agents answered,
who answered and what they said: most complaints and questions in English, some of the
rest,
none of the brand's own posts, no feed articles, nothing of the last two hours (the
team is still on those). The demo seeds each as an answer recorded by hand, sent a
realistic while after the mention arrived (service/demo.py answer_delay_ms).
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def main() -> None:
    rng = random.Random(SEED)
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    own = {str(h).lower() for h in demo["brand_handles"].values() if h}
    answer_share = {"question": 0.85, "negative": 0.85, "positive": 0.5, "other": 0.4}
    newest = REFERENCE - timedelta(hours=2)
    lines = []
    with (FIXTURES / "mentions.jsonl").open(encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            if record["channel"] == "rss" or str(record["author"]["handle"]).lower() in own:
                continue
            posted = datetime.fromisoformat(str(record["created_at"]).replace("Z", "+00:00"))
            what = kind(str(record["text"]))
            if what is None or posted > newest or rng.random() >= answer_share[what]:
                continue
            answer = {
                "channel": record["channel"],
                "id": record["id"],
                "agent": rng.choices(AGENTS, AGENT_WEIGHTS)[0],
                "text": rng.choice(ANSWERS[what]),
            }
            lines.append(json.dumps(answer, ensure_ascii=False))
    (FIXTURES / "answers_team.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"answers_team.jsonl: {len(lines)} answers")


if __name__ == "__main__":
    main()
