-- Signed webhooks (issue 18): a tenant's endpoints, the outbox of events
-- written in the transaction of the change that causes them, and one
-- delivery per matching endpoint, claimed by the delivery workers of every
-- app server with FOR UPDATE SKIP LOCKED.

CREATE TABLE webhooks (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    created_by  uuid NULL REFERENCES users(id) ON DELETE SET NULL,
    url         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description text NULL CHECK (length(description) <= 500),
    events      text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 6),
    -- `whsec_` + base64 of 32 random bytes. Kept as is: every attempt signs
    -- with it, so it cannot be a one-way hash like an API key's.
    secret      text NOT NULL CHECK (secret LIKE 'whsec\_%'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant_idx ON webhooks (tenant_id, created_at, id);

-- The payload exactly as sent and signed on every attempt. No foreign key
-- to tenants: the change's transaction may lock its tenant's row FOR
-- UPDATE after writing the event (quotas do), and a key-share lock taken
-- first would turn that into a lock upgrade that can deadlock.
CREATE TABLE webhook_events (
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL,
    type       text NOT NULL CHECK (type IN (
                   'listing.submitted', 'listing.approved', 'listing.rejected',
                   'listing.suspended', 'review.created', 'install.created')),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    webhook_id       uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id         uuid NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
    -- Attempts started (a claim counts one, so a worker that dies mid-send
    -- still moves the delivery along its schedule).
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status_code integer NULL,
    last_error       text NULL,
    -- When a pending delivery is due (a claimed one: when its claim lapses);
    -- NULL once delivered or failed.
    next_attempt_at  timestamptz NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (webhook_id, event_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
