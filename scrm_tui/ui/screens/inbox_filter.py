"""The inbox's filter and views: `/` typed and submitted, `n`/`N` between the
matches of the last one, keys 1-9 for the saved views and `V` to save one."""

from __future__ import annotations

from textual import work

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionRow
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.core.views import View, filter_problem
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.screens.inbox_part import InboxPart


class FilterAndViews(InboxPart):
    """For the inbox screen: its filter line, search and views."""

    # ---------------------------------------------------------------- views

    @property
    def views(self) -> list[View]:
        """The views the bar shows (the palette lists them)."""
        return self.view_bar.views

    def action_view(self, number: int) -> None:
        """Keys 1-9: show that view; the same key again (or 0) shows everything."""
        view = self.view_bar.view_at(number)
        if number == 0 or (view is not None and self._requested == self.view_bar.query_of(view)):
            if not self._requested.is_empty:
                self.load_view(Query())
        elif view is not None:
            self.show_view(view)
        elif not self.views:
            self.notify("No views yet: / types a filter, then V saves it as one.", markup=False)
        else:
            self.notify(f"No view {number}: there are {len(self.views)}.", markup=False)

    def show_view(self, view: View) -> None:
        """The list shows the view's filter, as if typed after `/`."""
        query = self.view_bar.query_of(view)
        if query is None:
            # Saved before the filter language changed; the config's are checked at start.
            self.notify(
                f"View '{sanitize.inline(view.name)}': "
                f"{sanitize.inline(filter_problem(view.filter) or '')}. Ctrl+P deletes it.",
                severity="error",
                markup=False,
            )
        elif query != self._requested:
            self.load_view(query)

    def action_save_view(self) -> None:
        """V: save the filter the list shows under a name."""
        if self._requested.is_empty:
            self.notify("No filter to save: / types one, then V saves it as a view.", markup=False)
            return
        from scrm_tui.ui.dialogs.save_view import SaveViewScreen

        def saved(view: View | None) -> None:
            if view is not None:
                self.view_bar.recount()
                self.notify(f"Saved view '{sanitize.inline(view.name)}'.", markup=False)

        self.app.push_screen(SaveViewScreen(self.inbox.views, self._requested.source), saved)

    @work(group="views", exit_on_error=False)
    async def delete_view(self, view: View) -> None:
        """Delete one of the agent's own views (from the palette)."""
        source = await self.inbox.views.delete(view.name)
        self.view_bar.recount()
        name = sanitize.inline(view.name)
        if source is None:
            self.notify(f"View '{name}' was already deleted.", markup=False)
        else:
            self.notify(
                f"Deleted view '{name}' (/{sanitize.inline(source)}); V saves a filter again.",
                markup=False,
            )

    # ---------------------------------------------------------------- filter

    def action_filter(self) -> None:
        self._cancel_bar_close()
        self.filter_bar.open(self.query_.source)

    def _filter_submitted(self, text: str) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        if not self._apply_filter(text):
            return
        if self._requested == self.query_:
            self._close_filter(clear=False)
            return
        # Its rows are on their way: the line goes in their frame, one layout of the
        # screen for both (closing it now costs one more while the query runs), and the
        # footer's keys for the list follow that frame. Keys typed meanwhile go to the
        # list, which holds them for the new rows.
        self._bar_closing = True
        self.footer.hold()
        self.set_focus(self.mention_list, scroll_visible=False)

    def _close_bar_for_rows(self) -> None:
        """The rows of a filter submitted with Enter are in place: its line goes."""
        if self._bar_closing:
            self.filter_bar.close()
            self._cancel_bar_close()

    def _footer_follows(self) -> None:
        """The first rows are in place (or could not be read): the footer's keys come
        after their frame."""
        if self._footer_waits:
            self._footer_waits = False
            if not self._bar_closing:  # else that close releases it, with its rows
                self.footer.release()

    def _cancel_bar_close(self) -> None:
        """No close is waiting for rows (any more): the footer follows the focus again."""
        if self._bar_closing:
            self._bar_closing = False
            self.footer.release()

    def _apply_filter(self, text: str) -> bool:
        try:
            query = parse(text)
        except QueryError as error:
            # The list keeps the last filter that made sense.
            self.filter_bar.show_error(text, str(error), error.position, error.length)
            return False
        self.filter_bar.say("searching…")
        if not query.is_empty:
            self._search = query
        # Typing back to the filter shown while another loads replaces that load too.
        if query != self.query_ or query != self._requested:
            self.load_view(query)
        return True

    def _close_filter(self, *, clear: bool) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._cancel_bar_close()
        self.filter_bar.close()
        self.set_focus(self.mention_list, scroll_visible=False)
        # The filter still loading counts too: Esc right after typing clears it.
        if clear and not (self.query_.is_empty and self._requested.is_empty):
            self.load_view(Query())

    # ---------------------------------------------------------------- n / N

    def action_next_match(self) -> None:
        self._step_search(older=True)

    def action_previous_match(self) -> None:
        self._step_search(older=False)

    def _step_search(self, *, older: bool) -> None:
        """As mutt's `n`/`N`: the selection moves to the next (or previous) mention in
        the list that matches the last `/` filter; the list itself stays as it is."""
        search = self._search
        window = self.mention_list.window
        row = self._selected()
        if search is None:
            self.notify("No search yet: / finds, then n and N move between matches.", markup=False)
            return
        if window is None or row is None:
            return
        self.mention_list.hold_keys()  # keys typed meanwhile apply where n lands
        self._go_to_match(window, row, search, older)

    @work(group="search", exclusive=True, exit_on_error=False)
    async def _go_to_match(
        self, window: StreamWindow, row: MentionRow, search: Query, older: bool
    ) -> None:
        mention_list = self.mention_list
        try:
            found = await self.inbox.next_match(
                window.query,
                search,
                row.key_in(window.order),
                older=older,
                upto=window.mark,
                order=window.order,
            )
            if window is not mention_list.window:
                return
            if found is None:
                where = "below" if older else "above"
                self.notify(f"No more matches {where} for /{search.source}", markup=False)
                return
            index = window.position_of(found.id)
            if index is None:
                key = found.key_in(window.order)
                index = await self.inbox.position(window.query, key, window.mark, window.order)
                await window.place(key, index, span=window.page)
                if window is not mention_list.window:
                    return
                mention_list.window_moved()
                index = window.position_of(found.id)
            if index is not None:
                mention_list.cursor = index
        finally:
            if window is mention_list.window:
                mention_list.release_keys()
