-- Changes to a listing that is already live wait here for an operator,
-- so what visitors, search and installs read (the listing's own columns)
-- is always content an operator approved. At most one revision per
-- listing is pending; a newer change supersedes it.
CREATE TABLE listing_revisions (
    id             uuid PRIMARY KEY,
    listing_id     uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    -- The listing's editable fields as they would go live (a Snapshot).
    fields         jsonb NOT NULL,
    -- `sha256:` + hex of the canonical JSON of `fields`: what the operator
    -- saw in the queue, which an approve may pin.
    content_hash   text NOT NULL,
    source         text NOT NULL CHECK (source IN ('edit', 'rollback')),
    -- A rollback's version, which becomes the current one on approval.
    version_name   text,
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
    reason         text CHECK (length(reason) <= 500),
    submitted_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    decided_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    decided_at     timestamptz
);
CREATE UNIQUE INDEX listing_revisions_pending_key ON listing_revisions (listing_id)
    WHERE status = 'pending';
CREATE INDEX listing_revisions_queue_idx ON listing_revisions (submitted_at, listing_id)
    WHERE status = 'pending';
CREATE INDEX listing_revisions_listing_idx ON listing_revisions (listing_id, submitted_at DESC);
