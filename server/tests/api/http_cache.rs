//! HTTP caching: anonymous reads are tagged and shareable, anything asked
//! with a credential is private and never revalidated against a tag.

use crate::common::{Cred, Reply, TestApp, HOST};
use crate::fixtures::{actor, approved_skill, skill_body};
use axum::{body::Body, http::Request};
use sqlx::PgPool;

async fn get_with(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::get(uri).header("host", HOST);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::empty()).expect("request")).await
}

fn assert_shared(r: &Reply, what: &str) -> String {
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    let cc = r.header("cache-control").unwrap_or_default();
    assert!(
        cc.contains("public") && cc.contains("max-age=") && cc.contains("stale-while-revalidate="),
        "{what}: cache-control {cc:?}"
    );
    let vary = r.header("vary").unwrap_or_default().to_ascii_lowercase();
    for h in ["cookie", "authorization", "x-api-key"] {
        assert!(vary.contains(h), "{what}: vary {vary:?} lacks {h}");
    }
    r.header("etag")
        .unwrap_or_else(|| panic!("{what}: no etag"))
        .to_owned()
}

fn assert_private(r: &Reply, what: &str) {
    let cc = r.header("cache-control").unwrap_or_default();
    // `no-store` alone already keeps every cache, shared or private, from
    // storing it (a route that shows a secret says just that).
    assert!(
        cc.contains("no-store") && !cc.contains("public"),
        "{what}: cache-control {cc:?}"
    );
    assert!(
        r.header("etag").is_none(),
        "{what}: a personal answer was tagged"
    );
    assert_ne!(r.status, 304, "{what}: a personal answer was revalidated");
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_reads_are_tagged_and_revalidate_to_304(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    approved_skill(&app, &publisher, &operator, skill_body("Cached Skill")).await;

    for uri in ["/api/public/v1/marketplace/skills", "/skills", "/"] {
        let first = get_with(&app, uri, &[]).await;
        let tag = assert_shared(&first, uri);
        let again = get_with(&app, uri, &[("if-none-match", &tag)]).await;
        assert_eq!(again.status, 304, "{uri}: {}", again.text);
        assert!(again.text.is_empty(), "{uri}: a 304 carries no body");
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        // A list of tags, one of them ours, matches too; a stranger's does not.
        let listed = format!("\"nope\", {tag}");
        assert_eq!(
            get_with(&app, uri, &[("if-none-match", &listed)])
                .await
                .status,
            304
        );
        let other = get_with(&app, uri, &[("if-none-match", "W/\"0000\"")]).await;
        assert_eq!(other.status, 200, "{uri}");
    }

    // New content, new tag: the old one no longer answers 304.
    let uri = "/api/public/v1/marketplace/skills";
    let before = assert_shared(&get_with(&app, uri, &[]).await, uri);
    approved_skill(&app, &publisher, &operator, skill_body("Second Skill")).await;
    let after = get_with(&app, uri, &[("if-none-match", &before)]).await;
    let new_tag = assert_shared(&after, uri);
    assert_ne!(new_tag, before);
    assert!(after.text.contains("Second Skill"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_credential_never_gets_a_shared_or_revalidated_answer(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    approved_skill(&app, &publisher, &operator, skill_body("Cached Skill")).await;
    let Cred::Key(key) = &publisher.cred else {
        unreachable!("fixtures hand out keys")
    };
    let member = app.signup("Members Inc", "member@cache.test").await;
    let session = member.cookie.clone();
    let with_theme = format!("theme=dark; {session}");

    for uri in ["/api/public/v1/marketplace/skills", "/skills", "/"] {
        let anon_tag = assert_shared(&get_with(&app, uri, &[]).await, uri);
        let creds: [(&str, &str); 5] = [
            ("x-api-key", key),
            ("x-api-key", "sk-junkjunkjunkjunkjunkjunkjunkjunkjunkjunk"),
            ("authorization", "Bearer not-a-token"),
            ("cookie", &session),
            ("cookie", &with_theme),
        ];
        for (name, value) in creds {
            let r = get_with(&app, uri, &[(name, value), ("if-none-match", &anon_tag)]).await;
            assert_private(&r, &format!("{uri} with {name}"));
        }
    }

    // A personal page: its answer is never tagged, so no one's tag can be
    // replayed against it, and a visitor asking for it gets nothing shared.
    let mine = get_with(&app, "/account", &[("cookie", &session)]).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_private(&mine, "/account");
    let other = app.signup("Other Inc", "other@cache.test").await;
    let theirs = get_with(&app, "/account", &[("cookie", &other.cookie)]).await;
    assert_private(&theirs, "/account (other user)");
    assert!(!theirs.text.contains("member@cache.test"));
    let visitor = get_with(&app, "/account", &[]).await;
    assert!(visitor.header("etag").is_none());
    assert!(!visitor
        .header("cache-control")
        .unwrap_or_default()
        .contains("public"));
    // Forms and answers that set cookies are never shared either.
    for uri in ["/login", "/signup", "/api/health"] {
        let r = get_with(&app, uri, &[]).await;
        let cc = r.header("cache-control").unwrap_or_default();
        assert!(!cc.contains("public"), "{uri}: {cc:?}");
        assert!(r.header("etag").is_none(), "{uri}");
    }
}

/// The federation feed and bundles are never shared: a cache that kept a
/// peer's answer would hand it to callers without the key, past the
/// 401/403 and the per-address budget.
#[sqlx::test(migrations = "../migrations")]
async fn federation_answers_are_never_shared(pool: PgPool) {
    let mut config = crate::common::test_config();
    config.federation_keys = vec!["cache-test-federation-key".to_owned()];
    let app = TestApp::with_config(pool.clone(), config).await;
    let publisher = actor(&pool, "Acme", "member").await;
    let operator = actor(&pool, "Platform", "super_admin").await;
    let id = approved_skill(&app, &publisher, &operator, skill_body("Fed Skill")).await;
    let key = [("x-federation-key", "cache-test-federation-key")];
    for uri in [
        "/api/federation/v1/marketplace/skills".to_owned(),
        format!("/api/federation/v1/marketplace/skills/{id}/bundle"),
    ] {
        let r = get_with(&app, &uri, &key).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.text);
        assert_private(&r, &uri);
        let vary = r.header("vary").unwrap_or_default().to_ascii_lowercase();
        assert!(vary.contains("x-federation-key"), "{uri}: vary {vary:?}");
        let keyless = get_with(&app, &uri, &[]).await;
        assert_eq!(keyless.status, 401, "{uri}: {}", keyless.text);
        assert!(keyless.header("etag").is_none(), "{uri}");
    }
}
