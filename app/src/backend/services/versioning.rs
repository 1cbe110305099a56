//! The semantic-version gate: a version's name is SemVer (a leading `v`
//! allowed) above the highest existing one, and the bump it makes is at
//! least what its schema changes need. Pure apart from the error type; the
//! engine calls it with the previous version's snapshot.

use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::capability::CapabilityDiff;
use crate::model::schema_diff::{diff_specs, BreakingChange};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How far a version moves from the previous one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// A version name as SemVer, or `None` (`v1.2.3` and `1.2.3` alike).
pub fn parse(name: &str) -> Option<semver::Version> {
    semver::Version::parse(name.strip_prefix(['v', 'V']).unwrap_or(name)).ok()
}

/// The bump from `prev` to `next` (which is above it).
pub fn bump_between(prev: &semver::Version, next: &semver::Version) -> Bump {
    if next.major > prev.major {
        Bump::Major
    } else if next.minor > prev.minor {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

/// The bump a change needs from `prev`: a breaking one major (minor below
/// 1.0.0), any other schema change minor (any bump below 1.0.0).
pub fn required_bump(prev: &semver::Version, breaking: bool, schema_changed: bool) -> Bump {
    let stable = prev.major >= 1;
    match (breaking, schema_changed, stable) {
        (true, _, true) => Bump::Major,
        (true, _, false) => Bump::Minor,
        (false, true, true) => Bump::Minor,
        _ => Bump::Patch,
    }
}

/// The highest SemVer name among a listing's versions. Names that are not
/// SemVer (versions from before the gate) take no part in the ordering.
pub fn highest(existing: &[String]) -> Option<&String> {
    existing
        .iter()
        .filter_map(|n| parse(n).map(|v| (n, v)))
        .max_by(|a, b| a.1.cmp(&b.1))
        .map(|(n, _)| n)
}

/// What a version changed since the one before it, stored with it so the
/// listing page can show it without recomputing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSummary {
    /// The highest version before this one (`None`: the first).
    pub previous_version: Option<String>,
    /// `major`, `minor` or `patch` (`None` for the first version).
    pub bump: Option<Bump>,
    pub schema_changed: bool,
    pub breaking_changes: Vec<BreakingChange>,
    /// Capability parts this version grants beyond the previous one.
    pub capabilities_widened: Vec<String>,
    pub capabilities_narrowed: Vec<String>,
}

/// Judges a new version `name` of content `spec` against the highest
/// existing version (`existing`: every version's name, and a way to read
/// a snapshot's spec by name). `400 INVALID_VERSION` when the name is not
/// SemVer, not above the highest, or bumps less than its changes need.
pub fn judge(
    name: &str,
    spec: &Value,
    existing: &[String],
    previous_spec: impl FnOnce(&str) -> MarketResult<Value>,
) -> MarketResult<ChangeSummary> {
    let next = parse(name).ok_or_else(|| {
        MarketError::new(
            ErrorCode::InvalidVersion,
            "Invalid version format: use semantic versioning, e.g. 1.2.0 or v1.2.0",
        )
        .with_details(serde_json::json!({ "field": "version_name", "value": name }))
    })?;
    let Some(prev_name) = highest(existing) else {
        return Ok(ChangeSummary::default());
    };
    let prev = parse(prev_name).unwrap_or(semver::Version::new(0, 0, 0));
    let before = previous_spec(prev_name)?;
    let schemas = diff_specs(&before, spec);
    let caps = CapabilityDiff::of_specs(&before, spec);
    let needed = required_bump(&prev, !schemas.breaking.is_empty(), schemas.changed);
    let refuse = |message: String| {
        MarketError::new(ErrorCode::InvalidVersion, message).with_details(serde_json::json!({
            "previous_version": prev_name,
            "required_bump": needed.as_str(),
            "breaking_changes": schemas.breaking,
        }))
    };
    if next <= prev {
        return Err(refuse(format!(
            "Version {name} is not above the highest version {prev_name}"
        )));
    }
    let made = bump_between(&prev, &next);
    if made < needed {
        let why = if schemas.breaking.is_empty() {
            "the schemas changed"
        } else {
            "the schemas changed in a breaking way"
        };
        return Err(refuse(format!(
            "Version {name} is a {} bump from {prev_name}, but {why}: it needs a {} bump",
            made.as_str(),
            needed.as_str()
        )));
    }
    Ok(ChangeSummary {
        previous_version: Some(prev_name.clone()),
        bump: Some(made),
        schema_changed: schemas.changed,
        breaking_changes: schemas.breaking,
        capabilities_widened: caps.widened,
        capabilities_narrowed: caps.narrowed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(s: &str) -> semver::Version {
        parse(s).expect("test value")
    }

    #[test]
    fn names_are_semver_with_an_optional_v() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert!(parse("2.0.0-beta.1").is_some());
        for bad in ["1", "1.2", "v", "latest", "01.2.3", "1.2.3.4", ""] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bumps() {
        assert_eq!(bump_between(&v("1.2.3"), &v("2.0.0")), Bump::Major);
        assert_eq!(bump_between(&v("1.2.3"), &v("1.3.0")), Bump::Minor);
        assert_eq!(bump_between(&v("1.2.3"), &v("1.2.4")), Bump::Patch);
        assert_eq!(required_bump(&v("1.0.0"), true, true), Bump::Major);
        assert_eq!(required_bump(&v("0.3.0"), true, true), Bump::Minor);
        assert_eq!(required_bump(&v("1.0.0"), false, true), Bump::Minor);
        assert_eq!(required_bump(&v("0.3.0"), false, true), Bump::Patch);
        assert_eq!(required_bump(&v("1.0.0"), false, false), Bump::Patch);
    }

    fn spec(props: Value) -> Value {
        json!({"input_schema": {"type": "object", "properties": props}})
    }

    fn judge_against(
        prev: &str,
        before: Value,
        name: &str,
        after: &Value,
    ) -> MarketResult<ChangeSummary> {
        judge(name, after, &["legacy".to_owned(), prev.to_owned()], |n| {
            assert_eq!(n, prev);
            Ok(before.clone())
        })
    }

    #[test]
    fn the_gate() {
        let before = spec(json!({"a": {"type": "string"}}));
        let removed = spec(json!({}));
        let added = spec(json!({"a": {"type": "string"}, "b": {"type": "string"}}));
        let e = judge_against("v1.0.0", before.clone(), "1.1.0", &removed)
            .expect_err("must be refused");
        assert_eq!(e.code, ErrorCode::InvalidVersion);
        let d = e.details.expect("test value");
        assert_eq!(d["previous_version"], "v1.0.0");
        assert_eq!(d["required_bump"], "major");
        assert_eq!(
            d["breaking_changes"],
            json!([{"schema": "input_schema", "path": "/properties/a", "change": "property_removed"}])
        );
        let ok = judge_against("v1.0.0", before.clone(), "v2.0.0", &removed).expect("test value");
        assert_eq!(ok.bump, Some(Bump::Major));
        assert_eq!(ok.breaking_changes.len(), 1);
        // Additive: a minor bump, not a patch.
        let e =
            judge_against("1.0.0", before.clone(), "1.0.1", &added).expect_err("must be refused");
        assert_eq!(e.details.expect("test value")["required_bump"], "minor");
        assert!(judge_against("1.0.0", before.clone(), "1.1.0", &added).is_ok());
        // Below 1.0.0 a break needs a minor bump and anything else any bump.
        assert!(judge_against("0.1.0", before.clone(), "0.1.1", &removed).is_err());
        assert!(judge_against("0.1.0", before.clone(), "0.2.0", &removed).is_ok());
        assert!(judge_against("0.1.0", before.clone(), "0.1.1", &added).is_ok());
        // Never at or below the highest.
        let e =
            judge_against("1.2.0", before.clone(), "1.1.9", &before).expect_err("must be refused");
        assert_eq!(e.code, ErrorCode::InvalidVersion);
        assert!(judge_against("1.2.0", before.clone(), "v1.2.0", &before).is_err());
        // No SemVer version before: anything SemVer goes.
        let first =
            judge("1.0.0", &removed, &["beta".to_owned()], |_| unreachable!()).expect("test value");
        assert_eq!(first, ChangeSummary::default());
        assert!(judge("beta2", &removed, &[], |_| unreachable!()).is_err());
    }

    #[test]
    fn capability_changes_are_summarised() {
        let before = json!({"capabilities": {"network": ["a.io"], "shell": false}});
        let after = json!({"capabilities": {"network": [], "shell": true}});
        let s = judge_against("1.0.0", before, "1.0.1", &after).expect("test value");
        assert_eq!(s.capabilities_widened, ["shell"]);
        assert_eq!(s.capabilities_narrowed, ["network"]);
        assert!(!s.schema_changed);
    }
}
