//! Demo catalog for the agent, domain, canvas component and workflow
//! marketplaces, made through the same use cases the API calls.

use crate::backend::auth::Principal;
use crate::backend::services::{agent_templates, agents, components, domains, listings, workflows};
use crate::backend::state::AppState;
use crate::error::{MarketError, MarketResult};
use crate::model::component::ComponentInput;
use crate::model::kind::ListingKind;
use crate::model::workflow::{AdvancedTemplateInput, TemplateType};
use serde::Deserialize;
use uuid::Uuid;

/// The documented built-in workflow templates, addressable by string id.
const WORKFLOW_TEMPLATES: &str = include_str!("demo/workflow_templates.json");

#[derive(Deserialize)]
struct Builtin {
    template_type: String,
    #[serde(default)]
    featured: bool,
    #[serde(flatten)]
    input: AdvancedTemplateInput,
}

/// (name, description, category, price)
const AGENTS: &[(&str, &str, &str, f64)] = &[
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

/// (name, description, category, price, license, tags)
type DemoDomain = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
    &'static [&'static str],
);
const DOMAINS: &[DemoDomain] = &[
    (
        "Sales Automation",
        "Advanced sales workflows",
        "sales",
        29.99,
        "MIT",
        &["sales", "crm", "automation"],
    ),
    (
        "Customer Support",
        "Ticket routing, macros and satisfaction surveys",
        "support",
        0.0,
        "Apache-2.0",
        &["support", "helpdesk"],
    ),
    (
        "E-commerce Operations",
        "Orders, returns and inventory alerts",
        "commerce",
        49.0,
        "Commercial",
        &["ecommerce", "inventory"],
    ),
    (
        "Legal Intake",
        "Matter intake, conflict checks and engagement letters",
        "legal",
        79.0,
        "Commercial",
        &["legal", "intake"],
    ),
    (
        "Marketing Analytics",
        "Campaign attribution and weekly reporting",
        "marketing",
        15.0,
        "MIT",
        &["marketing", "analytics"],
    ),
];

/// (name, description, category, component_type, price, tags, featured)
type DemoComponent = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [&'static str],
    bool,
);
const COMPONENTS: &[DemoComponent] = &[
    (
        "Data Table",
        "Interactive data table with sorting and paging",
        "ui",
        "component",
        0.0,
        &["table", "data", "ui"],
        true,
    ),
    (
        "Revenue Chart",
        "Line and bar charts for time series",
        "charts",
        "chart",
        0.0,
        &["chart", "data"],
        true,
    ),
    (
        "KPI Card",
        "A headline number with trend and sparkline",
        "ui",
        "widget",
        0.0,
        &["kpi", "dashboard"],
        false,
    ),
    (
        "Kanban Board",
        "Drag-and-drop columns for any workflow state",
        "layout",
        "layout",
        12.0,
        &["kanban", "board"],
        false,
    ),
    (
        "Lead Form",
        "Validated lead capture form with consent",
        "forms",
        "form",
        5.0,
        &["form", "leads"],
        false,
    ),
    (
        "Map View",
        "Markers and clusters on an interactive map",
        "charts",
        "widget",
        9.0,
        &["map", "geo"],
        false,
    ),
];

fn internal(e: serde_json::Error) -> MarketError {
    tracing::error!(error = %e, "demo workflow templates unreadable");
    MarketError::internal()
}

async fn approve(
    state: &AppState,
    operator: &Principal,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<()> {
    listings::decide(state, operator, kind, id, listings::Decision::Approve).await?;
    Ok(())
}

pub async fn seed(
    state: &AppState,
    operator: &Principal,
    publishers: &[Principal],
    raters: &[Principal],
) -> MarketResult<()> {
    let by = |i: usize| &publishers[i % publishers.len()];
    let mut approved: Vec<(ListingKind, Uuid)> = Vec::new();

    for (i, (name, description, category, price)) in AGENTS.iter().enumerate() {
        let agent = agents::create(state, by(i), name, None).await?;
        let req = agent_templates::PublishAgent {
            name: Some((*name).into()),
            description: Some((*description).into()),
            price: Some(*price),
            category: Some((*category).into()),
        };
        let row = agent_templates::publish(state, by(i), agent.id, &req).await?;
        approve(state, operator, ListingKind::AgentTemplate, row.id).await?;
        approved.push((ListingKind::AgentTemplate, row.id));
    }

    for (i, (name, description, category, price, license, tags)) in DOMAINS.iter().enumerate() {
        let row = domains::create(state, by(i), name, Some(description), Some(category)).await?;
        let submission = domains::Submission {
            price_usd: Some(*price),
            license_type: Some((*license).into()),
            tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
        };
        domains::submit(state, by(i), row.id, &submission).await?;
        if i == DOMAINS.len() - 1 {
            continue; // one waits in the review queue
        }
        approve(state, operator, ListingKind::Domain, row.id).await?;
        approved.push((ListingKind::Domain, row.id));
    }

    for (i, (name, description, category, ctype, price, tags, featured)) in
        COMPONENTS.iter().enumerate()
    {
        let input = ComponentInput {
            name: (*name).into(),
            description: Some((*description).into()),
            category: Some((*category).into()),
            component_type: Some((*ctype).into()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            version: Some("1.0.0".into()),
            code: Some(format!(
                "export function {}(props) {{\n  return render(props);\n}}\n",
                name.replace(' ', "")
            )),
            config_schema: Some(serde_json::json!({
                "type": "object",
                "properties": {"title": {"type": "string"}, "data": {"type": "array"}}
            })),
            dependencies: vec!["react".into()],
            price: Some(*price),
            license: Some("MIT".into()),
            ..ComponentInput::default()
        };
        let row = components::create(state, by(i), &input).await?;
        let publish = components::Publish {
            price: None,
            license: None,
            tags: None,
        };
        components::publish(state, by(i), row.id, &publish).await?;
        approve(state, operator, ListingKind::CanvasComponent, row.id).await?;
        if *featured {
            crate::backend::db::listings::set_featured(&state.pool, row.id, true).await?;
        }
        approved.push((ListingKind::CanvasComponent, row.id));
    }

    let builtins: Vec<Builtin> = serde_json::from_str(WORKFLOW_TEMPLATES).map_err(internal)?;
    for b in &builtins {
        let kind = TemplateType::parse(&b.template_type)?;
        let row = workflows::create_template(state, operator, &b.input, kind).await?;
        approve(state, operator, ListingKind::WorkflowTemplate, row.id).await?;
        if b.featured {
            crate::backend::db::listings::set_featured(&state.pool, row.id, true).await?;
        }
        approved.push((ListingKind::WorkflowTemplate, row.id));
    }

    // Each demo team installs and rates a different slice of the catalog.
    for (j, rater) in raters.iter().enumerate() {
        let canvas = components::create_canvas(state, rater, "Dashboard").await?;
        for (i, (kind, id)) in approved.iter().enumerate() {
            if (i + j) % 3 == 0 {
                continue;
            }
            match kind {
                ListingKind::AgentTemplate if j % 4 == 0 => {
                    agent_templates::install(state, rater, *id).await?;
                }
                ListingKind::Domain => {
                    domains::install(state, rater, *id, None).await?;
                }
                ListingKind::CanvasComponent => {
                    components::install(state, rater, *id, canvas.id).await?;
                }
                ListingKind::WorkflowTemplate => {
                    workflows::import_template(state, rater, &id.to_string()).await?;
                }
                _ => {}
            }
            if (i + j) % 2 == 0 {
                let mut rating = [5.0, 4.0, 5.0, 3.0, 4.0][(i + j) % 5];
                if *kind == ListingKind::Domain && j % 3 == 0 {
                    rating -= 0.5;
                }
                let review = (j % 3 == 0).then(|| "Saved our team hours every week.".to_owned());
                listings::rate(state, rater, *kind, *id, rating, review, false).await?;
            }
        }
    }
    Ok(())
}
