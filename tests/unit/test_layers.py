"""The layers of DESIGN.md hold: checked by import-linter and by what a process loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_headless_commands_never_load_textual() -> None:
    assert (
        loaded(
            "scrm_tui.cli, scrm_tui.service.ingest, scrm_tui.service.export, "
            "scrm_tui.service.demo, scrm_tui.service.window",
            ("textual", "rich", "httpx"),
        )
        == []
    )


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter: what it imports is what a process would."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def loaded(imports: str, watched: tuple[str, ...]) -> list[str]:
    """The modules `import <imports>` loads in a fresh interpreter that are, or are in a
    package, among `watched`."""
    result = run_python(
        f"import sys; import {imports}; "
        f"print(*sorted(m for m in sys.modules if m.startswith({watched!r})))"
    )
    assert result.returncode == 0, result.stderr
    return [m for m in result.stdout.split() if m in watched or m.split(".")[0] in watched]


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "scrm_tui").rglob("*.py")
        if not path.read_text(encoding="utf-8").lstrip().startswith('"""')
    ]
    assert missing == []


def test_the_inbox_starts_without_what_only_forms_and_helpers_load() -> None:
    """Start-up (issue 12): the inbox's first frame needs no text area (a reply or
    escalation form loads it when first opened), no OpenSSL hashes (a session file's
    name) and no ctypes (a helper process's parent watch)."""
    watched = ("textual.widgets._text_area", "hashlib", "ctypes")
    assert loaded("scrm_tui.cli, scrm_tui.ui.app", watched) == []


def test_forms_still_find_the_inert_text_area() -> None:
    code = (
        "from scrm_tui.ui.widgets.inert import InertTextArea; "
        "area = InertTextArea('a\\x1b[31mb'); print(repr(area.text))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "\\x1b" not in result.stdout and "a" in result.stdout, result.stdout


async def test_the_ui_reaches_no_store_object_of_the_inbox(tmp_path: Path) -> None:
    """The UI asks the service layer (issue 15): no screen or widget reads a store that
    the inbox holds (`inbox.outbox`, `inbox.db`, ...) and calls it directly."""
    import ast

    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(tmp_path / "scrm.db", "ana") as inbox:
        stores = {
            name
            for name, value in vars(inbox).items()
            # Its stores and the database itself; a plain record it read (a Pulse) is data.
            if type(value).__name__.endswith("Store") or type(value).__name__ == "Database"
        }
    assert {"db", "outbox", "merges", "customers", "mentions"} <= stores
    reached = []
    for path in sorted((ROOT / "scrm_tui" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or node.attr not in stores:
                continue
            holder = node.value
            name = holder.attr if isinstance(holder, ast.Attribute) else getattr(holder, "id", "")
            if name == "inbox":
                reached.append(f"{path.relative_to(ROOT)}:{node.lineno} inbox.{node.attr}")
    assert reached == []


def test_the_ui_reaches_no_store_behind_a_list() -> None:
    """A list the service layer hands the UI (a window and its source) keeps its store to
    itself: a screen asks the window (`change_mark`, `late_and_due`), never `.store`."""
    import ast

    reached = [
        f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}"
        for path in sorted((ROOT / "scrm_tui" / "ui").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert reached == []


def test_the_history_has_one_writer() -> None:
    """Every history entry (`interactions`, the audit trail) is written by store/history.py,
    with the same columns whoever records it (issue 15)."""
    import re

    writers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "scrm_tui").rglob("*.py")
        if re.search(r"INSERT\s+(OR\s+\w+\s+)?INTO\s+interactions\b", path.read_text("utf-8"), re.I)
    )
    assert writers == ["scrm_tui/store/history.py"]
