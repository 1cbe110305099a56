//! What the publishing, account and operator pages show.

use super::kind::ListingKind;
use serde::{Deserialize, Serialize};

/// One of the caller's own listings and where it stands in review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    pub kind: ListingKind,
    pub name: String,
    pub status: crate::model::listing::ListingStatus,
    pub rejection_reason: Option<String>,
    pub updated_at: String,
    /// Approved content is live, even while a change waits in review.
    #[serde(default)]
    pub live: bool,
}

impl Submission {
    /// Drafts and rejected listings can go (back) into review.
    pub fn can_submit(&self) -> bool {
        matches!(
            self.status,
            crate::model::listing::ListingStatus::Draft
                | crate::model::listing::ListingStatus::Rejected
        )
    }
}

/// A listing waiting for an operator, with everything needed to decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: String,
    pub kind: ListingKind,
    pub name: String,
    pub publisher: String,
    pub description: String,
    pub long_description_html: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    pub risk_level: Option<String>,
    pub packages: Vec<String>,
    pub submitted_at: String,
    /// `new`, `edit` or `rollback` (a change to an approved listing).
    pub change: String,
    /// What the approve form pins: a change after the page was rendered
    /// makes the approval fail instead of approving unseen content.
    pub content_hash: String,
    /// For a change to an approved listing: each field that differs from
    /// the live content (empty for a new listing).
    #[serde(default)]
    pub content_diff: Vec<FieldChange>,
    /// For skills: the capability manifest live and under review.
    #[serde(default)]
    pub capability_diff: Option<crate::model::capability::CapabilityDiff>,
}

/// One field of a listing before and after a change, as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlaggedReview {
    pub id: String,
    pub listing_id: String,
    pub rating: f64,
    pub review: Option<String>,
    pub flag_count: i32,
    pub reasons: Vec<String>,
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub at: String,
    pub action: String,
    pub target: String,
    pub actor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperatorDesk {
    pub queue: Vec<QueueItem>,
    pub flagged: Vec<FlaggedReview>,
    pub audit: Vec<AuditEntryView>,
    pub maintenance: bool,
    pub maintenance_message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub maturity: String,
    pub skills: Vec<String>,
}

/// What installing a skill into an agent would do, before doing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstallPreview {
    pub agent: Option<String>,
    pub agent_maturity: Option<String>,
    pub required_maturity: String,
    pub risk_level: String,
    pub already_installed: bool,
    pub quota: String,
    pub packages: Vec<String>,
    /// Every rule the install would break, in the order they are checked.
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CanvasView {
    pub id: String,
    pub name: String,
    pub components: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkflowView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub nodes: usize,
    pub created_at: String,
}

/// The tenant's canvases (with the components placed on each) and the
/// workflows in its workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub canvases: Vec<CanvasView>,
    pub workflows: Vec<WorkflowView>,
}
