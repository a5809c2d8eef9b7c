"""The schema as a list of forward migrations; `PRAGMA user_version` records the step."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrm_tui.core.domains import FREE_MAIL

# Step 13's triggers: a mention's priority at posting from its own part and its
# author's customer's part (written out here, as released: never edited).
_P0 = (
    "min(100, max(0, CAST(round(priority_base + coalesce((SELECT p.points FROM "
    "customer_points p WHERE p.customer_id = {customer}), 0)) AS INTEGER)))"
)
_RANK = "created_ms + priority * (SELECT ms_per_point FROM priority_weights)"

# The DID in a post's `at://did:plc:…/app.bsky.feed.post/rkey` (step 25).
_DID_OF_POST = "substr(substr({uri}, 6), 1, instr(substr({uri}, 6), '/') - 1)"

# The review queue's order of one suggestion (step 28): 1 + its probability, or its
# score / 1000 for one stored before probabilities. `row` is "" or "NEW.".
_BEST = "CASE WHEN {row}probability IS NULL THEN {row}score / 1000.0 ELSE 1 + {row}probability END"

# Each customer's company domain in SQL (step 30), as core/domains.company_domain reads
# an e-mail in ASCII: after the last '@' (rtrim by every other character leaves the text
# up to it), trimmed, lower case, no final dot; "" for a free mail provider's or none.
_AFTER_AT = (
    "lower(rtrim(trim(substr(email, length(rtrim(email, replace(email, '@', ''))) + 1), "
    "' \t\r\n'), '.'))"
)
_FREE_LABELS = ", ".join(f"'{label}'" for label in sorted(FREE_MAIL))
_COMPANY_DOMAINS = (
    "SELECT id, CASE WHEN instr(d, '.') > 0 AND substr(d, 1, instr(d, '.') - 1) "
    f"NOT IN ({_FREE_LABELS}) THEN d ELSE '' END AS domain "
    f"FROM (SELECT id, {_AFTER_AT} AS d FROM customers WHERE instr(email, '@') > 0)"
)

# match_pairs_done.upto once every indexed customer has its pairs (step 23).
PAIRED_ALL = 2**63 - 1


@dataclass(frozen=True)
class DropNotNull:
    """A migration step that lets columns hold NULL, without copying the table.

    SQLite's documented way for this one change (sqlite.org/lang_altertable.html,
    "making other kinds of table schema changes"): no stored row changes, so the
    table's text in sqlite_schema is edited in place and the schema version bumped.
    Copying a million mentions with their indexes and full-text table would take
    minutes; this takes milliseconds. Run by store/db.py, last in its step.
    """

    table: str
    columns: tuple[str, ...]

    def edit(self, sql: str) -> str:
        for column in self.columns:
            declared = re.compile(rf"(\b{column}\s+REAL)\s+NOT\s+NULL", re.IGNORECASE)
            sql, found = declared.subn(r"\1", sql)
            if found != 1:
                raise ValueError(f"{self.table}.{column} is not declared REAL NOT NULL")
        return sql


# Each migration is a list of statements run in one transaction. Never edit a
# released step: add a new one. Statements are kept apart (not one script) so they
# run inside our own BEGIN IMMEDIATE; executescript() would commit first.
HOUR_MS = 3_600_000
DAY_MS = 86_400_000

# A mention's mood as counts, one of them 1 (step 30's rollups): VADER's ±0.05 band
# (core.models.NEUTRAL_BAND), and unscored for a NULL compound.
_MOOD = (
    "coalesce({row}compound >= 0.05, 0), "
    "coalesce({row}compound > -0.05 AND {row}compound < 0.05, 0), "
    "coalesce({row}compound <= -0.05, 0), {row}compound IS NULL"
)
_MOOD_SUMS = (
    "sum(coalesce({row}compound >= 0.05, 0)), "
    "sum(coalesce({row}compound > -0.05 AND {row}compound < 0.05, 0)), "
    "sum(coalesce({row}compound <= -0.05, 0)), sum({row}compound IS NULL)"
)
_HOUR_CELL = (
    "watch_set = coalesce({row}.watch_set, '') AND hour = {row}.created_ms / 3600000 "
    "AND channel = {row}.channel"
)
_HOUR_ADD = (
    "INSERT INTO mention_hours VALUES (coalesce({row}.watch_set, ''), "
    "{row}.created_ms / 3600000, {row}.channel, 1, "
    + _MOOD.replace("{row}", "{row}.")
    + ", coalesce({row}.points, 0)) "
    "ON CONFLICT (watch_set, hour, channel) DO UPDATE SET n = n + 1, pos = pos + excluded.pos, "
    "neu = neu + excluded.neu, neg = neg + excluded.neg, "
    "unscored = unscored + excluded.unscored, points = points + excluded.points;"
)
_HOUR_TAKE = (
    "UPDATE mention_hours SET n = n - 1, "
    "pos = pos - coalesce({row}.compound >= 0.05, 0), "
    "neu = neu - coalesce({row}.compound > -0.05 AND {row}.compound < 0.05, 0), "
    "neg = neg - coalesce({row}.compound <= -0.05, 0), "
    "unscored = unscored - ({row}.compound IS NULL), "
    "points = points - coalesce({row}.points, 0) WHERE " + _HOUR_CELL + ";"
)
# The author leaves a day only when no other mention of theirs is left in it.
_DAY_TAKE = (
    "DELETE FROM author_days WHERE watch_set = coalesce({row}.watch_set, '') "
    "AND day = {row}.created_ms / 86400000 AND author_id = {row}.author_id "
    "AND NOT EXISTS (SELECT 1 FROM mentions WHERE author_id = {row}.author_id "
    "AND created_ms >= {row}.created_ms / 86400000 * 86400000 "
    "AND created_ms < ({row}.created_ms / 86400000 + 1) * 86400000 "
    "AND coalesce(watch_set, '') = coalesce({row}.watch_set, ''));"
)
# An answered mention's row in answer_times (step 36): who sent its first answer is the
# agent of the earliest sent item answering it ('?' if none says), as filter_sql's
# FIRST_RESPONDER reads it. The item is marked sent before the mention is answered.
_ANSWER = (
    "coalesce({row}.watch_set, ''), {row}.created_ms, {row}.id, {row}.channel, "
    "{row}.ingested_ms, {row}.first_response_ms, coalesce((SELECT o.created_by "
    "FROM outbox_mentions om JOIN outbox o ON o.id = om.outbox_id "
    "WHERE om.mention_id = {row}.id AND o.state = 'sent' ORDER BY o.sent_ms, o.id LIMIT 1), "
    "'?')"
)
_ANSWER_TAKE = (
    "DELETE FROM answer_times WHERE watch_set = coalesce({row}.watch_set, '') "
    "AND created_ms = {row}.created_ms AND mention_id = {row}.id;"
)

# The Sales section's rollups (step 38). A customer's moods: one narrow row per scored
# brand mention of a linked author, under the customer it is linked to now, with its
# arrival while it is open and unanswered.
_MOOD_TAKE = (
    "DELETE FROM customer_moods WHERE customer_id = (SELECT customer_id FROM authors "
    "WHERE id = {row}.author_id) AND created_ms = {row}.created_ms AND mention_id = {row}.id;"
)
_MOOD_COLUMNS = (
    "{row}.created_ms, {row}.id, {row}.compound, CASE WHEN {row}.first_response_ms IS NULL "
    "AND {row}.status = 'open' THEN {row}.ingested_ms END"
)
_MOOD_PUT = (
    "INSERT INTO customer_moods SELECT a.customer_id, " + _MOOD_COLUMNS + " FROM authors a "
    "WHERE a.id = {row}.author_id AND a.customer_id IS NOT NULL "
    "AND {row}.compound IS NOT NULL AND coalesce({row}.watch_set, '') = '';"
)
# A customer answered: one row per (sent answer, mention of a linked author) it answers.
_ANSWERED = (
    "INSERT INTO customer_answers SELECT a.customer_id, o.sent_ms, o.id, om.mention_id "
    "FROM {source} WHERE o.state = 'sent' AND o.kind IN ('reply', 'post', 'manual') "
    "AND o.sent_ms IS NOT NULL AND a.customer_id IS NOT NULL{where};"
)
_BY_OUTBOX = (
    "outbox o JOIN outbox_mentions om ON om.outbox_id = o.id "
    "JOIN mentions m ON m.id = om.mention_id JOIN authors a ON a.id = m.author_id"
)
_BY_MENTION = (
    "outbox_mentions om JOIN outbox o ON o.id = om.outbox_id "
    "JOIN mentions m ON m.id = om.mention_id JOIN authors a ON a.id = m.author_id"
)
_BY_AUTHOR = (
    "mentions m CROSS JOIN outbox_mentions om ON om.mention_id = m.id "
    "JOIN outbox o ON o.id = om.outbox_id JOIN authors a ON a.id = m.author_id"
)


def _answers_redone(trigger: str, when: str, taken: str, source: str, where: str) -> str:
    """A trigger that takes the customer_answers rows `taken` and puts back what the
    tables say now (`where`: those rows' sent items and mentions, read from `source`)."""
    return f"""
    CREATE TRIGGER {trigger} WHEN {when}
    BEGIN
        DELETE FROM customer_answers WHERE {taken};
        {_ANSWERED.format(source=source, where=where)}
    END
    """


# The team's waits (step 38): each row of answer_times in three groups (everyone, its
# agent, its network), sorted by wait, and counted by the hour of its mention.
_WAIT_GROUPS = ("''", "'agent:' || {row}.agent", "'network:' || {row}.channel")
_WAIT_PUT = "".join(
    "INSERT INTO answer_waits VALUES ({row}.watch_set, " + group + ", "
    "max(0, {row}.answered_ms - {row}.arrived_ms), {row}.created_ms, {row}.mention_id); "
    "INSERT INTO answer_hours VALUES ({row}.watch_set, " + group + ", "
    "{row}.created_ms / 3600000, 1) ON CONFLICT DO UPDATE SET n = n + 1; "
    for group in _WAIT_GROUPS
)
_WAIT_TAKE = "".join(
    "DELETE FROM answer_waits WHERE watch_set = {row}.watch_set AND grp = " + group + " "
    "AND wait_ms = max(0, {row}.answered_ms - {row}.arrived_ms) "
    "AND created_ms = {row}.created_ms AND mention_id = {row}.mention_id; "
    "UPDATE answer_hours SET n = n - 1 WHERE watch_set = {row}.watch_set AND grp = " + group + " "
    "AND hour = {row}.created_ms / 3600000; "
    for group in _WAIT_GROUPS
)

# What a term count's scope adds to its watch set's name in term_days (store/terms.py):
# (negative mentions only, #tags counted) -> suffix. The brand's own counts are ''.
TERM_SCOPES = {
    (False, True): "",
    (True, True): "\x1fneg",
    (False, False): "\x1fwords",
    (True, False): "\x1fneg\x1fwords",
}
_SUFFIXES = [suffix.replace("\x1f", "' || char(31) || '") for suffix in TERM_SCOPES.values()]


def _recount_when_read_differently(table: str, column: str, span_ms: int) -> str:
    """A trigger that makes a mention's day (or hour) of kept term counts be counted
    again in every scope of its watch set when its text changes, or it turns negative
    or stops being so (store/terms.py)."""
    scopes = ", ".join(f"coalesce(NEW.watch_set, '') || '{s}'" for s in _SUFFIXES)
    return f"""
            CREATE TRIGGER {table}_text AFTER UPDATE OF text, link, compound ON mentions
            WHEN OLD.text IS NOT NEW.text OR OLD.link IS NOT NEW.link
                OR (OLD.compound <= -0.05) IS NOT (NEW.compound <= -0.05)
            BEGIN
                DELETE FROM {table}_counted WHERE watch_set IN ({scopes})
                    AND {column} = NEW.created_ms / {span_ms};
            END
            """


# Step 38's standing (store/standing.py), written out here, as released.
_ADV_WINDOW = 90 * DAY_MS
_ADV_T0 = 1_767_225_600_000  # 2026-01-01 UTC
_ADV_HALF = 30 * DAY_MS  # core/advocacy.DEFAULT_HALF_LIFE_S: another falls back to a full read
_ADV_PROMOTER = "{r}pos >= 2 AND {r}neg = 0"
_ADV_DETRACTOR = "{r}neg >= 1 AND {r}tone < -500 * {r}scored"


# A reply that answers another person's question or complaint (before the brand's own
# accounts are left out, which the config says), and one that may thank for an answer.
ADVOCACY_ANSWER = "brand AND compound > -0.05 AND parent_asks AND parent_author != author_id"
ADVOCACY_THANKS = "compound >= 0.05"


def _adv_asks(row: str) -> str:
    return f"coalesce({row}.compound <= -0.05 OR instr({row}.text, '?') > 0, 0)"


def _adv_reply(row: str) -> str:
    """A reply's row, its parent found by its unique (channel, external id)."""
    source = "FROM mentions m LEFT JOIN" if row == "m" else "FROM (SELECT 1) LEFT JOIN"
    return f"""
        SELECT {row}.id, {row}.created_ms, {row}.author_id, {row}.channel, {row}.in_reply_to,
               {row}.compound, {row}.watch_set IS NULL AND {row}.channel != 'rss',
               p.id, p.author_id, {_adv_asks("p")}
        {source} mentions p ON p.channel = {row}.channel AND p.external_id = {row}.in_reply_to
    """


def _adv_parent(row: str) -> str:
    """The replies to this mention learn it (it may come after them)."""
    return f"""
        UPDATE advocacy_replies SET parent_id = {row}.id, parent_author = {row}.author_id,
            parent_asks = {_adv_asks(row)}
        WHERE channel = {row}.channel AND in_reply_to = {row}.external_id;
    """


def _adv_orphan(row: str) -> str:
    return f"""
        UPDATE advocacy_replies SET parent_id = NULL, parent_author = NULL, parent_asks = 0
        WHERE channel = {row}.channel AND in_reply_to = {row}.external_id;
    """


def _adv_brand(row: str) -> str:
    return f"{row}.compound IS NOT NULL AND {row}.watch_set IS NULL AND {row}.channel != 'rss'"


def _adv_pos(row: str) -> str:
    return f"({row}.compound >= 0.05)"


def _adv_neg(row: str) -> str:
    return f"({row}.compound <= -0.05)"


def _adv_tone(row: str) -> str:
    return f"CAST(round({row}.compound * 10000) AS INTEGER)"


def _adv_points(row: str) -> str:
    return (
        f"CASE WHEN {row}.compound >= 0.05 "
        f"THEN pow(2.0, ({row}.created_ms - {_ADV_T0}) / {float(_ADV_HALF)}) ELSE 0.0 END"
    )


def _adv_count(sign: str, row: str) -> str:
    promoter = _ADV_PROMOTER.format(r=f"{row}.")
    detractor = _ADV_DETRACTOR.format(r=f"{row}.")
    return (
        f"UPDATE advocacy_slots SET voices = voices {sign} ({row}.scored > 0), "
        f"promoters = promoters {sign} ({promoter}), "
        f"detractors = detractors {sign} ({detractor}) WHERE slot = {row}.slot;"
    )


def _adv_judged(row: str) -> str:
    """A standing row's judgement as one number: a voice, a promoter, a detractor.
    A mention that changes none (most) costs the counts nothing."""
    promoter = _ADV_PROMOTER.format(r=f"{row}.")
    detractor = _ADV_DETRACTOR.format(r=f"{row}.")
    return f"(({row}.scored > 0) + 2 * ({promoter}) + 4 * ({detractor}))"


def _adv_add(row: str, when: str = "") -> str:
    return f"""
        INSERT INTO advocacy_standing
        SELECT s.slot, {row}.author_id, {_adv_pos(row)}, {_adv_neg(row)}, 1, {_adv_tone(row)},
               {_adv_points(row)},
               (SELECT a.customer_id FROM authors a WHERE a.id = {row}.author_id)
        FROM advocacy_slots s WHERE {row}.created_ms >= s.lo AND {row}.created_ms < s.hi {when}
        ON CONFLICT (slot, author_id) DO UPDATE SET
            pos = pos + excluded.pos, neg = neg + excluded.neg, scored = scored + 1,
            tone = tone + excluded.tone, points = points + excluded.points;
    """


def _adv_take(row: str, when: str = "") -> str:
    # An author left with no positive mention has no points, exactly (not a rounding
    # error's worth); a row left with none at all is cleared when its slot moves.
    return f"""
        UPDATE advocacy_standing SET
            pos = pos - {_adv_pos(row)}, neg = neg - {_adv_neg(row)}, scored = scored - 1,
            tone = tone - {_adv_tone(row)},
            points = CASE WHEN pos - {_adv_pos(row)} = 0 THEN 0.0
                          ELSE points - {_adv_points(row)} END
        WHERE slot IN (SELECT s.slot FROM advocacy_slots s
                       WHERE {row}.created_ms >= s.lo AND {row}.created_ms < s.hi)
          AND author_id = {row}.author_id {when};
    """


MIGRATIONS: list[tuple[int, list[str | DropNotNull]]] = [
    (
        1,
        [
            """
            CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                external_id TEXT UNIQUE,
                name TEXT NOT NULL,
                email TEXT,
                company TEXT,
                phone TEXT,
                tier TEXT,
                lifetime_value REAL,
                notes TEXT,
                fields TEXT NOT NULL DEFAULT '{}',
                created_ms INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL
            )
            """,
            "CREATE INDEX customers_email ON customers(email COLLATE NOCASE)",
            """
            CREATE TABLE identities (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                channel TEXT NOT NULL,
                handle TEXT NOT NULL,
                handle_key TEXT NOT NULL,
                source TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                UNIQUE (channel, handle_key)
            )
            """,
            "CREATE INDEX identities_customer ON identities(customer_id)",
            """
            CREATE TABLE authors (
                id INTEGER PRIMARY KEY,
                channel TEXT NOT NULL,
                handle TEXT NOT NULL,
                handle_key TEXT NOT NULL,
                display_name TEXT,
                followers INTEGER,
                url TEXT,
                customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
                match_state TEXT CHECK (match_state IN
                    ('identity', 'auto', 'suggested', 'confirmed', 'rejected')),
                match_score REAL,
                profile_ms INTEGER NOT NULL,  -- time of the post the profile comes from
                UNIQUE (channel, handle_key)
            )
            """,
            "CREATE INDEX authors_customer ON authors(customer_id)",
            # AUTOINCREMENT: ids never go back, so a viewer can ask for "id > last seen".
            """
            CREATE TABLE mentions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                channel TEXT NOT NULL,
                external_id TEXT NOT NULL,
                url TEXT,
                author_id INTEGER NOT NULL REFERENCES authors(id),
                text TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                ingested_ms INTEGER NOT NULL,
                in_reply_to TEXT,
                compound REAL NOT NULL,
                pos REAL NOT NULL,
                neu REAL NOT NULL,
                neg REAL NOT NULL,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
                status_ms INTEGER,
                status_by TEXT,
                UNIQUE (channel, external_id)
            )
            """,
            "CREATE INDEX mentions_stream ON mentions(created_ms, id)",
            "CREATE INDEX mentions_author ON mentions(author_id, created_ms)",
            """
            CREATE VIRTUAL TABLE mentions_fts USING fts5(
                text, content='mentions', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2'
            )
            """,
            # No insert trigger: MentionStore.insert_batch indexes each batch with one
            # INSERT ... SELECT in the same transaction, 5x cheaper than a trigger
            # firing per row. Anything else that inserts mentions must do the same.
            """
            CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
                INSERT INTO mentions_fts(mentions_fts, rowid, text)
                VALUES ('delete', old.id, old.text);
            END
            """,
            """
            CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text ON mentions BEGIN
                INSERT INTO mentions_fts(mentions_fts, rowid, text)
                VALUES ('delete', old.id, old.text);
                INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text);
            END
            """,
            # Read state is per agent (several people share one inbox); done is shared.
            """
            CREATE TABLE mention_reads (
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                agent TEXT NOT NULL,
                read_ms INTEGER NOT NULL,
                PRIMARY KEY (mention_id, agent)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX mention_reads_agent ON mention_reads(agent)",
            # Append-only history of everything that happened: the customer timeline
            # and the audit trail. Mentions themselves are not copied here; the
            # timeline reads them from `mentions` through the author's link.
            """
            CREATE TABLE interactions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                occurred_ms INTEGER NOT NULL,
                actor TEXT,
                customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
                author_id INTEGER REFERENCES authors(id),
                mention_id INTEGER REFERENCES mentions(id),
                channel TEXT,
                summary TEXT,
                detail TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX interactions_customer ON interactions(customer_id, occurred_ms)",
            "CREATE INDEX interactions_mention ON interactions(mention_id)",
        ],
    ),
    (
        2,
        [
            # Offline contacts (calls, letters...) carry a direction and a score.
            "ALTER TABLE interactions ADD COLUMN direction TEXT CHECK (direction IN ('in', 'out'))",
            "ALTER TABLE interactions ADD COLUMN compound REAL",
            "CREATE INDEX interactions_author ON interactions(author_id, occurred_ms)",
            # Customer search by name (the link pane's `/`).
            "CREATE INDEX customers_name ON customers(name COLLATE NOCASE)",
            # A merged customer is kept, pointing at the survivor, so a merge can be
            # undone with nothing lost.
            "ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id)",
            """
            CREATE TABLE customer_merges (
                id INTEGER PRIMARY KEY,
                survivor_id INTEGER NOT NULL REFERENCES customers(id),
                merged_id INTEGER NOT NULL REFERENCES customers(id),
                merged_by TEXT,
                merged_ms INTEGER NOT NULL,
                moved TEXT NOT NULL,  -- JSON: which rows moved, to move them back
                undone_by TEXT,
                undone_ms INTEGER
            )
            """,
            # Up to three suggested customers per unlinked author, best first.
            """
            CREATE TABLE match_suggestions (
                author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                rank INTEGER NOT NULL,
                score REAL NOT NULL,
                fields TEXT NOT NULL,
                PRIMARY KEY (author_id, customer_id)
            ) WITHOUT ROWID
            """,
            # A rejected pair is never suggested again.
            """
            CREATE TABLE match_rejections (
                author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                rejected_by TEXT,
                rejected_ms INTEGER NOT NULL,
                PRIMARY KEY (author_id, customer_id)
            ) WITHOUT ROWID
            """,
        ],
    ),
    (
        3,
        [
            # When the matcher last looked at an unlinked author: each author is
            # matched once, and one never looked at (a crash between storing and
            # matching) is found again through the partial index.
            "ALTER TABLE authors ADD COLUMN matched_ms INTEGER",
            "CREATE INDEX authors_unmatched ON authors(id) "
            "WHERE customer_id IS NULL AND matched_ms IS NULL",
            "CREATE INDEX interactions_kind ON interactions(kind, id)",
        ],
    ),
    (
        4,
        [
            # When the first reply to a mention went out (its first-response time).
            "ALTER TABLE mentions ADD COLUMN first_response_ms INTEGER",
            # An unsent reply, per agent: survives Esc, a restart and a crash.
            # `key` is "reply:<mention id>" or "post" (the macro response).
            """
            CREATE TABLE drafts (
                agent TEXT NOT NULL,
                key TEXT NOT NULL,
                channel TEXT,
                text TEXT NOT NULL,
                updated_ms INTEGER NOT NULL,
                PRIMARY KEY (agent, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE escalations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                mention_id INTEGER REFERENCES mentions(id),
                author_id INTEGER REFERENCES authors(id),
                customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
                team TEXT NOT NULL,
                priority TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
                note TEXT NOT NULL DEFAULT '',
                state TEXT NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'acknowledged', 'resolved')),
                created_ms INTEGER NOT NULL,
                created_by TEXT,
                acked_ms INTEGER,
                acked_by TEXT,
                resolved_ms INTEGER,
                resolved_by TEXT,
                resolution TEXT
            )
            """,
            "CREATE INDEX escalations_state ON escalations(state, created_ms)",
            "CREATE INDEX escalations_mention ON escalations(mention_id)",
            # Everything that goes out: replies, macro posts, replies made by hand
            # elsewhere (recorded as sent) and webhook deliveries. Sending is: write
            # the row, claim it, send with `key`, mark it sent. `key` is chosen once
            # (Mastodon's Idempotency-Key, the Bluesky record key), so a retry after
            # a crash cannot post twice. No secret is ever stored here: a webhook is
            # named by team and hook, its URL is read from the config when sending.
            """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('reply', 'post', 'manual', 'webhook')),
                channel TEXT NOT NULL,
                target TEXT,
                escalation_id INTEGER REFERENCES escalations(id),
                text TEXT NOT NULL,
                key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL CHECK (state IN
                    ('pending', 'sending', 'sent', 'failed', 'discarded')),
                attempts INTEGER NOT NULL DEFAULT 0,
                attempts_base INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                next_ms INTEGER NOT NULL,
                claimed_by TEXT,
                claim_until_ms INTEGER,
                remote_id TEXT,
                remote_url TEXT,
                created_ms INTEGER NOT NULL,
                created_by TEXT,
                sent_ms INTEGER,
                updated_ms INTEGER NOT NULL
            )
            """,
            "CREATE INDEX outbox_due ON outbox(next_ms) WHERE state IN ('pending', 'sending')",
            "CREATE INDEX outbox_state ON outbox(state, id)",
            "CREATE INDEX outbox_escalation ON outbox(escalation_id)",
            # Which mentions a post answers: one for a reply, many for a macro post.
            """
            CREATE TABLE outbox_mentions (
                outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                PRIMARY KEY (outbox_id, mention_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX outbox_mentions_mention ON outbox_mentions(mention_id)",
        ],
    ),
    (
        5,
        [
            # Where each source is: its cursor (opaque to all but the source), when it
            # last worked, what went wrong, and until when it is left alone.
            """
            CREATE TABLE source_state (
                source TEXT PRIMARY KEY,
                channel TEXT NOT NULL,
                cursor TEXT,
                state TEXT NOT NULL DEFAULT 'ok'
                    CHECK (state IN ('ok', 'backoff', 'degraded', 'auth', 'off')),
                failures INTEGER NOT NULL DEFAULT 0,
                backoff_until_ms INTEGER,
                last_ok_ms INTEGER,
                last_error TEXT,
                last_error_ms INTEGER,
                stored INTEGER NOT NULL DEFAULT 0,
                updated_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            # One process polls the networks at a time: it holds the lease and renews
            # it; when it stops renewing, another process may take it.
            """
            CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                acquired_ms INTEGER NOT NULL,
                renewed_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
        ],
    ),
    (
        6,
        [
            # Which watch term a mention matched, and the first post of its thread.
            "ALTER TABLE mentions ADD COLUMN matched TEXT",
            "ALTER TABLE mentions ADD COLUMN root_id TEXT",
        ],
    ),
    (
        7,
        [
            # How far back a source's backfill has reached while it is still paging
            # (NULL once caught up), so every terminal can show the progress.
            "ALTER TABLE source_state ADD COLUMN backfill TEXT",
        ],
    ),
    (
        8,
        [
            # A new state, 'warning': the poll worked in part (a feed whose XML broke
            # after some entries). SQLite cannot change a CHECK: the table is rebuilt.
            """
            CREATE TABLE source_state_new (
                source TEXT PRIMARY KEY,
                channel TEXT NOT NULL,
                cursor TEXT,
                state TEXT NOT NULL DEFAULT 'ok'
                    CHECK (state IN ('ok', 'warning', 'backoff', 'degraded', 'auth', 'off')),
                failures INTEGER NOT NULL DEFAULT 0,
                backoff_until_ms INTEGER,
                last_ok_ms INTEGER,
                last_error TEXT,
                last_error_ms INTEGER,
                stored INTEGER NOT NULL DEFAULT 0,
                updated_ms INTEGER NOT NULL,
                backfill TEXT
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO source_state_new (source, channel, cursor, state, failures,
                                          backoff_until_ms, last_ok_ms, last_error,
                                          last_error_ms, stored, updated_ms, backfill)
            SELECT source, channel, cursor, state, failures, backoff_until_ms, last_ok_ms,
                   last_error, last_error_ms, stored, updated_ms, backfill
            FROM source_state
            """,
            "DROP TABLE source_state",
            "ALTER TABLE source_state_new RENAME TO source_state",
        ],
    ),
    (
        9,
        [
            # Since when the collector has waited on a source's answer, while a slow one
            # is in flight (NULL otherwise), so every terminal can see what it waits on.
            "ALTER TABLE source_state ADD COLUMN fetching_ms INTEGER",
        ],
    ),
    (
        10,
        [
            # A text over the display limit is stored cut (for the list, the reading
            # pane and the search index); its length and the whole of it are kept
            # here, so the pane can say so and `scrm export mentions` writes it all.
            "ALTER TABLE mentions ADD COLUMN text_length INTEGER",
            """
            CREATE TABLE mention_originals (
                mention_id INTEGER PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
                text TEXT NOT NULL
            )
            """,
        ],
    ),
    (
        11,
        [
            # Work that must be finished even if the process doing it is killed: a
            # customer import commits `rematch` with its customers; the re-match moves
            # `after_id` page by page and deletes the row when done. A newer import
            # bumps `generation` (and starts again from the first author).
            """
            CREATE TABLE pending_work (
                name TEXT PRIMARY KEY,
                generation INTEGER NOT NULL,
                since_ms INTEGER NOT NULL,
                after_id INTEGER NOT NULL DEFAULT 0,
                updated_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
        ],
    ),
    (
        12,
        [
            # Working as a team. Who a mention is assigned to, until when it is
            # snoozed (it leaves the open view and comes back unread), and its 0-100
            # priority (NULL until scored).
            "ALTER TABLE mentions ADD COLUMN assignee TEXT",
            "CREATE INDEX mentions_assignee ON mentions(assignee, created_ms, id) "
            "WHERE assignee IS NOT NULL",
            "ALTER TABLE mentions ADD COLUMN snoozed_until_ms INTEGER",
            "CREATE INDEX mentions_snoozed ON mentions(snoozed_until_ms) "
            "WHERE snoozed_until_ms IS NOT NULL",
            "ALTER TABLE mentions ADD COLUMN priority INTEGER",
            # Keyset order for `o` (highest priority first): (priority, created_ms, id).
            "CREATE INDEX mentions_priority ON mentions(priority, created_ms, id)",
            # Tags, on mentions and on customers; matched case-insensitively.
            """
            CREATE TABLE mention_tags (
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                tag TEXT NOT NULL COLLATE NOCASE,
                added_ms INTEGER NOT NULL,
                added_by TEXT,
                PRIMARY KEY (mention_id, tag)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX mention_tags_tag ON mention_tags(tag, mention_id)",
            """
            CREATE TABLE customer_tags (
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                tag TEXT NOT NULL COLLATE NOCASE,
                added_ms INTEGER NOT NULL,
                added_by TEXT,
                PRIMARY KEY (customer_id, tag)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id)",
            # Each running scrm process an agent works in ("host:pid:start"), with a
            # heartbeat: who is present, and whose claims are still alive.
            """
            CREATE TABLE presence (
                holder TEXT PRIMARY KEY,
                agent TEXT NOT NULL,
                started_ms INTEGER NOT NULL,
                heartbeat_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE INDEX presence_agent ON presence(agent)",
            # An agent answering or escalating a mention. A claim whose holder has
            # stopped beating (quit, kill -9, idle) blocks no one.
            """
            CREATE TABLE claims (
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                agent TEXT NOT NULL,
                holder TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('reply', 'post', 'escalate')),
                since_ms INTEGER NOT NULL,
                heartbeat_ms INTEGER NOT NULL,
                PRIMARY KEY (mention_id, agent)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX claims_holder ON claims(holder)",
        ],
    ),
    (
        13,
        [
            # Filters an agent saved under a name (`V`), in the order they were saved;
            # the team's views live in the config. A name is one view per agent,
            # whatever its case.
            """
            CREATE TABLE saved_views (
                agent TEXT NOT NULL,
                name TEXT NOT NULL COLLATE NOCASE,
                filter TEXT NOT NULL,
                position INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                PRIMARY KEY (agent, name)
            ) WITHOUT ROWID
            """,
            # How many times each agent's reads changed, kept by the database whoever
            # writes them: a view bar learns from one row, not by counting an agent's
            # reads, whether its unread counts may have changed.
            """
            CREATE TABLE read_changes (
                agent TEXT PRIMARY KEY,
                changes INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            """
            CREATE TRIGGER mention_reads_added AFTER INSERT ON mention_reads BEGIN
                INSERT INTO read_changes (agent, changes) VALUES (NEW.agent, 1)
                ON CONFLICT (agent) DO UPDATE SET changes = changes + 1;
            END
            """,
            """
            CREATE TRIGGER mention_reads_removed AFTER DELETE ON mention_reads BEGIN
                INSERT INTO read_changes (agent, changes) VALUES (OLD.agent, 1)
                ON CONFLICT (agent) DO UPDATE SET changes = changes + 1;
            END
            """,
        ],
    ),
    (
        14,
        [
            # The hashtags a post carries (from its text, and those the network
            # declares), so `#kestrel` finds the posts tagged so, not every post with
            # the word. created_ms rides along: one tag's posts are read newest first
            # from the primary key alone, as a list pages them. Mentions are never
            # deleted, so nothing needs an index by mention_id for the cascade.
            """
            CREATE TABLE mention_hashtags (
                tag TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                PRIMARY KEY (tag, created_ms, mention_id)
            ) WITHOUT ROWID
            """,
            # The posts stored before: their hashtags, read from their text by the
            # function the migrating connection registers (store/db.py).
            """
            INSERT OR IGNORE INTO mention_hashtags (tag, created_ms, mention_id)
            SELECT j.value, m.created_ms, m.id
            FROM mentions m, json_each(scrm_hashtags(m.text)) j
            WHERE instr(m.text, '#') > 0
            """,
        ],
    ),
    (
        15,
        [
            # Round-robin assignment: who had the last turn, so the next mention goes
            # to the agent after them whichever process assigns it (one row per
            # rotation; "round-robin" is the one every rule and auto-assign share).
            """
            CREATE TABLE rotations (
                name TEXT PRIMARY KEY,
                last_agent TEXT NOT NULL,
                turned_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
        ],
    ),
    (
        16,
        [
            # Bulk actions (x, u, a, t, e on a selection, or one mention), each a journal
            # so that `U` undoes an agent's last one, even after a restart. `params`
            # rebuilds the change (JSON); `count` is kept up to date batch by batch, so
            # an action stopped part-way (Esc, a crash) still says what it changed, and
            # so are `undone` and `undo_skipped` by an undo (`undone_ms` once complete).
            """
            CREATE TABLE bulk_actions (
                id INTEGER PRIMARY KEY,
                agent TEXT NOT NULL,
                kind TEXT NOT NULL,
                params TEXT NOT NULL DEFAULT '{}',
                summary TEXT NOT NULL,
                started_ms INTEGER NOT NULL,
                finished_ms INTEGER,
                count INTEGER NOT NULL DEFAULT 0,
                stopped INTEGER NOT NULL DEFAULT 0,
                undone INTEGER NOT NULL DEFAULT 0,
                undo_skipped INTEGER NOT NULL DEFAULT 0,
                undone_ms INTEGER
            )
            """,
            "CREATE INDEX bulk_actions_agent ON bulk_actions(agent, id)",
            # Per mention changed and not undone yet: the values before and after
            # (JSON), and the newest history row when it was written: a later change
            # by another actor in the history means undo leaves that mention alone.
            # Undo deletes the rows it has dealt with, a batch's range at a time.
            """
            CREATE TABLE bulk_items (
                action_id INTEGER NOT NULL REFERENCES bulk_actions(id) ON DELETE CASCADE,
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                before TEXT,
                after TEXT,
                event_id INTEGER NOT NULL,
                PRIMARY KEY (action_id, mention_id)
            ) WITHOUT ROWID
            """,
            # One escalation may name many mentions (`e` on a selection): the team is
            # told once, and each mention's history says which escalation has it.
            """
            CREATE TABLE escalation_mentions (
                escalation_id INTEGER NOT NULL REFERENCES escalations(id) ON DELETE CASCADE,
                mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
                PRIMARY KEY (escalation_id, mention_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX escalation_mentions_mention ON escalation_mentions(mention_id)",
            "INSERT INTO escalation_mentions (escalation_id, mention_id) "
            "SELECT id, mention_id FROM escalations WHERE mention_id IS NOT NULL",
        ],
    ),
    (
        17,
        [
            # Priority, stored so that it never needs rewriting as time passes (see
            # core/priority.py): `priority` is P at posting (0-100), `priority_rank`
            # when it would have decayed to 0, the key `o` sorts by. `priority_base` is
            # the mention's own part (reach, sentiment, question), so a link to a
            # customer or a change of tier re-scores in SQL, without the text.
            "ALTER TABLE mentions ADD COLUMN points INTEGER",  # HN points, Reddit score
            "ALTER TABLE mentions ADD COLUMN priority_base REAL",
            # Below every real rank until scored: an unscored mention sorts last.
            "ALTER TABLE mentions ADD COLUMN priority_rank INTEGER NOT NULL "
            "DEFAULT -4611686018427387904",
            "CREATE INDEX mentions_rank ON mentions(priority_rank, id)",
            # The weights the stored priorities were computed with: one row, shared
            # by every process on the file, so all of them score alike.
            """
            CREATE TABLE priority_weights (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                weights TEXT NOT NULL,
                tier REAL NOT NULL,
                other_tier REAL NOT NULL,
                value REAL NOT NULL,
                value_half REAL NOT NULL CHECK (value_half > 0),
                ms_per_point INTEGER NOT NULL CHECK (ms_per_point > 0),
                set_by TEXT,
                set_ms INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE priority_tiers (
                tier TEXT PRIMARY KEY COLLATE NOCASE,
                share REAL NOT NULL
            ) WITHOUT ROWID
            """,
            # A customer's part of a priority: tier share and lifetime value on a
            # saturating scale (half the points at value_half). enrich/priority.py
            # computes the same in Python to explain a score.
            """
            CREATE VIEW customer_points (customer_id, points) AS
            SELECT c.id,
                   w.tier * coalesce((SELECT t.share FROM priority_tiers t
                                      WHERE t.tier = c.tier), w.other_tier)
                   + w.value * max(coalesce(c.lifetime_value, 0), 0)
                     / (max(coalesce(c.lifetime_value, 0), 0) + w.value_half)
            FROM customers c, priority_weights w
            """,
            # Linking an author to a customer (or unlinking, merging) and changing a
            # customer's tier or value re-score that author's mentions at once, by
            # whichever code does it. P0 = round(base + customer part), 0-100, as
            # core.priority.p0 does.
            f"""
            CREATE TRIGGER mentions_priority_on_link AFTER UPDATE OF customer_id ON authors
            WHEN OLD.customer_id IS NOT NEW.customer_id
            BEGIN
                UPDATE mentions SET priority = {_P0.format(customer="NEW.customer_id")}
                WHERE author_id = NEW.id AND priority_base IS NOT NULL;
                UPDATE mentions SET priority_rank = {_RANK}
                WHERE author_id = NEW.id AND priority_base IS NOT NULL;
            END
            """,
            f"""
            CREATE TRIGGER mentions_priority_on_customer
            AFTER UPDATE OF tier, lifetime_value ON customers
            WHEN OLD.tier IS NOT NEW.tier OR OLD.lifetime_value IS NOT NEW.lifetime_value
            BEGIN
                UPDATE mentions SET priority = {_P0.format(customer="NEW.id")}
                WHERE priority_base IS NOT NULL
                  AND author_id IN (SELECT id FROM authors WHERE customer_id = NEW.id);
                UPDATE mentions SET priority_rank = {_RANK}
                WHERE priority_base IS NOT NULL
                  AND author_id IN (SELECT id FROM authors WHERE customer_id = NEW.id);
            END
            """,
        ],
    ),
    (
        18,
        [
            # Every agent who has opened scrm on this database: whom work can be
            # assigned to, besides the config's [team] agents.
            """
            CREATE TABLE agents (
                name TEXT PRIMARY KEY,
                first_seen_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            # The agents known so far: those who hold or were given work.
            "INSERT OR IGNORE INTO agents (name, first_seen_ms, last_seen_ms) "
            "SELECT agent, min(started_ms), max(heartbeat_ms) FROM presence GROUP BY agent",
        ],
    ),
    (
        19,
        [
            # Counts kept by the database in the transactions that write, whoever
            # writes them: the header reads its total and unread count from two rows,
            # not by counting a million. Snoozed: with a snooze set (due or not).
            """
            CREATE TABLE mention_counts (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                total INTEGER NOT NULL,
                snoozed INTEGER NOT NULL
            )
            """,
            "INSERT INTO mention_counts (id, total, snoozed) "
            "SELECT 1, count(*), count(snoozed_until_ms) FROM mentions",
            # Each agent's reads, and how many of those are of snoozed mentions.
            """
            CREATE TABLE read_counts (
                agent TEXT PRIMARY KEY,
                reads INTEGER NOT NULL,
                snoozed INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "INSERT INTO read_counts (agent, reads, snoozed) "
            "SELECT r.agent, count(*), count(m.snoozed_until_ms) "
            "FROM mention_reads r JOIN mentions m ON m.id = r.mention_id GROUP BY r.agent",
            """
            CREATE TRIGGER mention_counts_added AFTER INSERT ON mentions BEGIN
                UPDATE mention_counts SET total = total + 1,
                    snoozed = snoozed + (NEW.snoozed_until_ms IS NOT NULL);
            END
            """,
            # Before: its reads go first, while the mention still says whether it is
            # snoozed (a foreign key's cascade would delete them after it is gone).
            """
            CREATE TRIGGER mention_counts_removed BEFORE DELETE ON mentions BEGIN
                DELETE FROM mention_reads WHERE mention_id = OLD.id;
                UPDATE mention_counts SET total = total - 1,
                    snoozed = snoozed - (OLD.snoozed_until_ms IS NOT NULL);
            END
            """,
            """
            CREATE TRIGGER mention_counts_snoozed AFTER UPDATE OF snoozed_until_ms ON mentions
            WHEN (OLD.snoozed_until_ms IS NULL) != (NEW.snoozed_until_ms IS NULL)
            BEGIN
                UPDATE mention_counts SET snoozed = snoozed
                    + CASE WHEN NEW.snoozed_until_ms IS NULL THEN -1 ELSE 1 END;
                UPDATE read_counts SET snoozed = snoozed
                    + CASE WHEN NEW.snoozed_until_ms IS NULL THEN -1 ELSE 1 END
                WHERE agent IN (SELECT agent FROM mention_reads WHERE mention_id = NEW.id);
            END
            """,
            """
            CREATE TRIGGER read_counts_added AFTER INSERT ON mention_reads BEGIN
                INSERT INTO read_counts (agent, reads, snoozed)
                VALUES (NEW.agent, 1, coalesce((SELECT snoozed_until_ms IS NOT NULL
                                                FROM mentions WHERE id = NEW.mention_id), 0))
                ON CONFLICT (agent) DO UPDATE SET reads = reads + 1,
                    snoozed = snoozed + excluded.snoozed;
            END
            """,
            """
            CREATE TRIGGER read_counts_removed AFTER DELETE ON mention_reads BEGIN
                UPDATE read_counts SET reads = reads - 1,
                    snoozed = snoozed - coalesce((SELECT snoozed_until_ms IS NOT NULL
                                                  FROM mentions WHERE id = OLD.mention_id), 0)
                WHERE agent = OLD.agent;
            END
            """,
            # One number that moves with every commit an open inbox should look at:
            # each write transaction bumps it (store/db.py), except bookkeeping (a
            # lease renewed, a heartbeat, a long job's progress), which wakes no one.
            """
            CREATE TABLE change_marks (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL
            )
            """,
            "INSERT INTO change_marks (id, seq) VALUES (1, 0)",
            # Claims must show in every terminal within a second, however they are
            # written; their heartbeats alone move nothing.
            """
            CREATE TRIGGER change_marks_claimed AFTER INSERT ON claims BEGIN
                UPDATE change_marks SET seq = seq + 1;
            END
            """,
            """
            CREATE TRIGGER change_marks_unclaimed AFTER DELETE ON claims BEGIN
                UPDATE change_marks SET seq = seq + 1;
            END
            """,
            """
            CREATE TRIGGER change_marks_claim_moved AFTER UPDATE ON claims
            WHEN OLD.agent IS NOT NEW.agent OR OLD.kind IS NOT NEW.kind
              OR OLD.since_ms IS NOT NEW.since_ms OR OLD.mention_id IS NOT NEW.mention_id
            BEGIN
                UPDATE change_marks SET seq = seq + 1;
            END
            """,
        ],
    ),
    (
        20,
        [
            # Which mentions each agent read or unread, newest last: a view bar takes
            # a read made elsewhere into its counts by looking at those mentions
            # alone, not by counting every view again (service/views.py). Only the
            # last 20,000 entries are kept: a bar further behind than that recounts.
            """
            CREATE TABLE read_log (
                seq INTEGER PRIMARY KEY,
                agent TEXT NOT NULL,
                mention_id INTEGER NOT NULL,
                read INTEGER NOT NULL
            )
            """,
            "CREATE INDEX read_log_agent ON read_log(agent, seq)",
            """
            CREATE TRIGGER read_logged AFTER INSERT ON mention_reads BEGIN
                INSERT INTO read_log (agent, mention_id, read)
                VALUES (NEW.agent, NEW.mention_id, 1);
                DELETE FROM read_log WHERE seq <= last_insert_rowid() - 20000;
            END
            """,
            """
            CREATE TRIGGER unread_logged AFTER DELETE ON mention_reads BEGIN
                INSERT INTO read_log (agent, mention_id, read)
                VALUES (OLD.agent, OLD.mention_id, 0);
                DELETE FROM read_log WHERE seq <= last_insert_rowid() - 20000;
            END
            """,
        ],
    ),
    (
        21,
        [
            # The matcher's candidate index, kept in the file so that every process shares
            # it and none holds a copy of the customers (store/match_index.py). Filled by
            # whichever process matches next, from `match_dirty`: triggers mark each
            # customer whose name, e-mail, company, merge or identities change, by any
            # code; AUTOINCREMENT so that a customer marked again while being indexed
            # keeps a newer mark (no id is reused).
            """
            CREATE TABLE match_dirty (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                customer_id INTEGER NOT NULL UNIQUE
            )
            """,
            "INSERT INTO match_dirty (customer_id) SELECT id FROM customers ORDER BY id",
            # What each indexed customer put in: removed when it changes; `text` (the
            # folded name) and `handles` rank the holders of a common word when
            # nothing else fits.
            """
            CREATE TABLE match_entries (
                customer_id INTEGER PRIMARY KEY,
                text TEXT NOT NULL,
                handles TEXT NOT NULL,
                entry TEXT NOT NULL,
                words TEXT NOT NULL,
                name_words TEXT NOT NULL,
                keys TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE match_words (
                word TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                PRIMARY KEY (word, customer_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE match_keys (
                key TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                PRIMARY KEY (key, customer_id)
            ) WITHOUT ROWID
            """,
            # Name word -> customers with it in their name (rare words weigh more), and
            # name word minus one letter -> the word, for the one- and two-edit lookup.
            "CREATE TABLE match_df (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
            """
            CREATE TABLE match_deletions (
                probe TEXT NOT NULL,
                word TEXT NOT NULL,
                PRIMARY KEY (probe, word)
            ) WITHOUT ROWID
            """,
            # How many customers are indexed: the population word weights are taken over.
            """
            CREATE TABLE match_population (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                n INTEGER NOT NULL
            )
            """,
            "INSERT INTO match_population (id, n) VALUES (1, 0)",
            *(
                f"""
                CREATE TRIGGER match_dirty_{name} AFTER {event} BEGIN
                    INSERT OR REPLACE INTO match_dirty (customer_id) VALUES ({row}.{column});
                END
                """
                for name, event, row, column in (
                    ("customer_new", "INSERT ON customers", "NEW", "id"),
                    (
                        "customer_edit",
                        "UPDATE OF name, email, company, merged_into ON customers",
                        "NEW",
                        "id",
                    ),
                    ("customer_gone", "DELETE ON customers", "OLD", "id"),
                    ("identity_new", "INSERT ON identities", "NEW", "customer_id"),
                    ("identity_gone", "DELETE ON identities", "OLD", "customer_id"),
                    ("identity_moved", "UPDATE ON identities", "OLD", "customer_id"),
                    ("identity_edit", "UPDATE ON identities", "NEW", "customer_id"),
                )
            ),
        ],
    ),
    (
        22,
        [
            # How far a background job is (indexing customers, re-matching authors), told
            # by the process that holds its lease, so that an inbox or a watch in another
            # process can show it. Written often and shown by nobody's list: its writes
            # wake no inbox.
            """
            CREATE TABLE job_progress (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                doing TEXT NOT NULL,
                done INTEGER NOT NULL,
                total INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            # The outbox's items per state, kept by triggers (the outbox screen shows
            # them every second; counting 100k items each time cost 10-20 ms), and a
            # mark that moves with every change to the outbox, so that the screen
            # reads its rows again only when something changed.
            """
            CREATE TABLE outbox_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL)
            WITHOUT ROWID
            """,
            """
            INSERT INTO outbox_counts (state, n)
            SELECT state, count(*) FROM outbox GROUP BY state
            """,
            """
            CREATE TABLE outbox_mark (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL
            )
            """,
            "INSERT INTO outbox_mark (id, seq) VALUES (1, 0)",
            """
            CREATE TRIGGER outbox_counted_new AFTER INSERT ON outbox BEGIN
                INSERT INTO outbox_counts (state, n) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET n = n + 1;
                UPDATE outbox_mark SET seq = seq + 1;
            END
            """,
            """
            CREATE TRIGGER outbox_counted_gone AFTER DELETE ON outbox BEGIN
                UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
                UPDATE outbox_mark SET seq = seq + 1;
            END
            """,
            """
            CREATE TRIGGER outbox_counted_moved AFTER UPDATE OF state ON outbox
            WHEN OLD.state IS NOT NEW.state BEGIN
                UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
                INSERT INTO outbox_counts (state, n) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET n = n + 1;
            END
            """,
            """
            CREATE TRIGGER outbox_marked AFTER UPDATE ON outbox BEGIN
                UPDATE outbox_mark SET seq = seq + 1;
            END
            """,
            # Likewise for escalations: the screen recounts the LATE ones only when one
            # changed or the next one comes due, not on each look.
            """
            CREATE TABLE escalations_mark (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL
            )
            """,
            "INSERT INTO escalations_mark (id, seq) VALUES (1, 0)",
            *(
                f"""
                CREATE TRIGGER escalations_marked_{event.lower()} AFTER {event} ON escalations
                BEGIN
                    UPDATE escalations_mark SET seq = seq + 1;
                END
                """
                for event in ("INSERT", "UPDATE", "DELETE")
            ),
        ],
    ),
    (
        23,
        [
            # Pairs of words one customer holds ("john smith"), so that a common first name
            # and a common surname meet in one short posting list instead of two of 20k
            # ids each. Existing customers are paired by the background job (`scrm
            # catch-up`), in id order; `upto` says how far: customers above it are still
            # found through their words (store/match_index.py), so matching stays right
            # while it runs. Customers indexed from now on get their pairs as they are.
            """
            CREATE TABLE match_pairs (
                pair TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                PRIMARY KEY (pair, customer_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE match_pairs_done (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                upto INTEGER NOT NULL
            )
            """,
            f"""
            INSERT INTO match_pairs_done (id, upto)
            SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM match_entries) THEN 0 ELSE {PAIRED_ALL} END
            """,
        ],
    ),
    (
        24,
        [
            # How many customers each indexed word has (name, handle or e-mail word), kept
            # by triggers on match_words: the matcher asks how common a word and its near
            # words are a dozen times per author, and counting a common name's 20k index
            # rows each time was a fifth of a match. Built from match_words in one pass
            # (3.3M rows at a million customers: under a second).
            """
            CREATE TABLE match_word_n (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID
            """,
            """
            INSERT INTO match_word_n (word, n) SELECT word, count(*) FROM match_words GROUP BY word
            """,
            """
            CREATE TRIGGER match_word_n_new AFTER INSERT ON match_words BEGIN
                INSERT INTO match_word_n (word, n) VALUES (NEW.word, 1)
                    ON CONFLICT (word) DO UPDATE SET n = n + 1;
            END
            """,
            """
            CREATE TRIGGER match_word_n_gone AFTER DELETE ON match_words BEGIN
                UPDATE match_word_n SET n = n - 1 WHERE word = OLD.word;
                DELETE FROM match_word_n WHERE word = OLD.word AND n <= 0;
            END
            """,
        ],
    ),
    (
        25,
        [
            # The language of each mention (issue 13): an ISO 639-1 code or NULL for
            # unknown, the confidence (1 when the network declared it), and where it came
            # from: declared, detected, or NULL for a row stored before this step, which
            # the background job (`scrm catch-up`) detects in batches (service/languages.py).
            "ALTER TABLE mentions ADD COLUMN lang TEXT",
            "ALTER TABLE mentions ADD COLUMN lang_conf REAL",
            "ALTER TABLE mentions ADD COLUMN lang_src TEXT",
            # `lang:de` in newest-first order, and `lang:unknown` (NULL) the same way.
            "CREATE INDEX mentions_lang ON mentions(lang, created_ms, id)",
            # `s:unscored` in newest-first order, and its count, from the unscored alone.
            "CREATE INDEX mentions_unscored ON mentions(created_ms, id) WHERE compound IS NULL",
            # The rows still to be detected: empty once the job is done.
            "CREATE INDEX mentions_lang_todo ON mentions(id) WHERE lang_src IS NULL",
            # A mention no scorer can read is unscored (NULL), not "neutral". Last in the
            # step: it edits the table's text, which the ALTERs above must not see.
            DropNotNull("mentions", ("compound", "pos", "neu", "neg")),
        ],
    ),
    (
        26,
        [
            # Where an HN story or a Reddit link post points. The full-text index holds
            # it after the text (FTS_TEXT), so searching for its address finds the post;
            # the triggers take out what was put in. A NULL link adds nothing: what the
            # index already holds is what they take out for the rows stored before.
            "ALTER TABLE mentions ADD COLUMN link TEXT",
            "DROP TRIGGER mentions_fts_delete",
            "DROP TRIGGER mentions_fts_update",
            """
            CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
                INSERT INTO mentions_fts(mentions_fts, rowid, text)
                VALUES ('delete', old.id, old.text || coalesce(char(10) || old.link, ''));
            END
            """,
            """
            CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text, link ON mentions BEGIN
                INSERT INTO mentions_fts(mentions_fts, rowid, text)
                VALUES ('delete', old.id, old.text || coalesce(char(10) || old.link, ''));
                INSERT INTO mentions_fts(rowid, text)
                VALUES (new.id, new.text || coalesce(char(10) || new.link, ''));
            END
            """,
            # Hacker News names are case-sensitive (`Foo` and `foo` are two people): their
            # keys become the name as written. Authors and identities stored under the
            # folded key get the spelling they were stored with; two people folded into
            # one author before stay one author (which of them wrote what is not kept).
            # Only the rows whose key changes: an identity written to is a customer to
            # index again (match_dirty's triggers), and at a million customers an
            # update of every Hacker News one left 286k to re-index for nothing.
            "UPDATE authors SET handle_key = trim(handle) "
            "WHERE channel = 'hackernews' AND handle_key IS NOT trim(handle)",
            "UPDATE identities SET handle_key = trim(handle) "
            "WHERE channel = 'hackernews' AND handle_key IS NOT trim(handle)",
            # Bluesky authors whose handle failed to verify were all one author keyed
            # `handle.invalid`; each is now named by its DID, which every post's at://
            # address holds. The posts of that author go to one author per DID, unless a
            # person linked it to a customer (then it is left for them to sort out).
            f"""
            INSERT INTO authors (channel, handle, handle_key, url, profile_ms)
            SELECT 'bluesky', did, lower(did), 'https://bsky.app/profile/' || did, max(created_ms)
            FROM (SELECT {_DID_OF_POST.format(uri="m.external_id")} AS did, m.created_ms
                  FROM mentions m JOIN authors a ON a.id = m.author_id
                  WHERE a.channel = 'bluesky' AND a.handle_key = 'handle.invalid'
                    AND a.customer_id IS NULL AND m.external_id LIKE 'at://did:%/%')
            WHERE did <> ''
            GROUP BY did
            ON CONFLICT (channel, handle_key) DO NOTHING
            """,
            f"""
            UPDATE mentions SET author_id = (
                SELECT id FROM authors WHERE channel = 'bluesky'
                AND handle_key = lower({_DID_OF_POST.format(uri="mentions.external_id")}))
            WHERE external_id LIKE 'at://did:%/%' AND author_id IN (
                SELECT id FROM authors WHERE channel = 'bluesky'
                AND handle_key = 'handle.invalid' AND customer_id IS NULL)
            """,
        ],
    ),
    (
        27,
        [
            # The match model's weights refitted from the agents' confirmations and
            # rejections (`scrm matching refit`): one row, read by every matching process;
            # none means the weights shipped with scrm.
            """
            CREATE TABLE match_weights (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                weights TEXT NOT NULL,
                candidates INTEGER NOT NULL,
                authors INTEGER NOT NULL,
                fitted_ms INTEGER NOT NULL,
                fitted_by TEXT NOT NULL
            )
            """,
            # A suggestion's calibrated probability (0-1) that the author is that customer;
            # NULL for those stored before (shown as unknown).
            "ALTER TABLE match_suggestions ADD COLUMN probability REAL",
        ],
    ),
    (
        28,
        [
            # The review queue (`L`): each unlinked author's best suggestion, kept by
            # triggers on match_suggestions whoever writes them (the matcher, a reject,
            # a merge and their undo, a refit), so that the queue is read best first a
            # page at a time and counted from one index, however many authors wait.
            # `best` is 1 + the probability (1..2), or for a suggestion stored before
            # probabilities (step 27) its score / 1000 (0..0.1): the most probable
            # first, then those of unknown probability by score.
            """
            CREATE TABLE match_best (
                author_id INTEGER PRIMARY KEY,
                best REAL NOT NULL
            )
            """,
            "CREATE INDEX match_best_order ON match_best(best, author_id)",
            f"INSERT INTO match_best (author_id, best) "
            f"SELECT author_id, max({_BEST.format(row='')}) FROM match_suggestions "
            "GROUP BY author_id",
            f"""
            CREATE TRIGGER match_best_added AFTER INSERT ON match_suggestions BEGIN
                INSERT INTO match_best (author_id, best)
                    VALUES (NEW.author_id, {_BEST.format(row="NEW.")})
                    ON CONFLICT (author_id) DO UPDATE SET best = max(best, excluded.best);
            END
            """,
            f"""
            CREATE TRIGGER match_best_removed AFTER DELETE ON match_suggestions BEGIN
                DELETE FROM match_best WHERE author_id = OLD.author_id;
                INSERT INTO match_best (author_id, best)
                    SELECT author_id, max({_BEST.format(row="")}) FROM match_suggestions
                    WHERE author_id = OLD.author_id GROUP BY author_id;
            END
            """,
            f"""
            CREATE TRIGGER match_best_changed AFTER UPDATE OF score, probability
            ON match_suggestions BEGIN
                DELETE FROM match_best WHERE author_id = OLD.author_id;
                INSERT INTO match_best (author_id, best)
                    SELECT author_id, max({_BEST.format(row="")}) FROM match_suggestions
                    WHERE author_id = OLD.author_id GROUP BY author_id;
            END
            """,
        ],
    ),
    (
        29,
        [
            # A sentiment set by hand (`s`): who set it and when. The mention's figures
            # are then the label's (store/moods.py), so every filter, count and figure
            # follows the person, not the scorer; the scorer's own are kept in `labels`.
            "ALTER TABLE mentions ADD COLUMN mood_by TEXT",
            "ALTER TABLE mentions ADD COLUMN mood_ms INTEGER",
            # The agents' decisions as labelled data (`scrm accuracy`): sentiment set by
            # hand (one row per mention, the newest), and links confirmed or rejected
            # (one row per decision), each with what scrm had said, and when.
            """
            CREATE TABLE labels (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('sentiment', 'link')),
                mention_id INTEGER REFERENCES mentions(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES authors(id) ON DELETE CASCADE,
                customer_id INTEGER,
                lang TEXT,
                label TEXT NOT NULL,
                predicted TEXT,
                predicted_score REAL,
                scored TEXT,
                rank INTEGER,
                agent TEXT NOT NULL,
                created_ms INTEGER NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX labels_sentiment ON labels(mention_id) WHERE kind = 'sentiment'",
            "CREATE INDEX labels_link ON labels(author_id, customer_id) WHERE kind = 'link'",
            "CREATE INDEX labels_when ON labels(kind, created_ms)",
        ],
    ),
    (
        30,
        [
            # The links an author's profile gives (a website, Mastodon's fields, GitHub's
            # public e-mail), with whether the network proved them: JSON [[url, verified,
            # label], ...] (core/domains.py); NULL when the network says nothing of links.
            "ALTER TABLE authors ADD COLUMN links TEXT",
            # Customers indexed before the matcher stored their company's domain (an
            # entry of 8 fields) get it from their e-mail here, in one pass, instead of
            # waiting for a re-index of each (~500 s at a million customers) that nothing
            # forces. An e-mail with other than printable ASCII is read by Python instead:
            # casefold() is not SQL's lower(); those few are indexed again.
            """
            INSERT INTO match_dirty (customer_id)
            SELECT e.customer_id FROM match_entries e JOIN customers c ON c.id = e.customer_id
            WHERE json_array_length(e.entry) = 8 AND c.email GLOB '*[^ -~]*'
            ON CONFLICT (customer_id) DO NOTHING
            """,
            # Only those with a domain are written: an entry of 8 fields reads as none.
            f"""
            UPDATE match_entries SET entry = json_insert(entry, '$[#]', d.domain)
            FROM ({_COMPANY_DOMAINS}) d
            WHERE d.id = match_entries.customer_id AND d.domain <> ''
              AND json_array_length(match_entries.entry) = 8
              AND match_entries.customer_id NOT IN (SELECT customer_id FROM match_dirty)
            """,
        ],
    ),
    (
        31,
        [
            # Which watch set a mention was collected for: NULL is the brand's own
            # terms, a name is one of `[watch.competitors]` (issue 14's share of voice).
            "ALTER TABLE mentions ADD COLUMN watch_set TEXT",
            # Hourly rollups for the dashboard and `scrm report`, kept by the database
            # in the transaction that writes the mention, whoever writes it: a figure
            # over 90 days reads ~2,000 rows a network, not a million mentions. `hour` is
            # created_ms // 3,600,000 (UTC). The mood columns follow the label a row
            # shows (VADER's ±0.05 band); an unscored mention counts in `unscored`
            # only, so no mood figure counts it. `points`: HN points and Reddit score.
            """
            CREATE TABLE mention_hours (
                watch_set TEXT NOT NULL,
                hour INTEGER NOT NULL,
                channel TEXT NOT NULL,
                n INTEGER NOT NULL,
                pos INTEGER NOT NULL,
                neu INTEGER NOT NULL,
                neg INTEGER NOT NULL,
                unscored INTEGER NOT NULL,
                points INTEGER NOT NULL,
                PRIMARY KEY (watch_set, hour, channel)
            ) WITHOUT ROWID
            """,
            # The answered mentions of a range, for the team's response times.
            "CREATE INDEX mentions_answered ON mentions(created_ms, id) "
            "WHERE first_response_ms IS NOT NULL",
            # Who posted on which day (UTC), for unique authors and estimated reach:
            # distinct counts do not add up hour by hour, so the day is the grain.
            """
            CREATE TABLE author_days (
                watch_set TEXT NOT NULL,
                day INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                PRIMARY KEY (watch_set, day, author_id)
            ) WITHOUT ROWID
            """,
            # Rising terms: how many mentions of each UTC day hold each word or #tag,
            # counted when a report first needs that day and kept (store/terms.py).
            # A day is counted again when its mentions are no longer the number it was
            # counted with, or when a text in it changes (the trigger below).
            """
            CREATE TABLE term_days (
                watch_set TEXT NOT NULL,
                day INTEGER NOT NULL,
                term TEXT NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (watch_set, day, term)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE term_days_counted (
                watch_set TEXT NOT NULL,
                day INTEGER NOT NULL,
                mentions INTEGER NOT NULL,
                PRIMARY KEY (watch_set, day)
            ) WITHOUT ROWID
            """,
            f"""
            CREATE TRIGGER term_days_text AFTER UPDATE OF text, link ON mentions BEGIN
                DELETE FROM term_days_counted WHERE watch_set = coalesce(NEW.watch_set, '')
                    AND day = NEW.created_ms / {DAY_MS};
            END
            """,
            f"""
            INSERT INTO mention_hours
                SELECT coalesce(watch_set, ''), created_ms / {HOUR_MS}, channel, count(*),
                       {_MOOD_SUMS.format(row="")}, coalesce(sum(points), 0)
                FROM mentions GROUP BY 1, 2, 3
            """,
            f"""
            INSERT INTO author_days
                SELECT DISTINCT coalesce(watch_set, ''), created_ms / {DAY_MS}, author_id
                FROM mentions
            """,
            f"""
            CREATE TRIGGER rollups_added AFTER INSERT ON mentions BEGIN
                {_HOUR_ADD.format(row="NEW")}
                INSERT OR IGNORE INTO author_days VALUES
                    (coalesce(NEW.watch_set, ''), NEW.created_ms / {DAY_MS}, NEW.author_id);
            END
            """,
            f"""
            CREATE TRIGGER rollups_removed AFTER DELETE ON mentions BEGIN
                {_HOUR_TAKE.format(row="OLD")}
                {_DAY_TAKE.format(row="OLD")}
            END
            """,
            # A sentiment set by hand or re-read, a score that moved, a mention moved
            # between watch sets or authors: out of its old cells, into its new ones.
            f"""
            CREATE TRIGGER rollups_changed
            AFTER UPDATE OF compound, points, watch_set, author_id, created_ms, channel
            ON mentions
            WHEN OLD.compound IS NOT NEW.compound OR OLD.points IS NOT NEW.points
                OR OLD.watch_set IS NOT NEW.watch_set OR OLD.author_id != NEW.author_id
                OR OLD.created_ms != NEW.created_ms OR OLD.channel != NEW.channel
            BEGIN
                {_HOUR_TAKE.format(row="OLD")}
                {_HOUR_ADD.format(row="NEW")}
                {_DAY_TAKE.format(row="OLD")}
                INSERT OR IGNORE INTO author_days VALUES
                    (coalesce(NEW.watch_set, ''), NEW.created_ms / {DAY_MS}, NEW.author_id);
            END
            """,
        ],
    ),
    (
        32,
        [
            # Spike alerts raised (issue 14): one row per watch set and hour, written by
            # whichever process tests the hour first (the collector, or an inbox with
            # none), so every terminal shows the same alert once.
            """
            CREATE TABLE spikes (
                watch_set TEXT NOT NULL,
                hour INTEGER NOT NULL,
                hours INTEGER NOT NULL,  -- the window tested: the hour, or two ending there
                n INTEGER NOT NULL,
                baseline REAL NOT NULL,
                p REAL NOT NULL,
                raised_ms INTEGER NOT NULL,
                raised_by TEXT NOT NULL,
                PRIMARY KEY (watch_set, hour)
            ) WITHOUT ROWID
            """,
        ],
    ),
    (
        33,
        [
            # The competitors' mentions of a range (the industry's switching
            # opportunities, `watch:harrier`): only they are in it, so it is built by
            # one pass over the table (~1 s at 1M) and costs the brand's rows nothing.
            "CREATE INDEX mentions_watch_set ON mentions(watch_set, created_ms) "
            "WHERE watch_set IS NOT NULL",
            # Term counts are kept per scope (store/terms.Scope: a competitor's negative
            # mentions, by words...): a text that changes, or a mention that turns
            # negative or stops being so, makes its day be counted again in every
            # scope of its watch set.
            "DROP TRIGGER IF EXISTS term_days_text",
            _recount_when_read_differently("term_days", "day", DAY_MS),
        ],
    ),
    (
        34,
        [
            # Advocacy (service/advocacy.py): the replies of a range, to find answers to
            # others' questions and the thanks for them, without reading every mention
            # of 90 days. Partial: only replies are in it (none at all in most feeds).
            "CREATE INDEX mentions_replies ON mentions(created_ms) WHERE in_reply_to IS NOT NULL",
        ],
    ),
    (
        35,
        [
            # Sales from elsewhere (`scrm conversions import`): a campaign's value on a
            # day, and the utm_content that names the mention a reply answered (m<id>),
            # as imported. Attribution is read, not stored: a reply sent later still
            # counts. `key` (the row's fields and its occurrence in the file) keeps a
            # second import of the same file from storing anything twice.
            """
            CREATE TABLE conversions (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                campaign TEXT NOT NULL,
                value REAL NOT NULL,
                day TEXT NOT NULL,
                at_ms INTEGER NOT NULL,
                utm_content TEXT,
                source TEXT NOT NULL,
                line INTEGER NOT NULL,
                imported_ms INTEGER NOT NULL
            )
            """,
            "CREATE INDEX conversions_at ON conversions(at_ms)",
        ],
    ),
    (
        36,
        [
            # The team's response times without reading the mentions (issue 14's speed):
            # one narrow row per answered mention, in range order, with who sent its
            # first answer (a 90-day report at 1M read 262k whole mentions and looked
            # up each one's outbox: 0.9 s). Kept by the triggers below whoever answers.
            """
            CREATE TABLE answer_times (
                watch_set TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                mention_id INTEGER NOT NULL,
                channel TEXT NOT NULL,
                arrived_ms INTEGER NOT NULL,
                answered_ms INTEGER NOT NULL,
                agent TEXT NOT NULL,
                PRIMARY KEY (watch_set, created_ms, mention_id)
            ) WITHOUT ROWID
            """,
            f"INSERT INTO answer_times SELECT {_ANSWER.format(row='m')} FROM mentions m "
            "WHERE m.first_response_ms IS NOT NULL",
            f"""
            CREATE TRIGGER answer_times_answered AFTER UPDATE OF first_response_ms ON mentions
            WHEN OLD.first_response_ms IS NOT NEW.first_response_ms
            BEGIN
                {_ANSWER_TAKE.format(row="OLD")}
                INSERT INTO answer_times SELECT {_ANSWER.format(row="NEW")}
                    WHERE NEW.first_response_ms IS NOT NULL;
            END
            """,
            f"""
            CREATE TRIGGER answer_times_moved AFTER UPDATE OF created_ms, channel, watch_set
            ON mentions
            WHEN NEW.first_response_ms IS NOT NULL AND (OLD.created_ms != NEW.created_ms
                OR OLD.channel != NEW.channel OR OLD.watch_set IS NOT NEW.watch_set)
            BEGIN
                {_ANSWER_TAKE.format(row="OLD")}
                INSERT INTO answer_times SELECT {_ANSWER.format(row="NEW")};
            END
            """,
            f"""
            CREATE TRIGGER answer_times_removed AFTER DELETE ON mentions
            WHEN OLD.first_response_ms IS NOT NULL
            BEGIN
                {_ANSWER_TAKE.format(row="OLD")}
            END
            """,
            # The top authors of a range: the most followed first, each looked up in the
            # range until enough are found (store/rollups.top_authors).
            "CREATE INDEX authors_followers ON authors(followers DESC, handle) "
            "WHERE followers IS NOT NULL",
        ],
    ),
    (
        37,
        [
            # Rising terms by the hour (issue 14's speed): the whole hours of the part
            # days at a range's two ends, counted once and kept like whole days, so a
            # report no longer splits ~30k texts each time (0.9 s at 1M). Empty at
            # first: each hour is counted when a report first needs it.
            """
            CREATE TABLE term_hours (
                watch_set TEXT NOT NULL,
                hour INTEGER NOT NULL,
                term TEXT NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (watch_set, hour, term)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE term_hours_counted (
                watch_set TEXT NOT NULL,
                hour INTEGER NOT NULL,
                mentions INTEGER NOT NULL,
                PRIMARY KEY (watch_set, hour)
            ) WITHOUT ROWID
            """,
            _recount_when_read_differently("term_hours", "hour", HOUR_MS),
        ],
    ),
    (
        38,
        [
            # The Sales section at 1M without reading the range's mentions (issue 14's
            # speed). The moods of linked customers: one narrow row per scored brand
            # mention of a linked author, by customer, so a range's means are one pass
            # over this table in customer order (no join, no sort); kept by the
            # mentions' triggers and moved by an author's relink.
            # Revenue at risk's negative mentions left unanswered are among these rows
            # (`waiting_ms`: its arrival while open with no answer): at 1M a 90-day range
            # holds 220k of them, too many to look up each one's author.
            """
            CREATE TABLE customer_moods (
                customer_id INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                mention_id INTEGER NOT NULL,
                compound REAL NOT NULL,
                waiting_ms INTEGER,
                PRIMARY KEY (customer_id, created_ms, mention_id)
            ) WITHOUT ROWID
            """,
            "INSERT INTO customer_moods SELECT a.customer_id, "
            + _MOOD_COLUMNS.format(row="m")
            + " FROM mentions m JOIN authors a ON a.id = m.author_id "
            "WHERE a.customer_id IS NOT NULL AND m.compound IS NOT NULL "
            "AND coalesce(m.watch_set, '') = '' ORDER BY 1, 2, 3",
            f"""
            CREATE TRIGGER customer_moods_added AFTER INSERT ON mentions
            BEGIN {_MOOD_PUT.format(row="NEW")} END
            """,
            f"""
            CREATE TRIGGER customer_moods_changed
            AFTER UPDATE OF compound, created_ms, watch_set, author_id, first_response_ms,
                status, ingested_ms ON mentions
            WHEN OLD.compound IS NOT NEW.compound OR OLD.created_ms != NEW.created_ms
                OR OLD.watch_set IS NOT NEW.watch_set OR OLD.author_id != NEW.author_id
                OR OLD.first_response_ms IS NOT NEW.first_response_ms
                OR OLD.status != NEW.status OR OLD.ingested_ms != NEW.ingested_ms
            BEGIN {_MOOD_TAKE.format(row="OLD")} {_MOOD_PUT.format(row="NEW")} END
            """,
            f"""
            CREATE TRIGGER customer_moods_removed AFTER DELETE ON mentions
            BEGIN {_MOOD_TAKE.format(row="OLD")} END
            """,
            # The customers answered in a range: one row per sent answer and linked
            # mention it answers, by time sent (a 90-day range at 1M read 262k sent items
            # through four tables: 0.6 s a period).
            """
            CREATE TABLE customer_answers (
                customer_id INTEGER NOT NULL,
                sent_ms INTEGER NOT NULL,
                outbox_id INTEGER NOT NULL,
                mention_id INTEGER NOT NULL,
                PRIMARY KEY (sent_ms, outbox_id, mention_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX customer_answers_outbox ON customer_answers(outbox_id)",
            "CREATE INDEX customer_answers_mention ON customer_answers(mention_id)",
            _ANSWERED.format(source=_BY_OUTBOX, where=" ORDER BY 2, 3, 4"),
            _answers_redone(
                "customer_answers_sent AFTER UPDATE OF state, kind, sent_ms ON outbox",
                "OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind "
                "OR OLD.sent_ms IS NOT NEW.sent_ms",
                "outbox_id = OLD.id",
                _BY_OUTBOX,
                " AND o.id = NEW.id",
            ),
            """
            CREATE TRIGGER customer_answers_unsent AFTER DELETE ON outbox
            BEGIN DELETE FROM customer_answers WHERE outbox_id = OLD.id; END
            """,
            f"""
            CREATE TRIGGER customer_answers_linked AFTER INSERT ON outbox_mentions
            BEGIN {
                _ANSWERED.format(
                    source=_BY_MENTION,
                    where=" AND om.outbox_id = NEW.outbox_id AND om.mention_id = NEW.mention_id",
                )
            } END
            """,
            """
            CREATE TRIGGER customer_answers_unlinked AFTER DELETE ON outbox_mentions
            BEGIN
                DELETE FROM customer_answers
                WHERE outbox_id = OLD.outbox_id AND mention_id = OLD.mention_id;
            END
            """,
            _answers_redone(
                "customer_answers_moved AFTER UPDATE OF author_id ON mentions",
                "OLD.author_id != NEW.author_id",
                "mention_id = OLD.id",
                _BY_MENTION,
                " AND om.mention_id = NEW.id",
            ),
            """
            CREATE TRIGGER customer_answers_removed AFTER DELETE ON mentions
            BEGIN DELETE FROM customer_answers WHERE mention_id = OLD.id; END
            """,
            # An author linked to another customer (or none) takes their moods and the
            # answers to them along.
            f"""
            CREATE TRIGGER customer_sales_relinked AFTER UPDATE OF customer_id ON authors
            WHEN OLD.customer_id IS NOT NEW.customer_id
            BEGIN
                DELETE FROM customer_moods WHERE customer_id = OLD.customer_id
                    AND mention_id IN (SELECT id FROM mentions WHERE author_id = OLD.id);
                INSERT INTO customer_moods SELECT NEW.customer_id, {_MOOD_COLUMNS.format(row="m")}
                    FROM mentions m WHERE m.author_id = NEW.id AND NEW.customer_id IS NOT NULL
                    AND m.compound IS NOT NULL AND coalesce(m.watch_set, '') = '';
                DELETE FROM customer_answers
                    WHERE mention_id IN (SELECT id FROM mentions WHERE author_id = OLD.id);
                {_ANSWERED.format(source=_BY_AUTHOR, where=" AND m.author_id = NEW.id")}
            END
            """,
            # The team's exact response-time percentiles without every wait of the range
            # in Python (262k at 90 days, 1M: 0.35 s a period): each group's waits in
            # order, so the k-th of a range is a walk from the nearer end, and how many
            # a group has in a range from its hours. Kept by answer_times' own changes.
            """
            CREATE TABLE answer_waits (
                watch_set TEXT NOT NULL,
                grp TEXT NOT NULL,
                wait_ms INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                mention_id INTEGER NOT NULL,
                PRIMARY KEY (watch_set, grp, wait_ms, created_ms, mention_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE answer_hours (
                watch_set TEXT NOT NULL,
                grp TEXT NOT NULL,
                hour INTEGER NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (watch_set, grp, hour)
            ) WITHOUT ROWID
            """,
            *(
                f"INSERT INTO answer_waits SELECT watch_set, {group.format(row='t')}, "
                "max(0, answered_ms - arrived_ms), created_ms, mention_id FROM answer_times t "
                "ORDER BY 1, 2, 3, 4, 5"  # in key order: 1M rows appended, 2.3x faster
                for group in _WAIT_GROUPS
            ),
            *(
                f"INSERT INTO answer_hours SELECT watch_set, {group.format(row='t')}, "
                "created_ms / 3600000, count(*) FROM answer_times t GROUP BY 1, 2, 3"
                for group in _WAIT_GROUPS
            ),
            f"""
            CREATE TRIGGER answer_waits_added AFTER INSERT ON answer_times
            BEGIN {_WAIT_PUT.format(row="NEW")} END
            """,
            f"""
            CREATE TRIGGER answer_waits_removed AFTER DELETE ON answer_times
            BEGIN {_WAIT_TAKE.format(row="OLD")} END
            """,
        ],
    ),
    (
        39,
        [
            # Advocacy's standing (issue 14's speed, store/standing.py): each author's
            # scored brand mentions over 90 days, kept for five window ends (now, and
            # now less 24 h, 7 d, 30 d and 90 d: where each range's two windows end), so
            # a report reads the few authors that changed, not ~690k mentions at 1M.
            # Points are kept as Σ 2^((t − T0) / H) over positive mentions: at any end
            # e they are that × 2^(−(e − T0) / H), the order between authors never
            # changes. `tone` is Σ round(compound × 10⁴) (scores have four places), so
            # a mean below −0.05 is exactly tone < −500 × scored.
            """
            CREATE TABLE advocacy_slots (
                slot INTEGER PRIMARY KEY,
                offset_ms INTEGER NOT NULL,
                lo INTEGER NOT NULL,
                hi INTEGER NOT NULL,
                t0_ms INTEGER NOT NULL,
                half_life_ms REAL NOT NULL,
                voices INTEGER NOT NULL DEFAULT 0,
                promoters INTEGER NOT NULL DEFAULT 0,
                detractors INTEGER NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE advocacy_standing (
                slot INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                pos INTEGER NOT NULL,
                neg INTEGER NOT NULL,
                scored INTEGER NOT NULL,
                tone INTEGER NOT NULL,
                points REAL NOT NULL,
                customer_id INTEGER,
                PRIMARY KEY (slot, author_id)
            ) WITHOUT ROWID
            """,
            # Slot 0 has no end (2^62): whatever arrives is in it, whatever its time.
            f"""
            INSERT INTO advocacy_slots (slot, offset_ms, lo, hi, t0_ms, half_life_ms)
            SELECT slot, offset_ms, now - offset_ms - {_ADV_WINDOW},
                   CASE WHEN slot = 0 THEN {2**62} ELSE now - offset_ms END,
                   {_ADV_T0}, {_ADV_HALF}
            FROM (SELECT (CAST(strftime('%s', 'now') AS INTEGER) / 3600 + 1) * 3600000 AS now),
                 (SELECT 0 AS slot, 0 AS offset_ms UNION ALL SELECT 1, {DAY_MS}
                  UNION ALL SELECT 2, {7 * DAY_MS} UNION ALL SELECT 3, {30 * DAY_MS}
                  UNION ALL SELECT 4, {90 * DAY_MS})
            """,
            f"""
            INSERT INTO advocacy_standing
            SELECT s.slot, m.author_id, sum({_adv_pos("m")}), sum({_adv_neg("m")}), count(*),
                   sum({_adv_tone("m")}), sum({_adv_points("m")}),
                   (SELECT a.customer_id FROM authors a WHERE a.id = m.author_id)
            FROM advocacy_slots s JOIN mentions m INDEXED BY mentions_stream
                ON m.created_ms >= s.lo AND m.created_ms < s.hi
            WHERE {_adv_brand("m")}
            GROUP BY s.slot, m.author_id
            """,
            f"""
            UPDATE advocacy_slots SET
                voices = (SELECT count(*) FROM advocacy_standing t
                          WHERE t.slot = advocacy_slots.slot),
                promoters = (SELECT count(*) FROM advocacy_standing t
                             WHERE t.slot = advocacy_slots.slot AND {_ADV_PROMOTER.format(r="t.")}),
                detractors = (SELECT count(*) FROM advocacy_standing t
                              WHERE t.slot = advocacy_slots.slot
                                AND {_ADV_DETRACTOR.format(r="t.")})
            """,
            "CREATE INDEX advocacy_points ON advocacy_standing(slot, points)",
            "CREATE INDEX advocacy_promoters ON advocacy_standing(slot, customer_id) "
            f"WHERE {_ADV_PROMOTER.format(r='')}",
            "CREATE INDEX advocacy_detractors ON advocacy_standing(slot, customer_id) "
            f"WHERE {_ADV_DETRACTOR.format(r='')}",
            # Each slot's voices, promoters and detractors, counted as rows change.
            f"""
            CREATE TRIGGER advocacy_counted AFTER INSERT ON advocacy_standing BEGIN
                {_adv_count("+", "NEW")}
            END
            """,
            f"""
            CREATE TRIGGER advocacy_recounted AFTER UPDATE ON advocacy_standing
            WHEN {_adv_judged("OLD")} != {_adv_judged("NEW")}
            BEGIN
                UPDATE advocacy_slots SET
                    voices = voices + (NEW.scored > 0) - (OLD.scored > 0),
                    promoters = promoters + ({_ADV_PROMOTER.format(r="NEW.")})
                        - ({_ADV_PROMOTER.format(r="OLD.")}),
                    detractors = detractors + ({_ADV_DETRACTOR.format(r="NEW.")})
                        - ({_ADV_DETRACTOR.format(r="OLD.")})
                WHERE slot = NEW.slot;
            END
            """,
            f"""
            CREATE TRIGGER advocacy_uncounted AFTER DELETE ON advocacy_standing BEGIN
                {_adv_count("-", "OLD")}
            END
            """,
            # A brand mention stored, re-scored, moved, given to another author or
            # deleted adds or takes its share in every slot whose window holds it.
            f"""
            CREATE TRIGGER advocacy_added AFTER INSERT ON mentions
            WHEN {_adv_brand("NEW")}
            BEGIN
                {_adv_add("NEW")}
            END
            """,
            f"""
            CREATE TRIGGER advocacy_removed AFTER DELETE ON mentions
            WHEN {_adv_brand("OLD")}
            BEGIN
                {_adv_take("OLD")}
            END
            """,
            f"""
            CREATE TRIGGER advocacy_changed
            AFTER UPDATE OF compound, watch_set, channel, author_id, created_ms ON mentions
            WHEN OLD.compound IS NOT NEW.compound OR OLD.watch_set IS NOT NEW.watch_set
                OR OLD.channel != NEW.channel OR OLD.author_id != NEW.author_id
                OR OLD.created_ms != NEW.created_ms
            BEGIN
                {_adv_take("OLD", f"AND {_adv_brand('OLD')}")}
                {_adv_add("NEW", f"AND {_adv_brand('NEW')}")}
            END
            """,
            # Every reply with what advocacy asks of its parent (store/advocacy.py's
            # answers and thanks): who wrote it, and whether it asks (a question or a
            # negative mention). Narrow rows: a window's answers and thanks are read
            # without a lookup of each parent among 1M mentions (0.3 s at 1M).
            """
            CREATE TABLE advocacy_replies (
                id INTEGER PRIMARY KEY,
                created_ms INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                channel TEXT NOT NULL,
                in_reply_to TEXT NOT NULL,
                compound REAL,
                brand INTEGER NOT NULL,
                parent_id INTEGER,
                parent_author INTEGER,
                parent_asks INTEGER NOT NULL
            )
            """,
            f"INSERT INTO advocacy_replies {_adv_reply('m')} WHERE m.in_reply_to IS NOT NULL",
            "CREATE INDEX advocacy_replies_to ON advocacy_replies(channel, in_reply_to)",
            "CREATE INDEX advocacy_answers ON advocacy_replies(created_ms) "
            f"WHERE {ADVOCACY_ANSWER}",
            f"CREATE INDEX advocacy_thanks ON advocacy_replies(created_ms) WHERE {ADVOCACY_THANKS}",
            f"""
            CREATE TRIGGER advocacy_reply_added AFTER INSERT ON mentions BEGIN
                INSERT INTO advocacy_replies {_adv_reply("NEW")} WHERE NEW.in_reply_to IS NOT NULL;
                {_adv_parent("NEW")}
            END
            """,
            f"""
            CREATE TRIGGER advocacy_reply_removed AFTER DELETE ON mentions BEGIN
                DELETE FROM advocacy_replies WHERE id = OLD.id;
                {_adv_orphan("OLD")}
            END
            """,
            f"""
            CREATE TRIGGER advocacy_reply_changed AFTER UPDATE OF compound, text, author_id,
                created_ms, channel, watch_set, in_reply_to, external_id ON mentions
            WHEN OLD.compound IS NOT NEW.compound OR OLD.text IS NOT NEW.text
                OR OLD.author_id != NEW.author_id OR OLD.created_ms != NEW.created_ms
                OR OLD.channel != NEW.channel OR OLD.watch_set IS NOT NEW.watch_set
                OR OLD.in_reply_to IS NOT NEW.in_reply_to OR OLD.external_id != NEW.external_id
            BEGIN
                DELETE FROM advocacy_replies WHERE id = OLD.id;
                INSERT INTO advocacy_replies {_adv_reply("NEW")} WHERE NEW.in_reply_to IS NOT NULL;
                {_adv_orphan("OLD")}
                {_adv_parent("NEW")}
            END
            """,
            # A relink: the promoters' and detractors' customers follow it.
            """
            CREATE TRIGGER advocacy_relinked AFTER UPDATE OF customer_id ON authors
            WHEN OLD.customer_id IS NOT NEW.customer_id
            BEGIN
                UPDATE advocacy_standing SET customer_id = NEW.customer_id
                WHERE slot IN (SELECT slot FROM advocacy_slots) AND author_id = NEW.id;
            END
            """,
        ],
    ),
    (
        40,
        [
            # The matcher's rescue reads the names (and handles) of thousands of a common
            # word's holders, and a big pool's names (store/match_index.py: named, texts,
            # name_groups): from this narrow copy of those columns, ~60 bytes a customer,
            # rather than from whole rows of ~500. SQLite keeps it with match_entries.
            # About 2 s at a million customers.
            "CREATE INDEX match_entries_names ON match_entries(customer_id, text, handles)",
        ],
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]

# What the full-text index holds of a mention (step 25): its text, then its link.
FTS_TEXT = "text || coalesce(char(10) || link, '')"
