-- Facet counts per category (docs/search-design.md, "Facets"): per kind
-- and category, how many approved, current listings have each facet value
-- (tag, type, price; and the category itself, the category's total). A
-- browse page narrowed by a category alone reads its facets here, exact,
-- where it counted them over up to 1,000 of the category's listings read
-- from the heap. Kept exact by statement-level triggers like
-- search_lexeme_facets; counter updates (installs, ratings) write nothing.

CREATE TABLE listing_category_facets (
    kind     text NOT NULL,
    category text NOT NULL,
    facet    text NOT NULL,
    value    text NOT NULL,
    -- No CHECK (listings >= 0), for the reason given in listing_counts.
    listings bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, category, facet, value)
);
-- The category facet of a category page counts every category of the kind.
CREATE INDEX listing_category_facets_totals ON listing_category_facets (kind) WHERE facet = 'category';

-- Adds (kind, category, facet, value, delta) rows, in key order so that two
-- writers wait on each other instead of deadlocking.
CREATE FUNCTION listing_category_facets_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO listing_category_facets AS c (kind, category, facet, value, listings)
    SELECT d.kind, d.category, d.facet, d.value, d.delta
    FROM jsonb_to_recordset(deltas) AS d(kind text, category text, facet text, value text, delta bigint)
    WHERE d.delta <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, category, facet, value) DO UPDATE SET listings = c.listings + EXCLUDED.listings
$$;

CREATE FUNCTION listing_category_facets_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_category_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', category, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT r.kind, r.category, f.facet, f.value, count(*) AS n
              FROM new_rows AS r,
                   LATERAL search_facet_values(r.kind, r.tags, r.spec, r.price, r.category) AS f
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL AND r.category IS NOT NULL
              GROUP BY 1, 2, 3, 4) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_category_facets_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_category_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', category, 'facet', facet, 'value', value, 'delta', -n))
        FROM (SELECT r.kind, r.category, f.facet, f.value, count(*) AS n
              FROM old_rows AS r,
                   LATERAL search_facet_values(r.kind, r.tags, r.spec, r.price, r.category) AS f
              WHERE r.status = 'approved' AND r.deprecated_at IS NULL AND r.category IS NOT NULL
              GROUP BY 1, 2, 3, 4) s), '[]'));
    RETURN NULL;
END $$;

-- Only rows whose facet values, kind, status or deprecation changed are
-- looked at; only the differences are written.
CREATE FUNCTION listing_category_facets_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_category_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', category, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT d.kind, d.category, f.facet, f.value, sum(d.delta) AS n
              FROM (SELECT o.kind, o.tags, o.spec, o.price, o.category, -1 AS delta
                    FROM old_rows AS o JOIN new_rows AS n USING (id)
                    WHERE o.status = 'approved' AND o.deprecated_at IS NULL AND o.category IS NOT NULL
                      AND (o.kind, o.status, o.deprecated_at IS NULL, o.tags, o.spec, o.price, o.category)
                          IS DISTINCT FROM (n.kind, n.status, n.deprecated_at IS NULL, n.tags, n.spec, n.price, n.category)
                    UNION ALL
                    SELECT n.kind, n.tags, n.spec, n.price, n.category, 1
                    FROM old_rows AS o JOIN new_rows AS n USING (id)
                    WHERE n.status = 'approved' AND n.deprecated_at IS NULL AND n.category IS NOT NULL
                      AND (o.kind, o.status, o.deprecated_at IS NULL, o.tags, o.spec, o.price, o.category)
                          IS DISTINCT FROM (n.kind, n.status, n.deprecated_at IS NULL, n.tags, n.spec, n.price, n.category)) AS d,
                   LATERAL search_facet_values(d.kind, d.tags, d.spec, d.price, d.category) AS f
              GROUP BY 1, 2, 3, 4
              HAVING sum(d.delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

CREATE TRIGGER listing_category_facets_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_category_facets_on_insert();
CREATE TRIGGER listing_category_facets_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_category_facets_on_delete();
CREATE TRIGGER listing_category_facets_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION listing_category_facets_on_update();

INSERT INTO listing_category_facets (kind, category, facet, value, listings)
SELECT l.kind, l.category, f.facet, f.value, count(*)
FROM listings AS l, LATERAL search_facet_values(l.kind, l.tags, l.spec, l.price, l.category) AS f
WHERE l.status = 'approved' AND l.deprecated_at IS NULL AND l.category IS NOT NULL
GROUP BY 1, 2, 3, 4;
