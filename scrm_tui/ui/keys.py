"""Type-ahead that keeps its order, as in mutt: `/sync⏎jj` does what it says.

Textual forwards every key to whichever widget had focus when the key arrived,
and resolves ordinary bindings later, when the key bubbles up to the App. Typed
quickly, `/` then `sync` sends all five keys to the list before the `/` binding
has moved focus to the filter input, and the letters are lost.

Widgets with this mixin resolve bindings themselves, in the order keys arrive,
and hand any key that reaches them after focus has moved on to the widget that
now has focus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class InOrderKeys(_Base):
    RESOLVE_PRINTABLE: ClassVar[bool] = True
    """False for text inputs: printable keys are text there, not commands."""

    async def key_barrier(self) -> None:
        """Wait here before handling a key (e.g. until the list it moves has loaded)."""

    async def on_key(self, event: events.Key) -> None:
        app = self.app
        if app.focused is self:
            await self.key_barrier()
        if app.focused is not self:
            # Focus moved while this key was queued here: pass it on, in order.
            event.stop()
            event.prevent_default()
            target = app.focused or app.screen
            target.post_message(events.Key(event.key, event.character))
            return
        if event.is_printable and not self.RESOLVE_PRINTABLE:
            return
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.binding.priority:
            return
        event.stop()
        event.prevent_default()
        await app.run_action(active.binding.action, active.node)
