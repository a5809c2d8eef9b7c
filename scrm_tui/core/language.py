"""Language codes: where a mention's language came from, what networks declare, its name."""

from __future__ import annotations

import re

# Where a stored language came from (mentions.lang_src; NULL: not looked at yet).
DECLARED = "declared"
DETECTED = "detected"

_PRIMARY = re.compile(r"[a-z]{2}")

# ISO 639-1 code -> English name, for the reading pane; a code not here shows as itself.
NAMES: dict[str, str] = {
    "af": "Afrikaans", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian",
    "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician", "gu": "Gujarati",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese",
    "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean",
    "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "my": "Burmese",
    "nb": "Norwegian Bokmål", "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk",
    "no": "Norwegian", "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def declared_code(declared: object) -> str | None:
    """The ISO 639-1 code in a network's language tag ("en-US" -> "en"), or None.

    A list (Bluesky's `langs`) declares its first usable tag. A tag with no two-letter
    primary subtag ("und", "zxx", a three-letter code, junk a stranger's client wrote)
    declares nothing usable: the text is detected instead.
    """
    if isinstance(declared, (list, tuple)):
        return next((code for tag in declared if (code := declared_code(tag))), None)
    if not declared or not isinstance(declared, str):
        return None
    primary = declared.strip().replace("_", "-").split("-")[0].lower()
    return primary if _PRIMARY.fullmatch(primary) else None


def language_name(code: str | None) -> str:
    """`German` for "de"; the code itself when it has no name here; `unknown` for None."""
    if code is None:
        return "unknown"
    return NAMES.get(code, code)


def shown(code: str | None, confidence: float | None, source: str | None) -> str:
    """The reading pane's line: `German (declared)`, `French 0.93`, `unknown`."""
    if code is None:
        return "not detected yet" if source is None else "unknown"
    if source == DECLARED:
        return f"{language_name(code)} (declared)"
    if confidence is None:
        return language_name(code)
    return f"{language_name(code)} {confidence:.2f}"
