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

    /// A declared requirement as the range of versions it may resolve to:
    /// `None` for no requirement (any version), a bare version as its pin
    /// (`2.0.0` is `==2.0.0` in PEP 440), anything else as a range.
    pub fn requirement(t: PackageType, raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if t == PackageType::Python {
            if let Ok(v) = pep440_rs::Version::from_str(raw) {
                return Ok(Some(PkgRange::Python(
                    pep440_rs::VersionSpecifier::equals_version(v).into(),
                )));
            }
        }
        Self::parse(t, raw).map(Some)
    }

    /// Whether some version satisfies both ranges.
    ///
    /// node-semver ranges are unions of intervals, intersected exactly. PEP
    /// 440 sets also exclude points (`!=`) and follow special rules at
    /// their bounds (`<2.0` refuses `2.0rc1`, `>2.0` refuses `2.0.post1`),
    /// so every non-empty intersection holds one of a few versions built
    /// from the bounds of either set: each bound itself, its releases
    /// bumped segment by segment, versions just above it, and zero. Every
    /// candidate is a real version checked against both sets, so a hit is
    /// never a false alarm.
    pub fn overlaps(&self, other: &PkgRange) -> bool {
        match (self, other) {
            (PkgRange::Npm(a), PkgRange::Npm(b)) => a.intersect(b).is_some(),
            (PkgRange::Python(a), PkgRange::Python(b)) => {
                python_candidates(a.iter().chain(b.iter()))
                    .iter()
                    .any(|v| a.contains(v) && b.contains(v))
            }
            _ => false,
        }
    }
}

/// Whether a declared requirement may resolve to a version in the
/// `affected` range. What cannot be read is assumed to admit it: an
/// unreadable requirement may install anything, and an unreadable affected
/// range may cover anything.
pub fn admits_affected(t: PackageType, requirement: &str, affected: &str) -> bool {
    let Ok(affected) = PkgRange::parse(t, affected) else {
        return true;
    };
    match PkgRange::requirement(t, requirement) {
        Ok(Some(r)) => r.overlaps(&affected),
        Ok(None) | Err(_) => !affected_is_empty(&affected),
    }
}

/// An affected range no version satisfies (`>2,<1`) flags nothing, even
/// against a requirement that admits everything.
fn affected_is_empty(r: &PkgRange) -> bool {
    match r {
        PkgRange::Npm(_) => false,
        PkgRange::Python(s) => !python_candidates(s.iter()).iter().any(|v| s.contains(v)),
    }
}

fn python_candidates<'a>(
    specs: impl Iterator<Item = &'a pep440_rs::VersionSpecifier>,
) -> Vec<pep440_rs::Version> {
    use pep440_rs::Version;
    let mut out = vec![Version::new([0u64])];
    for spec in specs {
        let v = spec.version();
        let release = v.release();
        let epoch = v.epoch();
        out.push(v.clone());
        out.push(
            v.clone()
                .with_post(Some(v.post().map_or(0, |p| p.saturating_add(1)))),
        );
        out.push(v.only_release().with_epoch(epoch));
        // Just above the bound with nothing in between in practice.
        out.push(Version::new(release.iter().copied().chain([0, 0, 0, 1])).with_epoch(epoch));
        for i in 0..release.len() {
            let bumped: Vec<u64> = release[..i]
                .iter()
                .copied()
                .chain([release[i].saturating_add(1)])
                .collect();
            out.push(Version::new(bumped).with_epoch(epoch));
        }
    }
    out
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

    fn flagged(t: PackageType, requirement: &str, affected: &str) -> bool {
        admits_affected(t, requirement, affected)
    }

    #[test]
    fn pep440_requirements_that_admit_an_affected_version() {
        let p = PackageType::Python;
        for (requirement, affected) in [
            (">=2.0", "<2.31"),
            ("~=2.0", "<2.31"),
            ("~=2.2", ">2.9"),
            ("===2.0.0", "<2.31"),
            ("===2.0.0", "==2.0"),
            ("2.0.0", "<2.31"),
            ("==2.30.*", "<2.31"),
            ("!=2.0.0", "<2.31"),
            ("!=2.0.0", "==2.0.1"),
            (">1.9", "<2.0"),
            ("<=2.31", ">=2.31"),
            (">=1.4,<1.6,!=1.5.1", ">=1.5,<1.5.2"),
            ("", "<2.31"),
            ("not a range", "<2.31"),
            (">=2.0", "<2.0.0.0.0.0.1"),
            (">2.0", "<2.0.1"),
        ] {
            assert!(
                flagged(p, requirement, affected),
                "{requirement} vs {affected}"
            );
        }
    }

    #[test]
    fn pep440_requirements_disjoint_from_the_affected_range() {
        let p = PackageType::Python;
        for (requirement, affected) in [
            (">=2.31", "<2.31"),
            ("~=2.31", "<2.31"),
            ("~=2.0.1", ">=2.1"),
            ("===2.31.0", "<2.31"),
            ("2.31.0", "<2.31"),
            ("==2.31.*", "<2.31"),
            (">2.30", "<=2.30"),
            ("!=1.5.1,>=1.5.1,<1.5.2", "==1.5.1"),
            (">=1.0,<2.0", ">=2.0"),
            // `<2.0` refuses 2.0's pre-releases, `>2.0` its post-releases.
            ("<2.0", "==2.0rc1"),
            (">2.0", "==2.0.post1"),
            ("<3", ">=3.0.dev0,<3.0a1"),
            ("", ">3,<2"),
        ] {
            assert!(
                !flagged(p, requirement, affected),
                "{requirement} vs {affected}"
            );
        }
    }

    #[test]
    fn node_semver_requirements_against_affected_ranges() {
        let n = PackageType::Npm;
        for (requirement, affected) in [
            ("^1.2.0", "<1.2.5"),
            ("~4.17.20", "<4.17.21"),
            ("1.2.3 - 2.3.4", ">=2.3.0 <2.4.0"),
            (">=1 <3", "2.5.0"),
            ("^3.0.0 || ^4.0.0", "<4.17.21"),
            ("^3.0.0||^4.0.0", "<4.17.21"),
            ("4.x", "<4.17.21"),
            ("*", "<4.17.21"),
            ("", "<4.17.21"),
            ("4.17.20", "<4.17.21"),
            ("=4.17.20", "<4.17.21"),
            (">1.2", ">=1.3.0 <1.3.1"),
        ] {
            assert!(
                flagged(n, requirement, affected),
                "{requirement} vs {affected}"
            );
        }
        for (requirement, affected) in [
            // `>1.2` is `>=1.3.0`: 1.2.9 is not above 1.2.x.
            (">1.2", ">=1.2.5 <1.3.0"),
            ("^4.17.21", "<4.17.21"),
            ("<2.0.0", ">=2.0.0"),
            ("<=2.0.0", ">2.0.0"),
            ("1.2.3 - 2.3.4", ">2.3.4"),
            ("^1.2.0 || ^3.0.0", ">=2.0.0 <3.0.0"),
            ("^1.2.0", ">=2.0.0-beta <2.0.0"),
        ] {
            assert!(
                !flagged(n, requirement, affected),
                "{requirement} vs {affected}"
            );
        }
    }
}
