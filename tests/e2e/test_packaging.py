"""A non-editable wheel carries its styles and demo fixtures and works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_styles_and_fixtures_and_runs_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = wheels.glob("scrm-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "scrm_tui/styles/app.tcss",
        "scrm_tui/styles/screens.tcss",
        "scrm_tui/fixtures/demo.json",
        "scrm_tui/fixtures/customers.jsonl",
        "scrm_tui/fixtures/mentions.jsonl",
        "scrm_tui/fixtures/stream.jsonl",
        "scrm_tui/fixtures/contacts.jsonl",
        "scrm_tui/fixtures/templates.toml",
    ):
        assert needed in names
    assert not any(name.startswith("tests/") for name in names)

    # Installed (not editable) into a folder of its own, used from a third folder.
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import scrm_tui, pathlib; "
        "from scrm_tui.service.demo import demo_customers, manifest; "
        "from scrm_tui.ui.app import ScrmApp; "
        f"assert scrm_tui.__file__.startswith({str(target)!r}), scrm_tui.__file__; "
        "assert pathlib.Path(ScrmApp.CSS_PATH).is_file(); "
        "print(manifest()['product'], len(demo_customers()))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    product, customers = run.stdout.split()
    assert product == "Kestrel" and int(customers) >= 300


def test_the_suite_needs_nothing_beside_the_repository() -> None:
    """A bare clone has nothing beside it: every recorded payload a test serves is in the repo."""
    import hashlib
    import json

    tests = ROOT / "tests"
    # Spelt in pieces so that this file does not find itself.
    outside = ["/".join(("..", "shared")), "/".join(("shared", "research"))]
    for path in [*tests.rglob("*.py"), ROOT / "pyproject.toml", ROOT / ".ci" / "run"]:
        text = path.read_text(encoding="utf-8")
        assert not any(place in text for place in outside), path
    payloads = tests / "payloads"
    manifest = json.loads((payloads / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        data = (payloads / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["source"], f"{entry['file']}: where it was recorded is part of the fact"
    served = {path.name for path in payloads.iterdir()} - {"manifest.json", "README.md"}
    assert served == {entry["file"] for entry in manifest}
