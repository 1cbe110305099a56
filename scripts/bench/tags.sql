-- GET /api/public/v1/marketplace/tags: the maintained facet counts.
SELECT value, approved FROM listing_facets WHERE kind = 'skill' AND facet = 'tag' AND approved > 0 ORDER BY approved DESC, value LIMIT 200;
