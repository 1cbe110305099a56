//! The Canvas Component Marketplace (`/api/canvas-marketplace/**`, with
//! `/api/components/**` as its legacy alias) and the tenant's canvases.

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, name_counts, ApproveQuery, NameCount, ReasonQuery, ReviewPageQuery};
use super::skill_wire::rating_value;
use app::backend::services::components::{self, Publish};
use app::backend::services::deprecation;
use app::backend::services::listings::{self, Decision};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::component::{component_type_filter, schemas, ComponentInput, ComponentSpec};
use app::model::component::{CanvasRecord, PlacedComponent};
use app::model::deprecation::{DeprecationFields, InstallWarning};
use app::model::kind::ListingKind;
use app::model::listing::Listing;
use app::model::listing::Review;
use app::model::listing::{parse_price_filter, split_tags, ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::schema::{self, of};
use app::model::skill::RateRequest;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::CanvasComponent;

/// Nested at `/canvas-marketplace/components` and at its legacy alias
/// `/components`: both are documented, each with its own operation ids.
pub fn component_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(browse, create))
        .routes(routes!(publish))
        .routes(routes!(install))
        .routes(routes!(detail))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(rate_once, rate_again))
        .routes(routes!(ratings))
}

/// `/canvas-marketplace/categories`, `/canvas-marketplace/tags` and
/// `/canvases/**`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(tags))
        .routes(routes!(create_canvas, list_canvases))
        .routes(routes!(get_canvas))
}

fn component_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

fn canvas_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(
        raw,
        MarketError::new(ErrorCode::NotFound, "Canvas not found"),
    )
}

fn spec_text(r: &Listing, field: &str) -> Option<String> {
    r.spec.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// `rating_value`'s wire form: a whole rating is an integer (`5`), a
/// half stays a float; either way a JSON Schema number.
fn rating(r: f64) -> Value {
    rating_value(r)
}

/// A component as browse lists it.
#[derive(Serialize, ToSchema)]
pub struct ComponentItem {
    id: Uuid,
    name: String,
    description: String,
    category: Option<String>,
    /// A lowercase identifier (`component`, `widget`, `canvas`, ...).
    component_type: Option<String>,
    tags: Vec<String>,
    version: Option<String>,
    thumbnail_url: Option<String>,
    price: f64,
    is_free: bool,
    is_featured: bool,
    license: Option<String>,
    installs: i32,
    /// The mean of the ratings, two decimals (0 without any).
    rating: f64,
    rating_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

impl From<&Listing> for ComponentItem {
    fn from(r: &Listing) -> Self {
        ComponentItem {
            id: r.id,
            name: r.name.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            component_type: spec_text(r, "component_type"),
            tags: r.tags.clone(),
            version: spec_text(r, "version"),
            thumbnail_url: spec_text(r, "thumbnail_url"),
            price: r.price,
            is_free: r.price == 0.0,
            is_featured: r.is_featured,
            license: r.license.clone(),
            installs: r.installs,
            rating: r.rating(),
            rating_count: r.rating_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            deprecation: r.deprecation_fields(),
            origin: r.origin(),
        }
    }
}

/// A page of components.
#[derive(Serialize, ToSchema)]
pub struct ComponentPage {
    components: Vec<ComponentItem>,
    total: i64,
    limit: i64,
    offset: i64,
    has_more: bool,
}

/// One of the latest ratings a component's details show.
#[derive(Serialize, ToSchema)]
pub struct ComponentRecentRating {
    id: Uuid,
    #[schema(schema_with = rating_reply)]
    rating: Value,
    review: Option<String>,
    helpful_count: i32,
    created_at: DateTime<Utc>,
    /// The rater's tenant had the component installed when rating.
    verified_install: bool,
    /// The component's version then (verified ratings only).
    version: Option<String>,
}

/// A component with its code, config schema, assets and latest ratings.
#[derive(Serialize, ToSchema)]
pub struct ComponentDetail {
    #[serde(flatten)]
    item: ComponentItem,
    code: String,
    /// The JSON Schema of the component's config: an object or a boolean
    /// schema, `null` without one.
    #[schema(schema_with = config_schema)]
    config_schema: Value,
    dependencies: Vec<String>,
    css_dependencies: Vec<String>,
    preview_url: Option<String>,
    demo_url: Option<String>,
    recent_ratings: Vec<ComponentRecentRating>,
}

/// A rating with its votes and the publisher's answer.
#[derive(Serialize, ToSchema)]
pub struct ComponentRating {
    id: Uuid,
    #[schema(schema_with = rating_reply)]
    rating: Value,
    review: Option<String>,
    helpful_count: i32,
    not_helpful_count: i32,
    author_response: Option<String>,
    author_response_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// The rater's tenant had the component installed when rating.
    verified_install: bool,
    /// The component's version then (verified ratings only).
    version: Option<String>,
}

impl From<&Review> for ComponentRating {
    fn from(r: &Review) -> Self {
        ComponentRating {
            id: r.id,
            rating: rating(r.rating),
            review: r.review.clone(),
            helpful_count: r.helpful_count,
            not_helpful_count: r.not_helpful_count,
            author_response: r.author_response.clone(),
            author_response_at: r.author_response_at,
            created_at: r.created_at,
            verified_install: r.verified_install,
            version: r.version.clone(),
        }
    }
}

/// A page of a component's ratings.
#[derive(Serialize, ToSchema)]
pub struct ComponentRatingPage {
    ratings: Vec<ComponentRating>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// The browse filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComponentBrowseQuery {
    /// Search in names and descriptions.
    #[param(schema_with = free_text)]
    query: Option<String>,
    #[param(schema_with = free_text)]
    category: Option<String>,
    /// Comma-separated tags.
    #[param(schema_with = free_text)]
    tags: Option<String>,
    #[param(schema_with = schemas::component_type)]
    component_type: Option<String>,
    #[param(schema_with = price_filter)]
    min_price: Option<f64>,
    #[param(schema_with = price_filter)]
    max_price: Option<f64>,
    /// Free ones only.
    #[param(schema_with = flag)]
    is_free: Option<bool>,
    /// Featured ones only.
    #[param(schema_with = flag)]
    is_featured: Option<bool>,
    #[param(schema_with = sort_by)]
    sort_by: Option<String>,
    #[param(schema_with = sort_order)]
    sort_order: Option<String>,
    /// Deprecated ones too (skipped by default).
    #[param(schema_with = flag)]
    include_deprecated: Option<bool>,
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    #[param(schema_with = lifecycle::offset)]
    offset: Option<i64>,
}

fn free_text() -> RefOr<Schema> {
    of(json!({"type": "string", "pattern": schema::NO_NUL}))
}

fn config_schema() -> RefOr<Schema> {
    of(json!({"type": ["object", "boolean", "null"]}))
}

fn flag() -> RefOr<Schema> {
    of(json!({"type": "boolean"}))
}

fn price_filter() -> RefOr<Schema> {
    of(json!({"type": "number", "minimum": 0}))
}

fn sort_by() -> RefOr<Schema> {
    of(schema::one_of(SortBy::ALL, SortBy::as_str))
}

fn sort_order() -> RefOr<Schema> {
    use app::model::listing::SortOrder;
    of(schema::one_of(SortOrder::ALL, SortOrder::as_str))
}

/// Browse components (also /api/components)
#[utoipa::path(
    get,
    path = "/",
    tag = "Canvas Marketplace",
    params(ComponentBrowseQuery),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "A page of approved components (and the caller's own)", body = ComponentPage))
)]
pub async fn browse(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<ComponentBrowseQuery>,
) -> Result<Json<ComponentPage>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
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
        include_deprecated: q.include_deprecated.unwrap_or(false),
        sort_by,
        sort_order,
        default_sort: Some(SortBy::CreatedAt),
        ..Default::default()
    };
    let (rows, total) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    Ok(Json(ComponentPage {
        components: rows.iter().map(ComponentItem::from).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
        has_more: page.has_more(total),
    }))
}

/// Component details with code, config schema and recent ratings
#[utoipa::path(
    get,
    path = "/{component_id}",
    tag = "Canvas Marketplace",
    params(("component_id" = String, Path, description = "The component's id")),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The component", body = ComponentDetail))
)]
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<ComponentDetail>, MarketError> {
    let id = component_id(&id)?;
    let row = listings::visible(&state, p.as_ref(), KIND, id).await?;
    let spec: ComponentSpec = components::spec(&row)?;
    let ratings = listings::recent_reviews(&state, &row, 5).await?;
    Ok(Json(ComponentDetail {
        item: ComponentItem::from(&row),
        code: spec.code,
        config_schema: spec.config_schema,
        dependencies: spec.dependencies,
        css_dependencies: spec.css_dependencies,
        preview_url: spec.preview_url,
        demo_url: spec.demo_url,
        recent_ratings: ratings
            .iter()
            .map(|r| ComponentRecentRating {
                id: r.id,
                rating: rating(r.rating),
                review: r.review.clone(),
                helpful_count: r.helpful_count,
                created_at: r.created_at,
                verified_install: r.verified_install,
                version: r.version.clone(),
            })
            .collect(),
    }))
}

/// A draft component.
#[derive(Serialize, ToSchema)]
pub struct ComponentCreated {
    id: Uuid,
    /// The same id, under the name `components/publish` takes it.
    component_id: Uuid,
    status: ListingStatus,
}

/// Create a draft component
#[utoipa::path(
    post,
    path = "/",
    tag = "Canvas Marketplace",
    request_body = ComponentInput,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "A draft, for `publish` to submit", body = ComponentCreated))
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<ComponentInput>,
) -> Result<(StatusCode, Json<ComponentCreated>), MarketError> {
    let row = components::create(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ComponentCreated {
            id: row.id,
            component_id: row.id,
            status: row.status,
        }),
    ))
}

/// What `components/publish` takes: the draft and its market details.
#[derive(Deserialize, ToSchema)]
pub struct ComponentPublish {
    #[schema(schema_with = schemas::id)]
    component_id: String,
    /// `null` or absent: the draft's own.
    #[schema(schema_with = publish_price)]
    price: Option<f64>,
    #[schema(schema_with = publish_license)]
    license: Option<String>,
    #[schema(schema_with = publish_tags)]
    tags: Option<Vec<String>>,
}

/// A bound that also takes `null` (the field's absence, as serde reads it).
fn or_null(mut v: Value) -> RefOr<Schema> {
    let t = v["type"].clone();
    v["type"] = json!([t, "null"]);
    of(v)
}

fn publish_price() -> RefOr<Schema> {
    or_null(schema::price())
}

fn publish_license() -> RefOr<Schema> {
    or_null(app::model::bounds::ShortName::schema())
}

fn publish_tags() -> RefOr<Schema> {
    or_null(schema::tags())
}

/// A submission waiting for review.
#[derive(Serialize, ToSchema)]
pub struct ComponentSubmitted {
    #[schema(example = "submitted_for_approval")]
    status: &'static str,
    component_id: Uuid,
    message: &'static str,
}

/// Submit a draft component for review
#[utoipa::path(
    post,
    path = "/publish",
    tag = "Canvas Marketplace",
    request_body = ComponentPublish,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Submitted for review", body = ComponentSubmitted))
)]
pub async fn publish(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<ComponentPublish>,
) -> Result<Json<ComponentSubmitted>, MarketError> {
    let req = Publish {
        price: b.price,
        license: b.license,
        tags: b.tags,
    };
    let row = components::publish(&state, &p, component_id(&b.component_id)?, &req).await?;
    Ok(Json(ComponentSubmitted {
        status: "submitted_for_approval",
        component_id: row.id,
        message: "Component submitted for marketplace review. You will be notified once approved.",
    }))
}

/// An operator's approval.
#[derive(Serialize, ToSchema)]
pub struct ComponentApproved {
    status: ListingStatus,
    component_id: Uuid,
}

/// Approve a component
#[utoipa::path(
    post,
    path = "/{component_id}/approve",
    tag = "Canvas Marketplace",
    params(
        ("component_id" = String, Path, description = "The component's id"),
        ApproveQuery,
    ),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Approved", body = ComponentApproved))
)]
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ApproveQuery>,
) -> Result<Json<ComponentApproved>, MarketError> {
    let id = component_id(&id)?;
    let hash = q.content_hash.as_deref();
    let row = listings::decide_pinned(&state, &p, KIND, id, Decision::Approve, hash).await?;
    Ok(Json(ComponentApproved {
        status: row.status,
        component_id: row.id,
    }))
}

/// An operator's rejection and its reason.
#[derive(Serialize, ToSchema)]
pub struct ComponentRejected {
    status: ListingStatus,
    component_id: Uuid,
    reason: Option<String>,
}

/// Reject a component with a reason
#[utoipa::path(
    post,
    path = "/{component_id}/reject",
    tag = "Canvas Marketplace",
    params(
        ("component_id" = String, Path, description = "The component's id"),
        ReasonQuery,
    ),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Rejected", body = ComponentRejected))
)]
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<ComponentRejected>, MarketError> {
    let decision = Decision::Reject(q.reason.unwrap_or_default());
    let row = listings::decide(&state, &p, KIND, component_id(&id)?, decision).await?;
    Ok(Json(ComponentRejected {
        status: row.status,
        component_id: row.id,
        reason: row.rejection_reason,
    }))
}

/// What `components/install` takes.
#[derive(Deserialize, ToSchema)]
pub struct ComponentInstall {
    #[schema(schema_with = schemas::id)]
    component_id: String,
    /// One of the tenant's canvases (`POST /api/canvases`).
    #[schema(schema_with = schemas::id)]
    canvas_id: String,
}

/// A component placed on a canvas.
#[derive(Serialize, ToSchema)]
pub struct ComponentInstalled {
    #[schema(example = "installed")]
    status: &'static str,
    component_id: Uuid,
    canvas_id: Uuid,
    message: &'static str,
    /// `LISTING_DEPRECATED` when the listing is deprecated (installed all the same).
    warnings: Vec<InstallWarning>,
}

/// Install a component onto one of the tenant's canvases
#[utoipa::path(
    post,
    path = "/install",
    tag = "Canvas Marketplace",
    request_body = ComponentInstall,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Placed on the canvas (placing it twice changes nothing)", body = ComponentInstalled))
)]
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<ComponentInstall>,
) -> Result<Json<ComponentInstalled>, MarketError> {
    let id = component_id(&b.component_id)?;
    let canvas_id = canvas_id(&b.canvas_id)?;
    components::install(&state, &p, id, canvas_id).await?;
    Ok(Json(ComponentInstalled {
        status: "installed",
        component_id: id,
        canvas_id,
        message: "Component installed successfully",
        warnings: deprecation::install_warnings_of(&state, id).await?,
    }))
}

/// A rating of a component: 1 to 5 in whole stars.
#[derive(ToSchema)]
#[allow(dead_code)] // documents RateRequest as these routes bound it
pub struct ComponentRate {
    #[schema(schema_with = whole_stars)]
    rating: f64,
    #[schema(schema_with = review_text)]
    review: Option<String>,
}

fn whole_stars() -> RefOr<Schema> {
    of(app::model::bounds::Rating::schema(1.0))
}

fn rating_reply() -> RefOr<Schema> {
    of(app::model::bounds::Rating::reply_schema())
}

fn review_text() -> RefOr<Schema> {
    or_null(app::model::bounds::ReviewText::schema())
}

/// The caller's rating and the new average.
#[derive(Serialize, ToSchema)]
pub struct ComponentRated {
    #[schema(example = "rated")]
    status: &'static str,
    component_id: Uuid,
    #[schema(schema_with = rating_reply)]
    rating: Value,
    aggregate_rating: f64,
    /// The rater's tenant had the component installed when rating.
    verified_install: bool,
    /// The component's version then (verified ratings only).
    version: Option<String>,
}

async fn rate(
    state: AppState,
    method: Method,
    p: app::backend::auth::Principal,
    id: String,
    req: RateRequest,
) -> Result<Json<ComponentRated>, MarketError> {
    let id = component_id(&id)?;
    let r = lifecycle::rate(&state, &method, &p, KIND, id, req).await?;
    Ok(Json(ComponentRated {
        status: "rated",
        component_id: id,
        rating: rating(r.rating),
        aggregate_rating: r.new_average,
        verified_install: r.verified_install,
        version: r.version,
    }))
}

/// Rate and review a component
#[utoipa::path(
    post,
    path = "/{component_id}/rate",
    tag = "Canvas Marketplace",
    params(("component_id" = String, Path, description = "The component's id")),
    request_body = ComponentRate,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The rating and the new average", body = ComponentRated))
)]
pub async fn rate_once(
    State(state): State<AppState>,
    method: Method,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<ComponentRated>, MarketError> {
    rate(state, method, p, id, req).await
}

/// Replace the caller's rating
#[utoipa::path(
    put,
    path = "/{component_id}/rate",
    tag = "Canvas Marketplace",
    params(("component_id" = String, Path, description = "The component's id")),
    request_body = ComponentRate,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The rating and the new average", body = ComponentRated))
)]
pub async fn rate_again(
    State(state): State<AppState>,
    method: Method,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<ComponentRated>, MarketError> {
    rate(state, method, p, id, req).await
}

/// Ratings with helpful counts and author responses
#[utoipa::path(
    get,
    path = "/{component_id}/ratings",
    tag = "Canvas Marketplace",
    params(
        ("component_id" = String, Path, description = "The component's id"),
        ReviewPageQuery,
    ),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "A page of ratings, newest first", body = ComponentRatingPage))
)]
pub async fn ratings(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReviewPageQuery>,
) -> Result<Json<ComponentRatingPage>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 20, PageParams::MAX_LIMIT)?;
    let id = component_id(&id)?;
    let verified_only = q.verified_only.unwrap_or(false);
    let (rows, total) =
        listings::reviews_page(&state, p.as_ref(), KIND, id, verified_only, page).await?;
    Ok(Json(ComponentRatingPage {
        ratings: rows.iter().map(ComponentRating::from).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Component categories with the number of approved components in each.
#[derive(Serialize, ToSchema)]
pub struct ComponentCategories {
    categories: Vec<NameCount>,
}

/// Component categories with counts
#[utoipa::path(
    get,
    path = "/canvas-marketplace/categories",
    tag = "Canvas Marketplace",
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "Categories with counts", body = ComponentCategories))
)]
pub async fn categories(
    State(state): State<AppState>,
) -> Result<Json<ComponentCategories>, MarketError> {
    let rows = listings::categories(&state, KIND).await?;
    Ok(Json(ComponentCategories {
        categories: name_counts(rows),
    }))
}

/// The most used component tags with their counts.
#[derive(Serialize, ToSchema)]
pub struct ComponentTags {
    tags: Vec<NameCount>,
}

/// Popular component tags with counts
#[utoipa::path(
    get,
    path = "/canvas-marketplace/tags",
    tag = "Canvas Marketplace",
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "Tags with counts", body = ComponentTags))
)]
pub async fn tags(State(state): State<AppState>) -> Result<Json<ComponentTags>, MarketError> {
    let rows = listings::tags(&state, KIND).await?;
    Ok(Json(ComponentTags {
        tags: name_counts(rows),
    }))
}

/// What `POST /api/canvases` takes.
#[derive(Deserialize, ToSchema)]
pub struct CanvasInput {
    #[schema(schema_with = schemas::display_name)]
    name: String,
}

/// A component placed on a canvas.
#[derive(Serialize, ToSchema)]
pub struct CanvasComponent {
    component_id: Uuid,
    name: String,
    version: Option<String>,
    installed_at: DateTime<Utc>,
}

impl From<&PlacedComponent> for CanvasComponent {
    fn from(x: &PlacedComponent) -> Self {
        CanvasComponent {
            component_id: x.listing_id,
            name: x.name.clone(),
            version: x.version.clone(),
            installed_at: x.installed_at,
        }
    }
}

/// A canvas with the components placed on it.
#[derive(Serialize, ToSchema)]
pub struct Canvas {
    id: Uuid,
    name: String,
    components: Vec<CanvasComponent>,
    created_at: DateTime<Utc>,
}

/// A canvas as the list shows it.
#[derive(Serialize, ToSchema)]
pub struct CanvasSummary {
    id: Uuid,
    name: String,
    created_at: DateTime<Utc>,
}

impl From<&CanvasRecord> for CanvasSummary {
    fn from(c: &CanvasRecord) -> Self {
        CanvasSummary {
            id: c.id,
            name: c.name.clone(),
            created_at: c.created_at,
        }
    }
}

/// The tenant's canvases.
#[derive(Serialize, ToSchema)]
pub struct CanvasList {
    canvases: Vec<CanvasSummary>,
}

/// Create a canvas (components install into it)
#[utoipa::path(
    post,
    path = "/canvases",
    tag = "Canvases",
    request_body = CanvasInput,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The new, empty canvas", body = Canvas))
)]
pub async fn create_canvas(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<CanvasInput>,
) -> Result<(StatusCode, Json<Canvas>), MarketError> {
    let c = components::create_canvas(&state, &p, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(Canvas {
            id: c.id,
            name: c.name,
            components: Vec::new(),
            created_at: c.created_at,
        }),
    ))
}

/// The tenant's canvases
#[utoipa::path(
    get,
    path = "/canvases",
    tag = "Canvases",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The canvases", body = CanvasList))
)]
pub async fn list_canvases(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<CanvasList>, MarketError> {
    let rows = components::canvases(&state, &p).await?;
    Ok(Json(CanvasList {
        canvases: rows.iter().map(CanvasSummary::from).collect(),
    }))
}

/// One canvas with its installed components
#[utoipa::path(
    get,
    path = "/canvases/{id}",
    tag = "Canvases",
    params(("id" = String, Path, description = "The canvas's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The canvas", body = Canvas))
)]
pub async fn get_canvas(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Canvas>, MarketError> {
    let (c, placed) = components::canvas(&state, &p, canvas_id(&id)?).await?;
    Ok(Json(Canvas {
        id: c.id,
        name: c.name,
        created_at: c.created_at,
        components: placed.iter().map(CanvasComponent::from).collect(),
    }))
}
