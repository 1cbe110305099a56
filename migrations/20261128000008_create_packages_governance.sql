-- Package governance: the operators' whitelist with allowed version
-- ranges, known vulnerabilities by affected range, tenants' requests for
-- new packages, and each tenant's installed package inventory.
CREATE TABLE packages (
    -- A stable id for the audit log.
    id               uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    package_type     text NOT NULL CHECK (package_type IN ('python', 'npm')),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 214),
    whitelisted      boolean NOT NULL DEFAULT false,
    allowed_versions text CHECK (length(allowed_versions) <= 200),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (package_type, name)
);

CREATE TABLE package_vulnerabilities (
    id                uuid PRIMARY KEY,
    package_type      text NOT NULL,
    name              text NOT NULL,
    cve               text NOT NULL CHECK (length(cve) BETWEEN 1 AND 64),
    severity          text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    description       text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    affected_versions text NOT NULL CHECK (length(affected_versions) <= 200),
    safe_version      text CHECK (length(safe_version) <= 64),
    FOREIGN KEY (package_type, name) REFERENCES packages (package_type, name) ON DELETE CASCADE
);
CREATE INDEX package_vulnerabilities_package_idx ON package_vulnerabilities (package_type, name);

CREATE TABLE package_requests (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users(id) ON DELETE SET NULL,
    package_type text NOT NULL CHECK (package_type IN ('python', 'npm')),
    package_name text NOT NULL CHECK (length(package_name) BETWEEN 1 AND 214),
    version      text NOT NULL CHECK (length(version) <= 64),
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX package_requests_pending_idx ON package_requests (package_type, package_name) WHERE status = 'pending';

CREATE TABLE tenant_packages (
    tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    package_type text NOT NULL CHECK (package_type IN ('python', 'npm')),
    name         text NOT NULL,
    version      text NOT NULL DEFAULT '',
    installed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, package_type, name)
);

-- A high-risk listing also needs an operator's explicit approval of the
-- risk before any tenant may install it.
ALTER TABLE listings
    ADD COLUMN risk_approved_at timestamptz,
    ADD COLUMN risk_approved_by uuid REFERENCES users(id) ON DELETE SET NULL;
