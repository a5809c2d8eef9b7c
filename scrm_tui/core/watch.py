"""Watch terms: what counts as a mention of the brand, and which term a text matched.

    kestrel OR "kestrel app" OR #kestrel OR @kestrelapp -"kestrel falcon" NOT birdwatching

Words and "quoted phrases" match whole words, ignoring case and accents; `#tag`
matches the hashtag only; `@handle` matches a mention of that account on any
network (`@kestrelapp`, `@kestrelapp@mastodon.social`, `@kestrelapp.bsky.social`).
Terms side by side (or joined by AND) must all be there; OR offers alternatives;
NOT or a leading `-` excludes; parentheses group. As in web search, OR binds
tighter than AND: `kestrel sync OR offline -android` is kestrel, and sync or
offline, and not android.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property


class WatchError(ValueError):
    """The expression cannot be read; the message says where."""


@dataclass(frozen=True)
class Term:
    kind: str  # "word" (a word or phrase), "tag" or "handle"
    text: str  # as written, without quotes

    def __str__(self) -> str:
        if self.kind == "tag":
            return f"#{self.text}"
        if self.kind == "handle":
            return f"@{self.text}"
        return f'"{self.text}"' if " " in self.text else self.text

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in fold(self.text).split()]
        if self.kind == "tag":
            return re.compile(rf"(?<![\w#])#{words[0]}(?!\w)")
        if self.kind == "handle":
            # @name, @name@instance, @name.bsky.social: the name must end where the
            # handle's own punctuation (or nothing) follows.
            return re.compile(rf"(?<![\w@])@{words[0]}(?![\w-])")
        return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)")


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[Node, ...]


Node = Term | Not | All | Any_


def fold(text: str) -> str:
    """Lower case without accents, for matching ("Café" and "cafe" are one word)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)"|(?P<bare>[^\s()"]+)|(?P<bad>"))')


def _tokens(source: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) where kind is "(", ")", "and", "or", "not", "-", "term"."""
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            break
        column = match.start() + len(match.group(0)) - len(match.group(0).lstrip()) + 1
        position = match.end()
        if match.group("bad"):
            raise WatchError(f"column {column}: a quote is not closed")
        if match.group("paren"):
            tokens.append((match.group("paren"), match.group("paren"), column))
        elif match.group("phrase") is not None:
            phrase = " ".join(match.group("phrase").split())
            if not phrase:
                raise WatchError(f"column {column}: empty quotes")
            tokens.append(("term", '"' + phrase, column))
        else:
            bare = match.group("bare")
            if bare in ("AND", "OR", "NOT"):
                tokens.append((bare.lower(), bare, column))
            elif bare == "-":  # before a quoted phrase: -"kestrel falcon"
                tokens.append(("-", "-", column))
            elif bare.startswith("-"):
                tokens.append(("-", "-", column))
                tokens.append(("term", bare[1:], column + 1))
            else:
                tokens.append(("term", bare, column))
    return tokens


def _term(text: str, column: int) -> Term:
    if text.startswith('"'):
        return Term("word", text[1:])
    for mark, kind in (("#", "tag"), ("@", "handle")):
        if text.startswith(mark):
            name = text[1:]
            # A handle may carry its instance or domain: @kestrel@mastodon.social.
            name = name.split("@", 1)[0] if kind == "handle" else name
            if not name or not re.fullmatch(r"[\w.-]+", name):
                raise WatchError(f"column {column}: {text!r} is not a {kind}")
            return Term(kind, name)
    if not re.search(r"\w", text):
        raise WatchError(f"column {column}: {text!r} has no letters or digits")
    return Term("word", text)


class _Parser:
    def __init__(self, source: str):
        self.tokens = _tokens(source)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def all_(self) -> Node:
        parts = [self.any_()]
        while self.peek() in ("and", "not", "-", "(", "term"):
            if self.peek() == "and":
                self.take()
            parts.append(self.any_())
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def any_(self) -> Node:
        parts = [self.unary()]
        while self.peek() == "or":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else Any_(tuple(parts))

    def unary(self) -> Node:
        kind = self.peek()
        if kind is None:
            raise WatchError("the expression ends where a term was expected")
        if kind in ("not", "-"):
            self.take()
            return Not(self.unary())
        _, text, column = self.take()
        if kind == "(":
            inner = self.all_()
            if self.peek() != ")":
                raise WatchError(f"column {column}: this parenthesis is not closed")
            self.take()
            return inner
        if kind == "term":
            return _term(text, column)
        raise WatchError(f"column {column}: {text!r} where a term was expected")


def _positive(node: Node, negated: bool = False) -> list[Term]:
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return _positive(node.inner, not negated)
    return [t for part in node.parts for t in _positive(part, negated)]


@dataclass(frozen=True)
class Watch:
    """A parsed expression; `match(text)` names the term that made it a mention."""

    source: str
    root: Node

    @property
    def terms(self) -> list[Term]:
        """The terms to ask the networks for (NOT terms are only filtered out here)."""
        seen: dict[Term, None] = {}
        for term in _positive(self.root):
            seen.setdefault(term, None)
        return list(seen)

    def match(self, text: str) -> str | None:
        folded = fold(text)
        if not _holds(self.root, folded):
            return None
        for term in self.terms:
            if term.pattern.search(folded):
                return str(term)
        return None

    def holds(self, folded: str) -> bool:
        """Whether the expression holds for a text already `fold`ed (one fold for many
        watches: core/watch_sets.py)."""
        return _holds(self.root, folded)

    def rejects(self, text: str) -> bool:
        """For a network's search result: True when the text shows why it is not a
        mention (an excluded term, or a term without the partner AND asks for).

        A result in which no term is visible at all is kept: the network matched on
        something scrm does not see (a story's title, a stem, a link)."""
        folded = fold(text)
        if _holds(self.root, folded):
            return False
        return any(term.pattern.search(folded) for term in _all_terms(self.root))


def _all_terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return _all_terms(node.inner)
    return [t for part in node.parts for t in _all_terms(part)]


def _holds(node: Node, folded: str) -> bool:
    if isinstance(node, Term):
        return node.pattern.search(folded) is not None
    if isinstance(node, Not):
        return not _holds(node.inner, folded)
    if isinstance(node, All):
        return all(_holds(part, folded) for part in node.parts)
    return any(_holds(part, folded) for part in node.parts)


def parse_watch(source: str) -> Watch:
    parser = _Parser(source)
    if not parser.tokens:
        raise WatchError("no watch terms: give at least one word, phrase, #tag or @handle")
    root = parser.all_()
    if parser.peek() is not None:
        _, text, column = parser.take()
        raise WatchError(f"column {column}: unexpected {text!r}")
    watch = Watch(source, root)
    if not watch.terms:
        raise WatchError("only exclusions: say what to watch for, not just what to leave out")
    return watch
