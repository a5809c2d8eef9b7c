"""Type-ahead that keeps its order, as in mutt: `/sync⏎jj` does what it says.

Textual forwards every key to whichever widget had focus when the key arrived,
and resolves ordinary bindings later, when the key bubbles up to the App. Typed
quickly, `/` then `sync` sends all five keys to the list before the `/` binding
has moved focus to the filter input, and the letters are lost.

Widgets with this mixin resolve bindings themselves, in the order keys arrive,
and hand any key that reaches them after focus has moved on to the widget that
now has focus. The App's mixin does the same for a screen that is not built yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    _Base = Widget
    _AppBase = App[object]
else:
    _Base = _AppBase = object


class InOrderKeys(_Base):
    RESOLVE_PRINTABLE: ClassVar[bool] = True
    """False for text inputs: printable keys are text there, not commands."""

    async def key_barrier(self) -> None:
        """Wait here before handling a key (e.g. until the list it moves has loaded)."""

    async def on_key(self, event: events.Key) -> None:
        keys = self._escape_then_key(event)
        if keys is None:
            await self._resolve(event)
            return
        event.stop()
        event.prevent_default()
        for key in keys:
            handled = await self._resolve(key)
            if not handled and key.is_printable and self.app.focused is self:
                self.post_message(key)  # text, in an input: typed as usual

    def _escape_then_key(self, event: events.Key) -> tuple[events.Key, events.Key] | None:
        """Esc and a key typed right after it reach us as one Alt+key (terminals send
        Alt+x as ESC x). An Alt+key nothing here binds is read as what was typed."""
        char = event.character
        if not event.key.startswith("alt+") or char is None or len(char) != 1:
            return None
        if not char.isprintable() or event.key in self.screen.active_bindings:
            return None
        name = char if char.isalnum() else event.key.removeprefix("alt+")
        return events.Key("escape", "\x1b"), events.Key(name, char)

    async def _resolve(self, event: events.Key) -> bool:
        """Handle a key in arrival order; False when it is left to the widget."""
        app = self.app
        if app.focused is self:
            await self.key_barrier()
        if app.focused is not self:
            # Focus moved while this key was queued here: pass it on, in order.
            event.stop()
            event.prevent_default()
            target = app.focused or app.screen
            target.post_message(events.Key(event.key, event.character))
            return True
        if event.is_printable and not self.RESOLVE_PRINTABLE:
            return False
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.binding.priority:
            return False
        event.stop()
        event.prevent_default()
        await app.run_action(active.binding.action, active.node)
        return True


class KeysWaitForTheirScreen(_AppBase):
    """For the App: a key no widget took is matched, when it reaches the App, against
    the screen on top at that moment. A screen a worker pushed while the key was on
    its way up may not have built its widgets yet, and its action would find none
    (Ctrl+S in a composer just opening: NoMatches '#compose-text'). Such a key is
    matched once that screen is built, before any key typed after it."""

    def on_key(self, event: events.Key) -> None:
        screen = self.screen
        if screen.is_mounted:
            return
        event.prevent_default()  # not matched now: Textual's own handler is skipped
        # The screen's queue runs this after its compose and mount; keys typed later
        # reach the App through that same queue, so they come after.
        screen.call_later(self._match_key, event)

    def _match_key(self, event: events.Key) -> None:
        self.post_message(event.prevent_default(False))
