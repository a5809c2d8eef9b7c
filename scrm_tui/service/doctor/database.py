"""`scrm doctor` on the database: a file's schema, who can read it, whether its writes queue;
a PostgreSQL server's reachability (in words, never its password), schema and size."""

from __future__ import annotations

import os
import pwd
import sqlite3
import stat
from pathlib import Path

from scrm_tui.channels.probing import FAIL, OK, WARN
from scrm_tui.store.db import file_mode, peek
from scrm_tui.store.schema import LATEST_VERSION
from scrm_tui.store.turnstile import opened_to_read, turnstile_path


async def _database(target: Path | str, timeout_s: float = 10.0) -> list[tuple[str, str]]:
    from scrm_tui.store.pg.url import is_url

    if is_url(target):
        return await _server(str(target), timeout_s)
    path = Path(target)
    if not path.exists():
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if os.access(folder, os.W_OK | os.X_OK):
            return [(OK, f"{path} (will be created)")]
        return [(FAIL, f"{path} cannot be created: {folder} is not writable")]
    if path.is_dir():
        return [(FAIL, f"{path} is a directory, not a database")]
    try:
        version, mentions = await peek(path)
    except sqlite3.Error as error:
        return [(FAIL, f"{path} is not a usable scrm database ({error})")]
    if version > LATEST_VERSION:
        return [
            (
                FAIL,
                f"{path} has schema {version}, newer than this scrm understands "
                f"({LATEST_VERSION}): upgrade scrm",
            )
        ]
    if version == 0:
        found = [(OK, f"{path} (empty: set up when scrm first opens it)")]
    else:
        later = (
            f", upgraded to {LATEST_VERSION} when scrm next opens it"
            if version < LATEST_VERSION
            else ""
        )
        found = [(OK, f"{path} (schema {version}{later}, {mentions:,} mentions)")]
    warnings = _exposed_database(path) + _unqueued_writes(path)
    return found + [(WARN, warning) for warning in warnings]


async def _server(url: str, timeout_s: float) -> list[tuple[str, str]]:
    """The PostgreSQL database of [store] url or --db: reached, and at which schema."""
    import psycopg

    from scrm_tui.store.pg.advice import in_words
    from scrm_tui.store.pg.peek import peek
    from scrm_tui.store.pg.url import redacted

    shown = redacted(url)
    try:
        found = await peek(url, timeout_s)
    except psycopg.Error as error:
        return [(FAIL, in_words(shown, error))]
    server = f"PostgreSQL {found.server}"
    if found.schema > LATEST_VERSION:
        return [
            (
                FAIL,
                f"{shown} has schema {found.schema}, newer than this scrm understands "
                f"({LATEST_VERSION}): upgrade scrm",
            )
        ]
    if found.schema == 0:
        return [(OK, f"{shown} ({server}; empty: set up when scrm first opens it)")]
    later = (
        f", upgraded to {LATEST_VERSION} when scrm next opens it"
        if found.schema < LATEST_VERSION
        else ""
    )
    return [(OK, f"{shown} ({server}; schema {found.schema}{later}, {found.mentions:,} mentions)")]


def _unqueued_writes(path: Path) -> list[str]:
    """The writers' turnstile (store/turnstile.py) that this account cannot open: its
    writes would take SQLite's lock without queueing behind the other agents'."""
    turnstile = turnstile_path(path)
    if not turnstile.exists():
        return []
    fd = opened_to_read(turnstile)
    if fd is not None:
        os.close(fd)
        return []
    info = turnstile.stat()
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = f"uid {info.st_uid}"
    return [
        f"{turnstile} cannot be opened by this account ({stat.filemode(info.st_mode)}, "
        f"owner {owner}): its writes will not wait their turn behind the other agents'; "
        f"its owner can fix it: chmod {file_mode(path.resolve().parent):o} {turnstile}"
    ]


def _exposed_database(path: Path) -> list[str]:
    """The database (with its -wal and -shm), or its folder, readable by other users.

    scrm creates them as file_mode says, in a 0700 folder; an older scrm, a copy or a
    restore may not have. A team's folder (group-writable) may share the database with
    its group, never with everyone. A folder that is not yours, or shared like /tmp
    (sticky), is left out: its mode is not this database's to change.
    """
    warnings: list[str] = []
    folder = path.resolve().parent
    info = folder.stat()
    wanted = file_mode(folder)
    loose = [
        (file, mode)
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
        if file.exists() and (mode := file.stat().st_mode) & 0o777 & ~wanted
    ]
    if loose:
        names = " ".join(str(file) for file, _ in loose)
        warnings.append(
            f"{path} can be read by other users ({stat.filemode(loose[0][1])}), and it holds "
            f"customer data: chmod {wanted:o} {names}"
        )
    mine = info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX
    if mine and info.st_mode & stat.S_IRWXO:
        fix = "o-rwx" if wanted & stat.S_IRWXG else "700"
        warnings.append(
            f"{folder}, the database's folder, can be read by other users "
            f"({stat.filemode(info.st_mode)}): chmod {fix} {folder}"
        )
    return warnings
