//! The kind registration: the database's `listing_kinds` and the Rust
//! descriptors (`app/src/model/kind/<kind>.rs`) say the same, and the
//! facet triggers read each kind's own type field.

use app::model::kind::ListingKind;
use sqlx::PgPool;
use uuid::Uuid;

async fn listing(pool: &PgPool, kind: &str, spec: serde_json::Value) -> Result<Uuid, sqlx::Error> {
    let tenant = Uuid::now_v7();
    sqlx::query("INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)")
        .bind(tenant)
        .bind(format!("Tenant {tenant}"))
        .bind(format!("t-{}", tenant.simple()))
        .execute(pool)
        .await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO listings (id, kind, publisher_tenant_id, name, slug, status, spec, tags) \
         VALUES ($1, $2, $3, 'Listing', 'listing', 'approved', $4, '{shared}')",
    )
    .bind(id)
    .bind(kind)
    .bind(tenant)
    .bind(spec)
    .execute(pool)
    .await?;
    Ok(id)
}

async fn facets(pool: &PgPool, kind: &str, facet: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT value, approved FROM listing_facets WHERE kind = $1 AND facet = $2 \
         AND approved > 0 ORDER BY value",
    )
    .bind(kind)
    .bind(facet)
    .fetch_all(pool)
    .await
    .expect("facets")
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_registers_the_kinds_the_code_does(pool: PgPool) {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT kind, type_field FROM listing_kinds ORDER BY kind")
            .fetch_all(&pool)
            .await
            .expect("listing_kinds");
    let mut described: Vec<(String, Option<String>)> = ListingKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                k.spec().type_field.map(str::to_owned),
            )
        })
        .collect();
    described.sort();
    assert_eq!(rows, described);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_kind_the_database_does_not_know_is_refused(pool: PgPool) {
    let err = listing(&pool, "plugin", serde_json::json!({}))
        .await
        .expect_err("an unregistered kind");
    let code = err
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("23503"), "{err}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_type_facet_is_each_kinds_own_field(pool: PgPool) {
    // A component whose spec also carries a skill_type counts by its
    // component_type; a domain has no type facet whatever its spec holds.
    listing(
        &pool,
        "canvas_component",
        serde_json::json!({"component_type": "chart", "skill_type": "function"}),
    )
    .await
    .expect("component");
    listing(&pool, "skill", serde_json::json!({"skill_type": "script"}))
        .await
        .expect("skill");
    let domain = listing(
        &pool,
        "domain",
        serde_json::json!({"template_type": "basic"}),
    )
    .await
    .expect("domain");
    listing(
        &pool,
        "workflow_template",
        serde_json::json!({"template_type": "advanced"}),
    )
    .await
    .expect("workflow");
    assert_eq!(
        facets(&pool, "canvas_component", "type").await,
        [("chart".to_owned(), 1)]
    );
    assert_eq!(
        facets(&pool, "skill", "type").await,
        [("script".to_owned(), 1)]
    );
    assert_eq!(
        facets(&pool, "workflow_template", "type").await,
        [("advanced".to_owned(), 1)]
    );
    assert!(facets(&pool, "domain", "type").await.is_empty());
    assert_eq!(
        facets(&pool, "domain", "tag").await,
        [("shared".to_owned(), 1)]
    );
    // Updates and deletes keep the counts exact.
    sqlx::query("UPDATE listings SET spec = '{\"component_type\": \"form\"}' WHERE kind = 'canvas_component'")
        .execute(&pool)
        .await
        .expect("update");
    assert_eq!(
        facets(&pool, "canvas_component", "type").await,
        [("form".to_owned(), 1)]
    );
    sqlx::query("DELETE FROM listings WHERE id = $1")
        .bind(domain)
        .execute(&pool)
        .await
        .expect("delete");
    assert!(facets(&pool, "domain", "tag").await.is_empty());
}
