-- Search at a million listings (docs/search-design.md).
--
-- 1. search_lexeme_counts: per kind, how many approved, current (not
--    deprecated) listings have each full-text lexeme, kept exact by
--    statement-level triggers like listing_counts. A one-word search (a
--    word or'ed with its typo neighbours) whose most common spelling has
--    at least the count's cap of matches answers its capped total from one
--    row instead of counting ten thousand matches.
-- 2. search_rank, the static order's key (Bayesian rating) as a stored
--    column, and, where the RUM extension is available, one RUM index per
--    kind over the approved, current listings' documents carrying it: an
--    ordered index scan then gives a search's matches best-rated first
--    without a heap visit per match. Without the extension the server
--    keeps the plain GIN query (it asks which indexes exist).

CREATE TABLE search_lexeme_counts (
    kind     text NOT NULL,
    lexeme   text NOT NULL,
    -- No CHECK (listings >= 0), for the reason given in listing_counts.
    listings bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, lexeme)
);

-- Adds (kind, lexeme, delta) rows, in key order so that two writers wait
-- on each other instead of deadlocking.
CREATE FUNCTION search_lexeme_counts_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_lexeme_counts AS c (kind, lexeme, listings)
    SELECT d.kind, d.lexeme, d.delta
    FROM jsonb_to_recordset(deltas) AS d(kind text, lexeme text, delta bigint)
    WHERE d.delta <> 0
    ORDER BY 1, 2
    ON CONFLICT (kind, lexeme) DO UPDATE SET listings = c.listings + EXCLUDED.listings
$$;

CREATE FUNCTION search_lexeme_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'delta', n))
        FROM (SELECT r.kind, x.lexeme, count(*) AS n
              FROM new_rows AS r, LATERAL unnest(r.search) AS x
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL
              GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexeme_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'delta', -n))
        FROM (SELECT r.kind, x.lexeme, count(*) AS n
              FROM old_rows AS r, LATERAL unnest(r.search) AS x
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL
              GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END $$;

-- Only rows whose document, kind, status or deprecation changed are
-- unnested: counter updates (installs, ratings) write nothing here.
CREATE FUNCTION search_lexeme_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'delta', n))
        FROM (SELECT d.kind, d.lexeme, sum(d.delta) AS n
              FROM (SELECT o.kind AS ok, o.search AS os,
                           o.status = 'approved' AND o.deprecated_at IS NULL AS ocounted,
                           n.kind AS nk, n.search AS ns,
                           n.status = 'approved' AND n.deprecated_at IS NULL AS ncounted
                    FROM old_rows AS o JOIN new_rows AS n USING (id)
                    WHERE (o.kind, o.search, o.status, o.deprecated_at IS NULL)
                          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL)) AS c,
                   LATERAL (SELECT c.ok AS kind, x.lexeme, -1 AS delta FROM unnest(c.os) AS x WHERE c.ocounted
                            UNION ALL
                            SELECT c.nk, x.lexeme, 1 FROM unnest(c.ns) AS x WHERE c.ncounted) AS d
              GROUP BY 1, 2
              HAVING sum(d.delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

CREATE TRIGGER search_lexeme_counts_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_counts_on_insert();
CREATE TRIGGER search_lexeme_counts_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_counts_on_delete();
CREATE TRIGGER search_lexeme_counts_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_counts_on_update();

INSERT INTO search_lexeme_counts (kind, lexeme, listings)
SELECT l.kind, x.lexeme, count(*)
FROM listings AS l, LATERAL unnest(l.search) AS x
WHERE l.status = 'approved' AND l.deprecated_at IS NULL
GROUP BY 1, 2;

-- The static order's key, as listings_rating_idx orders it (the float is
-- monotone in the numeric: exact fractions of these sizes never collide).
ALTER TABLE listings
    ADD COLUMN search_rank float8 GENERATED ALWAYS AS (((rating_sum + 17.5) / (rating_count + 5))::float8) STORED;

-- RUM where the server's PostgreSQL has it (Debian: postgresql-NN-rum,
-- which scripts/lib.sh installs for the local clusters). A role that may
-- not create extensions keeps the plain path.
DO $$
DECLARE
    k text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'rum') THEN
        RAISE NOTICE 'the rum extension is not available: search uses the GIN index alone';
        RETURN;
    END IF;
    -- All or nothing: whatever stops it (no privilege, a package without its
    -- library, another schema), the plain path stays and the migration runs.
    BEGIN
        CREATE EXTENSION IF NOT EXISTS rum;
        FOR k IN SELECT kind FROM listing_kinds ORDER BY kind LOOP
            EXECUTE format(
                'CREATE INDEX %I ON listings USING rum (search rum_tsvector_addon_ops, search_rank) '
                'WITH (attach = search_rank, to = search, order_by_attach = true) '
                'WHERE kind = %L AND status = ''approved'' AND deprecated_at IS NULL',
                'listings_rum_' || k, k);
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'no RUM index (%): search uses the GIN index alone', SQLERRM;
    END;
END $$;
