"""The inbox filter language typed after `/`.

Free words match the mention text (full-text, prefix, diacritics ignored);
`"quoted phrases"` match exactly; `-word` excludes. Keys narrow the list:

    is:open  is:done  is:unread  is:read
    channel:mastodon,bsky        (short names: mast, bsky, hn, reddit, gh, rss)
    sentiment:neg                (pos, neu, neg; also is:negative...)
    from:kate                    (author handle or name starts with)

A `key:value` whose key is not one of these is searched as text, so URLs and
times ("10:30") still work as words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrm_tui.core.models import Channel, SentimentLabel, Status

CHANNEL_ALIASES: dict[str, Channel] = {
    **{c.value: c for c in Channel},
    "mast": Channel.MASTODON,
    "masto": Channel.MASTODON,
    "bsky": Channel.BLUESKY,
    "hn": Channel.HACKERNEWS,
    "rd": Channel.REDDIT,
    "gh": Channel.GITHUB,
    "twitter": Channel.X,
}

SENTIMENT_ALIASES: dict[str, SentimentLabel] = {
    "pos": SentimentLabel.POSITIVE,
    "positive": SentimentLabel.POSITIVE,
    "neu": SentimentLabel.NEUTRAL,
    "neutral": SentimentLabel.NEUTRAL,
    "neg": SentimentLabel.NEGATIVE,
    "negative": SentimentLabel.NEGATIVE,
}

KEYS = ("is", "channel", "ch", "sentiment", "s", "from")


class QueryError(ValueError):
    """The filter cannot be understood; the message is shown under the input."""


@dataclass(frozen=True)
class Query:
    """A parsed filter. The empty Query matches everything."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()  # no letters or digits (emoji, "!!!"): substring match
    status: Status | None = None
    unread: bool | None = None
    channels: frozenset[Channel] = field(default_factory=frozenset)
    sentiments: frozenset[SentimentLabel] = field(default_factory=frozenset)
    authors: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_empty(self) -> bool:
        return self == Query(source=self.source)

    def fts_match(self) -> str | None:
        """An FTS5 MATCH expression for the positive text terms, or None.

        Every term is a quoted FTS5 string, so user input can never be read as FTS
        syntax (AND, NEAR, column filters, unbalanced quotes).
        """
        parts = [f"{_fts_string(word)}*" for word in self.words]
        parts += [_fts_string(phrase) for phrase in self.phrases]
        return " AND ".join(parts) if parts else None

    def fts_excluded(self) -> str | None:
        """An FTS5 expression matching the texts to leave out, or None."""
        if not self.excluded:
            return None
        return " OR ".join(_fts_string(word) for word in self.excluded)


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _has_word_chars(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


def tokenize(source: str) -> list[tuple[str, bool]]:
    """Split on whitespace; `"..."` is one token (quoted=True).

    Only double quotes group, so apostrophes in words ("don't") are plain text. A
    quote left open while typing runs to the end instead of being an error.
    """
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
        elif char == '"':
            close = source.find('"', i + 1)
            stop = n if close < 0 else close
            tokens.append((source[i + 1 : stop], True))
            i = stop + 1
        else:
            j = i
            while j < n and not source[j].isspace() and source[j] != '"':
                j += 1
            tokens.append((source[i:j], False))
            i = j
    return tokens


def parse(source: str) -> Query:
    """Parse what the user typed. Raises QueryError with a message for people."""
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    literals: list[str] = []
    channels: set[Channel] = set()
    sentiments: set[SentimentLabel] = set()
    authors: list[str] = []
    status: Status | None = None
    unread: bool | None = None

    for token, quoted in tokenize(source):
        token = token.strip()
        if not token:
            continue
        if quoted:
            if _has_word_chars(token):
                phrases.append(token)
            else:
                literals.append(token)
            continue
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        key, sep, value = body.partition(":")
        key = key.lower()
        if sep and key in KEYS and value:
            value = value.lower()
            if key == "is":
                status, unread = _apply_is(value, negated, status, unread, sentiments)
            elif key in ("channel", "ch"):
                for name in value.split(","):
                    channel = CHANNEL_ALIASES.get(name)
                    if channel is None:
                        known = ", ".join(sorted({c.value for c in Channel}))
                        raise QueryError(f"unknown channel '{name}' (try {known})")
                    channels.add(channel)
            elif key in ("sentiment", "s"):
                for name in value.split(","):
                    label = SENTIMENT_ALIASES.get(name)
                    if label is None:
                        raise QueryError(f"unknown sentiment '{name}' (pos, neu or neg)")
                    sentiments.add(label)
            elif key == "from":
                authors.append(value.lstrip("@"))
            continue
        if sep and key in KEYS and not value:
            raise QueryError(f"'{key}:' needs a value")
        if negated:
            if _has_word_chars(body):
                excluded.append(body)
            continue
        if _has_word_chars(token):
            words.append(token)
        else:
            literals.append(token)

    return Query(
        words=tuple(words),
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        literals=tuple(literals),
        status=status,
        unread=unread,
        channels=frozenset(channels),
        sentiments=frozenset(sentiments),
        authors=tuple(authors),
        source=source.strip(),
    )


def _apply_is(
    value: str,
    negated: bool,
    status: Status | None,
    unread: bool | None,
    sentiments: set[SentimentLabel],
) -> tuple[Status | None, bool | None]:
    if value in ("open", "done"):
        wanted = Status(value)
        if negated:
            wanted = Status.DONE if wanted is Status.OPEN else Status.OPEN
        return wanted, unread
    if value in ("unread", "new", "read"):
        want_unread = value != "read"
        return status, (not want_unread) if negated else want_unread
    if value in SENTIMENT_ALIASES and not negated:
        sentiments.add(SENTIMENT_ALIASES[value])
        return status, unread
    raise QueryError(f"unknown 'is:{value}' (try is:open, is:done, is:unread, is:read)")
