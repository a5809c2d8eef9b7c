"""The inbox filter language typed after `/`, also used by views, rules and exports.

Terms next to each other must all hold; `OR` (upper case, as in Gmail) between two
terms wants either, and binds tighter than the space: `kestrel sync OR outage` is
kestrel and (sync or outage). Parentheses group, and a leading `-` turns any term or
group around: `-(sync OR outage)`.

Free words match the mention text (full-text, prefix, diacritics ignored);
`"quoted phrases"` match exactly; `#kestrel` only posts carrying that hashtag;
symbols without letters (an emoji, `!!!`) match as typed. `key:value` narrows by
what is known of the mention and its author (see core/query_values.py for each key).
A `word:` that is not a key is a mistake to explain, never text to search; URLs
(`https://…`) and times (`10:30`) are text, since what comes before their `:` is not
a plain word.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrm_tui.core.query_terms import And, Node, Or

# The syntax tree's classes (core/query_terms), the keys' values (core/query_values)
# and the parser (core/query_parse) load when a filter is first read or met, not
# with this module: the inbox starts on an empty Query and needs none of them.


class QueryError(ValueError):
    """The filter cannot be understood. The message is for people; `position` and
    `length` (0-based, in what was typed) say which part is wrong."""

    def __init__(self, message: str, position: int = 0, length: int = 1):
        super().__init__(message)
        self.position = position
        self.length = max(length, 1)


__all__ = [
    "Query",
    "QueryError",
    "both",
    "fts_expression",
    "parse",
]


@dataclass(frozen=True)
class Query:
    """A parsed filter: its syntax tree (None matches everything) and what was typed."""

    root: Node | None = None
    source: str = ""

    @property
    def is_empty(self) -> bool:
        return self.root is None

    @property
    def shows_snoozed(self) -> bool:
        """The filter names is:snoozed (or is:any), so snoozed mentions are not left out."""
        if self.root is None:
            return False
        from scrm_tui.core.query_terms import Anything, Snoozed

        return any(isinstance(node, (Snoozed, Anything)) for node in walk(self.root))

    def conjuncts(self) -> tuple[Node, ...]:
        """The terms that must all hold (the top level of the filter)."""
        if self.root is None:
            return ()
        from scrm_tui.core.query_terms import And

        return self.root.parts if isinstance(self.root, And) else (self.root,)

    def fts_match(self) -> str | None:
        """An FTS5 MATCH expression for the terms that must hold and that full-text
        search alone can answer, or None.

        Every term is a quoted FTS5 string, so user input can never be read as FTS
        syntax (AND, NEAR, column filters, unbalanced quotes).
        """
        parts = [e for part in self.conjuncts() if (e := fts_expression(part)) is not None]
        return " AND ".join(parts) if parts else None

    def fts_excluded(self) -> str | None:
        """An FTS5 expression matching the texts a top-level `-` leaves out, or None."""
        if self.root is None:
            return None
        from scrm_tui.core.query_terms import Not

        parts = [
            e
            for part in self.conjuncts()
            if isinstance(part, Not) and (e := fts_expression(part.part)) is not None
        ]
        return " OR ".join(parts) if parts else None


def walk(node: Node | None) -> Iterator[Node]:
    """Every node of a tree, parents first."""
    if node is None:
        return
    from scrm_tui.core.query_terms import And, Not, Or

    yield node
    if isinstance(node, (And, Or)):
        for part in node.parts:
            yield from walk(part)
    elif isinstance(node, Not):
        yield from walk(node.part)


def both(first: Query, second: Query) -> Query:
    """Mentions matching both filters (a list's filter and a search within it)."""
    if first.root is None or second.root is None:
        return first if second.root is None else second
    from scrm_tui.core.query_terms import And

    return Query(join_terms(And, [first.root, second.root]), f"({first.source}) ({second.source})")


# ---------------------------------------------------------------- full-text


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_expression(node: Node) -> str | None:
    """The FTS5 expression for `node` if full-text search alone can answer it (words
    and phrases under AND, OR and a `-` beside a kept term), else None. Compound
    expressions come in parentheses, so they can be put together as they are."""
    from scrm_tui.core.query_terms import And, Not, Or, Phrase, Word

    if isinstance(node, Word):
        return _fts_string(node.text) + "*"
    if isinstance(node, Phrase):
        return _fts_string(node.text)
    if isinstance(node, Or):
        parts = [fts_expression(part) for part in node.parts]
        if any(part is None for part in parts):
            return None
        return "(" + " OR ".join(parts) + ")"  # type: ignore[arg-type]
    if isinstance(node, And):
        kept, left_out = [], []
        for part in node.parts:
            if isinstance(part, Not):
                left_out.append(fts_expression(part.part))
            else:
                kept.append(fts_expression(part))
        if not kept or None in kept or None in left_out:
            return None
        expression = "(" + " AND ".join(kept) + ")"  # type: ignore[arg-type]
        if left_out:
            expression = f"({expression} NOT ({' OR '.join(left_out)}))"  # type: ignore[arg-type]
        return expression
    return None


def join_terms(kind: type[And] | type[Or], parts: list[Node]) -> Node | None:
    """AND or OR of `parts`, flattening nested ones of the same kind."""
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, kind) else (part,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def parse(source: str) -> Query:
    """Parse what the user typed. Raises QueryError with a message for people and
    the position of the part that is wrong."""
    from scrm_tui.core.query_parse import parse_root

    return Query(parse_root(source), source.strip())
