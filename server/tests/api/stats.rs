//! Analytics: the daily rollups stay equal to a count over the raw rows
//! under concurrency and across UTC days, the backfill migration rebuilds
//! them from rows written before it, and only a listing's publisher and
//! operators read its series.

use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, approved_skill, private_skill, skill_body, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::borrow::Cow;

/// What the rollups must equal, counted from the raw rows for each day of
/// the last 30 (UTC): installs by first install, uninstalls by the day the
/// row went inactive, active at the end of the day, visible ratings by
/// the day they were made and their running sum.
#[derive(Debug, PartialEq, sqlx::FromRow)]
struct RawDay {
    day: chrono::NaiveDate,
    installs: i64,
    uninstalls: i64,
    active: i64,
    ratings: i64,
    ratings_to_date: i64,
    sum_to_date: f64,
}

async fn raw_days(pool: &PgPool, listing: &str) -> Vec<RawDay> {
    sqlx::query_as(
        "SELECT d::date AS day,
           (SELECT count(*) FROM listing_installs WHERE listing_id = $1::uuid
              AND (first_installed_at AT TIME ZONE 'UTC')::date = d::date) AS installs,
           (SELECT count(*) FROM listing_installs WHERE listing_id = $1::uuid AND NOT active
              AND (updated_at AT TIME ZONE 'UTC')::date = d::date) AS uninstalls,
           (SELECT count(*) FROM listing_installs WHERE listing_id = $1::uuid
              AND (first_installed_at AT TIME ZONE 'UTC')::date <= d::date)
           - (SELECT count(*) FROM listing_installs WHERE listing_id = $1::uuid AND NOT active
              AND (updated_at AT TIME ZONE 'UTC')::date <= d::date) AS active,
           (SELECT count(*) FROM reviews WHERE listing_id = $1::uuid AND NOT hidden
              AND (created_at AT TIME ZONE 'UTC')::date = d::date) AS ratings,
           (SELECT count(*) FROM reviews WHERE listing_id = $1::uuid AND NOT hidden
              AND (created_at AT TIME ZONE 'UTC')::date <= d::date) AS ratings_to_date,
           (SELECT coalesce(sum(rating), 0)::float8 FROM reviews WHERE listing_id = $1::uuid AND NOT hidden
              AND (created_at AT TIME ZONE 'UTC')::date <= d::date) AS sum_to_date
         FROM generate_series((now() AT TIME ZONE 'UTC')::date - 29,
                              (now() AT TIME ZONE 'UTC')::date, interval '1 day') d
         ORDER BY 1",
    )
    .bind(listing)
    .fetch_all(pool)
    .await
    .expect("raw days")
}

fn average(sum: f64, count: i64) -> Value {
    if count == 0 {
        Value::Null
    } else {
        json!((sum / count as f64 * 100.0).round() / 100.0)
    }
}

/// The API's series equals the raw count, day by day.
async fn assert_series_matches_raw(app: &TestApp, who: &Cred, listing: &str) -> Value {
    let stats = app
        .expect(
            "GET",
            &format!("/api/listings/{listing}/stats?days=30"),
            who,
            None,
            200,
        )
        .await;
    assert_eq!(stats["access"], "full");
    let series = stats["series"].as_array().expect("series");
    let raw = raw_days(&app.pool, listing).await;
    assert_eq!(series.len(), 30);
    assert_eq!(raw.len(), 30);
    for (point, raw) in series.iter().zip(&raw) {
        let expected = json!({
            "date": raw.day.to_string(),
            "installs": raw.installs,
            "uninstalls": raw.uninstalls,
            "active_installs": raw.active,
            "ratings": raw.ratings,
            "average_rating": average(raw.sum_to_date, raw.ratings_to_date),
        });
        assert_eq!(point, &expected, "day {}", raw.day);
    }
    stats
}

/// The rollups' sums over all days are the listing's own counters.
async fn assert_rollups_match_counters(pool: &PgPool, listing: &str) {
    let (installs, active, count, sum, r_installs, r_active, r_count, r_sum): (
        i64,
        i64,
        i64,
        f64,
        i64,
        i64,
        i64,
        f64,
    ) = sqlx::query_as(
        "SELECT l.installs::int8, l.active_installs::int8, l.rating_count::int8, l.rating_sum::float8,
                coalesce(sum(s.installs), 0)::int8, coalesce(sum(s.installs + s.reinstalls - s.uninstalls), 0)::int8,
                coalesce(sum(s.ratings), 0)::int8, coalesce(sum(s.rating_sum), 0)::float8
         FROM listings l LEFT JOIN listing_daily_stats s ON s.listing_id = l.id
         WHERE l.id = $1::uuid GROUP BY l.id",
    )
    .bind(listing)
    .fetch_one(pool)
    .await
    .expect("counters");
    assert_eq!(
        (r_installs, r_active, r_count, r_sum),
        (installs, active, count, sum),
        "rollups against the listing's counters"
    );
}

async fn buyers(pool: &PgPool, n: usize) -> Vec<Actor> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(actor(pool, &format!("Buyer {i}"), "member").await);
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn rollups_stay_exact_under_concurrency_across_two_days(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Counted")).await;
    let buyers = buyers(&pool, 100).await;
    let app = std::sync::Arc::new(app);

    // 100 tenants install and rate at once, through the real routes.
    let mut tasks = Vec::new();
    for (i, b) in buyers.iter().enumerate() {
        let (app, cred, id) = (app.clone(), b.cred.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let r = app
                .call(
                    "POST",
                    "/api/skills/install",
                    &cred,
                    Some(json!({"skill_id": id})),
                )
                .await;
            assert_eq!(r.status, 200, "install: {}", r.text);
            let copy = r.json()["skill_id"].as_str().expect("copy").to_owned();
            let r = app
                .call(
                    "POST",
                    &format!("/api/skills/rate/{id}"),
                    &cred,
                    Some(json!({"rating": i % 5 + 1, "review": format!("Review {i}")})),
                )
                .await;
            assert_eq!(r.status, 200, "rate: {}", r.text);
            copy
        }));
    }
    let mut copies = Vec::new();
    for t in tasks {
        copies.push(t.await.expect("task"));
    }

    // Then, all at once again: half of the tenants' events move to
    // yesterday (the event time written explicitly: the two UTC days of
    // the test), ten others uninstall, ten re-rate, five reviews are hidden.
    let reviews: Vec<(uuid::Uuid, uuid::Uuid)> =
        sqlx::query_as("SELECT tenant_id, id FROM reviews WHERE listing_id = $1::uuid")
            .bind(&id)
            .fetch_all(&pool)
            .await
            .expect("reviews");
    let review_of = |tenant: uuid::Uuid| {
        reviews
            .iter()
            .find(|(t, _)| *t == tenant)
            .map(|(_, r)| r.to_string())
            .expect("review of tenant")
    };
    let mut tasks = Vec::new();
    for (i, b) in buyers.iter().enumerate() {
        let (app, cred, id, tenant) = (app.clone(), b.cred.clone(), id.clone(), b.tenant_id);
        let copy = copies[i].clone();
        let review = review_of(tenant);
        let operator = operator.cred.clone();
        tasks.push(tokio::spawn(async move {
            match i {
                0..50 => {
                    let mut tx = app.pool.begin().await.expect("tx");
                    sqlx::query(
                        "UPDATE listing_installs SET first_installed_at = first_installed_at - interval '1 day', \
                           updated_at = updated_at - interval '1 day' WHERE listing_id = $1::uuid AND tenant_id = $2",
                    )
                    .bind(&id)
                    .bind(tenant)
                    .execute(&mut *tx)
                    .await
                    .expect("move install");
                    sqlx::query(
                        "UPDATE reviews SET created_at = created_at - interval '1 day' \
                         WHERE listing_id = $1::uuid AND tenant_id = $2",
                    )
                    .bind(&id)
                    .bind(tenant)
                    .execute(&mut *tx)
                    .await
                    .expect("move review");
                    tx.commit().await.expect("commit");
                }
                50..60 => {
                    let r = app
                        .call("DELETE", &format!("/api/v1/skills/private/{copy}"), &cred, None)
                        .await;
                    assert_eq!(r.status, 200, "uninstall: {}", r.text);
                }
                60..70 => {
                    let r = app
                        .call("PUT", &format!("/api/skills/rate/{id}"), &cred, Some(json!({"rating": 1})))
                        .await;
                    assert_eq!(r.status, 200, "re-rate: {}", r.text);
                }
                70..75 => {
                    let r = app
                        .call("POST", &format!("/api/admin/reviews/{review}/hide"), &operator, None)
                        .await;
                    assert_eq!(r.status, 200, "hide: {}", r.text);
                }
                _ => {}
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }

    let stats = assert_series_matches_raw(&app, &publisher.cred, &id).await;
    let series = stats["series"].as_array().expect("series");
    let (yesterday, today) = (&series[28], &series[29]);
    assert_eq!(yesterday["installs"], 50);
    assert_eq!(today["installs"], 50);
    assert_eq!(today["uninstalls"], 10);
    assert_eq!(today["active_installs"], 90);
    assert_eq!(yesterday["ratings"], 50);
    assert_eq!(today["ratings"], 45);
    assert_eq!(stats["totals"]["installs"], 100);
    assert_eq!(stats["totals"]["active_installs"], 90);
    assert_eq!(stats["totals"]["ratings"], 95);
    assert_eq!(
        stats["totals"]["average_rating"], today["average_rating"],
        "the trend ends at the listing's average"
    );
    let by_version: i64 = stats["by_version"]
        .as_array()
        .expect("by_version")
        .iter()
        .map(|v| v["installs"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(by_version, 100);
    assert_rollups_match_counters(&pool, &id).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn reinstalls_and_versions_are_counted_where_they_happen(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Versioned")).await;
    sqlx::query("UPDATE listings SET current_version = 'v2.0.0' WHERE id = $1::uuid")
        .bind(&id)
        .execute(&pool)
        .await
        .expect("version");
    let install = || async {
        app.expect(
            "POST",
            "/api/skills/install",
            &buyer.cred,
            Some(json!({"skill_id": id})),
            200,
        )
        .await["skill_id"]
            .as_str()
            .expect("copy")
            .to_owned()
    };
    let mut copy = install().await;
    for _ in 0..3 {
        app.expect(
            "DELETE",
            &format!("/api/v1/skills/private/{copy}"),
            &buyer.cred,
            None,
            200,
        )
        .await;
        copy = install().await;
    }
    let stats = app
        .expect(
            "GET",
            &format!("/api/listings/{id}/stats"),
            &publisher.cred,
            None,
            200,
        )
        .await;
    let today = &stats["series"][29];
    // One tenant: one install, three uninstalls, three returns, active.
    assert_eq!(today["installs"], 1);
    assert_eq!(today["uninstalls"], 3);
    assert_eq!(today["active_installs"], 1);
    assert_eq!(
        stats["by_version"],
        json!([{"version": "v2.0.0", "installs": 1}])
    );
    assert_rollups_match_counters(&pool, &id).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_publisher_and_operators_read_a_listings_series(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let other = actor(&pool, "Globex", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let draft = private_skill(&app, &publisher, skill_body("Unreleased")).await;
    let live = approved_skill(&app, &publisher, &operator, skill_body("Released")).await;
    let path = |id: &str| format!("/api/listings/{id}/stats?days=90");

    // Another tenant and anonymous callers: an unapproved listing is the
    // same 404 as an id that does not exist.
    let unknown = app
        .call(
            "GET",
            &path(&uuid::Uuid::now_v7().to_string()),
            &other.cred,
            None,
        )
        .await
        .assert_envelope(404, "NOT_FOUND");
    for cred in [&other.cred, &Cred::Anon] {
        let v = app
            .call("GET", &path(&draft), cred, None)
            .await
            .assert_envelope(404, "NOT_FOUND");
        assert_eq!(v, unknown);
    }
    app.call("GET", &path("not-an-id"), &other.cred, None)
        .await
        .assert_envelope(404, "NOT_FOUND");

    // The publisher and an operator read the series of the draft.
    for cred in [&publisher.cred, &operator.cred] {
        let v = app.expect("GET", &path(&draft), cred, None, 200).await;
        assert_eq!(v["access"], "full");
        assert_eq!(v["days"], 90);
        assert_eq!(v["series"].as_array().map(Vec::len), Some(90));
    }

    // An approved listing: others get the public totals only.
    app.expect(
        "POST",
        "/api/skills/install",
        &other.cred,
        Some(json!({"skill_id": live})),
        200,
    )
    .await;
    for cred in [&other.cred, &Cred::Anon] {
        let v = app.expect("GET", &path(&live), cred, None, 200).await;
        assert_eq!(
            v,
            json!({
                "listing_id": live, "days": 90, "access": "public",
                "totals": {"installs": 1, "active_installs": 1, "ratings": 0, "average_rating": null},
                "series": [], "by_version": []
            })
        );
    }
    let v = app
        .expect("GET", &path(&live), &publisher.cred, None, 200)
        .await;
    assert_eq!(v["series"][89]["installs"], 1);

    // Only the allowed windows.
    for bad in ["0", "31", "366", "-30", "x"] {
        app.call(
            "GET",
            &format!("/api/listings/{live}/stats?days={bad}"),
            &publisher.cred,
            None,
        )
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    }

    // The queue's numbers are for operators.
    app.call("GET", "/api/admin/stats", &other.cred, None)
        .await
        .assert_envelope(403, "FORBIDDEN");
    app.call("GET", "/api/admin/stats", &Cred::Anon, None)
        .await
        .assert_envelope(401, "AUTH_REQUIRED");
    let q = app
        .expect("GET", "/api/admin/stats?days=30", &operator.cred, None, 200)
        .await;
    let today = &q["series"][29];
    assert_eq!(today["submissions"], 1, "{q}");
    assert_eq!(today["approvals"], 1);
    assert_eq!(today["queue_size"], 0);
    assert_eq!(today["oldest_age_seconds"], Value::Null);
    assert_eq!(q["decisions"], 1);
}

/// Rows written before the analytics migration: the migration's backfill
/// rebuilds the rollups from them.
#[sqlx::test(migrations = false)]
async fn the_backfill_migration_rebuilds_rollups_from_existing_rows(pool: PgPool) {
    const ANALYTICS: i64 = 20261202000500;
    let all = sqlx::migrate!("../migrations");
    let mut before = sqlx::migrate!("../migrations");
    before.migrations = Cow::Owned(
        all.migrations
            .iter()
            .filter(|m| m.version < ANALYTICS)
            .cloned()
            .collect(),
    );
    before
        .run(&pool)
        .await
        .expect("migrations before analytics");

    // Three tenants, a skill with two versions (v1 ten days ago, v2 three
    // days ago), installs and ratings spread over the last week, and a
    // review queue with history.
    // Times are a minute past today's midnight (UTC, the rollups' day), so
    // "an hour later" never crosses into the next day whatever the clock.
    let base = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 1, 0)
        .map(|t| t.and_utc())
        .expect("a minute past midnight");
    let days_ago = move |d: i64| base - chrono::Duration::days(d);
    let tenants: Vec<uuid::Uuid> = (0..4).map(|_| uuid::Uuid::now_v7()).collect();
    let users: Vec<uuid::Uuid> = (0..4).map(|_| uuid::Uuid::now_v7()).collect();
    for (i, (t, u)) in tenants.iter().zip(&users).enumerate() {
        sqlx::query("INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $2)")
            .bind(t)
            .bind(format!("tenant-{i}"))
            .execute(&pool)
            .await
            .expect("tenant");
        sqlx::query("INSERT INTO users (id, tenant_id, email, password_hash, role) VALUES ($1, $2, $3, 'x', 'member')")
            .bind(u)
            .bind(t)
            .bind(format!("u{i}@backfill.test"))
            .execute(&pool)
            .await
            .expect("user");
    }
    let listing = uuid::Uuid::now_v7();
    let listing_at = |id: uuid::Uuid,
                      name: &str,
                      status: &str,
                      submitted: Option<i64>,
                      reviewed: Option<f64>| {
        let pool = pool.clone();
        let name = name.to_owned();
        let status = status.to_owned();
        let publisher = tenants[0];
        async move {
            sqlx::query(
                "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status, submitted_at, reviewed_at, approved_at, created_at) \
                 VALUES ($1, 'skill', $2, $3, $3, $4, $5, $6, CASE WHEN $4 = 'approved' THEN $6 END, now() - interval '20 days')",
            )
            .bind(id)
            .bind(publisher)
            .bind(name)
            .bind(status)
            .bind(submitted.map(days_ago))
            .bind(reviewed.map(|d| base - chrono::Duration::seconds((d * 86_400.0) as i64)))
            .execute(&pool)
            .await
            .expect("listing");
        }
    };
    // The skill: submitted 5 days ago, approved 2 days ago.
    listing_at(listing, "Backfilled", "approved", Some(5), Some(2.0)).await;
    // Waiting since 4 days ago.
    listing_at(
        uuid::Uuid::now_v7(),
        "Waiting",
        "pending_approval",
        Some(4),
        None,
    )
    .await;
    // Submitted 3 days ago, rejected an hour later.
    listing_at(
        uuid::Uuid::now_v7(),
        "Turned down",
        "rejected",
        Some(3),
        Some(3.0 - 1.0 / 24.0),
    )
    .await;
    for (name, ago) in [("v1.0.0", 10), ("v2.0.0", 3)] {
        sqlx::query("INSERT INTO listing_versions (id, listing_id, version_name, snapshot, created_at) VALUES ($1, $2, $3, '{}', $4)")
            .bind(uuid::Uuid::now_v7())
            .bind(listing)
            .bind(name)
            .bind(days_ago(ago))
            .execute(&pool)
            .await
            .expect("version");
    }
    // Installs: tenant 1 six days ago (v1), tenant 2 four days ago (v1) and
    // uninstalled yesterday, tenant 3 one day ago (v2).
    for (tenant, installed, uninstalled) in [(1, 6, None), (2, 4, Some(1)), (3, 1, None)] {
        sqlx::query(
            "INSERT INTO listing_installs (listing_id, tenant_id, active, first_installed_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(listing)
        .bind(tenants[tenant])
        .bind(uninstalled.is_none())
        .bind(days_ago(installed))
        .bind(days_ago(uninstalled.unwrap_or(installed)))
        .execute(&pool)
        .await
        .expect("install");
    }
    // Ratings: 5 (six days ago), 3 (four days ago), 4 hidden (today).
    for (user, rating, ago, hidden) in [(1, 5.0, 6, false), (2, 3.0, 4, false), (3, 4.0, 0, true)] {
        sqlx::query(
            "INSERT INTO reviews (id, listing_id, user_id, tenant_id, rating, hidden, created_at) VALUES ($1, $2, $3, $4, $5::numeric, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(listing)
        .bind(users[user])
        .bind(tenants[user])
        .bind(rating)
        .bind(hidden)
        .bind(days_ago(ago))
        .execute(&pool)
        .await
        .expect("review");
    }
    sqlx::query("UPDATE listings SET installs = 3, active_installs = 2, rating_count = 2, rating_sum = 8 WHERE id = $1")
        .bind(listing)
        .execute(&pool)
        .await
        .expect("counters");

    all.run(&pool).await.expect("the analytics migration");

    let app = TestApp::new(pool.clone()).await;
    // The rows' publisher has no credential here: an operator reads.
    let operator = actor(&pool, "Platform", "super_admin").await;
    let stats = assert_series_matches_raw(&app, &operator.cred, &listing.to_string()).await;
    let s = stats["series"].as_array().expect("series");
    let day = |ago: usize| &s[29 - ago];
    assert_eq!(day(6)["installs"], 1);
    assert_eq!(day(6)["average_rating"], 5.0);
    assert_eq!(day(4)["installs"], 1);
    assert_eq!(day(4)["average_rating"], 4.0);
    assert_eq!(day(1)["uninstalls"], 1);
    assert_eq!(day(1)["installs"], 1);
    assert_eq!(day(0)["active_installs"], 2);
    assert_eq!(day(0)["ratings"], 0, "the hidden rating is not counted");
    assert_eq!(
        stats["by_version"],
        json!([{"version": "v1.0.0", "installs": 2}, {"version": "v2.0.0", "installs": 1}])
    );
    assert_rollups_match_counters(&pool, &listing.to_string()).await;

    // The queue's history: sizes and oldest items at the end of each day.
    let q = app
        .expect("GET", "/api/admin/stats?days=30", &operator.cred, None, 200)
        .await;
    let q = q["series"].as_array().expect("queue series");
    let qday = |ago: usize| &q[29 - ago];
    let sizes: Vec<&Value> = (0..=6).rev().map(|a| &qday(a)["queue_size"]).collect();
    // 6 days ago: nothing; 5: the skill; 4: + waiting; 3: the rejected
    // one came and went; 2: the skill approved; then the waiting one.
    assert_eq!(
        sizes,
        [
            &json!(0),
            &json!(1),
            &json!(2),
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(1)
        ]
    );
    assert_eq!(qday(5)["submissions"], 1);
    assert_eq!(qday(3)["submissions"], 1);
    assert_eq!(qday(3)["rejections"], 1);
    assert_eq!(qday(2)["approvals"], 1);
    let hour = qday(3)["median_decision_seconds"].as_f64().expect("median");
    assert!((3000.0..4300.0).contains(&hour), "about an hour: {hour}");
    let three_days = qday(2)["median_decision_seconds"].as_f64().expect("median");
    assert!(
        (3.0 * 86_400.0 * 0.88..3.0 * 86_400.0 * 1.12).contains(&three_days),
        "about three days: {three_days}"
    );
    // At the end of 3 days ago the skill (submitted 5 days ago) was oldest;
    // from 2 days ago the waiting one (4 days ago).
    let age = |ago: usize| qday(ago)["oldest_age_seconds"].as_i64().expect("age");
    assert!((2 * 86_400..3 * 86_400 + 1).contains(&age(3)), "{}", age(3));
    assert!((3 * 86_400..4 * 86_400 + 1).contains(&age(1)), "{}", age(1));
    let waiting_for = (chrono::Utc::now() - days_ago(4)).num_seconds();
    assert!(
        (waiting_for - 60..waiting_for + 60).contains(&age(0)),
        "now: {} (waiting {waiting_for} s)",
        age(0)
    );
}

/// The demo seed reports its progress on stderr (plain lines off a
/// terminal) and leaves stdout its one JSON answer; its history spreads the
/// demo's events over past days, and the rollups follow the rows.
#[sqlx::test(migrations = "../migrations")]
async fn the_demo_seed_reports_progress_and_its_history_is_rolled_up(pool: PgPool) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["seed", "--demo"])
        .env("DATABASE_URL", crate::cli_support::database_url(&pool))
        .env("APP_ENV", "development")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run marketplace");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.trim(), r#"{"seeded":true}"#);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("seed: ")).collect();
    assert!(lines.len() >= 2, "progress lines: {stderr}");
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.contains("(100 %)") && last.contains("/s, about"),
        "{last}"
    );

    // Installs over many days, and every listing's series is its rows' count.
    let days: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT day) FROM listing_daily_stats WHERE installs > 0",
    )
    .fetch_one(&pool)
    .await
    .expect("days");
    assert!(days > 20, "{days} days with installs");
    let drift: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
           SELECT listing_id, (first_installed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
           FROM listing_installs GROUP BY 1, 2) raw
         FULL JOIN (
           SELECT listing_id, day, sum(installs) AS n FROM listing_daily_stats
           GROUP BY 1, 2 HAVING sum(installs) <> 0) rolled USING (listing_id, day)
         WHERE raw.n IS DISTINCT FROM rolled.n",
    )
    .fetch_one(&pool)
    .await
    .expect("drift");
    assert_eq!(drift, 0);
    let queue_days: i64 =
        sqlx::query_scalar("SELECT count(*) FROM review_queue_daily WHERE approvals > 0")
            .fetch_one(&pool)
            .await
            .expect("queue days");
    assert!(queue_days > 10, "{queue_days} days with approvals");
}
