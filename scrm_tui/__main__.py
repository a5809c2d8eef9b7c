"""Entry point for `python -m scrm_tui`."""

from scrm_tui.cli import main

raise SystemExit(main())
