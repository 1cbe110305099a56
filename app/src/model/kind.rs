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

    /// Where its pages live: `/skills`, `/skills/{id}`, ...
    pub fn path(self) -> &'static str {
        match self {
            ListingKind::Skill => "/skills",
            ListingKind::AgentTemplate => "/agents",
            ListingKind::Domain => "/domains",
            ListingKind::CanvasComponent => "/components",
            ListingKind::WorkflowTemplate => "/workflows",
        }
    }

    /// One of them, in a sentence.
    pub fn singular(self) -> &'static str {
        match self {
            ListingKind::Skill => "skill",
            ListingKind::AgentTemplate => "agent template",
            ListingKind::Domain => "domain",
            ListingKind::CanvasComponent => "component",
            ListingKind::WorkflowTemplate => "workflow template",
        }
    }

    /// What the browse page says under its title.
    pub fn tagline(self) -> &'static str {
        match self {
            ListingKind::Skill => "Reviewed by operators, rated by the teams that run them.",
            ListingKind::AgentTemplate => "Ready-made agents to install into your tenant.",
            ListingKind::Domain => {
                "Specialist domains with their workflows, installable under your own name."
            }
            ListingKind::CanvasComponent => {
                "UI components for your canvases, with code and config schema."
            }
            ListingKind::WorkflowTemplate => "Workflow templates to import into your workspace.",
        }
    }

    /// How an API client installs one (shown on the listing page).
    pub fn install_snippet(self, id: &str) -> String {
        let (route, body) = match self {
            ListingKind::Skill => ("/api/skills/install", format!("{{\"skill_id\": \"{id}\"}}")),
            ListingKind::AgentTemplate => ("/api/agent-marketplace/install/ID", String::new()),
            ListingKind::Domain => (
                "/api/v1/domains/marketplace/install",
                format!("{{\"template_domain_id\": \"{id}\"}}"),
            ),
            ListingKind::CanvasComponent => (
                "/api/canvas-marketplace/components/install",
                format!("{{\"component_id\": \"{id}\", \"canvas_id\": \"…\"}}"),
            ),
            ListingKind::WorkflowTemplate => {
                ("/api/marketplace/templates/ID/import", String::new())
            }
        };
        let route = route.replace("ID", id);
        if body.is_empty() {
            format!("curl -X POST {route} -H 'X-API-Key: sk-…'")
        } else {
            format!("curl -X POST {route} -H 'X-API-Key: sk-…' -H 'Content-Type: application/json' -d '{body}'")
        }
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
