//! The package whitelist, vulnerability table, whitelist requests and
//! tenants' package inventory.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::package::{InstalledPackage, KnownVulnerability, PackageType, Severity};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PackageRow {
    pub id: Uuid,
    pub package_type: PackageType,
    pub name: String,
    pub whitelisted: bool,
    pub allowed_versions: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewVulnerability<'a> {
    pub cve: &'a str,
    pub severity: Severity,
    pub description: &'a str,
    pub affected_versions: &'a str,
    pub safe_version: Option<&'a str>,
}

pub async fn get(
    db: impl PgExecutor<'_>,
    package_type: PackageType,
    name: &str,
) -> Result<Option<PackageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, package_type, name, whitelisted, allowed_versions, updated_at FROM packages \
         WHERE package_type = $1 AND name = $2",
    )
    .bind(package_type)
    .bind(name)
    .fetch_optional(db)
    .await
}

/// Known vulnerabilities of a package, of one type or of every type.
pub async fn vulnerabilities(
    db: impl PgExecutor<'_>,
    package_type: Option<PackageType>,
    name: &str,
) -> Result<Vec<KnownVulnerability>, sqlx::Error> {
    sqlx::query_as(
        "SELECT package_type, name, cve, severity, description, affected_versions, safe_version \
         FROM package_vulnerabilities WHERE name = $1 AND ($2::text IS NULL OR package_type = $2) \
         ORDER BY package_type, cve",
    )
    .bind(name)
    .bind(package_type)
    .fetch_all(db)
    .await
}

/// Writes the package record and replaces its vulnerability list.
pub async fn put(
    db: &mut sqlx::PgConnection,
    package_type: PackageType,
    name: &str,
    whitelisted: bool,
    allowed_versions: Option<&str>,
    vulns: &[NewVulnerability<'_>],
    by: Uuid,
) -> Result<PackageRow, sqlx::Error> {
    let row: PackageRow = sqlx::query_as(
        "INSERT INTO packages (package_type, name, whitelisted, allowed_versions, updated_by) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (package_type, name) DO UPDATE SET \
         whitelisted = EXCLUDED.whitelisted, allowed_versions = EXCLUDED.allowed_versions, \
         updated_by = EXCLUDED.updated_by, updated_at = now() \
         RETURNING id, package_type, name, whitelisted, allowed_versions, updated_at",
    )
    .bind(package_type)
    .bind(name)
    .bind(whitelisted)
    .bind(allowed_versions)
    .bind(by)
    .fetch_one(&mut *db)
    .await?;
    sqlx::query("DELETE FROM package_vulnerabilities WHERE package_type = $1 AND name = $2")
        .bind(package_type)
        .bind(name)
        .execute(&mut *db)
        .await?;
    for v in vulns {
        sqlx::query(
            "INSERT INTO package_vulnerabilities (id, package_type, name, cve, severity, description, \
             affected_versions, safe_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::now_v7())
        .bind(package_type)
        .bind(name)
        .bind(v.cve)
        .bind(v.severity)
        .bind(v.description)
        .bind(v.affected_versions)
        .bind(v.safe_version)
        .execute(&mut *db)
        .await?;
    }
    if whitelisted {
        sqlx::query(
            "UPDATE package_requests SET status = 'approved' \
             WHERE package_type = $1 AND package_name = $2 AND status = 'pending'",
        )
        .bind(package_type)
        .bind(name)
        .execute(&mut *db)
        .await?;
    }
    Ok(row)
}

pub struct NewRequest<'a> {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub package_type: PackageType,
    pub package_name: &'a str,
    pub version: &'a str,
    pub reason: &'a str,
}

pub async fn insert_request(
    db: impl PgExecutor<'_>,
    r: NewRequest<'_>,
) -> Result<(Uuid, DateTime<Utc>), sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO package_requests (id, tenant_id, user_id, package_type, package_name, version, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(r.tenant_id)
    .bind(r.user_id)
    .bind(r.package_type)
    .bind(r.package_name)
    .bind(r.version)
    .bind(r.reason)
    .fetch_one(db)
    .await
}

/// The tenant's packages, one entry per package and recorded version
/// (several skills needing the same version show it once, from the first).
pub async fn inventory(
    pool: &PgPool,
    tenant_id: Uuid,
) -> Result<Vec<InstalledPackage>, sqlx::Error> {
    sqlx::query_as(
        "SELECT package_type, name, version, min(installed_at) AS installed_at FROM tenant_packages \
         WHERE tenant_id = $1 GROUP BY package_type, name, version ORDER BY package_type, name, 4, version",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// Every requirement of one package the tenant's skills recorded.
pub async fn inventory_items(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    package_type: PackageType,
    name: &str,
) -> Result<Vec<InstalledPackage>, sqlx::Error> {
    sqlx::query_as(
        "SELECT package_type, name, version, installed_at FROM tenant_packages \
         WHERE tenant_id = $1 AND package_type = $2 AND name = $3 ORDER BY installed_at",
    )
    .bind(tenant_id)
    .bind(package_type)
    .bind(name)
    .fetch_all(db)
    .await
}

pub struct InventoryEntry<'a> {
    pub tenant_id: Uuid,
    pub package_type: PackageType,
    pub name: &'a str,
    pub version: &'a str,
    /// The skill listing whose requirement this is.
    pub required_by: Uuid,
}

/// Records one skill's requirement of a package; the skill's own earlier
/// requirement (an older version of it) is replaced, no other skill's.
pub async fn add_to_inventory(
    db: impl PgExecutor<'_>,
    e: InventoryEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tenant_packages AS t (tenant_id, package_type, name, version, required_by) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, package_type, name, required_by) \
         DO UPDATE SET version = EXCLUDED.version, installed_at = now() \
         WHERE t.version IS DISTINCT FROM EXCLUDED.version",
    )
    .bind(e.tenant_id)
    .bind(e.package_type)
    .bind(e.name)
    .bind(e.version)
    .bind(e.required_by)
    .execute(db)
    .await
    .map(drop)
}
