"""One timeline item in full: a mention with its scores, or an interaction with its detail."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionDetail
from scrm_tui.core.timefmt import absolute
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.mention_detail import describe
from scrm_tui.ui.widgets.timeline_list import DIRECTIONS, KIND_LABELS


def interaction_content(item: dict[str, Any]) -> Content:
    """Every field of an interaction, as plain text (summaries may quote strangers)."""
    lines: list[Content] = [
        Content.assemble(
            (KIND_LABELS.get(item["kind"], item["kind"]), "bold $accent"),
            f" · {absolute(item['occurred_ms'])}",
            f" · by {sanitize.inline(item['actor'] or '—')}",
        )
    ]
    if item["direction"]:
        arrow = DIRECTIONS.get(item["direction"], "")
        lines.append(Content(f"{arrow} {'from them' if item['direction'] == 'in' else 'from us'}"))
    if item["channel"]:
        lines.append(Content(f"channel: {sanitize.inline(item['channel'])}"))
    if item["compound"] is not None:
        lines.append(Content(f"sentiment: {item['compound']:+.3f}"))
    lines.append(Content(""))
    lines.append(Content(sanitize.block(item["summary"] or "(no summary)")))
    if item["detail"]:
        lines.append(Content(""))
        text = json.dumps(item["detail"], ensure_ascii=False, indent=2)
        lines.append(Content.styled(sanitize.block(text), "$text-muted"))
    return Content("\n").join(lines)


class ItemScreen(Dialog[None]):
    CSS_PATH = dialog_css("item")

    BINDINGS = [
        Binding("escape,q,enter", "dismiss(None)", "Close", id="item.close"),
        Binding("j,down", "scroll('down')", show=False, id="item.down"),
        Binding("k,up", "scroll('up')", show=False, id="item.up"),
    ]

    def __init__(
        self,
        *,
        mention: MentionDetail | None = None,
        item: dict[str, Any] | None = None,
        now_ms: int = 0,
    ) -> None:
        super().__init__()
        self.mention = mention
        self.item = item
        self.now_ms = now_ms

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="item-box", classes="dialog-box"):
            if self.mention is not None:
                head, body, parent = describe(self.mention, self.now_ms)
                yield Static(head, id="item-head")
                if parent is not None:
                    yield Static(parent, id="item-parent")
                yield Static(body, id="item-body")
            elif self.item is not None:
                yield Static(interaction_content(self.item), id="item-body")
            else:
                yield Static(Content("This item is gone."), id="item-body")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#item-box"))

    def action_scroll(self, way: str) -> None:
        box = self.query_one("#item-box", VerticalScroll)
        box.scroll_down() if way == "down" else box.scroll_up()
