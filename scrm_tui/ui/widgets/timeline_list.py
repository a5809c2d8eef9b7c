"""A customer's history, one line per item: when, what, where, who, and what was said."""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip

from scrm_tui.core import sanitize
from scrm_tui.core.models import SentimentLabel, TimelineItem
from scrm_tui.core.timefmt import from_ms
from scrm_tui.ui.widgets.mention_list import CHANNEL_BADGES, SENTIMENT_GLYPHS, UNSCORED_MARK
from scrm_tui.ui.widgets.windowed_list import WindowedList

# Short names that fit a 7-cell column; the shape of the word carries the meaning.
KIND_LABELS = {
    "mention": "mention",
    "reply": "reply",
    "escalation": "escal.",
    "note": "note",
    "call": "call",
    "email": "email",
    "meeting": "meeting",
    "survey": "survey",
    "letter": "letter",
    "comment_card": "card",
    "other": "contact",
    "status": "status",
    "link": "link",
    "customer": "record",
    "merge": "merge",
    "claim": "claim",  # went on although another agent was answering
    "collision": "collis.",  # sent or dropped a reply after another agent's
    "assign": "assign",
    "tag": "tag",
}
DIRECTIONS = {"in": "←", "out": "→"}


class TimelineList(WindowedList):
    """Newest first; only the visible lines are drawn, so 10,000 items cost as little as 10."""

    COMPONENT_CLASSES = {
        "timeline-list--cursor",
        "timeline-list--date",
        "timeline-list--kind",
        "timeline-list--mention",
        "timeline-list--channel",
        "timeline-list--positive",
        "timeline-list--negative",
        "timeline-list--neutral",
        "timeline-list--muted",
        "timeline-list--placeholder",
    }
    PLACEHOLDER_CLASS = "timeline-list--placeholder"

    class Highlighted(Message):
        def __init__(self, row: TimelineItem | None) -> None:
            self.row = row
            super().__init__()

    class Opened(Message):
        def __init__(self, row: TimelineItem) -> None:
            self.row = row
            super().__init__()

    @property
    def selected(self) -> TimelineItem | None:
        return self.window.get(self.cursor) if self.window else None

    def render_row(self, row: TimelineItem, width: int, selected: bool, state: Hashable) -> Strip:
        style_of = self.get_component_rich_style
        base = self.rich_style

        def part(text: str, cells: int, extra: Style | None = None) -> Segment:
            style = base if extra is None else base + extra
            if selected:
                style += style_of("timeline-list--cursor")
            return Segment(set_cell_size(text, cells), style)

        when = from_ms(row.at_ms)
        date = when.strftime("%Y-%m-%d %H:%M" if width >= 100 else "%y-%m-%d")
        kind_style = "timeline-list--mention" if row.kind == "mention" else "timeline-list--kind"
        channel = CHANNEL_BADGES.get(row.channel or "", (row.channel or "")[:4])
        if row.compound is not None:
            label = SentimentLabel.from_compound(row.compound)
            mood = part(SENTIMENT_GLYPHS[label], 2, style_of(f"timeline-list--{label.value}"))
        elif row.kind == "mention":  # a mention no scorer reads (a note has no mood at all)
            mood = part(UNSCORED_MARK, 2, style_of("timeline-list--neutral"))
        else:
            mood = part("", 2)
        actor_cells = 28 if width >= 150 else 18 if width >= 100 else 12
        who = row.actor or ""
        actor = sanitize.handle(who) if row.kind == "mention" else sanitize.inline(who)
        segments = [
            part(date + " ", cell_len(date) + 1, style_of("timeline-list--date")),
            part(KIND_LABELS.get(row.kind, row.kind), 8, style_of(kind_style)),
            part(DIRECTIONS.get(row.direction or "", " "), 2),
            part(channel, 5, style_of("timeline-list--channel")),
            mood,
            part(" ".join(actor.split()), actor_cells, style_of("timeline-list--muted")),
            part(" ", 1),
        ]
        used = sum(cell_len(s.text) for s in segments)
        segments.append(part(sanitize.first_line(row.text), max(width - used, 0)))
        return Strip(segments, width).crop(0, width)
