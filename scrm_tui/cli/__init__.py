"""Command line: parse arguments, then start the inbox or run a headless command.

Each command lives in a module of its own, imported only when it runs (see parser.py's
Command); Textual only by the commands that open the inbox. So `scrm ingest` and
`scrm export` start quickly inside scripts and pipes.
"""

from scrm_tui.cli.main import main

__all__ = ["main"]
