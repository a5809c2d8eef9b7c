"""How long a reply is, counted the way each network counts it, for the composer's counter."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from scrm_tui.core import networks

# Each network's limit is in its record (channels/); this is what a link counts on
# Mastodon unless the instance says otherwise.
MASTODON_URL_LENGTH = 23  # every link counts as this many, whatever its length


_GRAPHEME = regex.compile(r"\X")

# Mastodon's rewrite before counting (app/validators/status_length_validator.rb), one pass
# so that a mention inside a link is part of the link, as Extractor's overlap removal does:
# - an http(s) URL not glued to a preceding letter, digit, @, $ or # (twitter-text's
#   valid_url_preceding_chars); trailing punctuation and an unbalanced ")" are not part of it;
# - Account::MENTION_RE: "@user" or "@user@domain", not after "=", "/" or a word character;
#   it counts as "@user".
_MASTODON_ENTITIES = regex.compile(
    r"""
    (?P<url>(?<![A-Za-z0-9@$#＠＃])https?://[^\s<>"'`]+)
    |
    (?<![=/\w])(?P<mention>@(?P<user>(?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*))(?:@\w+(?:[.-]+\w+)*)?)
    """,
    regex.VERBOSE,
)
_URL_TRAILING = ".,:;!?'\"*"


@dataclass(frozen=True)
class Measure:
    """A reply's length against its network's limit.

    `used` and `limit` are in `unit`; Bluesky also has a byte limit (`bytes_used`,
    `byte_limit`), None elsewhere. `limit` is None when the network has no limit we know.
    """

    used: int
    limit: int | None
    unit: str
    bytes_used: int | None = None
    byte_limit: int | None = None
    channel: str = ""  # for the refusal's wording
    url_length: int = MASTODON_URL_LENGTH  # Mastodon: what a link counts

    @property
    def over(self) -> bool:
        """True when the network would refuse the text (either limit exceeded)."""
        if self.limit is not None and self.used > self.limit:
            return True
        return (
            self.byte_limit is not None
            and self.bytes_used is not None
            and self.bytes_used > self.byte_limit
        )

    @property
    def remaining(self) -> int | None:
        """How many more `unit`s fit (negative when over); None without a limit.

        For Bluesky this is graphemes only: see `bytes_remaining` for the other limit.
        """
        return None if self.limit is None else self.limit - self.used

    @property
    def bytes_remaining(self) -> int | None:
        """Bluesky: how many more UTF-8 bytes fit (negative when over); None elsewhere."""
        if self.byte_limit is None or self.bytes_used is None:
            return None
        return self.byte_limit - self.bytes_used

    def _units(self, count: int) -> str:
        # "1 grapheme", "12 graphemes"
        return f"{count:,} {self.unit[:-1] if count == 1 else self.unit}"

    def _excess(self) -> int:
        return max(0, -(self.remaining or 0))

    def _excess_bytes(self) -> int:
        return max(0, -(self.bytes_remaining or 0))

    def describe(self) -> str:
        """The counter: "123/500", "287/300 graphemes · 2,950/3,000 bytes", "612/500 — 112 over"."""
        if self.limit is None:
            return f"{self.used:,}"
        text = f"{self.used:,}/{self.limit:,}"
        if self.byte_limit is None or self.bytes_used is None:
            if self.over:
                text += f" — {self._excess():,} over"
            return text
        text += f" {self.unit} · {self.bytes_used:,}/{self.byte_limit:,} bytes"
        # Two limits: say which one is exceeded, since the numbers are in different units.
        excess = []
        if self._excess():
            excess.append(self._units(self._excess()))
        if self._excess_bytes():
            excess.append(_bytes(self._excess_bytes()))
        if excess:
            text += f" — {', '.join(excess)} over"
        return text

    def refusal(self) -> str | None:
        """Why sending is refused, with how much to cut; None when the text fits."""
        if not self.over or self.limit is None:
            return None
        network = networks.LABELS.get(self.channel, self.channel or "this network")
        head = f"Too long for {network}: "
        if self.byte_limit is None or self.bytes_used is None:
            net = networks.find(self.channel)
            fixed = net is not None and net.links_count_fixed
            note = f" (URLs count as {self.url_length})" if fixed else ""
            return (
                f"{head}{self.used:,} of {self.limit:,} {self.unit}{note}. "
                f"Shorten it by {self._excess():,}."
            )
        excess, nbytes = self._excess(), self._excess_bytes()
        if excess and nbytes:
            return (
                f"{head}{self.used:,} of {self.limit:,} {self.unit} and "
                f"{self.bytes_used:,} of {self.byte_limit:,} bytes. "
                f"Shorten it by at least {self._units(excess)} and {_bytes(nbytes)}."
            )
        if excess:
            return (
                f"{head}{self.used:,} of {self.limit:,} {self.unit} (characters as you see "
                f"them: an emoji counts as one). Shorten it by {excess:,}."
            )
        return (
            f"{head}{self.bytes_used:,} of {self.byte_limit:,} bytes (UTF-8: emoji and "
            f"non-Latin scripts take several bytes each). Shorten it by {_bytes(nbytes)}."
        )


def _bytes(count: int) -> str:
    return f"{count:,} byte" if count == 1 else f"{count:,} bytes"


def graphemes(text: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters)."""
    if text.isascii():
        # Only CR LF joins two ASCII characters into one cluster.
        return len(text) - text.count("\r\n")
    return sum(1 for _ in _GRAPHEME.finditer(text))


def url_end(url: str) -> str:
    """The URL without trailing punctuation that belongs to the sentence."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING:
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]  # "(see https://x.example/a)": the ")" closes the sentence's "("
        else:
            break
    return url


def mastodon_countable(text: str, url_length: int = MASTODON_URL_LENGTH) -> str:
    """The text Mastodon counts: links as `url_length` x's, "@user@domain" as "@user"."""

    def rewrite(match: regex.Match[str]) -> str:
        url: str | None = match.group("url")
        if url is not None:
            kept = url_end(url)
            if "://" not in kept or kept.endswith("://"):
                return url  # a bare "https://" is no link
            return "x" * url_length + url[len(kept) :]
        user: str = match.group("user")
        return "@" + user

    countable: str = _MASTODON_ENTITIES.sub(rewrite, text)
    return countable


def measure(
    channel: str,
    text: str,
    *,
    char_limit: int | None = None,
    url_length: int = MASTODON_URL_LENGTH,
) -> Measure:
    """Count `text` as `channel` does and compare it with the network's limit.

    `char_limit` replaces the network's default limit (in its own unit): a Mastodon
    instance's max_characters, typically. It sets a limit for networks that have none.
    `url_length` is what a link counts on Mastodon (the instance's
    characters_reserved_per_url).
    """
    net = networks.find(channel)
    if net is None:  # a manual post made elsewhere: counted, never limited
        return Measure(
            used=len(text),
            limit=char_limit,
            unit="characters",
            channel=channel,
            url_length=url_length,
        )
    return Measure(
        channel=channel,
        used=net.count(text, url_length),
        limit=net.text_limit if char_limit is None else char_limit,
        unit=net.limit_unit,
        bytes_used=None if net.byte_limit is None else len(text.encode("utf-8", "surrogatepass")),
        byte_limit=net.byte_limit,
        url_length=url_length,
    )
