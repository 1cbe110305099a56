//! The OpenAPI 3.1 document of the JSON API, generated from one table of
//! documented routes, and the offline explorer at `/api/test-console`.
//! The document is checked by deserialising it into utoipa's typed model.

use super::request_schemas;
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
}

#[derive(Clone, Copy, Debug)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub query: &'static [&'static str],
    pub json_body: bool,
    pub ok: u16,
}

// Positional on purpose: one line per route reads as a table.
#[allow(clippy::too_many_arguments)]
const fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    access: Access,
    query: &'static [&'static str],
    json_body: bool,
    ok: u16,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        tag,
        summary,
        access,
        query,
        json_body,
        ok,
    }
}

use Access::*;

const BROWSE: &[&str] = &[
    "query",
    "category",
    "tags",
    "skill_type",
    "sort_by",
    "limit",
    "offset",
];
const PUBLIC_BROWSE: &[&str] = &[
    "cursor",
    "query",
    "category",
    "tags",
    "skill_type",
    "is_free",
    "is_featured",
    "sort_by",
    "sort_order",
    "limit",
    "offset",
];
const PRIVATE_LIST: &[&str] = &[
    "query",
    "category",
    "skill_type",
    "is_installed",
    "sort_by",
    "sort_order",
    "limit",
    "offset",
];

/// Every documented JSON route. Paths are relative to the server root.
pub const ROUTES: &[RouteDoc] = &[
    r(
        "GET",
        "/api/health",
        "Service",
        "Health with a real database round trip",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/openapi.json",
        "Service",
        "This document",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/auth/signup",
        "Accounts",
        "Create a tenant and its owner; starts a session",
        Public,
        &[],
        true,
        201,
    ),
    r(
        "POST",
        "/api/auth/login",
        "Accounts",
        "Log in; starts a new session",
        Public,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/auth/logout",
        "Accounts",
        "End the session",
        Optional,
        &[],
        false,
        204,
    ),
    r(
        "GET",
        "/api/auth/me",
        "Accounts",
        "The caller, its permissions and credential kind",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/keys",
        "Accounts",
        "Create an API key (shown once)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/keys",
        "Accounts",
        "The caller's API keys, without secrets",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "DELETE",
        "/api/keys/{id}",
        "Accounts",
        "Revoke an API key at once",
        Required,
        &[],
        false,
        204,
    ),
    r(
        "POST",
        "/api/oauth/clients",
        "OAuth",
        "Register an OAuth client (secret shown once; a session only)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/oauth/clients",
        "OAuth",
        "The caller's OAuth clients, without secrets",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "DELETE",
        "/api/oauth/clients/{id}",
        "OAuth",
        "Delete an OAuth client (by client_id) and every token it was issued",
        Required,
        &[],
        false,
        204,
    ),
    r(
        "POST",
        "/oauth/token",
        "OAuth",
        "Token endpoint: authorization_code (PKCE), client_credentials, refresh_token",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/oauth/revoke",
        "OAuth",
        "Revoke a token and its refresh family (RFC 7009; 200 for unknown tokens)",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agents",
        "Agents",
        "Create an agent at student (counts against the plan; a tenant admin may start it at intern, as one graduation)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/agents",
        "Agents",
        "The tenant's agents",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/agents/{id}",
        "Agents",
        "One agent with its installed skills",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/skills/marketplace",
        "Skill Marketplace",
        "Browse and search skills",
        Required,
        BROWSE,
        false,
        200,
    ),
    r(
        "POST",
        "/api/skills/publish",
        "Skill Marketplace",
        "Submit a private skill for review",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/skills/approve/{id}",
        "Skill Marketplace",
        "Approve a submission",
        Operator,
        &["content_hash"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/skills/reject/{id}",
        "Skill Marketplace",
        "Reject a submission with a reason",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/skills/install",
        "Skill Marketplace",
        "Install an approved skill into the tenant",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/skills/rate/{id}",
        "Skill Marketplace",
        "Rate and review (once per user)",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/skills/rate/{id}",
        "Skill Marketplace",
        "Replace the caller's rating",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/skills/version",
        "Skill Marketplace",
        "Freeze a version",
        Required,
        &["skill_id", "version_name", "description"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/skills/history/{id}",
        "Skill Marketplace",
        "Version history, newest first, paged (no snapshots)",
        Required,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/skills/rollback/{id}",
        "Skill Marketplace",
        "Restore a version's fields (on an approved skill: into review)",
        Required,
        &["version_id"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/skills/{id}",
        "Skill Marketplace",
        "One skill with its config schema",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/skills",
        "Skill Marketplace",
        "Many skills at once (?ids=a,b,c)",
        Required,
        &["ids"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/public/v1/marketplace/skills",
        "Public Marketplace",
        "Browse the public catalog",
        Optional,
        PUBLIC_BROWSE,
        false,
        200,
    ),
    r(
        "GET",
        "/api/public/v1/marketplace/skills/{id}",
        "Public Marketplace",
        "Skill details with recent reviews",
        Optional,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/public/v1/marketplace/categories",
        "Public Marketplace",
        "All categories",
        Optional,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/public/v1/marketplace/tags",
        "Public Marketplace",
        "Tags with usage counts",
        Optional,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/public/v1/marketplace/submit",
        "Public Marketplace",
        "Submit a skill for review",
        KeyOrToken,
        &[],
        true,
        201,
    ),
    r(
        "POST",
        "/api/public/v1/marketplace/skills/{id}/rate",
        "Public Marketplace",
        "Rate a skill",
        KeyOrToken,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/public/v1/marketplace/skills/{id}/reviews",
        "Public Marketplace",
        "Reviews of a skill",
        Public,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/reviews/{id}/vote",
        "Reviews",
        "Vote a review helpful or not (one vote per user, changeable)",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/reviews/{id}/response",
        "Reviews",
        "The publisher's answer to a review of its listing",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/public/v1/marketplace/reviews/{id}/flag",
        "Public Marketplace",
        "Flag a review for moderation",
        KeyOrToken,
        &["reason"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/v1/skills/private",
        "Private Marketplace",
        "The tenant's own and installed skills",
        Required,
        PRIVATE_LIST,
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/skills/private",
        "Private Marketplace",
        "Create a private skill",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "POST",
        "/api/v1/skills/private/install",
        "Private Marketplace",
        "Install a marketplace skill",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/v1/skills/private/{id}",
        "Private Marketplace",
        "Customize an installed skill, or edit an own skill (an approved one: into review)",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "DELETE",
        "/api/v1/skills/private/{id}",
        "Private Marketplace",
        "Uninstall a skill",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/canvases",
        "Canvases",
        "Create a canvas (components install into it)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/canvases",
        "Canvases",
        "The tenant's canvases",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/canvases/{id}",
        "Canvases",
        "One canvas with its installed components",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/workflows",
        "Workflows",
        "The tenant's workspace workflows, newest first, paged (a full page links the next)",
        Required,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/workflows/{id}",
        "Workflows",
        "One workspace workflow with nodes, edges and definition",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains",
        "Domain Marketplace",
        "Create a draft domain of the tenant",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/v1/domains",
        "Domain Marketplace",
        "The tenant's own and installed domains",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/agent-marketplace/browse",
        "Agent Marketplace",
        "Browse approved agent templates",
        Required,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agent-marketplace/publish/{id}",
        "Agent Marketplace",
        "Publish one of the tenant's agents as a template (pending approval)",
        Required,
        &["name", "description", "price", "category"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agent-marketplace/install/{id}",
        "Agent Marketplace",
        "Install a template as a new agent (plan limit applies)",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agent-marketplace/approve/{id}",
        "Agent Marketplace",
        "Approve an agent template",
        Operator,
        &["content_hash"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agent-marketplace/reject/{id}",
        "Agent Marketplace",
        "Reject an agent template with a reason",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains/marketplace/submit",
        "Domain Marketplace",
        "Submit a draft domain with price, license and tags",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/v1/domains/marketplace/my-submissions",
        "Domain Marketplace",
        "Domains the tenant submitted",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains/marketplace/{id}/approve",
        "Domain Marketplace",
        "Approve a domain",
        Operator,
        &["content_hash"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains/marketplace/{id}/reject",
        "Domain Marketplace",
        "Reject a domain with a reason",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/v1/domains/marketplace/search",
        "Domain Marketplace",
        "Search approved domains",
        Public,
        &["q", "category", "tags", "max_price", "limit"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/v1/domains/marketplace/trending",
        "Domain Marketplace",
        "Domains by time-decayed recent installs",
        Public,
        &["limit"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/v1/domains/marketplace/stats",
        "Domain Marketplace",
        "Submission, approval and install counts",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains/marketplace/install",
        "Domain Marketplace",
        "Install a domain under a custom name",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/v1/domains/marketplace/{id}/rate",
        "Domain Marketplace",
        "Rate a domain (1.0 to 5.0 in halves)",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/v1/domains/marketplace/{id}/rate",
        "Domain Marketplace",
        "Replace the caller's rating",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/v1/domains/marketplace/{id}",
        "Domain Marketplace",
        "Domain details",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/canvas-marketplace/components",
        "Canvas Marketplace",
        "Browse components (also /api/components)",
        Optional,
        &[
            "query",
            "category",
            "tags",
            "component_type",
            "min_price",
            "max_price",
            "is_free",
            "is_featured",
            "sort_by",
            "sort_order",
            "limit",
            "offset",
        ],
        false,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components",
        "Canvas Marketplace",
        "Create a draft component",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/canvas-marketplace/components/{id}",
        "Canvas Marketplace",
        "Component details with code, config schema and recent ratings",
        Optional,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components/publish",
        "Canvas Marketplace",
        "Submit a draft component for review",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components/{id}/approve",
        "Canvas Marketplace",
        "Approve a component",
        Operator,
        &["content_hash"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components/{id}/reject",
        "Canvas Marketplace",
        "Reject a component with a reason",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components/install",
        "Canvas Marketplace",
        "Install a component onto one of the tenant's canvases",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/canvas-marketplace/components/{id}/rate",
        "Canvas Marketplace",
        "Rate and review a component",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/canvas-marketplace/components/{id}/rate",
        "Canvas Marketplace",
        "Replace the caller's rating",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/canvas-marketplace/components/{id}/ratings",
        "Canvas Marketplace",
        "Ratings with helpful counts and author responses",
        Optional,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/canvas-marketplace/categories",
        "Canvas Marketplace",
        "Component categories with counts",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/canvas-marketplace/tags",
        "Canvas Marketplace",
        "Popular component tags with counts",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/marketplace/templates",
        "Workflow Marketplace",
        "Workflow templates (tags may repeat)",
        Optional,
        &["category", "template_type", "industry", "tags"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/marketplace/templates/types",
        "Workflow Marketplace",
        "Template types",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/marketplace/templates/featured",
        "Workflow Marketplace",
        "Featured templates",
        Public,
        &["limit"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/marketplace/templates/statistics",
        "Workflow Marketplace",
        "Counts and downloads by category, type and complexity",
        Public,
        &[],
        false,
        200,
    ),
    r(
        "GET",
        "/api/marketplace/templates/{id}",
        "Workflow Marketplace",
        "Template details with workflow_data (UUID or string id)",
        Optional,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/marketplace/templates/{id}/import",
        "Workflow Marketplace",
        "Import a template into the workspace",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/marketplace/templates/advanced",
        "Workflow Marketplace",
        "Create an advanced template (pending approval)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "POST",
        "/api/marketplace/templates/{id}/create-workflow",
        "Workflow Marketplace",
        "Create a workflow from a template with checked inputs",
        Required,
        &["workflow_name", "parameters"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/marketplace/import",
        "Workflow Marketplace",
        "Import a workflow file (multipart 'file' or a JSON body)",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "POST",
        "/api/marketplace/export",
        "Workflow Marketplace",
        "Export a workflow document with metadata",
        Public,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/admin/listings/{id}/approve",
        "Operators",
        "Approve a pending listing of any kind",
        Operator,
        &["content_hash"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/admin/listings/{id}/reject",
        "Operators",
        "Reject a pending listing of any kind",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/admin/listings/{id}/suspend",
        "Operators",
        "Suspend an approved listing of any kind",
        Operator,
        &["reason"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/agents/{id}/graduate",
        "Agents",
        "Raise an agent's maturity one level (tenant admins)",
        Required,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/packages",
        "Packages",
        "The tenant's installed packages",
        Required,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/packages/request",
        "Packages",
        "Ask operators to whitelist a package",
        Required,
        &[],
        true,
        201,
    ),
    r(
        "GET",
        "/api/packages/{name}/vulnerabilities",
        "Packages",
        "Known CVEs of a package by version range",
        Required,
        &["package_type"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/admin/review-queue",
        "Operators",
        "Pending listings of every kind, oldest first",
        Operator,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "GET",
        "/api/admin/flags",
        "Operators",
        "Flagged reviews, most flagged first",
        Operator,
        &["limit", "offset"],
        false,
        200,
    ),
    r(
        "POST",
        "/api/admin/reviews/{id}/hide",
        "Operators",
        "Hide a review (its rating leaves the average)",
        Operator,
        &[],
        false,
        200,
    ),
    r(
        "POST",
        "/api/admin/reviews/{id}/restore",
        "Operators",
        "Restore a hidden review",
        Operator,
        &[],
        false,
        200,
    ),
    r(
        "PUT",
        "/api/admin/tenants/{id}",
        "Operators",
        "Change a tenant's plan or marketplace access",
        Operator,
        &[],
        true,
        200,
    ),
    r(
        "GET",
        "/api/admin/audit",
        "Operators",
        "The audit log of governance actions",
        Operator,
        &["action", "target_id", "limit", "offset"],
        false,
        200,
    ),
    r(
        "PUT",
        "/api/admin/maintenance",
        "Operators",
        "Switch maintenance mode (writes answer 503)",
        Operator,
        &[],
        true,
        200,
    ),
    r(
        "PUT",
        "/api/admin/packages/{name}",
        "Operators",
        "Whitelist state, allowed versions and vulnerabilities of a package",
        Operator,
        &[],
        true,
        200,
    ),
    r(
        "POST",
        "/api/admin/listings/{id}/approve-risk",
        "Operators",
        "Explicitly approve a high-risk listing for installs",
        Operator,
        &[],
        false,
        200,
    ),
];

/// Routes whose success answer is a JSON array (the reference's shapes).
const ARRAY_RESPONSES: &[&str] = &[
    "/api/v1/domains/marketplace/my-submissions",
    "/api/v1/domains/marketplace/search",
    "/api/v1/domains/marketplace/trending",
    "/api/marketplace/templates",
    "/api/marketplace/templates/featured",
];

/// Query parameters without which the route answers 400.
fn query_required(path: &str, name: &str) -> bool {
    match name {
        "ids" => path == "/api/skills",
        "skill_id" | "version_name" => path == "/api/skills/version",
        "version_id" => path.starts_with("/api/skills/rollback/"),
        "reason" => path.ends_with("/reject") || path.starts_with("/api/skills/reject/"),
        _ => false,
    }
}

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
        &[("GET", "/api/v1/domains/marketplace/{id}")],
    ),
    (
        "/api/canvas-marketplace/components",
        "id",
        &[("GET", "/api/canvas-marketplace/components/{id}")],
    ),
];

fn links(route: &RouteDoc) -> Map<String, Value> {
    let mut out = Map::new();
    if route.method != "POST" {
        return out;
    }
    for (source, field, targets) in LINKS.iter().filter(|(p, _, _)| *p == route.path) {
        debug_assert_eq!(*source, route.path);
        for (method, path) in *targets {
            let id = operation_id(method, path);
            out.insert(
                id.clone(),
                json!({"operationId": id, "parameters": {"id": format!("$response.body#/{field}")}}),
            );
        }
    }
    out
}

fn operation(route: &RouteDoc) -> Value {
    let mut parameters: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    parameters.extend(route.query.iter().map(|name| {
        json!({
            "name": name,
            "in": "query",
            "required": query_required(route.path, name),
            "schema": request_schemas::query(route.path, name),
        })
    }));
    let mut responses = Map::new();
    let ok = if route.ok == 204 {
        json!({"description": "Done"})
    } else {
        let kind = if ARRAY_RESPONSES.contains(&route.path) {
            "array"
        } else {
            "object"
        };
        json!({"description": "Success", "content": {"application/json": {"schema": {"type": kind}}}})
    };
    let mut ok = ok;
    let links = links(route);
    if !links.is_empty() {
        ok["links"] = Value::Object(links);
    }
    responses.insert(route.ok.to_string(), ok);
    let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut codes = vec!["400", "429", "500"];
    // Logging in and the token endpoint refuse bad credentials with 401.
    if route.access != Public
        || matches!(
            route.path,
            "/api/auth/login" | "/oauth/token" | "/oauth/revoke"
        )
    {
        codes.extend(["401", "403"]);
    }
    if route.path.contains('{') || route.method != "GET" {
        codes.push("404");
    }
    // Writes can conflict, be too large or mistyped, be refused by
    // governance (422) or by maintenance mode; any route can meet a
    // database outage.
    if route.method != "GET" {
        codes.extend(["409", "413", "422"]);
    }
    if route.json_body {
        codes.push("415");
    }
    codes.push("503");
    for c in codes {
        responses.insert(c.into(), error.clone());
    }
    let security = match route.access {
        Public => json!([]),
        Optional => json!([{}, {"ApiKey": []}, {"Bearer": []}, {"Session": []}]),
        Required | Operator => json!([{"ApiKey": []}, {"Bearer": []}, {"Session": []}]),
        KeyOrToken => json!([{"ApiKey": []}, {"Bearer": []}]),
    };
    let mut op = json!({
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": operation_id(route.method, route.path),
        "parameters": parameters,
        "responses": responses,
        "security": security,
    });
    if route.access == Operator {
        op["description"] = json!("Needs the GOVERNANCE_APPROVE permission (platform operators).");
    }
    if route.json_body {
        op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": request_schemas::body(route.method, route.path)}}});
    }
    if route.path == "/oauth/revoke" {
        op["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "properties": {
                "token": {"type": "string"},
                "token_type_hint": {"type": "string", "enum": ["access_token", "refresh_token"]},
                "client_id": {"type": "string"},
                "client_secret": {"type": "string"},
            },
        }}}});
    } else if route.path == "/oauth/token" {
        op["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}});
    }
    op
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut paths = Map::new();
        for route in ROUTES {
            let entry = paths.entry(route.path.to_owned()).or_insert_with(|| json!({}));
            entry[route.method.to_lowercase()] = operation(route);
        }
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
                "schemas": {
                    "Error": {
                        "type": "object",
                        "required": ["error", "message", "code"],
                        "properties": {
                            "error": {"type": "string"},
                            "message": {"type": "string"},
                            "code": {"type": "string"},
                            "details": {"type": "object"}
                        }
                    }
                },
                "securitySchemes": {
                    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                    "Bearer": {"type": "http", "scheme": "bearer"},
                    "Session": {"type": "apiKey", "in": "cookie", "name": "mp_session"}
                }
            }
        })
    })
}

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
