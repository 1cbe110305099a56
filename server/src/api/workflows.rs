//! The Workflow Marketplace (`/api/marketplace/**`) and the tenant's
//! workspace (`/api/workflows`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use super::lifecycle::{self, PageQuery};
use app::backend::services::deprecation;
use app::backend::services::listings;
use app::backend::services::workflows::{self, WorkflowDocument, MAX_FILE_BYTES};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::deprecation::{DeprecationFields, InstallWarning};
use app::model::kind::ListingKind;
use app::model::listing::Listing;
use app::model::listing::{ListingStatus, SortBy};
use app::model::page::PageParams;
use app::model::schema::{self as bounds, of};
use app::model::workflow::{
    schemas, AdvancedTemplateInput, InputField, Step, TemplateType, WorkflowGraph, WorkflowSpec,
};
use app::model::workflow::{WorkflowRecord, WorkflowSummary};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

const KIND: ListingKind = ListingKind::WorkflowTemplate;

/// Nested at `/marketplace`.
pub fn marketplace_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(templates))
        .routes(routes!(types))
        .routes(routes!(featured))
        .routes(routes!(statistics))
        .routes(routes!(create_advanced))
        .routes(routes!(detail))
        .routes(routes!(import_template))
        .routes(routes!(create_workflow))
        .routes(routes!(import_file))
        .routes(routes!(export))
}

/// The tenant's workspace: `/workflows/**`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one))
}

/// A workspace workflow's origin (the table's CHECK allows exactly these).
fn workflow_source() -> RefOr<Schema> {
    of(json!({"type": "string", "enum": ["template", "advanced", "file"]}))
}

fn template_type() -> RefOr<Schema> {
    schemas::template_type()
}

fn free_text() -> RefOr<Schema> {
    of(json!({"type": "string", "pattern": bounds::NO_NUL}))
}

/// A template as the lists show it.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateItem {
    /// The template's string id (`tmpl_...`), or its UUID without one.
    id: String,
    name: String,
    description: String,
    category: Option<String>,
    author: String,
    version: String,
    integrations: Vec<String>,
    #[schema(schema_with = schemas::complexity)]
    complexity: String,
    tags: Vec<String>,
    /// Seconds.
    estimated_duration: u32,
    multi_step_support: bool,
    pause_resume_support: bool,
    downloads: i32,
    /// The mean of the ratings, two decimals (0 without any).
    rating: f64,
    #[schema(schema_with = template_type)]
    template_type: String,
    created_at: DateTime<Utc>,
    /// `deprecated` and `deprecation` (null unless deprecated).
    #[serde(flatten)]
    deprecation: DeprecationFields,
    /// Where a mirrored listing came from (`null`: a local listing).
    #[schema(required)]
    origin: Option<app::model::federation::Origin>,
}

fn item(r: &Listing, s: &WorkflowSpec) -> WorkflowTemplateItem {
    WorkflowTemplateItem {
        id: r.public_id(),
        name: r.name.clone(),
        description: r.description.clone(),
        category: r.category.clone(),
        author: s.author.clone(),
        version: s.version.clone(),
        integrations: s.integrations.clone(),
        complexity: s.complexity.clone(),
        tags: r.tags.clone(),
        estimated_duration: s.estimated_duration,
        multi_step_support: s.multi_step_support,
        pause_resume_support: s.pause_resume_support,
        downloads: r.installs,
        rating: r.rating(),
        template_type: s.template_type.clone(),
        created_at: r.created_at,
        deprecation: r.deprecation_fields(),
        origin: r.origin(),
    }
}

/// A workflow just written into the caller's workspace.
#[derive(Serialize, ToSchema)]
pub struct WorkflowImported {
    id: Uuid,
    name: String,
    #[schema(value_type = Vec<Object>)]
    nodes: Value,
    #[schema(value_type = Vec<Object>)]
    edges: Value,
    imported_at: DateTime<Utc>,
    /// `LISTING_DEPRECATED` when the template is deprecated (used all the same).
    warnings: Vec<InstallWarning>,
}

fn imported(w: WorkflowRecord, warnings: Vec<InstallWarning>) -> WorkflowImported {
    WorkflowImported {
        warnings,
        id: w.id,
        name: w.name,
        nodes: w.nodes,
        edges: w.edges,
        imported_at: w.created_at,
    }
}

/// The template filters (`tags` may repeat or be comma-separated).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the pairs `templates` reads
pub struct TemplatesQuery {
    #[param(schema_with = free_text)]
    category: Option<String>,
    #[param(schema_with = template_type)]
    template_type: Option<String>,
    #[param(schema_with = free_text)]
    industry: Option<String>,
    #[param(schema_with = free_text)]
    tags: Option<String>,
    /// `true`: deprecated templates too (skipped by default).
    include_deprecated: Option<bool>,
}

/// Workflow templates (tags may repeat)
#[utoipa::path(
    get,
    path = "/templates",
    tag = "Workflow Marketplace",
    params(TemplatesQuery),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The templates, most downloaded first", body = Vec<WorkflowTemplateItem>))
)]
pub async fn templates(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> Result<Json<Vec<WorkflowTemplateItem>>, MarketError> {
    let one = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
    };
    let number = |key: &str| {
        one(key)
            .map(|v| v.parse::<i64>())
            .transpose()
            .map_err(|_| MarketError::validation(key, "Must be an integer"))
    };
    let page = PageParams::parse(
        number("limit")?,
        number("offset")?,
        PageParams::MAX_LIMIT,
        PageParams::MAX_LIMIT,
    )?;
    let mut spec_filters = Vec::new();
    // An enum: blank is not "any", it is no type at all (400, as elsewhere).
    let template_type = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "template_type")
        .map(|(_, v)| v.clone());
    if let Some(t) = template_type {
        spec_filters.push((
            "template_type",
            TemplateType::parse(&t)?.as_str().to_owned(),
        ));
    }
    if let Some(i) = one("industry") {
        spec_filters.push(("industry", i));
    }
    let tags = pairs
        .iter()
        .filter(|(k, _)| k == "tags" || k == "tags[]")
        .flat_map(|(_, v)| v.split(',').map(str::to_owned))
        .collect();
    let include_deprecated = match one("include_deprecated").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(MarketError::validation(
                "include_deprecated",
                "Must be true or false",
            ))
        }
    };
    let params = listings::Browse {
        include_deprecated,
        query: one("query").or_else(|| one("q")),
        category: one("category"),
        tags,
        spec_filters,
        default_sort: Some(SortBy::Popularity),
        include_own: true,
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, p.as_ref(), KIND, params, page).await?;
    let items = rows
        .iter()
        .map(|r| workflows::spec(r).map(|s| item(r, &s)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(items))
}

/// A template type.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateType {
    #[schema(schema_with = template_type)]
    value: &'static str,
    label: &'static str,
    description: String,
}

/// The template types.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateTypes {
    template_types: Vec<WorkflowTemplateType>,
}

/// Template types
#[utoipa::path(
    get,
    path = "/templates/types",
    tag = "Workflow Marketplace",
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "The template types", body = WorkflowTemplateTypes))
)]
pub async fn types() -> Json<WorkflowTemplateTypes> {
    Json(WorkflowTemplateTypes {
        template_types: TemplateType::ALL
            .iter()
            .map(|t| WorkflowTemplateType {
                value: t.as_str(),
                label: t.label(),
                description: format!("{} workflow templates", t.label()),
            })
            .collect(),
    })
}

/// `?limit=`: 1 to 50, 10 by default.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeaturedQuery {
    #[param(schema_with = lifecycle::short_limit)]
    limit: Option<i64>,
}

/// A featured template.
#[derive(Serialize, ToSchema)]
pub struct WorkflowFeaturedTemplate {
    id: String,
    name: String,
    rating: f64,
    downloads: i32,
    is_featured: bool,
}

/// Featured templates
#[utoipa::path(
    get,
    path = "/templates/featured",
    tag = "Workflow Marketplace",
    params(FeaturedQuery),
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "Featured templates, most downloaded first", body = Vec<WorkflowFeaturedTemplate>))
)]
pub async fn featured(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<FeaturedQuery>,
) -> Result<Json<Vec<WorkflowFeaturedTemplate>>, MarketError> {
    let page = PageParams::parse(q.limit, None, 10, PageParams::MAX_SHORT_LIMIT)?;
    let params = listings::Browse {
        featured_only: true,
        sort_by: Some(SortBy::Popularity),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, None, KIND, params, page).await?;
    Ok(Json(
        rows.iter()
            .map(|r| WorkflowFeaturedTemplate {
                id: r.public_id(),
                name: r.name.clone(),
                rating: r.rating(),
                downloads: r.installs,
                is_featured: r.is_featured,
            })
            .collect(),
    ))
}

/// A template with its graph, inputs, steps and review status.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateDetail {
    #[serde(flatten)]
    item: WorkflowTemplateItem,
    workflow_data: WorkflowGraph,
    input_schema: Vec<InputField>,
    steps: Vec<Step>,
    prerequisites: Vec<String>,
    use_cases: Vec<String>,
    benefits: Vec<String>,
    status: ListingStatus,
}

/// Template details with workflow_data (UUID or string id)
#[utoipa::path(
    get,
    path = "/templates/{template_id}",
    tag = "Workflow Marketplace",
    params(("template_id" = String, Path, description = "The template's string id or UUID")),
    extensions(("x-access" = json!("optional"))),
    responses((status = 200, description = "The template", body = WorkflowTemplateDetail))
)]
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<WorkflowTemplateDetail>, MarketError> {
    let row = listings::find_ref(&state, p.as_ref(), KIND, &id).await?;
    let s = workflows::spec(&row)?;
    Ok(Json(WorkflowTemplateDetail {
        item: item(&row, &s),
        status: row.status,
        workflow_data: s.workflow_data,
        input_schema: s.input_schema,
        steps: s.steps,
        prerequisites: s.prerequisites,
        use_cases: s.use_cases,
        benefits: s.benefits,
    }))
}

/// Import a template into the workspace
#[utoipa::path(
    post,
    path = "/templates/{template_id}/import",
    tag = "Workflow Marketplace",
    params(("template_id" = String, Path, description = "The template's string id or UUID")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The workflow now in the workspace", body = WorkflowImported))
)]
pub async fn import_template(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<WorkflowImported>, MarketError> {
    let w = workflows::import_template(&state, &p, &id).await?;
    let warnings = match w.template_id {
        Some(t) => deprecation::install_warnings_of(&state, t).await?,
        None => Vec::new(),
    };
    Ok(Json(imported(w, warnings)))
}

/// An advanced template just created: its creator sees it at once,
/// everyone else once an operator approves it.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateCreated {
    id: String,
    name: String,
    input_schema: Vec<InputField>,
    steps: Vec<Step>,
    estimated_duration: u32,
    status: ListingStatus,
    created_at: DateTime<Utc>,
}

/// Create an advanced template (pending approval)
#[utoipa::path(
    post,
    path = "/templates/advanced",
    tag = "Workflow Marketplace",
    request_body = AdvancedTemplateInput,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The template, pending approval", body = WorkflowTemplateCreated))
)]
pub async fn create_advanced(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<AdvancedTemplateInput>,
) -> Result<(StatusCode, Json<WorkflowTemplateCreated>), MarketError> {
    let row = workflows::create_template(&state, &p, &input, TemplateType::Advanced).await?;
    let s = workflows::spec(&row)?;
    Ok((
        StatusCode::CREATED,
        Json(WorkflowTemplateCreated {
            id: row.public_id(),
            name: row.name,
            input_schema: s.input_schema,
            steps: s.steps,
            estimated_duration: s.estimated_duration,
            status: row.status,
            created_at: row.created_at,
        }),
    ))
}

/// `?workflow_name=&parameters=`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateWorkflowQuery {
    /// The new workflow's name (blank: the template's).
    #[param(schema_with = workflow_name)]
    workflow_name: Option<String>,
    #[param(schema_with = parameters)]
    parameters: Option<String>,
}

fn workflow_name() -> RefOr<Schema> {
    of(json!({"anyOf": [
        {"type": "string", "pattern": bounds::BLANK},
        app::model::bounds::WorkflowName::schema(),
    ]}))
}

fn parameters() -> RefOr<Schema> {
    of(json!({
        "type": "string",
        "pattern": "^\\{\\}$",
        "description": "A JSON object of the template's inputs (checked against its input_schema)",
    }))
}

#[derive(Deserialize, Default)]
pub struct CreateWorkflowBody {
    workflow_name: Option<String>,
    #[serde(default)]
    parameters: Value,
}

/// The workflow a template made, with the inputs it was given.
#[derive(Serialize, ToSchema)]
pub struct WorkflowDefinition {
    workflow_id: Uuid,
    name: String,
    category: Option<String>,
    #[schema(value_type = Vec<InputField>)]
    input_schema: Value,
    #[schema(value_type = Vec<Step>)]
    steps: Value,
    /// The inputs, with the schema's defaults filled in.
    #[schema(value_type = Object)]
    user_inputs: Value,
}

/// A workflow made from a template.
#[derive(Serialize, ToSchema)]
pub struct WorkflowCreated {
    #[schema(example = "success")]
    status: &'static str,
    workflow_definition: WorkflowDefinition,
    message: String,
    /// `LISTING_DEPRECATED` when the template is deprecated (used all the same).
    warnings: Vec<InstallWarning>,
}

/// Create a workflow from a template with checked inputs
///
/// A JSON body with the same two fields works too.
#[utoipa::path(
    post,
    path = "/templates/{template_id}/create-workflow",
    tag = "Workflow Marketplace",
    params(
        ("template_id" = String, Path, description = "The template's string id or UUID"),
        CreateWorkflowQuery,
    ),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The workflow now in the workspace", body = WorkflowCreated))
)]
pub async fn create_workflow(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CreateWorkflowQuery>,
    body: Bytes,
) -> Result<Json<WorkflowCreated>, MarketError> {
    let from_body: CreateWorkflowBody = if body.iter().all(u8::is_ascii_whitespace) {
        CreateWorkflowBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| MarketError::bad_request(format!("Malformed JSON: {e}")))?
    };
    let parameters = match q.parameters.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| MarketError::validation("parameters", "Must be a JSON object"))?,
        None => from_body.parameters,
    };
    let name = q.workflow_name.or(from_body.workflow_name);
    let (w, template) =
        workflows::create_from_template(&state, &p, &id, name.as_deref(), &parameters).await?;
    let field = |k: &str| w.definition.get(k).cloned().unwrap_or(Value::Null);
    let message = format!(
        "Workflow '{}' created successfully from template {}",
        w.name,
        template.public_id()
    );
    let warnings = deprecation::install_warnings(&state, &template).await?;
    Ok(Json(WorkflowCreated {
        warnings,
        status: "success",
        workflow_definition: WorkflowDefinition {
            workflow_id: w.id,
            input_schema: field("input_schema"),
            steps: field("steps"),
            user_inputs: field("user_inputs"),
            name: w.name,
            category: template.category,
        },
        message,
    }))
}

/// A workflow document, as export writes it and import reads it.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the JSON that `WorkflowDocument::parse` reads
pub struct WorkflowFile {
    #[schema(schema_with = schemas::display_name)]
    name: String,
    #[schema(schema_with = schemas::description)]
    description: Option<String>,
    #[schema(schema_with = schemas::document_nodes)]
    nodes: Option<Vec<Value>>,
    #[schema(schema_with = schemas::document_edges)]
    edges: Option<Vec<Value>>,
}

/// Import a workflow file (multipart 'file' or a JSON body)
///
/// Malformed or hostile files are a 400 and write nothing. As multipart,
/// the `file` field carries the same JSON document.
#[utoipa::path(
    post,
    path = "/import",
    tag = "Workflow Marketplace",
    request_body = WorkflowFile,
    extensions(("x-access" = json!("required"))),
    responses((status = 201, description = "The workflow now in the workspace", body = WorkflowImported))
)]
pub async fn import_file(
    State(state): State<AppState>,
    Auth(p): Auth,
    req: Request,
) -> Result<(StatusCode, Json<WorkflowImported>), MarketError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Room for the multipart framing around a file of the largest size.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES + 16 * 1024) {
        return Err(MarketError::payload_too_large());
    }
    let bytes = if content_type.starts_with("multipart/form-data") {
        file_part(Multipart::from_request(req, &state).await.map_err(|e| {
            MarketError::bad_request(format!("Malformed multipart body: {}", e.body_text()))
        })?)
        .await?
    } else if content_type.starts_with("application/json") {
        axum::body::to_bytes(req.into_body(), MAX_FILE_BYTES)
            .await
            .map_err(|_| MarketError::payload_too_large())?
            .to_vec()
    } else {
        return Err(MarketError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the workflow as multipart/form-data with a 'file' field",
        ));
    };
    let w = workflows::import_file(&state, &p, &bytes).await?;
    Ok((StatusCode::CREATED, Json(imported(w, Vec::new()))))
}

/// Whether a body error was the request body limit (its cause sits a few
/// layers down the error chain, below multer's stream error).
fn over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        cur = err.source();
    }
    false
}

async fn file_part(mut form: Multipart) -> Result<Vec<u8>, MarketError> {
    let malformed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE || over_limit(&e) {
            MarketError::payload_too_large()
        } else {
            MarketError::bad_request(format!("Malformed multipart body: {}", e.body_text()))
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(malformed)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut out = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            if out.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(MarketError::payload_too_large());
            }
            out.extend_from_slice(&chunk);
        }
        return Ok(out);
    }
    Err(
        MarketError::new(ErrorCode::MissingRequiredField, "Field 'file' is required")
            .with_details(json!({ "field": "file" })),
    )
}

/// When and by which format version a document was exported.
#[derive(Serialize, ToSchema)]
pub struct WorkflowExportMetadata {
    exported_at: DateTime<Utc>,
    #[schema(example = "1.0.0")]
    version: &'static str,
}

/// A portable workflow document.
#[derive(Serialize, ToSchema)]
pub struct WorkflowExport {
    name: String,
    description: String,
    #[schema(value_type = Vec<Object>)]
    nodes: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    edges: Vec<Value>,
    metadata: WorkflowExportMetadata,
}

/// Export a workflow document with metadata
#[utoipa::path(
    post,
    path = "/export",
    tag = "Workflow Marketplace",
    request_body = WorkflowFile,
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "The document", body = WorkflowExport))
)]
pub async fn export(ApiJson(body): ApiJson<Value>) -> Result<Json<WorkflowExport>, MarketError> {
    let doc = WorkflowDocument::parse(&body)?;
    Ok(Json(WorkflowExport {
        name: doc.name,
        description: doc.description,
        nodes: doc.graph.nodes,
        edges: doc.graph.edges,
        metadata: WorkflowExportMetadata {
            exported_at: Utc::now(),
            version: "1.0.0",
        },
    }))
}

/// How many templates a group holds and how often they were downloaded.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateGroup {
    count: i64,
    downloads: i64,
}

fn groups(rows: Vec<(String, i64, i64)>) -> BTreeMap<String, WorkflowTemplateGroup> {
    rows.into_iter()
        .map(|(k, count, downloads)| (k, WorkflowTemplateGroup { count, downloads }))
        .collect()
}

/// Counts and downloads, in all and by category, type and complexity.
#[derive(Serialize, ToSchema)]
pub struct WorkflowStatistics {
    total_templates: i64,
    total_downloads: i64,
    average_rating: f64,
    categories: BTreeMap<String, WorkflowTemplateGroup>,
    template_types: BTreeMap<String, WorkflowTemplateGroup>,
    complexity_levels: BTreeMap<String, WorkflowTemplateGroup>,
}

/// Counts and downloads by category, type and complexity
#[utoipa::path(
    get,
    path = "/templates/statistics",
    tag = "Workflow Marketplace",
    extensions(("x-access" = json!("public"))),
    responses((status = 200, description = "The statistics", body = WorkflowStatistics))
)]
pub async fn statistics(
    State(state): State<AppState>,
) -> Result<Json<WorkflowStatistics>, MarketError> {
    let s = workflows::statistics(&state).await?;
    Ok(Json(WorkflowStatistics {
        total_templates: s.total,
        total_downloads: s.downloads,
        average_rating: s.average_rating,
        categories: groups(s.categories),
        template_types: groups(s.template_types),
        complexity_levels: groups(s.complexity_levels),
    }))
}

/// A workspace workflow as the list shows it (no graph).
#[derive(Serialize, ToSchema)]
pub struct WorkspaceWorkflow {
    id: Uuid,
    name: String,
    description: String,
    /// Where it came from: a template's import, an advanced template's
    /// create-workflow, or a file.
    #[schema(schema_with = workflow_source)]
    source: String,
    template_id: Option<Uuid>,
    node_count: i32,
    created_at: DateTime<Utc>,
}

impl From<&WorkflowSummary> for WorkspaceWorkflow {
    fn from(w: &WorkflowSummary) -> Self {
        WorkspaceWorkflow {
            id: w.id,
            name: w.name.clone(),
            description: w.description.clone(),
            source: w.source.clone(),
            template_id: w.template_id,
            node_count: w.node_count,
            created_at: w.created_at,
        }
    }
}

/// One page of the workspace.
#[derive(Serialize, ToSchema)]
pub struct WorkspaceWorkflows {
    workflows: Vec<WorkspaceWorkflow>,
}

/// The tenant's workspace workflows, newest first, paged (a full page links the next)
///
/// 100 a page by default; a full page links the next in a `Link` header
/// (`<…>; rel="next"`), so the body keeps its documented shape.
#[utoipa::path(
    get,
    path = "/workflows",
    tag = "Workflows",
    params(PageQuery),
    extensions(("x-access" = json!("required"))),
    responses((
        status = 200,
        description = "A page of the workspace, newest first",
        body = WorkspaceWorkflows,
        headers(("Link" = String, description = "`</api/workflows?limit=..&offset=..>; rel=\"next\"` after a full page")),
    ))
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<(HeaderMap, Json<WorkspaceWorkflows>), MarketError> {
    let page = PageParams::parse(
        q.limit,
        q.offset,
        PageParams::MAX_LIMIT,
        PageParams::MAX_LIMIT,
    )?;
    let rows = workflows::list(&state, &p, page).await?;
    let mut headers = HeaderMap::new();
    let next = page.offset + page.limit;
    if rows.len() as i64 == page.limit && next <= PageParams::MAX_OFFSET {
        let link = format!(
            "</api/workflows?limit={}&offset={next}>; rel=\"next\"",
            page.limit
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, v);
        }
    }
    Ok((
        headers,
        Json(WorkspaceWorkflows {
            workflows: rows.iter().map(WorkspaceWorkflow::from).collect(),
        }),
    ))
}

/// A workspace workflow with its graph and definition.
#[derive(Serialize, ToSchema)]
pub struct WorkspaceWorkflowDetail {
    id: Uuid,
    name: String,
    description: String,
    /// Where it came from: a template's import, an advanced template's
    /// create-workflow, or a file.
    #[schema(schema_with = workflow_source)]
    source: String,
    template_id: Option<Uuid>,
    #[schema(value_type = Vec<Object>)]
    nodes: Value,
    #[schema(value_type = Vec<Object>)]
    edges: Value,
    /// What made it: the template id, and for an advanced template its
    /// inputs and steps.
    #[schema(value_type = Object)]
    definition: Value,
    created_at: DateTime<Utc>,
}

/// One workspace workflow with nodes, edges and definition
#[utoipa::path(
    get,
    path = "/workflows/{id}",
    tag = "Workflows",
    params(("id" = String, Path, description = "The workflow's id")),
    extensions(("x-access" = json!("required"))),
    responses((status = 200, description = "The workflow", body = WorkspaceWorkflowDetail))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<WorkspaceWorkflowDetail>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Workflow not found"),
    )?;
    let w = workflows::get(&state, &p, id).await?;
    Ok(Json(WorkspaceWorkflowDetail {
        id: w.id,
        name: w.name,
        description: w.description,
        source: w.source,
        template_id: w.template_id,
        nodes: w.nodes,
        edges: w.edges,
        definition: w.definition,
        created_at: w.created_at,
    }))
}
