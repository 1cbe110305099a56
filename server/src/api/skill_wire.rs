//! The reference's wire shapes for skills, built from engine rows: one
//! named type per answer, which the OpenAPI document describes.

use app::backend::services::listings::Rated;
use app::backend::services::packages::PackagePlan;
use app::backend::services::skills::InstallPlan;
use app::error::MarketError;
use app::model::agent::Maturity;
use app::model::capability::Capabilities;
use app::model::deprecation::DeprecationFields;
use app::model::listing::Listing;
use app::model::listing::Review;
use app::model::listing::{ListingStatus, PackageRef, RiskLevel, SkillSpec, SkillType};
use app::model::package::PackageType;
use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A whole-number rating as an integer (`5`, not `5.0`); halves stay floats.
pub fn rating_value(r: f64) -> Value {
    if r.fract() == 0.0 && (0.0..=f64::from(app::model::bounds::Rating::MAX)).contains(&r) {
        json!(r as i64)
    } else {
        json!(r)
    }
}

/// A rating of one review: whole stars are sent as integers (`5`), halves
/// as numbers (`4.5`).
#[derive(Clone, Copy, Debug, PartialEq, ToSchema)]
pub struct Stars(f64);

impl Stars {
    pub fn new(rating: f64) -> Self {
        Stars(rating)
    }
}

impl Serialize for Stars {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        if r.fract() == 0.0 && (0.0..=f64::from(app::model::bounds::Rating::MAX)).contains(&r) {
            s.serialize_i64(r as i64)
        } else {
            s.serialize_f64(r)
        }
    }
}

/// Any JSON value (a publisher's schema or config, an error's details).
/// Spelt out: utoipa cannot read back the empty schema `{}` it writes for
/// `serde_json::Value`.
pub(super) fn any_json() -> RefOr<Schema> {
    app::model::schema::of(json!({
        "type": ["object", "array", "string", "number", "integer", "boolean", "null"]
    }))
}

/// The skill's type from its stored spec (`null` when it has none).
fn skill_type(row: &Listing) -> Option<SkillType> {
    serde_json::from_value(row.spec_field("skill_type")).ok()
}

/// `GET /api/skills/marketplace` items.
#[derive(Serialize, ToSchema)]
pub struct SkillMarketplaceItem {
    id: Uuid,
    name: String,
    description: String,
    category: Option<String>,
    skill_type: Option<SkillType>,
    price: f64,
    /// The mean rating, two decimals.
    rating: f64,
    rating_count: i32,
    installs: i32,
    tags: Vec<String>,
    is_approved: bool,
    created_at: DateTime<Utc>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

pub fn marketplace_item(row: &Listing) -> SkillMarketplaceItem {
    SkillMarketplaceItem {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        skill_type: skill_type(row),
        price: row.price,
        rating: row.rating(),
        rating_count: row.rating_count,
        installs: row.installs,
        tags: row.tags.clone(),
        is_approved: row.is_approved(),
        created_at: row.created_at,
        deprecation: row.deprecation_fields(),
        origin: row.origin(),
    }
}

/// `GET /api/public/v1/marketplace/skills` items.
#[derive(Serialize, ToSchema)]
pub struct PublicSkillItem {
    id: Uuid,
    name: String,
    description: String,
    category: Option<String>,
    skill_type: Option<SkillType>,
    price: f64,
    is_free: bool,
    /// The mean rating, two decimals.
    rating: f64,
    rating_count: i32,
    installs: i32,
    tags: Vec<String>,
    created_at: DateTime<Utc>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

pub fn public_item(row: &Listing) -> PublicSkillItem {
    PublicSkillItem {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        skill_type: skill_type(row),
        price: row.price,
        is_free: row.price == 0.0,
        rating: row.rating(),
        rating_count: row.rating_count,
        installs: row.installs,
        tags: row.tags.clone(),
        created_at: row.created_at,
        deprecation: row.deprecation_fields(),
        origin: row.origin(),
    }
}

/// A page of the public catalog. With `cursor`, `offset` is 0 and
/// `has_more` says whether a next page exists (its cursor is in the
/// `Link` header).
#[derive(Serialize, ToSchema)]
pub struct PublicSkillPage {
    pub skills: Vec<PublicSkillItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub has_more: bool,
}

/// What every skill detail shows.
#[derive(Serialize, ToSchema)]
pub struct SkillCore {
    id: Uuid,
    name: String,
    description: String,
    long_description: String,
    category: Option<String>,
    skill_type: SkillType,
    /// The JSON Schema of the skill's input.
    #[schema(schema_with = any_json)]
    input_schema: Value,
    /// The JSON Schema of the skill's output.
    #[schema(schema_with = any_json)]
    output_schema: Value,
    /// The publisher's default configuration.
    #[schema(schema_with = any_json)]
    config: Value,
    price: f64,
    is_free: bool,
    /// The mean rating, two decimals.
    rating: f64,
    rating_count: i32,
    installs: i32,
    tags: Vec<String>,
    license: Option<String>,
    documentation_url: Option<String>,
    repository_url: Option<String>,
    python_packages: Vec<PackageRef>,
    npm_packages: Vec<PackageRef>,
    created_at: DateTime<Utc>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

fn core(row: &Listing, spec: &SkillSpec) -> SkillCore {
    SkillCore {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        long_description: row.long_description.clone(),
        category: row.category.clone(),
        skill_type: spec.skill_type,
        input_schema: spec.input_schema.clone(),
        output_schema: spec.output_schema.clone(),
        config: spec.config.clone(),
        price: row.price,
        is_free: row.price == 0.0,
        rating: row.rating(),
        rating_count: row.rating_count,
        installs: row.installs,
        tags: row.tags.clone(),
        license: row.license.clone(),
        documentation_url: spec.documentation_url.clone(),
        repository_url: spec.repository_url.clone(),
        python_packages: spec.python_packages.clone(),
        npm_packages: spec.npm_packages.clone(),
        created_at: row.created_at,
        deprecation: row.deprecation_fields(),
        origin: row.origin(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecentReview {
    rating: Stars,
    review: Option<String>,
    created_at: DateTime<Utc>,
    /// The rater's tenant had the skill installed when rating.
    verified_install: bool,
    /// The skill's version then (verified ratings only).
    version: Option<String>,
}

/// A skill of the public catalog with its newest reviews.
#[derive(Serialize, ToSchema)]
pub struct PublicSkillDetail {
    #[serde(flatten)]
    skill: SkillCore,
    /// The five newest visible reviews.
    recent_reviews: Vec<RecentReview>,
}

pub fn public_detail(row: &Listing, spec: &SkillSpec, recent: &[Review]) -> PublicSkillDetail {
    PublicSkillDetail {
        skill: core(row, spec),
        recent_reviews: recent
            .iter()
            .map(|r| RecentReview {
                rating: Stars(r.rating),
                review: r.review.clone(),
                created_at: r.created_at,
                verified_install: r.verified_install,
                version: r.version.clone(),
            })
            .collect(),
    }
}

/// A skill as a tenant sees it: the public detail plus what it needs to
/// install it (config schema, risk, lifecycle).
#[derive(Serialize, ToSchema)]
pub struct SkillDetail {
    #[serde(flatten)]
    skill: SkillCore,
    /// The JSON Schema an install's config overrides must match.
    #[schema(schema_with = any_json)]
    config_schema: Value,
    risk_level: RiskLevel,
    /// The higher of `risk_level` and the risk the capabilities imply
    /// (`shell`/`docker` high, network or filesystem `write` medium):
    /// what installs are governed by.
    effective_risk_level: RiskLevel,
    /// What the skill may do, all five parts.
    capabilities: Capabilities,
    status: ListingStatus,
    version: Option<String>,
    active_installs: i32,
    publisher_tenant_id: Uuid,
    rejection_reason: Option<String>,
    updated_at: DateTime<Utc>,
}

pub fn skill_detail(row: &Listing, spec: &SkillSpec) -> SkillDetail {
    SkillDetail {
        skill: core(row, spec),
        config_schema: spec.config_schema.clone(),
        risk_level: spec.risk_level,
        effective_risk_level: spec.effective_risk_level(),
        capabilities: spec.capabilities.clone(),
        status: row.status,
        version: row.current_version.clone(),
        active_installs: row.active_installs,
        publisher_tenant_id: row.publisher_tenant_id,
        rejection_reason: row.rejection_reason.clone(),
        updated_at: row.updated_at,
    }
}

/// The reference's answer to a rating, shared by both rate routes.
#[derive(Serialize, ToSchema)]
pub struct SkillRated {
    success: bool,
    rating: Stars,
    new_average: f64,
    total_ratings: i32,
    /// The rater's tenant had the skill installed when rating.
    verified_install: bool,
    /// The skill's version then (verified ratings only).
    version: Option<String>,
}

pub fn rated(r: &Rated) -> SkillRated {
    SkillRated {
        success: true,
        rating: Stars(r.rating),
        new_average: r.new_average,
        total_ratings: r.total_ratings,
        verified_install: r.verified_install,
        version: r.version.clone(),
    }
}

/// The `skill_type` query filter as the engine's spec filter.
pub fn skill_type_filter(raw: Option<&str>) -> Result<Option<(&'static str, String)>, MarketError> {
    raw.map(|t| SkillType::parse(t).map(|t| ("skill_type", t.as_str().to_owned())))
        .transpose()
}

/// One entry of `packages_installed`.
#[derive(Serialize, ToSchema)]
pub struct InstalledPackage {
    package_name: String,
    package_type: PackageType,
    version: String,
    /// `installed` (added by this install) or `already_installed`.
    #[schema(schema_with = installed_status)]
    status: &'static str,
}

fn installed_status() -> RefOr<Schema> {
    app::model::schema::of(json!({"type": "string", "enum": ["installed", "already_installed"]}))
}

fn planned_status() -> RefOr<Schema> {
    app::model::schema::of(json!({
        "type": "string",
        "description": "`installed` (already in the inventory), `will_install`, or `blocked`",
        "enum": ["installed", "will_install", "blocked"],
    }))
}

/// `packages_installed` of an install: what it added to the inventory and
/// what was there already.
pub fn packages_installed(plan: &InstallPlan) -> Vec<InstalledPackage> {
    plan.packages
        .iter()
        .map(|p| InstalledPackage {
            package_name: p.name.clone(),
            package_type: p.package_type,
            version: p.version.clone(),
            status: if p.status == "installed" {
                "already_installed"
            } else {
                "installed"
            },
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct PlanQuota {
    current: i64,
    /// `null`: unlimited.
    limit: Option<i64>,
    plan: &'static str,
    after: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PlanGovernance {
    risk_level: RiskLevel,
    /// The higher of `risk_level` and what the capabilities imply: what
    /// `required_maturity` and `approval_required` follow.
    effective_risk_level: RiskLevel,
    required_maturity: Maturity,
    agent_maturity: Option<Maturity>,
    approval_required: bool,
    approval_granted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PlanConfig {
    #[schema(schema_with = any_json)]
    overrides: Value,
    #[schema(schema_with = any_json)]
    schema: Value,
    /// The copy already installed here (same agent, or tenant-wide) and
    /// whether its overrides still validate against `schema`; `null` when
    /// there is none.
    installed: Option<InstalledConfig>,
}

/// An installed copy's overrides against the current config schema.
#[derive(Serialize, ToSchema)]
pub struct InstalledConfig {
    installed_skill_id: Uuid,
    #[schema(schema_with = any_json)]
    config_overrides: Value,
    /// `true` when they still validate.
    valid: bool,
    /// Why not, one message per problem (empty when valid).
    errors: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanVulnerability {
    cve: String,
    #[schema(value_type = String)]
    severity: app::model::package::Severity,
    description: String,
    affected_versions: String,
    safe_version: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanPackage {
    package_name: String,
    package_type: PackageType,
    version: String,
    whitelisted: bool,
    vulnerabilities: Vec<PlanVulnerability>,
    #[schema(schema_with = planned_status)]
    status: &'static str,
    /// The error code that blocks it, when it does.
    #[schema(value_type = Option<String>)]
    error: Option<app::error::ErrorCode>,
}

fn plan_package(p: &PackagePlan) -> PlanPackage {
    PlanPackage {
        package_name: p.name.clone(),
        package_type: p.package_type,
        version: p.version.clone(),
        whitelisted: p.whitelisted,
        vulnerabilities: p
            .vulnerabilities
            .iter()
            .map(|v| PlanVulnerability {
                cve: v.cve.clone(),
                severity: v.severity,
                description: v.description.clone(),
                affected_versions: v.affected_versions.clone(),
                safe_version: v.safe_version.clone(),
            })
            .collect(),
        status: p.status,
        error: p.problem.as_ref().map(|e| e.code),
    }
}

/// A problem that would refuse the install, as its error would say it.
#[derive(Serialize, ToSchema)]
pub struct PlanError {
    #[schema(value_type = String)]
    code: app::error::ErrorCode,
    message: String,
    #[schema(schema_with = any_json)]
    details: Option<Value>,
}

/// A dry run's answer: the whole plan, every problem, nothing written.
#[derive(Serialize, ToSchema)]
pub struct SkillInstallPlan {
    /// Always `true`.
    dry_run: bool,
    would_install: bool,
    skill_id: Uuid,
    agent_id: Option<Uuid>,
    already_installed: bool,
    quota: PlanQuota,
    governance: PlanGovernance,
    config: PlanConfig,
    packages: Vec<PlanPackage>,
    errors: Vec<PlanError>,
}

pub fn install_plan(plan: &InstallPlan) -> SkillInstallPlan {
    SkillInstallPlan {
        dry_run: true,
        would_install: plan.problems.is_empty(),
        skill_id: plan.listing.id,
        agent_id: plan.agent.as_ref().map(|a| a.id),
        already_installed: plan.already_installed,
        quota: PlanQuota {
            current: plan.quota_current,
            limit: plan.quota_limit,
            plan: plan.plan.as_str(),
            after: plan.quota_current + i64::from(!plan.already_installed),
        },
        governance: PlanGovernance {
            risk_level: plan.spec.risk_level,
            effective_risk_level: plan.spec.effective_risk_level(),
            required_maturity: plan.required_maturity,
            agent_maturity: plan.agent.as_ref().map(|a| a.maturity),
            approval_required: plan.approval_required,
            approval_granted: plan.approval_granted,
        },
        config: PlanConfig {
            overrides: plan.config.clone(),
            schema: plan.spec.config_schema.clone(),
            installed: plan.existing_config.as_ref().map(|c| InstalledConfig {
                installed_skill_id: c.installed_skill_id,
                config_overrides: c.config_overrides.clone(),
                valid: c.errors.is_empty(),
                errors: c.errors.clone(),
            }),
        },
        packages: plan.packages.iter().map(plan_package).collect(),
        errors: plan
            .problems
            .iter()
            .map(|e| PlanError {
                code: e.code,
                message: e.message.clone(),
                details: e.details.clone(),
            })
            .collect(),
    }
}

// Query bounds, as the parsers apply them.

/// Free text in a query: anything but NUL.
pub(super) fn query_text() -> RefOr<Schema> {
    app::model::schema::of(json!({"type": "string", "pattern": app::model::schema::NO_NUL}))
}

pub(super) fn skill_type_param() -> RefOr<Schema> {
    app::model::schema::of(app::model::schema::one_of(
        SkillType::ALL,
        SkillType::as_str,
    ))
}

pub(super) fn sort_by_param() -> RefOr<Schema> {
    use app::model::listing::SortBy;
    app::model::schema::of(app::model::schema::one_of(SortBy::ALL, SortBy::as_str))
}

pub(super) fn sort_order_param() -> RefOr<Schema> {
    use app::model::listing::SortOrder;
    app::model::schema::of(app::model::schema::one_of(
        SortOrder::ALL,
        SortOrder::as_str,
    ))
}

/// `?dry_run=true` answers the install plan and writes nothing.
#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DryRunQuery {
    pub dry_run: Option<bool>,
}
