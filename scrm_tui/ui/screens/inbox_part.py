"""What the parts of the inbox screen (screens/inbox_*.py) use of it and of each other,
declared for the type checker; at run time each part is a plain mixin of InboxScreen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.timer import Timer

    from scrm_tui.core.models import MentionRow, Order
    from scrm_tui.core.query import Query
    from scrm_tui.core.selection import Selection
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.spikes import Recent
    from scrm_tui.ui.bulk_actions import BulkActions
    from scrm_tui.ui.widgets.filter_bar import FilterBar
    from scrm_tui.ui.widgets.keys_footer import KeysFooter
    from scrm_tui.ui.widgets.mention_detail import MentionDetail
    from scrm_tui.ui.widgets.top_line import TopLine
    from scrm_tui.ui.widgets.view_bar import ViewBar

    _Base = BulkActions
else:
    _Base = object


class InboxPart(_Base):
    """A part of the inbox screen (the screen provides what is declared here)."""

    query_: Query  # what the list shows
    order: Order
    spike: Recent | None
    _requested: Query  # the view last asked for (query_ once loaded)
    _search: Query | None  # the last `/` filter: what n and N look for
    _filter_timer: Timer | None
    _bar_closing: bool  # Enter: the filter line goes when the new rows come
    _footer_waits: bool  # start(): the footer's keys wait for the first rows
    _dropped: bool  # rows z took off the list before their snooze is written
    _slow_writes: int  # writes waiting for another process's lock
    _dashboard_range: str  # D opens on the range it was last left on
    inbox: Inbox
    title_text: str
    top_line: TopLine
    total: int | None  # mentions listed, None until counted
    unread: int | None
    not_sent: int  # outbox items that failed
    _work: dict[str, str]  # background jobs under way: how far, top line
    _ready: bool  # the first page is up
    _missed: bool  # something changed before the first page was up
    _polling: bool
    _look_again: bool
    _look_fresh: bool
    _views_seq: int
    _last_change: int  # the newest snooze or wake-up this list has taken in
    if TYPE_CHECKING:

        @property
        def detail(self) -> MentionDetail: ...

        @property
        def filter_bar(self) -> FilterBar: ...

        @property
        def view_bar(self) -> ViewBar: ...

        @property
        def footer(self) -> KeysFooter: ...

        def load_view(self, query: Query, *, stay_on: MentionRow | None = None) -> None: ...

        def load_detail(self, mention_id: int | None) -> None: ...

        def load_stats(self) -> object: ...

        def check_changes(self, force: bool = False, *, looked: bool = False) -> None: ...

        def _selected(self) -> MentionRow | None: ...

        def _chosen(self) -> Selection: ...

        def _after_write(self, mention_id: int) -> None: ...

        def _release(self, mention_ids: list[int]) -> object: ...

        def open_customer(self, customer_id: int) -> None: ...
