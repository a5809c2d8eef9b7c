"""The filter language's parser: what was typed after `/`, as a syntax tree.

Loaded by core.query.parse the first time a filter is read (the first `/`, a saved
view, a rule), not when the inbox starts: the tree's classes (core/query_terms) and
the keys' values (core/query_values) cost a start ~12 ms to define.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrm_tui.core import hashtags, sanitize
from scrm_tui.core.query import QueryError, join_terms
from scrm_tui.core.query_terms import (
    And,
    Hashtag,
    Literal,
    Node,
    Not,
    Or,
    Phrase,
    Word,
)
from scrm_tui.core.query_values import KEYS, Value, key_term

# What can be a key: a plain word of ASCII letters before the first `:`.
_KEY = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_KEY_NAMES = "is, ch, s, lang, from, tag, assignee, customer, tier, followers, prio, after, before"
_STOPS = frozenset('"()')


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "-", "OR" or "term"
    start: int
    end: int
    text: str = ""
    quoted: bool = False  # a `"phrase"`, never a key
    value: Value | None = None  # `key:"a quoted value"`


def _has_word_chars(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _tokens(source: str) -> list[_Token]:
    """Split what was typed into terms, parentheses, `-` and `OR`.

    Only double quotes group, so apostrophes in words ("don't") are plain text. A
    quote left open while typing runs to the end instead of being an error.
    """
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i, i + 1))
            i += 1
        elif char == "-" and i + 1 < n and not source[i + 1].isspace() and source[i + 1] != ")":
            tokens.append(_Token("-", i, i + 1))
            i += 1
        elif char == '"':
            text, stop = _quoted(source, i)
            tokens.append(_Token("term", i, stop, text, quoted=True))
            i = stop
        else:
            j = i
            while j < n and not source[j].isspace() and source[j] not in _STOPS:
                j += 1
            word = source[i:j]
            key = _KEY.fullmatch(word)
            if key and not key.group(2) and source.startswith('"', j):
                # `customer:"Acme AB"`: the quotes hold a value with spaces.
                value, stop = _quoted(source, j)
                found = Value(key.group(1).lower(), value, j + 1)
                tokens.append(_Token("term", i, stop, word + value, value=found))
                i = stop
                continue
            after_not = bool(tokens) and tokens[-1].kind == "-" and tokens[-1].end == i
            kind = "OR" if word == "OR" and not after_not else "term"
            tokens.append(_Token(kind, i, j, word))
            i = j
    return tokens


def _quoted(source: str, start: int) -> tuple[str, int]:
    """The text of the quotes opening at `start`, and where reading goes on (after
    the closing quote, or at the end if none closes them yet)."""
    close = source.find('"', start + 1)
    if close < 0:
        return source[start + 1 :], len(source)
    return source[start + 1 : close], close + 1


class _Parser:
    """Recursive descent over the tokens:

    filter  := all
    all     := either*              (terms side by side: all must hold)
    either  := unary ("OR" unary)*
    unary   := "-" unary | "(" all ")" | term
    """

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def filter(self) -> Node | None:
        node = self.all()
        extra = self.peek()
        if extra is not None:  # only a `)` stops `all` at the top
            raise QueryError("unbalanced ')': no '(' before it", extra.start)
        return node

    def all(self) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "OR":
                raise QueryError("OR needs a term before it", token.start, 2)
            node = self.either()
            if node is not None:
                parts.append(node)
        return join_terms(And, parts)

    def either(self) -> Node | None:
        operands = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            after = self.peek()
            if after is None or after.kind in (")", "OR"):
                raise QueryError("OR needs a term after it", token.start, 2)
            operands.append(self.unary())
        if len(operands) == 1:
            return operands[0]
        if any(operand is None for operand in operands):
            return None  # an empty phrase matches everything, and so does "it OR x"
        return join_terms(Or, [operand for operand in operands if operand is not None])

    def unary(self) -> Node | None:
        token = self.take()
        if token.kind == "-":
            part = self.unary()
            if part is None:
                return None
            return part.part if isinstance(part, Not) else Not(part)
        if token.kind == "(":
            inside = self.all()
            close = self.peek()
            if close is None:
                raise QueryError("unbalanced '(': no ')' closes it", token.start)
            self.take()
            if inside is None and close.start == token.end:
                raise QueryError("empty parentheses", token.start, 2)
            return inside
        return _term(token)


def _term(token: _Token) -> Node | None:
    if token.value is not None:
        return _key(token.value, token)
    text = token.text
    if token.quoted:
        phrase = text.strip()
        if not phrase:
            return None
        return Phrase(phrase) if _has_word_chars(phrase) else Literal(phrase)
    key = _KEY.fullmatch(text)
    if key and not key.group(2).startswith("//"):  # `https://…` is text
        name = key.group(1).lower()
        return _key(Value(name, key.group(2), token.start + len(name) + 1), token)
    if text.startswith("#") and len(text) > 1:
        body = text[1:]
        if hashtags.is_hashtag(body):
            return Hashtag(hashtags.normal(body))
        if _has_word_chars(body):
            shown = sanitize.for_message(text, 40)
            raise QueryError(
                f"'{shown}' is not a hashtag (letters, digits and _, with a letter); "
                "quote it to search the text",
                token.start,
                len(text),
            )
    return Word(text) if _has_word_chars(text) else Literal(text)


def _key(value: Value, token: _Token) -> Node:
    if value.key not in KEYS:
        shown = sanitize.for_message(value.key, 30)
        raise QueryError(
            f"unknown key '{shown}:' (keys: {_KEY_NAMES}); quote it to search the text",
            token.start,
            len(value.key) + 1,
        )
    if not value.text.strip():
        raise QueryError(f"'{value.key}:' needs a value", token.start, len(value.key) + 1)
    return key_term(value)


def parse_root(source: str) -> Node | None:
    """The syntax tree of what was typed (see core.query.parse)."""
    return _Parser(_tokens(source)).filter()
