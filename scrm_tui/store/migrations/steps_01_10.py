"""Migration steps 1-10: customers, authors, mentions and their text index, history, outbox.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

STEPS_01_10: list[Step] = [
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
]
