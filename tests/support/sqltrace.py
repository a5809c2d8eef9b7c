"""The SQL a connection runs, collected for a test to read (aiosqlite calls the trace
callback on the connection's own thread, hence the lock)."""

from __future__ import annotations

import threading


class Statements:
    """A trace callback (`await conn.set_trace_callback(statements)`) keeping each
    statement as one line."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: list[str] = []

    def __call__(self, statement: str) -> None:
        with self._lock:
            self._seen.append(" ".join(statement.split()))

    def lines(self) -> list[str]:
        with self._lock:
            return list(self._seen)

    def count(self, part: str) -> int:
        """How many statements so far contain `part`."""
        return sum(part in line for line in self.lines())

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
