"""The screens the inbox opens: a customer (`l` links an author, `c` their customer, `C`
a search), the rewards and a reward (`w`), the queues (`E`, `O`, `L`), the dashboard
(`D`) and a spike (`!`), and whatever records a figure opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from scrm_tui.core import sanitize
from scrm_tui.core.query import QueryError, parse
from scrm_tui.ui.screens.inbox_part import InboxPart

if TYPE_CHECKING:
    from scrm_tui.ui.dialogs.reward import RewardEntry
    from scrm_tui.ui.screens.figures import Opened


class OpenActions(InboxPart):
    """For the inbox screen: the screens it opens (S, the sources, is its own)."""

    # ---------------------------------------------------------------- customers

    def action_link(self) -> None:
        row = self._selected()
        if row is not None:
            self._open_link(row.id)

    @work(group="link", exclusive=True, exit_on_error=False)
    async def _open_link(self, mention_id: int) -> None:
        from scrm_tui.ui.dialogs.link import LinkScreen

        author = await self.inbox.linker.author(mention_id)
        if author is not None:
            self.app.push_screen(LinkScreen(self.inbox.linker, author), self._linked)

    def _linked(self, result: str | None) -> None:
        if not result:
            return
        if result.startswith("open:"):
            self.open_customer(int(result.split(":", 1)[1]))
            return
        self.notify(result, markup=False)
        # Every row by this author changed: re-read what is on screen.
        self.check_changes(force=True)
        if self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def action_customer(self) -> None:
        row = self._selected()
        if row is not None:
            self._customer_of(row.id)

    @work(group="link", exclusive=True, exit_on_error=False)
    async def _customer_of(self, mention_id: int) -> None:
        author = await self.inbox.linker.author(mention_id)
        if author is None:
            return
        if author.customer_id is not None:
            self.open_customer(author.customer_id)
        else:
            self.notify("Not linked to a customer yet: l links this author.", markup=False)

    def action_find_customer(self) -> None:
        from scrm_tui.ui.dialogs.find_customer import FindCustomerScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(FindCustomerScreen(self.inbox.linker), chosen)

    def open_customers(self, title: str, ids: tuple[int, ...]) -> None:
        """The customers behind a figure; Enter on one opens them."""
        from scrm_tui.ui.screens.customer_list import CustomerListScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(CustomerListScreen(self.inbox, title, ids), chosen)

    def open_customer(self, customer_id: int) -> None:
        from scrm_tui.ui.screens.customer import CustomerScreen

        self.app.push_screen(CustomerScreen(self.inbox, customer_id))

    def open_rewards(self) -> None:
        """The rewards ledger; Enter on one opens its customer."""
        from scrm_tui.ui.screens.rewards import RewardsScreen

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.open_customer(customer_id)

        self.app.push_screen(RewardsScreen(self.inbox), chosen)

    def action_reward(self) -> None:
        """`w`: a reward for the selected mention's author (and their customer, if linked)."""
        row = self._selected()
        if row is not None:
            self._reward_author(row.id, sanitize.inline(row.author_name or row.author_handle))

    @work(group="reward", exclusive=True, exit_on_error=False)
    async def _reward_author(self, mention_id: int, whom: str) -> None:
        from scrm_tui.ui.dialogs.reward import RewardScreen

        author = await self.inbox.linker.author(mention_id)
        if author is None:
            return

        def chosen(entry: RewardEntry | None) -> None:
            if entry is not None and author is not None:
                self._give_reward(author.id, whom, entry)

        self.app.push_screen(RewardScreen(whom), chosen)

    @work(group="reward-write", exit_on_error=False)
    async def _give_reward(self, author_id: int, whom: str, entry: RewardEntry) -> None:
        from scrm_tui.service.advocacy import record_reward

        await record_reward(self.inbox, entry.kind, entry.note, author_id=author_id)
        self.notify(f"Reward recorded for {whom}: {entry.kind}", markup=False)

    # ---------------------------------------------------------------- queues and figures

    def action_escalations(self) -> None:
        from scrm_tui.ui.screens.escalations import EscalationsScreen

        self.app.push_screen(EscalationsScreen(self.inbox))

    def action_outbox(self) -> None:
        from scrm_tui.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen(self.inbox))

    def action_review(self) -> None:
        from scrm_tui.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.inbox))

    def action_dashboard(self) -> None:
        from scrm_tui.ui.screens.dashboard import DashboardScreen

        screen = DashboardScreen(self.inbox, self._dashboard_range)

        def opened(records: Opened | None) -> None:
            self._dashboard_range = screen.range_name  # the next D opens on it
            self.open_records(records)

        self.app.push_screen(screen, opened)

    def open_records(self, records: Opened | None) -> None:
        """Enter on a figure (D, !): the inbox shows exactly its records, as if typed
        after / (or the screen or customers that they are)."""
        if records is not None and records.filter:
            try:
                self.load_view(parse(records.filter))
            except QueryError as error:  # made by the report; never a crash
                self.notify(f"Cannot open those mentions: {error}", markup=False)
        elif records is not None and records.screen == "escalations":
            self.action_escalations()
        elif records is not None and records.screen == "rewards":
            self.open_rewards()
        elif records is not None and records.customer is not None:
            self.open_customer(records.customer)
        elif records is not None and records.customers is not None:
            self.open_customers(records.title, records.customers)

    def action_spike(self) -> None:
        """`!`: the newest spike of the last hours, explained; Enter opens its mentions."""
        if self.spike is None:
            self.notify("No spike in the last few hours.", markup=False)
            return
        from scrm_tui.service.measures import Settings
        from scrm_tui.ui.screens.spike import SpikeScreen

        settings = Settings.of(self.inbox.config, self.inbox.watch_words)
        self.app.push_screen(SpikeScreen(self.inbox, self.spike.hour, settings), self.open_records)
