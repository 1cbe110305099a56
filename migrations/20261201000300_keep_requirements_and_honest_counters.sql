-- The package inventory keeps every skill's requirement: a row per
-- package and requiring skill listing, so installing a skill that needs
-- another version adds a row instead of overwriting one that an installed
-- skill relies on. Rows recorded before this have no known requirer and
-- keep the nil uuid (a key column cannot be NULL). No foreign key: a
-- package stays installed when the listing that asked for it goes away.
ALTER TABLE tenant_packages
    ADD COLUMN required_by uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE tenant_packages DROP CONSTRAINT tenant_packages_pkey;
ALTER TABLE tenant_packages ADD PRIMARY KEY (tenant_id, package_type, name, required_by);

-- Re-rating a hidden review used to move the listing's rating sum while
-- its count left the review out (averages above 5). Counters are over
-- visible ratings; rebuild any that drifted.
UPDATE listings l
SET rating_sum = v.rating_sum, rating_count = v.rating_count
FROM (
    SELECT l2.id,
           coalesce(sum(r.rating) FILTER (WHERE NOT r.hidden), 0) AS rating_sum,
           count(r.id) FILTER (WHERE NOT r.hidden)::int AS rating_count
    FROM listings l2 LEFT JOIN reviews r ON r.listing_id = l2.id
    GROUP BY l2.id
) v
WHERE v.id = l.id AND (l.rating_sum, l.rating_count) IS DISTINCT FROM (v.rating_sum, v.rating_count);
