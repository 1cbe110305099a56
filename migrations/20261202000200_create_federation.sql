-- Federation (issue 18): the change feed this instance exports, the peers
-- it mirrors, and where each mirrored listing came from.

-- Peers an operator registered. `key` is what this instance presents to
-- the peer as X-Federation-Key (so it is kept as given; it is never shown
-- by any route). Mirrors are published by the peer's own local tenant.
CREATE TABLE federation_peers (
    name         text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 500),
    enabled      boolean NOT NULL DEFAULT true,
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    -- The feed position reached per kind (route kind: skills, agents, ...).
    cursors      jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Mirrored listings per kind, counted at the end of each sync.
    mirrored     jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_sync_at timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A mirrored listing names its origin; a local one has none. Deleting the
-- peer deletes its mirrors.
ALTER TABLE listings
    ADD COLUMN origin_peer      text REFERENCES federation_peers(name) ON DELETE CASCADE,
    ADD COLUMN origin_remote_id text,
    ADD COLUMN origin_url       text,
    ADD CONSTRAINT listings_origin_whole
        CHECK ((origin_peer IS NULL) = (origin_remote_id IS NULL)
               AND (origin_peer IS NULL) = (origin_url IS NULL));

-- One mirror per remote listing: two syncs racing cannot create two.
CREATE UNIQUE INDEX listings_origin_key ON listings (origin_peer, kind, origin_remote_id)
    WHERE origin_peer IS NOT NULL;

-- Names are unique per publisher among local listings; a peer's listings
-- come from many publishers there and share one local tenant here.
DROP INDEX listings_tenant_kind_name_key;
CREATE UNIQUE INDEX listings_tenant_kind_name_key ON listings (publisher_tenant_id, kind, lower(name))
    WHERE origin_peer IS NULL;

-- What the sync knows of each mirror: the hash it verified, and whether
-- the peer withdrew it (a suspension the sync made, which the peer's
-- re-export lifts; an operator's suspension here is not, and sticks).
CREATE TABLE federation_mirrors (
    listing_id         uuid PRIMARY KEY REFERENCES listings(id) ON DELETE CASCADE,
    content_hash       text NOT NULL,
    upstream_withdrawn boolean NOT NULL DEFAULT false,
    synced_at          timestamptz NOT NULL DEFAULT now()
);

-- The export feed: one row per local listing ever approved, at the
-- position of its last exported change. Positions are taken under one
-- transaction lock and held until commit, so they grow in commit order and
-- a walker past a position never misses a later commit below it.
CREATE TABLE federation_feed (
    -- No foreign key: a deleted listing stays as its tombstone.
    listing_id uuid PRIMARY KEY,
    kind       text NOT NULL,
    public_id  text NOT NULL,
    name       text NOT NULL,
    version    text,
    status     text NOT NULL CHECK (status IN ('approved', 'withdrawn')),
    position   timestamptz NOT NULL
);
CREATE INDEX federation_feed_walk_idx ON federation_feed (kind, position, listing_id);
CREATE INDEX federation_feed_position_idx ON federation_feed (position);

CREATE FUNCTION federation_feed_touch(p_id uuid, p_kind text, p_public_id text, p_name text,
                                      p_version text, p_status text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    pos timestamptz;
BEGIN
    -- Held to commit: the next exporter waits, so positions follow commits.
    PERFORM pg_advisory_xact_lock(1718, 18);
    SELECT greatest(clock_timestamp(), max(position) + interval '1 microsecond')
        INTO pos FROM federation_feed;
    INSERT INTO federation_feed (listing_id, kind, public_id, name, version, status, position)
    VALUES (p_id, p_kind, p_public_id, p_name, p_version, p_status, coalesce(pos, clock_timestamp()))
    ON CONFLICT (listing_id) DO UPDATE SET
        kind = EXCLUDED.kind, public_id = EXCLUDED.public_id, name = EXCLUDED.name,
        version = EXCLUDED.version, status = EXCLUDED.status, position = EXCLUDED.position;
END $$;

-- Only a change of what the bundle carries moves a listing in the feed:
-- counters, ratings and timestamps do not.
CREATE FUNCTION listings_federation_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.origin_peer IS NULL AND OLD.status = 'approved' THEN
            PERFORM federation_feed_touch(OLD.id, OLD.kind, coalesce(OLD.external_id, OLD.id::text),
                                          OLD.name, OLD.current_version, 'withdrawn');
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.origin_peer IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.status = 'approved' THEN
        IF TG_OP = 'UPDATE' AND OLD.status = 'approved'
           AND ROW(OLD.name, OLD.description, OLD.long_description, OLD.category, OLD.tags, OLD.price,
                   OLD.license, OLD.spec, OLD.current_version, OLD.external_id, OLD.publisher_tenant_id,
                   OLD.created_at)
               IS NOT DISTINCT FROM
               ROW(NEW.name, NEW.description, NEW.long_description, NEW.category, NEW.tags, NEW.price,
                   NEW.license, NEW.spec, NEW.current_version, NEW.external_id, NEW.publisher_tenant_id,
                   NEW.created_at) THEN
            RETURN NULL;
        END IF;
        PERFORM federation_feed_touch(NEW.id, NEW.kind, coalesce(NEW.external_id, NEW.id::text),
                                      NEW.name, NEW.current_version, 'approved');
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'approved' THEN
        PERFORM federation_feed_touch(NEW.id, NEW.kind, coalesce(NEW.external_id, NEW.id::text),
                                      NEW.name, NEW.current_version, 'withdrawn');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER listings_federation_feed
    AFTER INSERT OR UPDATE OR DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_federation_feed();

-- The bundle lists versions: a new or removed version is a change too.
CREATE FUNCTION listing_versions_federation_feed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l record;
BEGIN
    SELECT id, kind, external_id, name, current_version INTO l FROM listings
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.listing_id ELSE NEW.listing_id END
      AND status = 'approved' AND origin_peer IS NULL;
    IF FOUND THEN
        PERFORM federation_feed_touch(l.id, l.kind, coalesce(l.external_id, l.id::text),
                                      l.name, l.current_version, 'approved');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER listing_versions_federation_feed
    AFTER INSERT OR DELETE ON listing_versions
    FOR EACH ROW EXECUTE FUNCTION listing_versions_federation_feed();

-- Everything approved so far is in the feed.
INSERT INTO federation_feed (listing_id, kind, public_id, name, version, status, position)
SELECT id, kind, coalesce(external_id, id::text), name, current_version, 'approved', now()
FROM listings WHERE status = 'approved';
