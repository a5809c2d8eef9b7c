"""The store and the service in one process, each test on a real SQLite file of its own."""
