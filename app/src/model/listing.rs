//! Listings: the shared lifecycle and the typed spec of each kind.

use crate::error::{ErrorCode, MarketError, MarketResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    Draft,
    PendingApproval,
    Approved,
    Rejected,
    Suspended,
}

impl ListingStatus {
    pub const ALL: [ListingStatus; 5] = [
        ListingStatus::Draft,
        ListingStatus::PendingApproval,
        ListingStatus::Approved,
        ListingStatus::Rejected,
        ListingStatus::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Draft => "draft",
            ListingStatus::PendingApproval => "pending_approval",
            ListingStatus::Approved => "approved",
            ListingStatus::Rejected => "rejected",
            ListingStatus::Suspended => "suspended",
        }
    }
}

crate::model::stored_as_text!(ListingStatus);

/// Where a change to a live listing (a revision) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevisionStatus {
    Pending,
    Approved,
    Rejected,
    /// Withdrawn by a later change, a deletion or a withdrawal.
    Superseded,
}

impl RevisionStatus {
    pub const ALL: [RevisionStatus; 4] = [
        RevisionStatus::Pending,
        RevisionStatus::Approved,
        RevisionStatus::Rejected,
        RevisionStatus::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RevisionStatus::Pending => "pending",
            RevisionStatus::Approved => "approved",
            RevisionStatus::Rejected => "rejected",
            RevisionStatus::Superseded => "superseded",
        }
    }
}

crate::model::stored_as_text!(RevisionStatus);

/// A listing of any kind as the services hand it out: one row of
/// `listings`, its kind and status decoded to their enums.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Listing {
    pub id: Uuid,
    pub kind: crate::model::kind::ListingKind,
    pub publisher_tenant_id: Uuid,
    pub publisher_user_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub long_description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    pub license: Option<String>,
    pub is_featured: bool,
    pub status: ListingStatus,
    pub rejection_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rating_sum: f64,
    pub rating_count: i32,
    pub installs: i32,
    pub active_installs: i32,
    pub spec: Value,
    pub current_version: Option<String>,
    pub external_id: Option<String>,
    pub risk_approved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set while the publisher has deprecated the listing (with a reason).
    pub deprecated_at: Option<DateTime<Utc>>,
    pub deprecation_reason: Option<String>,
    pub replacement_id: Option<Uuid>,
    /// A mirrored listing's peer, its id there and its page there (all
    /// three or none; none on a local listing).
    pub origin_peer: Option<String>,
    pub origin_remote_id: Option<String>,
    pub origin_url: Option<String>,
}

impl Listing {
    /// Where a mirrored listing came from (`None`: local).
    pub fn origin(&self) -> Option<crate::model::federation::Origin> {
        crate::model::federation::Origin::from_parts(
            self.origin_peer.as_deref(),
            self.origin_remote_id.as_deref(),
            self.origin_url.as_deref(),
        )
    }

    /// The id callers see: a workflow template's string id, else the UUID.
    pub fn public_id(&self) -> String {
        self.external_id
            .clone()
            .unwrap_or_else(|| self.id.to_string())
    }

    /// One field of the kind's spec, `null` when absent.
    pub fn spec_field(&self, field: &str) -> Value {
        self.spec.get(field).cloned().unwrap_or(Value::Null)
    }

    /// The exact mean of stored ratings, rounded to two decimals.
    pub fn rating(&self) -> f64 {
        if self.rating_count == 0 {
            0.0
        } else {
            (self.rating_sum / f64::from(self.rating_count) * 100.0).round() / 100.0
        }
    }

    /// Whether it is approved (what the public may see).
    pub fn is_approved(&self) -> bool {
        self.status == ListingStatus::Approved
    }
}

/// A rating (with its optional review) as the services hand it out.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Review {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub user_id: Uuid,
    pub rating: f64,
    pub review: Option<String>,
    pub helpful_count: i32,
    pub not_helpful_count: i32,
    pub author_response: Option<String>,
    pub author_response_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The rater's tenant had the listing installed when rating.
    pub verified_install: bool,
    /// The listing's version then (verified ratings only).
    pub version: Option<String>,
    /// The rater's tenant, as pages name the reviewer.
    pub tenant_name: String,
}

/// Defines a string enum with `ALL`, `as_str` and a `parse` that answers
/// `INVALID_ENUM_VALUE` listing the allowed values.
macro_rules! wire_enum {
    ($name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> MarketResult<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::model::account::invalid_enum($field, s, &allowed)
                })
            }
        }
    };
}

pub(crate) use wire_enum;

wire_enum!(SkillType, "skill_type", {
    Api => "api", Function => "function", Script => "script", Docker => "docker", Container => "container",
});

wire_enum!(RiskLevel, "risk_level", { Low => "low", Medium => "medium", High => "high" });

wire_enum!(SortBy, "sort_by", {
    Popularity => "popularity", Rating => "rating", CreatedAt => "created_at", UpdatedAt => "updated_at",
    Name => "name", Price => "price", Trending => "trending",
});

wire_enum!(SortOrder, "sort_order", { Asc => "asc", Desc => "desc" });

/// A package a skill needs: a name and a version requirement (`""` for any).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PackageRef {
    pub name: String,
    #[serde(default)]
    pub version: String,
}

/// What a skill listing carries beyond the shared fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkillSpec {
    pub skill_type: SkillType,
    #[serde(default)]
    pub input_schema: Value,
    #[serde(default)]
    pub output_schema: Value,
    #[serde(default)]
    pub config: Value,
    #[serde(default)]
    pub config_schema: Value,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub python_packages: Vec<PackageRef>,
    #[serde(default)]
    pub npm_packages: Vec<PackageRef>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub repository_url: Option<String>,
    pub risk_level: RiskLevel,
    /// What the skill is granted (absent in specs stored before manifests:
    /// none).
    #[serde(default)]
    pub capabilities: crate::model::capability::Capabilities,
}

impl SkillSpec {
    /// The higher of the declared risk and the one the manifest implies:
    /// what governance judges an install by.
    pub fn effective_risk_level(&self) -> RiskLevel {
        crate::model::capability::max_risk(self.risk_level, self.capabilities.implied_risk())
    }
}

/// Limits on what a submitted skill may carry.
pub const MAX_CODE: usize = 200_000;
pub const MAX_PACKAGES: usize = 100;

/// Tags as stored: see [`Tags::parse`](crate::model::bounds::Tags::parse).
pub fn parse_tags(raw: &[String]) -> MarketResult<Vec<String>> {
    crate::model::bounds::Tags::parse(raw).map(crate::model::bounds::Tags::into_vec)
}

/// Tags of a filter, normalised like stored tags. Nothing is refused: a
/// tag no listing can carry (too long, say) simply matches nothing.
pub fn filter_tags(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// `"a, b,c"` → `["a", "b", "c"]` (the query-string form of tags).
pub fn split_tags(raw: Option<&str>) -> Vec<String> {
    raw.map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A listing's price: see [`Price::parse`](crate::model::bounds::Price::parse).
pub fn parse_price(field: &str, price: Option<f64>) -> MarketResult<f64> {
    crate::model::bounds::Price::parse(field, price).map(crate::model::bounds::Price::get)
}

/// A price bound in a filter: absent, or a finite amount of 0 or more.
pub fn parse_price_filter(field: &str, price: Option<f64>) -> MarketResult<Option<f64>> {
    match price {
        Some(p) if !p.is_finite() || p < 0.0 => Err(MarketError::validation(
            field,
            "A price bound is a number of 0 or more",
        )),
        p => Ok(p),
    }
}

pub fn parse_url(field: &str, url: Option<&str>) -> MarketResult<Option<String>> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(u)
            if (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= crate::model::bounds::HttpUrl::MAX
                && !u.chars().any(char::is_whitespace) =>
        {
            Ok(Some(u.to_owned()))
        }
        Some(_) => Err(MarketError::validation(field, "Must be an http(s) URL")),
    }
}

pub fn parse_optional_text(field: &str, text: Option<&str>, max: usize) -> MarketResult<String> {
    let t = text.unwrap_or_default();
    if t.chars().count() > max {
        return Err(MarketError::validation(
            field,
            format!("At most {max} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// A JSON Schema given by a publisher: an object, and itself a valid schema.
pub fn check_schema_shape(field: &str, schema: &Value) -> MarketResult<()> {
    match schema {
        Value::Null => Ok(()),
        Value::Object(_) | Value::Bool(_) => Ok(()),
        _ => Err(
            MarketError::new(ErrorCode::ValidationError, "Validation failed").with_details(
                serde_json::json!({ "field": field, "message": "Must be a JSON Schema object" }),
            ),
        ),
    }
}

pub fn parse_packages(field: &str, packages: &[PackageRef]) -> MarketResult<Vec<PackageRef>> {
    if packages.len() > MAX_PACKAGES {
        return Err(MarketError::validation(
            field,
            format!("At most {MAX_PACKAGES} packages"),
        ));
    }
    packages
        .iter()
        .map(|p| {
            let name = p.name.trim();
            let ok = !name.is_empty()
                && name.len() <= 214
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@/".contains(c));
            if !ok {
                return Err(MarketError::validation(field, format!("Invalid package name: {}", p.name)));
            }
            if p.version.len() > 64 || p.version.chars().any(char::is_whitespace) {
                return Err(MarketError::new(ErrorCode::InvalidVersion, "Invalid version format")
                    .with_details(serde_json::json!({ "field": field, "package": name, "version": p.version })));
            }
            Ok(PackageRef { name: name.to_owned(), version: p.version.clone() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_type_lists_allowed_values() {
        let e = SkillType::parse("webhook").expect_err("invalid");
        assert_eq!(e.code, ErrorCode::InvalidEnumValue);
        assert_eq!(
            e.details.expect("details")["allowed_values"],
            serde_json::json!(["api", "function", "script", "docker", "container"])
        );
        assert_eq!(SortBy::parse("trending").expect("ok"), SortBy::Trending);
    }

    #[test]
    fn tags_are_normalised() {
        let tags = parse_tags(&[" Python ".into(), "python".into(), "".into(), "Data".into()])
            .expect("ok");
        assert_eq!(tags, ["python", "data"]);
        assert!(parse_tags(&["x".repeat(41)]).is_err());
        assert_eq!(split_tags(Some("a,b")), ["a", "b"]);
    }

    #[test]
    fn prices_and_urls_are_checked() {
        assert_eq!(parse_price("price", Some(19.999)).expect("ok"), 20.0);
        assert!(parse_price("price", Some(-1.0)).is_err());
        assert!(parse_price("price", Some(f64::NAN)).is_err());
        assert!(parse_url("u", Some("javascript:alert(1)")).is_err());
        assert_eq!(parse_url("u", Some(" ")).expect("empty"), None);
    }
}
