-- What the other four kinds install into, and the string ids workflow
-- templates are addressed by.

-- Workflow templates keep their documented string ids
-- (`tmpl_email_summarizer`); other listings have none.
ALTER TABLE listings ADD COLUMN external_id text
    CHECK (external_id ~ '^[A-Za-z0-9_.-]{1,100}$');
CREATE UNIQUE INDEX listings_external_id_key ON listings (kind, external_id)
    WHERE external_id IS NOT NULL;
-- Spec fields the workflow and canvas filters compare.
CREATE INDEX listings_spec_type_idx ON listings (kind, (spec ->> 'template_type'))
    WHERE status = 'approved';

-- An agent installed from an agent template remembers where it came from.
ALTER TABLE agents
    ADD COLUMN template_id uuid REFERENCES listings(id) ON DELETE SET NULL,
    ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000);

CREATE TABLE canvases (
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canvases_tenant_idx ON canvases (tenant_id, created_at);

-- A component placed on a canvas: once per canvas.
CREATE TABLE canvas_components (
    canvas_id    uuid NOT NULL REFERENCES canvases(id) ON DELETE CASCADE,
    listing_id   uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    installed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (canvas_id, listing_id)
);

-- A domain a tenant installed from a marketplace template.
CREATE TABLE installed_domains (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    template_id uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX installed_domains_name_key ON installed_domains (tenant_id, lower(name));

-- The tenant's workspace workflows: imported from a template or a file,
-- or created from an advanced template with the user's inputs.
CREATE TABLE workflows (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    template_id uuid REFERENCES listings(id) ON DELETE SET NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    source      text NOT NULL CHECK (source IN ('template', 'file', 'advanced')),
    nodes       jsonb NOT NULL DEFAULT '[]'::jsonb,
    edges       jsonb NOT NULL DEFAULT '[]'::jsonb,
    definition  jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflows_tenant_idx ON workflows (tenant_id, created_at DESC);
