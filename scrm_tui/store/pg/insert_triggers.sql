-- What each new mention adds to the kept counts, rollups, moods, advocacy and replies,
-- once per INSERT statement over its transition table (new_rows) instead of once per row:
-- a row trigger updates the same counter row once per mention (mention_counts' one row,
-- an hour's rollup), each update a new row version to step over, 330 µs a row in all.
-- The same results as SQLite's row triggers (store/migrations): sums of what each row
-- would add. tools/pg_schema.py puts these in schema.sql in place of the translated row
-- triggers of the same names; store/pg/migrations.py step 41 replaces the old ones.

CREATE OR REPLACE FUNCTION mention_counts_added_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mention_counts SET total = total + c.added, snoozed = snoozed + c.added_snoozed
    FROM (SELECT count(*) AS added, count(snoozed_until_ms) AS added_snoozed FROM new_rows) c
   WHERE c.added > 0;
  RETURN NULL;
END $$;
CREATE TRIGGER mention_counts_added AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mention_counts_added_fn();

CREATE OR REPLACE FUNCTION rollups_added_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mention_hours
  SELECT coalesce(watch_set, ''), created_ms / 3600000, channel, count(*),
         count(*) FILTER (WHERE compound >= 0.05),
         count(*) FILTER (WHERE compound > -0.05 AND compound < 0.05),
         count(*) FILTER (WHERE compound <= -0.05),
         count(*) FILTER (WHERE compound IS NULL), coalesce(sum(points), 0)
    FROM new_rows GROUP BY 1, 2, 3
  ON CONFLICT (watch_set, hour, channel) DO UPDATE SET n = mention_hours.n + excluded.n, pos = mention_hours.pos + excluded.pos, neu = mention_hours.neu + excluded.neu, neg = mention_hours.neg + excluded.neg, unscored = mention_hours.unscored + excluded.unscored, points = mention_hours.points + excluded.points;
  INSERT INTO author_days
  SELECT DISTINCT coalesce(watch_set, ''), created_ms / 86400000, author_id FROM new_rows
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER rollups_added AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollups_added_fn();

CREATE OR REPLACE FUNCTION customer_moods_added_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_moods
  SELECT a.customer_id, n.created_ms, n.id, n.compound,
         CASE WHEN n.first_response_ms IS NULL AND n.status = 'open' THEN n.ingested_ms END
    FROM new_rows n JOIN authors a ON a.id = n.author_id
   WHERE a.customer_id IS NOT NULL AND n.compound IS NOT NULL AND coalesce(n.watch_set, '') = '';
  RETURN NULL;
END $$;
CREATE TRIGGER customer_moods_added AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_moods_added_fn();

-- One upsert per (slot, author): the standing's class (advocacy_counted/recounted) moves
-- from the old to the final one, as the row triggers' steps add up to.
CREATE OR REPLACE FUNCTION advocacy_added_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO advocacy_standing
  SELECT s.slot, n.author_id, count(*) FILTER (WHERE n.compound >= 0.05),
         count(*) FILTER (WHERE n.compound <= -0.05), count(*),
         sum(scrm_int(round(n.compound * 10000))),
         sum(CASE WHEN n.compound >= 0.05 THEN pow(2.0, (n.created_ms - 1767225600000) / 2592000000.0) ELSE 0.0 END),
         (SELECT a.customer_id FROM authors a WHERE a.id = n.author_id)
    FROM new_rows n JOIN advocacy_slots s ON n.created_ms >= s.lo AND n.created_ms < s.hi
   WHERE n.compound IS NOT NULL AND n.watch_set IS NULL AND n.channel != 'rss'
   GROUP BY s.slot, n.author_id
  ON CONFLICT (slot, author_id) DO UPDATE SET
      pos = advocacy_standing.pos + excluded.pos, neg = advocacy_standing.neg + excluded.neg,
      scored = advocacy_standing.scored + excluded.scored,
      tone = advocacy_standing.tone + excluded.tone, points = advocacy_standing.points + excluded.points;
  RETURN NULL;
END $$;
CREATE TRIGGER advocacy_added AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advocacy_added_fn();

-- A reply's parent may come in the same statement, before or after it: every row is in
-- mentions by now, as it is for row triggers (fired at the statement's end).
CREATE OR REPLACE FUNCTION advocacy_reply_added_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO advocacy_replies
  SELECT n.id, n.created_ms, n.author_id, n.channel, n.in_reply_to, n.compound,
         scrm_int(n.watch_set IS NULL AND n.channel != 'rss'), p.id, p.author_id,
         coalesce(scrm_int(p.compound <= -0.05 OR strpos(p.text, '?') > 0), 0)
    FROM new_rows n LEFT JOIN mentions p ON p.channel = n.channel AND p.external_id = n.in_reply_to
   WHERE n.in_reply_to IS NOT NULL
   ORDER BY n.id;
  UPDATE advocacy_replies r SET parent_id = n.id, parent_author = n.author_id,
         parent_asks = coalesce(scrm_int(n.compound <= -0.05 OR strpos(n.text, '?') > 0), 0)
    FROM new_rows n WHERE r.channel = n.channel AND r.in_reply_to = n.external_id;
  RETURN NULL;
END $$;
CREATE TRIGGER advocacy_reply_added AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advocacy_reply_added_fn();
