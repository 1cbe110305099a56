//! The publishing, account and operator pages' use cases: the same
//! services the JSON API calls, shaped for the pages.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::{self, listings::Snapshot};
use crate::backend::services::listings::{self, Decision};
use crate::backend::services::{agents, governance, skills};
use crate::backend::state::AppState;
use crate::error::{MarketError, MarketResult};
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::page::PageParams;
use crate::model::skill::SkillInput;
use crate::model::studio::{
    AgentView, AuditEntryView, CanvasView, FieldChange, FlaggedReview, InstallPreview,
    OperatorDesk, QueueItem, Submission, WorkflowView, WorkspaceView,
};
use uuid::Uuid;

const DATE: &str = "%Y-%m-%d %H:%M";

/// Every listing the caller's tenant published, newest first.
pub async fn submissions(state: &AppState, p: &Principal) -> MarketResult<Vec<Submission>> {
    let mut out = Vec::new();
    for kind in ListingKind::ALL {
        let rows = listings::mine(state, p, kind).await?;
        // What is live is the stored status, whatever waits in review.
        let live: std::collections::HashSet<Uuid> = rows
            .iter()
            .filter(|r| r.is_approved())
            .map(|r| r.id)
            .collect();
        for row in
            listings::as_publisher_sees(state, Some(p), rows, listings::OwnView::Status).await?
        {
            out.push(Submission {
                id: row.id.to_string(),
                kind,
                name: row.name.clone(),
                live: live.contains(&row.id),
                status: row.status,
                rejection_reason: row.rejection_reason.clone(),
                updated_at: row.updated_at.format(DATE).to_string(),
            });
        }
    }
    out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    Ok(out)
}

/// A new skill straight into review (`POST /api/public/v1/marketplace/submit`).
pub async fn publish_skill(
    state: &AppState,
    p: &Principal,
    input: &SkillInput,
) -> MarketResult<Uuid> {
    Ok(skills::submit_new(state, p, input).await?.id)
}

/// The publish form's fields that belong to one kind; each kind reads its
/// own and the API's defaults fill what is absent.
#[derive(Debug, Default)]
pub struct KindFields {
    pub component_type: Option<String>,
    pub code: Option<String>,
    pub config_schema: Option<serde_json::Value>,
    pub input_schema: Option<serde_json::Value>,
    pub steps: Option<serde_json::Value>,
}

/// A listing from the publish page's second form: blank fields are absent.
#[derive(Debug, Default)]
pub struct NewListing {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: Option<f64>,
    pub specifics: KindFields,
}

/// A listing of a kind the publish page's second form offers (a domain,
/// canvas component or workflow template) into review, as its kind does
/// it (`KindOps::publish`).
#[allow(clippy::too_many_arguments)]
pub async fn publish_other(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    name: &str,
    description: &str,
    category: Option<&str>,
    tags: Vec<String>,
    price: Option<f64>,
    specifics: KindFields,
) -> MarketResult<Uuid> {
    let Some(publish) = kind.ops().publish else {
        let offered: Vec<&str> = ListingKind::publishable()
            .map(ListingKind::as_str)
            .collect();
        return Err(crate::model::account::invalid_enum(
            "kind",
            kind.as_str(),
            &offered,
        ));
    };
    let listing = NewListing {
        name: name.to_owned(),
        description: Some(description)
            .filter(|d| !d.trim().is_empty())
            .map(str::to_owned),
        category: category.map(str::to_owned),
        tags,
        price,
        specifics,
    };
    publish(state, p, listing).await
}

/// A draft or rejected listing (back) into review, unchanged.
pub async fn resubmit(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<()> {
    listings::submit(state, p, kind, id, |_| Ok(())).await?;
    Ok(())
}

/// A skill's declared packages as "name version" lines.
pub fn packages(row: &Listing) -> Vec<String> {
    ["python_packages", "npm_packages"]
        .iter()
        .flat_map(|k| {
            row.spec
                .get(*k)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_owned();
            let version = p.get("version").and_then(|v| v.as_str()).unwrap_or("");
            Some(format!("{name} {version}").trim().to_owned())
        })
        .collect()
}

/// The longest a field's text gets on the desk (a change to a large code
/// field shows its start; the whole content is in the API's queue).
const DIFF_TEXT: usize = 4000;

fn diff_text(v: &serde_json::Value) -> String {
    let text = match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) if s.is_empty() => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    match text.char_indices().nth(DIFF_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The risk installs are judged by: a skill's effective risk, with the
/// declared one beside it when the capabilities raise it.
pub fn risk_label(spec: &serde_json::Value) -> Option<String> {
    match serde_json::from_value::<crate::model::listing::SkillSpec>(spec.clone()) {
        Ok(s) if s.effective_risk_level() != s.risk_level => Some(format!(
            "{} (declared {})",
            s.effective_risk_level().as_str(),
            s.risk_level.as_str()
        )),
        _ => spec
            .get("risk_level")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    }
}

/// The fields a change alters, in a fixed order: the shared ones, then
/// each of the kind's own (capabilities have their own diff on the desk).
pub fn content_diff(live: &Snapshot, next: &Snapshot) -> Vec<FieldChange> {
    let as_json = |s: &Snapshot| serde_json::to_value(s).unwrap_or_default();
    let (b, a) = (as_json(live), as_json(next));
    let mut out = Vec::new();
    for field in [
        "name",
        "description",
        "long_description",
        "category",
        "tags",
        "price",
        "license",
    ] {
        if b.get(field) != a.get(field) {
            out.push(FieldChange {
                field: field.to_owned(),
                before: diff_text(b.get(field).unwrap_or(&serde_json::Value::Null)),
                after: diff_text(a.get(field).unwrap_or(&serde_json::Value::Null)),
            });
        }
    }
    let empty = serde_json::Map::new();
    let bs = live.spec.as_object().unwrap_or(&empty);
    let as_ = next.spec.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = bs.keys().chain(as_.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys.into_iter().filter(|k| *k != "capabilities") {
        let (bv, av) = (bs.get(key), as_.get(key));
        if bv != av {
            out.push(FieldChange {
                field: key.clone(),
                before: diff_text(bv.unwrap_or(&serde_json::Value::Null)),
                after: diff_text(av.unwrap_or(&serde_json::Value::Null)),
            });
        }
    }
    out
}

/// The operator's desk: the queue oldest first, flagged reviews, the
/// latest audit entries and the maintenance switch.
pub async fn desk(state: &AppState, p: &Principal) -> MarketResult<OperatorDesk> {
    p.require(Permission::GovernanceApprove)?;
    let page = PageParams {
        limit: 50,
        offset: 0,
    };
    let queue = governance::review_queue(state, p, page).await?;
    let tenants: Vec<Uuid> = queue
        .iter()
        .map(|q| q.listing.publisher_tenant_id)
        .collect();
    let names = db::catalog::tenant_names(&state.pool, &tenants).await?;
    let flagged = governance::flagged(state, p, page).await?;
    let audit = governance::audit_log(state, p, None, None, page).await?;
    let m = db::governance::maintenance(&state.pool).await?;
    Ok(OperatorDesk {
        queue: queue
            .iter()
            .map(|q| (q, &q.listing))
            .map(|(q, r)| QueueItem {
                id: r.id.to_string(),
                kind: r.kind,
                name: r.name.clone(),
                publisher: names
                    .iter()
                    .find(|(id, _)| *id == r.publisher_tenant_id)
                    .map_or_else(String::new, |(_, n)| n.clone()),
                description: r.description.clone(),
                long_description_html: crate::backend::markdown::to_safe_html(&r.long_description),
                category: r.category.clone(),
                tags: r.tags.clone(),
                price: r.price,
                risk_level: risk_label(&r.spec),
                packages: packages(r),
                submitted_at: r
                    .submitted_at
                    .unwrap_or(r.updated_at)
                    .format(DATE)
                    .to_string(),
                change: q.change.clone(),
                content_hash: q.content_hash.clone(),
                content_diff: q
                    .live
                    .as_ref()
                    .map(|live| content_diff(live, &Snapshot::from(r)))
                    .unwrap_or_default(),
                capability_diff: q.capability_diff.clone(),
            })
            .collect(),
        flagged: flagged
            .into_iter()
            .map(|f| FlaggedReview {
                id: f.id.to_string(),
                listing_id: f.listing_id.to_string(),
                rating: f.rating,
                review: f.review,
                flag_count: f.flag_count,
                reasons: f.reasons,
                hidden: f.hidden,
            })
            .collect(),
        audit: audit
            .into_iter()
            .map(|a| AuditEntryView {
                at: a.created_at.format(DATE).to_string(),
                action: a.action,
                target: format!("{} {}", a.target_type, a.target_id),
                actor: a.actor_user_id.map(|u| u.to_string()),
            })
            .collect(),
        maintenance: m.maintenance_enabled,
        maintenance_message: m.maintenance_message,
    })
}

/// `approve`, `reject` or `suspend` (the last two need a reason). Any
/// other action is answered as `POST /api/admin/listings/{id}/{action}`
/// answers it: `404 NOT_FOUND`, there being no such decision.
pub async fn decide(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    action: &str,
    reason: &str,
    content_hash: &str,
) -> MarketResult<()> {
    let decision = match action {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject(reason.to_owned()),
        "suspend" => Decision::Suspend(reason.to_owned()),
        _ => return Err(MarketError::route_not_found()),
    };
    listings::decide_any(state, p, id, decision, Some(content_hash)).await?;
    Ok(())
}

/// The tenant's agents with the skills installed into each.
pub async fn agents(state: &AppState, p: &Principal) -> MarketResult<Vec<AgentView>> {
    let rows = agents::list(state, p).await?;
    let installed = db::installed_skills::list(&state.pool, p.tenant_id).await?;
    Ok(rows
        .into_iter()
        .map(|a| AgentView {
            id: a.id.to_string(),
            skills: installed
                .iter()
                .filter(|s| s.agent_id == Some(a.id))
                .map(|s| s.name.clone())
                .collect(),
            name: a.name,
            maturity: a.maturity.as_str().to_owned(),
        })
        .collect())
}

fn install_request(listing_id: Uuid, agent_id: Option<Uuid>) -> skills::InstallRequest {
    skills::InstallRequest {
        listing_id,
        agent_id,
        config_overrides: None,
        install_dependencies: true,
    }
}

/// Everything installing would do, and every rule it would break.
pub async fn preview(
    state: &AppState,
    p: &Principal,
    listing_id: Uuid,
    agent_id: Option<Uuid>,
) -> MarketResult<InstallPreview> {
    let plan = skills::dry_run(state, p, &install_request(listing_id, agent_id)).await?;
    Ok(InstallPreview {
        agent: plan.agent.as_ref().map(|a| a.name.clone()),
        agent_maturity: plan.agent.as_ref().map(|a| a.maturity.as_str().to_owned()),
        required_maturity: plan.required_maturity.as_str().to_owned(),
        risk_level: plan.spec.effective_risk_level().as_str().to_owned(),
        already_installed: plan.already_installed,
        quota: match plan.quota_limit {
            Some(limit) => format!("{} of {limit} installed skills", plan.quota_current),
            None => format!("{} installed skills (no limit)", plan.quota_current),
        },
        packages: plan
            .packages
            .iter()
            .map(|k| format!("{} {} ({})", k.name, k.version, k.status.replace('_', " ")))
            .collect(),
        problems: plan.problems.iter().map(|e| e.message.clone()).collect(),
    })
}

pub async fn install(
    state: &AppState,
    p: &Principal,
    listing_id: Uuid,
    agent_id: Option<Uuid>,
) -> MarketResult<()> {
    skills::install(state, p, &install_request(listing_id, agent_id)).await?;
    Ok(())
}

/// The tenant's canvases with their components and its workspace
/// workflows, newest first: three queries however many canvases.
pub async fn workspace(state: &AppState, p: &Principal) -> MarketResult<WorkspaceView> {
    use crate::backend::services::{components, workflows};
    let placed = db::canvases::placed_for_tenant(&state.pool, p.tenant_id).await?;
    let canvases = components::canvases(state, p)
        .await?
        .into_iter()
        .map(|c| CanvasView {
            id: c.id.to_string(),
            components: placed
                .iter()
                .filter(|(canvas, _)| *canvas == c.id)
                .map(|(_, name)| name.clone())
                .collect(),
            name: c.name,
        })
        .collect();
    // The newest hundred, as the JSON list's first page: the plan caps
    // free and team workspaces there.
    let first = crate::model::page::PageParams {
        limit: crate::model::page::PageParams::MAX_LIMIT,
        offset: 0,
    };
    let workflows = workflows::list(state, p, first)
        .await?
        .into_iter()
        .map(|w| WorkflowView {
            id: w.id.to_string(),
            nodes: usize::try_from(w.node_count).unwrap_or(0),
            name: w.name,
            description: w.description,
            source: w.source,
            created_at: w.created_at.format(DATE).to_string(),
        })
        .collect();
    Ok(WorkspaceView {
        canvases,
        workflows,
    })
}

/// Installs a listing of another kind than skills into its target, as its
/// kind does it (`KindOps::install`): an agent template becomes an agent, a
/// domain a named copy, a component is placed on a canvas, a workflow
/// template is imported into the workspace. Answers what was created, for
/// the page to say.
pub async fn install_other(
    state: &AppState,
    p: &Principal,
    kind: ListingKind,
    id: Uuid,
    target: &str,
) -> MarketResult<String> {
    match kind.ops().install {
        Some(install) => install(state, p, id, target).await,
        None => Err(MarketError::validation(
            "kind",
            "Skills install with their plan",
        )),
    }
}

/// An id from a form: anything that is not a UUID names nothing.
pub fn form_id(raw: &str, not_found: impl FnOnce() -> MarketError) -> MarketResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| not_found())
}
