-- What each version changed since the one before it (the semantic-version
-- gate computes it when the version is frozen): the bump, whether the
-- schemas changed, each breaking change and the capability parts widened
-- or narrowed. Stored so history pages show it without re-diffing
-- snapshots. NULL for versions frozen before the gate.
ALTER TABLE listing_versions ADD COLUMN change_summary jsonb;
