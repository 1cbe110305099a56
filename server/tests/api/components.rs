use crate::common::{Cred, TestApp};
use crate::fixtures::{actor, sorted_keys, Actor};
use serde_json::{json, Value};
use sqlx::PgPool;

const C: &str = "/api/canvas-marketplace";

fn component(name: &str) -> Value {
    json!({
        "name": name,
        "description": format!("{name}: an interactive component"),
        "category": "ui",
        "component_type": "component",
        "tags": ["table", "data"],
        "version": "1.0.0",
        "code": "export function DataTable({ data }) { return data.length; }",
        "config_schema": {"type": "object", "properties": {"data": {"type": "array"}}},
        "dependencies": ["react", "lodash"],
        "css_dependencies": ["bootstrap"],
        "thumbnail_url": "https://cdn.example.com/thumb.png",
        "preview_url": "https://cdn.example.com/preview.png",
        "demo_url": "https://demo.example.com",
    })
}

/// A component created, published with `publish` and approved.
async fn approved(
    app: &TestApp,
    owner: &Actor,
    operator: &Actor,
    body: Value,
    publish: Value,
) -> String {
    let v = app
        .expect(
            "POST",
            &format!("{C}/components"),
            &owner.cred,
            Some(body),
            201,
        )
        .await;
    assert_eq!(sorted_keys(&v), ["component_id", "id", "status"]);
    assert_eq!(v["status"], "draft");
    let id = v["component_id"].as_str().expect("id").to_owned();
    let mut publish = publish;
    publish["component_id"] = json!(id);
    let v = app
        .expect(
            "POST",
            &format!("{C}/components/publish"),
            &owner.cred,
            Some(publish),
            200,
        )
        .await;
    assert_eq!(v["status"], "submitted_for_approval");
    assert_eq!(sorted_keys(&v), ["component_id", "message", "status"]);
    let v = app
        .expect(
            "POST",
            &format!("{C}/components/{id}/approve"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(v, json!({"status": "approved", "component_id": id}));
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn components_publish_browse_detail_and_install_onto_a_canvas(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved(
        &app,
        &publisher,
        &operator,
        component("Data Table"),
        json!({"price": 0.0, "license": "MIT", "tags": ["table", "data", "ui"]}),
    )
    .await;

    let browse = app
        .expect("GET", &format!("{C}/components"), &Cred::Anon, None, 200)
        .await;
    assert_eq!(
        sorted_keys(&browse),
        ["components", "has_more", "limit", "offset", "total"]
    );
    assert_eq!(
        (browse["total"].clone(), browse["has_more"].clone()),
        (json!(1), json!(false))
    );
    assert_eq!(
        sorted_keys(&browse["components"][0]),
        [
            "category",
            "component_type",
            "created_at",
            "deprecated",
            "deprecation",
            "description",
            "id",
            "installs",
            "is_featured",
            "is_free",
            "license",
            "name",
            "origin",
            "price",
            "rating",
            "rating_count",
            "tags",
            "thumbnail_url",
            "updated_at",
            "version"
        ]
    );
    // The legacy alias answers the same.
    let alias = app
        .expect("GET", "/api/components", &Cred::Anon, None, 200)
        .await;
    assert_eq!(alias, browse);

    let d = app
        .expect(
            "GET",
            &format!("{C}/components/{id}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    for k in [
        "code",
        "config_schema",
        "dependencies",
        "css_dependencies",
        "preview_url",
        "demo_url",
        "recent_ratings",
    ] {
        assert!(d.get(k).is_some(), "detail lacks {k}: {d}");
    }
    assert_eq!(d["dependencies"], json!(["react", "lodash"]));
    assert_eq!(d["tags"], json!(["table", "data", "ui"]));
    assert_eq!(d["license"], "MIT");

    // Install needs one of the tenant's canvases.
    let canvas = app
        .expect(
            "POST",
            "/api/canvases",
            &buyer.cred,
            Some(json!({"name": "Dashboard"})),
            201,
        )
        .await;
    let canvas_id = canvas["id"].as_str().expect("canvas id");
    let foreign = app
        .expect(
            "POST",
            "/api/canvases",
            &publisher.cred,
            Some(json!({"name": "Theirs"})),
            201,
        )
        .await;
    app.call(
        "POST",
        &format!("{C}/components/install"),
        &buyer.cred,
        Some(json!({"component_id": id, "canvas_id": foreign["id"]})),
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    let body = json!({"component_id": id, "canvas_id": canvas_id});
    let v = app
        .expect(
            "POST",
            &format!("{C}/components/install"),
            &buyer.cred,
            Some(body.clone()),
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"status": "installed", "component_id": id, "canvas_id": canvas_id, "message": "Component installed successfully", "warnings": []})
    );
    app.expect(
        "POST",
        "/api/components/install",
        &buyer.cred,
        Some(body),
        200,
    )
    .await;
    let second = app
        .expect(
            "POST",
            "/api/canvases",
            &buyer.cred,
            Some(json!({"name": "Ops"})),
            201,
        )
        .await;
    app.expect(
        "POST",
        &format!("{C}/components/install"),
        &buyer.cred,
        Some(json!({"component_id": id, "canvas_id": second["id"]})),
        200,
    )
    .await;
    let c = app
        .expect(
            "GET",
            &format!("/api/canvases/{canvas_id}"),
            &buyer.cred,
            None,
            200,
        )
        .await;
    assert_eq!(c["components"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["components"][0]["component_id"], json!(id));
    app.call(
        "GET",
        &format!("/api/canvases/{canvas_id}"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    let d = app
        .expect(
            "GET",
            &format!("{C}/components/{id}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(d["installs"], 1, "one tenant counts once across canvases");

    // Categories and tags with counts.
    let cats = app
        .expect("GET", &format!("{C}/categories"), &Cred::Anon, None, 200)
        .await;
    assert_eq!(cats, json!({"categories": [{"name": "ui", "count": 1}]}));
    let tags = app
        .expect("GET", &format!("{C}/tags"), &Cred::Anon, None, 200)
        .await;
    assert_eq!(tags["tags"][0], json!({"name": "data", "count": 1}));
}

#[sqlx::test(migrations = "../migrations")]
async fn component_filters_ratings_and_errors(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "owner").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let table = approved(
        &app,
        &publisher,
        &operator,
        component("Data Table"),
        json!({"price": 0.0}),
    )
    .await;
    let mut chart = component("Revenue Chart");
    chart["component_type"] = json!("chart");
    chart["category"] = json!("charts");
    chart["tags"] = json!(["chart"]);
    let chart = approved(&app, &publisher, &operator, chart, json!({"price": 15.0})).await;
    sqlx::query("UPDATE listings SET is_featured = true WHERE id = $1::uuid")
        .bind(&chart)
        .execute(&pool)
        .await
        .expect("feature");

    let ids = |v: &Value| -> Vec<String> {
        v["components"]
            .as_array()
            .expect("components")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    for (query, expected) in [
        ("component_type=chart", vec![chart.clone()]),
        ("is_free=true", vec![table.clone()]),
        ("is_featured=true", vec![chart.clone()]),
        ("min_price=10&max_price=20", vec![chart.clone()]),
        ("tags=table,data", vec![table.clone()]),
        ("category=charts", vec![chart.clone()]),
        ("query=revenue", vec![chart.clone()]),
        (
            "sort_by=price&sort_order=asc",
            vec![table.clone(), chart.clone()],
        ),
        (
            "sort_by=name&sort_order=desc",
            vec![chart.clone(), table.clone()],
        ),
    ] {
        let v = app
            .expect(
                "GET",
                &format!("{C}/components?{query}"),
                &Cred::Anon,
                None,
                200,
            )
            .await;
        assert_eq!(ids(&v), expected, "{query}");
    }
    let v = app
        .expect(
            "GET",
            &format!("{C}/components?limit=1"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(
        (v["total"].clone(), v["has_more"].clone()),
        (json!(2), json!(true))
    );
    app.call(
        "GET",
        &format!("{C}/components?component_type=Gadget"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    app.call(
        "GET",
        &format!("{C}/components?limit=101"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");
    app.call(
        "GET",
        &format!("{C}/components?sort_by=colour"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_ENUM_VALUE");

    // Ratings: once per user, PUT replaces, listed with helpful counts and responses.
    let rater = actor(&pool, "Rater", "member").await;
    let voter = actor(&pool, "Voter", "member").await;
    let v = app
        .expect(
            "POST",
            &format!("{C}/components/{table}/rate"),
            &rater.cred,
            Some(json!({"rating": 5, "review": "Excellent component!"})),
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"status": "rated", "component_id": table, "rating": 5, "aggregate_rating": 5.0, "verified_install": false, "version": null})
    );
    app.call(
        "POST",
        &format!("{C}/components/{table}/rate"),
        &rater.cred,
        Some(json!({"rating": 4})),
    )
    .await
    .assert_envelope(409, "RATING_EXISTS");
    app.call(
        "POST",
        &format!("{C}/components/{table}/rate"),
        &voter.cred,
        Some(json!({"rating": 4.5})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    let list = app
        .expect(
            "GET",
            &format!("{C}/components/{table}/ratings"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    let review_id = list["ratings"][0]["id"].as_str().expect("id").to_owned();
    app.expect(
        "POST",
        &format!("/api/reviews/{review_id}/vote"),
        &voter.cred,
        Some(json!({"helpful": true})),
        200,
    )
    .await;
    app.expect(
        "PUT",
        &format!("/api/reviews/{review_id}/response"),
        &publisher.cred,
        Some(json!({"response": "Thank you!"})),
        200,
    )
    .await;
    let list = app
        .expect(
            "GET",
            &format!("{C}/components/{table}/ratings?limit=20"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(sorted_keys(&list), ["limit", "offset", "ratings", "total"]);
    let r = &list["ratings"][0];
    assert_eq!(
        sorted_keys(r),
        [
            "author_response",
            "author_response_at",
            "created_at",
            "helpful_count",
            "id",
            "not_helpful_count",
            "rating",
            "review",
            "verified_install",
            "version"
        ]
    );
    assert_eq!(
        (r["helpful_count"].clone(), r["author_response"].clone()),
        (json!(1), json!("Thank you!"))
    );
    assert!(r["author_response_at"].is_string());
    let d = app
        .expect(
            "GET",
            &format!("{C}/components/{table}"),
            &Cred::Anon,
            None,
            200,
        )
        .await;
    assert_eq!(d["recent_ratings"][0]["review"], "Excellent component!");

    // Lifecycle errors.
    app.call(
        "POST",
        &format!("{C}/components/publish"),
        &publisher.cred,
        Some(json!({"component_id": table})),
    )
    .await
    .assert_envelope(409, "ALREADY_PUBLISHED");
    app.call(
        "POST",
        &format!("{C}/components/{table}/reject?reason=bad"),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    app.call(
        "GET",
        &format!("{C}/components/not-a-uuid"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(404, "COMPONENT_NOT_FOUND");
    let draft = app
        .expect(
            "POST",
            "/api/components",
            &publisher.cred,
            Some(component("Hidden")),
            201,
        )
        .await;
    let draft_id = draft["id"].as_str().expect("id");
    app.call(
        "GET",
        &format!("{C}/components/{draft_id}"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(404, "COMPONENT_NOT_FOUND");
    app.expect(
        "POST",
        &format!("{C}/components/publish"),
        &publisher.cred,
        Some(json!({"component_id": draft_id})),
        200,
    )
    .await;
    let v = app
        .expect(
            "POST",
            &format!("{C}/components/{draft_id}/reject?reason=Needs%20docs"),
            &operator.cred,
            None,
            200,
        )
        .await;
    assert_eq!(
        v,
        json!({"status": "rejected", "component_id": draft_id, "reason": "Needs docs"})
    );
    let mut bad = component("Bad");
    bad["demo_url"] = json!("javascript:alert(1)");
    app.call(
        "POST",
        &format!("{C}/components"),
        &publisher.cred,
        Some(bad),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
}
