//! Deprecation with a replacement: what every kind's details and browse
//! items carry, and the warning an install of a deprecated listing adds.

use crate::error::{ErrorCode, MarketError, MarketResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Why the publisher deprecated the listing and what to use instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deprecation {
    pub reason: String,
    /// The listing (of the same kind) that replaces this one.
    pub replacement_id: Option<Uuid>,
    pub deprecated_at: DateTime<Utc>,
}

/// `deprecated` and `deprecation`, flattened into every kind's details and
/// browse items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeprecationFields {
    pub deprecated: bool,
    pub deprecation: Option<Deprecation>,
}

impl DeprecationFields {
    /// From the listing's columns; a deprecation is whole or absent (the
    /// table's CHECK keeps the reason and the time together).
    pub fn from_parts(
        deprecated_at: Option<DateTime<Utc>>,
        reason: Option<&str>,
        replacement_id: Option<Uuid>,
    ) -> Self {
        let deprecation = deprecated_at.map(|at| Deprecation {
            reason: reason.unwrap_or_default().to_owned(),
            replacement_id,
            deprecated_at: at,
        });
        DeprecationFields {
            deprecated: deprecation.is_some(),
            deprecation,
        }
    }
}

/// A deprecation as the listing page's banner shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeprecationNotice {
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub deprecated_at: String,
    /// The replacement's page and name, when it has one visitors can see.
    pub replacement: Option<(String, String)>,
}

/// The reason a publisher gives: 1 to 500 characters once trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeprecationReason(String);

impl DeprecationReason {
    pub const MAX: usize = crate::model::bounds::Reason::MAX;

    pub fn parse(raw: &str) -> MarketResult<Self> {
        let r = raw.trim();
        if r.is_empty() {
            // As every other reason of the API: blank is missing.
            return Err(
                MarketError::new(ErrorCode::MissingRequiredField, "A reason is required")
                    .with_details(serde_json::json!({ "field": "reason" })),
            );
        }
        if r.chars().count() > Self::MAX || r.chars().any(|c| c == '\0') {
            return Err(MarketError::validation(
                "reason",
                format!("At most {} characters, no NUL", Self::MAX),
            ));
        }
        Ok(DeprecationReason(r.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A warning an answer carries without failing: installs of a deprecated
/// listing still work and say so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstallWarning {
    /// `LISTING_DEPRECATED`.
    #[schema(example = "LISTING_DEPRECATED")]
    pub code: String,
    pub message: String,
    pub replacement_id: Option<Uuid>,
}

impl InstallWarning {
    /// The warning for a deprecated listing; `replacement` is the
    /// replacement's name when it has one.
    pub fn deprecated(name: &str, d: &Deprecation, replacement: Option<&str>) -> InstallWarning {
        let instead = match (d.replacement_id, replacement) {
            (Some(id), Some(r)) => format!(" Use \"{r}\" ({id}) instead."),
            (Some(id), None) => format!(" Use {id} instead."),
            _ => String::new(),
        };
        InstallWarning {
            code: "LISTING_DEPRECATED".to_owned(),
            message: format!(
                "\"{name}\" is deprecated: {}.{instead}",
                d.reason.trim_end_matches('.')
            ),
            replacement_id: d.replacement_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(
            DeprecationReason::parse("  old  ")
                .map(|r| r.as_str().to_owned())
                .ok()
                .as_deref(),
            Some("old")
        );
        assert!(DeprecationReason::parse("   ").is_err());
        assert!(DeprecationReason::parse(&"x".repeat(501)).is_err());
        assert!(DeprecationReason::parse(&"x".repeat(500)).is_ok());
    }

    #[test]
    fn the_warning_names_the_replacement() {
        let id = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001);
        let d = Deprecation {
            reason: "Superseded.".into(),
            replacement_id: Some(id),
            deprecated_at: Utc::now(),
        };
        let w = InstallWarning::deprecated("Old", &d, Some("New"));
        assert_eq!(w.code, "LISTING_DEPRECATED");
        assert!(w.message.contains("\"New\""), "{}", w.message);
        assert!(w.message.contains(&id.to_string()));
        assert_eq!(w.replacement_id, Some(id));
        let fields = DeprecationFields::from_parts(None, None, None);
        assert!(!fields.deprecated && fields.deprecation.is_none());
    }
}
