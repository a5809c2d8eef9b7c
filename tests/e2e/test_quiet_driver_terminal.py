"""The real app in tmux sleeps while no key comes (ui/quiet_driver.py), and still reads
every key, a lone Escape included, follows a resize, and quits."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.test_tmux import ingest, record
from tests.support.terminal import Terminal, header_count, position, scrm_command

IDLE_S = 2.0  # time with nothing to do: what is counted is what happened in it
# Textual's own input thread wakes ten times a second, the old clock twice: an inbox
# that sleeps wakes for neither (the sources' line looks every 5 s).
MOST_WAKE_UPS = 6


def wake_ups(pid: int) -> int:
    """Every time one of the process's threads was put back on a CPU."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if "ctxt_switches:" in line:
                total += int(line.split()[-1])
    return total


def watching_in_inotify(pid: int) -> bool:
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if "inotify" in fd.readlink().name:
                return True
        except OSError:
            continue  # closed meanwhile
    return False


def test_an_idle_scrm_sleeps_yet_reads_keys_resizes_and_quits(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "quiet.db"
    ingest(db, [record(n, f"post number {n}") for n in range(30)])
    terminal.start(scrm_command("--db", str(db)), 100, 30, tmp_path)
    terminal.wait_for(lambda screen: header_count(screen) == 30)
    terminal.wait_for(lambda screen: position(screen) == (1, 30))
    pid = terminal.pid()
    # Start-up's one-off work a second after the first page ends with the commit watch
    # going over to inotify (store/commit_watch.py): wait for its file descriptor.
    deadline = time.monotonic() + 30
    while not watching_in_inotify(pid):
        assert time.monotonic() < deadline, "the commit watch never went over to inotify"
        time.sleep(0.05)

    # The other jobs of that second (the screens' styles, the parser's warm-up) end soon
    # after: a window of IDLE_S with at most MOST_WAKE_UPS, among the first three.
    counted = []
    for _ in range(3):
        before = wake_ups(pid)
        time.sleep(IDLE_S)  # nothing happens: that is what is counted
        counted.append(wake_ups(pid) - before)
        if counted[-1] <= MOST_WAKE_UPS:
            break
    assert min(counted) <= MOST_WAKE_UPS, counted

    terminal.keys("j")
    terminal.wait_for(lambda screen: position(screen) == (2, 30))
    terminal.keys("?")
    terminal.wait_text("Esc closes")
    terminal.keys("Escape")  # alone: only time tells it from the start of a sequence
    terminal.wait_for(lambda screen: "Esc closes" not in screen)

    terminal.tmux("resize-window", "-t", "t", "-x", "120", "-y", "40")
    terminal.wait_for(lambda screen: len(screen.splitlines()) == 40 and "post number" in screen)

    terminal.keys("j")
    terminal.wait_for(lambda screen: position(screen) == (3, 30))

    terminal.keys("q")
    terminal.wait_for(lambda screen: terminal.exited())
