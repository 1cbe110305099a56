//! The Domain Marketplace (`/api/v1/domains/marketplace/**`) and the
//! tenant's own domains (`/api/v1/domains`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, ReasonQuery};
use super::skill_wire::rating_value;
use app::backend::db::listings::ListingRow;
use app::backend::services::domains::{self, Submission};
use app::backend::services::listings::{self, Decision};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{parse_price_filter, split_tags, SortBy};
use app::model::page::PageParams;
use app::model::skill::RateRequest;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Domain;

fn domain_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

fn item(r: &ListingRow) -> Value {
    json!({
        "id": r.id,
        "domain_name": r.name,
        "domain_slug": r.slug,
        "description": r.description,
        "category": r.category,
        "price_usd": r.price,
        "license_type": r.license,
        "tags": r.tags,
        "install_count": r.installs,
        "rating_average": r.rating(),
        "rating_count": r.rating_count,
        "publisher_tenant_id": r.publisher_tenant_id,
    })
}

#[derive(Deserialize)]
pub struct CreateBody {
    name: Option<String>,
    domain_name: Option<String>,
    description: Option<String>,
    category: Option<String>,
}

/// `POST /api/v1/domains`: a draft domain of the tenant.
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    // `domain_name` is a synonym; when both come, both must be valid.
    if let (Some(_), Some(synonym)) = (&b.name, &b.domain_name) {
        app::model::account::parse_name("domain_name", synonym, 200)?;
    }
    let name = b.name.or(b.domain_name).unwrap_or_default();
    let row = domains::create(
        &state,
        &p,
        &name,
        b.description.as_deref(),
        b.category.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": row.id, "domain_id": row.id, "name": row.name, "status": row.status })),
    ))
}

/// `GET /api/v1/domains`: the tenant's own domains and installed ones.
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, MarketError> {
    let (own, installed) = domains::list(&state, &p).await?;
    let mut out: Vec<Value> = own
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "domain_id": r.id,
                "name": r.name,
                "description": r.description,
                "category": r.category,
                "status": r.status,
                "source": "created",
                "template_id": null,
                "created_at": r.created_at,
            })
        })
        .collect();
    out.extend(installed.iter().map(|d| {
        json!({
            "id": d.id,
            "domain_id": d.id,
            "name": d.name,
            "description": null,
            "category": null,
            "status": "installed",
            "source": "marketplace",
            "template_id": d.template_id,
            "created_at": d.created_at,
        })
    }));
    Ok(Json(json!({ "domains": out })))
}

#[derive(Deserialize)]
pub struct SubmitBody {
    domain_id: String,
    price_usd: Option<f64>,
    license_type: Option<String>,
    tags: Option<Vec<String>>,
}

/// `POST /submit`
pub async fn submit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<SubmitBody>,
) -> Result<Json<Value>, MarketError> {
    let s = Submission {
        price_usd: b.price_usd,
        license_type: b.license_type,
        tags: b.tags,
    };
    let row = domains::submit(&state, &p, domain_id(&b.domain_id)?, &s).await?;
    Ok(Json(json!({
        "success": true,
        "domain_id": row.id,
        "status": row.status,
        "price_usd": row.price,
        "license_type": row.license,
    })))
}

/// `GET /my-submissions`
pub async fn my_submissions(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, MarketError> {
    let rows = domains::my_submissions(&state, &p).await?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "domain_id": r.id,
                    "domain_name": r.name,
                    "status": r.status,
                    "price_usd": r.price,
                    "install_count": r.installs,
                    "rating_average": r.rating(),
                })
            })
            .collect(),
    )))
}

/// `POST /{domain_id}/approve` (operators only: the reference's "TODO:
/// Admin check", resolved)
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<super::lifecycle::ApproveQuery>,
) -> Result<Json<Value>, MarketError> {
    let id = domain_id(&id)?;
    let hash = q.content_hash.as_deref();
    let row = listings::decide_pinned(&state, &p, KIND, id, Decision::Approve, hash).await?;
    Ok(Json(
        json!({ "success": true, "domain_id": row.id, "status": row.status }),
    ))
}

/// `POST /{domain_id}/reject?reason=` (operators only)
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Value>, MarketError> {
    let decision = Decision::Reject(q.reason.unwrap_or_default());
    let row = listings::decide(&state, &p, KIND, domain_id(&id)?, decision).await?;
    Ok(Json(json!({
        "success": true,
        "domain_id": row.id,
        "status": row.status,
        "reason": row.rejection_reason,
    })))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    category: Option<String>,
    tags: Option<String>,
    max_price: Option<f64>,
    limit: Option<i64>,
}

/// `GET /search`
pub async fn search(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, None, 20, 100)?;
    let params = listings::Browse {
        query: q.q,
        category: q.category,
        tags: split_tags(q.tags.as_deref()),
        max_price: parse_price_filter("max_price", q.max_price)?,
        default_sort: Some(SortBy::Popularity),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    Ok(Json(Value::Array(rows.iter().map(item).collect())))
}

#[derive(Deserialize)]
pub struct LimitQuery {
    limit: Option<i64>,
}

/// `GET /trending`: installs of the last days, time-decayed.
pub async fn trending(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LimitQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, None, 10, 50)?;
    let params = listings::Browse {
        sort_by: Some(SortBy::Trending),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, None, KIND, params, page).await?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "domain_name": r.name,
                    "install_count": r.installs,
                    "rating_average": r.rating(),
                })
            })
            .collect(),
    )))
}

/// `GET /stats`
pub async fn stats(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let s = domains::stats(&state).await?;
    Ok(Json(json!({
        "total_domains": s.total,
        "approved_domains": s.approved,
        "pending_domains": s.pending,
        "total_installs": s.installs,
    })))
}

#[derive(Deserialize)]
pub struct InstallBody {
    template_domain_id: String,
    custom_name: Option<String>,
}

/// `POST /install`
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<InstallBody>,
) -> Result<Json<Value>, MarketError> {
    let id = domain_id(&b.template_domain_id)?;
    let row = domains::install(&state, &p, id, b.custom_name.as_deref()).await?;
    Ok(Json(json!({
        "success": true,
        "domain_id": row.id,
        "domain_name": row.name,
        "template_id": row.template_id,
    })))
}

/// `POST /{domain_id}/rate` (halves allowed; `PUT` replaces)
pub async fn rate(
    State(state): State<AppState>,
    method: Method,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<Value>, MarketError> {
    let id = domain_id(&id)?;
    let r = lifecycle::rate(&state, &method, &p, KIND, id, req).await?;
    Ok(Json(json!({
        "success": true,
        "domain_id": id,
        "rating": rating_value(r.rating),
        "new_average": r.new_average,
        "total_ratings": r.total_ratings,
    })))
}

/// `GET /{domain_id}`
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let row = listings::visible(&state, p.as_ref(), KIND, domain_id(&id)?).await?;
    Ok(Json(item(&row)))
}
