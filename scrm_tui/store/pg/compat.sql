-- What SQLite has that PostgreSQL lacks, as the store's SQL uses it: created before the
-- schema, in the database's own schema (no superuser needed beyond `unaccent`).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- COLLATE NOCASE: case-insensitive equality and order, as SQLite's (ASCII and beyond).
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- The words of a mention as FTS5 reads them (scrm_tsvector) are in fts.sql, generated.

-- SQLite's sum() of comparisons (true is 1).
CREATE FUNCTION scrm_bool_add(bigint, boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT $1 + CASE WHEN $2 THEN 1 ELSE 0 END $$;
CREATE AGGREGATE sum(boolean) (SFUNC = scrm_bool_add, STYPE = bigint);

-- CAST(x AS INTEGER): SQLite truncates toward zero and reads a text's leading integer.
CREATE FUNCTION scrm_int(double precision) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT trunc($1)::bigint $$;
CREATE FUNCTION scrm_int(numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT trunc($1)::bigint $$;
CREATE FUNCTION scrm_int(bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION scrm_int(boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN $1 THEN 1 ELSE 0 END $$;
CREATE FUNCTION scrm_int(text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(substring($1 from '^\s*([-+]?\d+)')::bigint, 0) $$;

-- round(x, n) of a double, as SQLite's.
CREATE FUNCTION round(double precision, integer) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT round($1::numeric, $2)::double precision $$;

-- The schema's step, as SQLite's PRAGMA user_version.
CREATE TABLE scrm_schema (version integer NOT NULL);

-- "Does this table exist yet" asks sqlite_schema (code that also serves older files).
CREATE VIEW sqlite_schema AS
  SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index' ELSE 'view' END AS type,
         c.relname::text AS name, c.relname::text AS tbl_name, NULL::text AS sql
    FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 'v')
  UNION ALL
  SELECT 'trigger', t.tgname::text, c.relname::text, NULL
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace;
CREATE VIEW sqlite_master AS SELECT * FROM sqlite_schema;
