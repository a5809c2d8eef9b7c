"""The inbox filter language typed after `/`.

Free words match the mention text (full-text, prefix, diacritics ignored);
`"quoted phrases"` match exactly. Keys narrow the list:

    is:open  is:done  is:unread  is:read
    channel:mastodon,bsky        (short names: mast, bsky, hn, reddit, gh, rss)
    sentiment:neg                (pos, neu, neg; also is:negative...)
    from:kate                    (author handle or name contains)

A leading `-` turns any term or key around: `-android`, `-"sync is broken"`,
`-ch:hn`, `-s:neg`, `-from:kate`, `-is:done`. A `key:value` whose key is not one of
these is searched as text, so URLs and times ("10:30") still work as words.
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
    excluded: tuple[str, ...] = ()  # words and phrases to leave out
    literals: tuple[str, ...] = ()  # no letters or digits (emoji, "!!!"): substring match
    status: Status | None = None
    unread: bool | None = None
    channels: frozenset[Channel] = field(default_factory=frozenset)
    sentiments: frozenset[SentimentLabel] = field(default_factory=frozenset)
    authors: tuple[str, ...] = ()
    # What a leading `-` leaves out. Each narrows on its own: `ch:bsky -ch:hn` is bsky.
    not_literals: tuple[str, ...] = ()
    not_channels: frozenset[Channel] = field(default_factory=frozenset)
    not_sentiments: frozenset[SentimentLabel] = field(default_factory=frozenset)
    not_authors: tuple[str, ...] = ()
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


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False  # `"..."`: a phrase, never a key
    negated: bool = False  # `-"..."`; an unquoted token keeps its `-` in `text`


def tokenize(source: str) -> list[Token]:
    """Split on whitespace; `"..."` is one token, and `-"..."` one negated token.

    Only double quotes group, so apostrophes in words ("don't") are plain text. A
    quote left open while typing runs to the end instead of being an error.
    """
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
        elif char == '"' or (char == "-" and source.startswith('"', i + 1)):
            negated = char == "-"
            start = i + 1 + negated
            close = source.find('"', start)
            stop = n if close < 0 else close
            tokens.append(Token(source[start:stop], quoted=True, negated=negated))
            i = stop + 1
        else:
            j = i
            while j < n and not source[j].isspace() and source[j] != '"':
                j += 1
            tokens.append(Token(source[i:j]))
            i = j
    return tokens


def parse(source: str) -> Query:
    """Parse what the user typed. Raises QueryError with a message for people."""
    # Each list has a kept side [0] and a left-out side [1], picked by a leading `-`.
    texts: tuple[list[str], list[str]] = ([], [])  # words, phrases (kept) / excluded
    literals: tuple[list[str], list[str]] = ([], [])
    channels: tuple[set[Channel], set[Channel]] = (set(), set())
    sentiments: tuple[set[SentimentLabel], set[SentimentLabel]] = (set(), set())
    authors: tuple[list[str], list[str]] = ([], [])
    words: list[str] = []
    status: Status | None = None
    unread: bool | None = None

    for token in tokenize(source):
        if token.quoted:
            phrase = token.text.strip()
            if phrase:
                side = texts if _has_word_chars(phrase) else literals
                side[token.negated].append(phrase)
            continue
        negated = token.text.startswith("-") and len(token.text) > 1
        body = token.text[1:] if negated else token.text
        key, sep, value = body.partition(":")
        key = key.lower()
        if sep and key in KEYS and value:
            value = value.lower()
            if key == "is":
                status, unread = _apply_is(value, negated, status, unread, sentiments[negated])
            elif key in ("channel", "ch"):
                channels[negated].update(_channel(name) for name in value.split(","))
            elif key in ("sentiment", "s"):
                sentiments[negated].update(_sentiment(name) for name in value.split(","))
            elif key == "from":
                authors[negated].append(value.lstrip("@"))
            continue
        if sep and key in KEYS and not value:
            raise QueryError(f"'{key}:' needs a value")
        if not _has_word_chars(body):
            literals[negated].append(body)
        elif negated:
            texts[True].append(body)
        else:
            words.append(body)

    return Query(
        words=tuple(words),
        phrases=tuple(texts[False]),
        excluded=tuple(texts[True]),
        literals=tuple(literals[False]),
        status=status,
        unread=unread,
        channels=frozenset(channels[False]),
        sentiments=frozenset(sentiments[False]),
        authors=tuple(authors[False]),
        not_literals=tuple(literals[True]),
        not_channels=frozenset(channels[True]),
        not_sentiments=frozenset(sentiments[True]),
        not_authors=tuple(authors[True]),
        source=source.strip(),
    )


def _channel(name: str) -> Channel:
    channel = CHANNEL_ALIASES.get(name)
    if channel is None:
        known = ", ".join(sorted({c.value for c in Channel}))
        raise QueryError(f"unknown channel '{name}' (try {known})")
    return channel


def _sentiment(name: str) -> SentimentLabel:
    label = SENTIMENT_ALIASES.get(name)
    if label is None:
        raise QueryError(f"unknown sentiment '{name}' (pos, neu or neg)")
    return label


def _apply_is(
    value: str,
    negated: bool,
    status: Status | None,
    unread: bool | None,
    sentiments: set[SentimentLabel],
) -> tuple[Status | None, bool | None]:
    """`is:` sets a state, or (is:negative...) adds to the sentiments on its side."""
    if value in ("open", "done"):
        wanted = Status(value)
        if negated:
            wanted = Status.DONE if wanted is Status.OPEN else Status.OPEN
        return wanted, unread
    if value in ("unread", "new", "read"):
        want_unread = value != "read"
        return status, (not want_unread) if negated else want_unread
    if value in SENTIMENT_ALIASES:
        sentiments.add(SENTIMENT_ALIASES[value])
        return status, unread
    raise QueryError(f"unknown 'is:{value}' (try is:open, is:done, is:unread, is:read)")
