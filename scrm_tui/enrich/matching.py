"""Which customer an unknown author probably is: an index over names, handles and e-mails."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Generic, Literal, Protocol, TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from scrm_tui.core.domains import FREE_MAIL as _FREE_MAIL
from scrm_tui.core.domains import company_domain
from scrm_tui.core.handles import handle_key, home_instance
from scrm_tui.enrich.gc_pause import paused
from scrm_tui.enrich.match_model import Comparison, Weights, default_weights, features

# --------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerKey:
    """What the matcher knows about one customer."""

    id: int
    name: str
    email: str | None = None
    company: str | None = None
    handles: tuple[tuple[str, str], ...] = ()  # (channel, handle), e.g. ("github", "klindqvist")


@dataclass(frozen=True)
class Candidate:
    """A customer the author may be, how sure, and which fields agreed.

    `score` (0..100) ranks the candidates the index finds; `probability` (0..1) is the
    calibrated chance that the author IS this customer (match_model.py), and `evidence`
    names what a name cannot fake, when there is some: "handle" (their confirmed handle
    on another network), "email" (their e-mail's local part as the handle) or "domain"
    (a profile on their company's domain, with a name that fits only them there).
    """

    customer_id: int
    score: float  # 0..100
    fields: tuple[str, ...]  # what matched: "name", "email", "company", "handle:<channel>"
    probability: float = 0.0
    evidence: str = ""
    comparison: Comparison | None = field(default=None, compare=False, repr=False)
    # The scorer's findings until `_Scorer.compared` works the rest out (shown ones only).
    pending: tuple[Any, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Thresholds:
    """When to link automatically, and when to suggest."""

    auto: float = 99.5  # a probability (percent) from which a name links by itself ...
    margin: float = 5.0  # ... when its score is this far ahead of the next customer's
    suggest: float = 60.0  # below this score, no suggestion at all
    evidence: bool = True  # identifying evidence (Candidate.evidence) links by itself


# An automatic link takes evidence a name cannot fake, or a calibrated probability of
# 99.5% with a lead over the next customer, on a name no other customer has: a namesake
# is common, and when two customers share a name nothing in it tells them apart.
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class MatchResult:
    """The decision about one author, with up to three candidates."""

    decision: Literal["auto", "suggest", "none"]
    candidates: tuple[Candidate, ...]  # best first, at most 3; empty for "none"


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Letters NFKD does not decompose, and Cyrillic, so that "Ірина Савченко" meets "Iryna Savchenko".
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "ye",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "і": "i",
        "ї": "yi",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "'": "",  # O'Brien is one word: obrien
        "’": "",
        "ʼ": "",
        "`": "",
    }
)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LETTERS = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_PRONOUNS = re.compile(
    r"\b(?:she|he|they|xe|ze|it|any)\s*/\s*(?:her|hers|him|his|they|them|theirs|xem|zir|its|all)\b",
    re.IGNORECASE,
)
# "Kate Lindqvist | PM @ Brightline", "Aaron Hale · PhD student": the name comes first.
_TAGLINE = re.compile(r"\s+(?:[|·•—–@/:]|-|::)\s+|\s*\|\s*")
_HONORIFICS = frozenset(
    [
        "dr",
        "prof",
        "mr",
        "mrs",
        "ms",
        "mx",
        "miss",
        "sir",
        "dame",
        "rev",
        "herr",
        "frau",
        "jr",
        "sr",
        "snr",
        "jnr",
        "ii",
        "iii",
        "iv",
        "phd",
        "md",
        "mba",
        "msc",
        "bsc",
        "esq",
        "dipl",
        "ing",
        "dott",
        "mme",
        "mlle",
        "sra",
        "srta",
    ]
)
_LEGAL = frozenset(
    [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ab",
        "as",
        "asa",
        "aps",
        "oy",
        "oyj",
        "sa",
        "sas",
        "sarl",
        "sl",
        "slu",
        "srl",
        "spa",
        "sro",
        "bv",
        "nv",
        "kk",
        "pty",
        "pte",
        "co",
        "corp",
        "corporation",
        "company",
        "group",
        "and",
        "the",
        "hq",
        "team",
        "official",
        "app",
        "support",
    ]
)

# Given names people are also called by; a name is equivalent to the others on its line.
# Two formal names that only share a short form (Alejandro, Alessandro) are not equivalent.
_NICKNAME_LINES = (
    "robert bob bobby rob robbie bert",
    "roberto beto rob",
    "william bill billy will willy liam",
    "katherine catherine kathryn katharine kathleen kate katie kat kathy cathy kit",
    "kateryna katya katja kate",
    "ekaterina yekaterina katya katia kate",
    "elizabeth elisabeth liz lizzie beth betty eliza lisa libby",
    "margaret maggie meg peggy greta",
    "aleksandr aleksander oleksandr alexandr sasha sanya alex",
    "alexander alex alec xander sandy sasha",
    "alexandra aleksandra oleksandra alex sasha sandra lexi ola",
    "alejandro alex ale",
    "alessandro alex sandro",
    "guillermo memo guille",
    "francisco paco pancho fran cisco",
    "jose pepe",
    "jesus chuy chucho",
    "ignacio nacho",
    "enrique quique kike",
    "eduardo edu lalo",
    "fernando nando fer",
    "alberto beto",
    "antonio toni tony tono",
    "anthony tony",
    "joseph joe joey",
    "giuseppe beppe peppe pino",
    "james jim jimmy jamie",
    "john jack johnny jon",
    "jonathan jon jonny",
    "michael mike mikey mick mickey",
    "christopher chris kit",
    "christina christine chris tina",
    "richard rick ricky dick rich richie",
    "thomas tom tommy",
    "nicholas nick nicky",
    "nicolas nico",
    "benjamin ben benny benji",
    "samuel sam sammy",
    "samantha sam sammie",
    "daniel dan danny",
    "daniela dani",
    "matthew matt matty",
    "andrew andy drew",
    "steven stephen steve stevie",
    "edward ed eddie ted teddy ned",
    "charles charlie chuck",
    "charlotte charlie lottie",
    "jennifer jen jenny jenn",
    "patricia pat patty trish tricia",
    "susan sue susie",
    "rebecca becky becca",
    "victoria vicky tori",
    "dmitri dmitry dima",
    "mikhail misha",
    "ivan vanya",
    "olga olya",
    "natalia natalya natasha",
    "anastasia nastya",
    "yulia yuliya julia",
    "johannes hannes",
    "friedrich fritz",
    "jacqueline jackie",
    "isabel isabella bella isa izzy",
    "dolores lola",
    "katarzyna kasia",
    "malgorzata gosia",
    "agnieszka aga",
    "magdalena magda",
    "tomasz tomek",
    "wojciech wojtek",
    "jakub kuba",
    "piotr piotrek",
    "zofia zosia",
    "timothy tim timmy",
    "gregory greg",
    "jeffrey jeff",
    "jeremy jerry",
    "lawrence larry",
    "leonardo leo",
    "lorenzo enzo",
    "vincenzo enzo vince",
    "vincent vince vinny",
    "francesca fran frankie",
    "francis frank frankie",
    "zachary zach zack",
    "abigail abby abbie",
    "amelia millie",
    "eleanor ellie nora",
    "elena lena",
    "helena lena",
    "jessica jess jessie",
    "nathaniel nathan nate nat",
    "henry hank harry",
    "harold harry hal",
    "frederick fred freddie",
    "oliver ollie",
    "douglas doug",
    "donald don donnie",
    "ronald ron ronnie",
    "kenneth ken kenny",
    "raymond ray",
    "peter pete",
    "philip phillip phil",
    "deborah debbie deb",
    "theodore theo ted teddy",
    "sebastian basti seb",
    "maximilian max maxi",
    "tobias tobi",
    "florian flo",
    "valentina vale",
    "gabriela gabriella gabi gaby",
    "fernanda nanda",
    "mariana mari",
    "joao joaozinho",
    "rafael rafa",
    "santiago santi",
    "sebastien seb",
    "guillaume guigui",
    "mathieu matthieu mat",
    "francois francoise",
    "hamish james",
    "siobhan shiv",
    "ngozi zizi",
    "oleksii oleksiy alexei alexey lesha",
    "yevgeny evgeny zhenya",
    "pavel pasha",
    "mikael micke",
    "anders andy",
    "johan jojo",
)


def fold(text: str) -> str:
    """Case-folded, with diacritics dropped: "Zoë Ångström" -> "zoe angstrom".

    Invisible characters go too, so that a zero-width space or a bidi override inside a
    word ("Ka\u200bte") does not cut it in two; control characters become spaces.
    """
    text = _CONTROLS.sub(" ", _INVISIBLE.sub("", text)).casefold().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_display_name(name: str) -> str:
    """The name part of a display name: no emoji, pronouns, brackets or tagline."""
    name = _BRACKETED.sub(" ", name)
    name = _PRONOUNS.sub(" ", name)
    head = _TAGLINE.split(name, maxsplit=1)[0]
    return head if _LETTERS.search(head) else name


def name_tokens(name: str | None) -> tuple[str, ...]:
    """Folded words of a person's name, honorifics and emoji gone: "Dr. Kate L. 🌻" -> kate, l."""
    if not name:
        return ()
    words = _LETTERS.findall(fold(clean_display_name(name)))
    kept = [w for w in words if w not in _HONORIFICS]
    return tuple(kept or words)


def _name_variants(name: str) -> tuple[tuple[str, ...], ...]:
    """The words of a name, then other ways to cut it: El-Masri as one word, van den Berg too."""
    tokens = name_tokens(name)
    if not tokens:
        return ()
    variants = [tokens]
    merged = tuple(
        "".join(_LETTERS.findall(part))
        for part in fold(clean_display_name(name)).split()
        if _LETTERS.search(part) and "".join(_LETTERS.findall(part)) not in _HONORIFICS
    )
    if merged and merged not in variants:
        variants.append(merged)
    if len(tokens) >= 3:
        variants.append((tokens[0], "".join(tokens[1:])))
    return tuple(variants)


def handle_core(channel: str, handle: str) -> str:
    """The part of a handle a person chose: no instance, no Bluesky domain suffix."""
    key = handle_key(channel, handle.strip())
    if channel == "mastodon":
        key = key.split("@", 1)[0]
    elif channel == "bluesky":
        if key.endswith(".bsky.social"):
            key = key[: -len(".bsky.social")]
        elif "." in key:
            key = key.rsplit(".", 1)[0]  # a custom domain: kavyareddy.net
    return key


def _compact(text: str) -> str:
    return "".join(_ALNUM.findall(fold(text)))


def _letters(compact: str) -> str:
    return "".join(_LETTERS.findall(compact))


def _handle_words(channel: str, handle: str) -> tuple[str, ...]:
    """Words in a handle, split at punctuation, digits and camelCase: JohnSmythArch -> 3 words."""
    raw = handle.strip().lstrip("@")
    if channel == "mastodon":
        raw = raw.split("@", 1)[0]
    elif channel == "reddit":
        raw = re.sub(r"^/?u/", "", raw, flags=re.IGNORECASE)
    elif channel == "bluesky":
        raw = raw.removesuffix(".bsky.social")
    return tuple(_LETTERS.findall(fold(_CAMEL.sub(" ", raw))))


def _company_keys(name: str) -> tuple[str, ...]:
    """Compact forms of a company name: with and without "& Co", "GmbH", "AB" and the like."""
    words = _LETTERS.findall(fold(name.replace("&", " and ")))
    # "S.r.l." and "K.K." arrive as single letters: join runs of them back into one word.
    joined: list[str] = []
    for word in words:
        if len(word) == 1 and joined and joined[-1].isalpha() and len(joined[-1]) <= 3:
            joined[-1] += word
        else:
            joined.append(word)
    full = "".join(joined)
    core = "".join(w for w in joined if w not in _LEGAL)
    return tuple(sorted({k for k in (full, core) if len(k) >= 4}))


@lru_cache(maxsize=1)
def _nickname_table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _NICKNAME_LINES:
        names = line.split()
        formal, short = names[0], names[1:]
        pairs = [(formal, s) for s in short] + [(a, b) for a in short for b in short if a != b]
        for a, b in pairs:
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)
    return {name: frozenset(others) for name, others in table.items()}


def nicknames(name: str) -> frozenset[str]:
    """Given names equivalent to `name` (folded): kate -> katherine, katie, ..."""
    return _nickname_table().get(name, frozenset())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# --------------------------------------------------------------------------------------
# Scoring constants (the why is next to each)
# --------------------------------------------------------------------------------------

_INITIAL = 0.6  # "K." fits Kate, but also every other K
_NICKNAME = 0.9  # Bob is Robert, most of the time
_INITIAL_WEIGHT = 3.0  # an initial that fits no word says a little that the name is someone else
_NAME_ONLY = 0.9  # a name, even exact, can be a namesake: at most 90 (+4 if the handle agrees)
_HANDLE_SPELLS_NAME = 0.9  # a handle that spells the name (kate + dpowell: David Powell)
_IDENTITY = 96.0  # the author's handle is one the customer uses elsewhere (or their e-mail)
_IDENTITY_NAME_SHAPED = 88.0  # ... but built from their name (kate_l): namesakes hold those
_BELOW_AUTO = 94.0  # what evidence short of a distinctive identifier may reach at most
_CLOSE_HANDLE = 0.8  # one edit from a handle (kreed vs kreed3): below an exact spelling
# A handle that spells the name (apatel61: A. Patel) and is also one edit from one of
# their handles (apatel6): namesakes spell the same, only this one holds the near handle.
# Up to this much, by how near (_spelled_and_close).
_SPELLED_AND_CLOSE = 4.0
_COMPANY = 0.75  # the company's own account: suggest the contact, never link it
# An account on the customer's company domain (kate.harborlabs.se) whose name fits them:
# the name's score plus this, up to what the name's closest word allows (a first name
# alone there is far likelier the customer than every namesake elsewhere) ...
_ON_DOMAIN = 25.0
# ... and with no name shown, a handle that spells their name there: a company's own
# account's score (_COMPANY), which every author with a handle may reach (ceiling()).
_ON_DOMAIN_NAMELESS = _COMPANY * 100
_MAX_SCORED = 80  # candidates scored exactly per match() (+ _BY_NAME); the rest are ranked coarsely
_RARE = 40  # a word held by at most this many customers brings them all in
_KEY_CAP = 50  # an exact handle/name key held by more customers brings in this many
_RESCUE = 12  # from a word held by many, this many closest names when nothing else fits
# ... and this many more that the scorer rates closest by name: those of a full scan's top
# three that hold nothing but the name (see _by_name_score).
_BY_NAME = 3
# A word of the author's handle, not of their name, held by more customers than this
# says nothing of who they are (a shared domain: `scale`, `example`) and reading its
# holders would cost more than the whole match: it is left out.
_COMMON_HANDLE_WORD = 20_000
# A hostile or broken record (a 60,000-letter "name") must cost no more than a real one:
# texts are cut to _MAX_TEXT characters, and only words of these lengths are looked up
# one or two edits away (the lookup grows with the square of a word's length).
_MAX_TEXT = 200
_MAX_HANDLES = 32
_FUZZY_LENGTHS = (4, 24)
# A word whose holders (near words and nicknames included) are no more than this many
# has them read; a common one is counted and met through pairs and candidates' words.
_READ_SLOT = 1000
# ... but when that many of a big pool's candidates are in question that reading their
# rows would cost more (a row read and decoded costs about as much as this many holder
# ids, measured at a million customers), its holders are read instead, up to
# _HOLDERS_READ of them (a few hundred KB; a batch keeps a few such sets).
_HOLDER_PER_ROW = 8
_HOLDERS_READ = 50_000
# Candidates read and scored at a time, best ceiling first (Matcher._top_scored): small,
# since the first few usually settle the top three.
_SCORE_CHUNK = 8


# --------------------------------------------------------------------------------------
# Index internals
# --------------------------------------------------------------------------------------

V = TypeVar("V")


class _Postings(Generic[V]):
    """key -> values; a lone value is stored bare: most keys have one, and a set costs 200 B."""

    __slots__ = ("_map",)

    def __init__(self) -> None:
        self._map: dict[str, V | set[V]] = {}

    def add(self, key: str, value: V) -> bool:
        """Add; True when the key is new."""
        current = self._map.get(key)
        if current is None:
            self._map[key] = value
            return True
        if isinstance(current, set):
            current.add(value)
        elif current != value:
            self._map[key] = {current, value}
        return False

    def discard(self, key: str, value: V) -> bool:
        """Remove; True when the key is gone."""
        current = self._map.get(key)
        if current is None:
            return False
        if isinstance(current, set):
            current.discard(value)
            if len(current) == 1:
                self._map[key] = next(iter(current))
            return False
        if current == value:
            del self._map[key]
            return True
        return False

    def get(self, key: str) -> Set[V]:
        current = self._map.get(key)
        if current is None:
            return frozenset()
        if isinstance(current, set):
            return current
        return frozenset((current,))

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def __len__(self) -> int:
        return len(self._map)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A customer prepared for matching: folded words, compact handles, spellings of the name."""

    customer: CustomerKey
    names: tuple[tuple[str, ...], ...]  # ways to cut the name into words, as written first
    alias: tuple[str, ...]  # the name in the e-mail local part when it differs: maya.biton
    handles: tuple[tuple[str, str], ...]  # (channel, compact handle)
    email: str  # compact e-mail local part
    forms: tuple[tuple[str, float], ...]  # how a handle may spell the name, and what that's worth
    companies: tuple[str, ...]  # compact company keys
    name_words: frozenset[str]  # words of the name and alias: document frequency, fuzzy lookup
    words: frozenset[str]  # every indexed word: name, alias, handle and e-mail words
    keys: frozenset[str]  # exact compact keys: handles, e-mail, name spellings, company
    text: str  # the name as one folded string, for the coarse fallback
    spellings: tuple[tuple[str, str], ...]  # (field, letters of a handle or the e-mail local part)
    domain: str = ""  # the e-mail's domain when it is a company's (not a free mail provider)


def _author_domains(
    channel: str, handle: str, url: str | None, proven: Collection[str] = ()
) -> tuple[str, ...]:
    """Domains the author's account proves they control or belong to: a Bluesky handle
    on a custom domain (verified by Bluesky), a Mastodon instance of their own, the host
    of their profile URL, and of each link the network proved theirs (`proven`: a
    Mastodon field verified by rel=me, GitHub's verified public e-mail as `mailto:`).
    The networks' own hosts prove nothing; an unproven link is never passed here."""
    found: set[str] = set()
    key = handle_key(channel, handle.strip()) if handle else ""
    if channel == "bluesky" and "." in key and not key.endswith(".bsky.social"):
        found.add(key)
    elif channel == "mastodon" and "@" in key:
        found.add(key.rsplit("@", 1)[1])
    host = home_instance(url)
    if host:
        found.add(host)
    found.update(filter(None, map(_proven_host, proven)))
    return tuple(sorted(d for d in found if d not in _NETWORK_HOSTS and "." in d))


def _proven_host(address: str) -> str | None:
    """The domain a proven link shows the author holds: the e-mail's for `mailto:` (a
    free provider's never meets a customer's company domain), else the site's host. A
    page in someone's own space on a shared host (medium.com/@kate, a university's
    /~kate) proves that page, not the domain."""
    if address[:7].casefold() == "mailto:":
        _, at, domain = address[7:].rpartition("@")
        return domain.strip().casefold().rstrip(".") if at else None
    path = address.split("://", 1)[-1].partition("/")[2]
    return None if path.startswith(("@", "~")) else home_instance(address)


# Hosts of the networks themselves: a profile there is anyone's.
_NETWORK_HOSTS = frozenset(
    [
        "bsky.app",
        "bsky.social",
        "github.com",
        "news.ycombinator.com",
        "reddit.com",
        "www.reddit.com",
        "old.reddit.com",
        "x.com",
        "twitter.com",
    ]
)


def _domain_labels(domains: Collection[str]) -> set[str]:
    """The labels of the author's domains that may name a company (harborlabs of
    social.harborlabs.se), as Entry.companies holds an e-mail domain's first label."""
    return {_compact(label) for d in domains for label in d.split(".")[:-1] if len(label) >= 4}


def _on_domain(domains: Collection[str], domain: str) -> bool:
    return bool(domain) and any(d == domain or d.endswith("." + domain) for d in domains)


def _alias(email: str | None, names: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The name spelled in the e-mail (maya.biton), for a name stored in another script.

    Only then: for a Latin name the local part is as often a word (sanne.designs) as the
    name again, and the e-mail is compared as an identifier anyway.
    """
    if not email or "@" not in email or any(w.isascii() for v in names for w in v):
        return ()
    words = tuple(_LETTERS.findall(fold(email.split("@", 1)[0])))
    if len(words) < 2 or any(len(w) < 2 for w in words) or (names and words == names[0]):
        return ()
    return words


def _forms(tokens: tuple[str, ...]) -> dict[str, float]:
    """Handles a person with these names might choose, with how much each says about them."""
    forms: dict[str, float] = {}

    def put(form: str, weight: float) -> None:
        if len(form) >= 3 and form.isascii() and weight > forms.get(form, 0.0):
            forms[form] = weight

    if not tokens:
        return forms
    first, last = tokens[0], tokens[-1]
    if len(tokens) == 1:
        put(first, 0.6)
        return forms
    rest = "".join(tokens[1:])
    for tail in {last, rest}:
        put(first + tail, 1.0)
        put(tail + first, 1.0)
        put(first[0] + tail, 0.85)
        put(tail + first[0], 0.85)
        put(tail, 0.6)
    put(first + last[0], 0.7)
    put(first, 0.45)
    for nick in nicknames(first):
        put(nick + last, 0.95)
        put(nick, 0.4)
    return forms


_KEY_FORM_WEIGHT = 0.65  # name spellings this good become exact index keys
_SPELLING_KEY_WEIGHT = 0.85  # a display name looks up the handles it spells this well


def _clipped(customer: CustomerKey) -> CustomerKey:
    """The customer with every text cut to what a real one needs (an import may hold junk)."""

    def clip(text: str | None) -> str | None:
        return text[:_MAX_TEXT] if text else text

    return CustomerKey(
        customer.id,
        customer.name[:_MAX_TEXT],
        clip(customer.email),
        clip(customer.company),
        tuple((channel, handle[:_MAX_TEXT]) for channel, handle in customer.handles[:_MAX_HANDLES]),
    )


def _entry(original: CustomerKey) -> _Entry:
    customer = _clipped(original)
    names = _name_variants(customer.name)
    alias = _alias(customer.email, names)
    handles = tuple(
        (channel, compact)
        for channel, handle in customer.handles
        if (compact := _compact(handle_core(channel, handle)))
    )
    email = _compact(customer.email.split("@", 1)[0]) if customer.email else ""
    forms = _forms(names[0]) if names else {}
    for key, weight in _forms(alias).items():
        forms[key] = max(weight, forms.get(key, 0.0))
    companies = set(_company_keys(customer.company)) if customer.company else set()
    if customer.company and customer.email and "@" in customer.email:
        label = customer.email.split("@", 1)[1].split(".", 1)[0]
        if label not in _FREE_MAIL:
            companies.add(_compact(label))
    name_words = {w for variant in names for w in variant if len(w) >= 2} | set(alias)
    words = set(name_words)
    for channel, handle in customer.handles:
        words.update(w for w in _handle_words(channel, handle) if len(w) >= 3)
    if customer.email:
        words.update(
            w for w in _LETTERS.findall(fold(customer.email.split("@", 1)[0])) if len(w) >= 3
        )
    keys = {h for _, h in handles} | {k for k, w in forms.items() if w >= _KEY_FORM_WEIGHT}
    keys |= {k for k in companies if k}
    if names:
        # The whole name as one key: for a one-word name ("Reid", an import that lost the
        # given name) it is the only way in, since its word alone is shared by too many.
        keys.add("".join(names[0]))
    # Letters only, so that a display name can meet them (Karim Saleh: ksaleh1, ksaleh@).
    spellings = {(f"handle:{channel}", _letters(h)) for channel, h in handles}
    if email:
        spellings.add(("email", _letters(email)))
    spellings = {(f, sp) for f, sp in spellings if len(sp) >= 4}
    keys |= {sp for _, sp in spellings}
    if email:
        keys.add(email)
    return _Entry(
        customer=original,
        names=names,
        alias=alias,
        handles=handles,
        email=email,
        forms=tuple(sorted(forms.items(), key=lambda kv: -kv[1])),
        companies=tuple(sorted(companies)),
        name_words=frozenset(name_words),
        words=frozenset(words),
        keys=frozenset(keys),
        text=" ".join(names[0]) if names else "",
        spellings=tuple(sorted(spellings)),
        domain=company_domain(customer.email),
    )


@dataclass(frozen=True, slots=True)
class _Author:
    """An author prepared for matching."""

    names: tuple[tuple[str, ...], ...]
    handle: str  # compact, digits kept: identity
    handle_alpha: str  # letters only: spelling of a name
    handle_words: tuple[str, ...]
    companies: tuple[str, ...]
    forms: tuple[tuple[str, float], ...]  # handles the display name would spell: ksaleh
    domains: tuple[str, ...] = ()  # domains the account belongs to (_author_domains)
    # (channel, compact handle) of the author's own identity, left out when scoring: an
    # author re-matched after a person confirmed them (service/match_refit.py) is scored
    # as it was before, not by the identity the confirmation added.
    own: tuple[str, str] = ("", "")


def _author(
    channel: str,
    handle: str,
    display_name: str | None,
    url: str | None = None,
    proven: Collection[str] = (),
) -> _Author:
    handle, display_name = handle[:_MAX_TEXT], display_name[:_MAX_TEXT] if display_name else None
    url = url[:_MAX_TEXT] if url else None
    proven = [p[:_MAX_TEXT] for p in proven]
    core = handle_core(channel, handle) if handle else ""
    key = handle_key(channel, handle.strip()) if channel == "bluesky" else ""
    if key.count(".") >= 2 and not key.endswith(".bsky.social"):
        # A handle under a domain (kate.harborlabs.se, amiller.vistarealty.com.br): the
        # person chose the first label; the rest is the organisation's (_author_domains).
        core = key.split(".", 1)[0]
    compact = _compact(core)
    alpha = "".join(_LETTERS.findall(compact))
    names = _name_variants(display_name) if display_name else ()
    if channel == "rss":  # a feed's "handle" is its title, not an account name
        compact = alpha = ""
    companies = set(_company_keys(display_name)) if display_name else set()
    if alpha:
        companies.update(_company_keys(" ".join(_handle_words(channel, handle))))
        companies.add(alpha)
    return _Author(
        names=names,
        handle=compact,
        handle_alpha=alpha,
        handle_words=_handle_words(channel, handle) if compact else (),
        companies=tuple(sorted(companies)),
        forms=tuple(_forms(names[0]).items()) if names else (),
        domains=_author_domains(channel, handle, url, proven),
    )


class _Scorer:
    """Scores one author against customers; caches what repeats across candidates."""

    def __init__(self, author: _Author, df: Mapping[str, int], population: int) -> None:
        self.author = author
        self._df = df
        self._population = max(population, 1)
        self._weights: dict[str, float] = {}
        self._pairs: dict[tuple[str, str], float] = {}
        self._forms = dict(author.forms)
        self._author_words = frozenset(a for variant in author.names for a in variant)
        self._spelled: dict[str, float] = {}  # folded name -> spelled() at most
        self._spelled_by: dict[tuple[tuple[str, float], ...], float] = {}  # forms -> spelled()
        self._closest: dict[str, float] = {}  # a customer's word -> its best similarity
        self._by_token: dict[str, float] = {}  # a compact handle -> _handle_ceiling()
        self._near: dict[str, float] = {}  # ... of those near the author's: _spelled_and_close
        self._initials: dict[str, float] = {}  # folded name -> its initials' best similarity

    def weight(self, word: str) -> float:
        """Inverse document frequency over customer names: rare surnames say more than "John"."""
        if len(word) == 1:
            return _INITIAL_WEIGHT
        cached = self._weights.get(word)
        if cached is None:
            cached = math.log1p(self._population / (1 + self._df.get(word, 0)))
            self._weights[word] = cached
        return cached

    def word_similarity(self, a: str, c: str) -> float:
        key = (a, c)
        cached = self._pairs.get(key)
        if cached is None:
            cached = _word_similarity(a, c)
            self._pairs[key] = cached
        return cached

    def name_score(self, author: tuple[str, ...], customer: tuple[str, ...]) -> tuple[float, float]:
        """(score 0..100, share of the author's name that fits), words aligned greedily."""
        pairs = []
        for i, a in enumerate(author):
            for j, c in enumerate(customer):
                s = self.word_similarity(a, c)
                if s > 0:
                    pairs.append((s, i, j))
        pairs.sort(reverse=True)
        used_a = used_c = 0
        matched = matched_weight = initials = 0.0
        for s, i, j in pairs:
            if used_a >> i & 1 or used_c >> j & 1:
                continue
            used_a |= 1 << i
            used_c |= 1 << j
            w = self.weight(customer[j])
            if len(author[i]) == 1 and w > _INITIAL_WEIGHT:
                # "S." says one letter of Schmidt as of Schroder: weighed as the letter,
                # not as the word, so that Stefan S. fits both alike (a tie, not a
                # guess by which surname is commoner).
                initials += _INITIAL_WEIGHT - w
                w = _INITIAL_WEIGHT
            matched += s * w
            matched_weight += w
        customer_weight = sum(self.weight(c) for c in customer) + initials
        unmatched = sum(self.weight(a) for i, a in enumerate(author) if not used_a >> i & 1)
        cover_c = matched / customer_weight if customer_weight else 0.0
        cover_a = matched / (matched_weight + unmatched) if matched_weight + unmatched else 0.0
        return 100.0 * (0.75 * cover_c + 0.25 * cover_a), cover_a

    def best_name(self, entry: _Entry) -> tuple[float, float, str]:
        """Best (score, fit, field) of the display name against the name or the e-mail's name."""
        best = (0.0, 0.0, "name")
        for author in self.author.names:
            for variant in entry.names:
                score, fit = self.name_score(author, variant)
                if score > best[0]:
                    best = (score, fit, "name")
            if entry.alias:
                score, fit = self.name_score(author, entry.alias)
                if score > best[0]:
                    best = (score, fit, "email")
        return best

    def identity(self, entry: _Entry) -> tuple[float, str]:
        """100 for one of the customer's handles or their e-mail (compacted), else closeness."""
        handle = self.author.handle
        if not handle:
            return 0.0, ""
        own = self.author.own
        for channel, theirs in entry.handles:
            if theirs == handle and (channel, theirs) != own:
                return 100.0, f"handle:{channel}"
        if entry.email == handle:
            return 100.0, "email"
        best, field = 0.0, ""
        for channel, theirs in entry.handles:
            if (channel, theirs) == own:
                continue
            s = fuzz.ratio(handle, theirs, score_cutoff=85)
            if s > best:
                best, field = s, f"handle:{channel}"
        if entry.email:
            s = fuzz.ratio(handle, entry.email, score_cutoff=85)
            if s > best:
                best, field = s, "email"
        return best, field

    def spells_theirs(self, entry: _Entry) -> tuple[float, str]:
        """How well the display name spells one of the customer's handles or their e-mail.

        The mirror of `spelled`, for customers whose name is stored in a script the author
        does not use: "Karim Saleh" meets كريم صالح through ksaleh@.
        """
        best, field = 0.0, ""
        own_channel, own = self.author.own
        for where, spelling in entry.spellings:
            if own and where == f"handle:{own_channel}" and spelling == _letters(own):
                continue
            weight = self._forms.get(spelling, 0.0)
            if weight * 100 > best:
                best, field = weight * 100, where
        return best, field

    def spelled(self, entry: _Entry) -> float:
        """How well the handle spells the customer's name: klindqvist, kate_l, katelindqvist88."""
        # Remembered by the forms: namesakes (hundreds of Maria Garcias) share theirs.
        found = self._spelled_by.get(entry.forms)
        if found is None:
            found = self._spelled_by[entry.forms] = self._spelled_forms(entry.forms)
        return found

    def _spelled_forms(self, forms: Iterable[tuple[str, float]]) -> float:
        alpha = self.author.handle_alpha
        if len(alpha) < 3:
            return 0.0
        best = 0.0
        for form, weight in forms:
            if weight * 100 <= best:
                break  # forms come best first
            if form == alpha:
                s = 100.0
            elif len(form) >= 4 and form in alpha:
                s = 92.0  # "thekate", "katelindqvistdesign"
            elif abs(len(form) - len(alpha)) <= 3 and min(len(form), len(alpha)) >= 6:
                # Short ones are left out: "john" is 89% of "johnt" but only a first name.
                s = fuzz.ratio(alpha, form, score_cutoff=80)
            else:
                continue
            best = max(best, weight * s)
        return best

    def company(self, entry: _Entry) -> float:
        if not entry.companies:
            return 0.0
        best = 0.0
        for key in self.author.companies:
            for theirs in entry.companies:
                if key == theirs:
                    return 100.0
                best = max(best, fuzz.ratio(key, theirs, score_cutoff=90))
        return best

    def distinctive(self, entry: _Entry) -> bool:
        """Whether the author's handle, equal to one of this customer's, names one person.

        A handle built from the name is not enough: klindqvist, kate_lindqvist, kate.l,
        kate_codes, thekate, hannah37. Namesakes, and the many people who share a first
        name, hold the same on other networks. What identifies someone is what is left
        besides the name: two digits or a word after the full surname (katelindqvist88),
        or a handle that has nothing to do with the name at all (Fuzzy_Lynx_4716).
        """
        handle, alpha = self.author.handle, self.author.handle_alpha
        digits = len(handle) - len(alpha)
        firsts: set[str] = set()
        lasts: set[str] = set()
        for words in (*entry.names[:1], entry.alias):
            if words:
                firsts.add(words[0])
                firsts.update(nicknames(words[0]))
                lasts.update(words[1:])
        lasts.add("".join(entry.names[0][1:]) if entry.names else "")
        found_last = [w for w in lasts if len(w) >= 3 and w in alpha]
        if found_last:
            rest = alpha.replace(max(found_last, key=len), "", 1)
            for first in sorted(firsts, key=len, reverse=True):
                if len(first) >= 2 and first in rest:
                    rest = rest.replace(first, "", 1)
                    break
            return digits >= 2 or len(rest) >= 4
        if any(len(w) >= 3 and w in alpha for w in firsts):
            return False
        return len(handle) >= 6

    def says_more(self, entry: _Entry) -> bool:
        """Whether the handle holds more than the customer's name: a word or two digits
        besides it (kate_codes, kate37, lindqvist.design), or none of it. Weaker than
        `distinctive` (every Kate may be kate_codes), so it counts only with the full
        name shown beside it: a namesake would have to pick the very same extra."""
        handle, alpha = self.author.handle, self.author.handle_alpha
        digits = len(handle) - len(alpha)
        parts: set[str] = set()
        for words in (*entry.names[:1], entry.alias):
            parts.update(w for w in words if len(w) >= 2)
            parts.update(nicknames(words[0]) if words else ())
        found = False
        for part in sorted(parts, key=len, reverse=True):
            if part in alpha:
                alpha, found = alpha.replace(part, "", 1), True
        if not found:
            return len(handle) >= 6
        return digits >= 2 or len(alpha) >= 3

    def ceiling(self, text: str, handles: str, words: Collection[str]) -> float:
        """No customer whose row reads (`text`, `handles`, `words`) scores above this in
        `score()`: each of its terms bounded from what the row holds (why, at each).
        Rounded as `score()` rounds, with 1e-9 for float error, so that `score() <=
        ceiling()` holds of the rounded figures too."""
        author = self.author
        best = 0.0
        by_token = self._by_token
        both = 0.0  # a handle of theirs near the author's adds to one spelling the name
        for token in handles.split():
            found = by_token.get(token)
            if found is None:
                found = by_token[token] = self._handle_ceiling(token)
            if found > best:
                best = found
            both = max(both, self._near.get(token, 0.0))
        if best >= 100:
            return 100.0
        if author.companies:
            best = max(best, _COMPANY * 100)  # the company's score is at most 100
        if author.domains and author.handle_alpha and not author.names:
            # On the customer's company domain with no name (_on_their_domain): as the
            # line above, since such an author's handle letters are one of its companies.
            best = max(best, _ON_DOMAIN_NAMELESS)
        if author.names:
            # name_score() is 100 x a mean of its aligned words' similarities (weighted,
            # over at least the aligned words): no more than 100 x the best similarity
            # of one of the author's words to one of the customer's. Every word of every
            # cut of the customer's name, and of the e-mail's name, is in `words` (those
            # of two letters and more) or is an initial of the name as written (`text`).
            closest = self._closest
            close = self._initials.get(text)
            if close is None:
                initials = [w for w in text.split() if len(w) == 1]
                close = max((self.closest_to(w) for w in initials), default=0.0)
                self._initials[text] = close
            for c in words:
                sim = closest.get(c)
                if sim is None:
                    sim = self.closest_to(c)
                if sim > close:
                    close = sim
            # On their company's domain (_on_their_domain) a name scores no more either.
            named = _NAME_ONLY * 100 * close
            spelled = self._spelled_at_most(text) if close >= 0.7 else 0.0
            if spelled >= 60:
                # The handle may spell the name and the display name agree (its fit is
                # at most `close`): the two clues' bonus.
                named = max(named, _HANDLE_SPELLS_NAME * spelled) + 4 + both
            best = max(best, named)
        else:
            spelled = self._spelled_at_most(text)
            best = max(best, _HANDLE_SPELLS_NAME * spelled + (both if spelled >= 60 else 0.0))
        return round(best + 1e-9, 2)

    def learn_closeness(self, words: Iterable[str]) -> None:
        """`closest_to` of each of `words` worked out together: the edit similarities in
        rapidfuzz (one call per author word over them all), not a Python call per pair.
        Each pair is rated as `_word_similarity` rates it (same word, initial, nickname,
        then edits), so the figures are the same."""
        closest = self._closest
        new = {w for w in words if w not in closest}
        if not new:
            return
        best = dict.fromkeys(new, 0.0)
        longer = [w for w in new if len(w) > 2]  # the only ones rated by edits
        for a in self._author_words:
            if a in best:
                best[a] = 1.0
            if len(a) == 1:
                for c in new:
                    if c[:1] == a and best[c] < _INITIAL:
                        best[c] = _INITIAL
                continue
            for c in new:
                if len(c) == 1 and c == a[0] and best[c] < _INITIAL:
                    best[c] = _INITIAL
            others = nicknames(a)
            for c in others.intersection(new):
                if len(c) > 1 and best[c] < _NICKNAME:
                    best[c] = _NICKNAME
            if len(a) <= 2:
                continue
            found = process.extract(
                a, longer, scorer=OSA.normalized_similarity, score_cutoff=0.6, limit=None
            )
            for c, s, _ in found:
                if c != a and c not in others:
                    sim = float(s**1.5)
                    if sim > best[c]:
                        best[c] = sim
        closest.update(best)

    def closest_to(self, word: str) -> float:
        """The best similarity of one of the author's words to `word` (remembered)."""
        found = self._closest.get(word)
        if found is None:
            found = max((self.word_similarity(a, word) for a in self._author_words), default=0.0)
            self._closest[word] = found
        return found

    def _handle_ceiling(self, token: str) -> float:
        """What one of the customer's compact handles (or their e-mail) can lift their
        score to at most: identity() and spells_theirs() see those and nothing else."""
        handle = self.author.handle
        best = 0.0
        if handle:
            if token == handle:
                return 100.0
            near = fuzz.ratio(handle, token, score_cutoff=85)
            if near:
                best = _CLOSE_HANDLE * near + 6  # at most: the bonus, no penalty
                self._near[token] = _spelled_and_close(near)
        if self._forms:
            # spells_theirs() looks the letters of the handles up in the forms.
            best = max(best, _HANDLE_SPELLS_NAME * self._forms.get(_letters(token), 0.0) * 100)
        return best

    def _spelled_at_most(self, text: str) -> float:
        """spelled() of a customer named `text`: exact for a name with a Latin word (its
        forms come from that name alone, as _alias() gives such a name none), else 100."""
        found = self._spelled.get(text)
        if found is None:
            tokens = tuple(text.split())
            if not any(w.isascii() for w in tokens):
                found = 100.0
            else:
                forms = _forms(tokens)
                found = self._spelled_forms(tuple(sorted(forms.items(), key=lambda kv: -kv[1])))
            self._spelled[text] = found
        return found

    def score(self, entry: _Entry) -> Candidate:
        author = self.author
        has_name = bool(author.names)
        name, fit, name_field = self.best_name(entry) if has_name else (0.0, 0.0, "name")
        ident, ident_field = self.identity(entry)
        spelled = self.spelled(entry)
        company = self.company(entry)
        theirs, theirs_field = self.spells_theirs(entry) if self._forms else (0.0, "")
        agrees = not has_name or fit >= 0.7  # the display name, if any, fits this customer
        conflicts = has_name and fit < 0.4  # ... or says it is someone else
        both = _spelled_and_close(ident) if spelled >= 60 and agrees and ident < 100 else 0.0

        if has_name:
            named = _NAME_ONLY * name
            if spelled >= 60 and agrees:
                # Two agreeing clues: "David 🌻" with dpowell is David Powell, though the
                # display name alone fits every David.
                named = max(named, _HANDLE_SPELLS_NAME * spelled) + 4.0 + both
            scores = [named]
        else:
            scores = [_HANDLE_SPELLS_NAME * spelled + both]
        if ident == 100:
            sure = self.distinctive(entry)
            base = _IDENTITY if sure else _IDENTITY_NAME_SHAPED
            if agrees:
                bonus = max(0.0, name - 80) / 5 if has_name else 0.0
                scores.append(min(base + bonus, 100.0 if sure else _BELOW_AUTO))
            else:
                scores.append(base - (30 if conflicts else 10))
        elif ident:
            close = _CLOSE_HANDLE * ident
            if has_name and agrees and name >= 80:
                close += 6
            elif conflicts:
                close -= 25
            scores.append(close)
        if company:
            scores.append(_COMPANY * company)
        if author.domains and _on_domain(author.domains, entry.domain):
            scores.append(self._on_their_domain(entry, name, fit, spelled))
        if theirs:
            scores.append(_HANDLE_SPELLS_NAME * theirs)

        fields = []
        if has_name and name >= 60:
            fields.append(name_field)
        elif spelled >= 60:
            fields.append("name")
        if ident >= 85:
            fields.append(ident_field)
        if company >= 90:
            fields.append("company")
        if theirs >= 60:
            fields.append(theirs_field)
        score = round(max(scores), 2)
        # What the probability needs is worked out only for the few candidates shown
        # (`compared`): most of those scored never are.
        pending = (self, entry, name, fit, ident, ident_field, spelled, company, theirs, name_field)
        return Candidate(entry.customer.id, score, tuple(dict.fromkeys(fields)), pending=pending)

    def _on_their_domain(self, entry: _Entry, name: float, fit: float, spelled: float) -> float:
        """The score of an author whose account is on this customer's company domain.

        The name shown must fit them (no word of someone else's), and counts for more
        there than anywhere: only the company's people hold that domain. Bounded as
        ceiling() bounds a name, by its closest word (so "Seoyeon" on islandenergy.nl
        lifts Seoyeon Lim of Island Energy above the Seoyeons elsewhere, "Tunde A." its
        Tunde Asante), or, with no name, by a company account's score."""
        if not self.author.names:
            return _ON_DOMAIN_NAMELESS if spelled >= 40 else 0.0
        if fit < 0.7:
            return 0.0
        words = {c for variant in (*entry.names, entry.alias) for c in variant}
        top = max(
            (self.word_similarity(a, c) for a in self._author_words for c in words),
            default=0.0,
        )
        return min(_NAME_ONLY * name + _ON_DOMAIN, _NAME_ONLY * 100 * top)

    def compared(self, candidate: Candidate) -> Candidate:
        """The candidate with its Comparison and evidence (fields say "domain" too)."""
        _, entry, name, fit, ident, ident_field, spelled, company, theirs, name_field = (
            candidate.pending
        )
        sure = ident == 100 and self.distinctive(entry)
        evidence = self.evidence(entry, ident, ident_field, sure, name, fit, spelled)
        comparison = Comparison(
            score=candidate.score,
            has_name=bool(self.author.names),
            name=name,
            fit=fit,
            ident=ident,
            ident_email=ident_field == "email",
            distinctive=sure,
            spelled=spelled,
            company=company,
            theirs=theirs,
            rarity=self.rarity(entry, by_alias=name_field == "email"),
            evidence=evidence,
            on_domain=_on_domain(self.author.domains, entry.domain),
            initial=any(len(a) == 1 for a in self._author_words),
        )
        fields = (*candidate.fields, "domain") if evidence == "domain" else candidate.fields
        # Built, not dataclasses.replace()d: that costs more than the rest of this.
        return Candidate(candidate.customer_id, candidate.score, fields, 0.0, evidence, comparison)

    def evidence(
        self,
        entry: _Entry,
        ident: float,
        ident_field: str,
        sure: bool,
        name: float,
        fit: float,
        spelled: float,
    ) -> str:
        """What identifies this customer beyond a name, if anything (Candidate.evidence).

        A handle or e-mail local part built from the name (kate_lindqvist, kate.lindqvist)
        is no evidence: a namesake picks the same one. It counts when it says more than
        the name (katelindqvist88, Fuzzy_Lynx_4716: `distinctive`) and the display name,
        if any, fits. A domain is shared by the whole company: it counts with a display
        name that fits the person, or a handle that spells their name.
        """
        author = self.author
        fits = not author.names or fit >= 0.7
        named = bool(author.names) and fit >= 0.7 and name >= 85
        if ident == 100 and fits and (sure or (named and self.says_more(entry))):
            return "email" if ident_field == "email" else "handle"
        if entry.domain and fits and _on_domain(author.domains, entry.domain):
            # Which of the company's people: the name shown, the handle spelling it, or
            # the two together (Leonardo, with lopez@ on the company's instance).
            whole = any(len(words) >= 2 for words in author.names)
            alpha = author.handle_alpha
            surname = bool(entry.names) and any(
                len(w) >= 3 and w in alpha for w in entry.names[0][1:]
            )
            if spelled >= 85 or (whole and name >= 80) or (name >= 50 and surname):
                return "domain"
        return ""

    def rarity(self, entry: _Entry, by_alias: bool = False) -> float:
        """Bits of the customer's name: the sum over its words of -log2 of the share of
        customers holding the word. Two common words say less than one rare one. Of the
        name in the e-mail (zhang.wei for 张伟) when that is what the author's matched."""
        words = entry.names[0] if entry.names and not by_alias else entry.alias
        shown = {a for a in self._author_words if len(a) > 1}
        letters = {a for a in self._author_words if len(a) == 1}
        bits = 0.0
        for word in words:
            if word[:1] in letters and not any(self.word_similarity(a, word) for a in shown):
                continue  # known by its initial only: Schmidt and Schroder are one "S."
            if len(word) >= 2:
                bits += math.log2((self._population + 1) / (1 + self._df.get(word, 0)))
        return bits


def _spelled_and_close(near: float) -> float:
    """What a handle of theirs `near` (fuzz.ratio, 85 up) to the author's adds to a handle
    spelling their name: the nearer, the more (apatel6 to apatel61 more than apatel60)."""
    return _SPELLED_AND_CLOSE * max(near - 85.0, 0.0) / 15.0


@lru_cache(maxsize=65536)
def _word_similarity(a: str, c: str) -> float:
    """1 for the same word, 0.9 for a nickname, 0.6 for a fitting initial, else OSA^1.5.

    One edit in a five-letter word is a bigger doubt than its 80% suggests, so the
    similarity is bent down; squared, it sank names with a typo in each word (Ema Garcja)
    under the suggestion line, while ^1.5 still puts Smith well ahead of Smyth.
    """
    if a == c:
        return 1.0
    if len(a) == 1 or len(c) == 1:
        return _INITIAL if a[0] == c[0] else 0.0
    if c in nicknames(a):
        return _NICKNAME
    if len(a) <= 2 or len(c) <= 2:
        return 0.0
    s = OSA.normalized_similarity(a, c, score_cutoff=0.6)
    return float(s**1.5)


# --------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------


class CandidateIndex(Protocol):
    """Where the matcher finds candidates: its own memory, or tables every process shares
    (SharedIndex). Lookups come in batches, so that one in the database is one query."""

    # Customers kept in this process: reading one costs nothing, so match() scores every
    # candidate rather than working out their ceilings and lookups ahead first.
    in_memory: bool

    def population(self) -> int:
        """How many customers are indexed: word weights are taken over them."""
        ...

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        """Name word -> customers holding it, for those of `words` some customer holds."""
        ...

    def holders(self, words: Collection[str]) -> Set[int]:
        """Customers holding any of `words` (name, handle or e-mail words)."""
        ...

    def holders_ahead(self, groups: Iterable[Collection[str]]) -> None:
        """Within `remembering()`: the holders of each group of words read now, in one
        go, and remembered for the batch (what `holders` of each group will ask)."""
        ...

    def keyed(self, key: str, first: int | None = None) -> Set[int]:
        """Customers with this exact compact key (handle, e-mail, name spelling, company);
        with `first`, no more than the first that many by id."""
        ...

    def keyed_each(self, keys: Collection[str], first: int) -> Set[int]:
        """`keyed(key, first)` of each of `keys`, together (one read in a database)."""
        ...

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        """Name words that become one of `probes` with one letter taken out."""
        ...

    def paired(self, pairs: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], Set[int]]:
        """The customers holding both words of each of `pairs` (each in sorted order;
        pairs nobody holds may be left out)."""
        ...

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, Collection[str]]]:
        """(customer, folded name, handles, every word indexed) of these customers, in
        id order: one read of each customer's row serves both which words they hold
        and how close their name is."""
        ...

    def common_holders(self, words: Collection[str]) -> Set[int]:
        """`holders(words)` of a common name's words (thousands): within `remembering()`,
        kept for the batch for a few groups only (they repeat, and they are big)."""
        ...

    def has_common_holders(self, words: Collection[str]) -> bool:
        """Whether `common_holders(words)` costs no read (kept, or in memory)."""
        ...

    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        """(customer, folded name) of these customers, in id order: the name alone, for
        ranking the rest of a big pool by closeness (lighter than `described`)."""
        ...

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        """The prepared customers of these ids (those still indexed)."""
        ...

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        """(customer, folded name, handles) of every holder of `words`: for ranking the
        holders of a common word."""
        ...

    def name_groups(self, words: Collection[str]) -> Mapping[str, Sequence[int]]:
        """Folded name -> its holders among every holder of `words` (in id order),
        names in the order of their first holder: for ranking the holders of a common
        word by name alone, each name once (thousands of holders, a few hundred names)."""
        ...

    def all_ids(self) -> Iterable[int]:
        """Every indexed customer: only for `scan()`, the yardstick."""
        ...

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        """Up to `cap` customers holding a word or key that starts with `prefix`."""
        ...

    def remembering(self) -> AbstractContextManager[None]:
        """Within: lookups repeated from one author to the next are read once (a batch)."""
        ...

    def counted(self, words: Collection[str], cap: int) -> int:
        """How many customers hold any of `words`, counted no further than cap + 1."""
        ...

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        """Customers not indexed yet (a backlog being indexed in the background) with this
        handle (on any network without `channel`) or e-mail, or a name that starts with
        one of `names`: scored directly."""
        ...


class MemoryIndex:
    """Customers indexed in this process's memory: for tests, the bench's yardstick and
    small files. Holds about 4 KB per customer; the app uses the shared one."""

    in_memory = True

    def __init__(self, customers: Iterable[CustomerKey] = ()) -> None:
        self._entries: dict[int, _Entry] = {}
        self._words: _Postings[int] = _Postings()  # word -> customers
        # compact handle / e-mail / name / company -> customers
        self._keys: _Postings[int] = _Postings()
        self._deletions: _Postings[str] = _Postings()  # name word minus one letter -> words
        self._df: Counter[str] = Counter()  # name word -> customers with it in their name
        for customer in customers:
            self.add(customer)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._entries

    def add(self, customer: CustomerKey) -> None:
        """Insert or replace (same id) one customer."""
        if customer.id in self._entries:
            self.remove(customer.id)
        entry = _entry(customer)
        self._entries[customer.id] = entry
        for word in entry.words:
            self._words.add(word, customer.id)
        for word in entry.name_words:
            self._df[word] += 1
            if self._df[word] == 1:
                for deleted in fuzzy_probes(word):
                    self._deletions.add(deleted, word)
        for key in entry.keys:
            self._keys.add(key, customer.id)

    def remove(self, customer_id: int) -> None:
        entry = self._entries.pop(customer_id, None)
        if entry is None:
            return
        for word in entry.words:
            self._words.discard(word, customer_id)
        for word in entry.name_words:
            self._df[word] -= 1
            if self._df[word] <= 0:
                del self._df[word]
                for deleted in fuzzy_probes(word):
                    self._deletions.discard(deleted, word)
        for key in entry.keys:
            self._keys.discard(key, customer_id)

    def population(self) -> int:
        return len(self._entries)

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        return {w: n for w in words if (n := self._df.get(w, 0))}

    def holders(self, words: Collection[str]) -> Set[int]:
        sets = [s for w in words if (s := self._words.get(w))]
        if len(sets) == 1:
            return sets[0]
        return set().union(*sets)

    def holders_ahead(self, groups: Iterable[Collection[str]]) -> None:
        pass  # in memory already

    def keyed(self, key: str, first: int | None = None) -> Set[int]:
        found = self._keys.get(key)
        return found if first is None or len(found) <= first else set(sorted(found)[:first])

    def keyed_each(self, keys: Collection[str], first: int) -> Set[int]:
        return set().union(*(self.keyed(key, first) for key in keys))

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, Collection[str]]]:
        return [
            (i, e.text, handles_text(e), e.words)
            for i in sorted(ids)
            if (e := self._entries.get(i)) is not None
        ]

    def paired(self, pairs: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], Set[int]]:
        return {(a, b): self._words.get(a) & self._words.get(b) for a, b in pairs}

    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        return [(i, e.text) for i in sorted(ids) if (e := self._entries.get(i)) is not None]

    def common_holders(self, words: Collection[str]) -> Set[int]:
        return self.holders(words)

    def has_common_holders(self, words: Collection[str]) -> bool:
        return True

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        found: set[str] = set()
        for probe in probes:
            found.update(self._deletions.get(probe))
        return found

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        return {i: e for i in ids if (e := self._entries.get(i)) is not None}

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        return self.texts_of(self.holders(words))

    def texts_of(self, ids: Collection[int]) -> list[tuple[int, str, str]]:
        return [(i, e.text, handles_text(e)) for i in sorted(ids) if (e := self._entries.get(i))]

    def name_groups(self, words: Collection[str]) -> Mapping[str, Sequence[int]]:
        return _grouped(self.texts(words))

    def all_ids(self) -> Iterable[int]:
        return self._entries.keys()

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        found: set[int] = set()
        for postings in (self._words, self._keys):
            for word in sorted(w for w in postings._map if w.startswith(prefix)):
                found.update(postings.get(word))
                if len(found) >= cap:
                    return found
        return found

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        return {}  # every customer is indexed as it is added

    def remembering(self) -> AbstractContextManager[None]:
        return nullcontext()  # in memory already

    def counted(self, words: Collection[str], cap: int) -> int:
        return len(self.holders(words))


def prepared(customer: CustomerKey) -> _Entry:
    """A customer prepared for scoring, as an index would hold them."""
    return _entry(customer)


def name_probes(display_name: str | None) -> list[str]:
    """What a customer not indexed yet is looked up by: the author's name as written
    and its first word (their names' starts, case aside)."""
    if not display_name:
        return []
    words = clean_display_name(display_name[:_MAX_TEXT]).split()
    words = [w for w in words if fold(w).strip(".") not in _HONORIFICS] or words
    if not words:
        return []
    return list(dict.fromkeys([" ".join(words), words[0]]))


def fuzzy_probes(word: str) -> set[str]:
    """What a name word is found under one edit away: itself minus each letter (empty for
    words too short or too long to search by edits)."""
    if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
        return _deletions(word)
    return set()


def handles_text(entry: _Entry) -> str:
    """The customer's compact handles and e-mail, space-separated: what a handle is near."""
    found = [h for _, h in entry.handles]
    if entry.email:
        found.append(entry.email)
    return " ".join(dict.fromkeys(found))


@dataclass(frozen=True)
class IndexRows:
    """What one customer puts in a shared index (store/match_index.py keeps them)."""

    text: str
    handles: str
    entry: str  # entry_json
    words: tuple[str, ...]
    name_words: tuple[str, ...]
    keys: tuple[str, ...]
    probes: tuple[tuple[str, str], ...]  # (name word minus a letter, name word)


def index_rows(customer: CustomerKey) -> IndexRows:
    """The words, keys and fuzzy probes of one customer, as a shared index stores them."""
    entry = _entry(customer)
    return IndexRows(
        text=entry.text,
        handles=handles_text(entry),
        entry=entry_json(entry),
        words=tuple(sorted(entry.words)),
        name_words=tuple(sorted(entry.name_words)),
        keys=tuple(sorted(entry.keys)),
        probes=tuple(sorted((p, w) for w in entry.name_words for p in fuzzy_probes(w))),
    )


def entry_json(entry: _Entry) -> str:
    """What scoring needs of a prepared customer, as the shared index stores it: read
    back in microseconds instead of preparing the customer again."""
    return json.dumps(
        [
            entry.names,
            entry.alias,
            entry.handles,
            entry.email,
            entry.forms,
            entry.companies,
            entry.text,
            entry.spellings,
            entry.domain,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


_NOTHING: frozenset[str] = frozenset()


@lru_cache(maxsize=20_000)
def entry_from_json(customer_id: int, text: str) -> _Entry:
    """`entry_json` read back: enough to score (the index keys live in their tables).
    The customers of common names come up again and again: the last 20,000 are kept,
    keyed by what is stored, so an edited customer is read afresh."""
    # A row indexed before the domain was stored has 8 fields: no domain until re-indexed.
    names, alias, handles, email, forms, companies, name_text, spellings, *rest = json.loads(text)
    return _Entry(
        customer=CustomerKey(customer_id, name_text),
        # map(tuple, ...): read back for every candidate scored, so the cheapest way.
        names=tuple(map(tuple, names)),
        alias=tuple(alias),
        handles=tuple(map(tuple, handles)),
        email=email,
        forms=tuple(map(tuple, forms)),
        companies=tuple(companies),
        name_words=_NOTHING,
        words=_NOTHING,
        keys=_NOTHING,
        text=name_text,
        spellings=tuple(map(tuple, spellings)),
        domain=rest[0] if rest else "",
    )


@dataclass(frozen=True)
class _Slot:
    """The customers one of the author's words brings in: those holding `words` (the
    word, its nicknames and near words)."""

    words: frozenset[str]
    word: str  # the author's
    size: int  # how many hold them (a big one: more than _READ_SLOT)
    held: Set[int] | None  # who, when few; None for a common name (thousands)


class _Holding:
    """Which candidates hold a slot's words: from the slot's holders when they were read,
    else from the words each candidate holds (read once, for the few in the pool, with
    their names and handles: what ranks those left over by closeness), or, when many
    candidates are in question and the slot's holders are not too many for that, from
    the slot's holders read after all (_HOLDER_PER_ROW): the same answer either way,
    since a customer's indexed words and the word index hold the same words."""

    def __init__(self, lookup: _Lookup, slots: Iterable[_Slot]) -> None:
        self.lookup = lookup
        self._among = frozenset(w for s in slots if s.held is None for w in s.words)
        self._words: dict[int, Set[str]] = {}
        self._holders: dict[frozenset[str], Set[int]] = {}  # slot words -> holders, if read
        # (a pair's words, the customers it found): they hold both. Kept as the sets
        # the index gave, not per customer: a common name's pairs find thousands.
        self._found: list[tuple[frozenset[str], Set[int]]] = []
        self._through: dict[frozenset[str], set[int]] = {}  # slot words -> found through them

    def known(self, ids: Set[int], words: Iterable[str]) -> None:
        self._found.append((frozenset(words), ids))

    def _through_pairs(self, slot: _Slot) -> set[int]:
        """Customers a pair found through one of the slot's words (they hold it)."""
        found = self._through.get(slot.words)
        if found is None:
            sets = [ids for words, ids in self._found if not slot.words.isdisjoint(words)]
            found = self._through[slot.words] = set().union(*sets)
        return found

    def _of(self, ids: Collection[int]) -> dict[int, Set[str]]:
        new = [i for i in ids if i not in self._words]
        if new:
            rows = self.lookup.describe(new)
            among = self._among
            for i in new:
                row = rows.get(i)
                self._words[i] = among.intersection(row[2]) if row is not None else _NOTHING
        return self._words

    def texts_of(self, ids: Collection[int], names_only: bool) -> list[tuple[int, str, str]]:
        """(customer, folded name, handles) of these, in id order, from the rows `which`
        read where it did; with `names_only`, the handles of the others are left empty
        and only their names are read (a fraction of their rows, for thousands)."""
        if not names_only:
            rows = self.lookup.describe(ids)
            return [(i, row[0], row[1]) for i in sorted(ids) if (row := rows.get(i)) is not None]
        known = self.lookup.described
        new = [i for i in ids if i not in known]
        names = dict(self.lookup.index.named(new)) if new else {}
        found = []
        for i in sorted(ids):
            row = known.get(i)
            if row is not None:
                found.append((i, row[0], row[1]))
            elif (name := names.get(i)) is not None:
                found.append((i, name, ""))
        return found

    def _read_holders(self, ids: Collection[int], slot: _Slot) -> Set[int] | None:
        """The slot's holders, when read already or cheaper to read than the rows of
        those of `ids` not read yet (a holder's id costs a small fraction of a row)."""
        held = self._holders.get(slot.words)
        if held is None:
            index = self.lookup.index
            unread = sum(1 for i in ids if i not in self._words)
            most = min(_HOLDERS_READ, _HOLDER_PER_ROW * unread)
            if unread and (
                index.has_common_holders(slot.words) or index.counted(slot.words, most) <= most
            ):
                held = self._holders[slot.words] = index.common_holders(slot.words)
        return held

    def which(self, ids: Collection[int], slot: _Slot) -> set[int]:
        if slot.held is not None:
            return set(ids).intersection(slot.held)  # in C: a pool can hold thousands
        # Those a pair found through one of the slot's words hold it: only the others
        # are read (most of a common name's candidates come through its pairs).
        found = self._through_pairs(slot).intersection(ids)
        unknown = set(ids).difference(found)
        held = self._read_holders(unknown, slot)
        if held is not None:
            return found | unknown.intersection(held)
        words = self._of(unknown)
        return found | {i for i in unknown if not slot.words.isdisjoint(words[i])}

    def any_of(self, ids: Collection[int], slot: _Slot) -> bool:
        if slot.held is not None:
            return not slot.held.isdisjoint(ids)
        if not self._through_pairs(slot).isdisjoint(ids):
            return True  # a pair that found one holds a word of the slot: no read
        held = self._read_holders(ids, slot)
        if held is not None:
            return not held.isdisjoint(ids)
        words = self._of(ids)
        return any(not slot.words.isdisjoint(words[i]) for i in ids)


class _Lookup:
    """One match()'s view of the index: document frequencies asked once, then remembered."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index
        self.df: dict[str, int] = {}
        self._asked: set[str] = set()
        # customer -> (folded name, handles, words), as read this match (_Holding, ceilings)
        self.described: dict[int, tuple[str, str, Collection[str]]] = {}
        self.matches: dict[str, list[str]] = {}  # word -> Matcher._matches(word)

    def describe(self, ids: Collection[int]) -> dict[int, tuple[str, str, Collection[str]]]:
        """The rows of `ids` (those indexed), each read once per match."""
        known = self.described
        new = [i for i in ids if i not in known]
        if new:
            for i, text, handles, words in self.index.described(new):
                known[i] = (text, handles, words)
        return known

    def want(self, words: Iterable[str]) -> None:
        new = set(words).difference(self._asked)
        if new:
            self._asked |= new
            self.df.update(self.index.df(new))

    def known(self, word: str) -> bool:
        self.want((word,))
        return word in self.df


class CandidateSearch:
    """How a Matcher gathers the customers worth scoring from its index: exact keys,
    pairs of the author's words, rare words' holders, and the closest names when a
    common word stands alone (never every customer)."""

    index: CandidateIndex

    def _candidates(self, author: _Author, lookup: _Lookup) -> set[int]:
        """Customers worth scoring: exact key hits, customers two of the author's words agree
        on, holders of rare words, and, when a common word stands alone, its closest names."""
        keyed = set(self.index.keyed_each(self._author_keys(author), _KEY_CAP))
        pool = set(keyed)
        named = {w for variant in author.names for w in variant}
        if not self.index.in_memory:
            self._ask_ahead((author,), lookup)
        found = [
            (w, frozenset(self._matches(w, lookup)))
            for w in self._author_words(author, lookup)
            if w in named or not self._too_common(w, lookup)
        ]
        # One slot per set of words looked up: the handle's "michael" and the display
        # name's "Michael" are one piece of evidence, not two that agree.
        groups: dict[frozenset[str], str] = {}
        for w, matched in sorted(found):
            if matched not in groups or w in named:
                groups[matched] = w
        slots = [s for m, w in groups.items() if (s := self._sized(m, w)).size]
        agreeing = self._agreeing(slots, named, lookup)
        held = _Holding(lookup, slots)
        for pair, ids in agreeing.items():
            pool.update(ids)
            held.known(ids, pair)
        for slot in slots:
            if slot.size <= _RARE and slot.held is not None:
                pool.update(slot.held)
        for slot in slots:
            # The closest names among the holders of a handle's word ("fan") only when
            # the author has no name: else their name's own words have been looked up.
            if slot.word not in named and author.names:
                continue
            if slot.size > _RARE and not held.any_of(pool, slot):
                pool.update(self._closest(author, slot.words, slot.word, lookup))
        if not pool and not author.names:
            pool = self._misspelt_run(author.handle_alpha, lookup)
        if len(pool) > _MAX_SCORED:
            pool = self._coarse_top(author, pool, keyed, slots, held, lookup)
        return pool

    def _ask_ahead(self, authors: Sequence[_Author], lookup: _Lookup) -> None:
        """What the lookups of each of the authors' words will ask the index (document
        frequencies and deletions of their fuzzy probes, how many hold each near
        word, the holders of those few enough to be read), asked at once: a read per
        kind, not per word (the answers are remembered for the match, or the batch)."""
        lookup.want(cut for author in authors for cut in _handle_cuts(author.handle_alpha))
        words = {w for author in authors for w in self._author_words(author, lookup)}
        self._ask_words(words, lookup)
        # The holders of each slot few enough to be read, as _candidates() and _sized()
        # will ask for them (a word of the handle alone only when not too common).
        named = {w for author in authors for variant in author.names for w in variant}
        groups = [
            matched
            for w in words
            if w in named or not self._too_common(w, lookup)
            if self.index.counted(matched := self._matches(w, lookup), _READ_SLOT) <= _READ_SLOT
        ]
        self.index.holders_ahead(groups)

    def ask_ahead(self, authors: Iterable[tuple[str, str, str | None]]) -> None:
        """Within `index.remembering()` (a re-match's batch): what matching each of
        `authors` (channel, handle, display name) asks the index first, asked for the
        whole batch at once: a read per kind for the batch, not per author. The matches
        then find it remembered; no answer changes, only when it is read."""
        if self.index.in_memory:
            return
        prepared = [_author(channel, handle, name) for channel, handle, name in authors]
        self._ask_ahead(prepared, _Lookup(self.index))

    def _ask_words(self, words: Collection[str], lookup: _Lookup) -> None:
        probes: set[str] = set()
        for word in words:
            if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
                probes |= _fuzzy_probes_of(word)  # as _matches() looks it up
            elif len(word) == 3:
                probes.add(word)
        lookup.want(probes)
        self.index.deleted_to(probes)
        near = {m for word in words for m in self._matches(word, lookup)}
        self.index.counted(near, 0)

    def _sized(self, matched: frozenset[str], word: str) -> _Slot:
        """The holders of `matched`, read only when few: a common name's are counted (in
        the index, no further than the population), and met through pairs instead."""
        count = self.index.counted(matched, _READ_SLOT)
        if count <= _READ_SLOT:
            holders = self.index.holders(matched)
            return _Slot(matched, word, len(holders), holders)
        return _Slot(matched, word, count, None)

    def _author_keys(self, author: _Author) -> set[str]:
        keys = {author.handle, author.handle_alpha, *author.companies}
        for variant in author.names[:1]:
            keys.add("".join(variant))
            keys.add("".join(reversed(variant)))
            keys.update(word for word in variant if len(word) >= 2)  # one-word customers
        keys.update(form for form, weight in author.forms if weight >= _SPELLING_KEY_WEIGHT)
        # The people of the company whose domain the account is on (social.harborlabs.se:
        # harborlabs, a company key of theirs), whom _Scorer._on_their_domain lifts.
        keys.update(_domain_labels(author.domains))
        keys.discard("")
        return keys

    def _author_words(self, author: _Author, lookup: _Lookup) -> set[str]:
        """Words to look up: the display name's, the handle's, pieces of a run-together handle."""
        words = {w for variant in author.names for w in variant if len(w) >= 2}
        words.update(w for w in author.handle_words if len(w) >= 3)
        alpha = author.handle_alpha
        if len(alpha) >= 5:
            words.update((alpha, alpha[1:], alpha[:-1]))  # klindqvist, lindqvistk
            lookup.want(_handle_cuts(alpha))
            for cut in range(2, len(alpha) - 2):
                head, tail = alpha[:cut], alpha[cut:]
                if head in lookup.df or tail in lookup.df:
                    words.add(tail)
                    words.add(head)
        return words

    def _matches(self, word: str, lookup: _Lookup) -> list[str]:
        """`word`, its nicknames, and name words one or two edits away (worked out once
        per match: asked of each word ahead, for its slot and for how common it is)."""
        known = lookup.matches.get(word)
        if known is not None:
            return known
        matches = [word, *nicknames(word)]
        if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
            matches.extend(self._fuzzy(word, lookup))
        elif len(word) == 3:
            # Too short to search by edits, but a letter may be missing: the deletion
            # index holds the four-letter words this one is cut from (red -> reid, reed).
            matches.extend(self.index.deleted_to((word,)))
        lookup.matches[word] = matches
        return matches

    def _too_common(self, word: str, lookup: _Lookup) -> bool:
        """More than _COMMON_HANDLE_WORD customers hold `word` or a word near it."""
        return self.index.counted(self._matches(word, lookup), _COMMON_HANDLE_WORD) > (
            _COMMON_HANDLE_WORD
        )

    def _agreeing(
        self, slots: Sequence[_Slot], named: Collection[str], lookup: _Lookup
    ) -> Mapping[tuple[str, str], Set[int]]:
        """Customers two of the author's words agree on: holding two different words, one
        matched by each (a word both match counts once: it is one piece of evidence).
        Two pieces of the handle that share their letters ("ssandeers" and "sandeers",
        the handle less its first letter) are one piece of evidence too: "Anders
        Sanders", whose words are near each, is no more likely for it."""
        pairs: set[tuple[str, str]] = set()
        for i, first in enumerate(slots):
            for second in slots[i + 1 :]:
                if _same_letters(first.word, second.word, named):
                    continue
                pairs |= self._pairs(first.words, second.words)
        return self.index.paired(pairs) if pairs else {}

    @staticmethod
    def _pairs(first: frozenset[str], second: frozenset[str]) -> set[tuple[str, str]]:
        return {(min(a, b), max(a, b)) for a in first for b in second if a != b}

    def _fuzzy(self, word: str, lookup: _Lookup) -> Iterator[str]:
        """Name words within one edit (two for long words), via the deletion index."""
        limit = 1 if len(word) < 7 else 2
        probes = _fuzzy_probes_of(word)
        lookup.want(probes)
        found = self.index.deleted_to(probes) | {p for p in probes if p in lookup.df}
        found.discard(word)
        for other in sorted(found):
            if OSA.distance(word, other, score_cutoff=limit) <= limit:
                yield other

    def _misspelt_run(self, alpha: str, lookup: _Lookup) -> set[int]:
        """A handle that runs a name together with a typo in each part ("fharlespritchar"
        for charlespritchard): customers holding a word close to each side of some cut.
        Only tried when nothing else matched, so it costs nothing for most authors."""
        found: set[int] = set()
        for cut in range(4, len(alpha) - 3):
            sides = []
            for part in (alpha[:cut], alpha[cut:]):
                near = [part, *self._fuzzy(part, lookup)]
                lookup.want(near)
                words = [w for w in near if w in lookup.df]
                sides.append(self.index.holders(words) if words else set())
            if sides[0] and sides[1]:
                found |= sides[0] & sides[1]
            if len(found) > _MAX_SCORED:
                break
        return found

    def _closest(
        self, author: _Author, matched: Collection[str], word: str, lookup: _Lookup
    ) -> list[int]:
        """The few customers among the many holding `matched` (a common `word`, near
        words, nicknames) whose name (or, for an author with only a handle, one of whose
        handles) is closest to the author's."""
        if author.names:  # compared by name alone: the handles are not read
            return self._by_name(author, self.index.name_groups(matched), _RESCUE, lookup)
        return self._by_closeness(author, self.index.texts(matched), _RESCUE, lookup)

    def _by_closeness(
        self, author: _Author, texts: list[tuple[int, str, str]], first: int, lookup: _Lookup
    ) -> list[int]:
        """The `first` customers closest by name, or by handles, to the author, closest
        first (ties in the order of `texts`, which is by id); for an author with a name,
        also the _BY_NAME the full scorer rates closest by name."""
        if author.names:
            return self._by_name(author, _grouped(texts), first, lookup)
        query = author.handle_alpha
        split = {i: handles.split() for i, _, handles in texts}  # one row per customer
        named = {i: text.replace(" ", "") for i, text, _ in texts}  # grace zhang
        # Every handle, then every name, each with its customer alongside (two flat
        # lists: no pair per choice, thousands of them for a common word).
        owners = [i for i, handles in split.items() for _ in handles]
        choices = [h for handles in split.values() for h in handles]
        owners += named
        choices += named.values()
        # Several choices per customer, at most `most`: the first `first` customers are
        # among the best first x most choices, which rapidfuzz picks without ranking
        # (or handing back) the thousands of others.
        most = 1 + max(map(len, split.values()), default=0)
        best = process.extract(query, choices, scorer=fuzz.ratio, limit=first * most)
        return list(dict.fromkeys(owners[index] for _, _, index in best))[:first]

    def _by_name(
        self,
        author: _Author,
        by_text: Mapping[str, Sequence[int]],
        first: int,
        lookup: _Lookup,
    ) -> list[int]:
        """`_by_closeness` of an author with a name, over the customers grouped by name
        (`_grouped`): each name is compared once, however many hold it."""
        found = _closest_names(" ".join(author.names[0]), by_text, first)
        # Closeness letter by letter finds a name spelled with a typo, or a handle the
        # name spells; it ties a rare surname one edit away (Cohn) with common ones
        # (Chen) and prefers look-alikes (Kohn): the scorer's own top few by name are
        # kept as well.
        population = self.index.population()
        found += _by_name_score(author, by_text, _BY_NAME, lookup, population)
        return list(dict.fromkeys(found))

    def _coarse_top(
        self,
        author: _Author,
        pool: set[int],
        keyed: set[int],
        slots: list[_Slot],
        held: _Holding,
        lookup: _Lookup,
    ) -> set[int]:
        """Keep the candidates that hold an exact key, then the most (and rarest) author
        words, and, of the others, the few with the closest names."""
        population = max(self.index.population(), 1)
        # Each candidate's coarse score is 100 for an exact key, plus each slot's weight
        # if they hold its words, added in that order. The pool is cut into parts that
        # hold the same keys and slots (set operations in C, never a step per
        # candidate: a pool can hold tens of thousands), each part's score added up as
        # a candidate's would be, to the same figure.
        keyed_in = keyed & pool
        room = _MAX_SCORED - _RESCUE
        # A common name's holders counted only now, in the index (with repeats: a
        # customer holding two of its near words counts twice).
        weights = [
            math.log1p(
                population
                / (
                    slot.size
                    if slot.held is not None
                    else self.index.counted(slot.words, population)
                )
            )
            for slot in slots
        ]
        parts = [(100.0, keyed_in), (0.0, pool - keyed_in)]
        for step, (slot, weight) in enumerate(zip(slots, weights, strict=True)):
            # Only the candidates that can still be kept are asked about (_hopeful).
            parts, live = _hopeful(parts, sum(weights[step:]), room)
            holding = held.which(live, slot)
            cut = []
            for score, part in parts:
                inside = part & holding
                if inside:
                    cut.append((score + weight, inside))
                outside = part - inside if inside else part
                if outside:
                    cut.append((score, outside))
            parts = cut
        # Most first, ties by id (what a stable sort by score over the ids in order gives).
        by_score: dict[float, list[set[int]]] = {}
        for score, part in parts:
            by_score.setdefault(score, []).append(part)
        kept: list[int] = []
        for score in sorted(by_score, reverse=True):
            if len(kept) >= room:
                break
            kept += sorted(set().union(*by_score[score]))[: room - len(kept)]
        # The rest by closeness of name: many decoys share two words of a made-up handle
        # (Clever_Cactus_4120.net) while the one whose name has a typo holds fewer.
        # An author with a name is compared by names alone (_by_closeness): only those read.
        rest = held.texts_of(pool.difference(kept), names_only=bool(author.names))
        closest = self._by_closeness(author, rest, _RESCUE, lookup)
        return set(kept + closest)


class Matcher(CandidateSearch):
    """Customers indexed by name words, handle and e-mail keys, with a one-edit fuzzy lookup.

    `match()` gathers candidates from the index (never every customer), scores each with
    `_Scorer`, links automatically only when sure, and suggests up to three otherwise.
    The index is the matcher's own (MemoryIndex) unless one is given (SharedIndex).
    """

    def __init__(
        self,
        customers: Iterable[CustomerKey] = (),
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        index: CandidateIndex | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.thresholds = thresholds
        # The match model's weights: refitted from the agents' decisions when the
        # database holds some (service/linking.py), else the shipped ones.
        self.weights = weights or default_weights()
        self._memory = MemoryIndex(customers) if index is None else None
        self.index: CandidateIndex = self._memory if self._memory is not None else index  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.index.population()

    def __contains__(self, customer_id: object) -> bool:
        return isinstance(customer_id, int) and bool(self.index.entries((customer_id,)))

    def add(self, customer: CustomerKey) -> None:
        """Insert or replace (same id) one customer (own index only)."""
        assert self._memory is not None, "a shared index follows the customers table"
        self._memory.add(customer)

    def remove(self, customer_id: int) -> None:
        assert self._memory is not None, "a shared index follows the customers table"
        self._memory.remove(customer_id)

    def match(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int] = (),
        url: str | None = None,
        as_unknown: bool = False,
        proven: Collection[str] = (),
    ) -> MatchResult:
        """Who this author probably is: "auto" when sure, else up to three suggestions.
        `url` is the author's profile or website, where the network gives one; `proven`
        the links the network proved theirs (core/domains.proven). With `as_unknown`, the
        customers' identity equal to the author's own handle on its own network is left
        out (a confirmed author, scored as it was before)."""
        prune = not self.index.in_memory
        with paused(), self.index.remembering():
            return self._run(
                channel,
                handle,
                display_name,
                exclude,
                self._candidates,
                prune,
                url,
                as_unknown,
                proven,
            )

    def scan(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int] = (),
        url: str | None = None,
        proven: Collection[str] = (),
    ) -> MatchResult:
        """`match()` by brute force over every customer: the yardstick for the index's recall."""
        return self._run(
            channel,
            handle,
            display_name,
            exclude,
            lambda _a, _l: set(self.index.all_ids()),
            url=url,
            proven=proven,
        )

    def score(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        customer_id: int,
        url: str | None = None,
        proven: Collection[str] = (),
    ) -> Candidate | None:
        """How this author scores against one customer, as `match()` would score them
        (its probability as if it were the only candidate shown)."""
        author = _author(channel, handle, display_name, url, proven)
        lookup = _Lookup(self.index)
        entries = self.index.entries((customer_id,))
        if customer_id not in entries:
            return None
        return self._calibrated(self._scored(author, lookup, entries))[0]

    def _run(
        self,
        channel: str,
        handle: str,
        display_name: str | None,
        exclude: Collection[int],
        pool: Callable[[_Author, _Lookup], set[int]],
        prune: bool = False,
        url: str | None = None,
        as_unknown: bool = False,
        proven: Collection[str] = (),
    ) -> MatchResult:
        author = _author(channel, handle, display_name, url, proven)
        if as_unknown:
            author = replace(author, own=(channel, _compact(handle_core(channel, handle))))
        lookup = _Lookup(self.index)
        ids = pool(author, lookup)
        ids.difference_update(exclude)
        # Customers still waiting to be indexed, as they are now (an edited one's
        # indexed entry is stale).
        fresh = {
            i: e
            for i, e in self.index.unindexed(channel, handle, name_probes(display_name)).items()
            if i not in exclude
        }
        if prune:
            return self._decide(self._top_scored(author, lookup, ids - fresh.keys(), fresh))
        entries = dict(self.index.entries(ids))
        entries.update(fresh)
        return self._decide(self._scored(author, lookup, entries))

    def _top_scored(
        self, author: _Author, lookup: _Lookup, ids: Collection[int], fresh: Mapping[int, _Entry]
    ) -> list[Candidate]:
        """`_scored()` of the candidates that can make `_decide()`'s answer, the same
        answer as scoring them all: the others are never read.

        Candidates are scored from the highest ceiling down (_Scorer.ceiling: what their
        row lets them score at most, ties by id, as _decide ranks). Once the next one's
        (ceiling, id) ranks below the third best scored so far, neither it nor any after
        it can be among the three shown. One whose ceiling is below the suggestion floor
        is never shown either, and cannot change the decision: an automatic link needs
        a best of at least `auto` (above the floor) that is `margin` ahead of the second,
        and any second below the floor is that far behind.
        """
        lookup.want(w for v in author.names for w in v)
        scorer = _Scorer(author, lookup.df, self.index.population())
        scored = [scorer.score(e) for e in self._wanted(lookup, fresh.values())]
        top = sorted((-c.score, c.customer_id) for c in scored)[:3]
        rows = lookup.describe(ids)
        described = [rows[i] for i in ids if i in rows]
        scorer.learn_closeness(w for text, _, words in described for w in (*words, *text.split()))
        ceiling = {i: scorer.ceiling(*rows[i]) for i in ids if i in rows}
        order = sorted(ceiling, key=lambda i: (-ceiling[i], i))
        floor = self.thresholds.suggest
        # The weights of the names of the first few chunks, which are usually all that
        # is scored, read in one go rather than a chunk at a time.
        ahead = order[: _SCORE_CHUNK * 3]
        lookup.want(w for i in ahead if ceiling[i] >= floor for w in rows[i][0].split())
        at = 0
        while at < len(order):
            chunk: list[int] = []
            while at < len(order) and len(chunk) < _SCORE_CHUNK:
                i = order[at]
                if ceiling[i] < floor or (len(top) >= 3 and (-ceiling[i], i) > top[2]):
                    at = len(order)
                    break
                chunk.append(i)
                at += 1
            entries = self.index.entries(chunk) if chunk else {}
            for entry in self._wanted(lookup, entries.values()):
                candidate = scorer.score(entry)
                scored.append(candidate)
                top = sorted([*top, (-candidate.score, candidate.customer_id)])[:3]
        return scored

    @staticmethod
    def _wanted(lookup: _Lookup, entries: Iterable[_Entry]) -> list[_Entry]:
        """`entries`, their words' weights read before any is scored (a weight the scorer
        computed before its document frequency was read would be wrong)."""
        listed = list(entries)
        lookup.want(w for e in listed for v in e.names for w in v)
        lookup.want(w for e in listed for w in e.alias)
        return listed

    def _scored(
        self, author: _Author, lookup: _Lookup, entries: Mapping[int, _Entry]
    ) -> list[Candidate]:
        lookup.want(w for e in entries.values() for v in e.names for w in v)
        lookup.want(w for e in entries.values() for w in e.alias)
        lookup.want(w for v in author.names for w in v)
        scorer = _Scorer(author, lookup.df, self.index.population())
        return [scorer.score(entry) for entry in entries.values()]

    def search_pool(self, text: str, cap: int = 300) -> list[int]:
        """Customers worth showing for a search as typed, most promising first: those
        holding the most of its words (typos forgiven), the last word as a prefix too,
        and exact handle or e-mail keys first. Never more than `cap`."""
        lookup = _Lookup(self.index)
        words = _LETTERS.findall(fold(text))
        hits: Counter[int] = Counter()
        for key in {_compact(text), _letters(_compact(text))} - {""}:
            for i in self.index.keyed(key):
                hits[i] += 100
        for n, word in enumerate(words):
            found = (
                set(self.index.holders(self._matches(word, lookup))) if len(word) >= 2 else set()
            )
            if n == len(words) - 1 and len(word) >= 2:
                found |= self.index.prefixed(word, cap * 10)  # still being typed
            hits.update(found)  # counted in C: a common name brings tens of thousands
        # Most hits first, then by id: a stable sort by count over the ids in order,
        # with no Python key function per customer.
        return sorted(sorted(hits), key=hits.__getitem__, reverse=True)[:cap]

    def search_unindexed(self, text: str) -> list[int]:
        """Customers not indexed yet whose name starts with `text`, or who hold it as a
        handle or e-mail (case aside): a search while a backlog is indexed."""
        text = text.strip()
        found = self.index.unindexed("", text.lstrip("@"), [text], [text]) if text else {}
        return sorted(found)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, scored: list[Candidate]) -> MatchResult:
        """The three best by score (the index guarantees those, and no others), each
        given its probability, then shown most probable first; linked automatically on
        evidence a name cannot fake, or on a probability at `auto` for a name no other
        customer shares."""
        limits = self.thresholds
        scored.sort(key=lambda c: (-c.score, c.customer_id))
        shown = self._calibrated([c for c in scored[:3] if c.score >= limits.suggest])
        if not shown:
            return MatchResult("none", ())
        best = shown[0]
        if limits.evidence and best.evidence and not any(c.evidence for c in shown[1:]):
            return MatchResult("auto", shown)
        runner_up = max((c.score for c in scored[:3] if c is not best), default=0.0)
        if (
            best.probability * 100 >= limits.auto
            and best.score - runner_up >= limits.margin
            and not self._name_shared(best)
        ):
            return MatchResult("auto", shown)
        return MatchResult("suggest", shown)

    def _calibrated(self, shown: list[Candidate]) -> tuple[Candidate, ...]:
        """`shown` with their probabilities, most probable first (then by score, id)."""
        shown = [c.pending[0].compared(c) if c.pending else c for c in shown]
        out = [
            c
            if f is None
            else Candidate(
                c.customer_id,
                c.score,
                c.fields,
                round(self.weights.probability(f), 4),
                c.evidence,
                c.comparison,
            )
            for c, f in zip(shown, shown_features(shown), strict=True)
        ]
        out.sort(key=lambda c: (-c.probability, -c.score, c.customer_id))
        return tuple(out)

    def _name_shared(self, candidate: Candidate) -> bool:
        """Whether another customer holds this customer's whole name (as one key)."""
        entry = self.index.entries((candidate.customer_id,)).get(candidate.customer_id)
        if entry is None or not entry.names:
            return True
        holders = self.index.keyed("".join(entry.names[0]), 2)
        return len(holders - {candidate.customer_id}) > 0


def _hopeful(
    parts: list[tuple[float, set[int]]], still: float, room: int
) -> tuple[list[tuple[float, set[int]]], set[int]]:
    """The parts of Matcher._coarse_top's pool (coarse score so far, its candidates) that
    can still be among the `room` it keeps, and their candidates, when the slots still
    to weigh add up to `still`: the others' words are never asked about.

    Scores only grow, so the room-th best final score is at least the room-th best now
    (`least`). A part whose score now plus every weight still to come is below that
    ends below at least `room` candidates whatever it holds, so none of it is kept: the
    same candidates are kept as when every part is weighed to the end, and the rest
    still go to the closeness rescue. An exact key's 100 outweighs the few slots of a
    name (each at most log1p(population), 14 at a million): once key hits fill the
    room, the pool's other candidates are never read whole."""
    least = -math.inf
    counted = 0
    for score, part in sorted(parts, key=lambda p: -p[0]):
        counted += len(part)
        if counted >= room:
            least = score
            break
    # A margin for rounding (the weights are summed in another order than the scores).
    kept = [(score, part) for score, part in parts if score + still + 1e-6 >= least]
    live: set[int] = set().union(*(part for _, part in kept))
    return kept, live


def shown_features(shown: Sequence[Candidate]) -> list[dict[str, float] | None]:
    """The match model's inputs for each candidate shown together (match_model.features):
    each is weighed against the best of the others, and a name another shown customer
    holds exactly, or another's company domain under the author's account, is flagged."""
    out: list[dict[str, float] | None] = []
    for c in shown:
        if c.comparison is None:
            out.append(None)
            continue
        others = [o.comparison for o in shown if o is not c and o.comparison is not None]
        rival = max((o.score for o in shown if o is not c), default=0.0)
        same = c.comparison.name >= 97 and any(o.name >= 97 for o in others)
        on_domain = any(o.on_domain for o in others)
        out.append(features(c.comparison, rival, same, on_domain))
    return out


def _handle_cuts(alpha: str) -> list[str]:
    """The heads and tails of a run-together handle that Matcher._author_words tries as
    words (kate | lindqvist): none for a handle shorter than five letters."""
    if len(alpha) < 5:
        return []
    cuts = range(2, len(alpha) - 2)
    return [alpha[:cut] for cut in cuts] + [alpha[cut:] for cut in cuts]


def _same_letters(first: str, second: str, named: Collection[str]) -> bool:
    """Two words of the author's handle, one cut from the other (the handle, it less a
    letter at either end, a cut of it): they spell the same letters."""
    if first in named or second in named:
        return False
    return first in second or second in first


@lru_cache(maxsize=1024)
def _fuzzy_probes_of(word: str) -> frozenset[str]:
    """What Matcher._fuzzy looks `word` up by: itself and what it becomes with one
    letter out (two, for a long word). Kept: a word's are asked for twice a match
    (ahead, then looked up) and common names come back author after author; only the
    last thousand words' (a long word's run to a few KB)."""
    probes = {word} | _deletions(word)
    if len(word) >= 7:
        probes |= {d for first in _deletions(word) for d in _deletions(first)}
    return frozenset(probes)


def _grouped(texts: Iterable[tuple[int, str, str]]) -> dict[str, list[int]]:
    """(customer, folded name, handles) rows in id order, as folded name -> its
    customers in id order, names in the order of their first customer."""
    by_text: dict[str, list[int]] = {}
    for i, text, _ in texts:
        by_text.setdefault(text, []).append(i)
    return by_text


def _closest_names(query: str, by_text: Mapping[str, Sequence[int]], first: int) -> list[int]:
    """The `first` customers whose name is closest to `query` by rapidfuzz's
    token_sort_ratio, closest first, ties by id (as ranking every customer would give):
    each name is scored once; the names are taken best first until `first` customers
    are in hand, and then those that tie with the last one taken, since a customer of
    a later name may come first on id."""
    ranked = process.extract(query, list(by_text), scorer=fuzz.token_sort_ratio, limit=None)
    picked: list[tuple[float, int]] = []
    last: float | None = None
    for text, score, _ in ranked:
        if last is not None and score < last:
            break
        picked.extend((-score, i) for i in by_text[text])
        if last is None and len(picked) >= first:
            last = score
    picked.sort()
    return list(dict.fromkeys(i for _, i in picked))[:first]


def _by_name_score(
    author: _Author,
    by_text: Mapping[str, Sequence[int]],
    first: int,
    lookup: _Lookup,
    population: int,
) -> list[int]:
    """The `first` customers of `by_text` (folded name -> its customers) whose name the
    full scorer rates closest to the author's, best first, ties by id: the order
    `scan()` ranks name-only candidates in.

    Each distinct name is scored once, with the weights of its words: a rare surname one
    edit away (Cohn) and a common one (Chen) are told apart as the scorer tells them
    apart, and a thousand namesakes cost one score. A candidate left out has at least
    `first` kept ones named as close or closer, so none the scorer would rank in the top
    three (of `first` >= 3) is lost on its name.
    """
    named = {tuple(text.split()): ids for text, ids in by_text.items()}
    scorer = _Scorer(author, lookup.df, population)
    # A name scores at most 100 x its closest word's similarity (both of the score's
    # coverages are weighted means of its words' similarities): names are scored from
    # the highest such bound down, and no further once `first` score above the bound.
    words = {w for name in named for w in name}
    scorer.learn_closeness(words)
    close = {w: scorer.closest_to(w) for w in words}
    bound = {name: 100.0 * max(map(close.__getitem__, name), default=0.0) for name in named}
    lookup.want(w for name in named if bound[name] > 0 for w in name)
    best: list[tuple[float, int]] = []
    floor = -1.0  # the `first`-th best score so far
    for name in sorted(named, key=bound.__getitem__, reverse=True):
        if bound[name] < floor or (bound[name] == 0 and len(best) >= first):
            break
        score = max(scorer.name_score(variant, name)[0] for variant in author.names)
        if score >= floor:
            best.extend((-score, i) for i in named[name])
            best.sort()
            del best[first:]
            if len(best) >= first:
                floor = -best[-1][0]
    return [i for _, i in best]
