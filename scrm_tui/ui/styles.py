"""Where the style sheets are: the inbox's, read at start, and the other screens'."""

from pathlib import Path

FOLDER = Path(__file__).parent.parent / "styles"
INBOX_CSS = FOLDER / "app.tcss"
# Read (by Textual) when the first screen that names it opens, so that the inbox's
# first frame parses only its own rules.
SCREENS_CSS = FOLDER / "screens.tcss"
