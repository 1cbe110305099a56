-- A realistic catalog of :n listings, made inside PostgreSQL (no row-by-row
-- client round trips): 300 publisher tenants, 2,000 rater users with API
-- keys, listings of all five kinds (60 % skills) with varied names,
-- descriptions, tags, categories, prices, ratings and installs spread
-- over two years. Secondary indexes are dropped for the load and rebuilt.
\set ON_ERROR_STOP on
SELECT setseed(0.42) \gset

CREATE TEMP TABLE words (w text[]);
INSERT INTO words VALUES (ARRAY[
 'invoice','summarize','translate','schedule','classify','extract','monitor','forecast','reconcile','enrich',
 'email','calendar','ticket','contract','lead','report','dashboard','pipeline','webhook','document',
 'sentiment','anomaly','churn','inventory','payroll','compliance','security','onboarding','feedback','survey',
 'slack','gmail','salesforce','hubspot','zendesk','jira','github','notion','stripe','shopify',
 'python','pandas','sql','graphql','pdf','ocr','vision','speech','search','vector']);

CREATE TEMP TABLE adjectives (w text[]);
INSERT INTO adjectives VALUES (ARRAY['Smart','Fast','Secure','Daily','Automated','Realtime','Bulk','Simple',
 'Advanced','Adaptive','Precise','Instant','Unified','Scalable','Friendly','Robust']);

CREATE TEMP TABLE nouns (w text[]);
INSERT INTO nouns VALUES (ARRAY['Parser','Assistant','Router','Checker','Digest','Builder','Analyzer',
 'Connector','Scheduler','Classifier','Extractor','Monitor','Reporter','Planner','Agent','Toolkit']);

INSERT INTO tenants (id, name, slug, plan)
SELECT gen_random_uuid(), 'Bench Publisher ' || g, 'bench-pub-' || g, 'enterprise'
FROM generate_series(1, 300) g ON CONFLICT DO NOTHING;

INSERT INTO tenants (id, name, slug, plan)
SELECT gen_random_uuid(), 'Bench Team ' || g, 'bench-team-' || g, 'enterprise'
FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING;
INSERT INTO users (id, tenant_id, email, password_hash, role)
SELECT gen_random_uuid(), t.id, t.slug || '@bench.test', 'x', 'owner'
FROM tenants t WHERE t.slug LIKE 'bench-team-%' ON CONFLICT DO NOTHING;

-- Drop every secondary index of listings for the load; rebuilt below.
CREATE TEMP TABLE saved_indexes AS
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'public' AND tablename = 'listings' AND indexname <> 'listings_pkey';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM saved_indexes LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I', r.indexname);
  END LOOP;
END $$;
ALTER TABLE listings DISABLE TRIGGER listings_search_refresh;
-- The typo word list is learnt once, set-based, after the load.
ALTER TABLE listings DISABLE TRIGGER listings_learn_words;
-- The search postings and the per-lexeme facet counts too: rebuilt once,
-- after the load.
ALTER TABLE listings DISABLE TRIGGER search_postings_insert;
ALTER TABLE listings DISABLE TRIGGER search_lexeme_facets_insert;
-- The analytics triggers too: one queue lookup per pending row without
-- indexes would be quadratic. The rollups are rebuilt once, at the end.
ALTER TABLE listings DISABLE TRIGGER listings_queue_stats_insert;
ALTER TABLE reviews DISABLE TRIGGER reviews_stats_insert;

-- In chunks of 50,000, each followed by a progress line (count, rate,
-- time left): a million listings take minutes.
CREATE TEMP TABLE gen_progress AS SELECT clock_timestamp() AS started, :n::bigint AS total;
SELECT replace(replace($gen$
WITH pubs AS (SELECT array_agg(id ORDER BY id) AS ids FROM tenants WHERE slug LIKE 'bench-pub-%'),
src AS (
  SELECT g,
         (SELECT w FROM words) AS words, (SELECT w FROM adjectives) AS adj, (SELECT w FROM nouns) AS nouns,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
  FROM generate_series(__LO__, __HI__) g
),
rows AS (
  SELECT g,
    CASE WHEN r1 < 0.60 THEN 'skill' WHEN r1 < 0.70 THEN 'agent_template' WHEN r1 < 0.80 THEN 'domain'
         WHEN r1 < 0.90 THEN 'canvas_component' ELSE 'workflow_template' END AS kind,
    adj[1 + (g % 16)] || ' ' || initcap(words[1 + ((g * 7) % 50)]) || ' ' || nouns[1 + ((g / 16) % 16)] || ' ' || g AS name,
    'Helps teams ' || words[1 + ((g * 3) % 50)] || ' and ' || words[1 + ((g * 11) % 50)] || ' with '
      || words[1 + ((g * 13) % 50)] || ' in ' || words[1 + ((g * 17) % 50)] || ' workflows.' AS description,
    'Long description: connects ' || words[1 + ((g * 19) % 50)] || ' to ' || words[1 + ((g * 23) % 50)]
      || '. Handles retries, batching and audit trails for ' || words[1 + ((g * 29) % 50)] || '.' AS long_description,
    (ARRAY['productivity','finance','sales','marketing','support','engineering','data','security',
           'hr','legal','operations','analytics'])[1 + (g % 12)] AS category,
    ARRAY[words[1 + (g % 50)], words[1 + ((g * 31) % 50)], words[1 + ((g * 37) % 50)]] AS tags,
    CASE WHEN r2 < 0.6 THEN 0 ELSE round((r2 * 100)::numeric, 2) END AS price,
    CASE WHEN r3 < 0.95 THEN 'approved' WHEN r3 < 0.98 THEN 'pending_approval' ELSE 'draft' END AS status,
    floor(power(r4, 3) * 5000)::int AS installs,
    floor(r5 * 200)::int AS rating_count,
    r2 AS r2, r4 AS r4,
    now() - (r5 * interval '730 days') AS created_at,
    (SELECT ids FROM pubs)[1 + (g % 300)] AS publisher
  FROM src
)
INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, long_description, category, tags,
                      price, status, submitted_at, approved_at, rating_sum, rating_count, installs, active_installs,
                      trend_key, spec, created_at, updated_at, search, search_text)
SELECT gen_random_uuid(), kind, publisher, name, lower(replace(name, ' ', '-')), description, long_description,
       category, tags, price, status, created_at, CASE WHEN status = 'approved' THEN created_at END,
       round((rating_count * (3.0 + 2.0 * r2))::numeric, 1), rating_count, installs, installs,
       -- Recent installs decayed: log-space key as the engine keeps it.
       extract(epoch FROM now()) / 172800.0 + ln(1 + installs * r4) - (r4 * 10),
       CASE kind
         WHEN 'skill' THEN jsonb_build_object('skill_type', (ARRAY['api','function','script','docker','container'])[1 + (g % 5)],
                                              'risk_level', 'low', 'input_schema', '{}'::jsonb, 'output_schema', '{}'::jsonb,
                                              'config', '{}'::jsonb, 'config_schema', null, 'python_packages', '[]'::jsonb,
                                              'npm_packages', '[]'::jsonb)
         WHEN 'canvas_component' THEN jsonb_build_object('component_type', 'component', 'version', '1.0.0', 'code', '',
                                              'config_schema', null, 'dependencies', '[]'::jsonb, 'css_dependencies', '[]'::jsonb)
         ELSE '{}'::jsonb END,
       created_at, created_at,
       setweight(to_tsvector('english', name), 'A') ||
       setweight(to_tsvector('english', array_to_string(tags, ' ')), 'B') ||
       setweight(to_tsvector('english', description), 'C') ||
       setweight(to_tsvector('english', long_description), 'D'),
       lower(name || ' ' || array_to_string(tags, ' ') || ' ' || left(description, 500))
FROM rows
$gen$, '__LO__', lo::text), '__HI__', least(lo + 49999, :n)::text),
       replace($p$DO $d$ DECLARE p record; el float8; done bigint := __DONE__; BEGIN
         SELECT * INTO p FROM gen_progress;
         el := greatest(extract(epoch FROM clock_timestamp() - p.started), 0.001);
         RAISE NOTICE 'generated % of % listings (% %%), % per s, about % s left',
           done, p.total, round(100.0 * done / p.total), round(done / el), round((p.total - done) * el / done);
       END $d$$p$, '__DONE__', least(lo + 49999, :n)::text)
FROM generate_series(1, :n, 50000) lo \gexec

ALTER TABLE listings ENABLE TRIGGER listings_search_refresh;
ALTER TABLE listings ENABLE TRIGGER listings_learn_words;
SELECT search_words_learn_all();
ALTER TABLE listings ENABLE TRIGGER search_postings_insert;
SELECT search_postings_rebuild();
ALTER TABLE listings ENABLE TRIGGER search_lexeme_facets_insert;
SELECT search_lexeme_facets_rebuild();
ALTER TABLE listings ENABLE TRIGGER listings_queue_stats_insert;
SET maintenance_work_mem = '512MB';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM saved_indexes LOOP
    EXECUTE r.indexdef;
  END LOOP;
END $$;

-- Reviews: each bench user rated a few dozen skills.
INSERT INTO reviews (id, listing_id, user_id, tenant_id, rating, review, helpful_count, created_at)
SELECT gen_random_uuid(), l.id, u.id, u.tenant_id, 1 + floor(random() * 5), 'Works well for our ' || l.category || ' team.',
       floor(random() * 20), now() - random() * interval '365 days'
FROM users u
CROSS JOIN LATERAL (
  SELECT id, category FROM listings TABLESAMPLE SYSTEM (1)
  WHERE kind = 'skill' AND status = 'approved' LIMIT 25
) l
WHERE u.email LIKE 'bench-team-%'
ON CONFLICT DO NOTHING;

ALTER TABLE reviews ENABLE TRIGGER reviews_stats_insert;
-- The daily rollups from the rows just made (progress lines per chunk).
SELECT listing_stats_rebuild() AS listings_with_stats \gset
SELECT review_queue_rebuild() AS queue_days \gset

-- One API key per bench user for the write mix: sk-bench<user number padded>.
INSERT INTO api_keys (id, tenant_id, user_id, name, scope, prefix, key_hash)
SELECT gen_random_uuid(), u.tenant_id, u.id, 'bench', 'read_write', left(k, 11), sha256(convert_to(k, 'UTF8'))
FROM (SELECT id, tenant_id, 'sk-bench' || lpad(substring(email FROM 'bench-team-([0-9]+)@'), 32, '0') AS k
      FROM users WHERE email LIKE 'bench-team-%') u
ON CONFLICT DO NOTHING;

-- Point reads pick from these; wrk reads the same ids from a file.
DROP TABLE IF EXISTS bench_ids;
CREATE TABLE bench_ids AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM listings WHERE kind = 'skill' AND status = 'approved';
CREATE UNIQUE INDEX ON bench_ids (n);
VACUUM ANALYZE listings;
ANALYZE bench_ids;
