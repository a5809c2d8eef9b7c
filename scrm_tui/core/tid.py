"""AT Protocol TIDs: the sortable, time-based record keys of Bluesky posts."""

from __future__ import annotations

import re
import secrets
import threading
import time

# base32-sortable: digits first, so the strings sort like the integers they encode.
ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
LENGTH = 13
MAX_MICROS = (1 << 53) - 1
MAX_CLOCK_ID = (1 << 10) - 1

# 13 characters carry 65 bits; the top bit of the 64-bit value is 0, so the first
# character encodes at most 0b01111 and is one of "234567abcdefghij".
_TID = re.compile(r"[2-7a-j][2-7a-z]{12}")
_VALUE = {char: index for index, char in enumerate(ALPHABET)}

_CLOCK_ID = secrets.randbelow(MAX_CLOCK_ID + 1)  # per process, as the spec suggests
_lock = threading.Lock()
_last_micros = -1


def encode_tid(micros: int, clock_id: int) -> str:
    """The TID of a timestamp (µs since the UNIX epoch) and a clock id (0-1023)."""
    if not 0 <= micros <= MAX_MICROS:
        raise ValueError(f"TID timestamp out of range: {micros}")
    if not 0 <= clock_id <= MAX_CLOCK_ID:
        raise ValueError(f"TID clock id out of range: {clock_id}")
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(LENGTH):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def decode_tid(tid: str) -> tuple[int, int]:
    """(microseconds since the epoch, clock id) of a TID; ValueError if it is not one."""
    if not is_tid(tid):
        raise ValueError(f"not a TID: {tid!r}")
    value = 0
    for char in tid:
        value = (value << 5) | _VALUE[char]
    return value >> 10, value & MAX_CLOCK_ID


def is_tid(s: object) -> bool:
    """Whether `s` has a TID's syntax (13 base32-sortable characters, top bit clear)."""
    return isinstance(s, str) and _TID.fullmatch(s) is not None


def new_tid(now_us: int | None = None, clock_id: int | None = None) -> str:
    """A fresh TID, greater than every one this process made before.

    The timestamp is the clock's (or `now_us`), moved one microsecond past the last
    one used when the clock stood still or went back, so keys of posts made in a
    quick burst still sort in the order they were made.
    """
    global _last_micros
    if now_us is None:
        now_us = time.time_ns() // 1000
    with _lock:
        micros = max(now_us, _last_micros + 1)
        tid = encode_tid(micros, _CLOCK_ID if clock_id is None else clock_id)
        _last_micros = micros
    return tid
