"""scrm: a social CRM inbox for the terminal."""

__version__ = "0.1.0"

# Every entry point (`scrm`, `python -m scrm_tui`, the TUI, a worker process) starts
# here: the channels package registers each network in the table core reads
# (core/networks.py) before any lookup. Registering is cheap: no HTTP library loads
# until a network is used.
import scrm_tui.channels  # noqa: F401
