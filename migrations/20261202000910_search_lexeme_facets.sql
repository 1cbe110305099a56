-- Facet counts per lexeme (docs/search-design.md, "Facets of a one-word
-- search"): per kind and full-text lexeme, how many approved, current
-- listings holding the lexeme have each facet value (tag, type, price,
-- category). A one-word search whose matches are one lexeme's postings
-- (its typo neighbours included, when no listing holds them) reads its
-- facets here, exact, where it counted them over up to 1,000 matches read
-- from the heap (lower bounds above that). Kept exact by statement-level
-- triggers like search_lexeme_counts; counter updates (installs, ratings)
-- write nothing here.

CREATE TABLE search_lexeme_facets (
    kind     text NOT NULL,
    lexeme   text NOT NULL,
    facet    text NOT NULL,
    value    text NOT NULL,
    -- No CHECK (listings >= 0), for the reason given in listing_counts.
    listings bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, lexeme, facet, value)
);

-- A listing's facet values as a search's facets count them: those of the
-- browse facets, and its category.
CREATE FUNCTION search_facet_values(kind text, tags text[], spec jsonb, price numeric, category text)
RETURNS TABLE (facet text, value text) LANGUAGE sql STABLE AS $$
    SELECT f.facet, f.value FROM listing_facet_values(kind, tags, spec, price) AS f
    UNION ALL
    SELECT 'category', category WHERE category IS NOT NULL
$$;

-- Adds (kind, lexeme, facet, value, delta) rows, in key order so that two
-- writers wait on each other instead of deadlocking.
CREATE FUNCTION search_lexeme_facets_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_lexeme_facets AS c (kind, lexeme, facet, value, listings)
    SELECT d.kind, d.lexeme, d.facet, d.value, d.delta
    FROM jsonb_to_recordset(deltas) AS d(kind text, lexeme text, facet text, value text, delta bigint)
    WHERE d.delta <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, lexeme, facet, value) DO UPDATE SET listings = c.listings + EXCLUDED.listings
$$;

CREATE FUNCTION search_lexeme_facets_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT r.kind, x.lexeme, f.facet, f.value, count(*) AS n
              FROM new_rows AS r, LATERAL unnest(r.search) AS x,
                   LATERAL search_facet_values(r.kind, r.tags, r.spec, r.price, r.category) AS f
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL
              GROUP BY 1, 2, 3, 4) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexeme_facets_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'facet', facet, 'value', value, 'delta', -n))
        FROM (SELECT r.kind, x.lexeme, f.facet, f.value, count(*) AS n
              FROM old_rows AS r, LATERAL unnest(r.search) AS x,
                   LATERAL search_facet_values(r.kind, r.tags, r.spec, r.price, r.category) AS f
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL
              GROUP BY 1, 2, 3, 4) s), '[]'));
    RETURN NULL;
END $$;

-- Only rows whose document, facet values, kind, status or deprecation
-- changed are looked at; what they held before is taken away and what
-- they hold now added, and only the differences are written.
CREATE FUNCTION search_lexeme_facets_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_lexeme_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'lexeme', lexeme, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT d.kind, x.lexeme, f.facet, f.value, sum(d.delta) AS n
              FROM (SELECT o.kind, o.search, o.tags, o.spec, o.price, o.category, -1 AS delta
                    FROM old_rows AS o JOIN new_rows AS n USING (id)
                    WHERE o.status = 'approved' AND o.deprecated_at IS NULL
                      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.tags, o.spec, o.price, o.category)
                          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.tags, n.spec, n.price, n.category)
                    UNION ALL
                    SELECT n.kind, n.search, n.tags, n.spec, n.price, n.category, 1
                    FROM old_rows AS o JOIN new_rows AS n USING (id)
                    WHERE n.status = 'approved' AND n.deprecated_at IS NULL
                      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.tags, o.spec, o.price, o.category)
                          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.tags, n.spec, n.price, n.category)) AS d,
                   LATERAL unnest(d.search) AS x,
                   LATERAL search_facet_values(d.kind, d.tags, d.spec, d.price, d.category) AS f
              GROUP BY 1, 2, 3, 4
              HAVING sum(d.delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

CREATE TRIGGER search_lexeme_facets_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_facets_on_insert();
CREATE TRIGGER search_lexeme_facets_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_facets_on_delete();
CREATE TRIGGER search_lexeme_facets_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_facets_on_update();

-- Rebuilds the counts from the listings (a bulk load, as
-- scripts/bench/generate.sql does with the insert trigger off).
CREATE FUNCTION search_lexeme_facets_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    TRUNCATE search_lexeme_facets;
    INSERT INTO search_lexeme_facets (kind, lexeme, facet, value, listings)
    SELECT l.kind, x.lexeme, f.facet, f.value, count(*)
    FROM listings AS l, LATERAL unnest(l.search) AS x,
         LATERAL search_facet_values(l.kind, l.tags, l.spec, l.price, l.category) AS f
    WHERE l.status = 'approved' AND l.deprecated_at IS NULL
    GROUP BY 1, 2, 3, 4;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

SELECT search_lexeme_facets_rebuild();
