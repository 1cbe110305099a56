-- The marketplace engine: search, versions, reviews, installs and the
-- tenant resources skills install into. Everything is kind-agnostic.

-- Full-text document (weighted name > tags > description > long
-- description) and a trigram text for typo tolerance, kept by a trigger
-- because array_to_string is not immutable (no generated column).
ALTER TABLE listings
    ADD COLUMN search      tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search_text text NOT NULL DEFAULT '',
    -- Decayed install count in log space: ln(score) + t/tau. Ordering by it
    -- orders by the current decayed score without rewriting rows as time passes.
    ADD COLUMN trend_key   double precision NOT NULL DEFAULT 0,
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN current_version text;

CREATE FUNCTION listings_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search :=
        setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('english', array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
        setweight(to_tsvector('english', left(coalesce(NEW.long_description, ''), 20000)), 'D');
    NEW.search_text := lower(NEW.name || ' ' || array_to_string(NEW.tags, ' ') || ' ' ||
                             left(coalesce(NEW.description, ''), 500));
    RETURN NEW;
END $$;

CREATE TRIGGER listings_search_refresh
    BEFORE INSERT OR UPDATE OF name, tags, description, long_description ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_search_refresh();

UPDATE listings SET name = name;

CREATE INDEX listings_search_idx ON listings USING gin (search);
CREATE INDEX listings_search_trgm_idx ON listings USING gin (search_text gin_trgm_ops);
CREATE INDEX listings_tags_idx ON listings USING gin (tags);
-- Browse orders within a kind's approved listings.
CREATE INDEX listings_popular_idx ON listings (kind, installs DESC, id) WHERE status = 'approved';
CREATE INDEX listings_created_idx ON listings (kind, created_at DESC, id) WHERE status = 'approved';
CREATE INDEX listings_trend_idx ON listings (kind, trend_key DESC, id) WHERE status = 'approved';
CREATE INDEX listings_rating_idx ON listings (kind, ((rating_sum + 17.5) / (rating_count + 5)) DESC, id)
    WHERE status = 'approved';
CREATE INDEX listings_publisher_idx ON listings (publisher_tenant_id, kind, status);
CREATE INDEX listings_pending_idx ON listings (submitted_at) WHERE status = 'pending_approval';

-- Frozen snapshots of a listing's editable fields.
CREATE TABLE listing_versions (
    id           uuid PRIMARY KEY,
    listing_id   uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    version_name text NOT NULL CHECK (length(version_name) BETWEEN 1 AND 64),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    snapshot     jsonb NOT NULL,
    created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (listing_id, version_name)
);
CREATE INDEX listing_versions_listing_idx ON listing_versions (listing_id, created_at DESC);

-- One rating (with optional review) per user per listing.
CREATE TABLE reviews (
    id                 uuid PRIMARY KEY,
    listing_id         uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    user_id            uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    rating             numeric(2, 1) NOT NULL CHECK (rating >= 1 AND rating <= 5 AND rating * 2 = trunc(rating * 2)),
    review             text CHECK (length(review) <= 5000),
    helpful_count      integer NOT NULL DEFAULT 0,
    not_helpful_count  integer NOT NULL DEFAULT 0,
    author_response    text CHECK (length(author_response) <= 5000),
    author_response_at timestamptz,
    flag_count         integer NOT NULL DEFAULT 0,
    hidden             boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (listing_id, user_id)
);
CREATE INDEX reviews_listing_idx ON reviews (listing_id, created_at DESC) WHERE NOT hidden;

CREATE TABLE review_votes (
    review_id uuid NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    user_id   uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    helpful   boolean NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

CREATE TABLE review_flags (
    id         uuid PRIMARY KEY,
    review_id  uuid NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (review_id, user_id)
);

-- The install ledger: a listing counts once per tenant.
CREATE TABLE listing_installs (
    listing_id         uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    active             boolean NOT NULL DEFAULT true,
    first_installed_at timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (listing_id, tenant_id)
);
CREATE INDEX listing_installs_tenant_idx ON listing_installs (tenant_id);

-- Agents: the install target for skills.
CREATE TABLE agents (
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    maturity   text NOT NULL DEFAULT 'student'
               CHECK (maturity IN ('student', 'intern', 'supervised', 'autonomous')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_tenant_idx ON agents (tenant_id, created_at);

-- A tenant's installed copy of a marketplace skill, customisable.
CREATE TABLE installed_skills (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    listing_id       uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    agent_id         uuid REFERENCES agents(id) ON DELETE SET NULL,
    name             text NOT NULL,
    description      text NOT NULL DEFAULT '',
    config_overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
    environment_vars jsonb NOT NULL DEFAULT '{}'::jsonb,
    status           text NOT NULL DEFAULT 'installed' CHECK (status IN ('installed', 'uninstalled')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX installed_skills_once_idx ON installed_skills (tenant_id, listing_id, agent_id)
    NULLS NOT DISTINCT WHERE status = 'installed';
CREATE INDEX installed_skills_tenant_idx ON installed_skills (tenant_id, status);
