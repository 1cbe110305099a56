-- Per-kind statistics without reading the catalog: listings per status
-- (with their installs and ratings) and approved listings per category and
-- per workflow template type and complexity, kept exact by statement-level
-- triggers like listing_counts. Installs change on every install, so each
-- key is split in 16 shards by listing id: concurrent installs of
-- different listings rarely queue on one row. Readers sum the shards.
CREATE TABLE listing_rollups (
    kind       text NOT NULL,
    dim        text NOT NULL CHECK (dim IN ('status', 'category', 'template_type', 'complexity')),
    key        text NOT NULL,
    shard      int2 NOT NULL,
    -- No CHECK (>= 0), for the reason given in listing_counts.
    listings   bigint NOT NULL DEFAULT 0,
    installs   bigint NOT NULL DEFAULT 0,
    -- Listings with at least one rating, and the sum of their means.
    rated      bigint NOT NULL DEFAULT 0,
    mean_sum   numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, dim, key, shard)
);

-- The rollup keys one listing counts under: its status; when approved, its
-- category and its workflow template type and complexity ('Uncategorized'
-- when absent, as the statistics name it).
CREATE FUNCTION listing_rollup_keys(status text, category text, spec jsonb)
RETURNS TABLE (dim text, key text) LANGUAGE sql IMMUTABLE AS $$
    SELECT 'status', status
    UNION ALL
    SELECT d, k FROM (VALUES ('category', coalesce(category, 'Uncategorized')),
                             ('template_type', coalesce(spec ->> 'template_type', 'Uncategorized')),
                             ('complexity', coalesce(spec ->> 'complexity', 'Uncategorized'))) AS v(d, k)
    WHERE status = 'approved'
$$;

CREATE FUNCTION listing_rollups_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO listing_rollups AS r (kind, dim, key, shard, listings, installs, rated, mean_sum)
    SELECT d.kind, d.dim, d.key, d.shard, d.listings, d.installs, d.rated, d.mean_sum
    FROM jsonb_to_recordset(deltas)
         AS d(kind text, dim text, key text, shard int2, listings bigint, installs bigint, rated bigint, mean_sum numeric)
    WHERE d.listings <> 0 OR d.installs <> 0 OR d.rated <> 0 OR d.mean_sum <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, dim, key, shard) DO UPDATE SET
        listings = r.listings + EXCLUDED.listings,
        installs = r.installs + EXCLUDED.installs,
        rated = r.rated + EXCLUDED.rated,
        mean_sum = r.mean_sum + EXCLUDED.mean_sum
$$;

-- The deltas of rows entering (sign 1) or leaving (sign -1) the rollups.
CREATE FUNCTION listing_rollup_deltas(rows jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'kind', kind, 'dim', dim, 'key', key, 'shard', shard, 'listings', listings,
               'installs', installs, 'rated', rated, 'mean_sum', mean_sum)), '[]')
    FROM (SELECT x.kind, k.dim, k.key, x.shard,
                 sum(x.sign)::bigint AS listings,
                 sum(x.sign * x.installs)::bigint AS installs,
                 sum(CASE WHEN x.rating_count > 0 THEN x.sign ELSE 0 END)::bigint AS rated,
                 coalesce(sum(CASE WHEN x.rating_count > 0 THEN x.sign * x.rating_sum / x.rating_count END), 0) AS mean_sum
          FROM jsonb_to_recordset(rows) AS x(kind text, status text, category text, spec jsonb, shard int2,
                                             installs bigint, rating_sum numeric, rating_count bigint, sign int),
               LATERAL listing_rollup_keys(x.status, x.category, x.spec) AS k
          GROUP BY 1, 2, 3, 4) s
$$;

CREATE FUNCTION listing_rollup_row(l listings, sign int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('kind', l.kind, 'status', l.status, 'category', l.category,
                              'spec', jsonb_build_object('template_type', l.spec -> 'template_type',
                                                         'complexity', l.spec -> 'complexity'),
                              'shard', (hashtext(l.id::text) & 15), 'installs', l.installs,
                              'rating_sum', l.rating_sum, 'rating_count', l.rating_count, 'sign', sign)
$$;

CREATE FUNCTION listing_rollups_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_rollups_add(listing_rollup_deltas(
        (SELECT coalesce(jsonb_agg(listing_rollup_row(n, 1)), '[]') FROM new_rows AS n)));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_rollups_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_rollups_add(listing_rollup_deltas(
        (SELECT coalesce(jsonb_agg(listing_rollup_row(o, -1)), '[]') FROM old_rows AS o)));
    RETURN NULL;
END $$;

-- Only rows whose counted fields changed; an install moves one shard's
-- installs (and, when approved, its category's and types').
CREATE FUNCTION listing_rollups_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_rollups_add(listing_rollup_deltas((
        SELECT coalesce(jsonb_agg(r), '[]') FROM (
            SELECT listing_rollup_row(o, -1) AS r FROM old_rows AS o JOIN new_rows AS n USING (id)
            WHERE (o.kind, o.status, o.category, o.spec -> 'template_type', o.spec -> 'complexity',
                   o.installs, o.rating_sum, o.rating_count)
                  IS DISTINCT FROM (n.kind, n.status, n.category, n.spec -> 'template_type', n.spec -> 'complexity',
                   n.installs, n.rating_sum, n.rating_count)
            UNION ALL
            SELECT listing_rollup_row(n, 1) FROM old_rows AS o JOIN new_rows AS n USING (id)
            WHERE (o.kind, o.status, o.category, o.spec -> 'template_type', o.spec -> 'complexity',
                   o.installs, o.rating_sum, o.rating_count)
                  IS DISTINCT FROM (n.kind, n.status, n.category, n.spec -> 'template_type', n.spec -> 'complexity',
                   n.installs, n.rating_sum, n.rating_count)) AS c)));
    RETURN NULL;
END $$;

CREATE TRIGGER listing_rollups_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_rollups_on_insert();
CREATE TRIGGER listing_rollups_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_rollups_on_delete();
CREATE TRIGGER listing_rollups_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION listing_rollups_on_update();

INSERT INTO listing_rollups (kind, dim, key, shard, listings, installs, rated, mean_sum)
SELECT l.kind, k.dim, k.key, (hashtext(l.id::text) & 15), count(*), sum(l.installs),
       count(*) FILTER (WHERE l.rating_count > 0),
       coalesce(sum(l.rating_sum / l.rating_count) FILTER (WHERE l.rating_count > 0), 0)
FROM listings AS l, LATERAL listing_rollup_keys(l.status, l.category, l.spec) AS k
GROUP BY 1, 2, 3, 4;
