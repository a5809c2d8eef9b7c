"""scrm: a social CRM inbox for the terminal."""

__version__ = "0.1.0"
