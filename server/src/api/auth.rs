//! `/api/auth/*`: sign-up, log-in, log-out, and who am I.

use super::extract::{ApiJson, Auth};
use app::backend::client_ip::ClientIp;
use app::backend::services::accounts;
use app::backend::{session, state::AppState};
use app::error::MarketError;
use app::model::account::{AuthReply, LoginRequest, Me, SignupRequest};
use axum::{extract::State, http::StatusCode, Extension, Json};
use tower_sessions::Session;

pub async fn signup(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<AuthReply>), MarketError> {
    let reply = accounts::signup(&state, &req).await?;
    session::start(&session, reply.user_id).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

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

pub async fn logout(session: Session) -> Result<StatusCode, MarketError> {
    session::end(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(Auth(principal): Auth) -> Json<Me> {
    Json(accounts::me(&principal))
}
