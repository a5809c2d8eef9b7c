"""SQLite persistence through aiosqlite: schema, migrations and queries."""
