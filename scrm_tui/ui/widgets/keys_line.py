"""The line of keys at the foot of a form: key names in bold, each with what it does."""

from __future__ import annotations

from textual.content import Content


def keys_line(*pairs: tuple[str, str]) -> Content:
    """`keys_line(("ctrl+s", "save"), ("esc", "cancel"))` -> **ctrl+s** save  **esc** cancel"""
    parts: list[str | tuple[str, str]] = []
    for key, what in pairs:
        if parts:
            parts.append("  ")
        parts += [(key, "bold"), f" {what}"]
    return Content.assemble(*parts)
