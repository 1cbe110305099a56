//! Package kinds and names, shared by the whitelist and skill specs.

use crate::error::{MarketError, MarketResult};
use crate::model::listing::wire_enum;
use serde::{Deserialize, Serialize};

/// The most a whitelist request's reason holds (trimmed, at least 1).
pub const MAX_REQUEST_REASON: usize = 2000;

wire_enum!(PackageType, "package_type", { Python => "python", Npm => "npm" });

/// How bad a known vulnerability is; written in capitals, as advisories do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Anything else is `400 INVALID_ENUM_VALUE` naming the four.
    pub fn parse(raw: &str) -> MarketResult<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                crate::model::account::invalid_enum(
                    "severity",
                    raw,
                    &Self::ALL.map(Severity::as_str),
                )
            })
    }
}

crate::model::stored_as_text!(PackageType, Severity);

/// A package installed in a tenant (its inventory).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InstalledPackage {
    pub package_type: PackageType,
    pub name: String,
    pub version: String,
    pub installed_at: chrono::DateTime<chrono::Utc>,
}

/// A known vulnerability of a range of a package's versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct KnownVulnerability {
    pub package_type: PackageType,
    pub name: String,
    pub cve: String,
    pub severity: Severity,
    pub description: String,
    pub affected_versions: String,
    pub safe_version: Option<String>,
}

/// A package name in its registry's canonical form: python names are
/// case-insensitive with `-_.` equivalent (PEP 503); npm names are
/// lower-case, optionally `@scope/`.
pub fn canonical_name(t: PackageType, raw: &str) -> MarketResult<String> {
    let raw = raw.trim();
    let valid = !raw.is_empty()
        && raw.len() <= 214
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@/".contains(c));
    if !valid {
        return Err(MarketError::validation(
            "package_name",
            "A package name of letters, digits and - _ . @ /",
        ));
    }
    Ok(match t {
        PackageType::Python => {
            let mut out = String::with_capacity(raw.len());
            let mut sep = false;
            for c in raw.chars() {
                if "-_.".contains(c) {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.push(c.to_ascii_lowercase());
                }
            }
            out
        }
        PackageType::Npm => raw.to_ascii_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names_normalise_per_pep503() {
        assert_eq!(
            canonical_name(PackageType::Python, "Django_REST.framework")
                .ok()
                .as_deref(),
            Some("django-rest-framework")
        );
        assert_eq!(
            canonical_name(PackageType::Npm, "@Scope/Pkg")
                .ok()
                .as_deref(),
            Some("@scope/pkg")
        );
        assert!(canonical_name(PackageType::Npm, "rm -rf").is_err());
    }
}
