//! What clients send to create, submit and publish skills.

use crate::model::capability::{
    CapabilitiesInput, HOST_PATTERN, MAX_HOSTS, MAX_SECRETS, SECRET_PATTERN,
};
use crate::model::listing::{PackageRef, RiskLevel, SkillType};
use crate::model::schema as s;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::{RefOr, Schema};

/// A skill as `POST /api/v1/skills/private` and
/// `POST /api/public/v1/marketplace/submit` accept it. Unknown fields are
/// ignored; protected ones (status, rating, installs, tenant) are not read.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkillInput {
    #[schema(schema_with = display_name)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = opt_description)]
    pub description: Option<String>,
    /// Required: a missing one is `MISSING_REQUIRED_FIELD`.
    #[serde(default)]
    #[schema(schema_with = skill_type, required = true)]
    pub skill_type: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub input_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub output_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_config)]
    pub config: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub config_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_code)]
    pub code: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_long_description)]
    pub long_description: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_short_name)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(schema_with = tags)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = opt_price)]
    pub price: Option<f64>,
    #[serde(default)]
    #[schema(schema_with = opt_short_name)]
    pub license: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_url)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_url)]
    pub repository_url: Option<String>,
    #[serde(default)]
    #[schema(schema_with = packages)]
    pub python_packages: Vec<PackageRef>,
    #[serde(default)]
    #[schema(schema_with = packages)]
    pub npm_packages: Vec<PackageRef>,
    #[serde(default)]
    #[schema(schema_with = opt_risk_level)]
    pub risk_level: Option<String>,
    /// What the skill may do; absent parts (and an absent manifest) are none.
    #[serde(default)]
    #[schema(schema_with = opt_capabilities)]
    pub capabilities: Option<CapabilitiesInput>,
}

// The bounds of the fields, as the parsers apply them. An optional
// field's `null` is its absence, so its schema admits `null` too.

/// The same bound, or `null`.
fn or_null(mut v: Value) -> Value {
    if let Some(t) = v.get("type").cloned() {
        v["type"] = json!([t, "null"]);
    }
    if let Some(e) = v.get_mut("enum").and_then(Value::as_array_mut) {
        e.push(Value::Null);
    }
    v
}

/// Config overrides: any JSON object, checked against the skill's
/// config_schema (documented as the empty object, always accepted).
fn overrides_value() -> Value {
    json!({"type": "object", "maxProperties": 0})
}

fn display_name() -> RefOr<Schema> {
    s::of(crate::model::bounds::DisplayName::schema())
}
fn skill_type() -> RefOr<Schema> {
    s::of(s::one_of(SkillType::ALL, SkillType::as_str))
}
fn tags() -> RefOr<Schema> {
    s::of(s::tags())
}
fn packages() -> RefOr<Schema> {
    s::of(s::packages())
}
fn id() -> RefOr<Schema> {
    s::of(s::id())
}

fn opt_display_name() -> RefOr<Schema> {
    s::of(or_null(crate::model::bounds::DisplayName::schema()))
}
fn opt_short_name() -> RefOr<Schema> {
    s::of(or_null(crate::model::bounds::ShortName::schema()))
}
fn opt_description() -> RefOr<Schema> {
    s::of(or_null(crate::model::bounds::Description::schema()))
}
fn opt_long_description() -> RefOr<Schema> {
    s::of(or_null(crate::model::bounds::LongDescription::schema()))
}
fn opt_code() -> RefOr<Schema> {
    s::of(or_null(s::text(200_000)))
}
fn opt_risk_level() -> RefOr<Schema> {
    s::of(or_null(s::one_of(RiskLevel::ALL, RiskLevel::as_str)))
}
fn opt_nested_schema() -> RefOr<Schema> {
    s::of(or_null(s::nested_schema()))
}
fn opt_config() -> RefOr<Schema> {
    s::of(or_null(json!({
        "type": "object",
        "maxProperties": 0,
        "description": "Any JSON object (checked against config_schema at install)",
    })))
}
/// A capability manifest as the parser reads it: every part optional and
/// nullable, unknown parts ignored.
fn opt_capabilities() -> RefOr<Schema> {
    s::of(json!({
        "type": ["object", "null"],
        "properties": {
            "network": {
                "type": ["array", "null"],
                "maxItems": MAX_HOSTS,
                "items": {"type": "string", "maxLength": 253, "pattern": HOST_PATTERN},
                "description": "Host patterns: `api.example.com`, `*.example.com` (subdomains) or `*`",
            },
            "secrets": {
                "type": ["array", "null"],
                "maxItems": MAX_SECRETS,
                "items": {"type": "string", "pattern": SECRET_PATTERN},
            },
            "filesystem": {"type": ["string", "null"], "enum": ["none", "read", "write", null]},
            "shell": {"type": ["boolean", "null"]},
            "docker": {"type": ["boolean", "null"]},
        },
    }))
}
fn opt_overrides() -> RefOr<Schema> {
    s::of(or_null(overrides_value()))
}
fn opt_tags() -> RefOr<Schema> {
    s::of(or_null(s::tags()))
}
fn opt_price() -> RefOr<Schema> {
    s::of(or_null(s::price()))
}
fn opt_url() -> RefOr<Schema> {
    s::of(or_null(s::url()))
}
fn opt_packages() -> RefOr<Schema> {
    s::of(or_null(s::packages()))
}
/// An optional agent id: absent, `null` and `""` all mean none.
fn opt_agent_id() -> RefOr<Schema> {
    s::of(json!({
        "type": ["string", "null"],
        "maxLength": 100,
        "pattern": format!("^$|{}", s::PRESENT),
    }))
}
fn opt_review() -> RefOr<Schema> {
    s::of(or_null(crate::model::bounds::ReviewText::schema()))
}
/// Whole stars, as a number (the form `f64` documents itself in).
fn whole_stars() -> RefOr<Schema> {
    let mut v = crate::model::bounds::Rating::schema(1.0);
    v["format"] = json!("double");
    s::of(v)
}
fn opt_environment_vars() -> RefOr<Schema> {
    s::of(or_null(json!({
        "type": "object",
        "maxProperties": 100,
        "additionalProperties": {"type": "string", "maxLength": 1000},
        "propertyNames": {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]{0,63}$"},
    })))
}

/// `POST /api/skills/publish`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishSkill {
    #[schema(schema_with = id)]
    pub skill_id: String,
    #[serde(default)]
    #[schema(schema_with = opt_price)]
    pub price: Option<f64>,
    #[serde(default)]
    #[schema(schema_with = opt_short_name)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_tags)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = opt_long_description)]
    pub long_description: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_url)]
    pub documentation_url: Option<String>,
}

/// `POST /api/skills/install`: the skill by its marketplace id.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstallBody {
    #[schema(schema_with = id)]
    pub skill_id: String,
    #[serde(default)]
    #[schema(schema_with = opt_agent_id)]
    pub agent_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_overrides)]
    pub config_overrides: Option<Value>,
    /// Install the skill's packages too (default `true`).
    #[serde(default)]
    pub install_dependencies: Option<bool>,
    /// Answer the install plan and write nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `POST /api/v1/skills/private/install`: the same, with the listing named
/// `marketplace_skill_id`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PrivateInstallBody {
    #[schema(schema_with = id)]
    pub marketplace_skill_id: String,
    #[serde(default)]
    #[schema(schema_with = opt_agent_id)]
    pub agent_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_overrides)]
    pub config_overrides: Option<Value>,
    /// Install the skill's packages too (default `true`).
    #[serde(default)]
    pub install_dependencies: Option<bool>,
    /// Answer the install plan and write nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `POST /api/skills/install` and `POST /api/v1/skills/private/install`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InstallSkill {
    pub listing_id: String,
    #[serde(default)]
    pub agent_id: Option<String>,
    #[serde(default)]
    pub config_overrides: Option<Value>,
    #[serde(default)]
    pub install_dependencies: Option<bool>,
}

/// `PUT /api/v1/skills/private/{skill_id}`: an installed copy reads
/// `name`, `description`, `config_overrides` and `environment_vars`; the
/// tenant's own skill reads `name`, `description` and the content fields
/// after them. Absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomizeSkill {
    #[serde(default)]
    #[schema(schema_with = opt_display_name)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_description)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_overrides)]
    pub config_overrides: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_environment_vars)]
    pub environment_vars: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_code)]
    pub code: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub input_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub output_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_nested_schema)]
    pub config_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_overrides)]
    pub config: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = opt_packages)]
    pub python_packages: Option<Vec<PackageRef>>,
    #[serde(default)]
    #[schema(schema_with = opt_packages)]
    pub npm_packages: Option<Vec<PackageRef>>,
    #[serde(default)]
    #[schema(schema_with = opt_short_name)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(schema_with = opt_tags)]
    pub tags: Option<Vec<String>>,
    /// The whole manifest (absent: unchanged; absent parts of a given one
    /// are none). Widening an approved skill's puts it back in review.
    #[serde(default)]
    #[schema(schema_with = opt_capabilities)]
    pub capabilities: Option<CapabilitiesInput>,
}

/// A rating in whole stars with an optional review (the skill and
/// component routes; domains take half stars and document their own).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RateRequest {
    #[schema(schema_with = whole_stars)]
    pub rating: f64,
    #[serde(default)]
    #[schema(schema_with = opt_review)]
    pub review: Option<String>,
}

/// Whether an installed copy is still installed (uninstalling keeps the
/// row: the ledger of who used what).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallStatus {
    Installed,
    Uninstalled,
}

impl InstallStatus {
    pub const ALL: [InstallStatus; 2] = [InstallStatus::Installed, InstallStatus::Uninstalled];

    pub fn as_str(self) -> &'static str {
        match self {
            InstallStatus::Installed => "installed",
            InstallStatus::Uninstalled => "uninstalled",
        }
    }
}

crate::model::stored_as_text!(InstallStatus);

/// A tenant's installed copy of a marketplace skill as the services hand
/// it out.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InstalledSkill {
    pub id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub listing_id: uuid::Uuid,
    pub agent_id: Option<uuid::Uuid>,
    pub name: String,
    pub description: String,
    pub config_overrides: Value,
    pub environment_vars: Value,
    pub status: InstallStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What the private catalog is asked for: the service parses the query
/// into it, the catalog query reads it.
#[derive(Clone, Debug, Default)]
pub struct PrivateFilter {
    pub query: Option<String>,
    pub category: Option<String>,
    pub skill_type: Option<String>,
    pub is_installed: Option<bool>,
    /// A fixed clause chosen by the service, never user text.
    pub order_by: &'static str,
    pub limit: i64,
    pub offset: i64,
}
