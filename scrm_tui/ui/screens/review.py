"""The review queue (`L`): every open link suggestion, most probable first, evidence side by
side."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.domains import shown_address
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.reviews import Batch, Evidence, ReviewRow, Reviews, ReviewWindow
from scrm_tui.ui.cells import fit, one_line
from scrm_tui.ui.dialogs.at_least import ConfirmAtLeast
from scrm_tui.ui.dialogs.link import chance, matched_on
from scrm_tui.ui.screens.queue import Cell, Column, WindowedQueueScreen
from scrm_tui.ui.widgets.mention_list import CHANNEL_BADGES

LABEL = 9  # the evidence table's first column
DEFAULT_AT_LEAST = 95.0  # percent


def network(channel: str) -> str:
    return CHANNEL_BADGES.get(channel, sanitize.inline(channel))


def evidence_table(row: ReviewRow, first: Evidence, width: int) -> Content:
    """The author and the suggested customer, field by field, in two columns."""
    column = max((width - LABEL) // 2 - 1, 12)
    known = ", ".join(f"{sanitize.one_line(h)} ({network(c)})" for c, h in first.handles[:3])
    if len(first.handles) > 3:
        known += f" +{len(first.handles) - 3}"
    pairs = [
        ("", "Author", f"Customer #{first.customer_id}"),
        ("name", sanitize.one_line(row.display_name) or "—", sanitize.one_line(first.name) or "—"),
        ("handle", f"{sanitize.handle(row.handle)} ({network(row.channel)})", known or "—"),
        ("e-mail", "—", sanitize.one_line(first.email) or "—"),
        ("company", "—", sanitize.one_line(first.company) or "—"),
        # What an account on the company's domain is judged by: the author's profile
        # address against the customer's e-mail domain.
        ("web", sanitize.one_line(row.url) or "—", _domain(first.email)),
    ]
    lines = []
    for label, left, right in pairs:
        style = "bold" if not label else ""
        lines.append(
            Content.assemble(
                (fit(label, LABEL), "$text-muted"),
                (fit(left, column), style),
                " ",
                (fit(right, column), style),
            )
        )
    if row.links:
        # The profile's links on one line across both columns (the probability under the
        # table stays in view at 80x24), proven ones first: only those are evidence; an
        # unverified one is shown for a person to judge.
        ordered = sorted(row.links, key=lambda link: not link.verified)
        shown = ", ".join(
            f"{sanitize.one_line(shown_address(link.url))} "
            f"{'✓ verified' if link.verified else '(unverified)'}"
            for link in ordered
        )
        lines.append(
            Content.assemble((fit("links", LABEL), "$text-muted"), fit(shown, 2 * column + 1))
        )
    return Content("\n").join(lines)


def _domain(email: str | None) -> str:
    """`@acme.com` of an e-mail, or `—`."""
    _, at, domain = (email or "").rpartition("@")
    return f"@{sanitize.one_line(domain)}" if at and domain else "—"


class ReviewScreen(WindowedQueueScreen[ReviewRow]):
    PREFIX = "review"
    NAME = "Review links"
    REFRESH_S = 1.0

    BINDINGS = [
        Binding("y", "confirm", "Confirm", id="review.confirm"),
        Binding("n", "reject", "Not them", id="review.reject"),
        Binding("s", "skip", "Skip", id="review.skip"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("Y", "confirm_at_least", "Confirm many", id="review.confirm_all"),
        Binding("escape,q", "back", "Back", id="review.back"),
        Binding("question_mark", "help", "Help", show=False, id="review.help"),
    ]

    COLUMNS = (
        Column("chance", "Prob", 5),
        Column("net", "Net", 4),
        Column("author", "Author", 22, grow=10),
        Column("customer", "Suggested customer", None),
        Column("fields", "Matched on", 18, grow=10),
    )

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.reviews = Reviews(inbox)
        self._seen: int | None = None  # the change mark the rows were read at
        self.done: list[int | Batch] = []  # decisions here, newest last (u)
        self.working = ""  # a batch in progress, for the status line

    # ---------------------------------------------------------------- loading

    @work(group="review-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        queue = self.queue
        window = queue.window
        if not isinstance(window, ReviewWindow):
            queue.expect_window()
            self._seen = await self.reviews.change_mark()  # before the first read
            window = ReviewWindow(self.inbox)
            await window.start()
            queue.set_window(window)
            await queue.load_count()
        elif (mark := await self.reviews.change_mark()) == self._seen:
            return
        else:
            # Decisions here or by others, and new suggestions: read again where the
            # agent is, and counted again.
            await queue.resync([])
            self._seen = mark
        self.loaded = True
        self._show_status()
        self._show_detail()
        queue.refresh()

    def _row_cells(self, row: ReviewRow) -> tuple[Cell, ...]:
        first = row.first
        author = sanitize.handle(row.handle)
        if row.display_name:
            author = f"{sanitize.one_line(row.display_name)} {author}"
        customer = "—"
        if first is not None:
            customer = sanitize.one_line(first.name)
            if first.company:
                customer += f" · {sanitize.one_line(first.company)}"
        more = len(row.suggestions) - 1
        return (
            (chance(row.probability), None if row.probability is not None else "queue--muted"),
            (network(row.channel), "queue--muted"),
            (one_line(author, 80), None),
            (one_line(customer, 120) + (f"  (+{more})" if more > 0 else ""), None),
            (matched_on(first.fields) if first else "—", "queue--muted"),
        )

    def _show_status(self) -> None:
        window = self.queue.window
        total = window.total if window is not None else None
        parts: list[str | tuple[str, str]] = [
            ("Review links", "bold"),
            f"  {total:,} waiting" if total is not None else "  counting…",
            "  most probable first",
        ]
        if self.working:
            parts += [" · ", (self.working, "bold")]
        self.query_one("#review-status", Static).update(Content.assemble(*parts))

    def _show_detail(self) -> None:
        text = self.query_one("#review-detail-text", Static)
        row = self.selected
        if row is None or row.first is None:
            if self.loaded:
                text.update(
                    Content.styled(
                        "No suggestions wait for a decision. Authors the matcher is unsure "
                        "of appear here; l in the inbox links any author by hand.",
                        "$text-muted",
                    )
                )
            return
        first = row.first
        width = max(self.query_one("#review-detail").size.width - 2, 40)
        if first.probability is None:
            how: list[str | tuple[str, str]] = [
                ("Probability not known", "bold"),
                f" (suggested before scrm had them) · score {first.score:.0f}",
            ]
        else:
            how = [("Probability ", "bold"), (chance(first.probability), "bold $accent")]
        lines = [
            evidence_table(row, first, width),
            Content.assemble(*how, f" · matched on {matched_on(first.fields)}"),
        ]
        for other in row.suggestions[1:]:
            lines.append(
                Content.styled(
                    f"Also suggested: {chance(other.probability)} {sanitize.one_line(other.name)} "
                    f"(#{other.customer_id}) · matched on {matched_on(other.fields)}",
                    "$text-muted",
                )
            )
        text.update(Content("\n").join(lines))

    # ---------------------------------------------------------------- actions

    def action_confirm(self) -> None:
        row = self.selected
        if row is not None and not self.working:
            self._decide(row, "confirm")

    def action_reject(self) -> None:
        row = self.selected
        if row is not None and not self.working:
            self._decide(row, "reject")

    def action_skip(self) -> None:
        self.queue.action_cursor_down()

    @work(group="review-write", exit_on_error=False)
    async def _decide(self, row: ReviewRow, how: str) -> None:
        first = row.first
        if first is None:
            return
        # Decided elsewhere since it was read? Say so rather than decide twice.
        now = await self.reviews.row(row.author_id)
        if now is None or now.first is None or now.first.customer_id != first.customer_id:
            self.notify(
                f"{sanitize.handle(row.handle)} was decided meanwhile; the list is read again.",
                markup=False,
            )
            self.reload()
            return
        who = f"{sanitize.handle(row.handle)} → {sanitize.one_line(first.name)}"
        if how == "confirm":
            await self.reviews.confirm(row)
            self.queue.drop({row.author_id})
            self.notify(f"Linked {who}.", markup=False)
        else:
            await self.reviews.reject(row)
            self.notify(f"Not them: {who}.", markup=False)
        self.done.append(row.author_id)
        self.reload()

    @work(group="review-write", exit_on_error=False)
    async def action_undo(self) -> None:
        if self.working:
            return
        if not self.done:
            self.notify("Nothing decided here to undo.", markup=False)
            return
        what = self.done.pop()
        if isinstance(what, Batch):
            self.working = f"undoing {len(what.authors):,} links…"
            self._show_status()
            try:
                undone = await self.reviews.undo_batch(what)
            finally:
                self.working = ""
            self.notify(f"Undid the batch: {undone:,} links taken back.", markup=False)
        else:
            how = await self.reviews.undo(what)
            self.notify(f"Undid: {how}." if how else "Nothing to undo.", markup=False)
        self.reload()

    def action_confirm_at_least(self) -> None:
        if self.working:
            return

        def chosen(probability: float | None) -> None:
            if probability is not None:
                self._confirm_at_least(probability)

        self.app.push_screen(ConfirmAtLeast(self.reviews, DEFAULT_AT_LEAST), chosen)

    @work(group="review-write", exit_on_error=False)
    async def _confirm_at_least(self, probability: float) -> None:
        def progress(done: int, total: int) -> None:
            self.working = f"linking {done:,} of {total:,}…"
            self._show_status()

        self.working = "linking…"
        self._show_status()
        try:
            batch = await self.reviews.confirm_at_least(probability, progress)
        finally:
            self.working = ""
        self.done.append(batch)
        self.notify(
            f"Linked {len(batch.authors):,} authors at least {chance(probability)} likely "
            "(u undoes them all).",
            markup=False,
        )
        self.reload()
