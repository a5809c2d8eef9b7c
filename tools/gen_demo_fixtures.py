"""Generate the deterministic Kestrel demo fixtures (customers, mentions, live stream) for scrm."""

# Usage: python tools/gen_demo_fixtures.py [--out DIR] [--quiet]
#
# Everything below is standard library only and driven by fixed seeds, so a re-run
# writes byte-identical files.  Rules that keep it that way:
#   * every random choice goes through a random.Random seeded from SEED (string seeds
#     are hashed with SHA-512 by CPython, so they do not depend on PYTHONHASHSEED);
#   * nothing iterates over a set or uses hash() on strings;
#   * no wall-clock time is read: all timestamps derive from REFERENCE_TIME.

import sys

from demo_gen.output import main

if __name__ == "__main__":
    sys.exit(main())
