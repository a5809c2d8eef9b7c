"""Migration steps 21-30: the shared match index, its pairs and weights, the review queue.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.core.domains import FREE_MAIL
from scrm_tui.store.migrations.step import DropNotNull, Step

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


STEPS_21_30: list[Step] = [
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
]
