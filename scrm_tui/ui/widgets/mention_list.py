"""The mention stream: one line per mention (age, network, sentiment, author, text)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from scrm_tui.core import networks, sanitize
from scrm_tui.core.models import MentionRow, SentimentLabel, Status
from scrm_tui.core.query import Query
from scrm_tui.core.selection import Selection
from scrm_tui.core.team import elapsed, who
from scrm_tui.core.timefmt import age
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.widgets.windowed_list import WindowedList

# Each network's short name for the list's narrow column (its record's badge).
CHANNEL_BADGES: Mapping[str, str] = networks.BADGES
# Shape carries the meaning, colour only repeats it (NO_COLOR, 16 colours).
SENTIMENT_GLYPHS = {
    SentimentLabel.POSITIVE: "▲",
    SentimentLabel.NEGATIVE: "▼",
    SentimentLabel.NEUTRAL: "·",
}
UNSCORED_MARK = "?"  # no scorer reads its language: unscored, not neutral
UNREAD_MARK = "●"
CUSTOMER_MARK = "◆"
SUGGESTED_MARK = "◇"  # the matcher has a guess: `l` reviews it
DONE_MARK = "✓"
MARKED_MARK = "*"  # selected (space, T) for a bulk action or a macro response (mutt's tag)
PRIORITY_CELLS = 2
TOP_PRIORITY = "!!"  # 100 in two cells


def priority_cell(priority: int | None) -> str:
    """The priority now in two cells: ` 7`, `87`, `!!` for 100; blank until scored."""
    if priority is None:
        return " " * PRIORITY_CELLS
    return TOP_PRIORITY if priority >= 100 else f"{priority:>2}"


TAG_CELLS = 16  # a row's tags at most: the first tag (cut if need be) and how many more
# From this row width (a 120-column terminal, less the scrollbar) a row shows who it
# is assigned to; narrower, the reading pane says it.
ASSIGNEE_WIDTH = 110
ASSIGNEE_CELLS = 12
ASSIGNEE_MARK = "→"  # "to dana"


def team_label(row: MentionRow, width: int) -> str:
    """`[billing +2] →dana`: the row's tags, compactly, and (on a wide terminal) its
    assignee. Tags and names are typed by other people: made inert like any text."""
    parts = []
    if row.tags:
        more = f" +{len(row.tags) - 1}" if len(row.tags) > 1 else ""
        first = _fit(sanitize.inline(row.tags[0]), TAG_CELLS - 2 - len(more))
        parts.append(f"[{first}{more}]")
    if row.assignee and width >= ASSIGNEE_WIDTH:
        name = sanitize.one_line(row.assignee)
        parts.append(ASSIGNEE_MARK + _fit(name, ASSIGNEE_CELLS - 1))
    return " ".join(parts)


def _fit(text: str, cells: int) -> str:
    """`text`, or as much as fits in `cells` with an ellipsis."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…"


COMPETITOR_MARK = "⚑"  # a competitor's mention: ⚑harrier (the brand's have none)
CLAIM_MARK = "✎"  # another agent is answering or escalating it right now
CLAIM_NAME_CELLS = 10


def claim_label(row: MentionRow, now_ms: int) -> str:
    """`✎ dana, 12s ` when another agent is on the mention now, else nothing."""
    if row.claimed_by is None or row.claimed_ms is None:
        return ""
    name = set_cell_size(who(row.claimed_by), CLAIM_NAME_CELLS).rstrip()
    return f"{CLAIM_MARK} {name}, {elapsed(now_ms, row.claimed_ms)} "


def author_label(row: MentionRow) -> str:
    """Display name if there is one, else the handle; always single-line and inert."""
    if row.author_name and row.author_name.strip():
        return sanitize.one_line(row.author_name)
    return sanitize.handle(row.author_handle)


class MentionList(WindowedList):
    """Keyboard-driven list of mentions, newest first."""

    COMPONENT_CLASSES = {
        "mention-list--cursor",
        "mention-list--unread",
        "mention-list--done",
        "mention-list--age",
        "mention-list--channel",
        "mention-list--positive",
        "mention-list--negative",
        "mention-list--neutral",
        "mention-list--unscored",
        "mention-list--customer",
        "mention-list--suggested",
        "mention-list--placeholder",
        "mention-list--marked",
        "mention-list--claim",
        "mention-list--priority",
        "mention-list--urgent",
        "mention-list--team",
    }
    PLACEHOLDER_CLASS = "mention-list--placeholder"
    # Space selects for a macro response here (as mutt's tag), not page down.
    BINDINGS = [
        *(
            b
            for b in WindowedList.BINDINGS
            if not (isinstance(b, Binding) and b.action == "page_down")
        ),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("space", "screen.select", "Select", show=False, id="list.select"),
    ]

    class Highlighted(Message):
        """The cursor is on a (possibly different) mention."""

        def __init__(self, row: MentionRow | None) -> None:
            self.row = row
            super().__init__()

    class Opened(Message):
        def __init__(self, row: MentionRow) -> None:
            self.row = row
            super().__init__()

    window: StreamWindow | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Picked with space, or all the filter matches (T): what the bulk keys act on.
        self.selection = Selection()
        self._claims_drawn: dict[int, str] = {}  # claim labels at refresh_claims' last look
        # A row's priority at a moment (it falls with age); the screen knows the rate.
        self.priority_at: Callable[[MentionRow, int], int | None] = lambda row, now: row.priority

    async def key_barrier(self) -> None:
        await super().key_barrier()
        if self.display and not self.size.height:
            # Shown again a moment ago (Esc from the full-screen reading pane) and not
            # laid out yet: `x` typed with the Esc would scroll by a height of nothing
            # and push the row it marked done out of sight.
            await self.screen.wait_for_refresh()

    @property
    def shown_query(self) -> Query | None:
        """The filter of the list on screen (a T selection is of one filter)."""
        return self.window.query if self.window is not None else None

    def toggle_mark(self, mention_id: int) -> None:
        self.set_selection(self.selection.toggled(mention_id, self.shown_query))

    def set_marks(self, ids: set[int]) -> None:
        self.set_selection(Selection.of(ids))

    def set_selection(self, selection: Selection) -> None:
        self.selection = selection
        self.refresh()

    def is_marked(self, mention_id: int) -> bool:
        return self.selection.has(mention_id, self.shown_query)

    @property
    def selected(self) -> MentionRow | None:
        return self.window.get(self.cursor) if self.window else None

    def row_state(self, row: MentionRow) -> Hashable:
        now = int(self.clock() * 1000)
        return (
            age(now, row.created_ms),
            self.is_marked(row.id),
            self.priority_at(row, now),
            claim_label(row, now),
        )

    def render_row(self, row: MentionRow, width: int, selected: bool, state: Hashable) -> Strip:
        when, marked, priority, claim = cast("tuple[str, bool, int | None, str]", state)
        style_of = self.get_component_rich_style
        base = self.rich_style
        if marked:
            base += style_of("mention-list--marked")
        if row.status is Status.DONE:
            base += style_of("mention-list--done")
        elif not row.is_read:
            base += style_of("mention-list--unread")

        def part(text: str, cells: int, extra: Style | None = None) -> Segment:
            style = base if extra is None else base + extra
            if selected:
                # The cursor wins over the column colours, so it reads as one bar.
                style += style_of("mention-list--cursor")
            return Segment(set_cell_size(text, cells), style)

        mark = DONE_MARK if row.status is Status.DONE else (" " if row.is_read else UNREAD_MARK)
        label = row.label
        author_cells = 26 if width >= 100 else 16
        author = author_label(row)
        fixed = 2 + 4 + 5 + 2 + PRIORITY_CELLS + 1 + author_cells + 1
        segments = [
            part(f"{mark}{MARKED_MARK if marked else ' '}", 2),
            part(f"{when:>3} ", 4, style_of("mention-list--age")),
            part(
                CHANNEL_BADGES.get(row.channel, row.channel[:4]),
                5,
                style_of("mention-list--channel"),
            ),
            part(
                f"{UNSCORED_MARK if label is None else SENTIMENT_GLYPHS[label]} ",
                2,
                style_of(f"mention-list--{'unscored' if label is None else label.value}"),
            ),
            self._priority_part(priority, part),
        ]
        if row.customer_name is not None:
            # A known customer goes by their name (and tier, where there is room), marked
            # with ◆ so it reads without colour too.
            name = sanitize.one_line(row.customer_name)
            tier = sanitize.inline(row.customer_tier or "")
            who = f"{CUSTOMER_MARK}{name}"
            if tier and width >= 100 and cell_len(tier) <= 8:
                who = f"{set_cell_size(who, author_cells - cell_len(tier) - 2).rstrip()} {tier}"
            segments.append(part(who, author_cells, style_of("mention-list--customer")))
        elif row.suggested:
            segments.append(
                part(SUGGESTED_MARK + author, author_cells, style_of("mention-list--suggested"))
            )
        else:
            segments.append(part(" " + author, author_cells))
        segments.append(part(" ", 1))
        team = team_label(row, width)
        team_cells = cell_len(team) + 1 if team else 0
        snippet_cells = max(width - fixed - team_cells, 0)
        if claim:
            claim_cells = min(cell_len(claim), snippet_cells)
            segments.append(part(claim, claim_cells, style_of("mention-list--claim")))
            snippet_cells -= claim_cells
        if row.watch_set:
            # A competitor's mention says whose, before its text (`watch:NAME` lists them).
            rival = f"{COMPETITOR_MARK}{_fit(sanitize.inline(row.watch_set), 12)} "
            rival_cells = min(cell_len(rival), snippet_cells)
            segments.append(part(rival, rival_cells, style_of("mention-list--team")))
            snippet_cells -= rival_cells
        segments.append(part(sanitize.first_line(row.snippet), snippet_cells))
        if team:
            segments.append(part(" " + team, team_cells, style_of("mention-list--team")))
        total = sum(cell_len(segment.text) for segment in segments)
        if total < width:
            segments.append(Segment(" " * (width - total), base))
        return Strip(segments, width).crop(0, width)

    def _priority_part(
        self, priority: int | None, part: Callable[[str, int, Style | None], Segment]
    ) -> Segment:
        """The priority column: the number, bold from 70 up (the figure says it, the
        style only repeats it)."""
        style = "mention-list--urgent" if (priority or 0) >= 70 else "mention-list--priority"
        return part(
            priority_cell(priority) + " ", PRIORITY_CELLS + 1, self.get_component_rich_style(style)
        )

    def refresh_ages(self) -> None:
        """Ages are drawn relative to now: repaint the rows where '3m' became '4m'
        (and a priority that fell with it), not the whole list."""
        self.refresh_changed_states()

    def refresh_claims(self) -> None:
        """A claim's time ticks by the second: repaint the visible rows whose claim
        reads differently now ('12s' to '13s'). A claim past its first minute changes
        once a minute, and twenty agents' claims on screen cost nothing in between."""
        window = self.window
        if window is None:
            return
        now = int(self.clock() * 1000)
        drawn, self._claims_drawn = self._claims_drawn, {}
        top = round(self.scroll_offset.y)
        for index in range(top, top + self._height):
            row = window.get(index)
            if row is None or row.claimed_by is None:
                continue
            label = self._claims_drawn[row.id] = claim_label(row, now)
            # A label only moves on with time: the same at the last look and now, it
            # was the same whenever the row was drawn in between.
            if drawn.get(row.id) != label:
                self.refresh_line(index)
