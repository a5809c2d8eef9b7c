"""What the commands share: exit codes, the error line, the context each runs in."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scrm_tui.core import sanitize

if TYPE_CHECKING:
    from scrm_tui.core.config import Config


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def fail(message: str) -> int:
    """`scrm: MESSAGE` on standard error; the exit code of a command that failed."""
    print(f"scrm: {message}", file=sys.stderr)
    return EXIT_FAILED


@dataclass(frozen=True)
class Context:
    """What a command that runs after the configuration is read is given."""

    config: Config
    agent: str
    db_arg: Path | str | None  # --db, if given (a postgresql:// URL is a str)
    config_arg: Path | None  # --config, if given

    @property
    def db(self) -> Path | str:
        """The database: --db, else [store] url, else the config's file, else the XDG
        default file."""
        from scrm_tui.service.settings import database_path

        return database_path(self.config, self.db_arg)


def source_problem(name: str, why: str, width: int = 0) -> str:
    """`[sources.NAME] cannot run: WHY`, both parts from the config, made inert."""
    where = f"[sources.{sanitize.for_message(name, 60)}]"
    return f"{where:{width}} cannot run: {sanitize.for_message(why, 300)}"


def existing_db(db: Path | str) -> Path | str:
    """`db`, which a command that only reads must find: it creates no empty database.
    None there is a StoreError, which main() says as `scrm: no database at DB` (exit 1).
    A server's database is looked for when it is opened."""
    if isinstance(db, Path) and not db.exists():
        from scrm_tui.store.db import StoreError

        raise StoreError(f"no database at {db}")
    return db
