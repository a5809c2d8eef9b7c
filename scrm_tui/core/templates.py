"""Canned responses: parse the TOML file, fill in variables, rank them for the picker."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex
from rapidfuzz import fuzz

from scrm_tui.core import networks
from scrm_tui.core.models import NETWORK_NAMES

VARIABLES: tuple[tuple[str, str], ...] = (
    ("author.name", "the post author's display name, as they wrote it"),
    ("author.first_name", "a friendly first name from the author's display name"),
    ("author.handle", "the author's handle as you would mention them (@user@instance, u/name)"),
    ("customer.name", "the linked customer's name from the CRM"),
    ("customer.first_name", "the linked customer's first name"),
    ("customer.company", "the linked customer's company"),
    ("customer.tier", "the linked customer's plan or tier (free, pro, team, enterprise...)"),
    ("agent", "your name, as set for this app"),
    ("mention.url", "the link to the post being answered"),
    ("channel", "the network's name (Mastodon, Bluesky, Reddit...)"),
)
_KNOWN = frozenset(name for name, _ in VARIABLES)
_KEYS = ("name", "text", "channels")

# "{{" and "}}" are literal braces; "{dotted.name}" or "{dotted.name|fallback}" is a
# variable. Anything else (a lone brace, "{ spaced }", "{a[0]}", "{x:>10}") is plain text.
_TOKEN = re.compile(
    r"\{\{|\}\}|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"(?:\|(?P<fallback>[^{}]*))?\}"
)
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(?:template|\"template\"|'template')[ \t]*\]\]", re.M)
_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


class TemplateError(ValueError):
    """A templates file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    channels: tuple[str, ...] = ()  # empty: offered on every network

    def offered_on(self, channel: str | None) -> bool:
        """Whether the picker offers this template when replying on `channel`."""
        return not self.channels or channel is None or channel in self.channels


@dataclass(frozen=True)
class Filled:
    text: str
    missing: tuple[str, ...]  # variables left as written: no value and no fallback


# --- parsing ---------------------------------------------------------------------------


def _header_lines(text: str, count: int) -> list[int | None]:
    """The line of each [[template]] header, in order (None where unknown)."""
    starts = [match.start() for match in _HEADER.finditer(text)]
    if len(starts) != count:
        # Some "[[template]]" lines sit inside multi-line strings: a real header is
        # one where the text before it is a complete TOML document.
        real = []
        for start in starts:
            try:
                tomllib.loads(text[:start])
            except tomllib.TOMLDecodeError:
                continue
            real.append(start)
        starts = real
    lines: list[int | None] = [text.count("\n", 0, start) + 1 for start in starts]
    return (lines + [None] * count)[:count]


def _where(source: str, line: int | None) -> str:
    return f"{source}, line {line}" if line is not None else source


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> TemplateError:
    message = str(exc)
    found = _TOML_WHERE.search(message)
    if found is None:
        return TemplateError(f"{source}: {message}")
    reason = message[: found.start()]
    if found.group(1) is None:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return TemplateError(f"{source}, line {max(line, 1)} (end of file): {reason}")
    return TemplateError(f"{source}, line {found.group(1)}, column {found.group(2)}: {reason}")


def _label(raw: Mapping[str, Any], index: int) -> str:
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        return f"template {name.strip()!r}"
    return f"template #{index + 1}"


def _check(raw: Mapping[str, Any], index: int) -> Template:
    """One [[template]] table as a Template; TemplateError's message (sans place) if bad."""
    label = _label(raw, index)
    unknown = [key for key in raw if key not in _KEYS]
    if unknown:
        raise TemplateError(
            f"{label} has an unknown key {unknown[0]!r} (expected name, text, channels)"
        )
    name, text, channels = raw.get("name"), raw.get("text"), raw.get("channels", [])
    if name is None or (isinstance(name, str) and not name.strip()):
        raise TemplateError(f"{label} has no name")
    if not isinstance(name, str):
        raise TemplateError(f"{label}: name must be a string")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise TemplateError(f"{label} has no text")
    if not isinstance(text, str):
        raise TemplateError(f"{label}: text must be a string")
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise TemplateError(f'{label}: channels must be a list of names, e.g. ["mastodon"]')
    known = list(networks.names())
    for channel in channels:
        if channel not in known:
            raise TemplateError(
                f"{label} lists an unknown channel {channel!r} (known: {', '.join(known)})"
            )
    for variable in variables(text):
        if variable not in _KNOWN:
            raise TemplateError(
                f"{label} uses an unknown variable {{{variable}}} "
                f"(known: {', '.join(sorted(_KNOWN))}; write {{{{ and }}}} for braces)"
            )
    return Template(name=name.strip(), text=text, channels=tuple(dict.fromkeys(channels)))


def parse_templates(text: str, source: str) -> list[Template]:
    """The templates of a TOML file's text, in file order.

    `source` names the file in error messages. Every [[template]] needs a `name` (unique)
    and a `text`; `channels` optionally limits where it is offered. A text may only use
    the variables of VARIABLES, so a typo is caught when the file is loaded rather than
    in a reply.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, source) from None
    extra = [key for key in document if key != "template"]
    if extra:
        raise TemplateError(
            f"{source}: unexpected {extra[0]!r}; each template is a [[template]] table"
        )
    tables = document.get("template", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise TemplateError(f"{source}: write each template as a [[template]] table")
    lines = _header_lines(text, len(tables))
    templates: list[Template] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(tables):
        where = _where(source, lines[index])
        try:
            template = _check(raw, index)
        except TemplateError as exc:
            raise TemplateError(f"{where}: {exc}") from None
        key = template.name.casefold()
        if key in seen:
            first = lines[seen[key]]
            also = f" (line {first})" if first is not None else ""
            raise TemplateError(
                f"{where}: template {template.name!r} has the same name as an earlier one{also}"
            )
        seen[key] = index
        templates.append(template)
    return templates


# --- filling ---------------------------------------------------------------------------


def variables(text: str) -> tuple[str, ...]:
    """The variable names a template text uses, in order of first use."""
    names = (match.group("name") for match in _TOKEN.finditer(text))
    return tuple(dict.fromkeys(name for name in names if name is not None))


def fill(text: str, values: Mapping[str, str | None]) -> Filled:
    """The text with its variables replaced, in one pass.

    A variable without a value (absent, None, empty or blank) takes its fallback
    (`{author.first_name|there}`); without a fallback it stays exactly as written, so
    the agent sees it, and is listed in `missing`. Values are inserted as they are: a
    display name containing "{agent}" or "{{" is never expanded (they come from strangers).
    """
    missing: dict[str, None] = {}

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group("name")
        value = values.get(name)
        if value is not None and value.strip():
            return value
        fallback = match.group("fallback")
        if fallback is not None:
            return fallback
        missing[name] = None
        return token

    return Filled(text=_TOKEN.sub(replace, text), missing=tuple(missing))


# --- values ----------------------------------------------------------------------------

# Words in front of a name that are not the name.
# Compared without the final dot: "Dr." and "Dr" alike.
_TITLES = frozenset(
    {
        "dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", "fr",
        "herr", "frau", "hr", "fru", "mme", "mlle", "sr", "sra", "srta", "dott", "capt",
    }
)  # fmt: skip
# A display name that starts with an article is a publication or a persona, not a person.
_ARTICLES = frozenset(
    {"the", "a", "an", "le", "la", "les", "el", "los", "las", "der", "die", "das", "het", "il"}
)
# What may follow "Name," without being a given name.
_SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "ph.d", "md", "m.d", "mba", "msc", "bsc", "esq"}
)
_PRONOUNS = regex.compile(
    r"(?<!\w)(?:she|he|they|her|him|them|xe|ze|it|any|ey|fae|all)"
    r"(?:\s*/\s*(?:she|he|they|her|him|them|xe|xem|ze|zir|it|its|any|all|em|faer|hers|his|"
    r"theirs))+(?!\w)",
    regex.I,
)
_BRACKETED = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|<[^<>]*>|（[^（）]*）")
_ANSI = regex.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")
_TAGLINE = regex.compile(r"\s*[|•·｜]\s*|\s+[-–—/~:]\s+")
_INVISIBLE = regex.compile(r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\uFE00-\uFE0F\U000E0100-\U000E01EF]")
_SYMBOLS = regex.compile(r"[\p{S}\p{Zs}\p{Zl}\p{Zp}]+")
_EDGES = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{M}\p{N}]+$")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_CASED = regex.compile(r"\p{Lu}|\p{Ll}|\p{Lt}")
_MARK_RUN = regex.compile(r"(\p{M}{3})\p{M}+")  # at most 3 marks on a letter, as sanitize
_MAX_INPUT = 256
_MAX_FIRST_NAME = 30  # graphemes; longer is a sentence or a tagline, not a name


def _bare(word: str) -> str:
    """A word without accents or combining marks, case-folded, for comparison."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    """The words of a name, emoji and symbols removed, handles and initials dropped."""
    words = []
    for raw in text.split():
        if raw.startswith(("@", "＠")):
            continue  # a handle written in the name
        word = _EDGES.sub("", raw)
        if not word or _bare(word) in _TITLES:
            continue
        if len(regex.findall(r"\p{L}", word)) == 1 and not _CJK.search(word):
            continue  # an initial: "J." in "J. Robert Smith"
        words.append(word)
    return words


def first_name(display_name: str | None) -> str | None:
    """A friendly first name from a display name as people write them, or None.

    Emoji, pronouns ("(she/her)", "he/him"), bracketed notes and taglines after "|",
    "·" or " - " are dropped, then titles ("Dr.") and initials; the first word left is
    the first name: "Marco ☕ (he/him)" → "Marco", "Dr. Jane Smith" → "Jane".
    "Surname, Given" (a single word before the comma, capitalised words after it,
    not a suffix like "PhD") gives the given name: "O'Brien, Pat" → "Pat".
    Chinese, Japanese and Korean names (family name first, often without spaces) are
    kept whole: "林欣怡" → "林欣怡". A name in capitals is written in title case
    ("AARON HALE" → "Aaron"); otherwise the case is kept ("kate🌸" → "kate").
    None when nothing usable is left: a handle ("@someone"), a name with digits or
    dots inside a word ("dev.null", "c1"), one starting with an article ("The Async
    Engineer"), or more than 30 characters.
    """
    if display_name is None:
        return None
    # Display names are short (Mastodon 30, Bluesky 64): a longer one is not a name,
    # and the cut bounds the work done on a stranger's string.
    text = unicodedata.normalize("NFC", _ANSI.sub("", display_name[:_MAX_INPUT]))
    text = _INVISIBLE.sub("", text)
    text = _PRONOUNS.sub(" ", text)
    previous = None
    while previous != text:  # nested brackets: innermost first
        previous, text = text, _BRACKETED.sub(" ", text)
    text = _SYMBOLS.sub(" ", text).strip()
    text = _TAGLINE.split(text, maxsplit=1)[0].strip()
    if not text:
        return None
    if "," in text:
        before, _, after = text.partition(",")
        before_words, after_words = _words(before), _words(after)
        inverted = (
            len(before.split()) == 1
            and 1 <= len(after_words) <= 2
            and all(word[0].isupper() for word in after_words)
            and not any(_bare(word) in _SUFFIXES for word in after_words)
        )
        words = after_words if inverted else before_words
    else:
        words = _words(text)
    if not words:
        return None
    first = words[0]
    if _CJK.search(first):
        # Family name first: the whole name is the polite, friendly form.
        cjk = []
        for word in words:
            if not _CJK.search(word):
                break
            cjk.append(word)
        first = " ".join(cjk)
    elif _bare(first) in _ARTICLES:
        return None
    if regex.search(r"[\p{N}_@]", first) or regex.search(r"\.\p{L}", first):
        return None  # "c1", "dev.null", "ticket.closer": a handle, not a name
    if len(regex.findall(r"\X", first)) > _MAX_FIRST_NAME:
        return None
    cased = "".join(_CASED.findall(" ".join(words)))
    first = _MARK_RUN.sub(r"\1", first)  # "zalgo": the name goes out in a public reply
    if len(first) > 2 and cased and cased.isupper():
        first = first.title()  # "AARON HALE": shouting is not how to greet someone
    return unicodedata.normalize("NFKC", first)  # "Ｋａｔｅ" (full-width) → "Kate"


def _mentionable(channel: str | None, handle: str | None) -> str | None:
    """A handle as you would write it to mention its owner on `channel`."""
    if handle is None or not handle.strip():
        return None
    handle = handle.strip()
    net = networks.find(channel)
    return handle if net is None else net.mention_form(handle)


def values_for(
    *,
    author_name: str | None,
    author_handle: str | None,
    customer_name: str | None,
    customer_company: str | None,
    customer_tier: str | None,
    agent: str | None,
    mention_url: str | None,
    channel: str | None,
) -> dict[str, str | None]:
    """The values of every variable in VARIABLES for one reply (None: not known)."""
    return {
        "author.name": author_name,
        # A profile with no usable name, from a known customer: greet them by theirs.
        "author.first_name": first_name(author_name) or first_name(customer_name),
        "author.handle": _mentionable(channel, author_handle),
        "customer.name": customer_name,
        "customer.first_name": first_name(customer_name),
        "customer.company": customer_company,
        "customer.tier": customer_tier,
        "agent": agent,
        "mention.url": mention_url,
        "channel": NETWORK_NAMES.get(channel, channel) if channel else None,
    }


# --- ranking ---------------------------------------------------------------------------

_MIN_SCORE = 60  # below this a template is not shown at all for the query


def _initials(words: list[str]) -> str:
    return "".join(word[0] for word in words if word)


def _score(query: str, template: Template) -> float:
    name = template.name.casefold()
    words = regex.findall(r"[\p{L}\p{N}]+", name)
    score = fuzz.WRatio(query, name)
    compact = query.replace(" ", "")
    # Typing the start of a word is the strongest signal; the first word more so.
    for position, word in enumerate(words):
        if word.startswith(query):
            score += 25 if position == 0 else 15
            break
    else:
        # "thx" for "Thanks": a shared start of the first word counts for something.
        if words:
            shared = 0
            for a, b in zip(compact, words[0], strict=False):
                if a != b:
                    break
                shared += 1
            if shared >= 2:
                score += 20 * shared / len(compact)
    if len(compact) >= 2 and _initials(words).startswith(compact):
        score += 20  # "frn" for "Feature request noted"
    # The text only breaks ties, or rescues a clear match in the body.
    body = fuzz.partial_ratio(query, template.text.casefold()) if len(query) >= 3 else 0.0
    return max(score, body * 0.7) + body * 0.05


def rank(templates: Iterable[Template], query: str, channel: str | None) -> list[Template]:
    """Templates for the picker: offered on `channel`, best match for `query` first.

    An empty query lists them all in file order; otherwise poor matches are left out
    and equal scores keep file order.
    """
    offered = [template for template in templates if template.offered_on(channel)]
    needle = " ".join(query.casefold().split())
    if not needle:
        return offered
    scored = [(_score(needle, template), index) for index, template in enumerate(offered)]
    scored = [(score, index) for score, index in scored if score >= _MIN_SCORE]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [offered[index] for _, index in scored]
