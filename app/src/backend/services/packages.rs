//! Package governance: operators keep the whitelist and the vulnerability
//! table; tenants request packages; a skill's declared packages are
//! assessed against both, and against the tenant's inventory, at install.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::governance::{audit, AuditEntry};
use crate::backend::db::packages::{self as db, NewVulnerability, PackageRow};
use crate::backend::state::AppState;
use crate::backend::version_ranges::{admits_affected, PkgRange, PkgVersion};
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::listing::PackageRef;
use crate::model::package::{
    canonical_name, InstalledPackage, KnownVulnerability, PackageType, Severity,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

const MAX_VULNERABILITIES: usize = 200;

#[derive(Clone, Debug, Deserialize)]
pub struct VulnerabilityInput {
    pub cve: String,
    pub severity: String,
    #[serde(default)]
    pub description: String,
    pub affected_versions: String,
    pub safe_version: Option<String>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct PackageInput {
    #[schema(schema_with = package_type_schema)]
    pub package_type: String,
    pub whitelisted: bool,
    /// A lower bound such as `>=2.0`.
    #[schema(schema_with = allowed_versions_schema)]
    pub allowed_versions: Option<String>,
    /// The full list, replacing what is stored: `{cve, severity,
    /// description, affected_versions, safe_version?}` (documented empty:
    /// ranges follow each ecosystem's rules, which a schema cannot state).
    #[serde(default)]
    #[schema(schema_with = vulnerabilities_schema)]
    pub vulnerabilities: Vec<VulnerabilityInput>,
}

fn package_type_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use crate::model::schema;
    schema::of(schema::one_of(PackageType::ALL, PackageType::as_str))
}

fn allowed_versions_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    // Blank (or null) is no bound.
    crate::model::schema::of(json!({
        "type": ["string", "null"],
        "pattern": "^[\\t\\n\\x0b\\x0c\\r ]*(>=[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[\\t\\n\\x0b\\x0c\\r ]*)?$",
    }))
}

fn vulnerabilities_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(json!({"type": "array", "maxItems": 0, "items": {"type": "object"}}))
}

fn range_error(field: &str, raw: &str, e: String) -> MarketError {
    MarketError::validation(field, format!("'{raw}' is not a valid version range: {e}"))
}

/// `PUT /api/admin/packages/{name}`: whitelist state and the full
/// vulnerability list, validated with the ecosystem's range rules.
pub async fn put(
    state: &AppState,
    principal: &Principal,
    name: &str,
    input: &PackageInput,
) -> MarketResult<(PackageRow, Vec<KnownVulnerability>)> {
    principal.require(Permission::GovernanceApprove)?;
    let t = PackageType::parse(&input.package_type)?;
    let name = canonical_name(t, name)?;
    let allowed = input
        .allowed_versions
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(r) = allowed {
        PkgRange::parse(t, r).map_err(|e| range_error("allowed_versions", r, e))?;
    }
    if input.vulnerabilities.len() > MAX_VULNERABILITIES {
        return Err(MarketError::validation(
            "vulnerabilities",
            format!("At most {MAX_VULNERABILITIES} entries"),
        ));
    }
    for v in &input.vulnerabilities {
        if v.cve.trim().is_empty() || v.cve.len() > 64 {
            return Err(MarketError::validation("cve", "1 to 64 characters"));
        }
        PkgRange::parse(t, &v.affected_versions)
            .map_err(|e| range_error("affected_versions", &v.affected_versions, e))?;
        if let Some(s) = &v.safe_version {
            PkgVersion::parse(t, s).map_err(|e| {
                MarketError::validation("safe_version", format!("'{s}' is not a version: {e}"))
            })?;
        }
        crate::model::bounds::Description::parse("description", Some(v.description.as_str()))?;
    }
    let vulns: Vec<NewVulnerability> = input
        .vulnerabilities
        .iter()
        .map(|v| {
            Ok(NewVulnerability {
                cve: v.cve.trim(),
                severity: Severity::parse(&v.severity)?,
                description: &v.description,
                affected_versions: v.affected_versions.trim(),
                safe_version: v.safe_version.as_deref().map(str::trim),
            })
        })
        .collect::<MarketResult<_>>()?;
    let mut tx = state.pool.begin().await?;
    let before = db::get(&mut *tx, t, &name).await?;
    let row = db::put(
        &mut tx,
        t,
        &name,
        input.whitelisted,
        allowed,
        &vulns,
        principal.user_id,
    )
    .await?;
    audit(
        &mut *tx,
        AuditEntry {
            actor: principal,
            action: "package.update",
            target_type: "package",
            target_id: row.id,
            before: before.map(
                |b| json!({ "whitelisted": b.whitelisted, "allowed_versions": b.allowed_versions }),
            ),
            after: Some(json!({
                "package_type": t.as_str(),
                "name": name,
                "whitelisted": row.whitelisted,
                "allowed_versions": row.allowed_versions,
                "vulnerabilities": vulns.len(),
            })),
        },
    )
    .await?;
    let stored = db::vulnerabilities(&mut *tx, Some(t), &name).await?;
    tx.commit().await?;
    Ok((row, stored))
}

/// `GET /api/packages/{name}/vulnerabilities`: known CVEs by range.
pub async fn vulnerabilities(
    state: &AppState,
    name: &str,
    package_type: Option<&str>,
) -> MarketResult<(String, Vec<KnownVulnerability>)> {
    let t = package_type.map(PackageType::parse).transpose()?;
    // Without a type, the name is looked up as each ecosystem spells it. A
    // name no registry allows names no package: 404, like a malformed id.
    let name = canonical_name(t.unwrap_or(PackageType::Npm), name).map_err(|_| {
        MarketError::new(ErrorCode::NotFound, "Package not found")
            .with_details(json!({ "package_name": name }))
    })?;
    let mut rows = db::vulnerabilities(&state.pool, t, &name).await?;
    if t.is_none() {
        let py = canonical_name(PackageType::Python, &name)?;
        if py != name {
            rows.extend(db::vulnerabilities(&state.pool, Some(PackageType::Python), &py).await?);
        }
    }
    Ok((name, rows))
}

pub struct Request {
    pub package_name: String,
    pub package_type: String,
    pub version: String,
    pub reason: String,
}

/// `POST /api/packages/request`: asks the operators to whitelist a package.
pub async fn request(
    state: &AppState,
    principal: &Principal,
    r: &Request,
) -> MarketResult<(Uuid, chrono::DateTime<chrono::Utc>, String)> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let t = PackageType::parse(&r.package_type)?;
    let name = canonical_name(t, &r.package_name)?;
    let version = r.version.trim();
    if !version.is_empty()
        && PkgRange::parse(t, version).is_err()
        && PkgVersion::parse(t, version).is_err()
    {
        return Err(
            MarketError::new(ErrorCode::InvalidVersion, "Invalid version format")
                .with_details(json!({ "field": "version", "value": version })),
        );
    }
    let reason = r.reason.trim();
    let max = crate::model::package::MAX_REQUEST_REASON;
    if reason.is_empty() || reason.chars().count() > max {
        return Err(MarketError::validation(
            "reason",
            format!("A reason of 1 to {max} characters"),
        ));
    }
    let (id, at) = db::insert_request(
        &state.pool,
        db::NewRequest {
            tenant_id: principal.tenant_id,
            user_id: principal.user_id,
            package_type: t,
            package_name: &name,
            version,
            reason,
        },
    )
    .await?;
    Ok((id, at, name))
}

pub async fn inventory(
    state: &AppState,
    principal: &Principal,
) -> MarketResult<Vec<InstalledPackage>> {
    principal.require(Permission::SkillView)?;
    Ok(db::inventory(&state.pool, principal.tenant_id).await?)
}

/// What installing one declared package means for the tenant.
#[derive(Clone, Debug)]
pub struct PackagePlan {
    pub package_type: PackageType,
    pub name: String,
    pub version: String,
    pub whitelisted: bool,
    pub vulnerabilities: Vec<KnownVulnerability>,
    /// `installed` (already in the inventory), `will_install`, or `blocked`.
    pub status: &'static str,
    /// Why it blocks the install, when it does.
    pub problem: Option<MarketError>,
}

impl PackagePlan {
    pub fn to_json(&self) -> Value {
        json!({
            "package_name": self.name,
            "package_type": self.package_type.as_str(),
            "version": self.version,
            "whitelisted": self.whitelisted,
            "vulnerabilities": self.vulnerabilities.iter().map(vuln_json).collect::<Vec<_>>(),
            "status": self.status,
            "error": self.problem.as_ref().map(|p| p.code),
        })
    }
}

pub fn vuln_json(v: &KnownVulnerability) -> Value {
    json!({
        "cve": v.cve,
        "severity": v.severity,
        "description": v.description,
        "affected_versions": v.affected_versions,
        "safe_version": v.safe_version,
    })
}

/// Assesses each declared package, in order: whitelisted (and within the
/// allowed range), free of known vulnerabilities at every version its
/// requirement admits,
/// present in the inventory or installable.
pub async fn assess(
    db: &mut sqlx::PgConnection,
    tenant_id: Uuid,
    required_by: &str,
    declared: &[(PackageType, &PackageRef)],
    install_dependencies: bool,
) -> MarketResult<Vec<PackagePlan>> {
    let mut plans = Vec::with_capacity(declared.len());
    for (t, p) in declared {
        let name = canonical_name(*t, &p.name)?;
        let version = p.version.trim().to_owned();
        let record = db::get(&mut *db, *t, &name).await?;
        let vulns = db::vulnerabilities(&mut *db, Some(*t), &name).await?;
        let pinned = PkgVersion::pinned(*t, &version);
        let mut plan = PackagePlan {
            package_type: *t,
            name: name.clone(),
            version: version.clone(),
            whitelisted: record.as_ref().is_some_and(|r| r.whitelisted),
            vulnerabilities: Vec::new(),
            status: "will_install",
            problem: None,
        };
        let outside_allowed = match (
            record.as_ref().and_then(|r| r.allowed_versions.as_deref()),
            &pinned,
        ) {
            (Some(range), Some(v)) => PkgRange::parse(*t, range).is_ok_and(|r| !r.contains(v)),
            (Some(_), None) => !version.is_empty(),
            _ => false,
        };
        if !plan.whitelisted || outside_allowed {
            let mut details = json!({
                "package_name": name,
                "package_type": t.as_str(),
                "request_url": "/api/packages/request",
            });
            if outside_allowed {
                details["requested_version"] = json!(version);
                details["allowed_versions"] =
                    json!(record.as_ref().and_then(|r| r.allowed_versions.clone()));
            }
            plan.status = "blocked";
            plan.problem = Some(
                MarketError::new(
                    ErrorCode::PackageNotWhitelisted,
                    if outside_allowed {
                        format!("Version '{version}' of package '{name}' is not whitelisted.")
                    } else {
                        format!("Package '{name}' is not whitelisted. Contact administrator to request approval.")
                    },
                )
                .with_details(details),
            );
            plans.push(plan);
            continue;
        }
        // A range may resolve to any version it admits, so it is checked as
        // a whole: a pin, `~=2.0`, `^1.2.0` or no requirement at all.
        let hits: Vec<KnownVulnerability> = vulns
            .into_iter()
            .filter(|x| admits_affected(*t, &version, &x.affected_versions))
            .collect();
        if !hits.is_empty() {
            let safe = hits
                .iter()
                .filter_map(|h| h.safe_version.as_deref())
                .filter_map(|s| PkgVersion::parse(*t, s).ok().map(|v| (v, s.to_owned())))
                .reduce(|a, b| {
                    if b.0.compare(&a.0) == Some(std::cmp::Ordering::Greater) {
                        b
                    } else {
                        a
                    }
                })
                .map(|(_, s)| s);
            let later = safe
                .as_deref()
                .map(|s| format!(" Update to version {s} or later."))
                .unwrap_or_default();
            plan.status = "blocked";
            plan.problem = Some(
                MarketError::new(
                    ErrorCode::PackageVulnerability,
                    format!(
                        "Package '{name}' has {} known security vulnerabilities.{later}",
                        hits.len()
                    ),
                )
                .with_details(json!({
                    "package_name": name,
                    "current_version": version,
                    "safe_version": safe,
                    "vulnerabilities": hits.iter().map(|h| json!({
                        "severity": h.severity,
                        "cve": h.cve,
                        "description": h.description,
                    })).collect::<Vec<_>>(),
                })),
            );
            plan.vulnerabilities = hits;
            plans.push(plan);
            continue;
        }
        let requirement = PkgRange::requirement(*t, &version).ok().flatten();
        let present = db::inventory_items(&mut *db, tenant_id, *t, &name)
            .await?
            .iter()
            .any(|i| {
                let have = PkgVersion::parse(*t, &i.version).ok();
                match (&pinned, &have) {
                    (Some(want), Some(have)) => want == have,
                    (Some(_), None) => false,
                    // A range is met by a recorded version inside it, or by
                    // the same requirement recorded by another skill.
                    (None, _) => {
                        version.is_empty()
                            || i.version == version
                            || have.is_some_and(|h| {
                                requirement.as_ref().is_some_and(|r| r.contains(&h))
                            })
                    }
                }
            });
        if present {
            plan.status = "installed";
        } else if !install_dependencies {
            let command = match t {
                PackageType::Python => format!(
                    "pip install {name}{}",
                    if version.is_empty() {
                        String::new()
                    } else if pinned.is_some() {
                        format!("=={}", version.trim_start_matches('='))
                    } else {
                        version.clone()
                    }
                ),
                PackageType::Npm => format!(
                    "npm install {name}{}",
                    if version.is_empty() {
                        String::new()
                    } else {
                        format!("@{version}")
                    }
                ),
            };
            plan.status = "blocked";
            plan.problem = Some(
                MarketError::new(
                    ErrorCode::DependencyMissing,
                    format!("Required dependency '{name}' is not installed. Install it first."),
                )
                .with_details(json!({
                    "missing_package": name,
                    "required_by": required_by,
                    "install_command": command,
                })),
            );
        }
        plans.push(plan);
    }
    Ok(plans)
}

/// Records, for the requiring skill, every package its plan installs or
/// finds present: the inventory keeps each skill's requirement, so a later
/// skill's version never overwrites an earlier one's.
pub async fn install_planned(
    db: &mut sqlx::PgConnection,
    tenant_id: Uuid,
    required_by: Uuid,
    plans: &[PackagePlan],
) -> MarketResult<()> {
    for p in plans.iter().filter(|p| p.status != "blocked") {
        db::add_to_inventory(
            &mut *db,
            db::InventoryEntry {
                tenant_id,
                package_type: p.package_type,
                name: &p.name,
                version: p.version.trim_start_matches('='),
                required_by,
            },
        )
        .await?;
    }
    Ok(())
}
