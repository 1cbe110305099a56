-- Deprecation with a replacement (issue 19): the publisher marks a listing
-- as on its way out, with a reason and optionally the listing to use
-- instead. Browse and search skip deprecated listings unless asked;
-- installs still work and warn. Deleting the replacement leaves the
-- deprecation standing without one.
ALTER TABLE listings
    ADD COLUMN deprecated_at      timestamptz,
    ADD COLUMN deprecation_reason text CHECK (length(deprecation_reason) BETWEEN 1 AND 500),
    ADD COLUMN replacement_id     uuid REFERENCES listings(id) ON DELETE SET NULL,
    ADD CONSTRAINT listings_deprecation_whole
        CHECK ((deprecated_at IS NULL) = (deprecation_reason IS NULL)
               AND (replacement_id IS NULL OR deprecated_at IS NOT NULL)),
    ADD CONSTRAINT listings_replacement_not_self CHECK (replacement_id <> id);

-- Browse totals come from listing_counts (every approved listing) minus the
-- deprecated ones, which this index finds without reading the catalog.
CREATE INDEX listings_deprecated_idx ON listings (kind, category)
    WHERE deprecated_at IS NOT NULL AND status = 'approved';
