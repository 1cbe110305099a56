//! Workflow templates: steps and inputs imported into the caller's
//! workspace as a workflow (`/api/marketplace/templates`); the built-in
//! ones keep their documented string ids.

use super::{KindSpec, PageInstall};
use crate::error::ErrorCode;

pub const SPEC: KindSpec = KindSpec {
    key: "workflow_template",
    path: "/workflows",
    label: "Workflows",
    singular: "workflow template",
    tagline: "Workflow templates to import into your workspace.",
    not_found: (ErrorCode::TemplateNotFound, "Template not found"),
    half_star_ratings: false,
    existing_id_field: "existing_template_id",
    type_field: Some("template_type"),
    type_on_card: false,
    install_api: ("/api/marketplace/templates/{id}/import", None),
    install: PageInstall::Direct,
    install_verb: "Import into workspace",
    publish_label: Some("Workflow template"),
};

#[cfg(feature = "ssr")]
pub const OPS: super::KindOps = super::KindOps {
    publish: Some(ops::publish),
    install: Some(ops::install),
    seed: Some(ops::seed),
    seed_install: Some(ops::seed_install),
};

#[cfg(feature = "ssr")]
mod ops {
    use super::super::{KindFuture, ListingKind, SeedTarget};
    use crate::backend::auth::Principal;
    use crate::backend::services::studio_pages::NewListing;
    use crate::backend::services::{seed_kinds, workflows};
    use crate::backend::state::AppState;
    use crate::error::MarketError;
    use crate::model::workflow::{AdvancedTemplateInput, TemplateType};
    use serde::Deserialize;
    use uuid::Uuid;

    /// An advanced template with its steps and inputs, straight into review.
    pub fn publish<'a>(
        state: &'a AppState,
        p: &'a Principal,
        l: NewListing,
    ) -> KindFuture<'a, Uuid> {
        Box::pin(async move {
            let input = AdvancedTemplateInput {
                name: l.name,
                description: l.description,
                category: l.category,
                tags: l.tags,
                input_schema: l.specifics.input_schema.unwrap_or_default(),
                steps: l.specifics.steps.unwrap_or_default(),
                ..AdvancedTemplateInput::default()
            };
            Ok(
                workflows::create_template(state, p, &input, TemplateType::Advanced)
                    .await?
                    .id,
            )
        })
    }

    pub fn install<'a>(
        state: &'a AppState,
        p: &'a Principal,
        id: Uuid,
        _target: &'a str,
    ) -> KindFuture<'a, String> {
        Box::pin(async move {
            let w = workflows::import_template(state, p, &id.to_string()).await?;
            Ok(format!("Imported into your workspace as '{}'.", w.name))
        })
    }

    /// The documented built-in workflow templates, addressable by string id.
    const BUILTINS: &str = include_str!("../../backend/services/demo/workflow_templates.json");

    #[derive(Deserialize)]
    struct Builtin {
        template_type: String,
        #[serde(default)]
        featured: bool,
        #[serde(flatten)]
        input: AdvancedTemplateInput,
    }

    fn internal(e: serde_json::Error) -> MarketError {
        tracing::error!(error = %e, "demo workflow templates unreadable");
        MarketError::internal()
    }

    /// The built-in templates, published by the operator.
    pub fn seed<'a>(
        state: &'a AppState,
        operator: &'a Principal,
        _publishers: &'a [Principal],
    ) -> KindFuture<'a, Vec<Uuid>> {
        Box::pin(async move {
            let builtins: Vec<Builtin> = serde_json::from_str(BUILTINS).map_err(internal)?;
            let mut approved = Vec::new();
            for b in &builtins {
                let kind = TemplateType::parse(&b.template_type)?;
                let row = workflows::create_template(state, operator, &b.input, kind).await?;
                seed_kinds::approve(state, operator, ListingKind::WorkflowTemplate, row.id).await?;
                if b.featured {
                    seed_kinds::feature(state, row.id).await?;
                }
                approved.push(row.id);
            }
            Ok(approved)
        })
    }

    pub fn seed_install<'a>(
        state: &'a AppState,
        rater: &'a Principal,
        id: Uuid,
        _target: &'a SeedTarget,
    ) -> KindFuture<'a, ()> {
        Box::pin(async move {
            workflows::import_template(state, rater, &id.to_string()).await?;
            Ok(())
        })
    }
}
