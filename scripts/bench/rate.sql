-- POST /api/public/v1/marketplace/skills/{id}/rate (the other half)
\set n random(1, :ids)
\set u random(1, 2000)
\set r random(1, 5)
SELECT id AS lid FROM bench_ids WHERE n = :n \gset
SELECT id AS uid, tenant_id AS tid FROM users WHERE email = 'bench-team-' || :u || '@bench.test' \gset
BEGIN;
INSERT INTO reviews (id, listing_id, user_id, tenant_id, rating) VALUES (gen_random_uuid(), :lid::uuid, :uid::uuid, :tid::uuid, :r) ON CONFLICT DO NOTHING;
UPDATE listings SET rating_sum = rating_sum + :r, rating_count = rating_count + 1 WHERE id = :lid::uuid;
END;
