//! JSON Schemas of the request bodies and typed query parameters in the
//! OpenAPI document. Each states what the server accepts: a body that
//! matches is never refused as malformed (schemathesis checks exactly that
//! with `positive_data_acceptance`). Where a rule cannot be said in JSON
//! Schema (unique node ids, a valid nested JSON Schema), the schema names a
//! narrower shape that is always accepted and the description says the rest.

use app::backend::services::agents::MATURITIES;
use app::model::component::ComponentType;
use app::model::listing::{RiskLevel, SkillType, SortBy, SortOrder};
use app::model::package::PackageType;
use app::model::page::PageParams;
use app::model::workflow::{Complexity, TemplateType};
use serde_json::{json, Value};

/// Whitespace as Rust's `trim` sees it (Unicode White_Space), spelt out:
/// regex engines disagree about `\s` beyond ASCII.
macro_rules! ws {
    () => {
        "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}
/// No control characters (Unicode Cc), not blank.
const PRINTABLE: &str = concat!(
    "^[^\\x00-\\x1f\\x7f-\\x9f]*[^",
    ws!(),
    "\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
);
/// PostgreSQL text cannot hold U+0000, so no text may carry it.
const NO_NUL: &str = "^[^\\x00]*$";
/// Present: not empty, not only blanks.
const PRESENT: &str = concat!("^[^\\x00]*[^", ws!(), "\\x00][^\\x00]*$");
/// A comma-separated list with at least one non-blank item.
const LIST: &str = concat!("^[^\\x00]*[^", ws!(), ",\\x00][^\\x00]*$");

/// A display name: printable, not blank, at most `max` characters.
fn name(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": PRINTABLE})
}

fn text(max: usize) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": NO_NUL})
}

fn url() -> Value {
    json!({"type": "string", "pattern": "^https?://[a-z0-9.-]{1,60}(/[A-Za-z0-9._~-]{0,40}){0,4}$"})
}

fn price() -> Value {
    json!({"type": "number", "minimum": 0, "maximum": 100000})
}

fn tags() -> Value {
    json!({
        "type": "array",
        "maxItems": 20,
        "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9 _-]{0,39}$"},
    })
}

fn one_of<T: Copy>(all: &[T], as_str: impl Fn(T) -> &'static str) -> Value {
    json!({"type": "string", "enum": all.iter().map(|v| as_str(*v)).collect::<Vec<_>>()})
}

/// An id: any present string; one that names nothing (or is not a UUID)
/// answers 404.
fn id() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": PRESENT})
}

fn present(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": PRESENT})
}

/// An absolute http(s) URI without a fragment.
fn redirect_uri() -> Value {
    json!({"type": "string", "maxLength": 2000, "pattern": "^https?://[^#\\x00]*$"})
}

/// A nested JSON Schema a publisher supplies: any valid schema is accepted;
/// documented as the common object form.
fn nested_schema() -> Value {
    json!({
        "type": "object",
        "description": "A JSON Schema (draft 2020-12); any valid schema is accepted",
        "properties": {
            "type": {"type": "string", "enum": ["object"]},
            "properties": {
                "type": "object",
                "maxProperties": 5,
                "propertyNames": {"type": "string", "pattern": NO_NUL},
                "additionalProperties": {
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": ["string", "number", "integer", "boolean"]}},
                    "additionalProperties": false,
                },
            },
        },
        "additionalProperties": false,
    })
}

fn packages() -> Value {
    json!({
        "type": "array",
        "maxItems": 100,
        "items": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,60}$"},
                "version": {"type": "string", "pattern": "^[0-9A-Za-z.<>=~^*!,_-]{0,64}$"},
            },
        },
    })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

fn rating(halves: bool) -> Value {
    let step = if halves { 0.5 } else { 1.0 };
    object(
        &["rating"],
        json!({
            "rating": {"type": "number", "minimum": 1, "maximum": 5, "multipleOf": step},
            "review": text(5000),
        }),
    )
}

fn skill_input() -> Value {
    object(
        &["name", "skill_type"],
        json!({
            "name": name(200),
            "description": text(2000),
            "skill_type": one_of(SkillType::ALL, SkillType::as_str),
            "risk_level": one_of(RiskLevel::ALL, RiskLevel::as_str),
            "input_schema": nested_schema(),
            "output_schema": nested_schema(),
            "config_schema": nested_schema(),
            "config": {"type": "object", "maxProperties": 0, "description": "Any JSON object (checked against config_schema at install)"},
            "code": text(200_000),
            "long_description": text(100_000),
            "category": name(100),
            "tags": tags(),
            "price": price(),
            "license": name(100),
            "documentation_url": url(),
            "repository_url": url(),
            "python_packages": packages(),
            "npm_packages": packages(),
        }),
    )
}

fn install_skill(listing_field: &str) -> Value {
    let mut props = json!({
        "agent_id": id(),
        "config_overrides": {"type": "object", "maxProperties": 0},
        "install_dependencies": {"type": "boolean"},
        "dry_run": {"type": "boolean"},
    });
    props[listing_field] = id();
    object(&[listing_field], props)
}

fn component_input() -> Value {
    let deps = json!({"type": "array", "maxItems": 50, "items": name(200)});
    object(
        &["name"],
        json!({
            "name": name(200),
            "description": text(2000),
            "category": name(100),
            "component_type": one_of(ComponentType::ALL, ComponentType::as_str),
            "tags": tags(),
            "version": {"type": "string", "pattern": "^[0-9][0-9A-Za-z.+_-]{0,30}$"},
            "code": text(200_000),
            "config_schema": nested_schema(),
            "dependencies": deps,
            "css_dependencies": deps,
            "thumbnail_url": url(),
            "preview_url": url(),
            "demo_url": url(),
            "price": price(),
            "license": name(100),
        }),
    )
}

/// A workflow document. Node ids must be unique and edges must join known
/// nodes, which JSON Schema cannot say: documented as one node, no edges.
fn workflow_document() -> Value {
    object(
        &["name"],
        json!({
            "name": name(200),
            "description": text(2000),
            "nodes": {
                "type": "array",
                "maxItems": 1,
                "description": "Objects with unique 'id's (at most 500, nested at most 16 levels)",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": name(100), "type": text(50)},
                    "additionalProperties": false,
                },
            },
            "edges": {
                "type": "array",
                "maxItems": 0,
                "items": {"type": "object"},
                "description": "Objects whose 'source' and 'target' name nodes (at most 2000)",
            },
        }),
    )
}

fn advanced_template() -> Value {
    let list = json!({"type": "array", "maxItems": 50, "items": name(200)});
    object(
        &["name"],
        json!({
            "id": {"type": "string", "pattern": "^tmpl_[a-z0-9_.-]{1,60}$"},
            "name": name(200),
            "description": text(2000),
            "category": name(100),
            "author": name(200),
            "version": {"type": "string", "pattern": "^[0-9][0-9.]{0,10}$"},
            "integrations": list,
            "complexity": one_of(Complexity::ALL, Complexity::as_str),
            "industry": name(100),
            "tags": tags(),
            "estimated_duration": {"type": "integer", "minimum": 0, "maximum": 100000},
            "prerequisites": list,
            "use_cases": list,
            "benefits": list,
            "input_schema": {
                "type": "array",
                "maxItems": 0,
                "items": {"type": "object"},
                "description": "Input fields {name, type, label?, required?, options?}; see the reference",
            },
            "steps": {
                "type": "array",
                "maxItems": 0,
                "items": {"type": "object"},
                "description": "Steps {step_id (unique), name, ...}; see the reference",
            },
        }),
    )
}

/// The body of a documented JSON route, by method and path.
pub fn body(method: &str, path: &str) -> Value {
    match (method, path) {
        ("POST", "/api/auth/signup") => object(
            &["tenant_name", "email", "password"],
            json!({
                "tenant_name": name(100),
                "email": {"type": "string", "pattern": "^[a-z0-9]{1,20}@[a-z0-9]{1,20}\\.[a-z]{2,6}$"},
                "password": {"type": "string", "minLength": 8, "maxLength": 256, "pattern": NO_NUL},
            }),
        ),
        ("POST", "/api/auth/login") => object(
            &["email", "password"],
            json!({"email": {"type": "string", "pattern": NO_NUL}, "password": {"type": "string", "pattern": NO_NUL}}),
        ),
        ("POST", "/api/keys") => object(
            &["name", "scope"],
            json!({
                "name": name(100),
                "scope": {"type": "string", "enum": ["read", "read_write"]},
                "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650},
            }),
        ),
        ("POST", "/api/oauth/clients") => object(
            &["name", "redirect_uris"],
            json!({
                "name": name(100),
                "redirect_uris": {"type": "array", "minItems": 1, "maxItems": 10, "items": redirect_uri()},
            }),
        ),
        ("POST", "/api/agents") => object(
            &["name"],
            json!({"name": name(200), "maturity": {"type": "string", "enum": MATURITIES}}),
        ),
        ("POST", "/api/agents/{id}/graduate") => object(
            &["target_maturity"],
            json!({"target_maturity": {"type": "string", "enum": MATURITIES}}),
        ),
        ("POST", "/api/skills/publish") => object(
            &["skill_id"],
            json!({
                "skill_id": id(),
                "price": price(),
                "category": name(100),
                "tags": tags(),
                "long_description": text(100_000),
                "documentation_url": url(),
            }),
        ),
        ("POST", "/api/skills/install") => install_skill("skill_id"),
        ("POST", "/api/v1/skills/private/install") => install_skill("marketplace_skill_id"),
        ("POST", "/api/public/v1/marketplace/submit") | ("POST", "/api/v1/skills/private") => {
            skill_input()
        }
        ("PUT", "/api/v1/skills/private/{id}") => object(
            &[],
            json!({
                "name": name(200),
                "description": text(2000),
                "code": text(200_000),
                "input_schema": nested_schema(),
                "output_schema": nested_schema(),
                "config_schema": nested_schema(),
                "config": {"type": "object", "maxProperties": 0},
                "python_packages": packages(),
                "npm_packages": packages(),
                "category": name(100),
                "tags": tags(),
                "config_overrides": {"type": "object", "maxProperties": 0},
                "environment_vars": {
                    "type": "object",
                    "maxProperties": 100,
                    "additionalProperties": {"type": "string", "maxLength": 1000},
                    "propertyNames": {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]{0,63}$"},
                },
            }),
        ),
        ("POST", "/api/canvases") => object(&["name"], json!({"name": name(200)})),
        ("POST", "/api/v1/domains") => {
            let mut o = object(
                &[],
                json!({"name": name(200), "domain_name": name(200), "description": text(2000), "category": name(100)}),
            );
            o["description"] = json!("`name`, or its synonym `domain_name`, is required");
            o["anyOf"] = json!([{"required": ["name"]}, {"required": ["domain_name"]}]);
            o
        }
        ("POST", "/api/v1/domains/marketplace/submit") => object(
            &["domain_id"],
            json!({"domain_id": id(), "price_usd": price(), "license_type": name(100), "tags": tags()}),
        ),
        ("POST", "/api/v1/domains/marketplace/install") => object(
            &["template_domain_id"],
            json!({"template_domain_id": id(), "custom_name": name(200)}),
        ),
        ("POST", "/api/canvas-marketplace/components") => component_input(),
        ("POST", "/api/canvas-marketplace/components/publish") => object(
            &["component_id"],
            json!({"component_id": id(), "price": price(), "license": name(100), "tags": tags()}),
        ),
        ("POST", "/api/canvas-marketplace/components/install") => object(
            &["component_id", "canvas_id"],
            json!({"component_id": id(), "canvas_id": id()}),
        ),
        ("POST", "/api/marketplace/templates/advanced") => advanced_template(),
        ("POST", "/api/marketplace/import") | ("POST", "/api/marketplace/export") => {
            workflow_document()
        }
        ("POST", "/api/packages/request") => object(
            &["package_name", "package_type", "reason"],
            json!({
                "package_name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,60}$"},
                "package_type": one_of(PackageType::ALL, PackageType::as_str),
                "version": {"type": "string", "pattern": "^[0-9][0-9.]{0,20}$"},
                "reason": present(2000),
            }),
        ),
        ("POST", "/api/reviews/{id}/vote") => {
            object(&["helpful"], json!({"helpful": {"type": "boolean"}}))
        }
        ("PUT", "/api/reviews/{id}/response") => {
            object(&["response"], json!({"response": present(5000)}))
        }
        ("PUT", "/api/admin/tenants/{id}") => object(
            &[],
            json!({
                "plan": {"type": "string", "enum": ["free", "team", "enterprise"]},
                "marketplace_enabled": {"type": "boolean"},
            }),
        ),
        ("PUT", "/api/admin/maintenance") => object(
            &["enabled"],
            json!({
                "enabled": {"type": "boolean"},
                "message": text(500),
                "expected_end": {"type": "string", "format": "date-time"},
            }),
        ),
        ("PUT", "/api/admin/packages/{name}") => object(
            &["package_type", "whitelisted"],
            json!({
                "package_type": one_of(PackageType::ALL, PackageType::as_str),
                "whitelisted": {"type": "boolean"},
                "allowed_versions": {"type": "string", "pattern": "^>=[0-9]{1,2}(\\.[0-9]{1,2}){0,2}$"},
                "vulnerabilities": {"type": "array", "maxItems": 0, "items": {"type": "object"}},
            }),
        ),
        (_, p) if p.ends_with("/rate") || p.starts_with("/api/skills/rate/") => {
            rating(p.starts_with("/api/v1/domains/"))
        }
        _ => json!({"type": "object"}),
    }
}

/// The schema of a query parameter the server parses into a type.
pub fn query(path: &str, param: &str) -> Value {
    match param {
        "limit" => {
            let max = if matches!(
                path,
                "/api/v1/domains/marketplace/trending" | "/api/marketplace/templates/featured"
            ) {
                50
            } else {
                100
            };
            json!({"type": "integer", "minimum": 1, "maximum": max})
        }
        "offset" => json!({"type": "integer", "minimum": 0, "maximum": PageParams::MAX_OFFSET}),
        "min_price" | "max_price" => json!({"type": "number", "minimum": 0}),
        "price" => price(),
        "is_free" | "is_featured" | "is_installed" | "dry_run" => json!({"type": "boolean"}),
        "sort_by" if path == "/api/v1/skills/private" => {
            json!({"type": "string", "enum": ["name", "created_at", "rating"]})
        }
        "sort_by" => one_of(SortBy::ALL, SortBy::as_str),
        "sort_order" => one_of(SortOrder::ALL, SortOrder::as_str),
        "skill_type" => one_of(SkillType::ALL, SkillType::as_str),
        "component_type" => one_of(ComponentType::ALL, ComponentType::as_str),
        "template_type" => one_of(TemplateType::ALL, TemplateType::as_str),
        "package_type" => one_of(PackageType::ALL, PackageType::as_str),
        "skill_id" | "version_id" | "version_name" => id(),
        "reason" => name(500),
        "content_hash" => json!({
            "type": "string",
            "pattern": "^sha256:[0-9a-f]{64}$",
            "description": "The review queue's content_hash of what the operator saw: content changed since is 409 CONFLICTING_OPERATION (absent: what is under review now)",
        }),
        "ids" => json!({
            "type": "string",
            "description": "Comma-separated skill ids, 1 to 100",
            "pattern": LIST,
        }),
        "cursor" => json!({
            "type": "string",
            "pattern": "^[0-9]{1,16}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            "description": "The `next_cursor` of the previous page: pages by creation time (newest first, oldest with sort_order=asc) from there, however deep; sort_by and offset do not apply",
        }),
        "parameters" => json!({
            "type": "string",
            "pattern": "^\\{\\}$",
            "description": "A JSON object of the template's inputs (checked against its input_schema)",
        }),
        _ => json!({"type": "string", "pattern": NO_NUL}),
    }
}
