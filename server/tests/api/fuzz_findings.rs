//! What the fuzzer found once operators and real ids let it past the doors,
//! each pinned by a test.

use crate::common::TestApp;
use crate::fixtures::{actor, private_skill, skill_body};
use serde_json::json;
use sqlx::PgPool;

/// Renaming a listing onto another of the tenant's names is the create's
/// 409 DUPLICATE_ENTRY (it was a 500 from the unique index), and the
/// renamed listing keeps its name.
#[sqlx::test(migrations = "../migrations")]
async fn renaming_onto_a_taken_name_is_a_duplicate_entry(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let owner = actor(&pool, "Acme", "owner").await;
    let first = private_skill(&app, &owner, skill_body("Data Analysis")).await;
    let second = private_skill(&app, &owner, skill_body("Report Writer")).await;
    let v = app
        .call(
            "PUT",
            &format!("/api/v1/skills/private/{second}"),
            &owner.cred,
            Some(json!({"name": "data analysis"})),
        )
        .await
        .assert_envelope(409, "DUPLICATE_ENTRY");
    assert_eq!(v["details"]["field"], "name");
    assert_eq!(v["details"]["value"], "data analysis");
    assert_eq!(v["details"]["existing_skill_id"], first.as_str());
    assert!(v["details"]["suggestion"].is_string());
    let name: String = sqlx::query_scalar("SELECT name FROM listings WHERE id = $1::uuid")
        .bind(&second)
        .fetch_one(&pool)
        .await
        .expect("listing");
    assert_eq!(name, "Report Writer");
    // Its own name in another case is not a conflict.
    let r = app
        .call(
            "PUT",
            &format!("/api/v1/skills/private/{second}"),
            &owner.cred,
            Some(json!({"name": "report writer"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
