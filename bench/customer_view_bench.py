"""How the customer view feels with a long history: 10,000 interactions for one customer.

    python bench/customer_view_bench.py [--items 10000] [--presses 60]

Runs the real app in a pseudo-terminal (pyte renders it), opens the customer with
`C`, then times each key from the byte sent to the frame that shows its effect:
`j` (one item down), `G` / `g` (oldest / newest), `PgDn`. Prints median and p95 in
ms: compare with the inbox's keypress figures from bench/inbox_bench.py.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, app_env, pct  # noqa: E402
from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionIn  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

STATUS = re.compile(r"(\d[\d,]*)/(\d[\d,]*) items")
KINDS = ("call", "email", "meeting", "survey", "letter", "note")


async def seed(db: Path, items: int) -> None:
    from datetime import UTC, datetime, timedelta

    async with await Inbox.open(db, "bench") as inbox:
        [kate] = (
            await inbox.add_customers(
                [
                    CustomerIn(
                        name="Kate Lindqvist",
                        identities=((Channel.MASTODON, "kate@hachyderm.io"),),
                    )
                ]
            )
        ).ids
        now = datetime.now(UTC)
        mentions = [
            MentionIn(
                Channel.MASTODON,
                f"m{n}",
                f"Kestrel post number {n}: sync is {'great' if n % 3 else 'broken'}",
                now - timedelta(minutes=7 * n),
                AuthorIn("kate@hachyderm.io", "Kate"),
            )
            for n in range(items // 10)
        ]
        for start in range(0, len(mentions), 1000):
            await inbox.ingest(mentions[start : start + 1000])
        now_ms = inbox.now_ms()
        await inbox.record_contacts(
            [
                (
                    kate,
                    KINDS[n % len(KINDS)],
                    f"contact {n}: talked about the roadmap and billing",
                    None if KINDS[n % len(KINDS)] == "note" else "in",
                    now_ms - n * 300_000 - 1,
                    "bench",
                )
                for n in range(items - len(mentions))
            ]
        )


def status(term: Terminal) -> tuple[int, int] | None:
    for line in term.lines()[:14]:
        match = STATUS.search(line)
        if match:
            return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))
    return None


def time_keys(term: Terminal, presses: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"j": [], "G": [], "g": [], "PgDn": []}
    for _ in range(presses):
        at = status(term)[0]  # type: ignore[index]
        sent = term.send(b"j")
        done = term.wait(lambda t, w=at + 1: (s := status(t)) is not None and s[0] == w)
        figures["j"].append(done - sent)
    total = status(term)[1]  # type: ignore[index]
    for _ in range(max(presses // 4, 3)):
        for key, name, want in ((b"G", "G", total), (b"g", "g", 1)):
            sent = term.send(key)
            done = term.wait(lambda t, w=want: (s := status(t)) is not None and s[0] == w)
            figures[name].append(done - sent)
        at = status(term)[0]  # type: ignore[index]
        sent = term.send(b"\x1b[6~")
        done = term.wait(lambda t, a=at: (s := status(t)) is not None and s[0] > a)
        figures["PgDn"].append(done - sent)
        term.send(b"g")
        term.wait(lambda t: (s := status(t)) is not None and s[0] == 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        db = home / "bench.db"
        started = time.perf_counter()
        asyncio.run(seed(db, args.items))
        print(f"seeded {args.items:,} history items in {time.perf_counter() - started:.1f} s")
        env = app_env(home)
        term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
        try:
            term.wait(lambda t: any("mentions" in line for line in t.lines()[:1]))
            time.sleep(0.5)
            term.send(b"C")
            term.wait(lambda t: any("Find a customer" in line for line in t.lines()))
            term.send(b"Lindqvist")
            term.wait(lambda t: any("Lindqvist" in line for line in t.lines()[5:]))
            sent = term.send(b"\r")
            opened = term.wait(lambda t: (s := status(t)) is not None and s[1] >= args.items)
            print(
                f"customer view open with {status(term)[1]:,} items: "  # type: ignore[index]
                f"{(opened - sent) * 1000:.0f} ms"
            )
            figures = time_keys(term, args.presses)
            print(f"peak RSS {term.peak_rss_mb():.1f} MB")
        finally:
            term.close()
    for name, values in figures.items():
        ms = [v * 1000 for v in values]
        print(
            f"  {name:5} median {statistics.median(ms):6.1f} ms   p95 {pct(ms, 0.95):6.1f} ms"
            f"   (n={len(ms)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
