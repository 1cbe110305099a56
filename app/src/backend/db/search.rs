//! The text of a search: the words asked for, each with its one-edit
//! neighbours from the maintained word list (`search_words`,
//! `search_word_variants`), as the full-text query the GIN index answers.

use super::listings::{only_text_narrows, push_filters, Filter, COLUMNS};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use sqlx::{PgPool, Postgres, QueryBuilder};
use std::collections::HashMap;

/// Words of a query considered at all; the rest are dropped (the query is
/// already cut to 200 characters).
const MAX_WORDS: usize = 16;
/// Words of a query expanded with their typo neighbours.
const MAX_EXPANDED: usize = 8;
/// Neighbours kept per word: a word's one-edit neighbours are few in any
/// real vocabulary; this only bounds a pathological one.
const MAX_NEIGHBOURS: usize = 12;
/// The shortest word a typo is tolerated in (the platform's rule).
pub const TYPO_MIN_LETTERS: usize = 5;

/// A query ready for SQL. Both texts use `to_tsquery` syntax over words made
/// of letters and digits only, so no user text reaches the operators.
#[derive(Clone, Debug, PartialEq)]
pub struct TextQuery {
    /// What was typed (trimmed): an exact name match ranks first.
    pub raw: String,
    /// Every word, each or'ed with its neighbours: what must match.
    pub any_spelling: String,
    /// Every word as typed: matching it ranks above matching a neighbour.
    pub as_typed: String,
    /// The words, each with its neighbours: the groups `any_spelling`
    /// and's together (the maintained counts are read per spelling).
    pub groups: Vec<Vec<String>>,
    /// What the maintained counts say of the spellings' matches in the
    /// kind searched.
    pub stats: MatchStats,
}

/// The query's words: runs of letters and digits, lower-cased, first
/// occurrence kept.
pub fn words(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = w.to_lowercase();
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// A word typo tolerance applies to: five letters or more, letters only
/// (the word list holds letters-only words).
fn tolerates_typo(word: &str) -> bool {
    word.chars().count() >= TYPO_MIN_LETTERS && word.chars().all(char::is_alphabetic)
}

/// The word and each of it with one letter deleted: the keys its
/// neighbours are stored under.
pub fn variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_owned()];
    for i in 0..chars.len() {
        let v: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Optimal string alignment distance of at most one: one insertion,
/// deletion, substitution or swap of adjacent letters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let i = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

/// Builds the query: each word of five letters or more gains its one-edit
/// neighbours that some listing uses; with it, what the maintained counts
/// say of its spellings in `kind`. One round trip. `None` when the text
/// has no word.
pub async fn text_query(
    pool: &PgPool,
    kind: ListingKind,
    raw: &str,
) -> Result<Option<TextQuery>, sqlx::Error> {
    let words = words(raw);
    if words.is_empty() {
        return Ok(None);
    }
    let keys: Vec<String> = words
        .iter()
        .filter(|w| tolerates_typo(w))
        .take(MAX_EXPANDED)
        .flat_map(|w| variants(w))
        .collect();
    // (word, known, lexemes, listings, rum): every word as typed and every
    // known word sharing a typo key with one.
    let rows: Vec<(String, bool, Vec<String>, i64, bool)> =
        sqlx::query_as("SELECT * FROM search_spellings($1, $2, $3)")
            .bind(kind)
            .bind(&words)
            .bind(&keys)
            .fetch_all(pool)
            .await?;
    let mut known: Vec<String> = rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
    known.sort();
    let rum = rows.iter().any(|r| r.4);
    let spellings: HashMap<String, Spelling> = rows
        .into_iter()
        .map(|(w, _, lexemes, listings, _)| (w, Spelling { lexemes, listings }))
        .collect();
    let mut text = compose(raw, &words, &known);
    text.stats = MatchStats::of(&text.groups, &spellings, rum);
    Ok(Some(text))
}

/// The two query texts from the words and the known words near them.
pub fn compose(raw: &str, words: &[String], known: &[String]) -> TextQuery {
    let groups: Vec<Vec<String>> = words
        .iter()
        .map(|w| {
            let mut alts = vec![w.clone()];
            if tolerates_typo(w) {
                alts.extend(
                    known
                        .iter()
                        .filter(|k| *k != w && within_one_edit(w, k))
                        .take(MAX_NEIGHBOURS)
                        .cloned(),
                );
            }
            alts
        })
        .collect();
    let any = groups
        .iter()
        .map(|alts| format!("({})", alts.join(" | ")))
        .collect::<Vec<_>>()
        .join(" & ");
    TextQuery {
        raw: raw.trim().to_owned(),
        any_spelling: any,
        as_typed: words.join(" & "),
        groups,
        stats: MatchStats::default(),
    }
}

/// What the maintained lexeme counts (`search_lexeme_counts`) and the
/// indexes say about a query's matches among one kind's approved, current
/// listings (read with the query's words, a row per spelling).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatchStats {
    /// A RUM index (`listings_rum_<kind>`) covers the kind.
    pub rum: bool,
    /// At least this many match: a one-word query's most common spelling
    /// that is one lexeme (0 for several words).
    pub at_least: i64,
    /// At most this many match: over the words, the least sum of the
    /// spellings' counts (`None` when no word has a lexeme).
    pub at_most: Option<i64>,
    /// A one-word query whose every spelling is one lexeme: those of them
    /// some listing holds (the postings of each, merged, are its matches).
    pub lexemes: Option<Vec<String>>,
    /// With `lexemes`, how many distinct lexemes the query has, held or
    /// not (`ts_rank` averages over them all).
    pub query_lexemes: usize,
    /// With `lexemes`, the lexeme of the word as typed (a match holding it
    /// ranks above one holding only a neighbour).
    pub typed: Option<String>,
}

/// One spelling as the counts know it: its lexemes (none for a stop word,
/// several for a phrase) and the listings holding the first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spelling {
    pub lexemes: Vec<String>,
    pub listings: i64,
}

impl MatchStats {
    /// Some word of the query, with each of its one-edit neighbours, is in
    /// no approved, current listing of the kind.
    pub fn some_word_unknown(&self) -> bool {
        self.at_most.is_none_or(|m| m == 0)
    }

    /// The statistics of a query's groups of spellings. A spelling of
    /// several lexemes is a phrase: its matches have its first lexeme (an
    /// upper bound), not every listing with it (no lower bound).
    pub fn of(groups: &[Vec<String>], spellings: &HashMap<String, Spelling>, rum: bool) -> Self {
        let none = Spelling::default();
        let spelling = |w: &String| spellings.get(w).unwrap_or(&none);
        // Per word that has a lexeme at all: (upper, lower) bounds.
        let per: Vec<(i64, i64)> = groups
            .iter()
            .filter_map(|alts| {
                let known: Vec<&Spelling> = alts
                    .iter()
                    .map(spelling)
                    .filter(|s| !s.lexemes.is_empty())
                    .collect();
                (!known.is_empty()).then(|| {
                    let upper = known.iter().map(|s| s.listings).sum();
                    let lower = known
                        .iter()
                        .filter(|s| s.lexemes.len() == 1)
                        .map(|s| s.listings)
                        .max()
                        .unwrap_or(0);
                    (upper, lower)
                })
            })
            .collect();
        // One word whose every spelling is one lexeme: those, the typed
        // word's first.
        let single: Option<Vec<String>> = match groups {
            [alts] => alts
                .iter()
                .map(|w| match spelling(w).lexemes.as_slice() {
                    [l] => Some(l.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        let typed = single.as_ref().and_then(|l| l.first().cloned());
        let mut query_lexemes = 0;
        let lexemes = single.map(|mut l| {
            l.sort();
            l.dedup();
            query_lexemes = l.len();
            // A lexeme no listing holds has no postings to read.
            let held = |x: &String| {
                spellings
                    .values()
                    .any(|s| s.listings > 0 && s.lexemes.first() == Some(x))
            };
            l.retain(held);
            l
        });
        MatchStats {
            rum,
            at_least: match per.as_slice() {
                [(_, lower)] => *lower,
                _ => 0,
            },
            at_most: per.iter().map(|p| p.0).min(),
            lexemes,
            query_lexemes,
            typed,
        }
    }
}

/// Above this many matches (an upper bound from the counts) the ranking
/// window walks the rating index instead of the RUM index: the RUM scan
/// sorts every match (about a microsecond each), the walk reads a heap row
/// per listing in static order until the window is full (about ten
/// microseconds each, a window's worth over the matches' share of the
/// kind). Measured at 1M listings: 11,000 matches 24 ms by RUM, 92 ms by
/// the walk; 125,000 matches 524 ms by RUM, 9 ms by the walk.
pub const RUM_MAX_MATCHES: i64 = 30_000;

/// How many matches, taken in static order (Bayesian rating, then id), are
/// ranked by their text: a broad word's best-rated matches, not all of
/// them, so a query costs the same at any catalog size. Matches past the
/// window follow in static order; a listing named exactly as the query
/// is always ranked (first).
pub const RANK_WINDOW: i64 = 200;
/// Listings named exactly as the query that are ranked first, at most.
const EXACT_NAMES: i64 = 20;
/// Weights of the full-text document's parts for ranking: long
/// description (D), description (C), tags (B), name (A); defined in SQL,
/// where the postings' scores use them too.
const WEIGHTS: &str = "search_weights()";
const BAYES: &str = "((rating_sum + 17.5) / (rating_count + 5))";

/// One page by relevance. The order is a property of each row alone, so
/// pages never overlap or skip: an exact name match first; then the
/// ranking window by text (every word as typed above a neighbour's match,
/// then weighted rank: name above tags above description), ties by
/// Bayesian rating and installs; then the rest in static order.
/// The matches' prefix in static order (see [`RANK_WINDOW`]) is read
/// where [`window`] says, so no path reads every match of a broad word.
pub async fn ranked_page(
    pool: &PgPool,
    f: &Filter,
    text: &TextQuery,
    stats: &MatchStats,
) -> Result<Vec<Listing>, sqlx::Error> {
    if let (Window::Postings(lexemes), Some(typed)) = (window(f, stats), &stats.typed) {
        if postings_narrow(f) && f.offset + f.limit <= RANK_WINDOW {
            return scored_page(pool, f, text, lexemes, stats.query_lexemes, typed).await;
        }
    }
    // The prefix of matches in static order a page can reach.
    let fetch = RANK_WINDOW.max(f.offset + f.limit);
    let mut qb = QueryBuilder::<Postgres>::new("SELECT ");
    qb.push(COLUMNS);
    qb.push(", relevance FROM (SELECT l.*, m.pos, m.exact, (m.pos <= ")
        .push(RANK_WINDOW.to_string())
        .push(" OR m.exact) AS ranked, CASE WHEN m.pos <= ")
        .push(RANK_WINDOW.to_string())
        .push(" OR m.exact THEN (l.search @@ to_tsquery('english', ")
        .push_bind(text.as_typed.clone())
        .push("))::int + ts_rank(")
        .push(WEIGHTS)
        .push(", l.search, to_tsquery('english', ")
        .push_bind(text.any_spelling.clone())
        .push(")) ELSE 0 END AS relevance FROM (SELECT id, min(pos) AS pos, bool_or(exact) AS exact FROM (");
    // The static-order prefix, numbered.
    qb.push("SELECT id, row_number() OVER (ORDER BY b DESC, id) AS pos, false AS exact FROM (");
    match window(f, stats) {
        // Each spelling's postings, best-rated first, read until the window
        // is full; other filters than the text are checked per posting on
        // the listing (the postings hold only approved, current ones).
        Window::Postings(lexemes) => push_postings_window(&mut qb, f, lexemes, fetch),
        // The kind's RUM index gives the best-rated matches without a heap
        // visit per match (search_rank is the Bayesian rating as a float),
        // ties in no set order: the matches rated as the last one are
        // taken again from the rating index, by id, so the prefix is the
        // static order's exactly.
        Window::Rum(kind) => {
            qb.push("SELECT id, b FROM (WITH top AS MATERIALIZED (SELECT id, ")
                .push(BAYES)
                .push(" AS b FROM listings");
            push_filters(&mut qb, f);
            qb.push(" AND kind = '")
                .push(kind)
                .push("' ORDER BY search_rank <=| 1000::float8 LIMIT ")
                .push_bind(fetch)
                // A window that is not full holds every match: its ties
                // need no second read (which, over an unrated catalog's
                // one big tie, would walk the catalog).
                .push(") SELECT id, b FROM top WHERE b > (SELECT min(b) FROM top) OR (SELECT count(*) FROM top) < ")
                .push_bind(fetch)
                .push(" UNION ALL (SELECT id, ")
                .push(BAYES)
                .push(" FROM listings");
            // The ties of a full window: the text stays indexable, so the
            // read is bounded by the matches (at most RUM_MAX_MATCHES here),
            // never by the size of the tie.
            push_filters(&mut qb, &f.untexted());
            qb.push(" AND (SELECT count(*) FROM top) >= ")
                .push_bind(fetch)
                .push(" AND search @@ to_tsquery('english', ")
                .push_bind(text.any_spelling.clone())
                .push(") AND ")
                .push(BAYES)
                .push(" = (SELECT min(b) FROM top) ORDER BY ")
                .push(BAYES)
                .push(" DESC, id LIMIT ")
                .push_bind(fetch)
                .push(")) AS t ORDER BY b DESC, id LIMIT ")
                .push_bind(fetch);
        }
        // The first WALK_ROWS approved listings in static order, each
        // checked: enough when the matches are dense; when fewer than the
        // window match there, every match, sorted (from the GIN index, which
        // the fence leaves the planner no other way to read): bounded by
        // the matches, where an unbounded walk of words that are each
        // common but rarely together read the whole kind (5 s at 1M).
        Window::Walk => {
            qb.push("SELECT id, b FROM (WITH walk AS MATERIALIZED (SELECT id, b FROM (SELECT id, ")
                .push(BAYES)
                .push(" AS b, search FROM listings");
            push_filters(&mut qb, &f.untexted());
            qb.push(" ORDER BY ")
                .push(BAYES)
                .push(" DESC, id LIMIT ")
                .push(WALK_ROWS.to_string())
                .push(") AS t WHERE search @@ to_tsquery('english', ")
                .push_bind(text.any_spelling.clone())
                .push(") ORDER BY b DESC, id LIMIT ")
                .push_bind(fetch)
                .push(") SELECT id, b FROM walk WHERE (SELECT count(*) FROM walk) >= ")
                .push_bind(fetch)
                .push(" UNION ALL (SELECT id, b FROM (SELECT id, ")
                .push(BAYES)
                .push(" AS b FROM listings");
            push_filters(&mut qb, f);
            qb.push(" OFFSET 0) AS every WHERE (SELECT count(*) FROM walk) < ")
                .push_bind(fetch)
                .push(" ORDER BY b DESC, id LIMIT ")
                .push_bind(fetch)
                .push(")) AS walked");
        }
        Window::Plain => {
            qb.push("SELECT id, ")
                .push(BAYES)
                .push(" AS b FROM listings");
            push_filters(&mut qb, f);
            qb.push(" ORDER BY ")
                .push(BAYES)
                .push(" DESC, id LIMIT ")
                .push_bind(fetch);
        }
    }
    qb.push(") AS prefix");
    // Exact names, wherever they stand.
    qb.push(" UNION ALL SELECT id, NULL, true FROM (SELECT id FROM listings");
    push_filters(&mut qb, f);
    qb.push(" AND lower(name) = lower(")
        .push_bind(text.raw.clone())
        .push(") LIMIT ")
        .push(EXACT_NAMES.to_string())
        .push(") AS named");
    qb.push(") AS u GROUP BY id) AS m JOIN listings AS l USING (id)) AS r");
    qb.push(
        " ORDER BY exact DESC, ranked DESC, relevance DESC, \
         CASE WHEN ranked THEN ",
    )
    .push(BAYES)
    .push(" END DESC, CASE WHEN ranked THEN installs END DESC, pos ASC NULLS FIRST, id DESC LIMIT ")
    .push_bind(f.limit)
    .push(" OFFSET ")
    .push_bind(f.offset);
    qb.build_query_as().fetch_all(pool).await
}

/// A window of a one-word query's matches from its spellings' postings:
/// `SELECT id, b` (b the static rank) of the best-rated `fetch`, each
/// spelling's postings read best-rated first until that many pass; other
/// filters than the text and category are checked per posting on the
/// listing (the postings hold only approved, current ones).
fn push_postings_window(
    qb: &mut QueryBuilder<'_, Postgres>,
    f: &Filter,
    lexemes: &[String],
    fetch: i64,
) {
    qb.push("SELECT p.listing_id AS id, max(p.rank) AS b FROM unnest(")
        .push_bind(lexemes.to_vec())
        .push("::text[]) AS x(lexeme) CROSS JOIN LATERAL (SELECT s.rank, s.listing_id FROM search_postings AS s WHERE s.kind = ")
        .push_bind(f.kind)
        .push(" AND s.lexeme = x.lexeme");
    if let Some(c) = &f.category {
        qb.push(" AND s.category = ").push_bind(c.clone());
    }
    if !postings_narrow(f) {
        qb.push(" AND EXISTS (SELECT 1 FROM listings");
        push_filters(qb, &f.untexted());
        qb.push(" AND id = s.listing_id)");
    }
    qb.push(" ORDER BY s.rank DESC, s.listing_id LIMIT ")
        .push_bind(fetch)
        .push(") AS p GROUP BY p.listing_id ORDER BY b DESC, id LIMIT ")
        .push_bind(fetch);
}

/// One page by relevance of a one-word query (text and category only,
/// within the ranking window), its window ordered from index entries: a
/// match's text rank is its postings' terms summed as `ts_rank` sums them
/// (`search_rank_fold`, bit for bit), plus one if it holds the word as
/// typed; the static rank breaks ties as on the page. Only the listings at
/// or above the page's last in that order (ties kept: installs decide
/// among them) and every exact name are read from the heap and ranked from
/// their documents (`search_scored_candidates`), so the page is
/// [`ranked_page`]'s exactly, at the heap cost of the page rather than of
/// the window.
async fn scored_page(
    pool: &PgPool,
    f: &Filter,
    text: &TextQuery,
    lexemes: &[String],
    query_lexemes: usize,
    typed: &str,
) -> Result<Vec<Listing>, sqlx::Error> {
    let mut qb = QueryBuilder::<Postgres>::new("SELECT ");
    qb.push(COLUMNS)
        .push(", c.relevance FROM search_scored_candidates(")
        .push_bind(f.kind)
        .push(", ")
        .push_bind(lexemes.to_vec())
        .push(", ")
        .push_bind(query_lexemes as f32)
        .push(", ")
        .push_bind(typed.to_owned())
        .push(", ")
        .push_bind(f.category.clone())
        .push(", ")
        .push_bind(text.raw.clone())
        .push(", ")
        .push_bind(text.any_spelling.clone())
        .push(", ")
        .push_bind(text.as_typed.clone())
        .push(", ")
        .push_bind(i32::try_from(f.offset + f.limit).unwrap_or(i32::MAX))
        .push(", ")
        .push_bind(i32::try_from(RANK_WINDOW).unwrap_or(i32::MAX))
        .push(", ")
        .push_bind(i32::try_from(EXACT_NAMES).unwrap_or(i32::MAX))
        .push(") WITH ORDINALITY AS c(id, relevance, ord) JOIN listings USING (id) ORDER BY c.ord LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    qb.build_query_as().fetch_all(pool).await
}

/// The lexemes whose postings are a one-word search's matches: the
/// postings hold approved, current listings only (not a caller's own
/// drafts nor deprecated listings).
pub fn postings_lexemes<'a>(f: &Filter, stats: &'a MatchStats) -> Option<&'a [String]> {
    stats
        .lexemes
        .as_deref()
        .filter(|l| f.approved_current() && !l.is_empty())
}

/// The postings alone answer the filter: beyond the text, at most a
/// category (which they carry).
pub fn postings_narrow(f: &Filter) -> bool {
    only_text_narrows(&Filter {
        category: None,
        ..f.clone()
    })
}

/// The matches of a one-word search (and category) over approved, current
/// listings, up to the cap: its spellings' postings (index entries only),
/// a listing with two of the spellings counted once.
pub async fn postings_total(
    pool: &PgPool,
    f: &Filter,
    lexemes: &[String],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT DISTINCT listing_id FROM search_postings \
         WHERE kind = $1 AND lexeme = ANY($2) AND ($3::text IS NULL OR category = $3) LIMIT $4) AS capped",
    )
    .bind(f.kind)
    .bind(lexemes)
    .bind(f.category.as_deref())
    .bind(super::listings::COUNT_CAP)
    .fetch_one(pool)
    .await
}

/// One page of a one-word search (and category) by rating
/// ([`super::listings::order::RATING`]: Bayesian rating, then ratings, then
/// id): the postings give the best-rated `offset + limit` matches; every
/// match rated as the last of them is read too (the order's later keys
/// decide among them), so the page is the order's exactly.
pub async fn rated_page(
    pool: &PgPool,
    f: &Filter,
    lexemes: &[String],
) -> Result<Vec<Listing>, sqlx::Error> {
    let fetch = f.offset + f.limit;
    let category = f.category.as_deref();
    let mut qb = QueryBuilder::<Postgres>::new(
        "WITH cand AS MATERIALIZED (SELECT p.listing_id AS id, max(p.rank) AS rank FROM unnest(",
    );
    qb.push_bind(lexemes.to_vec())
        .push("::text[]) AS x(lexeme) CROSS JOIN LATERAL (SELECT s.rank, s.listing_id FROM search_postings AS s WHERE s.kind = ")
        .push_bind(f.kind)
        .push(" AND s.lexeme = x.lexeme AND (")
        .push_bind(category)
        .push("::text IS NULL OR s.category = ")
        .push_bind(category)
        .push(") ORDER BY s.rank DESC, s.listing_id LIMIT ")
        .push_bind(fetch)
        .push(") AS p GROUP BY p.listing_id ORDER BY rank DESC, id LIMIT ")
        .push_bind(fetch)
        .push("), edge AS (SELECT min(rank) AS rank, count(*) AS n FROM cand) SELECT ")
        .push(COLUMNS)
        .push(", ts_rank_cd(search, websearch_to_tsquery('english', ")
        .push_bind(f.query.clone())
        .push(")) AS relevance FROM listings WHERE id IN (SELECT id FROM cand, edge WHERE cand.rank > edge.rank OR edge.n < ")
        .push_bind(fetch)
        .push(" UNION SELECT s.listing_id FROM search_postings AS s, edge WHERE edge.n >= ")
        .push_bind(fetch)
        .push(" AND s.kind = ")
        .push_bind(f.kind)
        .push(" AND s.lexeme = ANY(")
        .push_bind(lexemes.to_vec())
        .push(") AND s.rank = edge.rank AND (")
        .push_bind(category)
        .push("::text IS NULL OR s.category = ")
        .push_bind(category)
        .push(")) ORDER BY ")
        .push(super::listings::order::RATING)
        .push(" LIMIT ")
        .push_bind(f.limit)
        .push(" OFFSET ")
        .push_bind(f.offset);
    qb.build_query_as().fetch_all(pool).await
}

/// Where a page's ranking window (its matches' prefix in static order)
/// is read from.
enum Window<'a> {
    /// The merged postings of a one-word query's spellings: a window's
    /// worth of index entries per spelling, whatever the word's share.
    Postings(&'a [String]),
    /// The kind's RUM index, named by the kind as an SQL literal (a
    /// [`ListingKind`] name: lowercase and `_` only, so safe to write out;
    /// its partial predicate needs the kind written out).
    Rum(&'static str),
    /// A bounded walk of the rating index, else every match sorted.
    Walk,
    /// The planner's choice (a caller's own drafts, which the rating
    /// index does not hold).
    Plain,
}

/// Listings a [`Window::Walk`] checks in static order before it sorts
/// every match instead (about 3.5 microseconds each at 1M listings).
const WALK_ROWS: i64 = 2_000;

/// A one-word query reads the postings; several words read RUM (which, too,
/// holds approved, current listings only) up to [`RUM_MAX_MATCHES`], past
/// which the walk is faster; deprecated listings included, the walk.
fn window<'a>(f: &Filter, stats: &'a MatchStats) -> Window<'a> {
    if let Some(lexemes) = postings_lexemes(f, stats) {
        return Window::Postings(lexemes);
    }
    if f.approved_current() && stats.rum && stats.at_most.is_some_and(|m| m <= RUM_MAX_MATCHES) {
        Window::Rum(f.kind.as_str())
    } else if f.own_tenant.is_none() && !f.similar {
        Window::Walk
    } else {
        Window::Plain
    }
}

/// Facet counts over at most this many matches: exact for a result set
/// this size or smaller, lower bounds (and said to be) above it.
pub const FACET_CAP: i64 = crate::model::catalog::FACET_CAP;

/// Facet counts of a result set: (facet, value, listings) with facet one of
/// `category`, `type`, `tag`, `price`, largest first; `capped` when the set
/// was larger than [`FACET_CAP`] and the counts are lower bounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultFacets {
    pub counts: Vec<(String, String, i64)>,
    pub capped: bool,
}

/// Counts the facets of what the filter matches (its cursor and paging
/// aside). Categories are counted without the filter's own category, so
/// the other categories stay reachable; every other facet over the whole
/// filter.
pub async fn result_facets(pool: &PgPool, f: &Filter) -> Result<ResultFacets, sqlx::Error> {
    if let Some(lexeme) = facets_lexeme(f) {
        return kept_facets(pool, LEXEME_FACETS, f, lexeme).await;
    }
    if let Some(category) = facets_category(f) {
        return kept_facets(pool, CATEGORY_FACETS, f, category).await;
    }
    let category = f.category.clone();
    let scope = Filter {
        category: None,
        after: None,
        ..f.clone()
    };
    let mut qb = QueryBuilder::<Postgres>::new(
        "WITH m AS MATERIALIZED (SELECT kind, tags, spec, price, category FROM listings",
    );
    push_filters(&mut qb, &scope);
    qb.push(" LIMIT ").push_bind(FACET_CAP);
    qb.push("), inside AS (SELECT * FROM m WHERE ")
        .push_bind(category.clone())
        .push("::text IS NULL OR category = ")
        .push_bind(category)
        .push(
            ") SELECT 'category' AS facet, category AS value, count(*) AS n FROM m \
             WHERE category IS NOT NULL GROUP BY 2 \
             UNION ALL SELECT f.facet, f.value, count(*) FROM inside, \
             LATERAL listing_facet_values(inside.kind, inside.tags, inside.spec, inside.price) AS f GROUP BY 1, 2 \
             UNION ALL SELECT '', '', count(*) FROM m",
        );
    let rows: Vec<(String, String, i64)> = qb.build_query_as().fetch_all(pool).await?;
    let mut out = ResultFacets::default();
    for (facet, value, n) in rows {
        if facet.is_empty() {
            out.capped = n >= FACET_CAP;
        } else {
            out.counts.push((facet, value, n));
        }
    }
    largest_first(&mut out.counts);
    Ok(out)
}

/// The category whose maintained facet counts (`listing_category_facets`)
/// are a filter's facets: a browse of approved, current listings narrowed
/// by that category alone.
fn facets_category(f: &Filter) -> Option<&str> {
    let rest = Filter {
        category: None,
        after: None,
        ..f.clone()
    };
    let alone = f.query.is_none() && f.approved_current() && only_text_narrows(&rest);
    f.category.as_deref().filter(|_| alone)
}

/// A lexeme's facets: one index range of `search_lexeme_facets`.
const LEXEME_FACETS: &str = "SELECT facet, value, listings FROM search_lexeme_facets \
     WHERE kind = $1 AND lexeme = $2 AND listings > 0";

/// A category's facets, and the category facet over every category of the
/// kind (each category's total).
const CATEGORY_FACETS: &str = "SELECT facet, value, listings FROM listing_category_facets \
     WHERE kind = $1 AND category = $2 AND facet <> 'category' AND listings > 0 \
     UNION ALL \
     SELECT facet, value, listings FROM listing_category_facets \
     WHERE kind = $1 AND facet = 'category' AND listings > 0";

/// Facets, exact, from one of the maintained facet counts (`sql` takes
/// the kind and its key).
async fn kept_facets(
    pool: &PgPool,
    sql: &'static str,
    f: &Filter,
    key: &str,
) -> Result<ResultFacets, sqlx::Error> {
    let mut counts: Vec<(String, String, i64)> = sqlx::query_as(sql)
        .bind(f.kind)
        .bind(key)
        .fetch_all(pool)
        .await?;
    largest_first(&mut counts);
    Ok(ResultFacets {
        counts,
        capped: false,
    })
}

/// Facet counts largest first, then by value.
fn largest_first(counts: &mut [(String, String, i64)]) {
    counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
}

/// The lexeme whose maintained facet counts (`search_lexeme_facets`) are a
/// filter's facets: a one-word search over approved, current listings,
/// narrowed by nothing else, whose matches are one lexeme's postings (its
/// other spellings held by no listing).
fn facets_lexeme(f: &Filter) -> Option<&str> {
    let text = f.text.as_ref().filter(|_| f.query.is_some())?;
    match postings_lexemes(f, &text.stats) {
        Some([lexeme]) if only_text_narrows(f) => Some(lexeme),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_is_insertion_deletion_substitution_or_swap() {
        assert!(within_one_edit("reconcilation", "reconciliation"));
        assert!(within_one_edit("reconciliation", "reconcilation"));
        assert!(within_one_edit("invoice", "invoize"));
        assert!(within_one_edit("invoice", "invocie"));
        assert!(within_one_edit("invoice", "invoice"));
        assert!(!within_one_edit("invoice", "invocei"));
        assert!(!within_one_edit("analisys", "analysis"));
        assert!(!within_one_edit("invoice", "invoicess"));
    }

    #[test]
    fn every_one_edit_neighbour_shares_a_variant() {
        for (typo, real) in [
            ("reconcilation", "reconciliation"),
            ("invocie", "invoice"),
            ("invoize", "invoice"),
            ("innvoice", "invoice"),
            ("nvoice", "invoice"),
        ] {
            let (a, b) = (variants(typo), variants(real));
            assert!(a.iter().any(|v| b.contains(v)), "{typo} / {real}");
        }
    }

    #[test]
    fn match_stats_bound_the_matches_and_list_the_postings_to_read() {
        let spelling = |lexemes: &[&str], listings| Spelling {
            lexemes: lexemes.iter().map(|l| l.to_string()).collect(),
            listings,
        };
        let known: HashMap<String, Spelling> = [
            ("invoise", spelling(&["invois"], 0)),
            ("invoice", spelling(&["invoic"], 11_297)),
            ("invoices", spelling(&["invoic"], 11_297)),
            ("pipeline", spelling(&["pipelin"], 40)),
            ("the", spelling(&[], 0)),
            ("e-mail", spelling(&["e-mail", "e", "mail"], 7)),
        ]
        .into_iter()
        .map(|(w, s)| (w.to_owned(), s))
        .collect();
        let groups = |g: &[&[&str]]| -> Vec<Vec<String>> {
            g.iter()
                .map(|alts| alts.iter().map(|w| w.to_string()).collect())
                .collect()
        };
        // A typo: its neighbour's postings are read, the typo's own (none)
        // not, yet ts_rank averages over both lexemes.
        let typo = MatchStats::of(&groups(&[&["invoise", "invoice"]]), &known, true);
        assert_eq!(typo.lexemes, Some(vec!["invoic".to_owned()]));
        assert_eq!(typo.query_lexemes, 2);
        assert_eq!(typo.typed.as_deref(), Some("invois"));
        assert_eq!((typo.at_least, typo.at_most), (11_297, Some(11_297)));
        assert!(typo.rum && !typo.some_word_unknown());
        // Two spellings of one lexeme: one lexeme, the count twice in the
        // upper bound.
        let same = MatchStats::of(&groups(&[&["invoices", "invoice"]]), &known, false);
        assert_eq!(same.lexemes, Some(vec!["invoic".to_owned()]));
        assert_eq!(same.query_lexemes, 1);
        assert_eq!(same.at_most, Some(22_594));
        // Two words: bounded by the rarer, no postings list, no lower bound.
        let two = MatchStats::of(&groups(&[&["invoice"], &["pipeline"]]), &known, true);
        assert_eq!(
            (two.lexemes, two.at_least, two.at_most),
            (None, 0, Some(40))
        );
        // A phrase spelling has no lower bound and no postings list; a stop
        // word alone bounds nothing; an unknown word is unknown.
        let phrase = MatchStats::of(&groups(&[&["e-mail"]]), &known, true);
        assert_eq!(
            (phrase.lexemes, phrase.at_least, phrase.at_most),
            (None, 0, Some(7))
        );
        assert_eq!(
            MatchStats::of(&groups(&[&["the"]]), &known, true).at_most,
            None
        );
        assert!(MatchStats::of(&groups(&[&["invoise"]]), &known, true).some_word_unknown());
    }

    #[test]
    fn queries_carry_only_letters_and_digits() {
        let found = words("Rec0n & ! | (x) 'quoted' -neg ü:* REC0N");
        assert_eq!(found, ["rec0n", "x", "quoted", "neg", "ü"]);
        let q = compose("raw", &found, &["quotes".into(), "quote".into()]);
        assert_eq!(q.as_typed, "rec0n & x & quoted & neg & ü");
        assert_eq!(
            q.any_spelling,
            "(rec0n) & (x) & (quoted | quotes | quote) & (neg) & (ü)"
        );
        assert!(words("  ,;  ").is_empty());
    }
}
