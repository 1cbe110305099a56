//! JSON Schemas of the request bodies and typed query parameters in the
//! OpenAPI document. Each states what the server accepts: a body that
//! matches is never refused as malformed (schemathesis checks exactly that
//! with `positive_data_acceptance`). Where a rule cannot be said in JSON
//! Schema (unique node ids, a valid nested JSON Schema), the schema names a
//! narrower shape that is always accepted and the description says the rest.

use app::model::listing::{SortBy, SortOrder};
use app::model::package::PackageType;
use app::model::page::PageParams;
use app::model::schema::*;
use serde_json::{json, Value};

/// The body of a documented JSON route, by method and path.
pub fn body(method: &str, path: &str) -> Value {
    match (method, path) {
        ("POST", "/api/keys") => object(
            &["name", "scope"],
            json!({
                "name": name(100),
                "scope": {"type": "string", "enum": ["read", "read_write"]},
                "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650},
            }),
        ),
        _ => json!({"type": "object"}),
    }
}

/// The schema of a query parameter the server parses into a type.
pub fn query(_path: &str, param: &str) -> Value {
    match param {
        "limit" => json!({"type": "integer", "minimum": 1, "maximum": 100}),
        "offset" => json!({"type": "integer", "minimum": 0, "maximum": PageParams::MAX_OFFSET}),
        "min_price" | "max_price" => json!({"type": "number", "minimum": 0}),
        "price" => price(),
        "is_free" | "is_featured" | "dry_run" => json!({"type": "boolean"}),
        "sort_by" => one_of(SortBy::ALL, SortBy::as_str),
        "sort_order" => one_of(SortOrder::ALL, SortOrder::as_str),
        "package_type" => one_of(PackageType::ALL, PackageType::as_str),
        "reason" => name(500),
        "content_hash" => json!({
            "type": "string",
            "pattern": "^sha256:[0-9a-f]{64}$",
            "description": "The review queue's content_hash of what the operator saw: content changed since is 409 CONFLICTING_OPERATION (absent: what is under review now)",
        }),
        _ => json!({"type": "string", "pattern": NO_NUL}),
    }
}
