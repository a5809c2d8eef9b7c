"""The smallest Textual app: the yardstick for scrm's time to first paint and keypress.

`j` counts up on the same line (`minimal app ready · 2`): the key -> frame of a bare
app, under the same harness as the inbox's `j` (bench/key_floor.py)."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class Minimal(App[None]):
    BINDINGS = [Binding("j", "count", "Count")]
    presses = 1

    def compose(self) -> ComposeResult:
        yield Static("minimal app ready · 1")

    def action_count(self) -> None:
        self.presses += 1
        self.query_one(Static).update(f"minimal app ready · {self.presses}")


if __name__ == "__main__":
    Minimal().run()
