"""The recorded API responses the loopback servers replay, kept in the repository.

tests/payloads holds real responses of each network (with the status and headers they
came with in manifest.json, and where each was recorded), so a bare clone can run the
suite with nothing beside it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"


@cache
def library(folder: Path = PAYLOADS) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
    """(file name -> bytes, file name -> recorded response {status, headers})."""
    files = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    responses = {
        entry["file"]: entry.get("response") or {}
        for entry in json.loads(files["manifest.json"])
        if isinstance(entry, dict) and "file" in entry
    }
    return files, responses
