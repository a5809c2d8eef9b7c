"""The store on PostgreSQL: the same Database, its SQL translated from SQLite's."""
