"""Textual's footer, with the keys in the order their screen declares them, whatever
your [keys] moved, rebuilt only when what it shows changes."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer

from scrm_tui.ui.keymap import declared


class KeysFooter(Footer):
    """Textual's keymap re-adds a binding it gives a new key at the end of its screen's
    keys, so `inbox.done = "d"` would push Done/reopen off the end of an 80-column
    footer; this one keeps each where its screen put it (most used first).

    Textual rebuilds a footer each time a screen's bindings may have changed (a focus,
    a mount, a refresh of actions): eight times while the inbox starts, each a dozen
    keys styled anew. Most of those change nothing on screen; they are skipped."""

    _composed_as: Hashable = None

    def _shown(self) -> Hashable:
        """What compose would lay out: the keys shown, their state, and whose order."""
        screen = self.screen
        keys = tuple(
            (key, binding.action, binding.description, enabled, tooltip, binding.key_display)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show
        )
        focused = screen.focused or screen
        return (type(focused), keys, self.show_command_palette, self.compact)

    async def recompose(self) -> None:
        if self.is_attached and self._bindings_ready and self._shown() == self._composed_as:
            return
        await super().recompose()

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_as = self._shown()
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
