"""scrm run as a person runs it, in its own process, for the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.loopback import Loopback


def scrm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrm_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def bluesky_search_config(path: Path, server: Loopback, *, password_env: str | None = None) -> Path:
    """A config that searches Bluesky for "kestrel" as the loopback's account; the
    password written in (mode 0600), or named by `password_env`."""
    password = (
        f'password_env = "{password_env}"'
        if password_env
        else f'password = "{Loopback.BLUESKY_PASSWORD}"'
    )
    path.write_text(
        f"""
[watch]
terms = "kestrel"

[bluesky]
handle = "{Loopback.BLUESKY_HANDLE}"
{password}
service = "{server.bluesky_url}"

[sources.bluesky]
kinds = ["search"]
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path
