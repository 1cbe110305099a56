-- POST /api/skills/install (half of the write mix)
\set n random(1, :ids)
\set u random(1, 2000)
\set r random(1, 5)
SELECT id AS lid FROM bench_ids WHERE n = :n \gset
SELECT id AS uid, tenant_id AS tid FROM users WHERE email = 'bench-team-' || :u || '@bench.test' \gset
BEGIN;
SELECT 1 FROM tenants WHERE id = :tid::uuid FOR UPDATE;
INSERT INTO installed_skills (id, tenant_id, listing_id, name) VALUES (gen_random_uuid(), :tid::uuid, :lid::uuid, 'bench') ON CONFLICT DO NOTHING;
INSERT INTO listing_installs (listing_id, tenant_id) VALUES (:lid::uuid, :tid::uuid) ON CONFLICT DO NOTHING;
UPDATE listings SET installs = installs + 1, active_installs = active_installs + 1 WHERE id = :lid::uuid;
END;
