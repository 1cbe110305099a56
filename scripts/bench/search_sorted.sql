-- GET /api/public/v1/marketplace/skills?query=:raw&category=:c&sort_by=rating
-- as the server runs it: the known words near the query's (:typed) and
-- the lexeme counts as for a ranked search (search_ranked.sql), one round
-- trip; a one-word query's page by rating from
-- its spellings' postings within the category (the best-rated
-- offset + limit, and every match rated as the last of them), and its
-- capped total from the same postings.
WITH r AS (SELECT word AS w, known, lexemes AS lx, listings, rum FROM search_spellings('skill', string_to_array(:typed, '&'), string_to_array(:variants, ','))), sp AS (SELECT u.g, r.lx, r.listings, r.rum FROM unnest(string_to_array(:spellings, ','), string_to_array(:groups, ',')::int4[]) AS u(w, g) JOIN r USING (w)), per AS (SELECT g, sum(listings) AS upper, coalesce(max(listings) FILTER (WHERE cardinality(lx) = 1), 0) AS lower FROM sp WHERE cardinality(lx) > 0 GROUP BY g) SELECT (bool_or(rum) AND coalesce((SELECT min(upper) FROM per), 0) <= 30000)::int AS use_rum, CASE WHEN (SELECT count(*) FROM per) = 1 THEN (SELECT lower FROM per) ELSE 0 END AS at_least, (count(DISTINCT g) = 1 AND bool_and(cardinality(lx) = 1))::int AS use_postings, coalesce(string_agg(DISTINCT lx[1], ',') FILTER (WHERE listings > 0), '') AS lexemes, coalesce((SELECT r.lx[1] FROM r WHERE r.w = split_part(:typed, '&', 1)), '') AS typed_lexeme FROM sp \gset
\if :use_postings
WITH cand AS MATERIALIZED (SELECT p.listing_id AS id, max(p.rank) AS rank FROM unnest(string_to_array(:lexemes, ',')) AS x(lexeme) CROSS JOIN LATERAL (SELECT s.rank, s.listing_id FROM search_postings AS s WHERE s.kind = 'skill' AND s.lexeme = x.lexeme AND s.category = :c ORDER BY s.rank DESC, s.listing_id LIMIT 50) AS p GROUP BY p.listing_id ORDER BY rank DESC, id LIMIT 50), edge AS (SELECT min(rank) AS rank, count(*) AS n FROM cand) SELECT id, name, rating_sum, rating_count, installs FROM listings WHERE id IN (SELECT id FROM cand, edge WHERE cand.rank > edge.rank OR edge.n < 50 UNION SELECT s.listing_id FROM search_postings AS s, edge WHERE edge.n >= 50 AND s.kind = 'skill' AND s.lexeme = ANY(string_to_array(:lexemes, ',')) AND s.rank = edge.rank AND s.category = :c) ORDER BY ((rating_sum + 17.5) / (rating_count + 5)) DESC, rating_count DESC, id DESC LIMIT 50;
SELECT count(*) FROM (SELECT DISTINCT listing_id FROM search_postings WHERE kind = 'skill' AND lexeme = ANY(string_to_array(:lexemes, ',')) AND category = :c LIMIT 10100) AS capped;
\else
SELECT id, name, rating_sum, rating_count, installs FROM listings WHERE kind = 'skill' AND status = 'approved' AND search @@ to_tsquery('english', :any) AND category = :c AND deprecated_at IS NULL ORDER BY ((rating_sum + 17.5) / (rating_count + 5)) DESC, rating_count DESC, id DESC LIMIT 50;
SELECT count(*) FROM (SELECT 1 FROM listings WHERE kind = 'skill' AND status = 'approved' AND search @@ to_tsquery('english', :any) AND category = :c AND deprecated_at IS NULL LIMIT 10100) AS capped;
\endif
