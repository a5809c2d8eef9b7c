"""The inbox, or `scrm watch`, on a PostgreSQL URL, for the end-to-end tests:

    python -m tests.support.pg_app URL CONFIG AGENT [watch]

as `scrm --db URL --config CONFIG --agent AGENT [watch]` runs it (the app and the watch are
the same; this only hands them the URL where the command line gives them a path)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from scrm_tui.service.settings import load_config
from scrm_tui.ui.app import ScrmApp


class Url(str):
    """The URL where the app expects a Path: its `name` is the title's database name."""

    @property
    def name(self) -> str:
        return self.rsplit("/", 1)[-1]


def main(url: str, config: str, agent: str, command: str = "") -> int:
    if command == "watch":
        from scrm_tui.service.watch import watch

        def problem(source: str, why: str) -> None:
            print(f"[sources.{source}] cannot run: {why}", file=sys.stderr)

        where: Path = Url(url)  # type: ignore[assignment]
        asyncio.run(watch(where, agent, load_config(Path(config)), once=False, problem=problem))
        return 0
    app = ScrmApp(
        db_path=Url(url),  # type: ignore[arg-type]
        agent=agent,
        config=load_config(Path(config)),
        config_path=Path(config),
    )
    app.run()
    if app.startup_error:
        print(app.startup_error, file=sys.stderr)
        return 1
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
