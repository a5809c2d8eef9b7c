"""The one way a secret is hidden in text scrm shows or stores (an error, a repr)."""

from __future__ import annotations

from collections.abc import Iterable

MARK = "«secret»"
# Shorter values are too likely to be ordinary words ("on", "api") to hide everywhere.
MIN_LENGTH = 4


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret in `secrets` replaced by MARK, the longest first (so a
    token that contains another is hidden whole)."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_LENGTH}, key=len, reverse=True):
        text = text.replace(secret, MARK)
    return text
