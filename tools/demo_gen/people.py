"""People and their handles: names by culture, handles per network, followers, ids."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from demo_gen import corpus
from demo_gen.basics import L, slugify
from demo_gen.shape import weighted
from demo_gen.texts import COUNTRIES, CULTURE_WEIGHTS, CULTURES, PAIR_CULTURES, WORDS

# --------------------------------------------------------------------------------------
# People, handles, customers
# --------------------------------------------------------------------------------------

FEMALE = set(L(corpus.text("female")))
MALE = set(L(corpus.text("male")))

MASTO_INSTANCES = {
    "en": ["mastodon.social"] * 5
    + ["fosstodon.org"] * 3
    + ["hachyderm.io"] * 3
    + [
        "mas.to",
        "mastodon.online",
        "techhub.social",
        "infosec.exchange",
        "toot.community",
        "mstdn.social",
        "indieweb.social",
        "social.vivaldi.net",
        "mastodonapp.uk",
        "aus.social",
    ],
    "de": [
        "chaos.social",
        "chaos.social",
        "det.social",
        "norden.social",
        "mastodon.social",
        "social.tchncs.de",
        "troet.cafe",
    ],
    "fr": ["piaille.fr", "mamot.fr", "mastodon.social", "framapiaf.org"],
    "es": ["mastodon.social", "mastodon.world", "masto.es"],
    "pt": ["masto.donte.com.br", "mastodon.social", "ciberlandia.pt"],
    "it": ["mastodon.uno", "mastodon.social"],
    "nl": ["mastodon.nl", "mastodon.social", "toot.community"],
    "sv": ["mastodon.nu", "mastodon.social"],
    "pl": ["pol.social", "mastodon.social"],
    "ja": ["mstdn.jp", "fedibird.com", "mastodon-japan.net"],
    "zh": ["m.cmx.im", "mastodon.social"],
    "ar": ["mastodon.social"],
    "he": ["mastodon.social", "tooot.im"],
    "ko": ["qdon.space"],
}
HOBBY = WORDS["hobby"]
TECH = ["k8s", "rust", "py", "devops", "ux", "pm", "data", "infra", "golang", "fe"]
REDDIT_ADJ = WORDS["reddit_adj"]
REDDIT_NOUN = WORDS["reddit_noun"]
PSEUDONYMS = [tuple(row) for row in WORDS["pseudonyms"]]
FLAGS = WORDS["flags"]
ROLES = WORDS["roles"]


@dataclass
class Person:
    first: str  # romanised
    last: str
    native: str | None  # native-script full name, if the culture writes one
    country: str
    lang: str
    culture: str

    @property
    def latin(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Author:
    channel: str
    handle: str
    name: str | None
    followers: int | None
    url: str
    lang: str = "en"
    customer: str | None = None
    did: str | None = None
    brand: bool = False
    staff: bool = False
    weight: float = 1.0
    links: list | None = None  # profile links, as `scrm ingest` reads them

    def as_json(self) -> dict:
        d = {"handle": self.handle}
        if self.name is not None:
            d["name"] = self.name
        d["followers"] = self.followers
        d["url"] = self.url
        if self.links is not None:
            d["links"] = self.links
        return d


def parse_pairs(block: str) -> list[tuple[str, str | None]]:
    out = []
    for item in " ".join(block.split()).split(";"):
        item = item.strip()
        if not item:
            continue
        latin, _, native = item.partition("=")
        out.append((latin.strip(), native.strip() or None))
    return out


def make_person(
    rng: random.Random, culture: str | None = None, country: str | None = None
) -> Person:
    if culture is None:
        culture = weighted(rng, CULTURE_WEIGHTS)
    if culture in CULTURES:
        c = CULTURES[culture]
        first = rng.choice(c["first"].split())
        lasts = re.split(r"\s+", c["last"].strip())
        # Dutch surnames carry particles; rejoin "de Jong", "van den Berg".
        if culture == "dutch":
            lasts = [
                "de Jong",
                "Jansen",
                "de Vries",
                "van den Berg",
                "van Dijk",
                "Bakker",
                "Visser",
                "Smit",
                "Meijer",
                "de Boer",
                "Mulder",
                "Bos",
                "Vos",
                "Peeters",
                "Janssens",
                "Maes",
                "Hendriks",
                "Dekker",
            ]
        if culture == "italian":
            lasts = [x for x in lasts if x not in ("De", "Luca")] + ["De Luca"]
        last = rng.choice(lasts)
        native = None
        ccs = c["cc"].split()
    else:
        c = PAIR_CULTURES[culture]
        latin, native = rng.choice(parse_pairs(c["names"]))
        first, _, last = latin.partition(" ")
        ccs = c["cc"].split()
    cc = country or rng.choice(ccs)
    lang = COUNTRIES[cc][1]
    if culture in ("japanese", "chinese", "korean", "arabic", "hebrew"):
        lang = {"japanese": "ja", "chinese": "zh", "korean": "ko", "arabic": "ar", "hebrew": "he"}[
            culture
        ]
    return Person(first, last, native, cc, lang, culture)


class HandleRegistry:
    """Keeps handles unique per network across customers and everyone else."""

    def __init__(self) -> None:
        self.taken: dict[str, set] = {
            ch: set() for ch in ["mastodon", "bluesky", "reddit", "hackernews", "github", "x"]
        }

    def claim(self, net: str, handle: str, rng: random.Random) -> str:
        key = handle.lower()
        base = handle
        while key in self.taken[net]:
            if net == "mastodon":
                user, _, inst = base.partition("@")
                handle = f"{user}{rng.randint(2, 99)}@{inst}"
            elif net == "bluesky":
                label, _, rest = base.partition(".")
                handle = f"{label}{rng.randint(2, 99)}.{rest}"
            else:
                handle = f"{base}{rng.randint(2, 999)}"
            key = handle.lower()
        self.taken[net].add(key)
        return handle

    def reserve(self, net: str, handle: str) -> None:
        self.taken[net].add(handle.lower())


def base_handle(rng: random.Random, p: Person) -> str:
    f = slugify(p.first) or "user"
    last = slugify(p.last) or "x"
    pats = [
        f"{f}_{last}",
        f"{f[0]}{last}",
        f"{f}{last}",
        f"{last}{f[0]}",
        f"{f}{rng.randint(7, 99)}",
        f"{f}_{rng.choice(HOBBY)}",
        f"{rng.choice(TECH)}_{f}",
        f"{f}{last[:3]}",
        f"the{f}",
        f"{f}_{last[0]}",
        f"{f}.{last}",
        f"{f[0]}{last}{rng.randint(1, 9)}",
    ]
    return rng.choices(pats, weights=[14, 14, 9, 5, 6, 5, 4, 4, 2, 5, 6, 3])[0]


def net_handle(rng: random.Random, net: str, p: Person, base: str | None = None) -> str:
    b = base or base_handle(rng, p)
    if net == "mastodon":
        inst = rng.choice(
            MASTO_INSTANCES.get(p.lang, MASTO_INSTANCES["en"])
            if rng.random() < 0.75
            else MASTO_INSTANCES["en"]
        )
        user = b.replace(".", "_")
        if rng.random() < 0.2:
            user = slugify(p.first) or user
        return f"{user}@{inst}"
    if net == "bluesky":
        label = b.replace("_", "-").replace(".", "-")
        if rng.random() < 0.2:
            f, last = slugify(p.first), slugify(p.last)
            tld = rng.choice(["com", "dev", "me", "net", "io", "org", p.country.lower()])
            return f"{f}{last}.{tld}" if rng.random() < 0.6 else f"{f[0]}{last}.{tld}"
        return f"{label}.bsky.social"
    if net == "reddit":
        r = rng.random()
        if r < 0.35:
            return f"{rng.choice(REDDIT_ADJ)}_{rng.choice(REDDIT_NOUN)}_{rng.randint(1000, 9999)}"
        if r < 0.55:
            return "_".join(w.capitalize() for w in b.replace(".", "_").split("_"))[:20]
        return b.replace(".", "_")[:20]
    if net == "hackernews":
        return b.replace(".", "")[:15]
    if net == "github":
        return b.replace("_", "-").replace(".", "-")[:39]
    if net == "x":
        return b.replace(".", "_")[:15]
    raise ValueError(net)


def display_name(rng: random.Random, p: Person) -> str:
    full = p.native if (p.native and rng.random() < 0.6) else p.latin
    r = rng.random()
    pron = "she/her" if p.first in FEMALE else ("he/him" if p.first in MALE else None)
    if r < 0.46:
        return full
    if r < 0.54:
        return f"{p.first} {p.last[0]}."
    if r < 0.58:
        return full.upper()
    if r < 0.65 and pron:
        return f"{p.first} {rng.choice(['🌻', '🌱', '✨', '🐝', '🌊', '☕', '🏔️'])} ({pron})"
    if r < 0.71:
        return f"{full} | {rng.choice(ROLES)}"
    if r < 0.75:
        return f"{p.first} ☕"
    if r < 0.78:
        return f"Dr. {full}"
    if r < 0.85 and p.country in FLAGS:
        return f"{full} {FLAGS[p.country]}"
    if r < 0.90:
        return full.lower()
    if r < 0.94:
        return f"{p.first} 🏳️‍🌈"
    return p.first


def author_url(net: str, handle: str) -> str:
    if net == "mastodon":
        user, _, inst = handle.partition("@")
        return f"https://{inst}/@{user}"
    if net == "bluesky":
        return f"https://bsky.app/profile/{handle}"
    if net == "reddit":
        return f"https://www.reddit.com/user/{handle}/"
    if net == "hackernews":
        return f"https://news.ycombinator.com/user?id={handle}"
    if net == "github":
        return f"https://github.com/{handle}"
    raise ValueError(net)


def followers_for(rng: random.Random, net: str) -> int | None:
    if net in ("hackernews", "rss"):
        return None
    median = {"mastodon": 140, "bluesky": 190, "reddit": 6, "github": 18}[net]
    x = median * math.exp(rng.gauss(0, 1.25))
    if rng.random() < 0.03:
        x *= rng.uniform(8, 40)
    return int(x)


DID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as used by atproto


def make_did(rng: random.Random) -> str:
    return "did:plc:" + "".join(rng.choice(DID_ALPHABET) for _ in range(24))


def make_tid(micros: int, clock: int) -> str:
    v = (micros << 10) | (clock & 1023)
    out = []
    for _ in range(13):
        out.append(TID_ALPHABET[v & 31])
        v >>= 5
    return "".join(reversed(out))


def to36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s or "0"
