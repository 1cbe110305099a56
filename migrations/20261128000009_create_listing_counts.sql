-- Approved listings per kind and category, kept exact by statement-level
-- triggers, so a browse total or the category facet reads one row instead
-- of counting hundreds of thousands. category '' holds listings without a
-- category; '*' is the kind's total.
CREATE TABLE listing_counts (
    kind     text NOT NULL,
    category text NOT NULL,
    -- No CHECK (approved >= 0): PostgreSQL checks the row an INSERT … ON
    -- CONFLICT proposes before finding the conflict, and a decrement is
    -- proposed as a negative row.
    approved bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, category)
);

-- Adds the net change of one statement. Counter updates (installs,
-- ratings) leave status and category alone, net to zero and write nothing,
-- so they never queue on the hot '*' row.
CREATE FUNCTION listing_counts_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO listing_counts AS c (kind, category, approved)
    SELECT d.kind, d.category, d.delta
    FROM jsonb_to_recordset(deltas) AS d(kind text, category text, delta bigint)
    WHERE d.delta <> 0
    ORDER BY 1, 2
    ON CONFLICT (kind, category) DO UPDATE SET approved = c.approved + EXCLUDED.approved
$$;

CREATE FUNCTION listing_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', k, 'delta', n))
        FROM (SELECT kind, k, count(*) AS n
              FROM new_rows, LATERAL (VALUES (coalesce(category, '')), ('*')) AS v(k)
              WHERE status = 'approved' GROUP BY kind, k) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', k, 'delta', -n))
        FROM (SELECT kind, k, count(*) AS n
              FROM old_rows, LATERAL (VALUES (coalesce(category, '')), ('*')) AS v(k)
              WHERE status = 'approved' GROUP BY kind, k) s), '[]'));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_counts_add(coalesce((
        SELECT jsonb_agg(jsonb_build_object('kind', kind, 'category', k, 'delta', n))
        FROM (SELECT kind, k, sum(delta) AS n
              FROM (SELECT kind, category, -1 AS delta FROM old_rows WHERE status = 'approved'
                    UNION ALL
                    SELECT kind, category, 1 FROM new_rows WHERE status = 'approved') AS x,
                   LATERAL (VALUES (coalesce(category, '')), ('*')) AS v(k)
              GROUP BY kind, k
              HAVING sum(delta) <> 0) s), '[]'));
    RETURN NULL;
END $$;

CREATE TRIGGER listing_counts_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_on_insert();
CREATE TRIGGER listing_counts_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_on_delete();
CREATE TRIGGER listing_counts_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_on_update();

INSERT INTO listing_counts (kind, category, approved)
SELECT kind, k, count(*)
FROM listings, LATERAL (VALUES (coalesce(category, '')), ('*')) AS v(k)
WHERE status = 'approved'
GROUP BY kind, k;
