"""The inbox's top line: the status in the longest words that fit, the sources' words,
the cursor's position and the count of new mentions above the list."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core.models import SourceState
from scrm_tui.ui.widgets.status_line import Status, versions

SOURCES_SHARE = 0.4  # of the top line's width, at most, for the sources' words

# What the sources' words are made of: the states, the collector (who, since) and a style.
Sources = tuple[list[SourceState], tuple[str, int] | None, str]


class Line(Static):
    """A line of text redrawn only when what it says changes: the position is told on
    every cursor move, the counts on every arrival."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.said: tuple[str, tuple[object, ...]] | None = None

    @property
    def text(self) -> str:
        return self.said[0] if self.said is not None else ""

    def say(self, content: Content) -> None:
        key = (content.plain, tuple(content.spans))
        if key != self.said:
            same = (
                self.said is not None and Content(self.said[0]).cell_length == content.cell_length
            )
            self.said = key
            # The same width (a count going from 1,204 to 1,205): no layout of the
            # screen, which would cost an arrival several times what drawing it does.
            self.update(content, layout=not same)


class TopLine(Horizontal):
    """Fits its parts into one line: the position and the new-count badge as they are,
    then the longest status line that leaves the sources their shortest words, then the
    sources what is left (up to their share). Nothing is cut where it fits."""

    def __init__(self, title: str, now_ms: Callable[[], int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status(title=title, total=None, unread=None)
        self.sources: Sources | None = None  # None: nothing listens, no words
        self._now_ms = now_ms
        self._unseen = 0

    def compose(self) -> ComposeResult:
        yield Line(id="status")
        yield Line(id="sources-line")
        yield Line(id="position")
        yield Line(id="new-count")

    def _line(self, selector: str) -> Line:
        return self.query_one(selector, Line)

    def show(self, status: Status, *, unseen: int, position: str) -> None:
        """The status, the new-count badge and the position, fitted together."""
        self.status = status
        self._unseen = unseen
        badge = self._line("#new-count")
        badge.set_class(unseen > 0, "-visible")
        badge.say(Content(f"↑ {unseen:,} new" if unseen else ""))
        self.show_position(position)

    def show_position(self, text: str) -> None:
        """`12/1,523` as in mutt: where the cursor is in the current list."""
        self._line("#position").say(Content(text))
        self.fit()

    def show_sources(self, states: list[SourceState], collector: tuple[str, int] | None) -> bool:
        """The listening sources in a few words, hidden where nothing listens; False
        when that changes nothing (nothing listened before either)."""
        line = self._line("#sources-line")
        line.display = bool(states) or collector is not None
        if not line.display:
            if self.sources is None:
                return False
            self.sources = None
            return True
        worst = {s.state for s in states}
        style = (
            "$text-error"
            if "auth" in worst
            else "$text-warning"
            if worst & {"backoff", "degraded", "warning"}
            else "$text-muted"
        )
        self.sources = (states, collector, style)
        return True

    def fit(self) -> None:
        """Share the line out again (the screen calls this when it is resized)."""
        from scrm_tui.ui.source_words import summary

        # The screen's width, known before this line is first laid out: the first
        # frame has the words that fit.
        width = self.screen.size.width
        taken = len(self._line("#position").text) + 2  # and its padding
        if self._unseen:
            taken += len(f"↑ {self._unseen:,} new") + 2
        sources = self.sources
        if sources is not None:
            states, collector, style = sources
            now = self._now_ms()
            taken += Content(summary(states, collector, now, width=0)).cell_length + 2
        said = versions(self.status)
        status = next((v for v in said if v.cell_length + 2 + taken <= width), said[-1])
        self._line("#status").say(status)
        if sources is not None:
            share = int(width * SOURCES_SHARE) - 2
            room = min(share, width - (taken - 2) - status.cell_length - 2) - 2
            text = summary(states, collector, now, width=max(room, 0))
            self._line("#sources-line").say(Content.styled(text, style))
