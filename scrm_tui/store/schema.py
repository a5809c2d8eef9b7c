"""The schema as a list of forward migrations; `PRAGMA user_version` records the step."""

from __future__ import annotations

from scrm_tui.store.migrations.step import DropNotNull, Step
from scrm_tui.store.migrations.steps_01_10 import STEPS_01_10
from scrm_tui.store.migrations.steps_11_20 import STEPS_11_20
from scrm_tui.store.migrations.steps_21_30 import PAIRED_ALL, STEPS_21_30
from scrm_tui.store.migrations.steps_31_37 import STEPS_31_37, TERM_SCOPES
from scrm_tui.store.migrations.steps_38 import STEPS_38
from scrm_tui.store.migrations.steps_39_40 import ADVOCACY_ANSWER, ADVOCACY_THANKS, STEPS_39_40
from scrm_tui.store.migrations.steps_41 import STEPS_41

__all__ = [
    "ADVOCACY_ANSWER",
    "ADVOCACY_THANKS",
    "FTS_TEXT",
    "LATEST_VERSION",
    "MIGRATIONS",
    "PAIRED_ALL",
    "TERM_SCOPES",
    "DropNotNull",
]

# Each migration is a list of statements run in one transaction. Never edit a
# released step: add a new one. Statements are kept apart (not one script) so they
# run inside our own BEGIN IMMEDIATE; executescript() would commit first.
# The steps live in store/migrations/, a module per range; this is their one list.
MIGRATIONS: list[Step] = [
    *STEPS_01_10,
    *STEPS_11_20,
    *STEPS_21_30,
    *STEPS_31_37,
    *STEPS_38,
    *STEPS_39_40,
    *STEPS_41,
]

LATEST_VERSION = MIGRATIONS[-1][0]

# What the full-text index holds of a mention (step 25): its text, then its link.
FTS_TEXT = "text || coalesce(char(10) || link, '')"
