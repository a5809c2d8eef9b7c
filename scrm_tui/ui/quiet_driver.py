"""Textual's Linux driver with an input thread that sleeps until a key comes (or the app
stops reading), instead of waking ten times a second to look whether it should stop."""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
import weakref
from codecs import getincrementaldecoder
from typing import Any

from textual import constants
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

# After a key, the parser may hold a lone Escape (or the start of a sequence) that only
# time turns into a key: the thread looks every TICK until this long after the last
# input, then sleeps until the next.
TICK = 0.1
TICKING = max(1.0, 3 * constants.ESCAPE_DELAY)


class _WakingEvent(threading.Event):
    """The driver's exit event, which also wakes the input thread's select()."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        with contextlib.suppress(BlockingIOError):  # a wake-up is already waiting
            os.write(self._wake_fd, b"x")


class QuietDriver(LinuxDriver):
    """LinuxDriver whose input thread blocks in select() on the terminal and a pipe that
    setting `exit_event` writes to (Textual's stops by waking every 0.1 s). Everything
    else (start, suspend and resume, resize, stop) is Textual's own."""

    TELLS_HANGUP = True  # posts HungUp: the app need not look on a clock (ui/app.py)

    class HungUp(Message):
        """The terminal is gone (end of file on it): no key will come again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.exit_event = _WakingEvent(self._wake_w)
        # Not closed in close(): Textual closes the driver to suspend (Ctrl+Z), and
        # starts it again on the same object.
        for fd in (self._wake_r, self._wake_w):
            weakref.finalize(self, os.close, fd)

    def _drain_wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_r, 512):
                pass

    def run_input_thread(self) -> None:
        """Textual's loop (linux_driver.run_input_thread), with select() waiting on the
        wake pipe too, and with no timeout while the parser holds nothing."""
        self._drain_wake()  # from the last stop (a suspend with Ctrl+Z)
        fileno = self.fileno
        selector = selectors.SelectSelector()
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(self._wake_r, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        last_input = time.monotonic()
        reading = True
        try:
            while not self.exit_event.is_set():
                ticking = reading and time.monotonic() - last_input < TICKING
                for key, _ in selector.select(TICK if ticking else None):
                    if key.fd != fileno:
                        continue
                    try:
                        data = os.read(fileno, 1024 * 4)
                    except OSError:  # EIO: the terminal's other end is closed
                        data = b""
                    if not data:
                        # The terminal hung up: nothing more will come, and select()
                        # would return at once for ever. Tell the app; wait for the end.
                        selector.unregister(fileno)
                        reading = False
                        self._app.post_message(self.HungUp())
                        break
                    last_input = time.monotonic()
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):
                    pass
