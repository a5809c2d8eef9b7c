"""Migration steps 39-40: advocacy standing, and the match index's narrow names.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step
from scrm_tui.store.migrations.steps_31_37 import DAY_MS

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


STEPS_39_40: list[Step] = [
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
