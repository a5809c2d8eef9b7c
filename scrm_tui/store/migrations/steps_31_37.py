"""Migration steps 31-37: hourly rollups, author days, answer times, term counts, spikes.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

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


STEPS_31_37: list[Step] = [
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
]
