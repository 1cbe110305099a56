-- Facet counts of approved listings per kind: each tag, the kind's type
-- (skill_type, component_type or template_type) and free/paid, kept exact
-- by statement-level triggers like listing_counts, so the browse page shows
-- facets with counts without scanning the catalog.
CREATE TABLE listing_facets (
    kind     text NOT NULL,
    facet    text NOT NULL CHECK (facet IN ('tag', 'type', 'price')),
    value    text NOT NULL,
    -- No CHECK (approved >= 0), for the reason given in listing_counts.
    approved bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, facet, value)
);

CREATE FUNCTION listing_facet_values(tags text[], spec jsonb, price numeric)
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE AS $$
    SELECT 'tag', t FROM unnest(tags) AS t
    UNION ALL
    SELECT 'type', v FROM (SELECT coalesce(spec ->> 'skill_type', spec ->> 'component_type',
                                           spec ->> 'template_type') AS v) AS x WHERE v IS NOT NULL
    UNION ALL
    SELECT 'price', CASE WHEN price = 0 THEN 'free' ELSE 'paid' END
$$;

CREATE FUNCTION listing_facets_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO listing_facets AS c (kind, facet, value, approved)
    SELECT d.kind, d.facet, d.value, d.delta
    FROM jsonb_to_recordset(deltas) AS d(kind text, facet text, value text, delta bigint)
    WHERE d.delta <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (kind, facet, value) DO UPDATE SET approved = c.approved + EXCLUDED.approved
$$;

CREATE FUNCTION listing_facets_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT r.kind, f.facet, f.value, count(*) AS n
              FROM new_rows AS r, LATERAL listing_facet_values(r.tags, r.spec, r.price) AS f
              WHERE r.status = 'approved' GROUP BY 1, 2, 3) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_facets_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', -n))
        FROM (SELECT r.kind, f.facet, f.value, count(*) AS n
              FROM old_rows AS r, LATERAL listing_facet_values(r.tags, r.spec, r.price) AS f
              WHERE r.status = 'approved' GROUP BY 1, 2, 3) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_facets_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT x.kind, f.facet, f.value, sum(x.delta) AS n
              FROM (SELECT kind, tags, spec, price, -1 AS delta FROM old_rows WHERE status = 'approved'
                    UNION ALL
                    SELECT kind, tags, spec, price, 1 FROM new_rows WHERE status = 'approved') AS x,
                   LATERAL listing_facet_values(x.tags, x.spec, x.price) AS f
              GROUP BY 1, 2, 3
              HAVING sum(x.delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

CREATE TRIGGER listing_facets_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_facets_on_insert();
CREATE TRIGGER listing_facets_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_facets_on_delete();
CREATE TRIGGER listing_facets_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION listing_facets_on_update();

INSERT INTO listing_facets (kind, facet, value, approved)
SELECT l.kind, f.facet, f.value, count(*)
FROM listings AS l, LATERAL listing_facet_values(l.tags, l.spec, l.price) AS f
WHERE l.status = 'approved'
GROUP BY 1, 2, 3;
