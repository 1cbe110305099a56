use serde::{Deserialize, Serialize};

/// The five asset kinds the marketplace lists. Each shares one lifecycle;
/// what differs is its spec and the route shapes of its documented API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    Skill,
    AgentTemplate,
    Domain,
    CanvasComponent,
    WorkflowTemplate,
}

impl ListingKind {
    pub const ALL: [ListingKind; 5] = [
        ListingKind::Skill,
        ListingKind::AgentTemplate,
        ListingKind::Domain,
        ListingKind::CanvasComponent,
        ListingKind::WorkflowTemplate,
    ];

    /// The value stored in the database and used in query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Skill => "skill",
            ListingKind::AgentTemplate => "agent_template",
            ListingKind::Domain => "domain",
            ListingKind::CanvasComponent => "canvas_component",
            ListingKind::WorkflowTemplate => "workflow_template",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The documented 404 code for a listing of this kind that the caller
    /// may not see (unknown, unapproved, another tenant's draft).
    pub fn not_found(self) -> crate::error::MarketError {
        use crate::error::{ErrorCode, MarketError};
        match self {
            ListingKind::Skill => {
                MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved")
            }
            ListingKind::AgentTemplate => {
                MarketError::new(ErrorCode::AgentNotFound, "Agent template not found")
            }
            ListingKind::Domain => MarketError::new(ErrorCode::DomainNotFound, "Domain not found"),
            ListingKind::CanvasComponent => {
                MarketError::new(ErrorCode::ComponentNotFound, "Component not found")
            }
            ListingKind::WorkflowTemplate => {
                MarketError::new(ErrorCode::TemplateNotFound, "Template not found")
            }
        }
    }

    /// Whether ratings may be given in half stars (the reference allows
    /// them for domains only).
    pub fn half_star_ratings(self) -> bool {
        matches!(self, ListingKind::Domain)
    }

    /// The plural label people see.
    pub fn label(self) -> &'static str {
        match self {
            ListingKind::Skill => "Skills",
            ListingKind::AgentTemplate => "Agent templates",
            ListingKind::Domain => "Domains",
            ListingKind::CanvasComponent => "Canvas components",
            ListingKind::WorkflowTemplate => "Workflows",
        }
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
}
