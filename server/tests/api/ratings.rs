use crate::common::{Cred, TestApp};
use crate::fixtures::{
    actor, approved_skill, private_skill, public_detail, skill_body, sorted_keys,
};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn one_rating_per_user_replace_with_put_exact_average(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let a = actor(&pool, "A", "member").await;
    let b = actor(&pool, "B", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Rated")).await;
    let path = format!("/api/skills/rate/{id}");

    let r = app
        .call(
            "POST",
            &path,
            &a.cred,
            Some(json!({"rating": 5, "review": "Excellent skill, saved me hours of work!"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        sorted_keys(&v),
        [
            "new_average",
            "rating",
            "success",
            "total_ratings",
            "verified_install",
            "version"
        ]
    );
    assert_eq!(
        v,
        json!({"success": true, "rating": 5, "new_average": 5.0, "total_ratings": 1, "verified_install": false, "version": null})
    );

    let v = app
        .call("POST", &path, &a.cred, Some(json!({"rating": 4})))
        .await
        .assert_envelope(409, "RATING_EXISTS");
    assert_eq!(v["message"], "User has already rated this item");
    let r = app
        .call(
            "POST",
            &format!("/api/public/v1/marketplace/skills/{id}/rate"),
            &b.cred,
            Some(json!({"rating": 4, "review": "Good"})),
        )
        .await;
    assert_eq!(
        r.json(),
        json!({"success": true, "rating": 4, "new_average": 4.5, "total_ratings": 2, "verified_install": false, "version": null})
    );
    let r = app
        .call("PUT", &path, &a.cred, Some(json!({"rating": 2})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"success": true, "rating": 2, "new_average": 3.0, "total_ratings": 2, "verified_install": false, "version": null})
    );

    for bad in [
        json!({"rating": 6}),
        json!({"rating": 0}),
        json!({"rating": 4.5}),
        json!({"rating": "five"}),
    ] {
        app.call("POST", &path, &operator.cred, Some(bad))
            .await
            .assert_envelope(400, "VALIDATION_ERROR");
    }
    app.call(
        "POST",
        &path,
        &operator.cred,
        Some(json!({"rating": 3, "review": "x".repeat(5001)})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    app.call("POST", &path, &publisher.cred, Some(json!({"rating": 5})))
        .await
        .assert_envelope(403, "FORBIDDEN");
    let draft = private_skill(&app, &publisher, skill_body("Not yet")).await;
    app.call(
        "POST",
        &format!("/api/skills/rate/{draft}"),
        &a.cred,
        Some(json!({"rating": 5})),
    )
    .await
    .assert_envelope(404, "SKILL_NOT_FOUND");

    // Reviews: newest first, with helpful counts; the detail shows recent ones.
    let r = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}/reviews?limit=1"),
            &Cred::Anon,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(sorted_keys(&v), ["limit", "offset", "reviews", "total"]);
    assert_eq!(
        (v["total"].clone(), v["limit"].clone(), v["offset"].clone()),
        (json!(2), json!(1), json!(0))
    );
    assert_eq!(
        sorted_keys(&v["reviews"][0]),
        [
            "created_at",
            "helpful_count",
            "id",
            "rating",
            "review",
            "verified_install",
            "version"
        ]
    );
    app.call(
        "GET",
        &format!("/api/public/v1/marketplace/skills/{id}/reviews?limit=101"),
        &Cred::Anon,
        None,
    )
    .await
    .assert_envelope(400, "INVALID_LIMIT");
    let d = public_detail(&app, &id).await;
    assert_eq!(d["rating"], 3.0);
    assert_eq!(d["rating_count"], 2);
    assert_eq!(d["recent_reviews"].as_array().expect("recent").len(), 2);

    // Flagging: reason 1..=500, API key or token only.
    let review_id = v["reviews"][0]["id"]
        .as_str()
        .expect("review id")
        .to_owned();
    let r = app
        .call(
            "POST",
            &format!("/api/public/v1/marketplace/reviews/{review_id}/flag?reason=spam"),
            &publisher.cred,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"success": true, "review_id": review_id, "status": "flagged"})
    );
    app.call(
        "POST",
        &format!("/api/public/v1/marketplace/reviews/{review_id}/flag?reason="),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    app.call(
        "POST",
        &format!(
            "/api/public/v1/marketplace/reviews/{review_id}/flag?reason={}",
            "x".repeat(501)
        ),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    app.call(
        "POST",
        &format!(
            "/api/public/v1/marketplace/reviews/{}/flag?reason=spam",
            uuid::Uuid::now_v7()
        ),
        &publisher.cred,
        None,
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    let flags: i32 = sqlx::query_scalar("SELECT flag_count FROM reviews WHERE id = $1::uuid")
        .bind(&review_id)
        .fetch_one(&pool)
        .await
        .expect("flags");
    assert_eq!(flags, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_concurrent_ratings_are_all_counted(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Popular")).await;
    let mut raters = Vec::new();
    for i in 0..200 {
        raters.push(actor(&pool, &format!("Rater {i}"), "member").await);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for (i, rater) in raters.into_iter().enumerate() {
        let app = app.clone();
        let path = format!("/api/skills/rate/{id}");
        tasks.push(tokio::spawn(async move {
            let rating = (i % 5 + 1) as i64;
            let r = app
                .call("POST", &path, &rater.cred, Some(json!({"rating": rating})))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            rating
        }));
    }
    let mut sum = 0;
    for t in tasks {
        sum += t.await.expect("task");
    }
    let (stored_sum, count): (f64, i32) =
        sqlx::query_as("SELECT rating_sum::float8, rating_count FROM listings WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("counters");
    assert_eq!(count, 200);
    assert_eq!(stored_sum, sum as f64);
    let d = public_detail(&app, &id).await;
    assert_eq!(d["rating_count"], 200);
    assert_eq!(d["rating"], 3.0);
}

#[sqlx::test(migrations = "../migrations")]
async fn fifty_concurrent_installs_by_one_tenant_count_once(pool: PgPool) {
    let app = std::sync::Arc::new(TestApp::new(pool.clone()).await);
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let buyer = actor(&pool, "Globex", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Contended")).await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let app = app.clone();
        let cred = buyer.cred.clone();
        let body = json!({"skill_id": id});
        tasks.push(tokio::spawn(async move {
            app.call("POST", "/api/skills/install", &cred, Some(body))
                .await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let r = t.await.expect("task");
        assert_eq!(r.status, 200, "{}", r.text);
        ids.insert(r.json()["skill_id"].as_str().expect("id").to_owned());
    }
    assert_eq!(ids.len(), 1, "one installed copy");
    let counts: (i32, i32) =
        sqlx::query_as("SELECT installs, active_installs FROM listings WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("counts");
    assert_eq!(counts, (1, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn helpful_votes_and_publisher_responses(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let author = actor(&pool, "A", "member").await;
    let voter = actor(&pool, "B", "member").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Reviewed")).await;
    app.call(
        "POST",
        &format!("/api/skills/rate/{id}"),
        &author.cred,
        Some(json!({"rating": 4, "review": "Solid"})),
    )
    .await;
    let reviews = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}/reviews"),
            &Cred::Anon,
            None,
        )
        .await
        .json();
    let review = reviews["reviews"][0]["id"]
        .as_str()
        .expect("review")
        .to_owned();

    let r = app
        .call(
            "POST",
            &format!("/api/reviews/{review}/vote"),
            &voter.cred,
            Some(json!({"helpful": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"success": true, "review_id": review, "helpful_count": 1, "not_helpful_count": 0})
    );
    // Voting again changes the vote, it does not add one.
    let r = app
        .call(
            "POST",
            &format!("/api/reviews/{review}/vote"),
            &voter.cred,
            Some(json!({"helpful": false})),
        )
        .await;
    assert_eq!(
        (
            r.json()["helpful_count"].clone(),
            r.json()["not_helpful_count"].clone()
        ),
        (json!(0), json!(1))
    );
    app.call(
        "POST",
        &format!("/api/reviews/{review}/vote"),
        &publisher.cred,
        Some(json!({"helpful": true})),
    )
    .await;
    app.call(
        "POST",
        &format!("/api/reviews/{review}/vote"),
        &author.cred,
        Some(json!({"helpful": true})),
    )
    .await
    .assert_envelope(403, "FORBIDDEN");
    let listed = app
        .call(
            "GET",
            &format!("/api/public/v1/marketplace/skills/{id}/reviews"),
            &Cred::Anon,
            None,
        )
        .await
        .json();
    assert_eq!(listed["reviews"][0]["helpful_count"], 1);

    app.call(
        "PUT",
        &format!("/api/reviews/{review}/response"),
        &voter.cred,
        Some(json!({"response": "Thanks!"})),
    )
    .await
    .assert_envelope(403, "NOT_OWNER");
    app.call(
        "PUT",
        &format!("/api/reviews/{review}/response"),
        &publisher.cred,
        Some(json!({"response": " "})),
    )
    .await
    .assert_envelope(400, "VALIDATION_ERROR");
    let r = app
        .call(
            "PUT",
            &format!("/api/reviews/{review}/response"),
            &publisher.cred,
            Some(json!({"response": "Thanks, v2 adds more options."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["author_response"], "Thanks, v2 adds more options.");
    app.call(
        "POST",
        &format!("/api/reviews/{}/vote", uuid::Uuid::now_v7()),
        &voter.cred,
        Some(json!({"helpful": true})),
    )
    .await
    .assert_envelope(404, "NOT_FOUND");
    let page = app
        .call("GET", &format!("/skills/{id}"), &Cred::Anon, None)
        .await;
    assert!(
        page.text.contains("Thanks, v2 adds more options."),
        "the listing page shows the response: {} {}",
        page.status,
        page.text
    );
}
