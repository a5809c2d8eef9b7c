"""Migration step 38: the Sales section's and the team's rollups (moods, answers, waits).

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

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


STEPS_38: list[Step] = [
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
]
