-- GET /api/v1/domains/marketplace/stats as the server runs it: listings
-- per status and the approved ones' installs, from the maintained rollups.
SELECT key, sum(listings)::int8 FROM listing_rollups WHERE kind = 'domain' AND dim = 'status' GROUP BY key HAVING sum(listings) > 0 ORDER BY key;
SELECT coalesce(sum(installs), 0)::int8 FROM listing_rollups WHERE kind = 'domain' AND dim = 'status' AND key = 'approved';
