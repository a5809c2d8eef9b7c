"""Write scrm_tui/fixtures/mentions_advocacy.jsonl: the demo's advocates (deterministic).

Advocates answer other people's questions and complaints in threads, the people they
helped thank them, they recommend Kestrel, and a few unhappy people complain twice, so
the dashboard's Advocacy section (points, leaderboard, social NPS) has something to show
at first open. Four advocates are demo customers (their handles are in customers.jsonl,
so their link is sure and their points count); two are strangers awaiting approval.

    python tools/gen_demo_advocacy.py
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures" / "mentions_advocacy.jsonl"
REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # demo.json reference_time
SEED = 1406

# (network, handle, name, followers): the first four are demo customers.
ADVOCATES = [
    ("mastodon", "derek95@mastodon.social", "Derek Walsh", 812),
    ("bluesky", "ebbabergstrom.com", "Ebba Bergström", 2310),
    ("reddit", "Ok_Badger_1715", None, 0),
    ("mastodon", "jack_carter@mastodon.social", "Jack Carter", 433),
    ("mastodon", "nils_plans@fosstodon.org", "Nils ✦ plans things", 1290),
    ("reddit", "spreadsheet_refugee", None, 0),
]

ASKERS = {
    "mastodon": [
        ("amara_o@mastodon.social", "Amara O."),
        ("pkowalski@todon.eu", "Piotr Kowalski"),
        ("juliette_r@piaille.fr", "Juliette R."),
        ("mk_devlog@hachyderm.io", "MK"),
        ("sanne_v@mastodon.nl", "Sanne"),
        ("tom_builds@fosstodon.org", "Tom"),
    ],
    "bluesky": [
        ("ravi-ships.bsky.social", "Ravi"),
        ("leafandloop.bsky.social", "Leaf & Loop studio"),
        ("ana-pm.bsky.social", "Ana"),
        ("kofi-writes.bsky.social", "Kofi"),
    ],
    "reddit": [("Quiet_Heron_402", None), ("throwaway_pm_88", None), ("Brisk_Lemur_19", None)],
}

QUESTIONS = [
    "How do I get Kestrel to stop duplicating recurring tasks after calendar sync?",
    "Is there a way to export a Kestrel board to CSV for my manager?",
    "Kestrel keeps logging me out on the desktop app, is that a known thing?",
    "Does anyone know how to share a single Kestrel project with a client?",
    "Kestrel timeline view is confusing me, how do I move a whole lane by a week?",
    "Can Kestrel send a daily digest instead of a notification per task?",
    "How do you set up keyboard shortcuts for moving cards in Kestrel?",
    "Where did the archive button go in Kestrel 4.2?",
]
COMPLAINTS = [
    "Kestrel sync is broken again, my edits from this morning are gone. Awful.",
    "Frustrated: Kestrel notifications are spamming me every minute since the update.",
    "Kestrel price rise is a terrible surprise, and the import from Trello failed too.",
    "Kestrel mobile app crashes every time I open a board with attachments. Annoying.",
]
ANSWERS = [
    "Open Settings, then Sync, and switch recurring events to 'one copy'. That fixed "
    "it for us. Kestrel support docs have a page on it too.",
    "Board menu, then Export, then CSV. Kestrel keeps the custom fields as columns, "
    "handy for reports.",
    "Clearing the app cache under Help fixed that for me in Kestrel. Worth a try!",
    "Use a guest link: Share, then Guests. Kestrel lets them see one project only. "
    "Works great with clients.",
    "Select the lane header and press shift plus arrow keys, Kestrel moves every "
    "card in it. Easy once you know.",
    "Settings, Notifications, Digest: Kestrel can send one summary each morning. Much calmer.",
    "Press ? in Kestrel to see them all, then Settings, Keys to change any. Super handy.",
    "It moved into the card menu (the three dots) in Kestrel 4.2. Took me a while too!",
]
THANKS = [
    "Thank you so much, that worked perfectly!",
    "Thanks! That was exactly it, you saved my afternoon.",
    "Brilliant, thanks a lot for the help!",
    "That did it, thank you! Great tip.",
]
RECOMMENDS = [
    "I recommend Kestrel to every small team I work with. Clean, fast, and the timeline is great.",
    "If your team is drowning in sticky notes, switch to Kestrel. Best decision we made this year.",
    "Honestly, you should use Kestrel for client projects. The guest links alone are worth it.",
    "Recommending Kestrel again: the keyboard shortcuts make planning a joy.",
    "Je recommande Kestrel à toute l'équipe, super outil!",
]
PRAISE = [
    "Kestrel's new digest mode is lovely, my inbox thanks them.",
    "Small thing but Kestrel's dark theme is really nice.",
    "Planning next sprint in Kestrel and enjoying it a lot.",
]
# Two negative mentions each and a mean score below -0.05: detractors in the social NPS.
DETRACTORS = [
    (
        "mastodon",
        "grumpy_gantt@mastodon.social",
        "Gantt Grump",
        [
            "Kestrel lost my board again. Terrible.",
            "Still angry at Kestrel: the sync bug deleted my notes. Awful support too.",
        ],
    ),
    (
        "bluesky",
        "done-with-tools.bsky.social",
        "done with tools",
        [
            "Kestrel price rise is ridiculous, awful value now.",
            "Kestrel export failed twice today, what a waste of time, I hate this.",
        ],
    ),
]


def _id(rng: random.Random, network: str) -> str:
    if network == "mastodon":
        return str(117_600_000_000_000_000 + rng.randrange(10**15))
    if network == "bluesky":
        return f"at://did:plc:adv{rng.randrange(16**12):012x}/app.bsky.feed.post/3adv{rng.randrange(36**8):08x}"
    return f"t1_adv{rng.randrange(36**6):06x}"


# Added to a text already used (no two demo posts are alike), as people vary them.
TAILS = (
    "",
    " Cheers.",
    " Hope that helps.",
    " 🙂",
    " Good luck!",
    " Thx.",
    " (on 4.2)",
    " Day two of this.",
    " ✨",
    " !!",
    " Anyone else?",
)


def _unique(text: str, used: set[str], rng: random.Random) -> str:
    for tail in (TAILS[0], *rng.sample(TAILS[1:], len(TAILS) - 1)):
        for extra in ("", " " + "·" * rng.randrange(1, 4)):
            candidate = text + tail + (extra if tail else "")
            if candidate not in used:
                used.add(candidate)
                return candidate
    raise ValueError(f"no unused variant of {text!r}")


def _record(
    network: str,
    mid: str,
    handle: str,
    name: str | None,
    followers: int,
    text: str,
    at: datetime,
    reply_to: str | None = None,
) -> dict[str, object]:
    author: dict[str, object] = {"handle": handle}
    if name:
        author["name"] = name
    if followers:
        author["followers"] = followers
    record: dict[str, object] = {
        "channel": network,
        "id": mid,
        "text": text,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "author": author,
    }
    if reply_to:
        record["in_reply_to"] = reply_to
    return record


def generate() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    out: list[dict[str, object]] = []
    used: set[str] = set()
    start = REFERENCE - timedelta(days=13, hours=20)

    def when() -> datetime:
        return start + timedelta(minutes=rng.randrange(13 * 24 * 60))

    # Threads: someone asks or complains, an advocate on that network answers, and the
    # person thanks them most of the time. Each advocate answers a different number.
    answered = [7, 4, 3, 3, 4, 2]
    for advocate, count in zip(ADVOCATES, answered, strict=True):
        network, handle, name, followers = advocate
        for n in range(count):
            asker, asker_name = rng.choice(ASKERS[network])
            complaint = n % 3 == 2
            opening = rng.choice(COMPLAINTS if complaint else QUESTIONS)
            at = when()
            root = _id(rng, network)
            out.append(
                _record(network, root, asker, asker_name, rng.randrange(20, 400), opening, at)
            )
            answer = _id(rng, network)
            at += timedelta(minutes=rng.randrange(5, 180))
            out.append(
                _record(network, answer, handle, name, followers, rng.choice(ANSWERS), at, root)
            )
            if rng.random() < 0.7:
                at += timedelta(minutes=rng.randrange(3, 120))
                out.append(
                    _record(
                        network,
                        _id(rng, network),
                        asker,
                        asker_name,
                        0,
                        rng.choice(THANKS),
                        at,
                        answer,
                    )
                )
        for _ in range(rng.randrange(1, 3)):
            out.append(
                _record(
                    network,
                    _id(rng, network),
                    handle,
                    name,
                    followers,
                    rng.choice(RECOMMENDS),
                    when(),
                )
            )
        for _ in range(rng.randrange(1, 4)):
            out.append(
                _record(
                    network, _id(rng, network), handle, name, followers, rng.choice(PRAISE), when()
                )
            )
    for network, handle, name, texts in DETRACTORS:
        for text in texts:
            out.append(_record(network, _id(rng, network), handle, name, 150, text, when()))
    for record in out:
        record["text"] = _unique(str(record["text"]), used, rng)
    out.sort(key=lambda r: str(r["created_at"]))
    return out


def main() -> None:
    records = generate()
    with OUT.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} mentions to {OUT}")


if __name__ == "__main__":
    main()
