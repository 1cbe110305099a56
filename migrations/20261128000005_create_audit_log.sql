-- Every governance action: who, what, when, before and after.
CREATE TABLE audit_log (
    id              uuid PRIMARY KEY,
    actor_user_id   uuid REFERENCES users(id) ON DELETE SET NULL,
    actor_tenant_id uuid REFERENCES tenants(id) ON DELETE SET NULL,
    action          text NOT NULL,
    target_type     text NOT NULL,
    target_id       uuid NOT NULL,
    before          jsonb,
    after           jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);
CREATE INDEX reviews_flagged_idx ON reviews (flag_count DESC, created_at) WHERE flag_count > 0;
