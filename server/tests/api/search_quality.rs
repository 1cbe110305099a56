//! Search quality on a generated catalog: typo tolerance over every text
//! field, the ranking rules, exact totals with consistent pages past the
//! ranking window, and facets that count the current result set.

use crate::common::TestApp;
use crate::fixtures::actor;
use app::model::kind::ListingKind;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const SEARCH: &str = "/api/public/v1/marketplace/skills";

/// One approved skill written straight to the table (the triggers keep the
/// full-text document, the word list and the counts as for any write).
struct Spec<'a> {
    name: &'a str,
    description: &'a str,
    long_description: &'a str,
    tags: &'a [&'a str],
    skill_type: &'a str,
    category: &'a str,
    /// (rating_sum, rating_count, installs)
    counters: (f64, i32, i32),
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            name: "",
            description: "A plain helper",
            long_description: "",
            tags: &[],
            skill_type: "function",
            category: "productivity",
            counters: (0.0, 0, 0),
        }
    }
}

async fn insert(pool: &PgPool, tenant: Uuid, s: Spec<'_>) -> Uuid {
    let id = Uuid::now_v7();
    let tags: Vec<String> = s.tags.iter().map(|t| (*t).to_owned()).collect();
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, long_description, \
         category, tags, status, approved_at, spec, rating_sum, rating_count, installs, active_installs) \
         VALUES ($1, 'skill', $2, $3, $4, $5, $6, $7, $8, 'approved', now(), \
                 jsonb_build_object('skill_type', $9::text, 'risk_level', 'low'), $10::numeric, $11, $12, $12)",
    )
    .bind(id)
    .bind(tenant)
    .bind(s.name)
    .bind(format!("s-{}", id.simple()))
    .bind(s.description)
    .bind(s.long_description)
    .bind(s.category)
    .bind(&tags)
    .bind(s.skill_type)
    .bind(s.counters.0)
    .bind(s.counters.1)
    .bind(s.counters.2)
    .execute(pool)
    .await
    .expect("insert listing");
    id
}

/// A few hundred listings of unrelated text around the ones a test asks for.
async fn filler(pool: &PgPool, tenant: Uuid, n: i64) {
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, long_description, \
         category, tags, status, approved_at, spec, rating_sum, rating_count, installs, active_installs) \
         SELECT gen_random_uuid(), 'skill', $1, \
                (ARRAY['Quick','Bright','Steady','Calm'])[1 + g % 4] || ' ' || \
                (ARRAY['Toaster','Lantern','Compass','Anchor','Beacon'])[1 + g % 5] || ' ' || g, \
                'filler-' || g, \
                'Moves ' || (ARRAY['boxes','crates','parcels','barrels'])[1 + g % 4] || ' around quietly', \
                'Handles ' || (ARRAY['weather','traffic','harvest'])[1 + g % 3] || ' notes', \
                (ARRAY['operations','finance','sales'])[1 + g % 3], \
                ARRAY[(ARRAY['logistics','shipping','storage'])[1 + g % 3]], 'approved', now(), \
                jsonb_build_object('skill_type', (ARRAY['api','script'])[1 + g % 2], 'risk_level', 'low'), \
                (g % 50)::numeric, g % 10, g % 97, g % 97 \
         FROM generate_series(1, $2) AS g",
    )
    .bind(tenant)
    .bind(n)
    .execute(pool)
    .await
    .expect("filler");
}

async fn search(app: &TestApp, query: &str, extra: &str) -> Value {
    let uri = format!("{SEARCH}?query={}&limit=100{extra}", urlencode(query));
    let r = app.get(&uri).await;
    assert_eq!(r.status, 200, "{uri}: {}", r.text);
    r.json()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn names(v: &Value) -> Vec<String> {
    v["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_one_edit_typo_in_any_field_still_finds_the_listing(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 300).await;
    insert(
        &pool,
        t,
        Spec {
            name: "Ledger Harmonizer",
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Books Tool",
            description: "Bank statement reconciliation for small firms",
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Sheet Helper",
            long_description: "Imports every spreadsheet a team keeps, then checks totals",
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Cluster Tool",
            tags: &["kubernetes", "ops"],
            ..Spec::default()
        },
    )
    .await;

    for (query, expected) in [
        // deletion, in the description
        ("reconcilation", "Books Tool"),
        // insertion, in the long description
        ("spreadsheeet", "Sheet Helper"),
        // swap of adjacent letters, in a tag
        ("kuberentes", "Cluster Tool"),
        // substitution, in the name
        ("harmonixer", "Ledger Harmonizer"),
        // and the words as spelt
        ("reconciliation", "Books Tool"),
        ("spreadsheet", "Sheet Helper"),
        ("kubernetes", "Cluster Tool"),
        // capitals and punctuation are not part of a word
        ("Ledger-HARMONIZER!", "Ledger Harmonizer"),
    ] {
        let v = search(&app, query, "").await;
        assert_eq!(names(&v), [expected], "query {query:?}");
        assert_eq!(v["total"], 1, "query {query:?}");
    }
    // Two edits is not one (the name fallback aside, nothing matches).
    assert_eq!(search(&app, "recnocilation", "").await["total"], 0);
    // Every word must match, each with its own typo allowed.
    let v = search(&app, "bank reconcilation", "").await;
    assert_eq!(names(&v), ["Books Tool"]);
    assert_eq!(
        search(&app, "reconcilation kubernetes", "").await["total"],
        0
    );
    // Operators and quotes are words' edges, never query syntax (no 500).
    for junk in ["a & | !", "'\"():*", "x:*A & !!", "(((", "ü ö"] {
        let r = app
            .get(&format!("{SEARCH}?query={}", urlencode(junk)))
            .await;
        assert_eq!(r.status, 200, "{junk:?}: {}", r.text);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn ranking_puts_exact_names_then_names_then_descriptions_and_breaks_ties_by_rating(
    pool: PgPool,
) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 200).await;
    // The description-only match is the best rated and most installed: text
    // still wins.
    insert(
        &pool,
        t,
        Spec {
            name: "Paper Mover",
            description: "Sends every invoice to accounting",
            counters: (490.0, 100, 9000),
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Invoice Parser Pro",
            counters: (30.0, 10, 10),
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Invoice",
            counters: (2.0, 2, 1),
            ..Spec::default()
        },
    )
    .await;
    insert(
        &pool,
        t,
        Spec {
            name: "Billing Kit",
            tags: &["invoice"],
            ..Spec::default()
        },
    )
    .await;
    let v = search(&app, "invoice", "").await;
    assert_eq!(
        names(&v),
        [
            "Invoice",
            "Invoice Parser Pro",
            "Billing Kit",
            "Paper Mover"
        ]
    );

    // Equal text matches: Bayesian rating first (forty 4.8s beat one 5.0),
    // then installs.
    for (name, counters) in [
        ("Gadget One", (5.0, 1, 500)),
        ("Gadget Two", (192.0, 40, 5)),
        ("Gadget Three", (0.0, 0, 50)),
        ("Gadget Four", (0.0, 0, 70)),
    ] {
        insert(
            &pool,
            t,
            Spec {
                name,
                description: "Tunes the telemetry pipeline",
                counters,
                ..Spec::default()
            },
        )
        .await;
    }
    let v = search(&app, "telemetry", "").await;
    assert_eq!(
        names(&v),
        ["Gadget Two", "Gadget One", "Gadget Four", "Gadget Three"]
    );
    // A typo finds the same listings; the word as typed outranks a
    // neighbour's match.
    let v = search(&app, "telemtry", "").await;
    assert_eq!(names(&v).len(), 4);
    insert(
        &pool,
        t,
        Spec {
            name: "Typo Keeper",
            description: "Notes on telemtry (sic)",
            ..Spec::default()
        },
    )
    .await;
    let v = search(&app, "telemtry", "").await;
    assert_eq!(names(&v)[0], "Typo Keeper");
    assert_eq!(v["total"], 5);
}

#[sqlx::test(migrations = "../migrations")]
async fn totals_are_exact_and_pages_never_overlap_past_the_ranking_window(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    // More matches than the ranking window (500), so pages past it follow
    // the static order; the exact name must still come first.
    filler(&pool, t, 2400).await;
    insert(
        &pool,
        t,
        Spec {
            name: "Parcels",
            description: "Moves parcels",
            ..Spec::default()
        },
    )
    .await;
    let expected: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listings WHERE description ILIKE '%parcels%'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert!(expected > 550, "{expected}");
    let mut seen = std::collections::HashSet::new();
    let mut first = None;
    for offset in (0..expected + 100).step_by(100) {
        let v = search(&app, "parcels", &format!("&offset={offset}")).await;
        assert_eq!(v["total"], expected, "offset {offset}");
        for s in v["skills"].as_array().expect("skills") {
            let id = s["id"].as_str().expect("id").to_owned();
            assert!(seen.insert(id), "offset {offset}: a listing shown twice");
        }
        first.get_or_insert_with(|| names(&v)[0].clone());
    }
    assert_eq!(seen.len() as i64, expected, "every match shown once");
    assert_eq!(first.as_deref(), Some("Parcels"));
    // The same for a typo of it.
    let v = search(&app, "parcells", "").await;
    assert_eq!(v["total"], expected);
}

#[sqlx::test(migrations = "../migrations")]
async fn facets_count_the_current_result_set(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 100).await;
    for (name, skill_type, category, tags) in [
        (
            "Rocket Alpha",
            "api",
            "engineering",
            &["space", "launch"][..],
        ),
        ("Rocket Beta", "api", "engineering", &["space"][..]),
        ("Rocket Gamma", "docker", "science", &["space"][..]),
    ] {
        insert(
            &pool,
            t,
            Spec {
                name,
                skill_type,
                category,
                tags,
                ..Spec::default()
            },
        )
        .await;
    }
    let page = app.get("/skills?q=rocket").await;
    assert_eq!(page.status, 200);
    let facets = section(&page.text, "data-testid=\"facets\"");
    // Three results: api 2, docker 1, tags space 3, launch 1, all free;
    // nothing of the hundred fillers' types or tags.
    for (label, n) in [
        ("api", 2),
        ("docker", 1),
        ("space", 3),
        ("launch", 1),
        ("Free", 3),
    ] {
        assert!(
            chip_count(facets, label) == Some(n),
            "{label} should count {n}: {facets}"
        );
    }
    for absent in ["script", "logistics", "shipping"] {
        assert!(chip_count(facets, absent).is_none(), "{absent}: {facets}");
    }
    assert_eq!(chip_count(facets, "engineering"), Some(2), "{facets}");
    assert_eq!(chip_count(facets, "science"), Some(1), "{facets}");
    assert!(chip_count(facets, "operations").is_none(), "{facets}");
    // A filter narrows the counts too; the category list keeps the other
    // categories reachable.
    let page = app.get("/skills?q=rocket&category=engineering").await;
    let facets = section(&page.text, "data-testid=\"facets\"");
    assert_eq!(chip_count(facets, "api"), Some(2), "{facets}");
    assert!(chip_count(facets, "docker").is_none(), "{facets}");
    assert_eq!(chip_count(facets, "science"), Some(1), "{facets}");
    // Without a query or filter: the whole kind, from the maintained counts.
    let page = app.get("/skills").await;
    let facets = section(&page.text, "data-testid=\"facets\"");
    assert_eq!(chip_count(facets, "space"), Some(3), "{facets}");
    assert_eq!(chip_count(facets, "api"), Some(52), "{facets}");
    assert!(!page.text.contains("facets-capped"));
    // A category page: its facets inside the category, the category facet
    // over the kind, exact.
    let page = app.get("/skills?category=engineering").await;
    let facets = section(&page.text, "data-testid=\"facets\"");
    assert_eq!(chip_count(facets, "api"), Some(2), "{facets}");
    assert_eq!(chip_count(facets, "launch"), Some(1), "{facets}");
    assert!(chip_count(facets, "docker").is_none(), "{facets}");
    assert_eq!(chip_count(facets, "science"), Some(1), "{facets}");
    assert_eq!(chip_count(facets, "operations"), Some(33), "{facets}");
    // A one-word search's facets are its lexeme's maintained counts (read,
    // not recounted); a second word, or a filter, counts its matches.
    sqlx::query(
        "UPDATE search_lexeme_facets SET listings = 99 \
         WHERE kind = 'skill' AND lexeme = 'rocket' AND facet = 'type' AND value = 'api'",
    )
    .execute(&pool)
    .await
    .expect("miscount");
    let facets_of = |uri: &'static str| {
        let app = &app;
        async move {
            let page = app.get(uri).await;
            assert_eq!(page.status, 200);
            section(&page.text, "data-testid=\"facets\"").to_owned()
        }
    };
    assert_eq!(
        chip_count(&facets_of("/skills?q=rocket").await, "api"),
        Some(99)
    );
    assert_eq!(
        chip_count(&facets_of("/skills?q=rokcet").await, "api"),
        Some(99)
    );
    assert_eq!(
        chip_count(&facets_of("/skills?q=rocket%20alpha").await, "api"),
        Some(1)
    );
    assert_eq!(
        chip_count(
            &facets_of("/skills?q=rocket&category=engineering").await,
            "api"
        ),
        Some(2)
    );
    // A category page's are the category's maintained counts; another
    // filter beside it counts.
    sqlx::query(
        "UPDATE listing_category_facets SET listings = 77 \
         WHERE kind = 'skill' AND category = 'engineering' AND facet = 'type' AND value = 'api'",
    )
    .execute(&pool)
    .await
    .expect("miscount category");
    assert_eq!(
        chip_count(&facets_of("/skills?category=engineering").await, "api"),
        Some(77)
    );
    assert_eq!(
        chip_count(
            &facets_of("/skills?category=engineering&tag=space").await,
            "api"
        ),
        Some(2)
    );
}

/// The facet bar: from its marker to the result count after it.
fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} missing"));
    let rest = &html[start..];
    let end = rest
        .find("data-testid=\"result-count\"")
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The count shown on the facet chip labelled `label`, if there is one.
fn chip_count(html: &str, label: &str) -> Option<i64> {
    let strip = |s: &str| {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push('|');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    let text = strip(html);
    let parts: Vec<&str> = text
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts
        .windows(2)
        .find(|w| w[0] == label)
        .and_then(|w| w[1].parse().ok())
}

#[sqlx::test(migrations = "../migrations")]
async fn the_home_page_shows_listings_per_kind_and_bounded_categories(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    let categories = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    ];
    for (i, category) in categories.iter().enumerate() {
        let name = format!("Shelf Skill {i}");
        insert(
            &pool,
            t,
            Spec {
                name: &name,
                category,
                counters: (0.0, 0, 100 * (i as i32 + 1)),
                ..Spec::default()
            },
        )
        .await;
    }
    // A skill's pending and draft siblings never show.
    sqlx::query("UPDATE listings SET status = 'draft' WHERE name = 'Shelf Skill 9'")
        .execute(&pool)
        .await
        .expect("draft");
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status, approved_at, category, installs) \
         VALUES ($1, 'agent_template', $2, 'Shelf Agent', 'shelf-agent', 'approved', now(), 'alpha', 7)",
    )
    .bind(Uuid::now_v7())
    .bind(t)
    .execute(&pool)
    .await
    .expect("agent template");

    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    let html = &page.text;
    // Server-rendered cards, readable without JavaScript: every kind's most
    // installed, best first.
    let popular = html.find(">Popular skills<").expect("popular skills shelf");
    let rest = &html[popular..];
    let top = rest
        .find(">Shelf Skill 8<")
        .expect("most installed approved skill");
    let next = rest.find(">Shelf Skill 7<").expect("second");
    assert!(top < next);
    assert!(
        !html.contains(">Shelf Skill 9<"),
        "a draft is not on the home page"
    );
    assert!(html.contains(">Popular agent templates<"));
    assert!(html.contains(">Shelf Agent<"));
    // Categories: at most eight chips, each naming its kind (two "alpha"s
    // of different kinds are told apart).
    let chips =
        html.matches("/skills?category=").count() + html.matches("/agents?category=").count();
    assert!(chips <= 8, "{chips} category chips");
    assert!(html.contains("· Agent templates"));
    // The tabs' data: the kind's own top categories with the rest behind a link.
    assert!(
        html.contains("more_categories&quot;:true"),
        "skills have more than eight categories"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn tags_come_from_the_maintained_counts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 30).await;
    let count_of = |v: Value, tag: &str| -> Option<i64> {
        v["tags"].as_array()?.iter().find_map(|e| {
            let o = e.as_object()?;
            o.values()
                .any(|x| x == tag)
                .then(|| o.values().find_map(Value::as_i64))
                .flatten()
        })
    };
    let counted = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM listings WHERE kind = 'skill' AND status = 'approved' \
             AND 'logistics' = ANY(tags)",
        )
        .fetch_one(&pool)
        .await
        .expect("count")
    };
    let before = counted(pool.clone()).await;
    assert_eq!(before, 10);
    let v = app.get("/api/public/v1/marketplace/tags").await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(count_of(v.json(), "logistics"), Some(before), "{}", v.text);
    // Suspending one moves its count with it.
    sqlx::query(
        "UPDATE listings SET status = 'suspended' \
         WHERE id = (SELECT id FROM listings WHERE 'logistics' = ANY(tags) LIMIT 1)",
    )
    .execute(&pool)
    .await
    .expect("suspend");
    let v = app.get("/api/public/v1/marketplace/tags").await;
    assert_eq!(
        count_of(v.json(), "logistics"),
        Some(before - 1),
        "{}",
        v.text
    );
}

/// search_lexeme_counts against a recount of the listings it describes.
async fn lexeme_counts_drift(pool: &PgPool) -> Vec<(String, String, i64, i64)> {
    sqlx::query_as(
        "WITH truth AS (SELECT l.kind, x.lexeme, count(*) AS n \
                        FROM listings AS l, LATERAL unnest(l.search) AS x \
                        WHERE l.status = 'approved' AND l.deprecated_at IS NULL GROUP BY 1, 2), \
              kept AS (SELECT kind, lexeme, listings FROM search_lexeme_counts WHERE listings <> 0) \
         SELECT coalesce(t.kind, k.kind), coalesce(t.lexeme, k.lexeme), \
                coalesce(t.n, 0), coalesce(k.listings, 0) \
         FROM truth AS t FULL JOIN kept AS k ON (t.kind, t.lexeme) = (k.kind, k.lexeme) \
         WHERE t.n IS DISTINCT FROM k.listings ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .expect("recount")
}

/// A kept facet-count table against a recount: the (kind, key, facet,
/// value) whose count differs, `key` the table's second key column, read
/// as `expr` from the listings (and what `from` adds to them).
async fn facet_counts_drift(
    pool: &PgPool,
    table: &str,
    key: &str,
    expr: &str,
    from: &str,
) -> Vec<(String, String, String, String)> {
    sqlx::query_as(&format!(
        "WITH truth AS (SELECT l.kind, {expr} AS {key}, f.facet, f.value, count(*) AS n \
                        FROM listings AS l{from}, \
                             LATERAL search_facet_values(l.kind, l.tags, l.spec, l.price, l.category) AS f \
                        WHERE l.status = 'approved' AND l.deprecated_at IS NULL AND {expr} IS NOT NULL \
                        GROUP BY 1, 2, 3, 4), \
              kept AS (SELECT * FROM {table} WHERE listings <> 0) \
         SELECT coalesce(t.kind, k.kind), coalesce(t.{key}, k.{key}), coalesce(t.facet, k.facet), \
                coalesce(t.value, k.value) \
         FROM truth AS t FULL JOIN kept AS k USING (kind, {key}, facet, value) \
         WHERE t.n IS DISTINCT FROM k.listings ORDER BY 1, 2, 3, 4"
    ))
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("recount {table}: {e}"))
}

async fn lexeme_facets_drift(pool: &PgPool) -> Vec<(String, String, String, String)> {
    let unnest = ", LATERAL unnest(l.search) AS x";
    facet_counts_drift(pool, "search_lexeme_facets", "lexeme", "x.lexeme", unnest).await
}

async fn category_facets_drift(pool: &PgPool) -> Vec<(String, String, String, String)> {
    facet_counts_drift(
        pool,
        "listing_category_facets",
        "category",
        "l.category",
        "",
    )
    .await
}

/// A posting: kind, lexeme, rank, listing, score.
type Posting = (String, String, f64, Uuid, f64);

/// search_postings against the postings the listings make now (their
/// scores too): what is missing from the table, then what is there and
/// should not be.
async fn postings_drift(pool: &PgPool) -> (Vec<Posting>, Vec<Posting>) {
    let truth =
        "SELECT l.kind, x.lexeme, l.search_rank, l.id, search_lexeme_term(x.positions, x.weights) \
                 FROM listings AS l, LATERAL unnest(l.search) AS x \
                 WHERE l.status = 'approved' AND l.deprecated_at IS NULL";
    let kept = "SELECT kind, lexeme, rank, listing_id, score FROM search_postings";
    let diff = |a: &str, b: &str| format!("{a} EXCEPT ALL {b} ORDER BY 1, 2, 4");
    let missing = sqlx::query_as(&diff(truth, kept))
        .fetch_all(pool)
        .await
        .expect("missing postings");
    let extra = sqlx::query_as(&diff(kept, truth))
        .fetch_all(pool)
        .await
        .expect("extra postings");
    (missing, extra)
}

#[sqlx::test(migrations = "../migrations")]
async fn lexeme_counts_and_postings_stay_exact_through_every_kind_of_write(pool: PgPool) {
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 40).await;
    let a = insert(
        &pool,
        t,
        Spec {
            name: "Harbour Pilot",
            description: "Guides ships into the harbour",
            tags: &["harbour", "ships"],
            ..Spec::default()
        },
    )
    .await;
    let b = insert(
        &pool,
        t,
        Spec {
            name: "Harbour Clerk",
            description: "Files harbour paperwork",
            ..Spec::default()
        },
    )
    .await;
    assert_eq!(lexeme_counts_drift(&pool).await, vec![]);
    assert_eq!(postings_drift(&pool).await, (vec![], vec![]));
    assert_eq!(lexeme_facets_drift(&pool).await, vec![]);
    assert_eq!(category_facets_drift(&pool).await, vec![]);
    let harbour = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT listings FROM search_lexeme_counts WHERE kind = 'skill' AND lexeme = 'harbour'",
        )
        .fetch_one(&pool)
        .await
        .expect("harbour count")
    };
    assert_eq!(harbour().await, 2);
    // Each write that moves a listing in or out of the counted set, or
    // changes its words, in one statement or several rows at once.
    let steps = [
        "UPDATE listings SET description = 'Guides boats in' WHERE id = $1",
        // Facet values alone: a tag, the type, the price.
        "UPDATE listings SET tags = tags || ARRAY['cranes'], price = 5, \
         spec = jsonb_set(spec, '{skill_type}', '\"docker\"') WHERE id = $1",
        // The same words, one more often: only that word's score moves.
        "UPDATE listings SET long_description = 'ships ships' WHERE id = $1",
        "UPDATE listings SET status = 'suspended' WHERE id = $2",
        "UPDATE listings SET status = 'approved' WHERE id = $2",
        "UPDATE listings SET deprecated_at = now(), deprecation_reason = 'old' WHERE id = $2",
        "UPDATE listings SET installs = installs + 1, rating_sum = rating_sum + 5, rating_count = rating_count + 1",
        "UPDATE listings SET installs = installs + 1 WHERE id = $1",
        "UPDATE listings SET rating_sum = rating_sum + 1, rating_count = rating_count + 1 WHERE id IN ($1, $2)",
        "UPDATE listings SET category = 'finance' WHERE id = $1",
        "UPDATE listings SET deprecated_at = NULL, deprecation_reason = NULL WHERE id = $2",
        "UPDATE listings SET tags = ARRAY['harbour', 'cranes'], name = name || ' Two' WHERE id IN ($1, $2)",
        "UPDATE listings SET kind = 'agent_template' WHERE id = $1",
        "DELETE FROM listings WHERE id = $2",
        "UPDATE listings SET status = 'pending_approval' WHERE description LIKE 'Moves boxes%'",
    ];
    for step in steps {
        sqlx::query(step)
            .bind(a)
            .bind(b)
            .execute(&pool)
            .await
            .expect(step);
        assert_eq!(lexeme_counts_drift(&pool).await, vec![], "after {step}");
        assert_eq!(
            lexeme_facets_drift(&pool).await,
            vec![],
            "lexeme facets after {step}"
        );
        assert_eq!(
            category_facets_drift(&pool).await,
            vec![],
            "category facets after {step}"
        );
        assert_eq!(
            postings_drift(&pool).await,
            (vec![], vec![]),
            "postings after {step}"
        );
    }
    // The listing moved to agent templates counts there, not as a skill.
    assert_eq!(harbour().await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn totals_reach_the_cap_from_the_counts_and_stay_exact_below_it(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    let cap = app::backend::db::listings::COUNT_CAP;
    // cap + 5 skills that all say "walrus" (half of them in finance).
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, category, tags, \
         status, approved_at, spec, rating_sum, rating_count) \
         SELECT gen_random_uuid(), 'skill', $1, 'Walrus Helper ' || g, 'walrus-' || g, 'Counts walrus herds', \
                CASE WHEN g % 2 = 0 THEN 'finance' ELSE 'sales' END, ARRAY['arctic'], 'approved', now(), \
                jsonb_build_object('skill_type', 'api', 'risk_level', 'low'), (g % 5)::numeric, g % 3 \
         FROM generate_series(1, $2) AS g",
    )
    .bind(t)
    .bind(cap + 5)
    .execute(&pool)
    .await
    .expect("walruses");
    let v = search(&app, "walrus", "").await;
    assert_eq!(v["total"], cap);
    assert_eq!(v["has_more"], true);
    // The body keeps the reference's keys; the header says "at least".
    let lower_bound = |query: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("{SEARCH}?query={query}")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let mut keys: Vec<String> = r
                .json()
                .as_object()
                .expect("page")
                .keys()
                .cloned()
                .collect();
            keys.sort();
            assert_eq!(keys, ["has_more", "limit", "offset", "skills", "total"]);
            r.header("x-total-lower-bound").map(str::to_owned)
        }
    };
    assert_eq!(lower_bound("walrus").await.as_deref(), Some("true"));
    assert_eq!(
        lower_bound("arctic%20walrus").await.as_deref(),
        Some("true")
    );
    // Without a query the total above the cap is exact, and not called a
    // lower bound.
    let all = app.get(SEARCH).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json()["total"], cap + 5);
    assert_eq!(all.header("x-total-lower-bound"), None);
    // A typo of it: the neighbour's count alone reaches the cap.
    assert_eq!(search(&app, "walrsu", "").await["total"], cap);
    // Deprecating ten takes the word below the cap: the total is counted
    // again, exactly (deprecated listings are not in the counts).
    sqlx::query(
        "UPDATE listings SET deprecated_at = now(), deprecation_reason = 'old' \
         WHERE id IN (SELECT id FROM listings WHERE name LIKE 'Walrus Helper %' ORDER BY id LIMIT 10)",
    )
    .execute(&pool)
    .await
    .expect("deprecate");
    assert_eq!(search(&app, "walrus", "").await["total"], cap - 5);
    assert_eq!(lower_bound("walrus").await, None);
    assert_eq!(
        search(&app, "walrus", "&include_deprecated=true").await["total"],
        cap
    );
    // A filter narrows what the word's count says: counted, not capped.
    let finance: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM listings WHERE name LIKE 'Walrus Helper %' AND category = 'finance' \
         AND deprecated_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .expect("finance");
    assert_eq!(
        search(&app, "walrus", "&category=finance").await["total"],
        finance
    );
    // Two words: the first's count says nothing about both.
    let v = search(&app, "walrus herds", "").await;
    assert_eq!(v["total"], cap - 5);
    let v = search(&app, "walrus kubernetes", "").await;
    assert_eq!(v["total"], 0);
}

/// The total, then the ids of a search's pages, 100 at a time.
async fn search_ids(app: &TestApp, query: &str, extra: &str, pages: i64) -> Vec<String> {
    let mut out = Vec::new();
    for p in 0..pages {
        let v = search(app, query, &format!("{extra}&offset={}", p * 100)).await;
        if p == 0 {
            out.push(format!("total {}", v["total"]));
        }
        for s in v["skills"].as_array().expect("skills") {
            out.push(s["id"].as_str().expect("id").to_owned());
        }
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn the_postings_the_rum_and_the_plain_window_give_the_same_pages(pool: PgPool) {
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    // Many equal ratings (ties broken by id) and more matches than the
    // ranking window, so pages past it follow the static order.
    filler(&pool, t, 1200).await;
    let named = insert(
        &pool,
        t,
        Spec {
            name: "Crates",
            description: "Moves crates",
            ..Spec::default()
        },
    )
    .await;
    let rum_here: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'rum')")
            .fetch_one(&pool)
            .await
            .expect("extensions");
    let indexed: bool = sqlx::query_scalar("SELECT to_regclass('listings_rum_skill') IS NOT NULL")
        .fetch_one(&pool)
        .await
        .expect("index");
    // Where the migration could create RUM it made the index too.
    assert_eq!(indexed, rum_here);
    if !indexed {
        eprintln!("RUM is not installed here: several words are read by the plain window only");
    }
    // One word (a typo of it too) reads the postings, filtered or not;
    // several words the RUM index where there is one.
    let queries = [
        ("crates", ""),
        ("crate", ""),
        ("cratse", ""),
        ("crates", "&category=finance"),
        ("cratse", "&category=sales&skill_type=api"),
        // By rating: many equal ratings, told apart by their count and id.
        ("crates", "&sort_by=rating"),
        ("cratse", "&category=finance&sort_by=rating"),
        ("moves crates", ""),
        ("quietly crates", ""),
    ];
    let app = TestApp::new(pool.clone()).await;
    let pages = |q: &'static str, extra: String| {
        let app = &app;
        async move { search_ids(app, q, &extra, 4).await }
    };
    let mut windowed = Vec::new();
    for (q, extra) in queries {
        windowed.push(pages(q, extra.to_owned()).await);
    }
    assert!(windowed[0].len() > 250, "{}", windowed[0].len());
    assert!(windowed[3].len() > 50, "{}", windowed[3].len());
    assert!(windowed[5].len() > 250, "{}", windowed[5].len());
    // Nothing is deprecated, so include_deprecated=true asks the same: it
    // walks the rating index (neither postings nor RUM hold deprecated
    // listings), and without the RUM indexes every query does.
    for ((q, extra), expected) in queries.iter().zip(&windowed) {
        let walked = pages(q, format!("{extra}&include_deprecated=true")).await;
        assert_eq!(&walked, expected, "query {q:?}{extra}");
    }
    sqlx::query(
        "DO $$ DECLARE r record; BEGIN \
           FOR r IN SELECT indexname FROM pg_indexes WHERE indexname LIKE 'listings_rum_%' LOOP \
             EXECUTE format('DROP INDEX %I', r.indexname); \
           END LOOP; END $$",
    )
    .execute(&pool)
    .await
    .expect("drop rum indexes");
    for ((q, extra), expected) in queries.iter().zip(&windowed) {
        assert_eq!(
            &pages(q, extra.to_string()).await,
            expected,
            "query {q:?}{extra}"
        );
    }
    // The one-word pages come from the postings: a listing whose postings
    // are gone is not found by its word (its exact name still would be),
    // yet the walk still finds it.
    sqlx::query("DELETE FROM search_postings WHERE listing_id = $1")
        .bind(named)
        .execute(&pool)
        .await
        .expect("drop postings");
    let named = named.to_string();
    assert!(windowed[1].contains(&named));
    assert!(!pages("crate", String::new()).await.contains(&named));
    assert!(pages("crate", "&include_deprecated=true".into())
        .await
        .contains(&named));
    // The first pages are ordered by the postings' scores: a listing whose
    // scores say it ranks below the whole window is not drawn onto the
    // first page, though by its document it heads it.
    // (The first is the exact name, drawn whatever its scores.)
    assert_eq!(windowed[0][1], named);
    let top = windowed[0][2].clone();
    sqlx::query("UPDATE search_postings SET score = -10 WHERE listing_id = $1::uuid")
        .bind(&top)
        .execute(&pool)
        .await
        .expect("misscore");
    let first = search_ids(&app, "crates", "", 1).await;
    assert_eq!(first.len(), 101);
    assert!(!first.contains(&top));
    assert_eq!(first[1], named);
    assert_eq!(first[2..], windowed[0][3..102]);
}

/// Every window is ordered by postings' terms summed as `ts_rank` would
/// sum them: for each posting alone, and for queries of several lexemes
/// over every listing holding one, the sum equals `ts_rank` over the
/// document bit for bit (a rounding apart would reorder near-ties).
#[sqlx::test(migrations = "../migrations")]
async fn postings_terms_sum_to_ts_rank_bit_for_bit(pool: PgPool) {
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 300).await;
    for (name, description, long) in [
        (
            "Crates Crates",
            "Moves crates and crates of crates",
            "crate crates",
        ),
        (
            "Odd's Tool",
            "It's o'neil's back\\slash tool, crates",
            "crate e-mail foo.com",
        ),
    ] {
        sqlx::query(
            "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, long_description, \
             tags, status, approved_at, spec) VALUES (gen_random_uuid(), 'skill', $1, $2, md5($2), $3, $4, \
             ARRAY['crates', 'boxes'], 'approved', now(), '{\"skill_type\": \"api\", \"risk_level\": \"low\"}')",
        )
        .bind(t)
        .bind(name)
        .bind(description)
        .bind(long)
        .execute(&pool)
        .await
        .expect("odd listing");
    }
    // A lexeme as a query of itself, whatever its characters.
    let quoted = |col: &str| {
        format!("('''' || replace(replace({col}, '\\', '\\\\'), '''', '''''') || '''')::tsquery")
    };
    let (postings, differ): (i64, i64) = sqlx::query_as(&format!(
        "SELECT count(*), count(*) FILTER (WHERE (0::float8 + p.score)::float4 \
                <> ts_rank(search_weights(), l.search, {})) \
         FROM search_postings AS p JOIN listings AS l ON l.id = p.listing_id",
        quoted("p.lexeme")
    ))
    .fetch_one(&pool)
    .await
    .expect("single terms");
    assert!(postings > 1000, "{postings}");
    assert_eq!(differ, 0);
    for lexemes in [
        vec!["crate", "box"],
        vec!["move", "crate", "box", "e-mail", "o'neil"],
        vec!["slash", "back", "crate", "tool", "foo.com"],
    ] {
        let (listings, differ): (i64, i64) = sqlx::query_as(&format!(
            "WITH q AS (SELECT $1::text[] AS lx, \
                               (SELECT string_agg({}::text, ' | ') FROM unnest($1::text[]) AS x(lexeme))::tsquery AS tq), \
                  m AS (SELECT l.search, q.tq, cardinality(q.lx)::float4 AS k, \
                               (SELECT search_rank_fold(array_agg(p.score ORDER BY p.lexeme COLLATE \"C\")) \
                                FROM search_postings AS p \
                                WHERE p.listing_id = l.id AND p.lexeme = ANY(q.lx)) AS s \
                        FROM listings AS l, q \
                        WHERE l.search @@ q.tq AND l.status = 'approved' AND l.deprecated_at IS NULL) \
             SELECT count(*), count(*) FILTER (WHERE s / k <> ts_rank(search_weights(), search, tq)) FROM m",
            quoted("x.lexeme")
        ))
        .bind(&lexemes)
        .fetch_one(&pool)
        .await
        .expect("summed terms");
        assert!(listings > 50, "{lexemes:?}: {listings}");
        assert_eq!(differ, 0, "{lexemes:?}");
    }
}

/// listing_rollups against a recount of the listings it describes.
async fn rollups_drift(pool: &PgPool) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "WITH truth AS (SELECT l.kind, k.dim, k.key, count(*)::int8 AS n, sum(l.installs)::int8 AS i, \
                               count(*) FILTER (WHERE l.rating_count > 0)::int8 AS r, \
                               coalesce(sum(l.rating_sum / l.rating_count) FILTER (WHERE l.rating_count > 0), 0) AS m \
                        FROM listings AS l, LATERAL listing_rollup_keys(l.status, l.category, l.spec) AS k \
                        GROUP BY 1, 2, 3), \
              kept AS (SELECT kind, dim, key, sum(listings)::int8 AS n, sum(installs)::int8 AS i, \
                              sum(rated)::int8 AS r, sum(mean_sum) AS m \
                       FROM listing_rollups GROUP BY 1, 2, 3 \
                       HAVING sum(listings) <> 0 OR sum(installs) <> 0 OR sum(rated) <> 0) \
         SELECT kind, dim, key FROM truth AS t FULL JOIN kept AS k USING (kind, dim, key) \
         WHERE (t.n, t.i, t.r, t.m) IS DISTINCT FROM (k.n, k.i, k.r, k.m) ORDER BY 1, 2, 3",
    )
    .fetch_all(pool)
    .await
    .expect("recount")
}

#[sqlx::test(migrations = "../migrations")]
async fn statistics_rollups_stay_exact_and_home_counts_skip_deprecated(pool: PgPool) {
    use app::backend::db::{catalog, listings};
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 60).await;
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, description, category, status, spec, \
         rating_sum, rating_count, installs) \
         SELECT gen_random_uuid(), 'workflow_template', $1, 'Flow ' || g, 'flow-' || g, 'A flow', \
                CASE WHEN g % 3 = 0 THEN NULL ELSE 'ops' || g % 2 END, \
                (ARRAY['approved', 'pending_approval', 'draft'])[1 + g % 3], \
                jsonb_build_object('template_type', CASE WHEN g % 4 = 0 THEN NULL ELSE 'tt' || g % 2 END, \
                                   'complexity', 'simple'), (g % 7)::numeric, g % 3, g \
         FROM generate_series(1, 30) AS g",
    )
    .bind(t)
    .execute(&pool)
    .await
    .expect("flows");
    assert_eq!(
        rollups_drift(&pool).await,
        Vec::<(String, String, String)>::new()
    );
    for step in [
        "UPDATE listings SET installs = installs + 1 WHERE name LIKE 'Flow 1%'",
        "UPDATE listings SET rating_sum = rating_sum + 4, rating_count = rating_count + 1 WHERE name LIKE 'Flow 2%'",
        "UPDATE listings SET status = 'approved' WHERE name = 'Flow 2'",
        "UPDATE listings SET category = 'moved', spec = spec || '{\"complexity\": \"hard\"}' WHERE name = 'Flow 3'",
        "UPDATE listings SET kind = 'skill' WHERE name = 'Flow 6'",
        "DELETE FROM listings WHERE name = 'Flow 9'",
    ] {
        sqlx::query(step).execute(&pool).await.expect(step);
        assert_eq!(
            rollups_drift(&pool).await,
            Vec::<(String, String, String)>::new(),
            "after {step}"
        );
    }
    // The statistics read the rollups: the same as counting the listings.
    let (counts, installs) = listings::status_counts(&pool, ListingKind::WorkflowTemplate)
        .await
        .expect("status counts");
    let truth: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM listings WHERE kind = 'workflow_template' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("truth");
    assert_eq!(counts, truth);
    let approved_installs: i64 = sqlx::query_scalar(
        "SELECT sum(installs)::int8 FROM listings WHERE kind = 'workflow_template' AND status = 'approved'",
    )
    .fetch_one(&pool)
    .await
    .expect("installs");
    assert_eq!(installs, approved_installs);
    let by_type = listings::grouped_counts(
        &pool,
        ListingKind::WorkflowTemplate,
        "spec ->> 'template_type'",
    )
    .await
    .expect("types");
    let truth: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT coalesce(spec ->> 'template_type', 'Uncategorized'), count(*), sum(installs)::int8 \
         FROM listings WHERE kind = 'workflow_template' AND status = 'approved' GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    .fetch_all(&pool)
    .await
    .expect("truth");
    assert_eq!(by_type, truth);
    let mean = listings::average_rating(&pool, ListingKind::WorkflowTemplate)
        .await
        .expect("mean");
    let truth: f64 = sqlx::query_scalar(
        "SELECT avg(rating_sum / rating_count)::float8 FROM listings \
         WHERE kind = 'workflow_template' AND status = 'approved' AND rating_count > 0",
    )
    .fetch_one(&pool)
    .await
    .expect("truth");
    assert!((mean - truth).abs() < 1e-9, "{mean} vs {truth}");
    // Home counts and category lists leave deprecated listings out, as
    // browse does.
    let skills = |v: Vec<(String, i64)>| v.into_iter().find(|(k, _)| k == "skill").map(|(_, n)| n);
    let before = skills(
        catalog::approved_counts_by_kind(&pool)
            .await
            .expect("counts"),
    );
    let finance_before = listings::categories(&pool, ListingKind::Skill)
        .await
        .expect("categories");
    sqlx::query(
        "UPDATE listings SET deprecated_at = now(), deprecation_reason = 'old' \
         WHERE id = (SELECT id FROM listings WHERE kind = 'skill' AND status = 'approved' \
                     AND category = 'finance' LIMIT 1)",
    )
    .execute(&pool)
    .await
    .expect("deprecate");
    let after = skills(
        catalog::approved_counts_by_kind(&pool)
            .await
            .expect("counts"),
    );
    assert_eq!(after, before.map(|n| n - 1));
    let n_of = |v: &[(String, i64)]| v.iter().find(|(c, _)| c == "finance").map(|(_, n)| *n);
    let finance_after = listings::categories(&pool, ListingKind::Skill)
        .await
        .expect("categories");
    assert_eq!(n_of(&finance_after), n_of(&finance_before).map(|n| n - 1));
    let top = catalog::top_categories(&pool, ListingKind::Skill, 10)
        .await
        .expect("top");
    assert_eq!(n_of(&top), n_of(&finance_after));
}

#[sqlx::test(migrations = "../migrations")]
async fn known_words_never_together_find_nothing_and_only_an_unknown_word_falls_back_to_names(
    pool: PgPool,
) {
    let t = actor(&pool, "Acme", "member").await.tenant_id;
    filler(&pool, t, 40).await;
    for (name, description) in [
        ("Harbour Pilot", "Guides ships in"),
        ("Crane Operator", "Lifts containers"),
    ] {
        insert(
            &pool,
            t,
            Spec {
                name,
                description,
                ..Spec::default()
            },
        )
        .await;
    }
    let app = TestApp::new(pool.clone()).await;
    // Both words are known, never in one listing: nothing matches, and the
    // names' trigram similarity (which "Harbour Pilot" would pass) is not
    // asked, so two common words cannot make it compare every name.
    let v = search(&app, "harbour containers", "").await;
    assert_eq!((v["total"].clone(), names(&v)), (0.into(), vec![]));
    // A word no listing has (two edits from "harbour") still finds the
    // name by similarity.
    assert_eq!(names(&search(&app, "harbr", "").await), ["Harbour Pilot"]);
}
