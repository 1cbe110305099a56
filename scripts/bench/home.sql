-- GET /: per kind, three short index scans and the maintained counts.
SELECT kind, approved FROM listing_counts WHERE category = '*' ORDER BY kind;
(SELECT 'popular', id, name FROM listings WHERE kind = 'skill' AND status = 'approved' AND deprecated_at IS NULL ORDER BY installs DESC, id LIMIT 4) UNION ALL (SELECT 'trending', id, name FROM listings WHERE kind = 'skill' AND status = 'approved' AND deprecated_at IS NULL ORDER BY trend_key DESC, id LIMIT 4) UNION ALL (SELECT 'newest', id, name FROM listings WHERE kind = 'skill' AND status = 'approved' AND deprecated_at IS NULL ORDER BY created_at DESC, id LIMIT 4);
SELECT category, approved FROM listing_counts WHERE kind = 'skill' AND category NOT IN ('', '*') AND approved > 0 ORDER BY approved DESC, category LIMIT 9;
