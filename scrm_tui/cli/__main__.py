"""Entry point for `python -m scrm_tui.cli`, as for `python -m scrm_tui`."""

from scrm_tui.cli.main import main

# Guarded: worker processes (spawned for sentiment scoring) import this module
# again under another name and must not start a second scrm.
if __name__ == "__main__":
    raise SystemExit(main())
