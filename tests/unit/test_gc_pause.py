"""Issue 12, points 3-4: matching holds off Python's cyclic collector while it runs, and
gives it back as it found it, however runs nest or overlap in threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from scrm_tui.enrich.gc_pause import paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_is_off_while_runs_overlap_and_on_once_the_last_ends(
    collector_on: None,
) -> None:
    inside, go_on, seen = threading.Event(), threading.Event(), []

    def other_run() -> None:
        with paused():
            inside.set()
            go_on.wait(5)
            seen.append(gc.isenabled())

    with paused():
        assert not gc.isenabled()
        with paused():  # a match within a re-match's batch
            assert not gc.isenabled()
        assert not gc.isenabled()
        thread = threading.Thread(target=other_run)
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's run is still under way
    go_on.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
