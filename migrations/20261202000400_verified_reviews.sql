-- Verified, per-version reviews (issue 19): whether the rater's tenant had
-- installed the listing when rating, and the listing's version name then.
-- Set by the rating use case from the install ledger; a replacing PUT
-- re-evaluates both. Existing ratings stay unverified: nothing recorded
-- whether their tenant had installed the listing at the time.
ALTER TABLE reviews
    ADD COLUMN verified_install boolean NOT NULL DEFAULT false,
    ADD COLUMN version          text NULL CHECK (length(version) BETWEEN 1 AND 64);
