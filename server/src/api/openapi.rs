//! The OpenAPI 3.1 document of the JSON API and the offline explorer at
//! `/api/test-console`. The operations come from the typed handlers the
//! router mounts (`#[utoipa::path]` on each, mounted with `routes!`); what
//! every operation shares is added here once.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, no credentials.
    Public,
    /// Anonymous allowed; a credential raises limits and shows own items.
    Optional,
    /// A session, API key or OAuth token.
    Required,
    /// An API key or OAuth token only.
    KeyOrToken,
    /// `GOVERNANCE_APPROVE` (platform operators).
    Operator,
    /// A peer instance's `X-Federation-Key`.
    FederationKey,
}

impl Access {
    const ALL: [Access; 6] = [
        Public,
        Optional,
        Required,
        KeyOrToken,
        Operator,
        FederationKey,
    ];

    /// The value of a typed operation's `x-access` extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Public => "public",
            Optional => "optional",
            Required => "required",
            KeyOrToken => "key_or_token",
            Operator => "operator",
            FederationKey => "federation_key",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

use Access::*;

fn operation_id(method: &str, path: &str) -> String {
    format!(
        "{}_{}",
        method.to_lowercase(),
        path.trim_start_matches('/')
            .replace(['/', '{', '}', '.', '-'], "_")
    )
}

/// Where what a create answers can be used next: the stateful fuzzing
/// phase follows these from a created object to its own routes.
/// (source path, id field of its answer, target operations as (method, path)).
type Link = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
const LINKS: &[Link] = &[
    (
        "/api/agents",
        "id",
        &[
            ("GET", "/api/agents/{id}"),
            ("POST", "/api/agents/{id}/graduate"),
        ],
    ),
    ("/api/canvases", "id", &[("GET", "/api/canvases/{id}")]),
    ("/api/keys", "id", &[("DELETE", "/api/keys/{id}")]),
    (
        "/api/oauth/clients",
        "client_id",
        &[("DELETE", "/api/oauth/clients/{id}")],
    ),
    (
        "/api/v1/skills/private",
        "skill_id",
        &[
            ("PUT", "/api/v1/skills/private/{id}"),
            ("DELETE", "/api/v1/skills/private/{id}"),
            ("GET", "/api/skills/{id}"),
            ("GET", "/api/skills/history/{id}"),
        ],
    ),
    (
        "/api/v1/domains",
        "id",
        &[("GET", "/api/v1/domains/marketplace/{domain_id}")],
    ),
    (
        "/api/canvas-marketplace/components",
        "id",
        &[
            ("GET", "/api/canvas-marketplace/components/{component_id}"),
            (
                "GET",
                "/api/canvas-marketplace/components/{component_id}/ratings",
            ),
        ],
    ),
    (
        "/api/components",
        "id",
        &[
            ("GET", "/api/components/{component_id}"),
            ("GET", "/api/components/{component_id}/ratings"),
        ],
    ),
    (
        "/api/marketplace/templates/advanced",
        "id",
        &[
            ("GET", "/api/marketplace/templates/{template_id}"),
            ("POST", "/api/marketplace/templates/{template_id}/import"),
            (
                "POST",
                "/api/marketplace/templates/{template_id}/create-workflow",
            ),
        ],
    ),
    (
        "/api/marketplace/import",
        "id",
        &[("GET", "/api/workflows/{id}")],
    ),
    (
        "/api/marketplace/templates/{template_id}/import",
        "id",
        &[("GET", "/api/workflows/{id}")],
    ),
    (
        "/api/marketplace/templates/{template_id}/create-workflow",
        "workflow_definition/workflow_id",
        &[("GET", "/api/workflows/{id}")],
    ),
];

fn links(method: &str, path: &str) -> Map<String, Value> {
    let mut out = Map::new();
    if method != "POST" {
        return out;
    }
    for (_, field, targets) in LINKS.iter().filter(|(p, _, _)| *p == path) {
        for (method, path) in *targets {
            let id = operation_id(method, path);
            // The target's one path parameter, by the name it has there.
            let param = path
                .split('/')
                .find_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .unwrap_or("id");
            let mut parameters = Map::new();
            parameters.insert(param.into(), json!(format!("$response.body#/{field}")));
            out.insert(
                id.clone(),
                json!({"operationId": id, "parameters": parameters}),
            );
        }
    }
    out
}

/// What every operation shares, said once: its id, who may call it, the
/// error answers its door and its kind of work can give, and the links the
/// stateful fuzzing follows. A typed handler states its access in the
/// `x-access` extension; one without it is a defect the tests catch.
fn shared_rules(op: &mut Value, method: &str, path: &str) {
    let Some(access) = op["x-access"].as_str().and_then(Access::parse) else {
        return;
    };
    let json_body = !op["requestBody"]["content"]["application/json"].is_null();
    let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut codes = vec!["400", "429", "500"];
    // Logging in and the token endpoint refuse bad credentials with 401.
    if access != Public || matches!(path, "/api/auth/login" | "/oauth/token" | "/oauth/revoke") {
        codes.extend(["401", "403"]);
    }
    if path.contains('{') || method != "GET" {
        codes.push("404");
    }
    // Writes can conflict, be too large or mistyped, be refused by
    // governance (422) or by maintenance mode; any route can meet a
    // database outage.
    if method != "GET" {
        codes.extend(["409", "413", "422"]);
    }
    if json_body {
        codes.push("415");
    }
    codes.push("503");
    if let Some(responses) = op["responses"].as_object_mut() {
        // OpenAPI requires a description on every response.
        for (status, response) in responses.iter_mut() {
            if response["description"].as_str().is_none_or(str::is_empty) {
                response["description"] = json!(if status.starts_with('2') {
                    "Success"
                } else {
                    "Error"
                });
            }
        }
        for c in codes {
            responses.entry(c).or_insert_with(|| error.clone());
        }
        let links = links(method, path);
        if !links.is_empty() {
            if let Some(ok) = responses
                .iter_mut()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, r)| r)
            {
                ok["links"] = Value::Object(links);
            }
        }
    }
    op["security"] = match access {
        Public => json!([]),
        Optional => json!([{}, {"ApiKey": []}, {"Bearer": []}, {"Session": []}]),
        Required | Operator => json!([{"ApiKey": []}, {"Bearer": []}, {"Session": []}]),
        KeyOrToken => json!([{"ApiKey": []}, {"Bearer": []}]),
        FederationKey => json!([{"FederationKey": []}]),
    };
    if access == Operator && op["description"].is_null() {
        op["description"] = json!("Needs the GOVERNANCE_APPROVE permission (platform operators).");
    }
    op["operationId"] = json!(operation_id(method, path));
}

/// The document, built once: the typed operations the router mounts, each
/// finished by the shared rules.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let typed = serde_json::to_value(super::typed_document()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the typed OpenAPI document does not serialise");
            json!({})
        });
        let mut paths = typed["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    shared_rules(op, &method.to_uppercase(), path);
                }
            }
        }
        let mut schemas = typed["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        schemas.insert(
            "Error".into(),
            json!({
                "type": "object",
                "required": ["error", "message", "code"],
                "properties": {
                    "error": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "details": {"type": "object"},
                    "retry_after": {"type": "integer", "minimum": 0}
                }
            }),
        );
        json!({
            "openapi": "3.1.0",
            "info": {
                "title": "Agent Marketplace API",
                "version": env!("CARGO_PKG_VERSION"),
                "description": "Skills, agent templates, domains, canvas components and workflow templates. \
                    Errors are always {error, message, code, details}."
            },
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                    "FederationKey": {"type": "apiKey", "in": "header", "name": "X-Federation-Key"},
                    "Bearer": {"type": "http", "scheme": "bearer"},
                    "Session": {"type": "apiKey", "in": "cookie", "name": "mp_session"}
                }
            }
        })
    })
}

/// The top of an OpenAPI 3.1 document (what a client generator reads).
#[derive(utoipa::ToSchema)]
// Only its schema is used: the document itself is assembled as JSON.
#[allow(dead_code)]
pub struct OpenApiDocument {
    /// `3.1.0`
    openapi: String,
    #[schema(value_type = Object)]
    info: Value,
    /// Every operation, by path and method.
    #[schema(value_type = Object)]
    paths: Value,
    #[schema(value_type = Object)]
    components: Value,
}

/// This document
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "Service",
    extensions(("x-access" = json!("public"))),
    responses((status = 200, body = OpenApiDocument))
)]
pub async fn openapi_json() -> Json<Value> {
    Json(document().clone())
}

fn console_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(utoipa_swagger_ui::Config::from("/api/openapi.json")))
        .clone()
}

/// `/api/test-console`: Swagger UI from vendored assets (no internet).
/// The bare path redirects so the page's relative asset URLs resolve.
pub async fn console_redirect() -> Response {
    axum::response::Redirect::permanent("/api/test-console/").into_response()
}

pub async fn console_index() -> Response {
    console_file(Path(String::new())).await
}

pub async fn console_file(Path(rest): Path<String>) -> Response {
    match utoipa_swagger_ui::serve(&rest, console_config()) {
        Ok(Some(file)) => {
            let mut response = (
                [(header::CONTENT_TYPE, file.content_type)],
                file.bytes.to_vec(),
            )
                .into_response();
            if file.gzpipped {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    header::HeaderValue::from_static("gzip"),
                );
            }
            response
        }
        Ok(None) => app::error::MarketError::route_not_found().into_response(),
        Err(e) => {
            tracing::error!(error = %e, "test console asset failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({
                "error": "Internal Server Error", "message": "An unexpected error occurred", "code": "INTERNAL_ERROR"
            })))
                .into_response()
        }
    }
}
