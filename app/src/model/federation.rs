//! Federation: what instances exchange (the feed, the bundle), what an
//! operator registers (peers), and where a mirrored listing came from.

use super::kind::ListingKind;
use crate::error::{MarketError, MarketResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Where a mirrored listing came from: the peer's name here, the
/// listing's id there and its page there. `null` on a local listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Origin {
    pub peer: String,
    pub remote_id: String,
    pub url: String,
}

impl Origin {
    /// The origin stored on a listing row's three columns, if any.
    pub fn from_parts(
        peer: Option<&str>,
        remote_id: Option<&str>,
        url: Option<&str>,
    ) -> Option<Origin> {
        Some(Origin {
            peer: peer?.to_owned(),
            remote_id: remote_id?.to_owned(),
            url: url?.to_owned(),
        })
    }
}

/// The `{kind}` of the federation routes: a kind's route name (`skills`,
/// `agents`, `domains`, `components`, `workflows`), which is its page path.
pub fn route_kind(kind: ListingKind) -> &'static str {
    kind.spec().path.trim_start_matches('/')
}

pub fn parse_route_kind(s: &str) -> Option<ListingKind> {
    ListingKind::ALL.into_iter().find(|k| route_kind(*k) == s)
}

/// A peer's name: 1–63 of `a-z 0-9 _ -`, starting with a letter or digit
/// (it appears in paths, metrics labels and badges).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeerName(String);

impl PeerName {
    pub fn parse(s: &str) -> MarketResult<PeerName> {
        let ok = !s.is_empty()
            && s.len() <= 63
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if ok {
            Ok(PeerName(s.to_owned()))
        } else {
            Err(MarketError::validation(
                "name",
                "A peer name is 1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A peer's base URL: http(s), no query or fragment, kept without a
/// trailing slash.
pub fn parse_peer_url(s: &str) -> MarketResult<String> {
    // The same rule as PutPeer's documented pattern, taken as written.
    let ok = (s.starts_with("http://") || s.starts_with("https://"))
        && s.chars().count() <= crate::model::bounds::HttpUrl::MAX
        && !s.contains(['?', '#'])
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\u{feff}')
        && s.split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty());
    if ok {
        Ok(s.trim_end_matches('/').to_owned())
    } else {
        Err(MarketError::validation(
            "url",
            "The peer's base URL: http(s)://host[:port][/path]",
        ))
    }
}

/// A position in the feed: after this (position, listing) pair. On the
/// wire `<microseconds>.<uuid>`; opaque to peers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedCursor {
    pub position: DateTime<Utc>,
    pub id: Uuid,
}

impl FeedCursor {
    pub fn parse(s: &str) -> MarketResult<FeedCursor> {
        let bad = || MarketError::validation("cursor", "Not a cursor this feed gave");
        let (micros, id) = s.split_once('.').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let position = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        let id = Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(FeedCursor { position, id })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.position.timestamp_micros(), self.id)
    }
}

/// Where an exported listing stands in the feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeedStatus {
    Approved,
    /// Exported once, now suspended or deleted.
    Withdrawn,
}

impl FeedStatus {
    pub const ALL: [FeedStatus; 2] = [FeedStatus::Approved, FeedStatus::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedStatus::Approved => "approved",
            FeedStatus::Withdrawn => "withdrawn",
        }
    }
}

crate::model::stored_as_text!(FeedStatus);

/// One entry of the feed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedItem {
    /// The listing's id (a workflow template's string id).
    pub id: String,
    /// `skill`, `agent_template`, ...
    pub kind: String,
    pub name: String,
    #[schema(required)]
    pub version: Option<String>,
    pub status: FeedStatus,
    pub updated_at: DateTime<Utc>,
    /// The bundle's hash; `null` when withdrawn.
    #[schema(required)]
    pub content_hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// The last item's position (the one given on an empty page); `null`
    /// only when the walk has not started and nothing is exported.
    #[schema(required)]
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

/// A version as history lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BundleVersion {
    pub version_name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// A deprecation as the exporting instance states it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BundleDeprecation {
    pub reason: String,
    /// The replacement's id on the exporting instance.
    #[schema(required)]
    pub replacement_id: Option<String>,
    pub deprecated_at: DateTime<Utc>,
}

/// The approved content of one listing, as a peer mirrors it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bundle {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub long_description: String,
    #[schema(required)]
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    #[schema(required)]
    pub license: Option<String>,
    /// The current version's name.
    #[schema(required)]
    pub version: Option<String>,
    /// The kind's own fields.
    #[schema(value_type = Object)]
    pub spec: Value,
    /// Newest first, at most [`Bundle::MAX_VERSIONS`].
    pub versions: Vec<BundleVersion>,
    /// Absent in bundles of instances without deprecation: not deprecated.
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    #[schema(required)]
    pub deprecation: Option<BundleDeprecation>,
    pub publisher_name: String,
    pub created_at: DateTime<Utc>,
    /// `sha256:` + hex SHA-256 of the RFC 8785 JSON of this bundle without
    /// this field.
    pub content_hash: String,
}

impl Bundle {
    pub const MAX_VERSIONS: i64 = 100;
}

/// `PUT /api/admin/federation/peers/{name}`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutPeer {
    #[schema(schema_with = peer_url_schema)]
    pub url: String,
    #[serde(default)]
    #[schema(schema_with = peer_key_schema)]
    pub key: Option<String>,
    #[serde(default)]
    #[schema(nullable)]
    pub enabled: Option<bool>,
}

fn peer_url_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "description": "The peer's base URL (`https://market.example.com`).",
        "type": "string",
        "pattern": r"^https?://[^\s?#\x00-\x1f\x7f-\x9f\ufeff]+$",
        "maxLength": crate::model::bounds::HttpUrl::MAX,
    }))
}

fn peer_key_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::model::schema::of(serde_json::json!({
        "description": "What this instance presents as X-Federation-Key there; optional when\nreplacing a peer (the stored one is kept).",
        "type": ["string", "null"],
        "minLength": 1,
        "maxLength": PeerKey::MAX,
    }))
}

/// What this instance presents to a peer as its X-Federation-Key.
pub struct PeerKey;

impl PeerKey {
    pub const MAX: usize = 500;

    /// Trimmed; blank, longer than `MAX` characters or holding a control
    /// character is `VALIDATION_ERROR` naming `key`.
    pub fn parse(raw: &str) -> MarketResult<&str> {
        let k = raw.trim();
        if k.is_empty() || raw.chars().count() > Self::MAX || k.chars().any(char::is_control) {
            return Err(MarketError::validation(
                "key",
                format!(
                    "The peer's federation key: 1 to {} printable characters",
                    Self::MAX
                ),
            ));
        }
        Ok(k)
    }
}

/// A peer as operators see it (never its key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Peer {
    pub name: String,
    pub url: String,
    pub enabled: bool,
    #[schema(required)]
    pub last_sync_at: Option<DateTime<Utc>>,
    #[schema(required)]
    pub last_error: Option<String>,
    /// The feed position reached, by `{kind}` (`skills`, ...).
    #[schema(value_type = std::collections::HashMap<String, String>)]
    pub cursors: Value,
    /// Mirrored listings, by `{kind}`.
    #[schema(value_type = std::collections::HashMap<String, i64>)]
    pub mirrored: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeerList {
    pub peers: Vec<Peer>,
}

/// What one sync did, in counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SyncReport {
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub withdrawn: i64,
    pub errors: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let c = FeedCursor {
            position: DateTime::from_timestamp_micros(1_764_000_000_123_456).expect("time"),
            id: Uuid::from_u128(42),
        };
        assert_eq!(FeedCursor::parse(&c.encode()).expect("parse"), c);
        for junk in [
            "",
            "x",
            "1.2",
            "abc.00000000-0000-0000-0000-00000000002a",
            "1",
        ] {
            assert!(FeedCursor::parse(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn peer_names_and_urls() {
        assert!(PeerName::parse("eu-west_1").is_ok());
        for bad in ["", "-a", "A", "a b", "a/b", &"a".repeat(64)] {
            assert!(PeerName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_peer_url("http://a.test:3000/").expect("url"),
            "http://a.test:3000"
        );
        for bad in [
            "ftp://a",
            "http://",
            "http://a?x=1",
            "javascript:alert(1)",
            " http://a",
            "http://a\u{feff}",
        ] {
            assert!(parse_peer_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn route_kinds_are_the_page_paths() {
        assert_eq!(parse_route_kind("skills"), Some(ListingKind::Skill));
        assert_eq!(
            parse_route_kind("workflows"),
            Some(ListingKind::WorkflowTemplate)
        );
        assert_eq!(parse_route_kind("skill"), None);
    }
}
