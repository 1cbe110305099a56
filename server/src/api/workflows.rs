//! The Workflow Marketplace (`/api/marketplace/**`) and the tenant's
//! workspace (`/api/workflows`).

use super::extract::{parse_id, ApiJson, ApiQuery, Auth, MaybeAuth};
use app::backend::db::listings::ListingRow;
use app::backend::db::workflows::WorkflowRow;
use app::backend::services::listings;
use app::backend::services::workflows::{self, WorkflowDocument, MAX_FILE_BYTES};
use app::backend::state::AppState;
use app::error::{ErrorCode, MarketError};
use app::model::kind::ListingKind;
use app::model::listing::SortBy;
use app::model::page::PageParams;
use app::model::workflow::{AdvancedTemplateInput, TemplateType, WorkflowSpec};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

const KIND: ListingKind = ListingKind::WorkflowTemplate;

fn item(r: &ListingRow, s: &WorkflowSpec) -> Value {
    json!({
        "id": r.public_id(),
        "name": r.name,
        "description": r.description,
        "category": r.category,
        "author": s.author,
        "version": s.version,
        "integrations": s.integrations,
        "complexity": s.complexity,
        "tags": r.tags,
        "estimated_duration": s.estimated_duration,
        "multi_step_support": s.multi_step_support,
        "pause_resume_support": s.pause_resume_support,
        "downloads": r.installs,
        "rating": r.rating(),
        "template_type": s.template_type,
        "created_at": r.created_at,
    })
}

fn imported(w: &WorkflowRow) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "nodes": w.nodes,
        "edges": w.edges,
        "imported_at": w.created_at,
    })
}

/// `GET /templates?category=&template_type=&industry=&tags=a&tags=b`
/// (`tags` may repeat or be comma-separated).
pub async fn templates(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> Result<Json<Value>, MarketError> {
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
    let page = PageParams::parse(number("limit")?, number("offset")?, 100, 100)?;
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
    let params = listings::Browse {
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
    Ok(Json(Value::Array(items)))
}

/// `GET /templates/types`
pub async fn types() -> Json<Value> {
    Json(json!({
        "template_types": TemplateType::ALL.iter().map(|t| json!({
            "value": t.as_str(),
            "label": t.label(),
            "description": format!("{} workflow templates", t.label()),
        })).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
pub struct LimitQuery {
    limit: Option<i64>,
}

/// `GET /templates/featured`
pub async fn featured(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LimitQuery>,
) -> Result<Json<Value>, MarketError> {
    let page = PageParams::parse(q.limit, None, 10, 50)?;
    let params = listings::Browse {
        featured_only: true,
        sort_by: Some(SortBy::Popularity),
        ..Default::default()
    };
    let (rows, _) = listings::browse(&state, None, KIND, params, page).await?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "id": r.public_id(),
                    "name": r.name,
                    "rating": r.rating(),
                    "downloads": r.installs,
                    "is_featured": r.is_featured,
                })
            })
            .collect(),
    )))
}

/// `GET /templates/{id}` (a UUID or a string id)
pub async fn detail(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let row = listings::find_ref(&state, p.as_ref(), KIND, &id).await?;
    let s = workflows::spec(&row)?;
    let mut v = item(&row, &s);
    if let Some(o) = v.as_object_mut() {
        o.insert("workflow_data".into(), json!(s.workflow_data));
        o.insert("input_schema".into(), json!(s.input_schema));
        o.insert("steps".into(), json!(s.steps));
        o.insert("prerequisites".into(), json!(s.prerequisites));
        o.insert("use_cases".into(), json!(s.use_cases));
        o.insert("benefits".into(), json!(s.benefits));
        o.insert("status".into(), json!(row.status));
    }
    Ok(Json(v))
}

/// `POST /templates/{id}/import`: into the caller's workspace.
pub async fn import_template(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let w = workflows::import_template(&state, &p, &id).await?;
    Ok(Json(imported(&w)))
}

/// `POST /templates/advanced`: visible to its creator at once, to
/// everyone once an operator approves it.
pub async fn create_advanced(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(input): ApiJson<AdvancedTemplateInput>,
) -> Result<(StatusCode, Json<Value>), MarketError> {
    let row = workflows::create_template(&state, &p, &input, TemplateType::Advanced).await?;
    let s = workflows::spec(&row)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": row.public_id(),
            "name": row.name,
            "input_schema": s.input_schema,
            "steps": s.steps,
            "estimated_duration": s.estimated_duration,
            "status": row.status,
            "created_at": row.created_at,
        })),
    ))
}

#[derive(Deserialize)]
pub struct CreateWorkflowQuery {
    workflow_name: Option<String>,
    parameters: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CreateWorkflowBody {
    workflow_name: Option<String>,
    #[serde(default)]
    parameters: Value,
}

/// `POST /templates/{id}/create-workflow?workflow_name=&parameters={json}`
/// (a JSON body with the same two fields works too).
pub async fn create_workflow(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CreateWorkflowQuery>,
    body: Bytes,
) -> Result<Json<Value>, MarketError> {
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
    let d = &w.definition;
    Ok(Json(json!({
        "status": "success",
        "workflow_definition": {
            "workflow_id": w.id,
            "name": w.name,
            "category": template.category,
            "input_schema": d.get("input_schema"),
            "steps": d.get("steps"),
            "user_inputs": d.get("user_inputs"),
        },
        "message": format!(
            "Workflow '{}' created successfully from template {}",
            w.name,
            template.public_id()
        ),
    })))
}

/// `POST /import`: a workflow JSON file, as multipart `file` (or a JSON
/// body). Malformed or hostile files are a 400 and write nothing.
pub async fn import_file(
    State(state): State<AppState>,
    Auth(p): Auth,
    req: Request,
) -> Result<(StatusCode, Json<Value>), MarketError> {
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
    Ok((StatusCode::CREATED, Json(imported(&w))))
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

/// `POST /export`: the workflow as a portable document with metadata.
pub async fn export(ApiJson(body): ApiJson<Value>) -> Result<Json<Value>, MarketError> {
    let doc = WorkflowDocument::parse(&body)?;
    Ok(Json(json!({
        "name": doc.name,
        "description": doc.description,
        "nodes": doc.graph.nodes,
        "edges": doc.graph.edges,
        "metadata": {
            "exported_at": chrono::Utc::now(),
            "version": "1.0.0",
        },
    })))
}

fn groups(rows: Vec<(String, i64, i64)>) -> Value {
    Value::Object(
        rows.into_iter()
            .map(|(k, count, downloads)| (k, json!({ "count": count, "downloads": downloads })))
            .collect::<Map<_, _>>(),
    )
}

/// `GET /templates/statistics`
pub async fn statistics(State(state): State<AppState>) -> Result<Json<Value>, MarketError> {
    let s = workflows::statistics(&state).await?;
    Ok(Json(json!({
        "total_templates": s.total,
        "total_downloads": s.downloads,
        "average_rating": s.average_rating,
        "categories": groups(s.categories),
        "template_types": groups(s.template_types),
        "complexity_levels": groups(s.complexity_levels),
    })))
}

#[derive(Deserialize)]
pub struct WorkspaceQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/workflows?limit=&offset=`: newest first, 100 a page by
/// default; a full page links the next (`Link: <…>; rel="next"`), so the
/// body keeps its documented shape.
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
) -> Result<(HeaderMap, Json<Value>), MarketError> {
    let page = PageParams::parse(q.limit, q.offset, 100, 100)?;
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
        Json(json!({
            "workflows": rows.iter().map(|w| json!({
                "id": w.id,
                "name": w.name,
                "description": w.description,
                "source": w.source,
                "template_id": w.template_id,
                "node_count": w.node_count,
                "created_at": w.created_at,
            })).collect::<Vec<_>>(),
        })),
    ))
}

/// `GET /api/workflows/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, MarketError> {
    let id = parse_id(
        &id,
        MarketError::new(ErrorCode::NotFound, "Workflow not found"),
    )?;
    let w = workflows::get(&state, &p, id).await?;
    Ok(Json(json!({
        "id": w.id,
        "name": w.name,
        "description": w.description,
        "source": w.source,
        "template_id": w.template_id,
        "nodes": w.nodes,
        "edges": w.edges,
        "definition": w.definition,
        "created_at": w.created_at,
    })))
}
