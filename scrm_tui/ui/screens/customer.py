"""The customer view (`c`): who they are, how they feel, and their whole history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Sparkline, Static

from scrm_tui.core import sanitize
from scrm_tui.core.history import Stance
from scrm_tui.core.tags import TagEdit
from scrm_tui.core.timefmt import age, from_ms
from scrm_tui.service.inbox import OFFLINE_KINDS, Inbox
from scrm_tui.service.timeline import (
    KINDS,
    CustomerSummary,
    customer_summary,
    history_entry,
    timeline_window,
)
from scrm_tui.ui.dialogs.contact import ContactEntry, ContactScreen
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import screen_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from scrm_tui.ui.widgets.mention_list import CHANNEL_BADGES
from scrm_tui.ui.widgets.timeline_list import TimelineList

CHANNELS = ("mastodon", "bluesky", "hackernews", "reddit", "github", "rss", "x")
# Words the timeline filter understands besides channel and kind names.
GROUPS = {"contacts": OFFLINE_KINDS, "social": ("mention",), "posts": ("mention",)}
STANCE_STYLE = {
    Stance.ADVOCATE: "bold $success",
    Stance.DETRACTOR: "bold $error",
    Stance.MIXED: "bold $warning",
    Stance.QUIET: "$text-muted",
}

if TYPE_CHECKING:
    from scrm_tui.ui.dialogs.reward import RewardEntry


def _safe(value: object) -> str:
    return " ".join(sanitize.inline("" if value is None else str(value)).split())


def parse_filter(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`github call note` -> channels (github,), kinds (call, note): either narrows the
    other (calls on GitHub), words of one sort widen each other. Raises ValueError."""
    channels: list[str] = []
    kinds: list[str] = []
    badges = {badge: channel for channel, badge in CHANNEL_BADGES.items()}
    for word in text.lower().replace(",", " ").split():
        if word in CHANNELS or word in badges:
            channels.append(badges.get(word, word))
        elif word in KINDS:
            kinds.append(word)
        elif word.rstrip("s") in KINDS:
            kinds.append(word.rstrip("s"))
        elif word in GROUPS:
            kinds.extend(GROUPS[word])
        else:
            raise ValueError(
                f"unknown filter word {sanitize.for_message(word)!r}: use a network "
                f"({', '.join(CHANNELS)}), a kind (mention, call, note…) or 'contacts'"
            )
    return tuple(dict.fromkeys(channels)), tuple(dict.fromkeys(kinds))


def header(summary: CustomerSummary, now_ms: int) -> Content:
    """Name, company, tier, value, contact details, identities, activity: all inert text."""
    p = summary.profile
    first: list[str | tuple[str, str]] = [(_safe(p["name"]), "bold")]
    if p.get("merged_into"):
        first.append((f"  (merged into #{p['merged_into']})", "$warning"))
    facts = [_safe(p[key]) for key in ("company", "tier") if p.get(key) not in (None, "")]
    if p.get("lifetime_value") is not None:
        facts.append(f"${p['lifetime_value']:,.0f} lifetime")
    for key in ("email", "phone"):
        if p.get(key):
            facts.append(_safe(p[key]))
    if facts:
        first.append(("  " + " · ".join(facts), "$text-muted"))
    lines = [Content.assemble(*first)]

    identities = [
        Content.assemble(
            (CHANNEL_BADGES.get(ch, ch), "$secondary"),
            " " + ", ".join(sanitize.handle(h) for h in handles),
        )
        for ch, handles in p["identities"].items()
    ]
    lines.append(
        Content("  ").join(identities)
        if identities
        else Content.styled("no handles known", "$text-muted")
    )

    seen: list[str] = []
    if p.get("first_seen_ms"):
        seen.append(f"first seen {from_ms(p['first_seen_ms']).strftime('%Y-%m-%d')}")
    if p.get("last_seen_ms"):
        seen.append(f"last seen {age(now_ms, p['last_seen_ms'])} ago")
    mentions = sum(p["mentions"].values())
    seen.append(
        f"{mentions:,} mention{'s' if mentions != 1 else ''}"
        + (f" on {len(p['mentions'])} networks" if len(p["mentions"]) > 1 else "")
    )
    for kind, count in sorted(p["interactions"].items()):
        if kind in OFFLINE_KINDS or kind in ("note", "reply", "escalation", "reward"):
            seen.append(f"{count:,} {_counted(kind.replace('_', ' '), count)}")
    lines.append(Content.styled(" · ".join(seen), "$text-muted"))
    if p.get("tags"):
        tags = ", ".join(sanitize.inline(tag) for tag in p["tags"])
        lines.append(Content.assemble(("tags: ", "$text-muted"), (tags, "$secondary")))
    if p.get("fields"):
        custom = " · ".join(f"{_safe(k)}: {_safe(v)}" for k, v in p["fields"].items())
        lines.append(Content.styled(custom, "$text-muted"))
    if p.get("notes"):
        lines.append(Content.styled(sanitize.first_line(str(p["notes"])), "italic $text-muted"))
    return Content("\n").join(lines)


def _counted(kind: str, count: int) -> str:
    """`reply`, `replies`; `email`, `emails`."""
    if count == 1:
        return kind
    return kind[:-1] + "ies" if kind.endswith("y") and kind[-2:-1] not in "aeiou" else kind + "s"


class CustomerScreen(ReportsFailures, Screen[None]):
    CSS_PATH = screen_css("customer")

    BINDINGS = [
        Binding("escape", "back", "Back", id="customer.back"),
        Binding("enter", "open", "Open item", id="customer.open"),
        Binding("o", "contact", "Log contact", id="customer.contact"),
        Binding("n", "note", "Note", id="customer.note"),
        Binding("f", "filter", "Filter", id="customer.filter"),
        Binding("M", "merge", "Merge…", id="customer.merge"),
        Binding("t", "tags", "Tags", id="customer.tags"),
        Binding("w", "reward", "Reward", id="customer.reward"),
    ]

    def __init__(self, inbox: Inbox, customer_id: int) -> None:
        super().__init__()
        self.inbox = inbox
        self.customer_id = customer_id
        self.summary: CustomerSummary | None = None
        self.channels: tuple[str, ...] = ()
        self.kinds: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        clock = getattr(self.app, "clock", None)
        with Vertical(id="customer-head"):
            yield Static(Content("Loading…"), id="customer-profile")
            with Horizontal(id="customer-mood"):
                yield Static(id="customer-stance")
                yield Sparkline([], id="customer-trend")
                yield Static(
                    Content(""),
                    id="customer-trend-label",
                )
        yield Static(id="customer-status")
        yield TimelineList(id="timeline", **({"clock": clock} if clock else {}))
        yield InertInput(
            placeholder="filter: github mastodon call note contacts… (empty: all)",
            id="customer-filter",
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.set_class(self.app.no_color, "-no-color")
        self.query_one("#customer-filter", Input).display = False
        self.set_focus(self.query_one(TimelineList))
        self.reload()

    @property
    def timeline(self) -> TimelineList:
        return self.query_one(TimelineList)

    @work(group="customer-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        self.timeline.expect_window()
        # The history first (a page and a count from the indexes), then the summary,
        # which tallies every scored item: a long history shows at once either way.
        window = timeline_window(self.inbox, self.customer_id, self.channels, self.kinds)
        await window.start()
        self.timeline.set_window(window)
        await self.timeline.load_count()
        self.update_status()
        summary = await customer_summary(self.inbox, self.customer_id)
        self.summary = summary
        self.query_one("#customer-profile", Static).update(header(summary, self.inbox.now_ms()))
        stance = summary.stance
        self.query_one("#customer-stance", Static).update(
            Content.assemble(
                (f"{stance.value}", STANCE_STYLE[stance]),
                (
                    f" ({summary.scored} scored"
                    + (f", {summary.unscored} unscored" if summary.unscored else "")
                    + ")  ",
                    "$text-muted",
                ),
            )
        )
        self.query_one(Sparkline).data = summary.trend
        self.query_one("#customer-trend-label", Static).update(
            Content.styled(f" {summary.trend_label}", "$text-muted")
        )
        self.update_status()

    def update_status(self) -> None:
        window = self.timeline.window
        count = f"{window.size:,}" if window is not None and window.total is not None else "…"
        where = " ".join(self.channels + self.kinds) or "everything"
        name = _safe(self.summary.profile["name"]) if self.summary else "…"
        at = f"{self.timeline.cursor + 1:,}/" if window is not None and window.size else ""
        self.query_one("#customer-status", Static).update(
            Content.assemble(
                ("history of ", "$text-muted"),
                (name, "bold"),
                (f" · {where} · {at}{count} items", "$text-muted"),
            )
        )

    def on_timeline_list_highlighted(self, message: TimelineList.Highlighted) -> None:
        self.update_status()

    # ---------------------------------------------------------------- actions

    def action_back(self) -> None:
        search = self.query_one("#customer-filter", Input)
        if search.display:
            search.display = False
            self.set_focus(self.timeline)
            return
        self.dismiss(None)

    def action_open(self) -> None:
        item = self.timeline.selected
        if item is not None:
            self._open(item.source, item.id)

    def on_timeline_list_opened(self, message: TimelineList.Opened) -> None:
        self._open(message.row.source, message.row.id)

    @work(group="customer-open", exclusive=True, exit_on_error=False)
    async def _open(self, source: int, item_id: int) -> None:
        from scrm_tui.ui.dialogs.item import ItemScreen

        now = self.inbox.now_ms()
        if source == 0:
            detail = await self.inbox.detail(item_id)
            await self.app.push_screen(ItemScreen(mention=detail, now_ms=now))
        else:
            entry = await history_entry(self.inbox, item_id)
            await self.app.push_screen(ItemScreen(item=entry, now_ms=now))

    def _customer_name(self) -> str:
        return _safe(self.summary.profile["name"]) if self.summary else f"#{self.customer_id}"

    def action_contact(self) -> None:
        self.app.push_screen(ContactScreen(self._customer_name(), self.inbox.now_ms()), self._saved)

    def action_note(self) -> None:
        self.app.push_screen(
            ContactScreen(self._customer_name(), self.inbox.now_ms(), note=True), self._saved
        )

    def action_reward(self) -> None:
        """`w`: a reward (kind and note) in this customer's history."""
        from scrm_tui.ui.dialogs.reward import RewardScreen

        def chosen(entry: RewardEntry | None) -> None:
            if entry is not None:
                self._reward(entry)

        self.app.push_screen(RewardScreen(self._customer_name()), chosen)

    @work(group="customer-write", exit_on_error=False)
    async def _reward(self, entry: RewardEntry) -> None:
        from scrm_tui.service.advocacy import record_reward

        await record_reward(self.inbox, entry.kind, entry.note, customer_id=self.customer_id)
        self.notify(f"Reward recorded: {entry.kind}", markup=False)
        self.reload()

    def _saved(self, entry: ContactEntry | None) -> None:
        if entry is not None:
            self._write(entry)

    @work(group="customer-write", exit_on_error=False)
    async def _write(self, entry: ContactEntry) -> None:
        if entry.kind == "note":
            await self.inbox.add_note(self.customer_id, entry.summary)
        else:
            await self.inbox.log_contact(
                self.customer_id,
                entry.kind,
                entry.summary,
                direction=entry.direction,
                at_ms=entry.at_ms,
            )
        self.notify(f"{entry.kind.replace('_', ' ')} saved", markup=False)
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#customer-filter", Input)
        box.display = True
        box.value = " ".join(self.channels + self.kinds)
        self.set_focus(box)

    @on(Input.Submitted, "#customer-filter")
    def _filter(self, event: Input.Submitted) -> None:
        try:
            self.channels, self.kinds = parse_filter(event.value)
        except ValueError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        event.input.display = False
        self.set_focus(self.timeline)
        self.reload()

    def action_tags(self) -> None:
        from scrm_tui.ui.dialogs.tag_edit import TagScreen

        current = self.summary.profile.get("tags", ()) if self.summary else ()
        title = f"Tags of {self._customer_name()}"

        def edited(edit: TagEdit | None) -> None:
            if edit is not None:
                self._tag(edit)

        self.app.push_screen(TagScreen(self.inbox.tags_in_use, title, current), edited)

    @work(group="customer-write", exit_on_error=False)
    async def _tag(self, edit: TagEdit) -> None:
        from scrm_tui.ui.dialogs.tag_edit import tagged

        outcome = await self.inbox.edit_customer_tags(self.customer_id, edit)
        self.notify(tagged(outcome, 1, "customer"), markup=False)
        self.reload()

    def action_merge(self) -> None:
        from scrm_tui.ui.dialogs.merge import MergeScreen

        self.app.push_screen(MergeScreen(self.inbox, self.customer_id), self._merged)

    def _merged(self, result: Any) -> None:
        if result:
            self.notify(str(result), markup=False)
            self.reload()
