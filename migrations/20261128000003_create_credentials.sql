-- API keys, OAuth clients/codes/tokens and rate-limit windows. Secrets are
-- stored only as SHA-256 hashes: they are high-entropy, so a slow hash adds
-- nothing, and lookup by hash stays an index probe.

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope        text NOT NULL CHECK (scope IN ('read', 'read_write')),
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC);

CREATE TABLE oauth_clients (
    id            uuid PRIMARY KEY,
    client_id     text NOT NULL UNIQUE,
    secret_hash   bytea NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    redirect_uris text[] NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 10),
    tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_codes (
    code_hash      bytea PRIMARY KEY,
    client_id      uuid NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri   text NOT NULL,
    scope          text NOT NULL CHECK (scope IN ('read', 'read_write')),
    code_challenge text NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);

-- One row per issued access/refresh pair. A refresh rotates: the old row is
-- marked rotated and a new row joins the same family. Presenting a rotated
-- refresh token again revokes the whole family.
CREATE TABLE oauth_tokens (
    id                 uuid PRIMARY KEY,
    family_id          uuid NOT NULL,
    client_id          uuid NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    user_id            uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope              text NOT NULL CHECK (scope IN ('read', 'read_write')),
    access_hash        bytea NOT NULL UNIQUE,
    refresh_hash       bytea UNIQUE,
    access_expires_at  timestamptz NOT NULL,
    refresh_expires_at timestamptz,
    rotated_at         timestamptz,
    revoked_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_tokens_family_idx ON oauth_tokens (family_id);

-- Fixed one-minute windows, shared by every server process.
CREATE TABLE rate_limit_windows (
    bucket       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_windows_start_idx ON rate_limit_windows (window_start);
