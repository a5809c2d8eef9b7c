"""The catch-up's first step: the language of mentions stored before languages were
kept, detected in pages in the background, and their sentiment read again in it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from scrm_tui.enrich.reading import read_text
from scrm_tui.store.languages import Detected, LanguageStore, Undetected

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

# Rows per page: each page is one short write transaction (~2,000 rows detected in
# ~0.1 s), so an agent's save waits at most that long behind it.
PAGE = 2000


def _read(rows: list[Undetected], terms: tuple[str, ...]) -> list[Detected]:
    done = []
    for row in rows:
        found, scores = read_text(row.text, None, row.matched, terms)
        done.append(
            Detected(
                row.id,
                found.code,
                found.confidence,
                found.source,
                *(scores if scores is not None else (None, None, None, None)),
            )
        )
    return done


async def owed(inbox: Inbox) -> bool:
    return await LanguageStore(inbox.db).owed()


async def detect_owed(
    inbox: Inbox,
    on_progress: Callable[[int, int], None] | None = None,
    renew: Callable[[], Awaitable[None]] | None = None,
) -> int:
    """Detect every mention still without a language, page by page (each its own
    transaction, so a kill costs at most a page); how many were done."""
    store = LanguageStore(inbox.db)
    total = await store.count_owed()
    done = after = 0
    while rows := await store.page(after, PAGE):
        found = await asyncio.to_thread(_read, rows, inbox.watch_words)
        await store.apply(found)
        after = rows[-1].id
        done += len(rows)
        if on_progress is not None:
            on_progress(done, max(total, done))
        if renew is not None:
            await renew()
    if done:
        # The negative points VADER gave posts it could not read must go: the re-score
        # (service/priority.py) does it, by the next inbox to start or `scrm ingest`.
        await store.finish(inbox.now_ms())
    return done
