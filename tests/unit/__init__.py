"""Pure functions and core types: no database, no network, no terminal."""
