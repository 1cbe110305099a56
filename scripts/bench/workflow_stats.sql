-- GET /api/marketplace/templates/statistics as the server runs it
-- (app/src/backend/db/listings.rs): the maintained rollups, a row per key
-- and shard, whatever the catalog's size.
SELECT key, sum(listings)::int8, sum(installs)::int8 FROM listing_rollups WHERE kind = 'workflow_template' AND dim = 'category' GROUP BY key HAVING sum(listings) > 0 ORDER BY 2 DESC, 1;
SELECT coalesce(sum(mean_sum) / nullif(sum(rated), 0), 0)::float8 FROM listing_rollups WHERE kind = 'workflow_template' AND dim = 'status' AND key = 'approved';
SELECT key, sum(listings)::int8, sum(installs)::int8 FROM listing_rollups WHERE kind = 'workflow_template' AND dim = 'template_type' GROUP BY key HAVING sum(listings) > 0 ORDER BY 2 DESC, 1;
SELECT key, sum(listings)::int8, sum(installs)::int8 FROM listing_rollups WHERE kind = 'workflow_template' AND dim = 'complexity' GROUP BY key HAVING sum(listings) > 0 ORDER BY 2 DESC, 1;
