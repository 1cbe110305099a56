use super::kind::ListingKind;
use serde::{Deserialize, Serialize};

/// What the home page shows of the catalog: approved listings per kind and
/// the busiest categories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogSummary {
    pub total: i64,
    pub kinds: Vec<KindCount>,
    pub categories: Vec<CategoryCount>,
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
