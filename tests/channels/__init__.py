"""One network at a time, against a fake of it on 127.0.0.1 (tests/fakes)."""
