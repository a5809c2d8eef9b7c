"""The reading pane: one mention in full, every stranger-supplied string inert."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.style import Style
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.domains import ProfileLink, shown_address
from scrm_tui.core.language import shown as language_shown
from scrm_tui.core.models import Escalation, MentionRow, OutboxItem, SentimentLabel, Status
from scrm_tui.core.models import MentionDetail as Detail
from scrm_tui.core.team import DOING
from scrm_tui.core.timefmt import absolute, age
from scrm_tui.ui.keys import InOrderKeys
from scrm_tui.ui.widgets.mention_list import (
    ASSIGNEE_MARK,
    CHANNEL_BADGES,
    SENTIMENT_GLYPHS,
    SUGGESTED_MARK,
    UNSCORED_MARK,
    claim_label,
)

_SENTIMENT_STYLE = {
    SentimentLabel.POSITIVE: "$success",
    SentimentLabel.NEGATIVE: "$error",
    SentimentLabel.NEUTRAL: "$text-muted",
}


def _ago(now_ms: int, then_ms: int) -> str:
    when = age(now_ms, then_ms)
    return "just now" if when == "now" else f"{when} ago"


def _plain(text: str, style: str = "") -> tuple[str, str]:
    """A literal piece of text with a style; never parsed as markup."""
    return (text, style)


def _linked(text: str, url: str | None, style: str = "") -> Content:
    """`text` (already made inert) as a hyperlink to `url` where the terminal supports
    them (OSC 8); plain text when the URL is not a plain http(s) address: the target
    goes to the terminal verbatim, so sanitize.link decides, never the stranger."""
    content = Content.styled(text, style) if style else Content(text)
    target = sanitize.link(url)
    return content.stylize(Style(link=target)) if target else content


def _links_line(links: Sequence[ProfileLink]) -> Content:
    """`links: halcy.de ✓ verified · demoscene.vc (unverified)`: what the author's profile
    gives. Only a verified one (its network proved it theirs) counts for matching."""
    parts: list[str | tuple[str, str] | Content] = [_plain("links: ", "$text-muted")]
    for n, link in enumerate(links[:_LINKS_SHOWN]):
        if n:
            parts.append(" · ")
        shown = sanitize.one_line(shown_address(link.url))
        parts.append(_linked(shown, link.url, "$secondary"))
        parts.append(_plain(" ✓ verified", "$success") if link.verified else " (unverified)")
    if len(links) > _LINKS_SHOWN:
        parts.append(_plain(f" +{len(links) - _LINKS_SHOWN} more", "$text-muted"))
    return Content.assemble(*parts)


_LINKS_SHOWN = 4  # Mastodon's own limit of profile fields


def _how_linked(state: str | None, score: float | None) -> str:
    """How the author came to be this customer, in words."""
    if state == "auto":
        return f"matched automatically, {score:.0f}" if score is not None else "matched"
    return {
        "identity": "known handle",
        "confirmed": "confirmed",
    }.get(state or "", state or "linked")


def _team_line(assignee: str | None, tags: Sequence[str]) -> Content | None:
    """`→ assigned to dana · tags: billing, vip`, when it has either."""
    parts: list[str | tuple[str, str]] = []
    if assignee:
        name = sanitize.one_line(assignee)
        parts += [_plain(f"{ASSIGNEE_MARK} assigned to ", "$text-muted"), _plain(name, "bold")]
    if tags:
        parts += [" · " if parts else "", _plain("tags: ", "$text-muted")]
        parts.append(_plain(", ".join(sanitize.inline(tag) for tag in tags), "$secondary"))
    return Content.assemble(*parts) if parts else None


def describe(detail: Detail, now_ms: int) -> tuple[Content, Content, Content | None]:
    """Head, body and (if known) the parent post, as Content built from plain text."""
    row = detail.row
    handle = sanitize.handle(row.author_handle)
    name = sanitize.one_line(row.author_name)
    label = row.label
    lines: list[Content] = []

    who: list[str | tuple[str, str] | Content] = []
    if name:
        who += [_plain(name, "bold"), "  "]
    at_handle = "@" + handle if not handle.startswith("@") else handle
    who.append(_linked(at_handle, detail.author_url, "$secondary"))  # the author's profile
    if detail.followers is not None:
        who.append(f"  · {detail.followers:,} followers")
    lines.append(Content.assemble(*who))
    if detail.author_links:
        lines.append(_links_line(detail.author_links))

    if row.customer_name:
        customer: list[str | tuple[str, str]] = [
            _plain("◆ customer: ", "$accent"),
            _plain(sanitize.one_line(row.customer_name), "bold $accent"),
        ]
        if row.customer_tier:
            customer.append(f" · {sanitize.inline(row.customer_tier)}")
        if detail.customer_company:
            customer.append(f" · {sanitize.one_line(detail.customer_company)}")
        customer.append(
            _plain(f"  [{_how_linked(row.match_state, detail.match_score)}]", "$text-muted")
        )
        lines.append(Content.assemble(*customer))
    elif row.suggested:
        lines.append(
            Content.assemble(
                _plain(f"{SUGGESTED_MARK} possibly a customer", "$warning"),
                _plain(" — l to review the match, c for the customer", "$text-muted"),
            )
        )

    state = "done" if row.status is Status.DONE else "open"
    lines.append(
        Content.assemble(
            _plain(CHANNEL_BADGES.get(row.channel, row.channel), "$secondary"),
            f" · {absolute(row.created_ms)} ({_ago(now_ms, row.created_ms)}) · ",
            _plain(state, "bold" if state == "open" else "$text-muted"),
            " · ",
            "read" if row.is_read else _plain("unread", "bold"),
        )
    )
    team = _team_line(row.assignee, row.tags)
    if team is not None:
        lines.append(team)
    lines.extend(_priority_and_snooze(detail))
    if detail.url:
        lines.append(_linked(sanitize.inline(detail.url), detail.url))
    if detail.link:
        # Where a story or a link post points: the post's own page is the line above.
        lines.append(
            Content.assemble(
                _plain("→ links to ", "$text-muted"),
                _linked(sanitize.inline(detail.link), detail.link),
            )
        )
    if detail.matched:
        lines.append(Content.styled(f"matched: {sanitize.inline(detail.matched)}", "$text-muted"))
    sentiment = detail.sentiment
    if sentiment is None or label is None:
        lines.append(
            Content.assemble(
                _plain(f"{UNSCORED_MARK} unscored", "bold $text-muted"),
                _plain("  no sentiment scorer reads this language", "$text-muted"),
            )
        )
    elif detail.mood_by is not None:
        # Set by hand: the label is the person's, and its figures are only the label's.
        when = f" {_ago(now_ms, detail.mood_ms)}" if detail.mood_ms else ""
        lines.append(
            Content.assemble(
                _plain(
                    f"{SENTIMENT_GLYPHS[label]} {label.value}", f"bold {_SENTIMENT_STYLE[label]}"
                ),
                _plain(
                    f"  set by {sanitize.inline(detail.mood_by)}{when} · s to change it",
                    "$text-muted",
                ),
            )
        )
    else:
        lines.append(
            Content.assemble(
                _plain(
                    f"{SENTIMENT_GLYPHS[label]} {label.value}", f"bold {_SENTIMENT_STYLE[label]}"
                ),
                f"  compound {sentiment.compound:+.3f}  "
                f"(pos {sentiment.pos:.2f} · neu {sentiment.neu:.2f} · neg {sentiment.neg:.2f})",
            )
        )
    lines.append(
        Content.assemble(
            _plain("language: ", "$text-muted"),
            language_shown(detail.lang, detail.lang_conf, detail.lang_src),
        )
    )
    head = Content("\n").join(lines)
    body = Content(sanitize.block(detail.text) or "(no text)")
    if detail.full_length is not None:
        # Stored cut (a huge post would freeze the pane): say so, and where it all is.
        body = Content.assemble(
            body,
            _plain(
                f"\n\n✂ cut at {len(detail.text):,} of {detail.full_length:,} characters; "
                "`scrm export mentions` has it all",
                "$warning",
            ),
        )

    parent: Content | None = None
    if detail.parent is not None:
        p = detail.parent
        parent_name = sanitize.one_line(p.author_name) or sanitize.handle(p.author_handle)
        parent = Content.assemble(
            _plain("↳ in reply to ", "$text-muted"),
            _plain(parent_name, "bold"),
            f" · {_ago(now_ms, p.created_ms)}\n",
            sanitize.block(p.text[:2000]) + ("…" if len(p.text) > 2000 else ""),
        )
    elif detail.in_reply_to:
        parent = Content.assemble(
            _plain("↳ in reply to a post not stored here: ", "$text-muted"),
            sanitize.inline(detail.in_reply_to),
        )
    return head, body, parent


def describe_claim(row: MentionRow, now_ms: int) -> Content | None:
    """`✎ dana, 12s · answering it now`: another agent is on this mention."""
    label = claim_label(row, now_ms)
    if not label:
        return None
    doing = DOING.get(row.claimed_kind or "", "working on")
    return Content.assemble(
        _plain(label.rstrip(), "bold $warning"), _plain(f" · {doing} it now", "$warning")
    )


def _priority_and_snooze(detail: Detail) -> list[Content]:
    """`P87: enterprise customer · negative · question · 12k followers`, and until when
    the mention is snoozed. Tier names come from customer files: shown inert."""
    lines = []
    if detail.priority_why:
        figure, _, why = sanitize.inline(detail.priority_why).partition(":")
        lines.append(Content.assemble(_plain(figure, "bold"), _plain(":" + why, "$text-muted")))
    if detail.snoozed_shown:
        lines.append(
            Content.assemble(
                _plain(f"snoozed until {detail.snoozed_shown}", "bold $warning"),
                _plain(" — z wakes it now", "$text-muted"),
            )
        )
    return lines


OUTBOX_MARKS = {
    "sent": ("✓ sent", "$success"),
    "pending": ("… waiting to send", "$warning"),
    "sending": ("→ sending", "$warning"),
    "failed": ("✗ not sent", "bold $error"),
    "discarded": ("– discarded", "$text-muted"),
}


def describe_answers(
    created_ms: int,
    items: Sequence[OutboxItem],
    escalations: Sequence[Escalation],
    drafted: bool,
    now_ms: int,
) -> Content | None:
    """What was done about a mention: replies (with their state), escalations, a draft."""
    lines: list[Content] = []
    sent = [i.sent_ms for i in items if i.state == "sent" and i.sent_ms]
    if items or drafted:
        title = "Replies"
        if sent:
            title += f" · first answered {age(min(sent), created_ms).replace('now', '0s')} after"
        lines.append(Content.styled(f"── {title} ──", "bold $secondary"))
    for item in items:
        mark, style = OUTBOX_MARKS.get(item.state, (item.state, ""))
        when = item.sent_ms if item.sent_ms else item.created_ms
        kind = {"manual": " by hand", "post": " (one post for many)"}.get(item.kind, "")
        parts: list[str | tuple[str, str]] = [
            _plain(mark, style),
            f"{kind} · {_ago(now_ms, when)} · {sanitize.inline(item.created_by or '')}",
        ]
        if item.state == "sent" and item.remote_url:
            parts.append(f" · {sanitize.inline(item.remote_url)}")
        lines.append(Content.assemble(*parts))
        if item.state in ("pending", "failed") and item.last_error:
            again = (
                f" (attempt {item.attempts}; next try {absolute(item.next_ms)})"
                if item.state == "pending"
                else " — O opens the outbox to retry"
            )
            lines.append(
                Content.assemble(
                    _plain("  " + sanitize.inline(item.last_error)[:300], "$error"), again
                )
            )
        text = sanitize.one_line(item.text)
        lines.append(Content.styled("  " + text[:280] + ("…" if len(text) > 280 else ""), "italic"))
    if drafted:
        lines.append(Content.styled("✎ an unsent draft — r to continue it", "$warning"))
    if escalations:
        lines.append(Content.styled("── Escalations ──", "bold $secondary"))
    for esc in escalations:
        who = sanitize.inline(esc.created_by or "")
        parts = [
            _plain(f"! {esc.priority} {sanitize.inline(esc.team)}", "bold"),
            f" · {esc.state} · {_ago(now_ms, esc.created_ms)} by {who}",
        ]
        if esc.note:
            parts.append(f" — {sanitize.one_line(esc.note)[:200]}")
        lines.append(Content.assemble(*parts))
        for target, state, error in esc.deliveries:
            line = f"  → {sanitize.inline(target)}: {state}"
            if error and state != "sent":
                line += f" — {sanitize.inline(error)[:200]}"
            lines.append(Content.styled(line, "$error" if state == "failed" else "$text-muted"))
    return Content("\n").join(lines) if lines else None


class MentionDetail(InOrderKeys, VerticalScroll, can_focus=True):
    """Scrollable view of the selected mention."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="detail.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page_up"),
    ]

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.mention_id: int | None = None
        self._row: MentionRow | None = None
        self._claim: Content | None = None  # as shown

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Content("Nothing selected."), id="detail-head")
        yield Static(id="detail-claim", classes="-hidden")
        yield Static(id="detail-parent", classes="-hidden")
        yield Static(id="detail-text")
        yield Static(id="detail-answers", classes="-hidden")

    def show(
        self,
        detail: Detail | None,
        items: Sequence[OutboxItem] = (),
        escalations: Sequence[Escalation] = (),
        drafted: bool = False,
    ) -> None:
        answers = self.query_one("#detail-answers", Static)
        summary = (
            describe_answers(
                detail.row.created_ms, items, escalations, drafted, int(self.clock() * 1000)
            )
            if detail is not None
            else None
        )
        answers.set_class(summary is None, "-hidden")
        answers.update(summary or Content(""))
        head = self.query_one("#detail-head", Static)
        parent_view = self.query_one("#detail-parent", Static)
        text = self.query_one("#detail-text", Static)
        self._row = detail.row if detail is not None else None
        self.tick()
        if detail is None:
            self.mention_id = None
            head.update(Content("Nothing selected."))
            parent_view.add_class("-hidden")
            text.update(Content(""))
            return
        if detail.row.id != self.mention_id:
            self.scroll_home(animate=False)
        self.mention_id = detail.row.id
        head_content, body, parent = describe(detail, int(self.clock() * 1000))
        head.update(head_content)
        if parent is None:
            parent_view.add_class("-hidden")
            parent_view.update(Content(""))
        else:
            parent_view.remove_class("-hidden")
            parent_view.update(parent)
        text.update(body)

    def tick(self) -> None:
        """Show (or hide) the claim on the mention, with its time as of now (called
        every second: only a change is drawn)."""
        claim = describe_claim(self._row, int(self.clock() * 1000)) if self._row else None
        was = self._claim
        if claim == was:
            return
        try:
            line = self.query_one("#detail-claim", Static)
        except NoMatches:  # the app is closing: the pane's lines are gone before it
            return
        self._claim = claim
        line.set_class(claim is None, "-hidden")
        # '12s' to '13s': the same size, so no layout of the screen (a claim on the
        # mention read would otherwise lay out the whole screen every second).
        same = claim is not None and was is not None and claim.cell_length == was.cell_length
        line.update(claim or Content(""), layout=not same)
