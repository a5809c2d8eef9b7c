"""The schema as a list of forward migrations; `PRAGMA user_version` records the step."""

from __future__ import annotations

# Each migration is a list of statements run in one transaction. Never edit a
# released step: add a new one. Statements are kept apart (not one script) so they
# run inside our own BEGIN IMMEDIATE; executescript() would commit first.
MIGRATIONS: list[tuple[int, list[str]]] = [
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
]

LATEST_VERSION = MIGRATIONS[-1][0]
