//! `/api/auth/*`: sign-up, log-in, log-out, and who am I.

use super::extract::{ApiJson, Auth};
use app::backend::client_ip::ClientIp;
use app::backend::services::accounts;
use app::backend::{session, state::AppState};
use app::error::MarketError;
use app::model::account::{AuthReply, LoginRequest, Me, SignupRequest};
use axum::{extract::State, http::StatusCode, Extension, Json};
use tower_sessions::Session;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Create a tenant and its owner; starts a session
#[utoipa::path(
    post,
    path = "/auth/signup",
    tag = "Accounts",
    request_body = SignupRequest,
    extensions(("x-access" = json!("public"))),
    responses((status = 201, description = "The new owner, signed in", body = AuthReply))
)]
pub async fn signup(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<AuthReply>), MarketError> {
    let reply = accounts::signup(&state, &req).await?;
    session::start(&session, reply.user_id).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

/// Log in; starts a new session
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "Accounts",
    request_body = LoginRequest,
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "Signed in", body = AuthReply))
)]
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    client: Option<Extension<ClientIp>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<AuthReply>, MarketError> {
    let client = client.map_or_else(ClientIp::unknown, |Extension(c)| c);
    let reply = accounts::login(&state, &req, &client).await?;
    session::start(&session, reply.user_id).await?;
    Ok(Json(reply))
}

/// End the session
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "Accounts",
    extensions(("x-access" = json!("optional"))),
    responses((status = 204, description = "Signed out (also without a session)"))
)]
pub async fn logout(session: Session) -> Result<StatusCode, MarketError> {
    session::end(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller, its permissions and credential kind
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "Accounts",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "Who is asking", body = Me))
)]
pub async fn me(Auth(principal): Auth) -> Json<Me> {
    Json(accounts::me(&principal))
}
