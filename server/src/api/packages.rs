//! `/api/packages/**`: whitelist requests, known vulnerabilities and the
//! tenant's package inventory.

use super::extract::{ApiJson, ApiQuery, Auth};
use app::backend::services::packages::{self, vuln_json};
use app::backend::state::AppState;
use app::error::MarketError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct RequestBody {
    package_name: String,
    package_type: String,
    #[serde(default)]
    version: String,
    reason: String,
}

/// `POST /api/packages/request`
pub async fn request(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<RequestBody>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let r = packages::Request {
        package_name: b.package_name,
        package_type: b.package_type,
        version: b.version,
        reason: b.reason,
    };
    let (id, created_at, name) = packages::request(&state, &p, &r).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "request_id": id,
            "package_name": name,
            "package_type": r.package_type,
            "version": r.version.trim(),
            "status": "pending",
            "created_at": created_at,
        })),
    ))
}

#[derive(Deserialize)]
pub struct TypeQuery {
    package_type: Option<String>,
}

/// `GET /api/packages/{name}/vulnerabilities?package_type=`
pub async fn vulnerabilities(
    State(state): State<AppState>,
    Auth(_p): Auth,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<TypeQuery>,
) -> Result<Json<Value>, MarketError> {
    let (name, rows) = packages::vulnerabilities(&state, &name, q.package_type.as_deref()).await?;
    Ok(Json(json!({
        "package_name": name,
        "vulnerabilities": rows.iter().map(|v| {
            let mut j = vuln_json(v);
            j["package_type"] = json!(v.package_type);
            j
        }).collect::<Vec<_>>(),
    })))
}

/// `GET /api/packages`: the tenant's installed packages.
pub async fn inventory(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, MarketError> {
    let rows = packages::inventory(&state, &p).await?;
    Ok(Json(json!({
        "packages": rows.iter().map(|r| json!({
            "package_name": r.name,
            "package_type": r.package_type,
            "version": r.version,
            "installed_at": r.installed_at,
        })).collect::<Vec<_>>(),
    })))
}
