-- Search indexes that also narrow by kind for approved listings (what every
-- public search asks for), so a rare word is one index scan instead of a
-- bitmap AND with the 600,000 rows of its kind.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX listings_approved_search_idx ON listings USING gin (kind, search)
    WHERE status = 'approved';
-- Typo tolerance matches a misspelt word against names by trigram word
-- similarity (search_text, with descriptions and tags, made every recheck
-- long).
CREATE INDEX listings_approved_name_trgm_idx ON listings USING gin (kind, lower(name) gin_trgm_ops)
    WHERE status = 'approved';
CREATE INDEX listings_name_trgm_idx ON listings USING gin (lower(name) gin_trgm_ops);
