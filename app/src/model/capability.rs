//! A skill's capability manifest: what it is granted to do (network hosts,
//! secrets, the filesystem, a shell, docker). The manifest is a grant, not
//! a description: what is not declared is denied, so declaring less is
//! always safe and declaring more is what an operator must see.

use crate::error::{MarketError, MarketResult};
use crate::model::listing::RiskLevel;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How far a skill may touch the filesystem.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FilesystemAccess {
    #[default]
    None,
    Read,
    Write,
}

impl FilesystemAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            FilesystemAccess::None => "none",
            FilesystemAccess::Read => "read",
            FilesystemAccess::Write => "write",
        }
    }
}

/// The five parts of a manifest, always all present in answers (absent
/// parts of a submission are none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Capabilities {
    /// Host patterns the skill may reach: `api.example.com`,
    /// `*.example.com` (any subdomain) or `*` (anywhere). Sorted, unique.
    #[serde(default)]
    pub network: Vec<String>,
    /// Names of the secrets the skill may read. Sorted, unique.
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub filesystem: FilesystemAccess,
    #[serde(default)]
    pub shell: bool,
    #[serde(default)]
    pub docker: bool,
}

/// The names of the parts, as `widened` lists them.
pub const PARTS: [&str; 5] = ["network", "secrets", "filesystem", "shell", "docker"];

/// A manifest as submitted: every part optional, `null` is absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CapabilitiesInput {
    #[serde(default)]
    pub network: Option<Vec<String>>,
    #[serde(default)]
    pub secrets: Option<Vec<String>>,
    #[serde(default)]
    pub filesystem: Option<String>,
    #[serde(default)]
    pub shell: Option<bool>,
    #[serde(default)]
    pub docker: Option<bool>,
}

pub const MAX_HOSTS: usize = 50;
pub const MAX_SECRETS: usize = 50;

/// What the submission schema states and [`Capabilities::parse`] accepts:
/// a host name (labels of letters, digits and inner hyphens), optionally
/// behind `*.`, or `*` alone.
pub const HOST_PATTERN: &str = "^(\\*|(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$";
pub const SECRET_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

fn valid_label(l: &str) -> bool {
    let b = l.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn parse_host(raw: &str) -> Option<String> {
    if raw == "*" {
        return Some(raw.to_owned());
    }
    if raw.len() > 253 {
        return None;
    }
    let host = raw.strip_prefix("*.").unwrap_or(raw);
    host.split('.')
        .all(valid_label)
        .then(|| raw.to_ascii_lowercase())
}

fn valid_secret(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

fn sorted_unique(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

impl Capabilities {
    /// A submitted manifest, or `VALIDATION_ERROR` naming the part.
    pub fn parse(input: &CapabilitiesInput) -> MarketResult<Self> {
        let network = input.network.clone().unwrap_or_default();
        if network.len() > MAX_HOSTS {
            return Err(MarketError::validation(
                "capabilities.network",
                format!("At most {MAX_HOSTS} host patterns"),
            ));
        }
        let network = network
            .iter()
            .map(|h| {
                parse_host(h).ok_or_else(|| {
                    MarketError::validation(
                        "capabilities.network",
                        format!("'{h}' is not a host pattern (host, *.host or *)"),
                    )
                })
            })
            .collect::<MarketResult<Vec<_>>>()?;
        let secrets = input.secrets.clone().unwrap_or_default();
        if secrets.len() > MAX_SECRETS {
            return Err(MarketError::validation(
                "capabilities.secrets",
                format!("At most {MAX_SECRETS} secret names"),
            ));
        }
        if let Some(bad) = secrets.iter().find(|s| !valid_secret(s)) {
            return Err(MarketError::validation(
                "capabilities.secrets",
                format!("'{bad}' is not a secret name (letters, digits, _)"),
            ));
        }
        let filesystem = match input.filesystem.as_deref() {
            None | Some("none") => FilesystemAccess::None,
            Some("read") => FilesystemAccess::Read,
            Some("write") => FilesystemAccess::Write,
            Some(other) => {
                return Err(crate::model::account::invalid_enum(
                    "capabilities.filesystem",
                    other,
                    &["none", "read", "write"],
                ))
            }
        };
        Ok(Capabilities {
            network: sorted_unique(network),
            secrets: sorted_unique(secrets),
            filesystem,
            shell: input.shell.unwrap_or(false),
            docker: input.docker.unwrap_or(false),
        })
    }

    /// The manifest as a submission would restate it (edits merge onto it).
    pub fn to_input(&self) -> CapabilitiesInput {
        CapabilitiesInput {
            network: Some(self.network.clone()),
            secrets: Some(self.secrets.clone()),
            filesystem: Some(self.filesystem.as_str().to_owned()),
            shell: Some(self.shell),
            docker: Some(self.docker),
        }
    }

    /// The manifest stored in a spec (`capabilities`); a spec without one
    /// (any kind but skills, or a skill stored before manifests) is none.
    pub fn of_spec(spec: &Value) -> Self {
        spec.get("capabilities")
            .cloned()
            .and_then(|c| serde_json::from_value(c).ok())
            .unwrap_or_default()
    }

    /// The risk the manifest implies on its own: a shell or docker is
    /// high, any network host or filesystem writes medium.
    pub fn implied_risk(&self) -> RiskLevel {
        if self.shell || self.docker {
            RiskLevel::High
        } else if !self.network.is_empty() || self.filesystem == FilesystemAccess::Write {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }

    /// The parts of `after` that grant more than `self` does.
    pub fn widened_in(&self, after: &Capabilities) -> Vec<&'static str> {
        let mut out = Vec::new();
        if after
            .network
            .iter()
            .any(|h| !self.network.iter().any(|p| host_covers(p, h)))
        {
            out.push("network");
        }
        if after.secrets.iter().any(|s| !self.secrets.contains(s)) {
            out.push("secrets");
        }
        if after.filesystem > self.filesystem {
            out.push("filesystem");
        }
        if after.shell && !self.shell {
            out.push("shell");
        }
        if after.docker && !self.docker {
            out.push("docker");
        }
        out
    }

    /// The parts of `after` that grant less than `self` does.
    pub fn narrowed_in(&self, after: &Capabilities) -> Vec<&'static str> {
        after.widened_in(self)
    }

    pub fn is_none(&self) -> bool {
        *self == Capabilities::default()
    }
}

/// Whether host pattern `p` admits everything pattern `q` admits.
pub fn host_covers(p: &str, q: &str) -> bool {
    if p == "*" || p == q {
        return true;
    }
    match p.strip_prefix("*.") {
        // `*.example.com` covers `a.example.com` and `*.a.example.com`.
        Some(domain) => {
            let q = q.strip_prefix("*.").unwrap_or(q);
            q.len() > domain.len()
                && q.ends_with(domain)
                && q.as_bytes()[q.len() - domain.len() - 1] == b'.'
        }
        None => false,
    }
}

/// The highest of two risk levels.
pub fn max_risk(a: RiskLevel, b: RiskLevel) -> RiskLevel {
    let rank = |r: RiskLevel| RiskLevel::ALL.iter().position(|x| *x == r).unwrap_or(0);
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// A manifest before and after a change, and what the change widened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CapabilityDiff {
    pub before: Capabilities,
    pub after: Capabilities,
    /// The parts that grant more after the change (`network`, `secrets`,
    /// `filesystem`, `shell`, `docker`).
    pub widened: Vec<String>,
    /// The parts that grant less after it.
    #[serde(default)]
    pub narrowed: Vec<String>,
}

impl CapabilityDiff {
    pub fn between(before: Capabilities, after: Capabilities) -> Self {
        let widened = before
            .widened_in(&after)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let narrowed = before
            .narrowed_in(&after)
            .into_iter()
            .map(str::to_owned)
            .collect();
        CapabilityDiff {
            before,
            after,
            widened,
            narrowed,
        }
    }

    /// The diff between two specs' manifests.
    pub fn of_specs(before: &Value, after: &Value) -> Self {
        Self::between(Capabilities::of_spec(before), Capabilities::of_spec(after))
    }
}

/// Whether a change from `before` to `after` (two specs of any kind)
/// grants anything more: such a change must wait for an operator, however
/// it arrives (an edit, a rollback, a mirrored update).
pub fn widens(before: &Value, after: &Value) -> bool {
    !Capabilities::of_spec(before)
        .widened_in(&Capabilities::of_spec(after))
        .is_empty()
}

/// Whether `after` differs from `before` only by granting less: every
/// other field of the spec is the same. Such a change may go live without
/// review, since it can only take power away.
pub fn only_narrows(before: &Value, after: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("capabilities");
        }
        v
    };
    let (b, a) = (Capabilities::of_spec(before), Capabilities::of_spec(after));
    b != a && b.widened_in(&a).is_empty() && strip(before) == strip(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn caps(v: Value) -> Capabilities {
        Capabilities::parse(&serde_json::from_value(v).expect("test value")).expect("test value")
    }

    #[test]
    fn absent_parts_are_none_and_lists_are_sorted_unique() {
        let c = caps(json!({"network": ["b.example.com", "A.example.com", "b.example.com"]}));
        assert_eq!(c.network, ["a.example.com", "b.example.com"]);
        assert_eq!(c.filesystem, FilesystemAccess::None);
        assert!(!c.shell && !c.docker && c.secrets.is_empty());
        assert!(caps(json!({})).is_none());
    }

    #[test]
    fn junk_is_refused() {
        for bad in [
            json!({"network": ["http://x.com"]}),
            json!({"network": ["-x.com"]}),
            json!({"network": ["a..b"]}),
            json!({"network": ["*x.com"]}),
            json!({"network": [""]}),
            json!({"secrets": ["1ABC"]}),
            json!({"secrets": ["A-B"]}),
            json!({"filesystem": "exec"}),
        ] {
            let input: CapabilitiesInput = serde_json::from_value(bad.clone()).expect("test value");
            assert!(Capabilities::parse(&input).is_err(), "{bad}");
        }
    }

    /// The documented patterns, run by a JSON Schema validator, accept
    /// exactly what the parser does.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_parser_and_the_documented_patterns_agree() {
        let matches = |pattern: &str, s: &str| {
            jsonschema::validator_for(&json!({"type": "string", "pattern": pattern}))
                .expect("test value")
                .is_valid(&json!(s))
        };
        for h in [
            "*", "*.a.io", "a.io", "x", "a-b.c", "A.B", "-a", "a-", "a..b", "*.", "a.*", "**",
            "a_b.io", "a.io:443",
        ] {
            assert_eq!(matches(HOST_PATTERN, h), parse_host(h).is_some(), "{h}");
        }
        for s in ["A", "_x", "OPENAI_API_KEY", "1a", "a-b", "", "a b"] {
            assert_eq!(matches(SECRET_PATTERN, s), valid_secret(s), "{s}");
        }
    }

    #[test]
    fn implied_risk() {
        assert_eq!(caps(json!({})).implied_risk(), RiskLevel::Low);
        assert_eq!(
            caps(json!({"filesystem": "read", "secrets": ["K"]})).implied_risk(),
            RiskLevel::Low
        );
        assert_eq!(
            caps(json!({"filesystem": "write"})).implied_risk(),
            RiskLevel::Medium
        );
        assert_eq!(
            caps(json!({"network": ["a.io"]})).implied_risk(),
            RiskLevel::Medium
        );
        assert_eq!(caps(json!({"shell": true})).implied_risk(), RiskLevel::High);
        assert_eq!(
            caps(json!({"docker": true})).implied_risk(),
            RiskLevel::High
        );
        assert_eq!(
            max_risk(RiskLevel::Medium, RiskLevel::Low),
            RiskLevel::Medium
        );
        assert_eq!(max_risk(RiskLevel::Low, RiskLevel::High), RiskLevel::High);
    }

    #[test]
    fn widening_and_narrowing() {
        let before =
            caps(json!({"network": ["*.example.com"], "secrets": ["A"], "filesystem": "read"}));
        let sub =
            caps(json!({"network": ["api.example.com"], "secrets": ["A"], "filesystem": "read"}));
        assert!(before.widened_in(&sub).is_empty(), "a subdomain is covered");
        assert_eq!(before.narrowed_in(&sub), ["network"]);
        let wider = caps(json!({
            "network": ["example.org"], "secrets": ["A", "B"], "filesystem": "write",
            "shell": true, "docker": true
        }));
        assert_eq!(before.widened_in(&wider), PARTS);
        // `*` covers every host (the other parts are not its business).
        let anywhere = caps(json!({"network": ["*"]})).widened_in(&before);
        assert!(!anywhere.contains(&"network"), "{anywhere:?}");
        assert!(!host_covers("*.example.com", "example.com"));
        assert!(!host_covers("*.example.com", "badexample.com"));
        assert!(host_covers("*.example.com", "*.a.example.com"));
    }

    #[test]
    fn only_narrows_needs_everything_else_equal() {
        let a = json!({"code": "x", "capabilities": {"network": ["a.io"], "secrets": [], "filesystem": "none", "shell": true, "docker": false}});
        let mut b = a.clone();
        b["capabilities"]["shell"] = json!(false);
        assert!(only_narrows(&a, &b));
        assert!(!only_narrows(&b, &a));
        assert!(widens(&b, &a));
        let mut c = b.clone();
        c["code"] = json!("y");
        assert!(!only_narrows(&a, &c));
        assert!(!only_narrows(&a, &a));
        // A spec stored before manifests has none: anything declared widens.
        assert!(widens(&json!({"code": "x"}), &a));
        let d = CapabilityDiff::of_specs(&json!({}), &a);
        assert_eq!(d.widened, ["network", "shell"]);
    }
}
