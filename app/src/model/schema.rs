//! The JSON Schema of each input bound, written once: the wire types'
//! `#[schema(schema_with = ...)]` and the OpenAPI document use these, and
//! each states exactly what the parser accepts, so a request that matches
//! is never refused as malformed (schemathesis checks that with
//! `positive_data_acceptance`).

use serde_json::{json, Value};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema};

/// A schema from its JSON form (these are literals checked by the
/// document's tests; a malformed one would show as an empty object there).
pub fn of(v: Value) -> RefOr<Schema> {
    serde_json::from_value(v)
        .unwrap_or_else(|_| RefOr::T(Schema::Object(ObjectBuilder::new().build())))
}

pub fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

/// Whitespace as Rust's `trim` sees it (Unicode White_Space), spelt out:
/// regex engines disagree about `\s` beyond ASCII.
macro_rules! ws {
    () => {
        "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}
/// No control characters (Unicode Cc), not blank.
pub const PRINTABLE: &str = concat!(
    "^[^\\x00-\\x1f\\x7f-\\x9f]*[^",
    ws!(),
    "\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
);
/// PostgreSQL text cannot hold U+0000, so no text may carry it.
pub const NO_NUL: &str = "^[^\\x00]*$";
/// Present: not empty, not only blanks.
pub const PRESENT: &str = concat!("^[^\\x00]*[^", ws!(), "\\x00][^\\x00]*$");
/// Blank: empty or only whitespace (what an optional field's "not given" is).
pub const BLANK: &str = concat!("^[", ws!(), "]*$");
/// A comma-separated list with at least one non-blank item.
pub const LIST: &str = concat!("^[^\\x00]*[^", ws!(), ",\\x00][^\\x00]*$");

/// A display name: printable, not blank, at most `max` characters.
pub fn name(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": PRINTABLE})
}

pub fn text(max: usize) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": NO_NUL})
}

pub fn url() -> Value {
    json!({"type": "string", "pattern": "^https?://[a-z0-9.-]{1,60}(/[A-Za-z0-9._~-]{0,40}){0,4}$"})
}

pub fn price() -> Value {
    crate::model::bounds::Price::schema()
}

pub fn tags() -> Value {
    crate::model::bounds::Tags::schema()
}

pub fn one_of<T: Copy>(all: &[T], as_str: impl Fn(T) -> &'static str) -> Value {
    json!({"type": "string", "enum": all.iter().map(|v| as_str(*v)).collect::<Vec<_>>()})
}

/// An id: any present string; one that names nothing (or is not a UUID)
/// answers 404.
pub fn id() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": PRESENT})
}

pub fn present(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": PRESENT})
}

/// An absolute http(s) URI without a fragment.
pub fn redirect_uri() -> Value {
    json!({"type": "string", "maxLength": crate::model::bounds::HttpUrl::MAX, "pattern": "^https?://[^#\\x00]*$"})
}

/// A nested JSON Schema a publisher supplies: any valid schema is accepted;
/// documented as the common object form.
pub fn nested_schema() -> Value {
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

pub fn packages() -> Value {
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

/// A component type: any lowercase identifier (what `ComponentType::parse`
/// accepts); the reference's examples and `canvas` are listed.
pub fn component_type() -> Value {
    use crate::model::component::ComponentType;
    json!({
        "type": "string",
        "minLength": 1,
        "maxLength": ComponentType::MAX_LEN,
        "pattern": "^[a-z][a-z0-9_-]{0,39}$",
        "examples": ComponentType::KNOWN,
        "description": "Not a closed set: a letter, then lowercase letters, digits, '_' or '-'",
    })
}
