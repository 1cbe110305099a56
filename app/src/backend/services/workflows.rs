//! The workflow template kind and the tenant workspace it fills: imports
//! of templates and files, workflows created from advanced templates with
//! checked user inputs, exports.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::installs;
use crate::backend::db::listings::{self as db, Snapshot};
use crate::backend::db::workflows::{self as wf_db, NewWorkflow};
use crate::backend::services::listings;
use crate::backend::services::quotas::{self, Quota};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::parse_name;
use crate::model::bounds::{Description, WorkflowName};
use crate::model::kind::ListingKind;
use crate::model::listing::{Listing, ListingStatus};
use crate::model::page::PageParams;
use crate::model::workflow::{
    input_errors, AdvancedTemplateInput, TemplateType, WorkflowGraph, WorkflowSpec,
};
use crate::model::workflow::{WorkflowRecord, WorkflowSummary};
use serde_json::{json, Map, Value};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::WorkflowTemplate;
/// Largest workflow file accepted by the file import.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

fn internal(e: serde_json::Error) -> MarketError {
    tracing::error!(error = %e, "workflow spec (de)serialisation failed");
    MarketError::internal()
}

pub fn spec(row: &Listing) -> MarketResult<WorkflowSpec> {
    serde_json::from_value(row.spec.clone()).map_err(internal)
}

/// Creates a template: advanced ones from the API go to review (their
/// creator sees them at once); the demo catalog publishes its built-ins
/// through the same path.
pub async fn create_template(
    state: &AppState,
    principal: &Principal,
    input: &AdvancedTemplateInput,
    template_type: TemplateType,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    let t = input.parse(template_type)?;
    let fields = Snapshot {
        name: t.name,
        description: t.description,
        long_description: String::new(),
        category: t.category,
        tags: t.tags,
        price: 0.0,
        license: None,
        spec: serde_json::to_value(&t.spec).map_err(internal)?,
    };
    listings::create_with_external_id(
        state,
        principal,
        KIND,
        fields,
        ListingStatus::PendingApproval,
        t.external_id.as_deref(),
    )
    .await
}

/// A template the caller may build from: approved ones (counted in the
/// ledger, after the install checks) or its own still in review.
async fn usable(
    state: &AppState,
    principal: &Principal,
    template_ref: &str,
) -> MarketResult<(Listing, bool)> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let row = listings::find_ref(state, Some(principal), KIND, template_ref).await?;
    if row.status == ListingStatus::Approved {
        listings::ensure_marketplace_enabled(state, principal).await?;
        Ok((row, true))
    } else if row.publisher_tenant_id == principal.tenant_id {
        Ok((row, false))
    } else {
        Err(KIND.not_found())
    }
}

async fn save(
    state: &AppState,
    principal: &Principal,
    new: NewWorkflow<'_>,
    counted: Option<&Listing>,
) -> MarketResult<WorkflowRecord> {
    let mut tx = state.pool.begin().await?;
    quotas::ensure_room(&mut tx, principal.tenant_id, Quota::Workflows).await?;
    let row = wf_db::insert(&mut *tx, new).await?;
    if let Some(listing) = counted {
        installs::record(&mut tx, listing.id, principal.tenant_id).await?;
        super::webhook_events::install_created(
            &mut tx,
            listing,
            principal.tenant_id,
            &row.id.to_string(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// `POST /api/marketplace/templates/{id}/import`: a copy of the template's
/// graph in the caller's workspace.
pub async fn import_template(
    state: &AppState,
    principal: &Principal,
    template_ref: &str,
) -> MarketResult<WorkflowRecord> {
    let (row, approved) = usable(state, principal, template_ref).await?;
    let spec = spec(&row)?;
    let name = format!("Imported: {}", row.name);
    let nodes = Value::Array(spec.workflow_data.nodes);
    let edges = Value::Array(spec.workflow_data.edges);
    let definition = json!({ "template_id": row.public_id() });
    save(
        state,
        principal,
        NewWorkflow {
            tenant_id: principal.tenant_id,
            template_id: Some(row.id),
            name: &name,
            description: &row.description,
            source: "template",
            nodes: &nodes,
            edges: &edges,
            definition: &definition,
        },
        approved.then_some(&row),
    )
    .await
}

/// `POST /api/marketplace/templates/{id}/create-workflow`: the template's
/// steps with the user's inputs, which must fit its `input_schema`
/// (`400 VALIDATION_ERROR` listing every problem).
pub async fn create_from_template(
    state: &AppState,
    principal: &Principal,
    template_ref: &str,
    workflow_name: Option<&str>,
    parameters: &Value,
) -> MarketResult<(WorkflowRecord, Listing)> {
    let (row, approved) = usable(state, principal, template_ref).await?;
    let spec = spec(&row)?;
    let empty = Map::new();
    let inputs = match parameters {
        Value::Null => &empty,
        Value::Object(m) => m,
        _ => {
            return Err(MarketError::validation(
                "parameters",
                "Must be a JSON object",
            ))
        }
    };
    let errors = input_errors(&spec.input_schema, inputs);
    if !errors.is_empty() {
        return Err(MarketError::new(
            ErrorCode::ValidationError,
            "The inputs do not match the template's input schema",
        )
        .with_details(json!({ "field": "parameters", "errors": errors })));
    }
    let name = match workflow_name.filter(|n| !n.trim().is_empty()) {
        Some(n) => WorkflowName::parse("workflow_name", n)?.into_string(),
        None => row.name.clone(),
    };
    let mut user_inputs = inputs.clone();
    for f in &spec.input_schema {
        if let (false, Some(d)) = (user_inputs.contains_key(&f.name), &f.default) {
            user_inputs.insert(f.name.clone(), d.clone());
        }
    }
    let definition = json!({
        "template_id": row.public_id(),
        "category": row.category,
        "input_schema": spec.input_schema,
        "steps": spec.steps,
        "user_inputs": user_inputs,
    });
    let nodes = Value::Array(spec.workflow_data.nodes);
    let edges = Value::Array(spec.workflow_data.edges);
    let wf = save(
        state,
        principal,
        NewWorkflow {
            tenant_id: principal.tenant_id,
            template_id: Some(row.id),
            name: &name,
            description: &row.description,
            source: "advanced",
            nodes: &nodes,
            edges: &edges,
            definition: &definition,
        },
        approved.then_some(&row),
    )
    .await?;
    Ok((wf, row))
}

/// What an imported workflow's name starts with.
const IMPORTED_PREFIX: &str = "Imported: ";

/// A workflow document as export writes it and file import reads it.
pub struct WorkflowDocument {
    pub name: String,
    pub description: String,
    pub graph: WorkflowGraph,
}

impl WorkflowDocument {
    pub fn parse(v: &Value) -> MarketResult<Self> {
        let obj = v
            .as_object()
            .ok_or_else(|| MarketError::validation("file", "A workflow file is a JSON object"))?;
        let name = obj.get("name").and_then(Value::as_str).unwrap_or_default();
        let description = obj.get("description").and_then(Value::as_str);
        // Template details nest the graph under `workflow_data`.
        let graph_src = obj.get("workflow_data").unwrap_or(v);
        Ok(WorkflowDocument {
            // Room for the prefix the imported workflow's name gets.
            name: parse_name(
                "name",
                name,
                WorkflowName::MAX - IMPORTED_PREFIX.chars().count(),
            )?,
            description: Description::parse("description", description)?.into_string(),
            graph: WorkflowGraph::parse(
                graph_src.get("nodes").unwrap_or(&Value::Null),
                graph_src.get("edges").unwrap_or(&Value::Null),
            )?,
        })
    }
}

/// `POST /api/marketplace/import`: a workflow file into the workspace.
/// Anything malformed is a 400 and nothing is written.
pub async fn import_file(
    state: &AppState,
    principal: &Principal,
    bytes: &[u8],
) -> MarketResult<WorkflowRecord> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(MarketError::payload_too_large());
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| MarketError::validation("file", format!("Not valid JSON: {e}")))?;
    let doc = WorkflowDocument::parse(&value)?;
    let name = format!("{IMPORTED_PREFIX}{}", doc.name);
    let nodes = Value::Array(doc.graph.nodes);
    let edges = Value::Array(doc.graph.edges);
    save(
        state,
        principal,
        NewWorkflow {
            tenant_id: principal.tenant_id,
            template_id: None,
            name: &name,
            description: &doc.description,
            source: "file",
            nodes: &nodes,
            edges: &edges,
            definition: &json!({}),
        },
        None,
    )
    .await
}

/// One page of the workspace, newest first, without the graphs.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    page: PageParams,
) -> MarketResult<Vec<WorkflowSummary>> {
    principal.require(Permission::SkillView)?;
    Ok(wf_db::list(&state.pool, principal.tenant_id, page.limit, page.offset).await?)
}

pub async fn get(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<WorkflowRecord> {
    principal.require(Permission::SkillView)?;
    wf_db::get(&state.pool, principal.tenant_id, id)
        .await?
        .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Workflow not found"))
}

pub struct Statistics {
    pub total: i64,
    pub downloads: i64,
    pub average_rating: f64,
    pub categories: Vec<(String, i64, i64)>,
    pub template_types: Vec<(String, i64, i64)>,
    pub complexity_levels: Vec<(String, i64, i64)>,
}

pub async fn statistics(state: &AppState) -> MarketResult<Statistics> {
    let kind = KIND;
    let categories = db::grouped_counts(&state.pool, kind, "category").await?;
    Ok(Statistics {
        total: categories.iter().map(|c| c.1).sum(),
        downloads: categories.iter().map(|c| c.2).sum(),
        average_rating: (db::average_rating(&state.pool, kind).await? * 100.0).round() / 100.0,
        template_types: db::grouped_counts(&state.pool, kind, "spec ->> 'template_type'").await?,
        complexity_levels: db::grouped_counts(&state.pool, kind, "spec ->> 'complexity'").await?,
        categories,
    })
}
