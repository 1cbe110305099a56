//! The Domain Marketplace (`/api/v1/domains/marketplace/**`) and the
//! tenant's own domains (`/api/v1/domains`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, or_null, ApproveQuery, ReasonQuery};
use super::skill_wire::rating_value;
use app::backend::services::deprecation;
use app::backend::services::domains::{self, Submission};
use app::backend::services::listings::{self, Decision};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::deprecation::{DeprecationFields, InstallWarning};
use app::model::kind::ListingKind;
use app::model::listing::Listing;
use app::model::listing::{parse_price_filter, split_tags, ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::schema::{id, object, of, price, tags, NO_NUL};
use app::model::skill::RateRequest;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::borrow::Cow;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Domain;
const TAG: &str = "Domain Marketplace";

/// `/api/v1/domains`: the tenant's own domains.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list))
}

/// `/api/v1/domains/marketplace/**`, with the reference's `{domain_id}`.
pub fn marketplace_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(my_submissions))
        .routes(routes!(search))
        .routes(routes!(trending))
        .routes(routes!(stats))
        .routes(routes!(install))
        .routes(routes!(detail))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(rate_once, rate_again))
}

fn domain_id(raw: &str) -> Result<Uuid, MarketError> {
    parse_id(raw, KIND.not_found())
}

/// An approved domain, as search and details show it.
#[derive(Serialize, ToSchema)]
pub struct DomainItem {
    id: Uuid,
    domain_name: String,
    domain_slug: String,
    description: String,
    category: Option<String>,
    price_usd: f64,
    license_type: Option<String>,
    tags: Vec<String>,
    install_count: i32,
    /// The mean rating, two decimals (0 without ratings).
    rating_average: f64,
    rating_count: i32,
    publisher_tenant_id: Uuid,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

impl From<&Listing> for DomainItem {
    fn from(r: &Listing) -> Self {
        DomainItem {
            id: r.id,
            domain_name: r.name.clone(),
            domain_slug: r.slug.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            price_usd: r.price,
            license_type: r.license.clone(),
            tags: r.tags.clone(),
            install_count: r.installs,
            rating_average: r.rating(),
            rating_count: r.rating_count,
            publisher_tenant_id: r.publisher_tenant_id,
            deprecation: r.deprecation_fields(),
            origin: r.origin(),
        }
    }
}

/// A new domain: `name`, or its synonym `domain_name`, is required.
#[derive(Deserialize)]
pub struct DomainCreate {
    name: Option<String>,
    domain_name: Option<String>,
    description: Option<String>,
    category: Option<String>,
}

// By hand: "one of two fields is required" is an `anyOf`, which the
// derive cannot say (an object with both alternatives).
impl PartialSchema for DomainCreate {
    fn schema() -> RefOr<Schema> {
        // The required one is a string; the others may also be `null`.
        let properties = |required: &str| {
            let mut p = json!({
                "name": or_null(app::model::bounds::DisplayName::schema()),
                "domain_name": or_null(app::model::bounds::DisplayName::schema()),
                "description": or_null(app::model::bounds::Description::schema()),
                "category": or_null(app::model::bounds::ShortName::schema()),
            });
            p[required] = app::model::bounds::DisplayName::schema();
            object(&[required], p)
        };
        of(json!({
            "description": "`name`, or its synonym `domain_name`, is required",
            "anyOf": [properties("name"), properties("domain_name")],
        }))
    }
}

impl ToSchema for DomainCreate {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DomainCreate")
    }
}

/// The draft domain.
#[derive(Serialize, ToSchema)]
pub struct DomainCreated {
    id: Uuid,
    /// The same id, as the reference names it.
    domain_id: Uuid,
    name: String,
    status: ListingStatus,
}

/// Create a draft domain of the tenant
#[utoipa::path(
    post,
    path = "/v1/domains",
    tag = TAG,
    request_body = DomainCreate,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The draft domain", body = DomainCreated))
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<DomainCreate>,
) -> Result<(StatusCode, Json<DomainCreated>), MarketError> {
    // `domain_name` is a synonym; when both come, both must be valid.
    if let (Some(_), Some(synonym)) = (&b.name, &b.domain_name) {
        app::model::bounds::DisplayName::parse("domain_name", synonym)?.into_string();
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
        Json(DomainCreated {
            id: row.id,
            domain_id: row.id,
            name: row.name,
            status: row.status,
        }),
    ))
}

fn entry_status() -> RefOr<Schema> {
    of(json!({
        "type": "string",
        "description": "The listing's status for the tenant's own domains; `installed` for copies",
        "enum": ["draft", "pending_approval", "approved", "rejected", "suspended", "installed"],
    }))
}

fn entry_source() -> RefOr<Schema> {
    of(json!({"type": "string", "enum": ["created", "marketplace"]}))
}

/// One of the tenant's domains: created here, or installed from the
/// marketplace.
#[derive(Serialize, ToSchema)]
pub struct DomainEntry {
    id: Uuid,
    domain_id: Uuid,
    name: String,
    /// Null for an installed copy.
    description: Option<String>,
    category: Option<String>,
    #[schema(schema_with = entry_status)]
    status: String,
    #[schema(schema_with = entry_source)]
    source: &'static str,
    /// The marketplace domain an installed copy was made from.
    template_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainList {
    domains: Vec<DomainEntry>,
}

/// The tenant's own and installed domains
#[utoipa::path(
    get,
    path = "/v1/domains",
    tag = TAG,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = DomainList))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<DomainList>, MarketError> {
    let (own, installed) = domains::list(&state, &p).await?;
    let mut out: Vec<DomainEntry> = own
        .iter()
        .map(|r| DomainEntry {
            id: r.id,
            domain_id: r.id,
            name: r.name.clone(),
            description: Some(r.description.clone()),
            category: r.category.clone(),
            status: r.status.as_str().to_owned(),
            source: "created",
            template_id: None,
            created_at: r.created_at,
        })
        .collect();
    out.extend(installed.iter().map(|d| DomainEntry {
        id: d.id,
        domain_id: d.id,
        name: d.name.clone(),
        description: None,
        category: None,
        status: "installed".to_owned(),
        source: "marketplace",
        template_id: Some(d.template_id),
        created_at: d.created_at,
    }));
    Ok(Json(DomainList { domains: out }))
}

fn any_id() -> RefOr<Schema> {
    of(id())
}

fn price_usd() -> RefOr<Schema> {
    of(or_null(price()))
}

fn license_type() -> RefOr<Schema> {
    of(or_null(app::model::bounds::ShortName::schema()))
}

fn tag_list() -> RefOr<Schema> {
    of(or_null(tags()))
}

/// A draft domain sent for review with its marketplace details.
#[derive(Deserialize, ToSchema)]
pub struct DomainSubmit {
    #[schema(schema_with = any_id)]
    domain_id: String,
    #[schema(schema_with = price_usd)]
    price_usd: Option<f64>,
    #[schema(schema_with = license_type)]
    license_type: Option<String>,
    #[schema(schema_with = tag_list)]
    tags: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainSubmitted {
    success: bool,
    domain_id: Uuid,
    status: ListingStatus,
    price_usd: f64,
    license_type: Option<String>,
}

/// Submit a draft domain with price, license and tags
#[utoipa::path(
    post,
    path = "/submit",
    tag = TAG,
    request_body = DomainSubmit,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = DomainSubmitted))
)]
pub async fn submit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<DomainSubmit>,
) -> Result<Json<DomainSubmitted>, MarketError> {
    let s = Submission {
        price_usd: b.price_usd,
        license_type: b.license_type,
        tags: b.tags,
    };
    let row = domains::submit(&state, &p, domain_id(&b.domain_id)?, &s).await?;
    Ok(Json(DomainSubmitted {
        success: true,
        domain_id: row.id,
        status: row.status,
        price_usd: row.price,
        license_type: row.license,
    }))
}

/// A domain the tenant submitted.
#[derive(Serialize, ToSchema)]
pub struct DomainSubmission {
    domain_id: Uuid,
    domain_name: String,
    status: ListingStatus,
    price_usd: f64,
    install_count: i32,
    rating_average: f64,
}

/// Domains the tenant submitted
#[utoipa::path(
    get,
    path = "/my-submissions",
    tag = TAG,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = Vec<DomainSubmission>))
)]
pub async fn my_submissions(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Vec<DomainSubmission>>, MarketError> {
    let rows = domains::my_submissions(&state, &p).await?;
    Ok(Json(
        rows.iter()
            .map(|r| DomainSubmission {
                domain_id: r.id,
                domain_name: r.name.clone(),
                status: r.status,
                price_usd: r.price,
                install_count: r.installs,
                rating_average: r.rating(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DomainApproved {
    success: bool,
    domain_id: Uuid,
    status: ListingStatus,
}

/// Approve a domain
#[utoipa::path(
    post,
    path = "/{domain_id}/approve",
    tag = TAG,
    params(("domain_id" = String, Path, description = "The domain's id"), ApproveQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, body = DomainApproved))
)]
pub async fn approve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ApproveQuery>,
) -> Result<Json<DomainApproved>, MarketError> {
    let id = domain_id(&id)?;
    let hash = q.content_hash.as_deref();
    let row = listings::decide_pinned(&state, &p, KIND, id, Decision::Approve, hash).await?;
    Ok(Json(DomainApproved {
        success: true,
        domain_id: row.id,
        status: row.status,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct DomainRejected {
    success: bool,
    domain_id: Uuid,
    status: ListingStatus,
    reason: Option<String>,
}

/// Reject a domain with a reason
#[utoipa::path(
    post,
    path = "/{domain_id}/reject",
    tag = TAG,
    params(("domain_id" = String, Path, description = "The domain's id"), ReasonQuery),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, body = DomainRejected))
)]
pub async fn reject(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
) -> Result<Json<DomainRejected>, MarketError> {
    let decision = Decision::Reject(q.reason.unwrap_or_default());
    let row = listings::decide(&state, &p, KIND, domain_id(&id)?, decision).await?;
    Ok(Json(DomainRejected {
        success: true,
        domain_id: row.id,
        status: row.status,
        reason: row.rejection_reason,
    }))
}

fn any_text() -> RefOr<Schema> {
    of(json!({"type": "string", "pattern": NO_NUL}))
}

fn price_bound() -> RefOr<Schema> {
    of(json!({"type": "number", "minimum": 0}))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words of the name or description.
    #[param(schema_with = any_text)]
    q: Option<String>,
    #[param(schema_with = any_text)]
    category: Option<String>,
    /// Comma-separated tags.
    #[param(schema_with = any_text)]
    tags: Option<String>,
    #[param(schema_with = price_bound)]
    max_price: Option<f64>,
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    /// `true`: deprecated domains too (skipped by default).
    include_deprecated: Option<bool>,
}

/// Search approved domains
#[utoipa::path(
    get,
    path = "/search",
    tag = TAG,
    params(SearchQuery),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, body = Vec<DomainItem>))
)]
pub async fn search(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<DomainItem>>, MarketError> {
    let page = PageParams::parse(q.limit, None, 20, PageParams::MAX_LIMIT)?;
    let params = listings::Browse {
        query: q.q,
        category: q.category,
        tags: split_tags(q.tags.as_deref()),
        max_price: parse_price_filter("max_price", q.max_price)?,
        default_sort: Some(SortBy::Popularity),
        include_deprecated: q.include_deprecated.unwrap_or(false),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    Ok(Json(rows.iter().map(DomainItem::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendingQuery {
    #[param(schema_with = lifecycle::short_limit)]
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendingDomain {
    id: Uuid,
    domain_name: String,
    install_count: i32,
    rating_average: f64,
}

/// Domains by time-decayed recent installs
#[utoipa::path(
    get,
    path = "/trending",
    tag = TAG,
    params(TrendingQuery),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, body = Vec<TrendingDomain>))
)]
pub async fn trending(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TrendingQuery>,
) -> Result<Json<Vec<TrendingDomain>>, MarketError> {
    let page = PageParams::parse(q.limit, None, 10, PageParams::MAX_SHORT_LIMIT)?;
    let params = listings::Browse {
        sort_by: Some(SortBy::Trending),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, None, KIND, params, page).await?;
    Ok(Json(
        rows.iter()
            .map(|r| TrendingDomain {
                id: r.id,
                domain_name: r.name.clone(),
                install_count: r.installs,
                rating_average: r.rating(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DomainStats {
    /// Everything submitted (drafts are not counted).
    total_domains: i64,
    approved_domains: i64,
    pending_domains: i64,
    total_installs: i64,
}

/// Submission, approval and install counts
#[utoipa::path(
    get,
    path = "/stats",
    tag = TAG,
    extensions(("x-access" = json!("public"))),
    responses((status = 200, body = DomainStats))
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<DomainStats>, MarketError> {
    let s = domains::stats(&state).await?;
    Ok(Json(DomainStats {
        total_domains: s.total,
        approved_domains: s.approved,
        pending_domains: s.pending,
        total_installs: s.installs,
    }))
}

fn custom_name() -> RefOr<Schema> {
    of(or_null(app::model::bounds::DisplayName::schema()))
}

/// An approved domain to copy into the tenant.
#[derive(Deserialize, ToSchema)]
pub struct DomainInstall {
    #[schema(schema_with = any_id)]
    template_domain_id: String,
    /// The copy's name (default: the template's).
    #[schema(schema_with = custom_name)]
    custom_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainInstalled {
    success: bool,
    /// The tenant's new copy.
    domain_id: Uuid,
    domain_name: String,
    template_id: Uuid,
    /// `LISTING_DEPRECATED` when the listing is deprecated (installed all the same).
    warnings: Vec<InstallWarning>,
}

/// Install a domain under a custom name
#[utoipa::path(
    post,
    path = "/install",
    tag = TAG,
    request_body = DomainInstall,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = DomainInstalled))
)]
pub async fn install(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<DomainInstall>,
) -> Result<Json<DomainInstalled>, MarketError> {
    let id = domain_id(&b.template_domain_id)?;
    let row = domains::install(&state, &p, id, b.custom_name.as_deref()).await?;
    Ok(Json(DomainInstalled {
        success: true,
        domain_id: row.id,
        domain_name: row.name,
        template_id: row.template_id,
        warnings: deprecation::install_warnings_of(&state, id).await?,
    }))
}

fn half_stars() -> RefOr<Schema> {
    of(app::model::bounds::Rating::schema(0.5))
}

fn review_text() -> RefOr<Schema> {
    of(or_null(app::model::bounds::ReviewText::schema()))
}

/// A rating of a domain: 1.0 to 5.0 in halves.
#[derive(Deserialize, ToSchema)]
pub struct DomainRate {
    #[schema(schema_with = half_stars)]
    rating: f64,
    #[serde(default)]
    #[schema(schema_with = review_text)]
    review: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainRated {
    success: bool,
    domain_id: Uuid,
    /// The caller's rating: whole stars as integers, halves as numbers.
    #[schema(value_type = f64)]
    rating: Value,
    new_average: f64,
    total_ratings: i32,
    /// The rater's tenant had the domain installed when rating.
    verified_install: bool,
    /// The domain's version then (verified ratings only).
    version: Option<String>,
}

async fn rate(
    state: AppState,
    method: Method,
    p: app::backend::auth::Principal,
    id: String,
    b: DomainRate,
) -> Result<Json<DomainRated>, MarketError> {
    let id = domain_id(&id)?;
    let req = RateRequest {
        rating: b.rating,
        review: b.review,
    };
    let r = lifecycle::rate(&state, &method, &p, KIND, id, req).await?;
    Ok(Json(DomainRated {
        success: true,
        domain_id: id,
        rating: rating_value(r.rating),
        new_average: r.new_average,
        total_ratings: r.total_ratings,
        verified_install: r.verified_install,
        version: r.version,
    }))
}

/// Rate a domain (1.0 to 5.0 in halves)
#[utoipa::path(
    post,
    path = "/{domain_id}/rate",
    tag = TAG,
    params(("domain_id" = String, Path, description = "The domain's id")),
    request_body = DomainRate,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = DomainRated))
)]
pub async fn rate_once(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DomainRate>,
) -> Result<Json<DomainRated>, MarketError> {
    rate(state, Method::POST, p, id, b).await
}

/// Replace the caller's rating
#[utoipa::path(
    put,
    path = "/{domain_id}/rate",
    tag = TAG,
    params(("domain_id" = String, Path, description = "The domain's id")),
    request_body = DomainRate,
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = DomainRated))
)]
pub async fn rate_again(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DomainRate>,
) -> Result<Json<DomainRated>, MarketError> {
    rate(state, Method::PUT, p, id, b).await
}

/// Domain details
#[utoipa::path(
    get,
    path = "/{domain_id}",
    tag = TAG,
    params(("domain_id" = String, Path, description = "The domain's id")),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, body = DomainItem))
)]
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<DomainItem>, MarketError> {
    let row = listings::visible(&state, p.as_ref(), KIND, domain_id(&id)?).await?;
    Ok(Json(DomainItem::from(&row)))
}
