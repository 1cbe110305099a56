-- A refresh family ends a fixed time after its first grant, however often
-- it rotates: each row carries the family's start, copied on rotation.
ALTER TABLE oauth_tokens ADD COLUMN family_started_at timestamptz;
UPDATE oauth_tokens t SET family_started_at = f.started
FROM (SELECT family_id, min(created_at) AS started FROM oauth_tokens GROUP BY family_id) f
WHERE f.family_id = t.family_id;
ALTER TABLE oauth_tokens
    ALTER COLUMN family_started_at SET DEFAULT now(),
    ALTER COLUMN family_started_at SET NOT NULL;

-- Deleting a client removes its tokens and codes (ON DELETE CASCADE):
-- without these the cascade scans both tables.
CREATE INDEX oauth_tokens_client_idx ON oauth_tokens (client_id);
CREATE INDEX oauth_codes_client_idx ON oauth_codes (client_id);
-- The owner's client list.
CREATE INDEX oauth_clients_owner_idx ON oauth_clients (tenant_id, user_id, created_at);
