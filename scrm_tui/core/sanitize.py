"""Make text from strangers inert before it is shown on a terminal.

Stored text stays exactly as received; these functions run at display time.  They
never interpret markup (callers must still hand the result to Textual as plain
text, never as markup) and they guarantee that no byte reaching the terminal can
start an escape sequence, reorder the line, or hide characters:

- C0 controls (ESC, BEL, NUL, a bare CR...) become visible Control Pictures
  (``␛``, ``␇``, ``␀``, ``␍``), so ``\\x1b[2J`` shows as the harmless text ``␛[2J``.
- C1 controls (U+0080-U+009F, which some terminals obey as CSI/OSC) and bidi
  overrides/isolates (Trojan-Source style reordering) become ``�``.
- Invisible format characters (zero-width spaces and joiners, bidi marks, BOM,
  tag characters, emoji variation selectors) are dropped from prose, because
  terminals disagree about their width; in handles they are revealed as ``�``
  so an impersonation like ``kestrel\\u200bapp`` is visible.
- Runs of combining marks are capped, so "zalgo" text cannot smear over lines.

A URL from a stranger becomes a hyperlink (OSC 8) or a clipboard entry only through
`link`, which lets nothing but a plain http(s) address through.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit

REPLACEMENT = "\ufffd"
MAX_COMBINING = 3
TAB = "    "

_BIDI_OVERRIDES = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
_BIDI_MARKS = [0x200E, 0x200F, 0x061C]
_ZERO_WIDTH = [0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E]
_INVISIBLE_FORMAT = [
    0x00AD,
    0x034F,
    0xFE0E,
    0xFE0F,
    0xFFF9,
    0xFFFA,
    0xFFFB,
    *range(0xE0000, 0xE0080),
]
_LINE_BREAKS = [0x2028, 0x2029]


def _table(*, reveal_invisible: bool, newline: str) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # U+2400.. "Control Pictures": ␀ ␁ ... ␛ ...
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = REPLACEMENT
    for code in _BIDI_OVERRIDES:
        table[code] = REPLACEMENT
    hidden = REPLACEMENT if reveal_invisible else None
    for code in (*_ZERO_WIDTH, *_BIDI_MARKS):
        table[code] = hidden
    for code in _INVISIBLE_FORMAT:
        table[code] = None
    table[ord("\t")] = TAB if newline == "\n" else " "
    table[ord("\n")] = newline
    for code in _LINE_BREAKS:
        table[code] = newline
    return table


_BLOCK = _table(reveal_invisible=False, newline="\n")
_INLINE = _table(reveal_invisible=False, newline=" ")
_HANDLE = _table(reveal_invisible=True, newline=" ")


def _cap_combining(text: str) -> str:
    """Keep at most MAX_COMBINING combining marks after each base character."""
    out: list[str] = []
    run = 0
    for char in text:
        if unicodedata.combining(char):
            run += 1
            if run > MAX_COMBINING:
                continue
        else:
            run = 0
        out.append(char)
    return "".join(out)


def _finish(text: str) -> str:
    # Combining marks all sit at U+0300 and above: skip the per-character pass for
    # the common case of plain ASCII/Latin-1 text.
    if text and max(text) >= "\u0300":
        text = _cap_combining(text)
    return text


def block(text: str) -> str:
    """Multi-line text for a detail view: newlines kept, CRLF and bare CR handled."""
    text = text.replace("\r\n", "\n")
    return _finish(text.translate(_BLOCK))


def inline(text: str) -> str:
    """Single-line text: every line break and tab becomes a space."""
    return _finish(text.replace("\r\n", " ").translate(_INLINE))


def one_line(value: object) -> str:
    """A name, a note or a value for one line of a row: `inline`, then every run of
    whitespace (tabs, line breaks, spaces) squeezed to one space, and no space at
    either end. None is empty; any other value is its str()."""
    return " ".join(inline("" if value is None else str(value)).split())


def handle(text: str) -> str:
    """A handle or account name: single line, with hidden characters revealed."""
    return _finish(text.replace("\r\n", " ").translate(_HANDLE))


def _editable_table(*, multiline: bool) -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"  # ␡
    for code in (*range(0x80, 0xA0), *_BIDI_OVERRIDES):
        table[code] = REPLACEMENT
    if multiline:
        del table[ord("\n")], table[ord("\t")]
        table.update({code: "\n" for code in _LINE_BREAKS})
    else:
        table.update({ord(c): " " for c in "\t\n\r\u2028\u2029"})
    return table


_EDIT_BLOCK = _editable_table(multiline=True)
_EDIT_LINE = _editable_table(multiline=False)


def editable(text: str, *, multiline: bool) -> str:
    """Text put into an editable field (an input, the composer), where it is also what
    gets sent: what a terminal would obey (controls, C1, bidi overrides) becomes
    visible, one character for one so a cursor position stays valid, and nothing
    else changes (emoji joiners and accents are part of what someone wrote).
    `multiline` keeps newlines and tabs (CRLF becomes one newline); otherwise they
    become spaces."""
    if multiline:
        return text.replace("\r\n", "\n").translate(_EDIT_BLOCK)
    return text.translate(_EDIT_LINE)


def first_line(text: str, limit: int = 400) -> str:
    """The first non-blank line of a text, made safe, for one row of a list."""
    head = text[:limit].replace("\r\n", "\n")
    for line in head.splitlines():
        if line.strip():
            return one_line(line)
    return ""


def for_message(value: object, limit: int = 60) -> str:
    """A short, safe rendering of an untrusted value inside an error message."""
    text = value if isinstance(value, str) else repr(value)
    text = handle(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


LINK_MAX = 2048  # longer than any real post's address; terminals cap OSC 8 near here
_VISIBLE = ("L", "M", "N", "P", "S")  # letters, marks, numbers, punctuation, symbols


def link(url: str | None) -> str | None:
    """`url` made safe to hand to the terminal as a hyperlink target (OSC 8) or to put
    on the clipboard; None when it cannot be: show it as text only.

    The target goes into an escape sequence verbatim, and a copied URL may be pasted
    into a shell. So: http or https with an ASCII host; no space, control character,
    escape, C1 code or invisible format character anywhere; not absurdly long. Letters
    of other scripts in the path (a feed's `/wiki/Café`) are percent-encoded, as a
    browser does; the link text stays as written."""
    if not url or len(url) > LINK_MAX:
        return None
    if not url.isascii():
        if not all(c.isascii() or unicodedata.category(c)[0] in _VISIBLE for c in url):
            return None
        url = "".join(c if c.isascii() else quote(c) for c in url)
    if not all("!" <= char <= "~" for char in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "%" in parts.netloc:
        return None
    return url
