"""Migration steps 11-20: reads, tags, claims, presence, priority, saved views, bulk actions.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

# Step 13's triggers: a mention's priority at posting from its own part and its
# author's customer's part (written out here, as released: never edited).
_P0 = (
    "min(100, max(0, CAST(round(priority_base + coalesce((SELECT p.points FROM "
    "customer_points p WHERE p.customer_id = {customer}), 0)) AS INTEGER)))"
)
_RANK = "created_ms + priority * (SELECT ms_per_point FROM priority_weights)"


STEPS_11_20: list[Step] = [
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
]
