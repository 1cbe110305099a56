-- Search's ranking window from postings (docs/search-design.md).
--
-- search_postings holds, per kind, one row for every full-text lexeme of
-- every approved, current (not deprecated) listing, with the listing's
-- static rank. Its index orders each lexeme's listings best-rated first
-- (ties by id, the rating index's order), so the 200 best-rated matches of
-- a word, or of a word or'ed with its typo neighbours (a merge of one
-- ordered scan per spelling), are read as 200 index entries, however many
-- listings have the word. Before, the window sorted every match (RUM) or
-- read a heap row per listing in rating order until 200 matched.
--
-- Kept exact by statement-level triggers, like search_lexeme_counts: every
-- row is its own listing's, so writers never wait on each other here.

CREATE TABLE search_postings (
    kind       text NOT NULL,
    lexeme     text NOT NULL,
    rank       float8 NOT NULL,
    listing_id uuid NOT NULL,
    -- Carried in the index: a word within a category is read, and counted,
    -- from index entries alone.
    category   text
);

CREATE FUNCTION search_postings_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category)
    SELECT r.kind, x.lexeme, r.search_rank, r.id, r.category
    FROM new_rows AS r, LATERAL unnest(r.search) AS x
    WHERE r.status = 'approved' AND r.deprecated_at IS NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION search_postings_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_postings AS p
    USING old_rows AS r, LATERAL unnest(r.search) AS x
    WHERE r.status = 'approved' AND r.deprecated_at IS NULL
      AND p.kind = r.kind AND p.lexeme = x.lexeme AND p.rank = r.search_rank AND p.listing_id = r.id;
    RETURN NULL;
END $$;

-- Only rows whose document, kind, status, deprecation, rank or category
-- changed are looked at: an install (a counter) writes nothing here, a
-- rating moves the listing's postings to its new rank. What is in both the old and the
-- new set stays, so no key is deleted and inserted again.
CREATE FUNCTION search_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_postings AS p
    USING (SELECT o.kind, x.lexeme, o.search_rank AS rank, o.id, o.category
           FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(o.search) AS x
           WHERE o.status = 'approved' AND o.deprecated_at IS NULL
             AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
                 IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)
           EXCEPT
           SELECT n.kind, x.lexeme, n.search_rank, n.id, n.category
           FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(n.search) AS x
           WHERE n.status = 'approved' AND n.deprecated_at IS NULL
             AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
                 IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)) AS d
    WHERE p.kind = d.kind AND p.lexeme = d.lexeme AND p.rank = d.rank AND p.listing_id = d.id;
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category)
    SELECT n.kind, x.lexeme, n.search_rank, n.id, n.category
    FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(n.search) AS x
    WHERE n.status = 'approved' AND n.deprecated_at IS NULL
      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)
    EXCEPT
    SELECT o.kind, x.lexeme, o.search_rank, o.id, o.category
    FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(o.search) AS x
    WHERE o.status = 'approved' AND o.deprecated_at IS NULL
      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category);
    RETURN NULL;
END $$;

CREATE TRIGGER search_postings_insert AFTER INSERT ON listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_postings_on_insert();
CREATE TRIGGER search_postings_delete AFTER DELETE ON listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_postings_on_delete();
CREATE TRIGGER search_postings_update AFTER UPDATE ON listings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_postings_on_update();

-- Rebuilds the postings from the listings, the index after the rows (a
-- bulk load, as scripts/bench/generate.sql does with the triggers off).
CREATE FUNCTION search_postings_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DROP INDEX IF EXISTS search_postings_order;
    TRUNCATE search_postings;
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category)
    SELECT l.kind, x.lexeme, l.search_rank, l.id, l.category
    FROM listings AS l, LATERAL unnest(l.search) AS x
    WHERE l.status = 'approved' AND l.deprecated_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    CREATE UNIQUE INDEX search_postings_order ON search_postings (kind, lexeme, rank DESC, listing_id)
        INCLUDE (category);
    RETURN n;
END $$;

SELECT search_postings_rebuild();
