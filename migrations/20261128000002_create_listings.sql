-- One table for every asset kind: the shared lifecycle, counters and
-- search fields are columns; what differs per kind lives in `spec`.
CREATE TABLE listings (
    id                  uuid PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN
                        ('skill', 'agent_template', 'domain', 'canvas_component', 'workflow_template')),
    publisher_tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    publisher_user_id   uuid REFERENCES users(id) ON DELETE SET NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug                text NOT NULL,
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    long_description    text NOT NULL DEFAULT '' CHECK (length(long_description) <= 100000),
    category            text CHECK (length(category) <= 100),
    tags                text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 32),
    price               numeric(12, 2) NOT NULL DEFAULT 0 CHECK (price >= 0),
    license             text,
    is_featured         boolean NOT NULL DEFAULT false,
    status              text NOT NULL DEFAULT 'draft' CHECK (status IN
                        ('draft', 'pending_approval', 'approved', 'rejected', 'suspended')),
    rejection_reason    text,
    submitted_at        timestamptz,
    reviewed_at         timestamptz,
    reviewed_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    rating_sum          numeric(14, 1) NOT NULL DEFAULT 0,
    rating_count        integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    installs            integer NOT NULL DEFAULT 0 CHECK (installs >= 0),
    active_installs     integer NOT NULL DEFAULT 0 CHECK (active_installs >= 0),
    spec                jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX listings_tenant_kind_name_key ON listings (publisher_tenant_id, kind, lower(name));
CREATE INDEX listings_kind_status_category_idx ON listings (kind, status, category);
