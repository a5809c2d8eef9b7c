"""Failed background work reaches one handler, the app's, whichever screen started it.

Textual tells only the node that started a worker that it failed (Worker.StateChanged
does not bubble), so without this a screen's failed write would end in silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    _Base = MessagePump
else:
    _Base = object


class WorkFailed(Message):
    """A worker failed; bubbles up to the app, which tells the user."""

    def __init__(self, worker: Worker[object]) -> None:
        self.worker = worker
        super().__init__()


class ReportsFailures(_Base):
    """For every screen and widget that runs workers (a test checks they all do)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.post_message(WorkFailed(event.worker))
