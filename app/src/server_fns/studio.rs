//! Publishing, the caller's submissions and agents, installing from a
//! listing page, and voting on or flagging reviews.

// The publish form posts its fields as one argument each; the server macro
// also generates the browser's caller, which an item-level allow misses.
#![allow(clippy::too_many_arguments)]

use crate::error::MarketError;
#[cfg(feature = "ssr")]
use crate::model::kind::ListingKind;
use crate::model::studio::{AgentView, CanvasView, InstallPreview, Submission, WorkspaceView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{services::studio_pages, state::AppState};

#[server(prefix = "/sfn", endpoint = "studio/submissions")]
pub async fn my_submissions() -> Result<Vec<Submission>, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            studio_pages::submissions(&state, &principal).await
        }
        .await,
    )
}

/// A JSON text field of a form: blank is absent, anything else must parse.
#[cfg(feature = "ssr")]
fn json_field(field: &str, text: &str) -> Result<Option<serde_json::Value>, MarketError> {
    match text.trim() {
        "" => Ok(None),
        s => serde_json::from_str(s)
            .map(Some)
            .map_err(|e| MarketError::validation(field, format!("Not valid JSON: {e}"))),
    }
}

/// A form's price: blank is absent (the API's default), anything else a number.
#[cfg(feature = "ssr")]
fn price_field(text: &str) -> Result<Option<f64>, MarketError> {
    match text.trim() {
        "" => Ok(None),
        p => p
            .parse::<f64>()
            .map(Some)
            .map_err(|_| MarketError::validation("price", "Enter a price such as 0 or 9.99")),
    }
}

/// The publish form: a new skill straight into review.
#[server(prefix = "/sfn", endpoint = "studio/publish")]
pub async fn publish_skill(
    name: String,
    description: String,
    skill_type: String,
    category: String,
    tags: String,
    price: String,
    risk_level: String,
    long_description: String,
    input_schema: String,
) -> Result<String, MarketError> {
    use crate::model::skill::SkillInput;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let price = price_field(&price)?;
            let input_schema = json_field("input_schema", &input_schema)?;
            let blank = |s: String| Some(s).filter(|s| !s.trim().is_empty());
            let input = SkillInput {
                name,
                description: blank(description),
                skill_type: blank(skill_type),
                category: blank(category),
                tags: tags.split(',').map(str::to_owned).collect(),
                price,
                risk_level: blank(risk_level),
                long_description: blank(long_description),
                input_schema,
                ..SkillInput::default()
            };
            let id = studio_pages::publish_skill(&state, &principal, &input).await?;
            leptos_axum::redirect("/account/submissions");
            Ok(id.to_string())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/resubmit")]
pub async fn resubmit(kind: String, id: String) -> Result<(), MarketError> {
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let kind = ListingKind::parse(&kind).ok_or_else(MarketError::route_not_found)?;
            let id = studio_pages::form_id(&id, || kind.not_found())?;
            studio_pages::resubmit(&state, &principal, kind, id).await
        }
        .await,
    )
}

/// The caller's agents; anonymous callers have none.
#[server(prefix = "/sfn", endpoint = "studio/agents")]
pub async fn my_agents() -> Result<Option<Vec<AgentView>>, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            match super::maybe_principal(&state).await? {
                Some(p) => Ok(Some(studio_pages::agents(&state, &p).await?)),
                None => Ok(None),
            }
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/create-agent")]
pub async fn create_agent(name: String) -> Result<(), MarketError> {
    use crate::backend::services::agents;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            agents::create(&state, &principal, &name, None).await?;
            Ok(())
        }
        .await,
    )
}

/// One of the caller's agents into review as an agent template.
#[server(prefix = "/sfn", endpoint = "studio/publish-agent")]
pub async fn publish_agent_template(
    agent_id: String,
    name: String,
    description: String,
    category: String,
    price: String,
) -> Result<(), MarketError> {
    use crate::backend::services::agent_templates::{self, PublishAgent};
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let agent = agent_field(&agent_id)?.ok_or_else(|| {
                MarketError::new(crate::error::ErrorCode::AgentNotFound, "Agent not found")
            })?;
            let price = price_field(&price)?;
            let blank = |s: String| Some(s).filter(|s| !s.trim().is_empty());
            let req = PublishAgent {
                name: blank(name),
                description: blank(description),
                price,
                category: blank(category),
            };
            agent_templates::publish(&state, &principal, agent, &req).await?;
            leptos_axum::redirect("/account/submissions");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn agent_field(raw: &str) -> Result<Option<uuid::Uuid>, MarketError> {
    match raw.trim() {
        "" => Ok(None),
        a => studio_pages::form_id(a, || {
            MarketError::new(crate::error::ErrorCode::NotFound, "Agent not found")
                .with_details(serde_json::json!({ "field": "agent_id" }))
        })
        .map(Some),
    }
}

/// The install plan for a skill and a target agent, before installing.
#[server(prefix = "/sfn", endpoint = "studio/install-plan")]
pub async fn install_plan(id: String, agent_id: String) -> Result<InstallPreview, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            let listing = studio_pages::form_id(&id, || ListingKind::Skill.not_found())?;
            studio_pages::preview(&state, &principal, listing, agent_field(&agent_id)?).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/install")]
pub async fn install_skill(id: String, agent_id: String) -> Result<(), MarketError> {
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let listing = studio_pages::form_id(&id, || ListingKind::Skill.not_found())?;
            studio_pages::install(&state, &principal, listing, agent_field(&agent_id)?).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn review_id(raw: &str) -> Result<uuid::Uuid, MarketError> {
    studio_pages::form_id(raw, || {
        MarketError::route_not_found().with_message("Review not found")
    })
}

#[server(prefix = "/sfn", endpoint = "studio/flag-review")]
pub async fn flag_review(
    kind: String,
    review_id: String,
    reason: String,
) -> Result<(), MarketError> {
    use crate::backend::services::listings;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let kind = ListingKind::parse(&kind).ok_or_else(MarketError::route_not_found)?;
            listings::flag_review(
                &state,
                &principal,
                kind,
                self::review_id(&review_id)?,
                &reason,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/vote-review")]
pub async fn vote_review(review_id: String, helpful: String) -> Result<(), MarketError> {
    use crate::backend::services::listings;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            listings::vote_review(
                &state,
                &principal,
                self::review_id(&review_id)?,
                helpful == "yes",
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/workspace")]
pub async fn my_workspace() -> Result<WorkspaceView, MarketError> {
    super::with_status(
        async {
            let state = AppState::from_context()?;
            let principal = super::principal(&state).await?;
            studio_pages::workspace(&state, &principal).await
        }
        .await,
    )
}

#[server(prefix = "/sfn", endpoint = "studio/create-canvas")]
pub async fn create_canvas(name: String) -> Result<(), MarketError> {
    use crate::backend::services::components;
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            components::create_canvas(&state, &principal, &name).await?;
            Ok(())
        }
        .await,
    )
}

/// Installs an agent template, domain, component or workflow template
/// from its page (`target`: the canvas id, or a domain's custom name).
#[server(prefix = "/sfn", endpoint = "studio/install-listing")]
pub async fn install_listing(
    kind: String,
    id: String,
    target: String,
) -> Result<String, MarketError> {
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let kind = ListingKind::parse(&kind).ok_or_else(MarketError::route_not_found)?;
            let id = studio_pages::form_id(&id, || kind.not_found())?;
            studio_pages::install_other(&state, &principal, kind, id, &target).await
        }
        .await,
    )
}

/// The caller's canvases, for install pickers; anonymous callers have none
/// (not an error: the page renders for them too).
#[server(prefix = "/sfn", endpoint = "studio/canvases")]
pub async fn my_canvases() -> Result<Option<Vec<CanvasView>>, MarketError> {
    use crate::backend::services::components;
    super::with_status(
        async {
            let state = AppState::from_context()?;
            match super::maybe_principal(&state).await? {
                Some(p) => Ok(Some(
                    components::canvases(&state, &p)
                        .await?
                        .into_iter()
                        .map(|c| CanvasView {
                            id: c.id.to_string(),
                            name: c.name,
                            components: Vec::new(),
                        })
                        .collect(),
                )),
                None => Ok(None),
            }
        }
        .await,
    )
}

/// The publish page's second form: a domain, component or workflow
/// template, with the fields of its kind (absent ones take the API's
/// defaults).
#[server(prefix = "/sfn", endpoint = "studio/publish-other")]
#[allow(clippy::too_many_arguments)]
pub async fn publish_other(
    kind: String,
    name: String,
    description: String,
    category: String,
    tags: String,
    price: String,
    #[server(default)] component_type: Option<String>,
    #[server(default)] code: Option<String>,
    #[server(default)] config_schema: Option<String>,
    #[server(default)] input_schema: Option<String>,
    #[server(default)] steps: Option<String>,
) -> Result<(), MarketError> {
    super::with_status(
        async {
            let (state, principal) = super::writer().await?;
            let kind = ListingKind::parse(&kind)
                .ok_or_else(|| MarketError::validation("kind", "Choose what you publish"))?;
            let price = price_field(&price)?;
            let category = Some(category.trim()).filter(|c| !c.is_empty());
            let tags = tags.split(',').map(str::to_owned).collect();
            let text = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
            let specifics = studio_pages::KindFields {
                component_type: text(component_type),
                code: text(code),
                config_schema: json_field("config_schema", config_schema.as_deref().unwrap_or(""))?,
                input_schema: json_field("input_schema", input_schema.as_deref().unwrap_or(""))?,
                steps: json_field("steps", steps.as_deref().unwrap_or(""))?,
            };
            studio_pages::publish_other(
                &state,
                &principal,
                kind,
                &name,
                &description,
                category,
                tags,
                price,
                specifics,
            )
            .await?;
            leptos_axum::redirect("/account/submissions");
            Ok(())
        }
        .await,
    )
}
