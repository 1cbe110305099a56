//! Federation: the feed and bundles peers read (`/api/federation/**`,
//! behind `X-Federation-Key`), and the operators' peer routes
//! (`/api/admin/federation/**`).

use super::extract::{ApiJson, ApiQuery, Auth};
use app::backend::auth::Permission;
use app::backend::client_ip::ClientIp;
use app::backend::services::federation as service;
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::federation::{parse_route_kind, Bundle, FeedPage, PeerList, PutPeer, SyncReport};
use app::model::kind::ListingKind;
use app::model::schema;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(feed))
        .routes(routes!(bundle))
        .routes(routes!(list_peers))
        .routes(routes!(put_peer, delete_peer))
        .routes(routes!(sync_peer))
}

/// A peer that presented one of `FEDERATION_KEYS`. Federation off (no
/// keys): `404`, as if the routes did not exist; no key: `401`; a key
/// that is not one of them: `403 INVALID_FEDERATION_KEY`, logged with the
/// caller's address.
pub struct FederationPeer;

impl FromRequestParts<AppState> for FederationPeer {
    type Rejection = MarketError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, MarketError> {
        let keys = &state.settings.federation.keys;
        if keys.is_empty() {
            return Err(MarketError::route_not_found()
                .with_message("Federation is not enabled on this instance"));
        }
        let Some(presented) = parts
            .headers
            .get("x-federation-key")
            .map(|v| v.to_str().unwrap_or_default())
        else {
            return Err(MarketError::new(
                ErrorCode::AuthRequired,
                "X-Federation-Key is required",
            ));
        };
        if service::key_accepted(keys, presented) {
            return Ok(FederationPeer);
        }
        let ip = parts
            .extensions
            .get::<ClientIp>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        tracing::warn!(client_ip = %ip, "invalid federation key");
        Err(MarketError::new(
            ErrorCode::InvalidFederationKey,
            "Invalid Federation Key",
        ))
    }
}

fn kind_of(s: &str) -> Result<ListingKind, MarketError> {
    parse_route_kind(s).ok_or_else(MarketError::route_not_found)
}

fn limit() -> RefOr<Schema> {
    schema::of(app::model::page::PageParams::limit_schema(
        app::model::page::PageParams::MAX_LIMIT,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Continues a walk (wins over `updated_since`).
    cursor: Option<String>,
    /// Starts a walk here (RFC 3339, inclusive).
    #[param(format = DateTime)]
    updated_since: Option<String>,
    /// 50 by default, at most 100.
    #[param(schema_with = limit)]
    limit: Option<i64>,
}

/// The change feed of one kind's approved listings
#[utoipa::path(
    get,
    path = "/federation/v1/marketplace/{kind}",
    tag = "Federation",
    params(("kind" = String, Path, pattern = "^(skills|agents|domains|components|workflows)$"), FeedParams),
    extensions(("x-access" = json!("federation_key"))),
    responses((status = 200, description = "Listings by (updated_at, id); withdrawn ones as tombstones", body = FeedPage))
)]
pub async fn feed(
    State(state): State<AppState>,
    _peer: FederationPeer,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<FeedParams>,
) -> Result<Json<FeedPage>, MarketError> {
    let kind = kind_of(&kind)?;
    let q = service::FeedQuery::parse(q.cursor.as_deref(), q.updated_since.as_deref(), q.limit)?;
    Ok(Json(service::feed(&state, kind, q).await?))
}

/// The approved content of one listing, with its hash
#[utoipa::path(
    get,
    path = "/federation/v1/marketplace/{kind}/{id}/bundle",
    tag = "Federation",
    params(
        ("kind" = String, Path, pattern = "^(skills|agents|domains|components|workflows)$"),
        ("id" = String, Path, description = "The listing's id (a workflow template's string id)"),
    ),
    extensions(("x-access" = json!("federation_key"))),
    responses((status = 200, description = "The bundle", body = Bundle))
)]
pub async fn bundle(
    State(state): State<AppState>,
    _peer: FederationPeer,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Bundle>, MarketError> {
    let kind = kind_of(&kind)?;
    Ok(Json(service::bundle(&state, kind, &id).await?))
}

/// The registered peers (never their keys)
#[utoipa::path(
    get,
    path = "/admin/federation/peers",
    tag = "Federation",
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "Each peer's state", body = PeerList))
)]
pub async fn list_peers(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<PeerList>, MarketError> {
    Ok(Json(service::list_peers(&state, &p).await?))
}

/// Register or replace a peer
#[utoipa::path(
    put,
    path = "/admin/federation/peers/{name}",
    tag = "Federation",
    params(("name" = String, Path, pattern = "^[a-z0-9][a-z0-9_-]{0,62}$")),
    request_body = PutPeer,
    extensions(("x-access" = json!("operator"))),
    responses(
        (status = 201, description = "Registered", body = app::model::federation::Peer),
        (status = 200, description = "Replaced", body = app::model::federation::Peer),
    )
)]
pub async fn put_peer(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(name): Path<String>,
    body: Result<ApiJson<PutPeer>, MarketError>,
) -> Result<Response, MarketError> {
    // Who may call comes before what was sent: a tenant's call to this
    // operator route is 403 whatever its body.
    p.require(Permission::GovernanceApprove)?;
    let ApiJson(req) = body?;
    let (peer, created) = service::put_peer(&state, &p, &name, &req).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(peer)).into_response())
}

/// Remove a peer and its mirrored listings
#[utoipa::path(
    delete,
    path = "/admin/federation/peers/{name}",
    tag = "Federation",
    params(("name" = String, Path)),
    extensions(("x-access" = json!("operator"))),
    responses((status = 204, description = "Removed, with its mirrors"))
)]
pub async fn delete_peer(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(name): Path<String>,
) -> Result<StatusCode, MarketError> {
    service::delete_peer(&state, &p, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sync a peer now
#[utoipa::path(
    post,
    path = "/admin/federation/peers/{name}/sync",
    tag = "Federation",
    params(("name" = String, Path)),
    extensions(("x-access" = json!("operator"))),
    responses((status = 200, description = "What the sync did", body = SyncReport))
)]
pub async fn sync_peer(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(name): Path<String>,
) -> Result<Json<SyncReport>, MarketError> {
    let peer = service::peer_to_sync(&state, &p, &name).await?;
    match app::backend::federation_sync::sync_peer(&state, &peer).await? {
        Some(report) => Ok(Json(report)),
        None => Err(MarketError::conflict(
            ErrorCode::ConflictingOperation,
            "A sync of this peer is running",
        )),
    }
}
