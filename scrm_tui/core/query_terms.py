"""The filter language's syntax tree: what a parsed filter says, before any SQL.

Each node reads as a yes/no question about one mention; `str(node)` writes it back
in the language, fully parenthesised where OR and AND meet.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.core.models import SentimentLabel, Status


class Node:
    """A part of a filter."""


# ---------------------------------------------------------------- combinations


@dataclass(frozen=True, slots=True)
class And(Node):
    parts: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(_inside(part) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Or(Node):
    parts: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_inside(part) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Not(Node):
    part: Node

    def __str__(self) -> str:
        return f"-{_inside(self.part)}"


def _inside(node: Node) -> str:
    return f"({node})" if isinstance(node, (And, Or)) else str(node)


def _value(text: str) -> str:
    """A key's value as it must be typed: quoted if a space or a bracket is in it."""
    return f'"{text}"' if any(ch.isspace() or ch in '"()' for ch in text) else text


# ---------------------------------------------------------------- text


@dataclass(frozen=True, slots=True)
class Word(Node):
    """Full-text, as a prefix: `sync` finds "synced"; diacritics and case ignored."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Phrase(Node):
    """Full-text, these words in this order."""

    text: str

    def __str__(self) -> str:
        return f'"{self.text}"'


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """No letters or digits (an emoji, "!!!"): the text contains it as typed."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Hashtag(Node):
    """The post carries this hashtag (normalised), not merely the word."""

    tag: str

    def __str__(self) -> str:
        return f"#{self.tag}"


# ---------------------------------------------------------------- the mention's state


@dataclass(frozen=True, slots=True)
class StatusIs(Node):
    status: Status

    def __str__(self) -> str:
        return f"is:{self.status.value}"


@dataclass(frozen=True, slots=True)
class Unread(Node):
    """Not read by the agent looking (read state is each agent's own)."""

    def __str__(self) -> str:
        return "is:unread"


@dataclass(frozen=True, slots=True)
class InChannels(Node):
    channels: frozenset[str]

    def __str__(self) -> str:
        return "ch:" + ",".join(sorted(str(c) for c in self.channels))


@dataclass(frozen=True, slots=True)
class SentimentIs(Node):
    labels: frozenset[SentimentLabel]

    def __str__(self) -> str:
        return "s:" + ",".join(sorted(label.value for label in self.labels))


@dataclass(frozen=True, slots=True)
class Unscored(Node):
    """No scorer reads its language: it has no sentiment (shown `?`)."""

    def __str__(self) -> str:
        return "s:unscored"


@dataclass(frozen=True, slots=True)
class LanguageIs(Node):
    """Its language is one of these ISO 639-1 codes; None: unknown (or not yet known)."""

    codes: frozenset[str | None]

    def __str__(self) -> str:
        return "lang:" + ",".join(sorted(code or "unknown" for code in self.codes))


@dataclass(frozen=True, slots=True)
class Tagged(Node):
    """An agent put this tag on the mention (case ignored)."""

    tag: str

    def __str__(self) -> str:
        return f"tag:{_value(self.tag)}"


@dataclass(frozen=True, slots=True)
class AssignedTo(Node):
    """Assigned to this agent (case ignored)."""

    agent: str

    def __str__(self) -> str:
        return f"assignee:{_value(self.agent)}"


@dataclass(frozen=True, slots=True)
class Mine(Node):
    """Assigned to the agent looking."""

    def __str__(self) -> str:
        return "is:mine"


@dataclass(frozen=True, slots=True)
class Unassigned(Node):
    def __str__(self) -> str:
        return "is:unassigned"


@dataclass(frozen=True, slots=True)
class Claimed(Node):
    """Someone is answering or escalating it now (a claim whose holder still beats)."""

    def __str__(self) -> str:
        return "is:claimed"


@dataclass(frozen=True, slots=True)
class Answered(Node):
    """A reply to it has been sent (or recorded as made by hand)."""

    def __str__(self) -> str:
        return "is:answered"


@dataclass(frozen=True, slots=True)
class Responder(Node):
    """Its first answer was sent (or recorded) by this agent (case ignored): the
    mentions behind an agent's response times on the dashboard."""

    agent: str

    def __str__(self) -> str:
        return f"responder:{_value(self.agent)}"


@dataclass(frozen=True, slots=True)
class Escalated(Node):
    """It was escalated to a team (whatever became of the escalation since)."""

    def __str__(self) -> str:
        return "is:escalated"


@dataclass(frozen=True, slots=True)
class Anything(Node):
    """Every mention, the snoozed ones too: what a figure of the dashboard counts, so
    the filter it opens shows the same number."""

    def __str__(self) -> str:
        return "is:any"


@dataclass(frozen=True, slots=True)
class Question(Node):
    """It asks something: a question mark (? ？ ؟) not followed by a letter, a digit or
    what a link's query goes on with (`?q=` is not one)."""

    def __str__(self) -> str:
        return "is:question"


@dataclass(frozen=True, slots=True)
class InWatchSet(Node):
    """Collected for this watch set: a competitor's (`watch:harrier`, its name in any
    case) or the brand's own terms (`watch:brand`, the key None)."""

    key: str | None

    def __str__(self) -> str:
        return f"watch:{'brand' if self.key is None else _value(self.key)}"


@dataclass(frozen=True, slots=True)
class Snoozed(Node):
    """Snoozed until later than now. Naming it anywhere in a filter lets snoozed
    mentions into the list, which otherwise leaves them out."""

    def __str__(self) -> str:
        return "is:snoozed"


@dataclass(frozen=True, slots=True)
class Priority(Node):
    """The mention's 0-100 priority compared with a number; unscored ones never match."""

    op: str  # one of OPERATORS
    value: int

    def __str__(self) -> str:
        return f"prio:{self.op}{self.value}"


@dataclass(frozen=True, slots=True)
class Created(Node):
    """Posted at or after (`after:`) or before (`before:`) a moment: a fixed time, or a
    span back from the moment the filter runs (`7d`)."""

    after: bool
    at_ms: int | None = None
    ago_ms: int | None = None
    written: str = ""  # as typed, to write it back

    def moment_ms(self, now_ms: int) -> int:
        return self.at_ms if self.at_ms is not None else now_ms - (self.ago_ms or 0)

    def __str__(self) -> str:
        return f"{'after' if self.after else 'before'}:{self.written}"


# ---------------------------------------------------------------- the author


@dataclass(frozen=True, slots=True)
class From(Node):
    """The author's handle or name contains this (case ignored)."""

    text: str

    def __str__(self) -> str:
        return f"from:{_value(self.text)}"


@dataclass(frozen=True, slots=True)
class AuthorIs(Node):
    """By this one author (its number, as `scrm export authors` gives it): what a
    dashboard row about an author opens."""

    author_id: int

    def __str__(self) -> str:
        return f"author:{self.author_id}"


@dataclass(frozen=True, slots=True)
class IdIs(Node):
    """One of these mentions (their numbers): what a figure counting mentions no other
    key names (attributed revenue's answered mentions) opens."""

    ids: tuple[int, ...]

    def __str__(self) -> str:
        return f"id:{','.join(map(str, self.ids))}"


@dataclass(frozen=True, slots=True)
class Followers(Node):
    """The author's followers compared with a number; an unknown count never matches."""

    op: str
    value: int

    def __str__(self) -> str:
        return f"followers:{self.op}{self.value}"


@dataclass(frozen=True, slots=True)
class IsCustomer(Node):
    """The author is linked to a customer record."""

    def __str__(self) -> str:
        return "is:customer"


@dataclass(frozen=True, slots=True)
class CustomerNamed(Node):
    """The author's customer's name contains this (case ignored)."""

    text: str

    def __str__(self) -> str:
        return f"customer:{_value(self.text)}"


@dataclass(frozen=True, slots=True)
class TierIs(Node):
    """The author's customer is on this tier (case ignored)."""

    tier: str

    def __str__(self) -> str:
        return f"tier:{_value(self.tier)}"


OPERATORS = (">=", "<=", ">", "<", "=")
