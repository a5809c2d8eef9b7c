"""The Kestrel demo fixtures' generator, run by tools/gen_demo_fixtures.py; its words are data."""
