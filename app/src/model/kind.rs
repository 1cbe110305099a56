//! The listing kinds. Each kind is registered once, in `register_kinds!` below,
//! and described once, in its own file under `model/kind/`: a
//! [`KindSpec`] (what the pages and the API say about it, shared with the
//! browser) and, on the server, its [`KindOps`] (how the pages publish,
//! install and seed one). Nothing else matches on the kind: code that
//! differs per kind reads the descriptor.
//!
//! A sixth kind is its file in `model/kind/`, one line here, its service
//! and routes module, a migration (its value in `listing_kinds`) and its
//! tests; the page routes in `routes.rs` name its two paths.

use crate::error::{ErrorCode, MarketError};
use serde::{Deserialize, Serialize};

/// Declares [`ListingKind`] with one variant per registered kind, its
/// `ALL` list, the kind's file (`model/kind/<module>.rs`) and the lookups
/// of its descriptor.
macro_rules! register_kinds {
    ($($(#[$doc:meta])* $variant:ident => $module:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// The asset kinds the marketplace lists. Each shares one lifecycle;
        /// what differs is its spec and the route shapes of its documented API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ListingKind {
            $($(#[$doc])* $variant),+
        }

        impl ListingKind {
            pub const ALL: [ListingKind; [$(ListingKind::$variant),+].len()] =
                [$(ListingKind::$variant),+];

            /// Everything the pages and the API say about this kind.
            pub fn spec(self) -> &'static KindSpec {
                match self {
                    $(ListingKind::$variant => &$module::SPEC),+
                }
            }

            /// How the pages publish, install and seed one (server only).
            #[cfg(feature = "ssr")]
            pub fn ops(self) -> &'static KindOps {
                match self {
                    $(ListingKind::$variant => &$module::OPS),+
                }
            }
        }
    };
}

register_kinds! {
    Skill => skill,
    AgentTemplate => agent_template,
    Domain => domain,
    CanvasComponent => canvas_component,
    WorkflowTemplate => workflow_template,
}

/// What one kind is, in data: read by the pages, the page services and the
/// API instead of a `match` on the kind.
#[derive(Debug)]
pub struct KindSpec {
    /// The value stored in `listings.kind` (and `listing_kinds`), used in
    /// query strings and forms; serde's name of the variant.
    pub key: &'static str,
    /// Where its pages live: `/skills`, `/skills/{id}`, ...
    pub path: &'static str,
    /// The plural label people see.
    pub label: &'static str,
    /// One of them, in a sentence.
    pub singular: &'static str,
    /// What the browse page says under its title.
    pub tagline: &'static str,
    /// The documented 404 for a listing of this kind the caller may not see
    /// (unknown, unapproved, another tenant's draft).
    pub not_found: (ErrorCode, &'static str),
    /// Whether ratings may be given in half stars (the reference allows
    /// them for domains only).
    pub half_star_ratings: bool,
    /// The field of a `DUPLICATE_ENTRY`'s details naming the listing that
    /// already has the name, as the reference spells it for this kind.
    pub existing_id_field: &'static str,
    /// The spec field holding its type (the browse page's type filter and
    /// the "type" facet; `listing_kinds.type_field` says the same to the
    /// facet triggers).
    pub type_field: Option<&'static str>,
    /// Whether its cards show that type.
    pub type_on_card: bool,
    /// How an API client installs one: the route and JSON body, `{id}`
    /// standing for the listing's id.
    pub install_api: (&'static str, Option<&'static str>),
    /// What the install panel of its page asks for.
    pub install: PageInstall,
    /// The install button's words.
    pub install_verb: &'static str,
    /// Offered by the publish page's second form, under this label.
    pub publish_label: Option<&'static str>,
}

/// The install panel of a listing page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageInstall {
    /// A target agent and the install plan before installing (skills).
    Plan,
    /// Nothing to choose: one button.
    Direct,
    /// An optional name for the installed copy.
    NamedCopy,
    /// One of the caller's canvases.
    OnCanvas,
}

impl ListingKind {
    /// The value stored in the database and used in query strings.
    pub fn as_str(self) -> &'static str {
        self.spec().key
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The documented 404 code for a listing of this kind that the caller
    /// may not see (unknown, unapproved, another tenant's draft).
    pub fn not_found(self) -> MarketError {
        let (code, message) = self.spec().not_found;
        MarketError::new(code, message)
    }

    /// Whether ratings may be given in half stars.
    pub fn half_star_ratings(self) -> bool {
        self.spec().half_star_ratings
    }

    /// Where its pages live: `/skills`, `/skills/{id}`, ...
    pub fn path(self) -> &'static str {
        self.spec().path
    }

    /// One of them, in a sentence.
    pub fn singular(self) -> &'static str {
        self.spec().singular
    }

    /// What the browse page says under its title.
    pub fn tagline(self) -> &'static str {
        self.spec().tagline
    }

    /// How an API client installs one (shown on the listing page).
    pub fn install_snippet(self, id: &str) -> String {
        let (route, body) = self.spec().install_api;
        let route = route.replace("{id}", id);
        match body {
            None => format!("curl -X POST {route} -H 'X-API-Key: sk-…'"),
            Some(body) => {
                let body = body.replace("{id}", id);
                format!("curl -X POST {route} -H 'X-API-Key: sk-…' -H 'Content-Type: application/json' -d '{body}'")
            }
        }
    }

    /// The plural label people see.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The kinds the publish page's second form offers.
    pub fn publishable() -> impl Iterator<Item = ListingKind> {
        Self::ALL
            .into_iter()
            .filter(|k| k.spec().publish_label.is_some())
    }
}

crate::model::stored_as_text!(ListingKind);

#[cfg(feature = "ssr")]
pub use ops::*;

/// What one kind does on the server, as functions its file provides.
#[cfg(feature = "ssr")]
mod ops {
    use crate::backend::auth::Principal;
    use crate::backend::services::studio_pages::NewListing;
    use crate::backend::state::AppState;
    use crate::error::MarketResult;
    use std::future::Future;
    use std::pin::Pin;
    use uuid::Uuid;

    /// The future a kind's operation answers.
    pub type KindFuture<'a, T> = Pin<Box<dyn Future<Output = MarketResult<T>> + Send + 'a>>;

    /// Where the demo seed installs a listing for one of its raters.
    pub struct SeedTarget {
        /// The rater's number (each rater installs a different slice).
        pub round: usize,
        /// The rater's canvas.
        pub canvas: Uuid,
    }

    /// Publishes a listing from the publish page's second form.
    pub type Publish = for<'a> fn(&'a AppState, &'a Principal, NewListing) -> KindFuture<'a, Uuid>;
    /// Installs from the listing page into `target`; answers what was made.
    pub type Install =
        for<'a> fn(&'a AppState, &'a Principal, Uuid, &'a str) -> KindFuture<'a, String>;
    /// Makes the demo listings (operator, publishers): the approved ids.
    pub type Seed =
        for<'a> fn(&'a AppState, &'a Principal, &'a [Principal]) -> KindFuture<'a, Vec<Uuid>>;
    /// Installs a demo listing for a rater.
    pub type SeedInstall =
        for<'a> fn(&'a AppState, &'a Principal, Uuid, &'a SeedTarget) -> KindFuture<'a, ()>;

    /// A kind's server operations; `None` where the pages do not offer it.
    pub struct KindOps {
        /// The publish page's second form: created and into review.
        pub publish: Option<Publish>,
        /// Installs from its page (`target`: what the panel asked for);
        /// answers what was created, for the page to say.
        pub install: Option<Install>,
        /// Its demo listings, published by `publishers` and decided by the
        /// operator: the approved ones' ids.
        pub seed: Option<Seed>,
        /// How a demo rater installs one of them.
        pub seed_install: Option<SeedInstall>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_kind() {
        for k in ListingKind::ALL {
            assert_eq!(ListingKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ListingKind::parse("plugin"), None);
    }

    #[test]
    fn each_key_is_the_wire_name_and_each_path_is_its_own() {
        let mut paths = std::collections::HashSet::new();
        for k in ListingKind::ALL {
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::Value::from(k.as_str()))
            );
            assert!(paths.insert(k.path()), "{k:?} shares its path");
            assert!(k.path().starts_with('/'));
        }
    }

    #[test]
    fn install_snippets_read_as_before() {
        assert_eq!(
            ListingKind::Skill.install_snippet("abc"),
            "curl -X POST /api/skills/install -H 'X-API-Key: sk-…' -H 'Content-Type: application/json' -d '{\"skill_id\": \"abc\"}'"
        );
        assert_eq!(
            ListingKind::AgentTemplate.install_snippet("abc"),
            "curl -X POST /api/agent-marketplace/install/abc -H 'X-API-Key: sk-…'"
        );
        assert_eq!(
            ListingKind::WorkflowTemplate.install_snippet("abc"),
            "curl -X POST /api/marketplace/templates/abc/import -H 'X-API-Key: sk-…'"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_pages_offer_what_each_kind_can_do() {
        for k in ListingKind::ALL {
            let (spec, ops) = (k.spec(), k.ops());
            assert_eq!(spec.publish_label.is_some(), ops.publish.is_some(), "{k:?}");
            assert_eq!(
                spec.install == PageInstall::Plan,
                ops.install.is_none(),
                "{k:?}"
            );
        }
    }
}
