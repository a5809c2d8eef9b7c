"""Command palette (Ctrl+P) entries for the inbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from scrm_tui.core import sanitize

# (title, help, screen action or filter text)
_ACTIONS: list[tuple[str, str, str]] = [
    ("Mark done / reopen", "The mention's status, or the selection's (x)", "toggle_done"),
    ("Mark read / unread", "Read for you: the mention, or the selection (u)", "toggle_read"),
    ("Assign…", "Assign the mention, or the selection, to an agent (a)", "assign"),
    ("Take it", "Assign the mention, or the selection, to yourself (A)", "take"),
    ("Tags…", "Add or remove tags on the mention or the selection (t)", "tag"),
    ("Select all matching", "Every mention the filter matches, any number (T)", "select_all"),
    ("Undo last action", "Put back what your last x, u, a, t or e changed (U)", "undo"),
    ("Filter…", "Type a filter: words, is:unread, ch:bsky, s:neg (/)", "filter"),
    ("Show keys", "Every key binding (?)", "help"),
]
_FILTERS: list[tuple[str, str]] = [
    ("Show unread only", "is:unread"),
    ("Show open only", "is:open"),
    ("Show negative mentions", "s:neg is:open"),
    ("Show done", "is:done"),
    ("Show everything (clear filter)", ""),
]


class InboxCommands(Provider):
    def _commands(self) -> list[tuple[str, str | Content, Callable[[], object]]]:
        screen = self.screen
        found: list[tuple[str, str | Content, Callable[[], object]]] = []
        if not hasattr(screen, "load_view"):
            return found
        for title, help_text, action in _ACTIONS:
            found.append((title, help_text, partial(screen.run_action, action)))
        for title, text in _FILTERS:
            found.append((title, text or "all mentions", partial(self._filter, text)))
        for view in getattr(screen, "views", []):
            # A view's name and filter are people's text: Content, never markup (the
            # palette reads a str as markup, and "[URGENT]" would vanish).
            name, source = sanitize.inline(view.name), Content("/" + sanitize.inline(view.filter))
            show, delete = screen.show_view, screen.delete_view  # type: ignore[attr-defined]
            found.append((f"View: {name}", source, partial(show, view)))
            if view.mine:
                found.append((f"Delete view: {name}", source, partial(delete, view)))
        return found

    def _filter(self, text: str) -> None:
        from scrm_tui.core.query import parse

        self.screen.load_view(parse(text))  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            # Textual's hint says str, but it takes Content, and shows it without markup.
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, title),
                    callback,
                    text=title,
                    help=help_text,  # type: ignore[arg-type]
                )


def _highlight(matcher: Matcher, title: str) -> Content:
    """Matcher.highlight without its markup parsing (a title may hold a view's name)."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
