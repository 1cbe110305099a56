//! Agent templates: a published agent, installed as a new agent of the
//! caller's tenant (`/api/agent-marketplace`).

use super::{KindSpec, PageInstall};
use crate::error::ErrorCode;

pub const SPEC: KindSpec = KindSpec {
    key: "agent_template",
    path: "/agents",
    label: "Agent templates",
    singular: "agent template",
    tagline: "Ready-made agents to install into your tenant.",
    not_found: (ErrorCode::AgentNotFound, "Agent template not found"),
    half_star_ratings: false,
    existing_id_field: "existing_template_id",
    type_field: None,
    type_on_card: false,
    install_api: ("/api/agent-marketplace/install/{id}", None),
    install: PageInstall::Direct,
    install_verb: "Install",
    // Published from one of the caller's agents (the agents page).
    publish_label: None,
};

#[cfg(feature = "ssr")]
pub const OPS: super::KindOps = super::KindOps {
    publish: None,
    install: Some(ops::install),
    seed: Some(ops::seed),
    seed_install: Some(ops::seed_install),
};

#[cfg(feature = "ssr")]
mod ops {
    use super::super::{KindFuture, SeedTarget};
    use crate::backend::auth::Principal;
    use crate::backend::services::{agent_templates, agents, seed_kinds};
    use crate::backend::state::AppState;
    use uuid::Uuid;

    pub fn install<'a>(
        state: &'a AppState,
        p: &'a Principal,
        id: Uuid,
        _target: &'a str,
    ) -> KindFuture<'a, String> {
        Box::pin(async move {
            let agent = agent_templates::install(state, p, id).await?;
            Ok(format!("Installed as the agent '{}'.", agent.name))
        })
    }

    /// (name, description, category, price)
    const DEMO: &[(&str, &str, &str, f64)] = &[
        (
            "Sales Assistant",
            "Automated sales follow-up agent",
            "sales",
            19.99,
        ),
        (
            "Support Concierge",
            "Answers first-line questions and escalates with context",
            "support",
            0.0,
        ),
        (
            "Recruiting Coordinator",
            "Screens applicants and schedules interviews",
            "hr",
            9.99,
        ),
        (
            "Finance Clerk",
            "Reconciles statements and chases overdue invoices",
            "finance",
            29.0,
        ),
    ];

    pub fn seed<'a>(
        state: &'a AppState,
        operator: &'a Principal,
        publishers: &'a [Principal],
    ) -> KindFuture<'a, Vec<Uuid>> {
        Box::pin(async move {
            let mut approved = Vec::new();
            for (i, (name, description, category, price)) in DEMO.iter().enumerate() {
                let by = seed_kinds::publisher(publishers, i);
                let agent = agents::create(state, by, name, None).await?;
                let req = agent_templates::PublishAgent {
                    name: Some((*name).into()),
                    description: Some((*description).into()),
                    price: Some(*price),
                    category: Some((*category).into()),
                };
                let row = agent_templates::publish(state, by, agent.id, &req).await?;
                seed_kinds::approve(
                    state,
                    operator,
                    super::super::ListingKind::AgentTemplate,
                    row.id,
                )
                .await?;
                approved.push(row.id);
            }
            Ok(approved)
        })
    }

    /// One rater in four installs agent templates (each becomes an agent).
    pub fn seed_install<'a>(
        state: &'a AppState,
        rater: &'a Principal,
        id: Uuid,
        target: &'a SeedTarget,
    ) -> KindFuture<'a, ()> {
        Box::pin(async move {
            if target.round.is_multiple_of(4) {
                agent_templates::install(state, rater, id).await?;
            }
            Ok(())
        })
    }
}
