//! Package versions and ranges with each ecosystem's own rules: PEP 440
//! for python (`>=2.0,<3`), node-semver for npm (`^1.2.0 || 2.x`).

use crate::model::package::PackageType;
use std::cmp::Ordering;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PkgVersion {
    Python(pep440_rs::Version),
    Npm(nodejs_semver::Version),
}

#[derive(Clone, Debug)]
pub enum PkgRange {
    Python(pep440_rs::VersionSpecifiers),
    Npm(nodejs_semver::Range),
}

impl PkgVersion {
    pub fn parse(t: PackageType, raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        match t {
            PackageType::Python => pep440_rs::Version::from_str(raw)
                .map(PkgVersion::Python)
                .map_err(|e| e.to_string()),
            PackageType::Npm => nodejs_semver::Version::parse(raw)
                .map(PkgVersion::Npm)
                .map_err(|e| e.to_string()),
        }
    }

    /// The exact version a requirement pins (`2.0.0`, `==2.0.0`, `=2.0.0`),
    /// if it pins one.
    pub fn pinned(t: PackageType, requirement: &str) -> Option<Self> {
        let r = requirement.trim();
        let r = r
            .strip_prefix("==")
            .or_else(|| r.strip_prefix('='))
            .unwrap_or(r);
        Self::parse(t, r).ok()
    }

    /// Orders two versions of the same ecosystem.
    pub fn compare(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (PkgVersion::Python(a), PkgVersion::Python(b)) => Some(a.cmp(b)),
            (PkgVersion::Npm(a), PkgVersion::Npm(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

impl PkgRange {
    pub fn parse(t: PackageType, raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("empty range".into());
        }
        match t {
            PackageType::Python => pep440_rs::VersionSpecifiers::from_str(raw)
                .map(PkgRange::Python)
                .map_err(|e| e.to_string()),
            PackageType::Npm => nodejs_semver::Range::parse(raw)
                .map(PkgRange::Npm)
                .map_err(|e| e.to_string()),
        }
    }

    pub fn contains(&self, v: &PkgVersion) -> bool {
        match (self, v) {
            (PkgRange::Python(r), PkgVersion::Python(v)) => r.contains(v),
            (PkgRange::Npm(r), PkgVersion::Npm(v)) => r.satisfies(v),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(v: &str) -> PkgVersion {
        PkgVersion::parse(PackageType::Python, v).expect("python version")
    }

    fn npm(v: &str) -> PkgVersion {
        PkgVersion::parse(PackageType::Npm, v).expect("npm version")
    }

    #[test]
    fn pep440_ranges_follow_pep440_not_strings() {
        let r = PkgRange::parse(PackageType::Python, "<2.0.0").expect("range");
        assert!(
            r.contains(&py("1.10.0")),
            "1.10 < 2.0 although '1.10' > '2.0' as text"
        );
        assert!(!r.contains(&py("2.0")));
        let r = PkgRange::parse(PackageType::Python, ">=1.4,<1.6,!=1.5.1").expect("range");
        assert!(r.contains(&py("1.5.0")));
        assert!(!r.contains(&py("1.5.1")));
        assert!(PkgRange::parse(PackageType::Python, "~=2.2")
            .expect("range")
            .contains(&py("2.9")));
        assert!(py("1.0.0rc1").compare(&py("1.0.0")) == Some(Ordering::Less));
        assert!(PkgRange::parse(PackageType::Python, "around 2").is_err());
    }

    #[test]
    fn node_semver_ranges() {
        let r = PkgRange::parse(PackageType::Npm, "^4.17.0").expect("range");
        assert!(r.contains(&npm("4.17.21")));
        assert!(!r.contains(&npm("5.0.0")));
        let r = PkgRange::parse(PackageType::Npm, "<1.2.3 || >=2.x").expect("range");
        assert!(
            r.contains(&npm("1.2.2")) && r.contains(&npm("2.1.0")) && !r.contains(&npm("1.5.0"))
        );
        assert_eq!(
            PkgVersion::pinned(PackageType::Npm, "=4.17.21"),
            Some(npm("4.17.21"))
        );
        assert_eq!(
            PkgVersion::pinned(PackageType::Python, "==2.0.0"),
            Some(py("2.0.0"))
        );
        assert_eq!(PkgVersion::pinned(PackageType::Python, ">=2.0"), None);
        // Versions of different ecosystems never compare or match.
        assert_eq!(py("1.0").compare(&npm("1.0.0")), None);
    }
}
