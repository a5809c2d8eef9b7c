"""Moments as people read them in a message and as the APIs take them in a request."""

from __future__ import annotations

from datetime import UTC, datetime


def clock_text(moment: float, now: float) -> str:
    """`15:00:00 UTC`, with the date when it is not within the next day."""
    when = datetime.fromtimestamp(moment, UTC)
    if moment - now < 20 * 3600:
        return when.strftime("%H:%M:%S UTC")
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(epoch_s: float, *, millis: bool = True) -> str:
    """`2026-11-20T12:00:00.000Z`: the form every API here accepts."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    return moment.isoformat(timespec="milliseconds" if millis else "seconds").replace("+00:00", "Z")
