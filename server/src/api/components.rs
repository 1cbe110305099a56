//! The Canvas Component Marketplace (`/api/canvas-marketplace/**`, with
//! `/api/components/**` as its legacy alias) and the tenant's canvases.

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, name_counts, PageQuery, ReasonQuery};
use super::skill_wire::rating_value;
use app::backend::db::listings::ListingRow;
use app::backend::db::reviews::ReviewRow;
use app::backend::services::components::{self, Publish};
use app::backend::services::listings::{self, Decision};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::component::{component_type_filter, ComponentInput};
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

const KIND: ListingKind = ListingKind::CanvasComponent;

fn component_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

fn item(r: &ListingRow) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "description": r.description,
        "category": r.category,
        "component_type": r.spec_field("component_type"),
        "tags": r.tags,
        "version": r.spec_field("version"),
        "thumbnail_url": r.spec_field("thumbnail_url"),
        "price": r.price,
        "is_free": r.price == 0.0,
        "is_featured": r.is_featured,
        "license": r.license,
        "installs": r.installs,
        "rating": r.rating(),
        "rating_count": r.rating_count,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    })
}

fn review(r: &ReviewRow) -> Value {
    json!({
        "id": r.id,
        "rating": rating_value(r.rating),
        "review": r.review,
        "helpful_count": r.helpful_count,
        "not_helpful_count": r.not_helpful_count,
        "author_response": r.author_response,
        "author_response_at": r.author_response_at,
        "created_at": r.created_at,
    })
}

#[derive(Deserialize)]
pub struct BrowseQuery {
    query: Option<String>,
    category: Option<String>,
    tags: Option<String>,
    component_type: Option<String>,
    min_price: Option<f64>,
    max_price: Option<f64>,
    is_free: Option<bool>,
    is_featured: Option<bool>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /components`
pub async fn browse(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
    let (sort_by, sort_order) =
        lifecycle::sort_params(q.sort_by.as_deref(), q.sort_order.as_deref())?;
    let params = listings::Browse {
        query: q.query,
        category: q.category,
        tags: split_tags(q.tags.as_deref()),
        spec_filters: component_type_filter(q.component_type.as_deref())?
            .map(|t| ("component_type", t))
            .into_iter()
            .collect(),
        min_price: parse_price_filter("min_price", q.min_price)?,
        max_price: parse_price_filter("max_price", q.max_price)?,
        free_only: q.is_free.unwrap_or(false),
        featured_only: q.is_featured.unwrap_or(false),
        sort_by,
        sort_order,
        default_sort: Some(SortBy::CreatedAt),
        ..Default::default()
    };
    let (rows, total) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    Ok(super::lifecycle::paged(
        "components",
        rows.iter().map(item).collect(),
        total,
        page,
    ))
}

/// `GET /components/{id}`: code, config and the latest ratings.
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = component_id(&id)?;
    let row = listings::visible(&state, p.as_ref(), KIND, id).await?;
    let spec = components::spec(&row)?;
    let ratings = listings::recent_reviews(&state, &row, 5).await?;
    let mut v = item(&row);
    if let Some(o) = v.as_object_mut() {
        o.insert("code".into(), json!(spec.code));
        o.insert("config_schema".into(), spec.config_schema);
        o.insert("dependencies".into(), json!(spec.dependencies));
        o.insert("css_dependencies".into(), json!(spec.css_dependencies));
        o.insert("preview_url".into(), json!(spec.preview_url));
        o.insert("demo_url".into(), json!(spec.demo_url));
        o.insert(
            "recent_ratings".into(),
            ratings
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "rating": rating_value(r.rating),
                        "review": r.review,
                        "helpful_count": r.helpful_count,
                        "created_at": r.created_at,
                    })
                })
                .collect(),
        );
    }
    Ok(Json(v))
}

/// `POST /components`: a draft for `components/publish` to submit.
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<ComponentInput>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let row = components::create(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": row.id, "component_id": row.id, "status": row.status })),
    ))
}

#[derive(Deserialize)]
pub struct PublishBody {
    component_id: String,
    price: Option<f64>,
    license: Option<String>,
    tags: Option<Vec<String>>,
}

/// `POST /components/publish`
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<PublishBody>,
) -> Result<Json<Value>, MarketError> {
    let req = Publish {
        price: b.price,
        license: b.license,
        tags: b.tags,
    };
    let row = components::publish(&state, &p, component_id(&b.component_id)?, &req).await?;
    Ok(Json(json!({
        "status": "submitted_for_approval",
        "component_id": row.id,
        "message": "Component submitted for marketplace review. You will be notified once approved.",
    })))
}

/// `POST /components/{id}/approve` (operators)
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<super::lifecycle::ApproveQuery>,
) -> Result<Json<Value>, MarketError> {
    let id = component_id(&id)?;
    let hash = q.content_hash.as_deref();
    let row = listings::decide_pinned(&state, &p, KIND, id, Decision::Approve, hash).await?;
    Ok(Json(
        json!({ "status": row.status, "component_id": row.id }),
    ))
}

/// `POST /components/{id}/reject?reason=` (operators)
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<Value>, MarketError> {
    let decision = Decision::Reject(q.reason.unwrap_or_default());
    let row = listings::decide(&state, &p, KIND, component_id(&id)?, decision).await?;
    Ok(Json(json!({
        "status": row.status,
        "component_id": row.id,
        "reason": row.rejection_reason,
    })))
}

#[derive(Deserialize)]
pub struct InstallBody {
    component_id: String,
    canvas_id: String,
}

/// `POST /components/install`: onto one of the tenant's canvases.
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<InstallBody>,
) -> Result<Json<Value>, MarketError> {
    let id = component_id(&b.component_id)?;
    let canvas_id = parse_id(
        &b.canvas_id,
        MarketError::new(ErrorCode::NotFound, "Canvas not found"),
    )?;
    components::install(&state, &p, id, canvas_id).await?;
    Ok(Json(json!({
        "status": "installed",
        "component_id": id,
        "canvas_id": canvas_id,
        "message": "Component installed successfully",
    })))
}

/// `POST /components/{id}/rate` (`PUT` replaces the caller's rating)
pub async fn rate(
    State(state): State<AppState>,
    method: Method,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<Value>, MarketError> {
    let id = component_id(&id)?;
    let r = lifecycle::rate(&state, &method, &p, KIND, id, req).await?;
    Ok(Json(json!({
        "status": "rated",
        "component_id": id,
        "rating": rating_value(r.rating),
        "aggregate_rating": r.new_average,
    })))
}

/// `GET /components/{id}/ratings`
pub async fn ratings(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 20, 100)?;
    let id = component_id(&id)?;
    let (rows, total) = listings::reviews_page(&state, p.as_ref(), KIND, id, page).await?;
    Ok(Json(json!({
        "ratings": rows.iter().map(review).collect::<Vec<_>>(),
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

/// `GET /categories`
pub async fn categories(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let rows = listings::categories(&state, KIND).await?;
    Ok(Json(json!({ "categories": name_counts(rows) })))
}

/// `GET /tags`
pub async fn tags(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let rows = listings::tags(&state, KIND).await?;
    Ok(Json(json!({ "tags": name_counts(rows) })))
}

#[derive(Deserialize)]
pub struct CanvasBody {
    name: String,
}

/// `POST /api/canvases`
pub async fn create_canvas(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<CanvasBody>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let c = components::create_canvas(&state, &p, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": c.id, "name": c.name, "components": [], "created_at": c.created_at })),
    ))
}

/// `GET /api/canvases`
pub async fn list_canvases(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, MarketError> {
    let rows = components::canvases(&state, &p).await?;
    Ok(Json(json!({
        "canvases": rows.iter().map(|c| json!({ "id": c.id, "name": c.name, "created_at": c.created_at })).collect::<Vec<_>>(),
    })))
}

/// `GET /api/canvases/{id}`: with its installed components.
pub async fn get_canvas(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Canvas not found"),
    )?;
    let (c, placed) = components::canvas(&state, &p, id).await?;
    Ok(Json(json!({
        "id": c.id,
        "name": c.name,
        "created_at": c.created_at,
        "components": placed.iter().map(|x| json!({
            "component_id": x.listing_id,
            "name": x.name,
            "version": x.version,
            "installed_at": x.installed_at,
        })).collect::<Vec<_>>(),
    })))
}
