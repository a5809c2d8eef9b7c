"""What the inbox shows when the database is empty, in the list's place: how to begin,
or (once sources listen) that they are listening."""

from __future__ import annotations

from textual.content import Content

from scrm_tui.ui.widgets.top_line import Line

# An empty database, no filter: what fills the inbox (in the list's place, at 80x24).
FIRST_RUN = Content.assemble(
    ("No mentions yet.", "bold"),
    " To begin:\n\n",
    *(
        part
        for command, what in (
            ("scrm demo", "try scrm on demo data (a database of its own)"),
            ("scrm init", "write a config: watch terms and accounts"),
            ("scrm ingest FILE", "add mentions from a JSON Lines file"),
            ("scrm customers import FILE", "add your customers (CSV, JSON, JSON Lines)"),
        )
        for part in (("  " + command.ljust(28), "bold $accent"), what + "\n")
    ),
    (
        "\nOnce the config has watch terms, this app (or scrm watch) listens and\n"
        "mentions appear here. ? lists the keys, q quits.",
        "$text-muted",
    ),
)
# The same, once sources are listening: nothing to do but wait (or look at S).
LISTENING = Content.assemble(
    ("No mentions yet.", "bold"),
    " The sources are listening; what they find appears here.\n\n",
    ("S", "bold $accent"),
    " shows each source's state, ",
    ("?", "bold $accent"),
    " lists the keys.",
)


class FirstRun(Line):
    """Shown by the inbox only while nothing is stored at all (not for a filter that
    matches nothing)."""

    def show(self, *, listening: bool) -> None:
        self.say(LISTENING if listening else FIRST_RUN)
