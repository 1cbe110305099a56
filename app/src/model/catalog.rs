use super::kind::ListingKind;
use serde::{Deserialize, Serialize};

/// What the home page shows of the catalog: approved listings per kind and
/// the busiest categories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogSummary {
    pub total: i64,
    pub kinds: Vec<KindCount>,
    pub categories: Vec<CategoryCount>,
    /// Per kind, what to install first: one entry per kind, in tab order.
    pub shelves: Vec<KindShelves>,
}

/// Categories a kind's tab shows; the rest are behind "all categories".
pub const HOME_CATEGORIES: usize = 8;
/// Cards per shelf.
pub const SHELF_SIZE: i64 = 4;

/// A kind's tab on the home page: its popular, trending and newest
/// approved listings and its busiest categories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindShelves {
    pub kind: ListingKind,
    pub popular: Vec<ListingCard>,
    pub trending: Vec<ListingCard>,
    pub newest: Vec<ListingCard>,
    /// At most [`HOME_CATEGORIES`], busiest first.
    pub categories: Vec<(String, i64)>,
    /// The kind has more categories than shown.
    pub more_categories: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindCount {
    pub kind: ListingKind,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub kind: ListingKind,
    pub category: String,
    pub count: i64,
}

/// A listing as a card in browse results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingCard {
    pub id: String,
    pub kind: ListingKind,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    pub rating: f64,
    pub rating_count: i32,
    pub installs: i32,
    pub publisher: String,
    pub type_label: Option<String>,
    /// The federation peer a mirrored listing came from (`None`: local).
    #[serde(default)]
    pub mirrored_from: Option<String>,
}

/// What the browse page asks for; every field lives in the query string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowseRequest {
    pub q: Option<String>,
    pub category: Option<String>,
    pub sort: Option<String>,
    pub free: Option<bool>,
    pub page: Option<i64>,
    pub tag: Option<String>,
    /// The kind's type (skill type, component type, template type): `type`
    /// in the URL.
    pub kind_type: Option<String>,
}

/// Facets count at most this many matches (exact below it).
pub const FACET_CAP: i64 = 1000;

/// Counts of the current results per facet value, for the browse filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub types: Vec<(String, i64)>,
    pub tags: Vec<(String, i64)>,
    pub free: i64,
    pub paid: i64,
    /// Counted over the first `FACET_CAP` matches only: lower bounds.
    pub capped: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrowsePage {
    pub items: Vec<ListingCard>,
    pub total: i64,
    /// `total` reached the count's cap: there are at least that many.
    pub total_capped: bool,
    pub page: i64,
    pub pages: i64,
    pub categories: Vec<(String, i64)>,
    pub facets: Facets,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: String,
    pub rating: f64,
    pub review: Option<String>,
    pub helpful_count: i32,
    pub author_response: Option<String>,
    pub created_at: String,
    /// The reviewer's tenant.
    pub tenant_name: String,
    /// The reviewer's tenant had the listing installed when rating, at
    /// `version`.
    pub verified_install: bool,
    pub version: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub name: String,
    pub description: String,
    pub created_at: String,
    /// What it changed since the version before (stored when it was
    /// frozen); `None` for versions from before the version gate.
    #[serde(default)]
    pub change: Option<VersionChange>,
}

/// A version's change summary as the listing page shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionChange {
    /// `None`: the first version.
    pub previous_version: Option<String>,
    /// `major`, `minor` or `patch`.
    pub bump: Option<String>,
    pub schema_changed: bool,
    /// Each breaking change as `schema path: change`.
    pub breaking: Vec<String>,
    pub capabilities_widened: Vec<String>,
    pub capabilities_narrowed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingDetail {
    pub card: ListingCard,
    /// Rendered from markdown and sanitised on the server.
    pub long_description_html: String,
    pub license: Option<String>,
    pub documentation_url: Option<String>,
    pub repository_url: Option<String>,
    pub risk_level: Option<String>,
    /// For skills: what the manifest grants, one `(part, value)` per
    /// granted part (empty: nothing beyond computing).
    #[serde(default)]
    pub capabilities: Vec<(String, String)>,
    pub packages: Vec<String>,
    pub reviews: Vec<ReviewView>,
    pub review_total: i64,
    /// Ratings per star, 5 down to 1.
    pub distribution: [i64; 5],
    pub versions: Vec<VersionView>,
    pub created_at: String,
    /// Set while the publisher has deprecated the listing.
    pub deprecation: Option<super::deprecation::DeprecationNotice>,
    /// The page's viewer is logged in (else it offers "Log in to rate").
    pub signed_in: bool,
}
