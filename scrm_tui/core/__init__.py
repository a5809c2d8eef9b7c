"""Plain data types, parsing and the filter language: no I/O at all."""
