-- Typo tolerance over every text field, at index-lookup cost.
--
-- search_words holds each alphabetic word (4 to 40 letters) that any
-- listing's name, tags, description or long description has used;
-- search_word_variants maps each such word, and each word of five or more
-- letters with one letter deleted, to that word (the symmetric-delete
-- scheme). A query word of five or more letters finds its one-edit
-- neighbours (insertion, deletion, substitution, adjacent transposition)
-- with one B-tree probe per deletion of it: the candidates sharing a
-- variant, which the server then checks for an edit distance of one.
-- The neighbours join the word as alternatives in the full-text query, so
-- the GIN index over all text answers a misspelt word like a correct one.
--
-- Words are only added (a word a listing no longer uses costs a row and
-- can only widen a typo's alternatives to a word nothing matches): no
-- counter rows, so concurrent writes of listings never queue on them.
CREATE TABLE search_words (
    word text PRIMARY KEY
);

CREATE TABLE search_word_variants (
    variant text NOT NULL,
    word    text NOT NULL,
    PRIMARY KEY (variant, word)
);

-- The words of a text that typo tolerance knows: what the full-text parser
-- splits out ('simple': lower-cased, unstemmed), letters only.
CREATE FUNCTION search_words_of(doc text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT lexeme FROM unnest(to_tsvector('simple', doc))
    WHERE length(lexeme) BETWEEN 4 AND 40 AND lexeme ~ '^[[:alpha:]]+$'
$$;

-- Adds the words of `doc` not known yet, and their variants. Inserts go in
-- sorted order, so two writers learning the same words wait on each other
-- instead of deadlocking.
CREATE FUNCTION search_words_learn(doc text) RETURNS void LANGUAGE sql AS $$
    WITH fresh AS (
        INSERT INTO search_words (word)
        SELECT w FROM search_words_of(doc) AS w ORDER BY w
        ON CONFLICT DO NOTHING
        RETURNING word
    )
    INSERT INTO search_word_variants (variant, word)
    SELECT DISTINCT v, word FROM (
        SELECT word AS v, word FROM fresh
        UNION ALL
        SELECT left(word, i - 1) || substr(word, i + 1), word
        FROM fresh, generate_series(1, length(word)) AS i
        WHERE length(word) >= 5
    ) AS x
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING
$$;

-- The text typo tolerance reads: the same fields (and the same 20,000
-- characters of long description) as the full-text document.
CREATE FUNCTION listing_search_doc(name text, tags text[], description text, long_description text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(name, '') || ' ' || array_to_string(tags, ' ') || ' ' ||
           coalesce(description, '') || ' ' || left(coalesce(long_description, ''), 20000)
$$;

CREATE FUNCTION listings_learn_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_words_learn(listing_search_doc(NEW.name, NEW.tags, NEW.description, NEW.long_description));
    RETURN NULL;
END $$;

CREATE TRIGGER listings_learn_words
    AFTER INSERT OR UPDATE OF name, tags, description, long_description ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_learn_words();

-- Every listing's words at once (this migration, and the bench's bulk load
-- with the trigger disabled).
CREATE FUNCTION search_words_learn_all() RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM listings,
         LATERAL search_words_of(listing_search_doc(name, tags, description, long_description)) AS w
    ON CONFLICT DO NOTHING;
    INSERT INTO search_word_variants (variant, word)
    SELECT DISTINCT v, word FROM (
        SELECT word AS v, word FROM search_words
        UNION ALL
        SELECT left(word, i - 1) || substr(word, i + 1), word
        FROM search_words, generate_series(1, length(word)) AS i
        WHERE length(word) >= 5
    ) AS x
    ON CONFLICT DO NOTHING;
$$;

SELECT search_words_learn_all();

-- Exact name matches rank first: found by one probe, whatever else matches.
CREATE INDEX listings_approved_lower_name_idx ON listings (kind, lower(name)) WHERE status = 'approved';
