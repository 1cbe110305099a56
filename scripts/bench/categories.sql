-- GET /api/public/v1/marketplace/categories: the maintained counts.
SELECT category, approved FROM listing_counts WHERE kind = 'skill' AND approved > 0 AND category NOT IN ('', '*') ORDER BY approved DESC, category;
