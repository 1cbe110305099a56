//! The Public Marketplace API (`/api/public/v1/marketplace/**`): anonymous
//! reads; writes need an API key or OAuth token.

use super::extract::{parse_id, require_api_credential, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{name_counts, PageQuery};
use super::skill_wire::{public_detail, public_item, rated, rating_value, skill_type_filter};
use app::backend::services::{listings, skills};
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::kind::ListingKind;
use app::model::listing::{split_tags, SortBy};
use app::model::page::PageParams;
use app::model::skill::{RateRequest, SkillInput};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

const KIND: ListingKind = ListingKind::Skill;

#[derive(Deserialize)]
pub struct BrowseQuery {
    query: Option<String>,
    category: Option<String>,
    tags: Option<String>,
    skill_type: Option<String>,
    is_free: Option<bool>,
    is_featured: Option<bool>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    cursor: Option<String>,
}

/// `GET /skills`
pub async fn browse(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<(HeaderMap, Json<Value>), MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 50, 100)?;
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
    let mut reply = super::lifecycle::paged(
        "skills",
        rows.iter().map(public_item).collect(),
        total,
        if keyset {
            PageParams { offset: 0, ..page }
        } else {
            page
        },
    );
    if keyset {
        reply.0["has_more"] = json!(next_cursor.is_some());
    }
    let mut headers = HeaderMap::new();
    if let Some(c) = next_cursor {
        let order = q.sort_order.as_deref().unwrap_or("desc");
        let link = format!(
            "</api/public/v1/marketplace/skills?cursor={c}&limit={}&sort_order={order}>; rel=\"next\"",
            page.limit
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, v);
        }
    }
    Ok((headers, reply))
}

/// `GET /skills/{skill_id}`: approved skills only (the publisher's own
/// unapproved one too, when it asks).
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(&id, KIND.not_found())?;
    let row = listings::visible(&state, p.as_ref(), KIND, id).await?;
    let recent = listings::recent_reviews(&state, &row, 5).await?;
    Ok(Json(public_detail(&row, &skills::spec(&row)?, &recent)))
}

/// `GET /categories`
pub async fn categories(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let cats = listings::categories(&state, KIND).await?;
    Ok(Json(
        json!({ "categories": cats.into_iter().map(|(c, _)| c).collect::<Vec<_>>() }),
    ))
}

/// `GET /tags`
pub async fn tags(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let tags = listings::tags(&state, KIND).await?;
    Ok(Json(json!({ "tags": name_counts(tags) })))
}

/// `POST /submit`
pub async fn submit(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<SkillInput>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    require_api_credential(&p)?;
    let row = skills::submit_new(&state, &p, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "success": true,
            "skill_id": row.id,
            "status": row.status,
            "message": "Skill submitted for marketplace review",
        })),
    ))
}

/// `POST /skills/{skill_id}/rate`
pub async fn rate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RateRequest>,
) -> Result<Json<Value>, MarketError> {
    require_api_credential(&p)?;
    let id = parse_id(&id, KIND.not_found())?;
    let r = listings::rate(&state, &p, KIND, id, req.rating, req.review, false).await?;
    Ok(Json(rated(&r)))
}

/// `GET /skills/{skill_id}/reviews`
pub async fn reviews(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 20, 100)?;
    let id = parse_id(&id, KIND.not_found())?;
    let (rows, total) = listings::reviews_page(&state, p.as_ref(), KIND, id, page).await?;
    Ok(Json(json!({
        "reviews": rows.iter().map(|r| json!({
            "id": r.id,
            "rating": rating_value(r.rating),
            "review": r.review,
            "created_at": r.created_at,
            "helpful_count": r.helpful_count,
        })).collect::<Vec<_>>(),
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

#[derive(Deserialize)]
pub struct FlagQuery {
    reason: Option<String>,
}

/// `POST /reviews/{review_id}/flag?reason=`
pub async fn flag(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FlagQuery>,
) -> Result<Json<Value>, MarketError> {
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
    Ok(Json(
        json!({ "success": true, "review_id": review_id, "status": "flagged" }),
    ))
}
