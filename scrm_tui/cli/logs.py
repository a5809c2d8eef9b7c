"""What scrm's modules log, as a command's own lines: one inert line each, tracebacks filed.

Without a handler Python prints a warning's bare text and a bug's whole traceback on
stderr (its last-resort handler): in `scrm watch`'s pane or journal, a server restart
during a poll came out as two tracebacks. Here each record is one `scrm: …` line like
the commands' other messages, made inert (a source's error may quote anything), and a
record carrying an exception is a bug: its traceback goes to errors.log, and the line
says where.
"""

from __future__ import annotations

import logging
import sys

from scrm_tui.core import sanitize

_LOGGER = "scrm_tui"


class _Lines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = sanitize.inline(record.getMessage())
            if record.exc_info and record.exc_info[1] is not None:
                from scrm_tui.service.bugs import record_bug

                filed = record_bug(record.exc_info[1], line)
                line += f" (a bug: its traceback is in {filed})" if filed else " (a bug)"
            # sys.stderr as it is now: the inbox's screen captures it while it runs.
            print(f"scrm: {line}", file=sys.stderr, flush=True)
        except Exception:  # logging must never take the command down
            self.handleError(record)


def install() -> None:
    """Route scrm's own warnings and errors through `_Lines` (once per process)."""
    logger = logging.getLogger(_LOGGER)
    if any(isinstance(h, _Lines) for h in logger.handlers):
        return
    logger.addHandler(_Lines(logging.WARNING))
    logger.setLevel(logging.WARNING)
    logger.propagate = False
