"""Textual's footer, with the keys in the order their screen declares them, whatever
your [keys] moved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from scrm_tui.ui.keymap import declared


class KeysFooter(Footer):
    """Textual's keymap re-adds a binding it gives a new key at the end of its screen's
    keys, so `inbox.done = "d"` would push Done/reopen off the end of an 80-column
    footer; this one keeps each where its screen put it (most used first)."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        actions = [getattr(key, "action", None) for key in keys]  # a FooterKey's
        if None in actions:
            yield from keys  # grouped keys: left as Textual lays them out
            return
        place: dict[str, int] = {}
        focused = self.screen.focused or self.screen
        for node in focused.ancestors_with_self:
            for binding in declared(type(node)):
                place.setdefault(binding.action, len(place))
        last = len(place)
        order = [
            last + 1 if key.has_class("-command-palette") else place.get(str(action), last)
            for key, action in zip(keys, actions, strict=True)
        ]
        yield from (key for _, _, key in sorted(zip(order, range(len(keys)), keys, strict=True)))
