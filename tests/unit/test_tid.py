"""Bluesky record keys are valid TIDs that sort in the order the posts were made."""

from __future__ import annotations

import pytest

from scrm_tui.core.tid import decode_tid, encode_tid, is_tid, new_tid

NOW_US = 1_795_000_000_000_000  # November 2026


def test_encoding_matches_the_spec() -> None:
    assert encode_tid(0, 0) == "2222222222222"
    # The examples of the AT Protocol record-key spec decode to sensible times.
    micros, clock = decode_tid("3jzfcijpj2z2a")
    assert 2023 <= 1970 + micros // (365.25 * 86400 * 10**6) <= 2024
    assert 0 <= clock <= 1023
    assert encode_tid(micros, clock) == "3jzfcijpj2z2a"
    # The largest: the top bit of 64 is 0, and 13 characters hold 65 bits.
    assert encode_tid((1 << 53) - 1, 1023) == "bzzzzzzzzzzzz"


def test_round_trip() -> None:
    tid = encode_tid(NOW_US, 517)
    assert decode_tid(tid) == (NOW_US, 517)


def test_out_of_range_parts_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_tid(1 << 53, 0)
    with pytest.raises(ValueError):
        encode_tid(NOW_US, 1024)
    with pytest.raises(ValueError):
        decode_tid("not-a-tid")


def test_new_tid_is_valid_and_near_now() -> None:
    tid = new_tid()
    assert is_tid(tid)
    assert len(tid) == 13
    micros, _ = decode_tid(tid)
    assert micros > NOW_US - 10**15  # not the epoch


def test_new_tid_keeps_the_clock_id_it_is_given() -> None:
    assert decode_tid(new_tid(clock_id=42))[1] == 42


def test_new_tids_strictly_increase_even_if_the_clock_stands_still_or_goes_back() -> None:
    first = new_tid()
    start, _ = decode_tid(first)
    frozen = [new_tid(now_us=start) for _ in range(50)]
    backwards = [new_tid(now_us=start - 10**9) for _ in range(5)]
    tids = [first, *frozen, *backwards]
    assert tids == sorted(tids)
    assert len(set(tids)) == len(tids)
    assert decode_tid(backwards[-1])[0] == start + 55  # bumped one microsecond each time


@pytest.mark.parametrize(
    "text",
    ["3jzfcijpj2z2a", "7777777777777", "3zzzzzzzzzzzz", "2222222222222"],
)
def test_valid_tids(text: str) -> None:
    assert is_tid(text)


@pytest.mark.parametrize(
    "text",
    [
        "3jzfcijpj2z2",  # too short
        "3jzfcijpj2z2aa",  # too long
        "3jzfcijpj2z2A",  # upper case
        "3jzfcijpj2z21",  # 1 is not in the alphabet
        "kjzfcijpj2z2a",  # top bit set
        "zzzzzzzzzzzzz",
        "3jzfcijpj2z2a\n",
        "3jzf-ijpj2z2a",
        "",
        None,
        1234,
    ],
)
def test_invalid_tids(text: object) -> None:
    assert not is_tid(text)
