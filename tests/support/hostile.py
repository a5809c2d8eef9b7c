"""Strings a stranger can post, each of which has broken a terminal app somewhere."""

from __future__ import annotations

ESC = "\x1b"

MARKUP = {
    "rich bold": "[b]bold claim[/b] about Kestrel",
    "unbalanced close": "refund me [/x] now",
    "click action": "[@click=app.quit]click for refund[/]",
    "link markup": "[link=https://evil.example]prize[/link] inside",
    "square word": "[URGENT] sync is down",
    "style markup": "[red on white]alarm[/] and [reverse]flip[/reverse]",
}

ESCAPES = {
    "csi colour": f"{ESC}[31mred text{ESC}[0m after",
    "clear screen": f"before{ESC}[2J{ESC}[Hafter",
    "cursor move": f"a{ESC}[10;10Hb{ESC}[5Ac",
    "osc 8 hyperlink": f"{ESC}]8;;https://evil.example{ESC}\\click here{ESC}]8;;{ESC}\\",
    "osc 52 clipboard": f"copy{ESC}]52;c;ZWNobyBwd25lZA=={chr(7)}done",
    "osc 0 title": f"{ESC}]0;pwned{chr(7)}title change",
}

CONTROLS = {
    "nul": "nul\x00byte",
    "bell": "ding\x07ding",
    "backspace": "safe\x08\x08\x08\x08evil",
    "carriage return": "innocent text\revil overwrite",
    "vertical tab and form feed": "a\x0bb\x0cc",
    "c1 csi": "c1\x9b31mred",
    "c1 nel and osc": "next\x85line\x9dosc",
    "del": "del\x7fchar",
}

UNICODE = {
    "bidi override": "invoice\u202egpj.exe",
    "bidi isolate": "\u2066hidden\u2069 isolate \u200fmark",
    "zero width": "kestrel\u200bapp\u200c\u200d\u2060\ufeff",
    "combining stack": "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308" * 8 + "algo",
    "emoji zwj": "👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🇸🇪 ❤️",
    "cjk wide": "同期が壊れています。助けてください！",
    "rtl text": "המסנכרן לא עובד שוב",
    "tabs": "col1\tcol2\tcol3",
}

LONG = {
    "20k post": ("Sync failed again. " * 1100)[:20_000],
    "60k word": "A" * 60_000,
}

ALL: dict[str, str] = {**MARKUP, **ESCAPES, **CONTROLS, **UNICODE, **LONG}

# JSON text with lone UTF-16 surrogates: legal JSON, impossible UTF-8.
LONE_SURROGATE_LINES = [
    '{"channel": "mastodon", "id": "sur1", "text": "broken \\ud800 half", '
    '"created_at": "2026-11-20T10:00:00Z", "author": {"handle": "x\\udfff@y.social"}}',
    '{"channel": "bluesky", "id": "sur2", "text": "ends with high \\ud83d", '
    '"created_at": "2026-11-20T10:01:00Z", "author": {"handle": "a.bsky.social", '
    '"name": "\\udc00name"}}',
]


def is_terminal_safe(text: str) -> bool:
    """No character a terminal would obey as a control or a reordering."""
    for char in text:
        code = ord(char)
        if code < 0x20 and char not in "\n":
            return False
        if 0x7F <= code <= 0x9F:
            return False
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return False
    return True
