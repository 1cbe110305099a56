-- GET /api/public/v1/marketplace/skills/{id}: the listing and its latest
-- reviews.
\set n random(1, :ids)
SELECT id AS lid FROM bench_ids WHERE n = :n \gset
SELECT id, kind, publisher_tenant_id, publisher_user_id, name, slug, description, long_description, category, tags, price::float8 AS price, license, is_featured, status, rejection_reason, submitted_at, reviewed_at, approved_at, rating_sum::float8 AS rating_sum, rating_count, installs, active_installs, spec, current_version, external_id, risk_approved_at, created_at, updated_at FROM listings WHERE id = :lid::uuid AND kind = 'skill';
SELECT id, listing_id, user_id, rating::float8 AS rating, review, helpful_count, not_helpful_count, author_response, author_response_at, created_at FROM reviews WHERE listing_id = :lid::uuid AND NOT hidden ORDER BY created_at DESC, id DESC LIMIT 5 OFFSET 0;
