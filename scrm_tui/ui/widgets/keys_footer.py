"""Textual's footer, with the keys in the order their screen declares them, whatever
your [keys] moved, rebuilt only when what it shows changes."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.geometry import Region
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Footer

from scrm_tui.ui.keymap import declared


class KeysFooter(Footer):
    """Textual's keymap re-adds a binding it gives a new key at the end of its screen's
    keys, so `inbox.done = "d"` would push Done/reopen off the end of an 80-column
    footer; this one keeps each where its screen put it (most used first).

    Textual rebuilds a footer each time a screen's bindings may have changed (a focus,
    a mount, a refresh of actions): eight times while the inbox starts, each a dozen
    keys styled anew. Most of those change nothing on screen; they are skipped, and
    none is made before the screen's first frame."""

    _composed_as: Hashable = None
    _painted = False  # its screen has drawn a frame with it: the keys may follow
    _held = False  # the screen asked it to keep its keys for now

    def hold(self) -> None:
        """Keep the keys shown until release(): a change the screen is about to draw
        (new rows) goes out first, not behind the footer's own layout."""
        self._held = True

    def release(self) -> None:
        """Follow the focus again, after the frame being drawn."""
        self._held = False
        # Scheduled from the footer's own queue: compose binds the keys to the footer
        # that is running, not to whichever node (a screen's worker) released it.
        self.call_later(self.call_after_refresh, self.recompose)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Two dozen keys cost a screen more to style and lay out than all its other
        # widgets: they are made just after its first frame is on the terminal. (While
        # the app batches updates, as through its on_mount, a render draws nothing.)
        if not self._painted and not self.app._batch_count:
            self._painted = True
            # On this footer's own queue (compose binds the keys to it): it runs once
            # the frame being drawn is written.
            self.call_later(self.recompose)
        return super().render_lines(crop)

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
        if not self._painted or self._held:
            return  # render_lines asks again after the first frame; release() when held
        if self.is_attached and self._bindings_ready and self._shown() == self._composed_as:
            return
        await super().recompose()
        self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Each key Textual's footer makes is data-bound to the footer's `compact`: a
        watcher kept on the footer and dropped only when `compact` changes, which it
        never does. Every rebuild (each `/` and Esc) would keep its two dozen removed
        keys alive, ~0.45 MB, for as long as the app runs; their watchers go here,
        by the test Textual's own pruning uses (the watching node is closing)."""
        watchers = getattr(self, "__watchers", None)  # textual.reactive._watch's store
        if not isinstance(watchers, dict):
            return
        for entries in watchers.values():
            entries[:] = [(node, call) for node, call in entries if not node._closing]

    def compose(self) -> ComposeResult:
        if not self._painted:
            return  # an empty footer until its screen has drawn a frame
        if self._bindings_ready:
            self._composed_as = self._shown()
        keys = list(super().compose())
        for key in keys:
            # A key starts compact and is then bound to the footer's (not compact):
            # two restyles of each of two dozen keys as they mount, for nothing. (The
            # palette's key is not bound: it stays compact.)
            compact = getattr(type(key), "compact", None)
            if isinstance(compact, Reactive) and not key.has_class("-command-palette"):
                key.set_reactive(compact, self.compact)
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
