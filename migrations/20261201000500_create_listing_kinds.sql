-- One row per listing kind: what the database knows of a kind, registered
-- once. `listings.kind` refers to it (instead of a CHECK listing every
-- kind), and the "type" facet reads the kind's `type_field` (instead of a
-- coalesce over every kind's field name). A new kind's migration inserts
-- its row; its Rust descriptor (app/src/model/kind/<kind>.rs) says the
-- same, and a test compares the two.
CREATE TABLE listing_kinds (
    kind       text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z_]{0,39}$'),
    -- The spec field holding the kind's type (skill_type, ...), if any.
    type_field text CHECK (type_field ~ '^[a-z][a-z_]{0,39}$')
);

INSERT INTO listing_kinds (kind, type_field) VALUES
    ('skill', 'skill_type'),
    ('agent_template', NULL),
    ('domain', NULL),
    ('canvas_component', 'component_type'),
    ('workflow_template', 'template_type');

ALTER TABLE listings
    DROP CONSTRAINT listings_kind_check,
    ADD CONSTRAINT listings_kind_fkey FOREIGN KEY (kind) REFERENCES listing_kinds (kind);

-- The facet values of one listing, its kind deciding which spec field is
-- its type. STABLE: it reads listing_kinds.
CREATE FUNCTION listing_facet_values(kind text, tags text[], spec jsonb, price numeric)
RETURNS TABLE (facet text, value text) LANGUAGE sql STABLE AS $$
    SELECT 'tag', t FROM unnest(tags) AS t
    UNION ALL
    SELECT 'type', v FROM (SELECT spec ->> k.type_field AS v FROM listing_kinds AS k
                           WHERE k.kind = listing_facet_values.kind) AS x WHERE v IS NOT NULL
    UNION ALL
    SELECT 'price', CASE WHEN price = 0 THEN 'free' ELSE 'paid' END
$$;

CREATE OR REPLACE FUNCTION listing_facets_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT r.kind, f.facet, f.value, count(*) AS n
              FROM new_rows AS r, LATERAL listing_facet_values(r.kind, r.tags, r.spec, r.price) AS f
              WHERE r.status = 'approved' GROUP BY 1, 2, 3) s), '[]'));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION listing_facets_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', -n))
        FROM (SELECT r.kind, f.facet, f.value, count(*) AS n
              FROM old_rows AS r, LATERAL listing_facet_values(r.kind, r.tags, r.spec, r.price) AS f
              WHERE r.status = 'approved' GROUP BY 1, 2, 3) s), '[]'));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION listing_facets_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_facets_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'facet', facet, 'value', value, 'delta', n))
        FROM (SELECT x.kind, f.facet, f.value, sum(x.delta) AS n
              FROM (SELECT kind, tags, spec, price, -1 AS delta FROM old_rows WHERE status = 'approved'
                    UNION ALL
                    SELECT kind, tags, spec, price, 1 FROM new_rows WHERE status = 'approved') AS x,
                   LATERAL listing_facet_values(x.kind, x.tags, x.spec, x.price) AS f
              GROUP BY 1, 2, 3
              HAVING sum(x.delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

DROP FUNCTION listing_facet_values(text[], jsonb, numeric);

-- The counts again by the kind's own field: the same for every listing
-- whose spec holds only its kind's type field, exact for any other.
DELETE FROM listing_facets;
INSERT INTO listing_facets (kind, facet, value, approved)
SELECT l.kind, f.facet, f.value, count(*)
FROM listings AS l, LATERAL listing_facet_values(l.kind, l.tags, l.spec, l.price) AS f
WHERE l.status = 'approved'
GROUP BY 1, 2, 3;
