"""Where the style sheets are: the inbox's, read at start, and each other screen's and
dialog's, read (by Textual) when the first screen that names it opens, so that the
inbox's first frame parses only its own rules."""

from pathlib import Path, PurePath

FOLDER = Path(__file__).parent.parent / "styles"
INBOX_CSS = FOLDER / "app.tcss"
SCREENS_CSS = FOLDER / "screens.tcss"  # what the screens other than the inbox share
DIALOGS_CSS = FOLDER / "dialogs.tcss"  # what every dialog shares


def screen_css(*names: str) -> list[str | PurePath]:
    """A screen's sheets: what the screens share, then its own (styles/screens/)."""
    return [SCREENS_CSS, *(FOLDER / "screens" / f"{name}.tcss" for name in names)]


def dialog_css(name: str) -> list[str | PurePath]:
    """A dialog's sheets: what the dialogs share, then its own (styles/dialogs/)."""
    return [DIALOGS_CSS, FOLDER / "dialogs" / f"{name}.tcss"]


def other_sheets() -> list[Path]:
    """Every sheet but the inbox's, shared ones first (a screen's own rules come after
    them, as when it opens)."""
    own = [
        *sorted((FOLDER / "screens").glob("*.tcss")),
        *sorted((FOLDER / "dialogs").glob("*.tcss")),
    ]
    return [SCREENS_CSS, DIALOGS_CSS, *own]
