"""The link pane (`l`): who is this author? Confirm, reject, create, search, undo."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.service.linking import AuthorInfo, CustomerCard, Linker, default_customer_name
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.typeahead import TypeAhead
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line
from scrm_tui.ui.widgets.mention_list import CHANNEL_BADGES

SEARCH_DEBOUNCE = 0.15
_FIELD_WORDS = {"name": "name", "email": "e-mail", "company": "company"}


def matched_on(fields: tuple[str, ...]) -> str:
    """`name, bluesky handle`: what a candidate's score rests on, in words."""
    words = [
        f"{f.split(':', 1)[1]} handle" if f.startswith("handle:") else _FIELD_WORDS.get(f, f)
        for f in fields
    ]
    return ", ".join(sanitize.one_line(w) for w in words) or "—"


def chance(probability: float | None) -> str:
    """`97%`, `99.6%` near certainty, `—` when not known."""
    if probability is None:
        return "—"
    percent = 100 * probability
    return f"{percent:.1f}%" if 99 <= percent < 100 else f"{percent:.0f}%"


def card_line(
    card: CustomerCard,
    score: float | None,
    fields: tuple[str, ...] = (),
    probability: float | None = None,
) -> Content:
    """One candidate: how likely (or, unknown, its score), name, company, tier, e-mail,
    and which fields matched."""
    parts: list[str | tuple[str, str]] = []
    if probability is not None:
        parts.append((f"{chance(probability):>4} ", "bold $accent"))
    elif score is not None:
        parts.append((f"{score:3.0f} ", "bold $accent"))
    parts.append((sanitize.one_line(card.name), "bold"))
    extra = [sanitize.one_line(x) for x in (card.company, card.tier, card.email) if x]
    if extra:
        parts.append((" · " + " · ".join(extra), "$text-muted"))
    if fields:
        parts.append(("\n    matched on " + matched_on(fields), "$text-muted"))
    elif card.handles:
        shown = ", ".join(f"{sanitize.one_line(h)} ({c})" for c, h in card.handles[:3])
        parts.append(("\n    " + shown, "$text-muted"))
    return Content.assemble(*parts)


# The keys line follows the focus: in the search box the letters are text.
KEYS_ON_LIST = keys_line(
    ("enter", "link"), ("n", "not them"), ("a", "new customer"), ("/", "search"),
    ("u", "undo"), ("esc", "close"),
)  # fmt: skip
KEYS_IN_SEARCH = keys_line(("enter", "search"), ("↓", "results"), ("esc", "back to the list"))


class LinkScreen(ReportsFailures, Dialog[str | None]):
    """Candidates for one author; dismisses with what was done (for the status line)."""

    CSS_PATH = dialog_css("link")

    BINDINGS = [
        Binding("escape", "close", "Close", id="link.close"),
        Binding("n", "reject", "Not them", id="link.reject"),
        Binding("a", "create", "New customer", id="link.create"),
        Binding("slash", "search", "Search", id="link.search"),
        Binding("u", "undo", "Undo last link", id="link.undo"),
        Binding("c", "customer", "Open customer", id="link.customer"),
        Binding("j", "cursor_down", "Down", show=False, id="link.down"),
        Binding("k", "cursor_up", "Up", show=False, id="link.up"),
        Binding("down", "results", "Results", show=False, id="link.results"),  # from the search box
    ]

    def __init__(self, linker: Linker, author: AuthorInfo) -> None:
        super().__init__()
        self.linker = linker
        self.author = author
        self.cards: list[CustomerCard] = []
        self.typeahead = TypeAhead(self, SEARCH_DEBOUNCE, self._search)
        self._searching = False

    def compose(self) -> ComposeResult:
        with Vertical(id="link-box", classes="dialog-box"):
            yield Static(id="link-author")
            yield Static(id="link-now")
            yield OptionList(id="link-options")
            yield InertInput(
                placeholder="search customers: name, e-mail, company, handle", id="link-search"
            )
            yield Static(id="link-message")
            yield Static(KEYS_ON_LIST, id="link-keys")

    def on_mount(self) -> None:
        a = self.author
        handle = sanitize.handle(a.handle)
        who: list[str | tuple[str, str]] = ["Who is "]
        if a.display_name:
            who += [(sanitize.one_line(a.display_name), "bold"), " "]
        who += [(handle, "$secondary"), f" on {CHANNEL_BADGES.get(a.channel, a.channel)}?"]
        self.query_one("#link-author", Static).update(Content.assemble(*who))
        self.query_one("#link-search", Input).display = False
        self.load_current()
        self.set_focus(self.query_one(OptionList))

    @work(exclusive=True, group="link-load", exit_on_error=False)
    async def load_current(self) -> None:
        a = self.author
        now = self.query_one("#link-now", Static)
        if a.customer_id is not None:
            card = await self.linker.card(a.customer_id)
            name = sanitize.one_line(card.name) if card else f"#{a.customer_id}"
            how = a.match_state or "linked"
            now.update(
                Content.assemble(
                    ("◆ now linked to ", "$accent"),
                    (name, "bold $accent"),
                    (f" ({how}) — n unlinks, u undoes", "$text-muted"),
                )
            )
        else:
            now.update(Content.styled("Not linked to a customer.", "$text-muted"))
        suggestions = await self.linker.candidates(a)
        if a.customer_id is not None:
            current = await self.linker.card(a.customer_id)
            if current is not None:
                suggestions = [s for s in suggestions if s.customer.id != current.id]
                self._show(
                    [(current, None, (), None)]
                    + [(s.customer, s.score, s.fields, s.probability) for s in suggestions]
                )
                return
        self._show([(s.customer, s.score, s.fields, s.probability) for s in suggestions])
        if not suggestions:
            self.say("No likely customer. / searches all of them; a makes a new one.")

    def _show(
        self, rows: list[tuple[CustomerCard, float | None, tuple[str, ...], float | None]]
    ) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self.cards = [card for card, _, _, _ in rows]
        options.add_options([Option(card_line(*row)) for row in rows])
        if rows:
            options.highlighted = 0

    def say(self, text: str) -> None:
        self.query_one("#link-message", Static).update(Content(text))

    def _chosen(self) -> CustomerCard | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.cards):
            return None
        return self.cards[index]

    # ---------------------------------------------------------------- actions

    def on_descendant_focus(self) -> None:
        typing = isinstance(self.focused, Input)
        self.query_one("#link-keys", Static).update(KEYS_IN_SEARCH if typing else KEYS_ON_LIST)

    def action_results(self) -> None:
        self.set_focus(self.query_one(OptionList))

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        search = self.query_one("#link-search", Input)
        if search.has_focus:
            self.set_focus(self.query_one(OptionList))
            return
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#link-options")
    def _confirm(self, event: OptionList.OptionSelected) -> None:
        card = self._chosen()
        if card is not None:
            self._run(f"linked to {sanitize.one_line(card.name)}", "confirm", card.id)

    def action_reject(self) -> None:
        card = self._chosen()
        if card is not None:
            self._run(
                f"not {sanitize.one_line(card.name)}: won't be suggested again", "reject", card.id
            )

    def action_create(self) -> None:
        from scrm_tui.ui.dialogs.new_customer import NewCustomerScreen

        a = self.author
        who = Content.assemble(
            (sanitize.handle(a.handle), "$secondary"),
            f" on {CHANNEL_BADGES.get(a.channel, a.channel)}",
        )

        def named(name: str | None) -> None:
            if name:
                self._run(f"new customer {name} made from this author", "create", None, name)

        self.app.push_screen(NewCustomerScreen(default_customer_name(a), who), named)

    def action_undo(self) -> None:
        self._run("", "undo", None)

    def action_customer(self) -> None:
        card = self._chosen()
        if card is not None:
            self.dismiss(f"open:{card.id}")

    @work(exclusive=True, group="link-write", exit_on_error=False)
    async def _run(
        self, done: str, what: str, customer_id: int | None, name: str | None = None
    ) -> None:
        a = self.author
        if what == "confirm" and customer_id is not None:
            await self.linker.confirm(a.id, customer_id)
        elif what == "reject" and customer_id is not None:
            await self.linker.reject(a.id, customer_id)
        elif what == "create":
            await self.linker.create_customer(a, name)
        elif what == "undo":
            undone = await self.linker.undo(a.id)
            if undone is None:
                self.say("Nothing to undo for this author.")
                return
            done = f"undid the last change ({undone})"
        self.dismiss(done)

    # ---------------------------------------------------------------- search

    def action_search(self) -> None:
        search = self.query_one("#link-search", Input)
        search.display = True
        self.set_focus(search)

    @on(Input.Changed, "#link-search")
    def _typed(self, event: Input.Changed) -> None:
        self.typeahead.typed(event.value)

    @on(Input.Submitted, "#link-search")
    def _submitted(self, event: Input.Submitted) -> None:
        self.typeahead.entered(event.value)  # and the hits take the focus

    @work(exclusive=True, group="link-search", exit_on_error=False)
    async def _search(self, text: str, focus: bool = False) -> None:
        if not text.strip():
            self.load_current()
            return
        hits = await self.linker.search(text)
        self._show([(hit.customer, None, (), None) for hit in hits])
        self.say(f"{len(hits)} customers match" if hits else "No customer matches.")
        if focus:
            self.set_focus(self.query_one(OptionList))
