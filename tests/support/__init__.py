"""Helpers the tests share: terminals, processes, clocks, the pilot, hostile text, SQL traces."""
