-- GET /api/public/v1/marketplace/skills?query=:raw&category=:c&sort_by=rating:
-- a fixed order, so no ranking: the rating index or the GIN bitmap.
SELECT DISTINCT word FROM search_word_variants WHERE variant = ANY(string_to_array(:variants, ',')) ORDER BY word;
SELECT id, name, rating_sum, rating_count, installs FROM listings WHERE kind = 'skill' AND status = 'approved' AND search @@ to_tsquery('english', :any) AND category = :c AND deprecated_at IS NULL ORDER BY ((rating_sum + 17.5) / (rating_count + 5)) DESC, rating_count DESC, id DESC LIMIT 50;
SELECT count(*) FROM (SELECT 1 FROM listings WHERE kind = 'skill' AND status = 'approved' AND search @@ to_tsquery('english', :any) AND category = :c AND deprecated_at IS NULL LIMIT 10100) AS capped;
