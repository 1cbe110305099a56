//! `/api/packages/**`: whitelist requests, known vulnerabilities and the
//! tenant's package inventory.

use super::extract::{ApiJson, ApiQuery, Auth};
use app::backend::services::packages;
use app::backend::state::AppState;
use app::error::MarketError;
use app::model::package::{InstalledPackage, KnownVulnerability, PackageType, Severity};
use app::model::schema::{of, one_of, present};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inventory))
        .routes(routes!(request))
        .routes(routes!(vulnerabilities))
}

fn package_type() -> RefOr<Schema> {
    of(one_of(PackageType::ALL, PackageType::as_str))
}

fn package_name() -> RefOr<Schema> {
    of(json!({"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,60}$"}))
}

fn request_version() -> RefOr<Schema> {
    of(json!({"type": "string", "pattern": "^[0-9][0-9.]{0,20}$"}))
}

fn request_reason() -> RefOr<Schema> {
    of(present(app::model::package::MAX_REQUEST_REASON))
}

fn severity() -> RefOr<Schema> {
    of(json!({"type": "string", "enum": Severity::ALL.map(Severity::as_str)}))
}

/// A package the tenant asks the operators to whitelist.
#[derive(Deserialize, ToSchema)]
pub struct PackageRequestBody {
    /// The documented shape is one any registry accepts; other names are
    /// checked by the ecosystem's rules.
    #[schema(schema_with = package_name)]
    package_name: String,
    #[schema(schema_with = package_type)]
    package_type: String,
    /// A version or a range in the ecosystem's syntax (empty: any).
    #[serde(default)]
    #[schema(schema_with = request_version)]
    version: String,
    #[schema(schema_with = request_reason)]
    reason: String,
}

/// The request, pending an operator's decision.
#[derive(Serialize, ToSchema)]
pub struct PackageRequested {
    request_id: Uuid,
    /// The name in its registry's canonical form.
    package_name: String,
    package_type: PackageType,
    version: String,
    #[schema(example = "pending")]
    status: &'static str,
    created_at: DateTime<Utc>,
}

/// Ask operators to whitelist a package
#[utoipa::path(
    post,
    path = "/packages/request",
    tag = "Packages",
    request_body = PackageRequestBody,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The request, pending", body = PackageRequested))
)]
pub async fn request(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(b): ApiJson<PackageRequestBody>,
) -> Result<(StatusCode, Json<PackageRequested>), MarketError> {
    let r = packages::Request {
        package_name: b.package_name,
        package_type: b.package_type,
        version: b.version,
        reason: b.reason,
    };
    let (id, created_at, name) = packages::request(&state, &p, &r).await?;
    Ok((
        StatusCode::CREATED,
        Json(PackageRequested {
            request_id: id,
            package_name: name,
            // The service has parsed it already.
            package_type: PackageType::parse(&r.package_type)?,
            version: r.version.trim().to_owned(),
            status: "pending",
            created_at,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TypeQuery {
    /// Without it, the name is looked up in every ecosystem.
    #[param(schema_with = package_type)]
    package_type: Option<String>,
}

/// A known vulnerability of a range of versions.
#[derive(Serialize, ToSchema)]
pub struct Vulnerability {
    cve: String,
    #[schema(schema_with = severity)]
    severity: Severity,
    description: String,
    affected_versions: String,
    safe_version: Option<String>,
    package_type: PackageType,
}

impl From<KnownVulnerability> for Vulnerability {
    fn from(v: KnownVulnerability) -> Self {
        Vulnerability {
            cve: v.cve,
            severity: v.severity,
            description: v.description,
            affected_versions: v.affected_versions,
            safe_version: v.safe_version,
            package_type: v.package_type,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PackageVulnerabilities {
    /// The name in its registry's canonical form.
    package_name: String,
    vulnerabilities: Vec<Vulnerability>,
}

/// Known CVEs of a package by version range
#[utoipa::path(
    get,
    path = "/packages/{name}/vulnerabilities",
    tag = "Packages",
    params(("name" = String, Path, description = "The package's name"), TypeQuery),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = PackageVulnerabilities))
)]
pub async fn vulnerabilities(
    State(state): State<AppState>,
    Auth(_p): Auth,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<TypeQuery>,
) -> Result<Json<PackageVulnerabilities>, MarketError> {
    let (name, rows) = packages::vulnerabilities(&state, &name, q.package_type.as_deref()).await?;
    Ok(Json(PackageVulnerabilities {
        package_name: name,
        vulnerabilities: rows.into_iter().map(Vulnerability::from).collect(),
    }))
}

/// A package installed in the tenant.
#[derive(Serialize, ToSchema)]
pub struct InventoryPackage {
    package_name: String,
    package_type: PackageType,
    version: String,
    installed_at: DateTime<Utc>,
}

impl From<InstalledPackage> for InventoryPackage {
    fn from(r: InstalledPackage) -> Self {
        InventoryPackage {
            package_name: r.name,
            package_type: r.package_type,
            version: r.version,
            installed_at: r.installed_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PackageInventory {
    packages: Vec<InventoryPackage>,
}

/// The tenant's installed packages
#[utoipa::path(
    get,
    path = "/packages",
    tag = "Packages",
    extensions(("x-access" = json!("required"))),
    responses((status = 200, body = PackageInventory))
)]
pub async fn inventory(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<PackageInventory>, MarketError> {
    let rows = packages::inventory(&state, &p).await?;
    Ok(Json(PackageInventory {
        packages: rows.into_iter().map(InventoryPackage::from).collect(),
    }))
}
