"""The inbox's status line in several lengths, so a narrow terminal gets shorter
words and never a cut-off number."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from scrm_tui.core import sanitize


@dataclass(frozen=True)
class Status:
    title: str  # "scrm demo", "scrm scrm.db"
    total: int | None  # every mention; None until counted
    unread: int | None
    not_sent: int = 0  # outbox items that failed
    selected: int = 0
    busy: str | None = None  # "Loading…": nothing is counted yet
    filter: str | None = None  # the filter's text, when one is active
    matched: int | None = None  # what it matched, once counted
    matched_floor: int | None = None  # until then, at least this many (a capped count)
    by_priority: bool = False  # the list is sorted highest priority first (`o`)
    work: str | None = None  # background work under way: `scoring priorities 40%`
    spike: tuple[str, str, str] | None = None  # a spike of the last hours, long to short


def _count(n: int | None, floor: int | None = None) -> str:
    if n is not None:
        return f"{n:,}"
    return f"≥ {floor:,}" if floor is not None else "…"


def _cut(text: str, cells: int) -> str:
    return text if len(text) <= cells else text[: max(cells - 1, 0)] + "…"


def versions(status: Status) -> list[Content]:
    """From the most said to the least: the title loses the file name, then words get
    shorter, then background work's progress goes (the list does not depend on it),
    then a long filter is shortened, then the title goes. Numbers stay."""
    return [
        _line(status, short_title=t, words=w, filter_cells=f, title=show, work=work)
        for t, w, f, show, work in (
            (False, 0, None, True, True),
            (True, 0, None, True, True),
            (True, 1, None, True, True),
            (True, 1, None, True, False),
            (True, 1, 12, True, False),
            (True, 2, 6, False, False),
        )
    ]


# What the line says of each count, from the longest words (0) to the shortest (2).
_MENTIONS = ("{} mentions", "{}", "{}")
_NOT_SENT = ("✗ {} not sent (O)", "✗ {} unsent (O)", "✗ {}")
_SELECTED = ("{} selected", "{} sel.", "{} sel")
_BY_PRIORITY = ("by priority", "by prio", "prio")


def _line(
    status: Status,
    *,
    short_title: bool,
    words: int,
    filter_cells: int | None,
    title: bool,
    work: bool,
) -> Content:
    s = status
    parts: list[str | tuple[str, str]] = []
    if title:
        parts += [(s.title.split(" ", 1)[0] if short_title else s.title, "bold"), "  "]
    if s.spike:  # first: the one thing on the line that needs someone now
        parts += [(s.spike[words], "bold reverse $error"), "  "]
    if s.busy:
        parts.append(s.busy)
        return Content.assemble(*parts)
    if s.filter is None:
        parts.append(_MENTIONS[words].format(_count(s.total)))
    else:
        # What the filter is and what it matched come first.
        text = "/" + sanitize.inline(s.filter)
        if filter_cells is not None:
            text = _cut(text, filter_cells)
        parts += [
            (text, "$accent"),
            f" → {_count(s.matched, s.matched_floor)} of {_count(s.total)}",
        ]
    if s.unread is not None:
        parts.append(f" · {s.unread:,} unread")
    if s.by_priority:
        parts.append((" · " + _BY_PRIORITY[words], "bold"))
    if s.work and work:
        parts.append((f" · {s.work}", "$text-muted"))
    if s.not_sent:
        parts.append((" · " + _NOT_SENT[words].format(f"{s.not_sent:,}"), "bold $error"))
    if s.selected:
        parts.append((" · " + _SELECTED[words].format(f"{s.selected:,}"), "bold $accent"))
    return Content.assemble(*parts)
