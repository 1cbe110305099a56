-- Each posting carries its lexeme's term of the listing's text rank
-- (docs/search-design.md, "Ranking from the postings").
--
-- ts_rank of a word or'ed with its typo neighbours is, in PostgreSQL's
-- calc_rank_or, a sum over the query's distinct lexemes (in byte order) of
-- each present lexeme's term, a property of (listing, lexeme) alone, then
-- divided by the number of lexemes. With the term in the index entry, a
-- one-word search orders its 200-listing window from index entries alone,
-- bit for bit as ts_rank over the documents would, and reads from the heap
-- only the listings that can be on the page, where it ranked all 200 from
-- their documents before.

-- The weights of the document's parts for ranking, D, C, B, A: long
-- description, description, tags, name. Written once, for the queries
-- (app/src/backend/db/search.rs) and the postings alike.
CREATE FUNCTION search_weights() RETURNS float4[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '{0.05, 0.2, 0.4, 1.0}'::float4[];

-- A lexeme's term, from its positions and their weights as the document
-- holds them, computed as calc_rank_or does: single precision throughout
-- (every operand cast, since real / integer is double precision in SQL),
-- the last division in double. A lexeme without positions counts as one
-- of weight D, as there.
CREATE FUNCTION search_lexeme_term(positions smallint[], weights text[]) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    w constant float4[] := search_weights();
    n constant int := coalesce(cardinality(positions), 0);
    resj float4 := 0;
    wjm float4 := -1;
    jm int := 1;
    wj float4;
BEGIN
    FOR j IN 1 .. greatest(n, 1) LOOP
        wj := w[CASE WHEN n = 0 THEN 1 ELSE position(weights[j] IN 'DCBA') END];
        resj := resj + wj / (j * j)::float4;
        IF wj > wjm THEN
            wjm := wj;
            jm := j;
        END IF;
    END LOOP;
    RETURN (wjm + resj - wjm / (jm * jm)::float4)::float8 / 1.64493406685::float8;
END $$;

-- ts_rank's sum of a listing's terms, given in the lexemes' byte order
-- (COLLATE "C"), as calc_rank_or visits the query's lexemes: single
-- precision, each step added in double. Called for a listing holding
-- several of a query's lexemes only (one term alone is itself, rounded).
CREATE FUNCTION search_rank_fold(terms float8[]) RETURNS float4
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    total float4 := 0;
    term float8;
BEGIN
    FOREACH term IN ARRAY terms LOOP
        total := (total::float8 + term)::float4;
    END LOOP;
    RETURN total;
END $$;

-- A query's spellings as the maintained counts know them, in one round
-- trip: every word as typed and every known word sharing a typo key with
-- one (known), each with its lexemes and the listings of the kind holding
-- the first; and whether a RUM index covers the kind. The caller keeps the
-- known words within one edit (app/src/backend/db/search.rs, text_query).
-- Stored, like search_scored_candidates, for its kept plan.
CREATE FUNCTION search_spellings(p_kind text, p_words text[], p_keys text[])
RETURNS TABLE (word text, known boolean, lexemes text[], listings int8, rum boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    WITH s AS (
        SELECT u.w, bool_or(u.k) AS k FROM (
            SELECT x, false FROM unnest(p_words) AS x
            UNION ALL
            SELECT v.word, true FROM search_word_variants AS v WHERE v.variant = ANY(p_keys)
        ) AS u(w, k) GROUP BY u.w),
    x AS (SELECT s.w, s.k, tsvector_to_array(to_tsvector('english', s.w)) AS lx FROM s)
    SELECT x.w, x.k, x.lx, coalesce(c.listings, 0)::int8, to_regclass('listings_rum_' || p_kind) IS NOT NULL
    FROM x LEFT JOIN search_lexeme_counts AS c ON c.kind = p_kind AND c.lexeme = x.lx[1];
END $$;

-- The candidates for one page by relevance of a one-word search (its
-- spellings' lexemes, the typed word's; at most a category besides):
-- the window of the p_window best-rated matches (the caller's
-- RANK_WINDOW) from the postings, each ranked
-- by its terms as ts_rank would rank its document (plus one for the word
-- as typed), and up to p_named exact names; of these, only those at or above the
-- p_reach-th (offset + limit) in (exact, text rank, static rank) order,
-- ties kept, are read from the heap and ranked from their documents, and
-- returned in the page's order (app/src/backend/db/search.rs,
-- scored_page). A stored function so that its plan is kept: the same
-- plan serves every word, and planning it anew each time cost more than
-- running it.
CREATE FUNCTION search_scored_candidates(
    p_kind text, p_lexemes text[], p_k float4, p_typed text, p_category text,
    p_raw text, p_any text, p_as_typed text, p_reach int, p_window int, p_named int)
RETURNS TABLE (id uuid, relevance float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    -- Postings are read for p_lexemes, those some listing holds; ts_rank
    -- divides by every lexeme of the query (p_k).
    n constant int := cardinality(p_lexemes);
    k constant float4 := p_k;
BEGIN
    RETURN QUERY
    WITH win AS MATERIALIZED (
        -- One spelling: its postings, already in order, one each.
        SELECT s.listing_id AS id, s.rank AS b, s.lexeme = p_typed AS typed, s.score::float4 AS s
        FROM search_postings AS s
        WHERE n = 1 AND s.kind = p_kind AND s.lexeme = p_lexemes[1]
          AND (p_category IS NULL OR s.category = p_category)
        ORDER BY s.rank DESC, s.listing_id LIMIT p_window),
    merged AS MATERIALIZED (
        -- Several: each one's best-rated p_window, merged per listing.
        SELECT p.listing_id AS id, max(p.rank) AS b, bool_or(p.lexeme = p_typed) AS typed,
               array_agg(p.score ORDER BY p.lexeme COLLATE "C") AS terms
        FROM unnest(p_lexemes) AS x(lexeme)
        CROSS JOIN LATERAL (
            SELECT s.rank, s.listing_id, s.lexeme, s.score FROM search_postings AS s
            WHERE n > 1 AND s.kind = p_kind AND s.lexeme = x.lexeme
              AND (p_category IS NULL OR s.category = p_category)
            ORDER BY s.rank DESC, s.listing_id LIMIT p_window) AS p
        GROUP BY p.listing_id ORDER BY b DESC, p.listing_id LIMIT p_window),
    w AS (
        SELECT win.id, win.b, win.typed, win.s FROM win
        UNION ALL
        -- A listing holding one of the lexemes (nearly all) needs no fold.
        SELECT merged.id, merged.b, merged.typed,
               CASE WHEN cardinality(merged.terms) = 1 THEN merged.terms[1]::float4
                    ELSE search_rank_fold(merged.terms) END
        FROM merged),
    named AS (
        SELECT l.id FROM listings AS l
        WHERE l.kind = p_kind AND l.status = 'approved' AND l.deprecated_at IS NULL
          AND l.search @@ to_tsquery('english', p_any)
          AND (p_category IS NULL OR l.category = p_category)
          AND lower(l.name) = lower(p_raw)
        LIMIT p_named),
    m AS MATERIALIZED (
        SELECT coalesce(w.id, n.id) AS id, row_number() OVER (ORDER BY w.b DESC, w.id) AS pos,
               n.id IS NOT NULL AS exact,
               CASE WHEN n.id IS NULL THEN w.typed::int + w.s / k ELSE 'Infinity' END AS a,
               CASE WHEN n.id IS NULL THEN w.b ELSE 'Infinity' END AS b,
               w.id IS NULL AS unwindowed
        FROM w FULL JOIN named AS n ON n.id = w.id),
    edge AS (SELECT m.exact, m.a, m.b FROM m ORDER BY m.exact DESC, m.a DESC, m.b DESC OFFSET p_reach - 1 LIMIT 1)
    SELECT c.id, c.relevance FROM (
        SELECT m.id, m.exact, m.pos, m.unwindowed, l.installs,
               (l.rating_sum + 17.5) / (l.rating_count + 5) AS bayes,
               (l.search @@ to_tsquery('english', p_as_typed))::int
                   + ts_rank(search_weights(), l.search, to_tsquery('english', p_any)) AS relevance
        FROM m JOIN listings AS l ON l.id = m.id
        WHERE NOT EXISTS (SELECT FROM edge) OR (m.exact, m.a, m.b) >= (SELECT * FROM edge)) AS c
    ORDER BY c.exact DESC, c.relevance DESC, c.bayes DESC, c.installs DESC,
             c.unwindowed DESC, c.pos ASC, c.id DESC;
END $$;

-- The rows are rebuilt below with their scores.
DROP INDEX search_postings_order;
TRUNCATE search_postings;
ALTER TABLE search_postings ADD COLUMN score float8 NOT NULL;

CREATE OR REPLACE FUNCTION search_postings_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category, score)
    SELECT r.kind, x.lexeme, r.search_rank, r.id, r.category, search_lexeme_term(x.positions, x.weights)
    FROM new_rows AS r, LATERAL unnest(r.search) AS x
    WHERE r.status = 'approved' AND r.deprecated_at IS NULL;
    RETURN NULL;
END $$;

-- As before (the delete matches on the key), with the score in what is
-- compared: an edit that moves a word from the description into the name
-- rewrites that word's posting, and only that one.
CREATE OR REPLACE FUNCTION search_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_postings AS p
    USING (SELECT o.kind, x.lexeme, o.search_rank AS rank, o.id, o.category,
                  search_lexeme_term(x.positions, x.weights) AS score
           FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(o.search) AS x
           WHERE o.status = 'approved' AND o.deprecated_at IS NULL
             AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
                 IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)
           EXCEPT
           SELECT n.kind, x.lexeme, n.search_rank, n.id, n.category, search_lexeme_term(x.positions, x.weights)
           FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(n.search) AS x
           WHERE n.status = 'approved' AND n.deprecated_at IS NULL
             AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
                 IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)) AS d
    WHERE p.kind = d.kind AND p.lexeme = d.lexeme AND p.rank = d.rank AND p.listing_id = d.id;
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category, score)
    SELECT n.kind, x.lexeme, n.search_rank, n.id, n.category, search_lexeme_term(x.positions, x.weights)
    FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(n.search) AS x
    WHERE n.status = 'approved' AND n.deprecated_at IS NULL
      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category)
    EXCEPT
    SELECT o.kind, x.lexeme, o.search_rank, o.id, o.category, search_lexeme_term(x.positions, x.weights)
    FROM old_rows AS o JOIN new_rows AS n USING (id), LATERAL unnest(o.search) AS x
    WHERE o.status = 'approved' AND o.deprecated_at IS NULL
      AND (o.kind, o.search, o.status, o.deprecated_at IS NULL, o.search_rank, o.category)
          IS DISTINCT FROM (n.kind, n.search, n.status, n.deprecated_at IS NULL, n.search_rank, n.category);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_postings_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DROP INDEX IF EXISTS search_postings_order;
    TRUNCATE search_postings;
    INSERT INTO search_postings (kind, lexeme, rank, listing_id, category, score)
    SELECT l.kind, x.lexeme, l.search_rank, l.id, l.category, search_lexeme_term(x.positions, x.weights)
    FROM listings AS l, LATERAL unnest(l.search) AS x
    WHERE l.status = 'approved' AND l.deprecated_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    CREATE UNIQUE INDEX search_postings_order ON search_postings (kind, lexeme, rank DESC, listing_id)
        INCLUDE (category, score);
    RETURN n;
END $$;

SELECT search_postings_rebuild();
