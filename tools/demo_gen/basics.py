"""The demo's fixed clock, events and channels, and small text helpers every part uses."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20261120
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "scrm_tui" / "fixtures"

PRODUCT = "Kestrel"
REFERENCE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW_START = REFERENCE_TIME - timedelta(days=14)
BRAND_HANDLES = {
    "mastodon": "kestrel@fosstodon.org",
    "bluesky": "kestrel.app",
    "reddit": "kestrelapp",
    "github": "kestrel-hq",
    "hackernews": None,
    "rss": None,
}

# The story of the fortnight.  "Day N" counts calendar days with 6 Nov as day 1;
# each event sits in the afternoon (UTC) so it also falls in the N-th 24-hour slice
# after WINDOW_START, whichever way the demo chooses to count.
RELEASE_AT = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)  # day 5, Tue: 4.2 ships
V421_AT = datetime(2026, 11, 12, 17, 0, tzinfo=UTC)  # bug-fix release
PRICE_AT = datetime(2026, 11, 14, 13, 0, tzinfo=UTC)  # day 9, Sat: price e-mail
OUTAGE_START = datetime(2026, 11, 16, 12, 52, tzinfo=UTC)  # day 11, Mon: EU sync
OUTAGE_END = datetime(2026, 11, 16, 16, 58, tzinfo=UTC)
V422_AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # client reconnect fix

EVENTS = [
    {"day": 5, "at": RELEASE_AT, "what": "Kestrel 4.2 released (new timeline view)"},
    {
        "day": 9,
        "at": PRICE_AT,
        "what": "Price increase announced (Pro $8->$10, Team $14->$18/seat)",
    },
    {
        "day": 11,
        "at": OUTAGE_START,
        "until": OUTAGE_END,
        "what": "EU sync outage: clients stuck on 'Connecting...', 502 errors",
    },
]

CHANNELS = ["mastodon", "bluesky", "reddit", "hackernews", "github", "rss"]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def L(block: str) -> list[str]:
    """One text per non-blank line; a literal backslash-n inside a line is a line break."""
    return [ln.strip().replace("\\n", "\n") for ln in block.strip().splitlines() if ln.strip()]


def B(block: str) -> list[str]:
    """Multi-line texts separated by a line holding only %%."""
    return [e.strip("\n") for e in block.strip("\n").split("\n%%\n") if e.strip()]


# Romanisation for e-mail addresses and handles; NFKD handles most Latin letters,
# this map covers the ones that do not decompose.
_TRANSLIT = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "Ae",
    "ß": "ss",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "œ": "oe",
}


def ascii_fold(s: str) -> str:
    s = "".join(_TRANSLIT.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ord(ch) < 128)


def slugify(s: str, sep: str = "") -> str:
    s = ascii_fold(s).lower()
    return re.sub(r"[^a-z0-9]+", sep, s).strip(sep)
