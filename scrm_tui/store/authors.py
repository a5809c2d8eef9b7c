"""Authors: one row per account and network, written only when new or changed.

Most mentions come from authors already stored with the same profile, so an
upsert per mention is wasted work (it cost more than the mention insert itself).
This keeps each author's id and profile in a bounded per-process cache and
writes an author row only when the author is new or its profile changed.

Profile rule (name, followers, profile URL, profile links): the newest post's non-empty
fields win; an older post only fills fields that are still empty. An unlinked author
whose proven links change is matched again (a verified link on a company's domain is
evidence). When or how often an author posted is not stored here: it is read from
`mentions` through the (author_id, created_ms) index.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scrm_tui.core.domains import links_from_json, proven
from scrm_tui.core.models import NewMention
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.linking import MatchOutcome, probability_of

AuthorKey = tuple[str, str]  # (channel, handle_key)
_CHUNK = 400  # pairs per VALUES list: 800 parameters stays far below SQLite's limit


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    name: str | None
    followers: int | None
    url: str | None
    seen_ms: int  # the newest post this profile reflects
    links: str | None = None  # the profile's links as stored (core/domains.links_json)

    @property
    def fields(self) -> tuple[str | None, int | None, str | None, str | None]:
        return (self.name, self.followers, self.url, self.links)


def fold(profile: Profile, row: NewMention) -> Profile:
    """The profile after seeing the author of `row` in that post."""
    if row.created_ms >= profile.seen_ms:
        return Profile(
            id=profile.id,
            name=row.name if row.name is not None else profile.name,
            followers=row.followers if row.followers is not None else profile.followers,
            url=row.author_url if row.author_url is not None else profile.url,
            seen_ms=row.created_ms,
            links=row.author_links if row.author_links is not None else profile.links,
        )
    return replace(
        profile,
        name=profile.name if profile.name is not None else row.name,
        followers=profile.followers if profile.followers is not None else row.followers,
        url=profile.url if profile.url is not None else row.author_url,
        links=profile.links if profile.links is not None else row.author_links,
    )


class AuthorCache:
    """Least-recently-used map of author key to profile, for one process."""

    def __init__(self, limit: int = 200_000):
        self.limit = limit
        self._items: OrderedDict[AuthorKey, Profile] = OrderedDict()

    def get(self, key: AuthorKey) -> Profile | None:
        profile = self._items.get(key)
        if profile is not None:
            self._items.move_to_end(key)
        return profile

    def update(self, profiles: dict[AuthorKey, Profile]) -> None:
        for key, profile in profiles.items():
            self._items[key] = profile
            self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)


async def _load(conn: Connection, keys: list[AuthorKey]) -> dict[AuthorKey, Profile]:
    found: dict[AuthorKey, Profile] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        values = ",".join("(?, ?)" for _ in chunk)
        sql = f"""
            WITH wanted(channel, handle_key) AS (VALUES {values})
            SELECT a.id, a.channel, a.handle_key, a.display_name, a.followers, a.url, a.profile_ms,
                   a.links
            FROM wanted w JOIN authors a
              ON a.channel = w.channel AND a.handle_key = w.handle_key
        """
        params = [part for key in chunk for part in key]
        for row in await fetch_all(conn, sql, params):
            found[(row[1], row[2])] = Profile(row[0], row[3], row[4], row[5], row[6], row[7])
    return found


async def resolve(
    conn: Connection, cache: AuthorCache, rows: Sequence[NewMention]
) -> tuple[dict[AuthorKey, int], dict[AuthorKey, Profile]]:
    """Ids for the authors of `rows`, creating and updating author rows as needed
    inside the caller's transaction.

    Returns the ids and the profiles to put in the cache once the transaction has
    committed (a rollback must not leave ids of rows that were never stored).
    """
    current: dict[AuthorKey, Profile] = {}
    missing: list[AuthorKey] = []
    for row in rows:
        key = (row.channel, row.handle_key)
        if key in current:
            continue
        cached = cache.get(key)
        if cached is None:
            missing.append(key)
        else:
            current[key] = cached
    if missing:
        current.update(await _load(conn, list(dict.fromkeys(missing))))

    handles: dict[AuthorKey, str] = {}
    fresh: dict[AuthorKey, Profile] = {}  # not stored yet; id 0 until inserted
    changed: set[AuthorKey] = set()
    stored_links: dict[AuthorKey, str | None] = {}  # as the row holds them, where changed
    newest: dict[AuthorKey, int] = {}  # latest post time per known author
    for row in rows:
        key = (row.channel, row.handle_key)
        profile = current.get(key)
        if profile is not None:
            if (row.name, row.followers, row.author_url, row.author_links) == profile.fields:
                # The common case: a known author, same profile. Only note the time;
                # nothing is built per post.
                if row.created_ms > newest.get(key, profile.seen_ms):
                    newest[key] = row.created_ms
                continue
            folded = fold(profile, row)
            if folded.fields != profile.fields:
                changed.add(key)
                stored_links.setdefault(key, profile.links)
            current[key] = folded
        elif key in fresh:
            fresh[key] = fold(fresh[key], row)
        else:
            fresh[key] = Profile(
                0, row.name, row.followers, row.author_url, row.created_ms, row.author_links
            )
            handles[key] = row.handle
    for key, seen_ms in newest.items():
        profile = current[key]
        if seen_ms > profile.seen_ms:
            current[key] = replace(profile, seen_ms=seen_ms)

    if fresh:
        await conn.executemany(
            """
            INSERT INTO authors (channel, handle, handle_key, display_name, followers, url,
                                 profile_ms, links)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (channel, handle_key) DO NOTHING
            """,
            [
                (key[0], handles[key], key[1], p.name, p.followers, p.url, p.seen_ms, p.links)
                for key, p in fresh.items()
            ],
        )
        created = await _load(conn, list(fresh))
        for key, profile in created.items():
            current[key] = replace(fresh[key], id=profile.id)
        await _link_identities(conn, [p.id for p in created.values()])

    if changed:
        updates = [
            (p.name, p.followers, p.url, p.seen_ms, p.links, _proof_changed(before, p), p.id)
            for before, p in ((stored_links[key], current[key]) for key in changed)
        ]
        if engine_of(conn) == POSTGRESQL:
            await _profiles_at_once(conn, updates)
        else:
            await conn.executemany(
                # matched_ms NULL puts the author back in the matcher's backlog (unlinked
                # ones only are read from it) when what the network proved changed: an
                # unverified link, or none where nothing was known, says nothing to it.
                "UPDATE authors SET display_name = ?, followers = ?, url = ?, profile_ms = ?, "
                "links = ?, matched_ms = CASE WHEN ? THEN NULL ELSE matched_ms END WHERE id = ?",
                updates,
            )
    return {key: p.id for key, p in current.items()}, current


async def _profiles_at_once(conn: Connection, updates: Sequence[tuple[object, ...]]) -> None:
    """The same updates on PostgreSQL, 500 authors a statement: one statement each was a
    parse and a plan each on the server, for a quarter of a big ingest's rows. The first
    row's casts give the columns their types (a column of NULLs would be text)."""
    first = "(CAST(? AS text), CAST(? AS bigint), CAST(? AS text), CAST(? AS bigint), " + (
        "CAST(? AS text), CAST(? AS boolean), CAST(? AS bigint))"
    )
    for start in range(0, len(updates), _PROFILES_AT_ONCE):
        chunk = updates[start : start + _PROFILES_AT_ONCE]
        rows = ", ".join([first, *["(?, ?, ?, ?, ?, ?, ?)"] * (len(chunk) - 1)])
        await conn.execute(
            "UPDATE authors SET display_name = v.name, followers = v.followers, url = v.url, "
            "profile_ms = v.seen, links = v.links, "
            "matched_ms = CASE WHEN v.proof THEN NULL ELSE authors.matched_ms END "
            f"FROM (VALUES {rows}) AS v(name, followers, url, seen, links, proof, id) "
            "WHERE authors.id = v.id",
            [value for row in chunk for value in row],
        )


_PROFILES_AT_ONCE = 500


def _proof_changed(stored: str | None, profile: Profile) -> bool:
    """Whether the links the network proved differ from those the row held."""
    if stored == profile.links:
        return False
    return set(proven(links_from_json(stored))) != set(proven(links_from_json(profile.links)))


async def _link_identities(conn: Connection, ids: list[int]) -> None:
    """A new author whose handle is a known customer identity is that customer."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        await conn.execute(
            f"""
            UPDATE authors SET customer_id = i.customer_id, match_state = 'identity',
                               match_score = 1.0
            FROM identities i
            WHERE authors.id IN ({marks})
              AND i.channel = authors.channel AND i.handle_key = authors.handle_key
            """,
            chunk,
        )
        # How the link was made goes in the customer's history, as every link does.
        linked = await fetch_all(
            conn,
            f"""SELECT profile_ms, customer_id, id, channel, handle FROM authors
                WHERE id IN ({marks}) AND match_state = 'identity'""",
            chunk,
        )
        await history.record(conn, [history.identity_link(*row) for row in linked])


async def record_suggestions(
    db: Database, outcomes: Sequence[MatchOutcome], now_ms: int
) -> list[MatchOutcome]:
    """Store the matcher's suggestions (or that it found none) for many unlinked authors in
    one short transaction of a few statements, as LinkStore.record_matches would one by
    one; an author someone linked meanwhile is left alone. Returns the automatic links,
    which go through record_matches (each is logged with what undo needs)."""
    autos = [o for o in outcomes if o.decision == "auto"]
    rest = {o.author_id: o for o in outcomes if o.decision != "auto"}
    if not rest:
        return autos
    async with db.transaction() as conn:
        marks = ",".join("?" * len(rest))
        states = {
            author_id: state
            for author_id, state in await fetch_all(
                conn,
                f"SELECT id, match_state FROM authors WHERE id IN ({marks}) "
                "AND customer_id IS NULL",
                list(rest),
            )
        }
        await conn.execute(
            f"DELETE FROM match_suggestions WHERE author_id IN ({','.join('?' * len(states))})",
            list(states),
        )
        await conn.executemany(
            "INSERT INTO match_suggestions (author_id, customer_id, rank, score, fields, "
            "probability) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    author_id,
                    cid,
                    rank,
                    score,
                    json.dumps(list(fields)),
                    probability_of(rest[author_id], rank),
                )
                for author_id in states
                for rank, (cid, score, fields) in enumerate(rest[author_id].candidates)
            ],
        )
        updates = []
        for author_id, before in states.items():
            state = "suggested" if rest[author_id].candidates else before
            if state not in (None, "suggested", "rejected"):
                state = None
            updates.append((state, now_ms, author_id))
        await conn.executemany(
            "UPDATE authors SET match_state = ?, matched_ms = ? WHERE id = ?", updates
        )
    return autos
