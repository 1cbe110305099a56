-- The workspace list shows each workflow's node count: stored beside the
-- graph, so listing workflows reads neither the graphs nor their TOAST.
ALTER TABLE workflows ADD COLUMN node_count integer NOT NULL
    GENERATED ALWAYS AS (
        CASE jsonb_typeof(nodes) WHEN 'array' THEN jsonb_array_length(nodes) ELSE 0 END
    ) STORED;

-- The API key quota counts a tenant's live keys; keys were indexed by user
-- only.
CREATE INDEX api_keys_tenant_live_idx ON api_keys (tenant_id) WHERE revoked_at IS NULL;
