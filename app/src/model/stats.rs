//! Analytics: a listing's installs and ratings per day, the review queue's
//! health per day, and the charts the pages draw of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How many days a chart covers, ending today (UTC): 30, 90 or 365.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsDays(u16);

impl StatsDays {
    pub const ALLOWED: [u16; 3] = [30, 90, 365];

    /// `None` is the default window of 30 days.
    pub fn parse(raw: Option<i64>) -> Result<Self, crate::error::MarketError> {
        match raw {
            None => Ok(StatsDays(30)),
            Some(d) => Self::ALLOWED
                .iter()
                .copied()
                .find(|a| i64::from(*a) == d)
                .map(StatsDays)
                .ok_or_else(|| {
                    crate::error::MarketError::validation("days", "days must be 30, 90 or 365")
                }),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// Who sees what: the listing's publisher and operators see the series,
/// everyone else (an approved listing only) the public totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatsAccess {
    Full,
    Public,
}

/// The listing's all-time counters, as its page shows them to anyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatsTotals {
    /// Tenants that ever installed it (each counts once).
    pub installs: i64,
    /// Tenants that have it installed now.
    pub active_installs: i64,
    /// Visible ratings.
    pub ratings: i64,
    /// Their average (1 to 5); null without ratings.
    #[schema(required)]
    pub average_rating: Option<f64>,
}

/// One UTC day of a listing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatsPoint {
    pub date: NaiveDate,
    /// First installs by a tenant that day.
    pub installs: i64,
    /// Tenants whose last copy went that day.
    pub uninstalls: i64,
    /// Tenants with it installed at the end of the day.
    pub active_installs: i64,
    /// Visible ratings made that day.
    pub ratings: i64,
    /// The average of every visible rating made up to the end of the day
    /// (the rating trend); null before the first.
    #[schema(required)]
    pub average_rating: Option<f64>,
}

/// First installs of a version within the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VersionInstalls {
    /// The version that was current at install time ("" for a listing
    /// without versions).
    pub version: String,
    pub installs: i64,
}

/// `GET /api/listings/{id}/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListingStats {
    pub listing_id: Uuid,
    /// The window: 30, 90 or 365 days ending today (UTC).
    pub days: u16,
    pub access: StatsAccess,
    pub totals: StatsTotals,
    /// One point per day, oldest first (empty for `public` access).
    pub series: Vec<StatsPoint>,
    /// Installs per version in the window, most first (empty for `public`).
    pub by_version: Vec<VersionInstalls>,
}

/// One UTC day of the review queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueDay {
    pub date: NaiveDate,
    /// Listings submitted and changes to live listings sent for review.
    pub submissions: i64,
    pub approvals: i64,
    pub rejections: i64,
    /// Items that left the queue undecided (superseded, withdrawn, deleted).
    pub withdrawals: i64,
    /// Items waiting at the end of the day (now, for today).
    pub queue_size: i64,
    /// Age of the oldest waiting item at the end of the day (now, for
    /// today), in seconds; null when nothing waited.
    #[schema(required)]
    pub oldest_age_seconds: Option<i64>,
    /// Median time from submission to decision of the day's decisions, in
    /// seconds (from a histogram of about 19 % wide buckets); null without
    /// decisions.
    #[schema(required)]
    pub median_decision_seconds: Option<f64>,
}

/// `GET /api/admin/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueStats {
    pub days: u16,
    /// One point per day, oldest first.
    pub series: Vec<QueueDay>,
    /// Waiting now.
    pub queue_size: i64,
    #[schema(required)]
    pub oldest_age_seconds: Option<i64>,
    /// Median time to decision over the window's decisions, in seconds.
    #[schema(required)]
    pub median_decision_seconds: Option<f64>,
    pub decisions: i64,
}

/// A chart drawn on the server: the SVG, its accessible name, a sentence
/// saying what it shows, and the numbers as a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    /// Unique on the page (ids of the caption and description).
    pub id: String,
    pub title: String,
    /// The text alternative: what the picture says, in words.
    pub summary: String,
    pub svg: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One listing on the publisher's dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingChartCard {
    pub name: String,
    pub href: String,
    pub kind_label: String,
    pub status: crate::model::listing::ListingStatus,
    pub recent_installs: i64,
    pub chart: ChartView,
}

/// The publisher dashboard: listings sorted by installs in the last 30 days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsDashboard {
    pub cards: Vec<ListingChartCard>,
    /// All of the tenant's listings (the dashboard shows the first ones).
    pub total_listings: i64,
}
