//! The Public Marketplace API (`/api/public/v1/marketplace/**`): anonymous
//! reads; writes need an API key or OAuth token.

use super::extract::{parse_id, require_api_credential, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, name_counts, NameCount, ReviewPageQuery};
use super::skill_wire::{
    public_detail, public_item, query_text, rated, skill_type_filter, skill_type_param,
    sort_by_param, sort_order_param, PublicSkillDetail, PublicSkillPage, SkillRated, Stars,
};
use app::backend::services::{listings, skills};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{split_tags, ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::skill::{RateRequest, SkillInput};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Skill;
const TAG: &str = "Public Marketplace";

/// Mounted under `/api`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(browse))
        .routes(routes!(detail))
        .routes(routes!(rate))
        .routes(routes!(reviews))
        .routes(routes!(categories))
        .routes(routes!(tags))
        .routes(routes!(submit))
        .routes(routes!(flag))
}

fn cursor() -> RefOr<Schema> {
    app::model::schema::of(json!({
        "type": "string",
        "pattern": "^[0-9]{1,16}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "description": "The `next_cursor` of the previous page: pages by creation time (newest first, oldest with sort_order=asc) from there, however deep; sort_by and offset do not apply",
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseQuery {
    #[param(schema_with = query_text)]
    query: Option<String>,
    #[param(schema_with = query_text)]
    category: Option<String>,
    #[param(schema_with = query_text)]
    tags: Option<String>,
    #[param(schema_with = skill_type_param)]
    skill_type: Option<String>,
    is_free: Option<bool>,
    is_featured: Option<bool>,
    #[param(schema_with = sort_by_param)]
    sort_by: Option<String>,
    #[param(schema_with = sort_order_param)]
    sort_order: Option<String>,
    #[param(schema_with = lifecycle::page_limit)]
    limit: Option<i64>,
    #[param(schema_with = lifecycle::offset)]
    offset: Option<i64>,
    #[param(schema_with = cursor)]
    cursor: Option<String>,
    /// `true`: deprecated skills too (skipped by default).
    include_deprecated: Option<bool>,
}

/// Browse the public catalog
///
/// A full page in creation order links the next one with an RFC 8288
/// `Link: <...?cursor=...>; rel="next"` header.
#[utoipa::path(
    get,
    path = "/public/v1/marketplace/skills",
    tag = TAG,
    params(BrowseQuery),
    extensions(("x-access" = json!("optional"))),
    responses((
        status = 200,
        description = "A page of approved skills (and the caller's own), newest first unless sorted",
        body = PublicSkillPage,
        headers(
            ("Link" = String, description = "The next page, when this one is full and in creation order"),
            ("X-Total-Lower-Bound" = String, description = "`true` when `total` is the count's cap (10,100): at least that many match"),
        ),
    ))
)]
pub async fn browse(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<(HeaderMap, Json<PublicSkillPage>), MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, PageParams::MAX_LIMIT)?;
    let (sort_by, sort_order) =
        super::lifecycle::sort_params(q.sort_by.as_deref(), q.sort_order.as_deref())?;
    let params = listings::Browse {
        query: q.query.clone(),
        category: q.category.clone(),
        tags: split_tags(q.tags.as_deref()),
        spec_filters: skill_type_filter(q.skill_type.as_deref())?
            .into_iter()
            .collect(),
        free_only: q.is_free.unwrap_or(false),
        featured_only: q.is_featured.unwrap_or(false),
        include_deprecated: q.include_deprecated.unwrap_or(false),
        sort_by,
        sort_order,
        default_sort: Some(SortBy::CreatedAt),
        after: q
            .cursor
            .as_deref()
            .map(app::model::page::Cursor::parse)
            .transpose()?,
        ..Default::default()
    };
    let keyset = params.after.is_some();
    // Only a page in creation order can be continued by a cursor.
    let by_creation = keyset
        || (q.query.as_deref().is_none_or(|t| t.trim().is_empty())
            && matches!(sort_by, None | Some(SortBy::CreatedAt)));
    let (rows, total) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    // Where the next page starts, for paging deep without an offset: an
    // RFC 8288 `Link: <…?cursor=…>; rel="next"` when the page is full (the
    // body keeps the reference's shape).
    let next_cursor = (by_creation && rows.len() as i64 == page.limit)
        .then(|| rows.last())
        .flatten()
        .map(|r| {
            app::model::page::Cursor {
                created_at: r.created_at,
                id: r.id,
            }
            .encode()
        });
    let shown = if keyset {
        PageParams { offset: 0, ..page }
    } else {
        page
    };
    let reply = PublicSkillPage {
        skills: rows.iter().map(public_item).collect(),
        total,
        limit: shown.limit,
        offset: shown.offset,
        has_more: if keyset {
            next_cursor.is_some()
        } else {
            shown.has_more(total)
        },
    };
    let mut headers = HeaderMap::new();
    // The body keeps the reference's keys: a total at the cap is said here.
    // Only the capped count answers exactly the cap; an exact count above
    // it (kind and category alone narrow) is no lower bound.
    if total == app::model::page::COUNT_CAP {
        headers.insert(
            HeaderName::from_static("x-total-lower-bound"),
            HeaderValue::from_static("true"),
        );
    }
    if let Some(c) = next_cursor {
        let link = format!(
            "</api/public/v1/marketplace/skills?{}>; rel=\"next\"",
            next_page_query(&q, &c, page.limit)
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, v);
        }
    }
    Ok((headers, Json(reply)))
}

/// The next page's query: the cursor and every filter of this one, so a
/// client following the link pages through the same result set.
fn next_page_query(q: &BrowseQuery, cursor: &str, limit: i64) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("cursor", cursor);
    out.append_pair("limit", &limit.to_string());
    out.append_pair("sort_order", q.sort_order.as_deref().unwrap_or("desc"));
    let texts = [
        ("query", &q.query),
        ("category", &q.category),
        ("tags", &q.tags),
        ("skill_type", &q.skill_type),
        ("sort_by", &q.sort_by),
    ];
    for (name, value) in texts {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            out.append_pair(name, v);
        }
    }
    let flags = [
        ("is_free", q.is_free),
        ("is_featured", q.is_featured),
        ("include_deprecated", q.include_deprecated),
    ];
    for (name, value) in flags {
        if value == Some(true) {
            out.append_pair(name, "true");
        }
    }
    out.finish()
}

/// Skill details with recent reviews
///
/// Approved skills only (the publisher's own unapproved one too, when it asks).
#[utoipa::path(
    get,
    path = "/public/v1/marketplace/skills/{id}",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id")),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The skill with its five newest reviews", body = PublicSkillDetail))
)]
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<PublicSkillDetail>, MarketError> {
    let id = parse_id(&id, KIND.not_found())?;
    let row = listings::visible(&state, p.as_ref(), KIND, id).await?;
    let recent = listings::recent_reviews(&state, &row, 5).await?;
    Ok(Json(public_detail(&row, &skills::spec(&row)?, &recent)))
}

#[derive(Serialize, ToSchema)]
pub struct PublicCategories {
    /// Category names of approved skills.
    categories: Vec<String>,
}

/// All categories
#[utoipa::path(
    get,
    path = "/public/v1/marketplace/categories",
    tag = TAG,
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The categories", body = PublicCategories))
)]
pub async fn categories(
    State(state): State<AppState>,
) -> Result<Json<PublicCategories>, MarketError> {
    let cats = listings::categories(&state, KIND).await?;
    Ok(Json(PublicCategories {
        categories: cats.into_iter().map(|(c, _)| c).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PublicTags {
    tags: Vec<NameCount>,
}

/// Tags with usage counts
#[utoipa::path(
    get,
    path = "/public/v1/marketplace/tags",
    tag = TAG,
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "Tags with counts", body = PublicTags))
)]
pub async fn tags(State(state): State<AppState>) -> Result<Json<PublicTags>, MarketError> {
    let tags = listings::tags(&state, KIND).await?;
    Ok(Json(PublicTags {
        tags: name_counts(tags),
    }))
}

/// A new skill in review.
#[derive(Serialize, ToSchema)]
pub struct PublicSubmitted {
    success: bool,
    skill_id: Uuid,
    status: ListingStatus,
    message: &'static str,
}

/// Submit a skill for review
#[utoipa::path(
    post,
    path = "/public/v1/marketplace/submit",
    tag = TAG,
    request_body = SkillInput,
    extensions(("x-access" = json!("key_or_token"))),
    responses((status = 201, description = "Submitted for review", body = PublicSubmitted))
)]
pub async fn submit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<SkillInput>,
) -> Result<(StatusCode, Json<PublicSubmitted>), MarketError> {
    require_api_credential(&p)?;
    let row = skills::submit_new(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicSubmitted {
            success: true,
            skill_id: row.id,
            status: row.status,
            message: "Skill submitted for marketplace review",
        }),
    ))
}

/// Rate a skill
#[utoipa::path(
    post,
    path = "/public/v1/marketplace/skills/{id}/rate",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id")),
    request_body = RateRequest,
    extensions(("x-access" = json!("key_or_token"))),
    responses((status = 200, description = "The rating and the new average", body = SkillRated))
)]
pub async fn rate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<SkillRated>, MarketError> {
    require_api_credential(&p)?;
    let id = parse_id(&id, KIND.not_found())?;
    let r = listings::rate(&state, &p, KIND, id, req.rating, req.review, false).await?;
    Ok(Json(rated(&r)))
}

#[derive(Serialize, ToSchema)]
pub struct PublicReview {
    id: Uuid,
    rating: Stars,
    review: Option<String>,
    created_at: DateTime<Utc>,
    helpful_count: i32,
    /// The rater's tenant had the skill installed when rating.
    verified_install: bool,
    /// The skill's version then (verified ratings only).
    version: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicReviews {
    reviews: Vec<PublicReview>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// Reviews of a skill
///
/// 20 a page unless asked, at most 100.
#[utoipa::path(
    get,
    path = "/public/v1/marketplace/skills/{id}/reviews",
    tag = TAG,
    params(("id" = String, Path, description = "The skill's id"), ReviewPageQuery),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "A page of visible reviews, newest first", body = PublicReviews))
)]
pub async fn reviews(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReviewPageQuery>,
) -> Result<Json<PublicReviews>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 20, PageParams::MAX_LIMIT)?;
    let id = parse_id(&id, KIND.not_found())?;
    let verified_only = q.verified_only.unwrap_or(false);
    let (rows, total) =
        listings::reviews_page(&state, p.as_ref(), KIND, id, verified_only, page).await?;
    Ok(Json(PublicReviews {
        reviews: rows
            .into_iter()
            .map(|r| PublicReview {
                id: r.id,
                rating: Stars::new(r.rating),
                review: r.review,
                created_at: r.created_at,
                helpful_count: r.helpful_count,
                verified_install: r.verified_install,
                version: r.version,
            })
            .collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// `?reason=`, required: 1 to 500 characters once trimmed.
#[derive(Deserialize)]
pub struct FlagQuery {
    reason: Option<String>,
}

// By hand: the derive never marks a `schema_with` parameter required.
impl IntoParams for FlagQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![lifecycle::query_param(
            "reason",
            true,
            app::model::schema::present(app::model::bounds::Reason::MAX),
        )]
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewFlagged {
    success: bool,
    review_id: Uuid,
    /// `flagged`.
    status: &'static str,
}

/// Flag a review for moderation
#[utoipa::path(
    post,
    path = "/public/v1/marketplace/reviews/{id}/flag",
    tag = TAG,
    params(("id" = String, Path, description = "The review's id"), FlagQuery),
    extensions(("x-access" = json!("key_or_token"))),
    responses((status = 200, description = "Flagged for moderation", body = ReviewFlagged))
)]
pub async fn flag(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FlagQuery>,
) -> Result<Json<ReviewFlagged>, MarketError> {
    require_api_credential(&p)?;
    let review_id = parse_id(
        &id,
        MarketError::route_not_found().with_message("Review not found"),
    )?;
    listings::flag_review(
        &state,
        &p,
        KIND,
        review_id,
        q.reason.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(ReviewFlagged {
        success: true,
        review_id,
        status: "flagged",
    }))
}
