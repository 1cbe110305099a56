//! Breaking changes between two JSON Schemas: what a new version of a skill
//! may not do to the input, output or config schema of the previous one
//! without a major bump. Pure: the version gate and its tests share it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The kinds of breaking change (the wire's `change`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakingKind {
    /// A property the previous schema had is gone.
    PropertyRemoved,
    /// A property is required that was not before.
    PropertyRequired,
    /// The type changed or narrowed (a type dropped from a union, `number`
    /// to `integer`, an untyped value typed, an `enum` where any was fine).
    TypeChanged,
    /// An allowed value of an `enum` is gone.
    EnumValueRemoved,
    /// `additionalProperties: false` where extra properties were allowed.
    AdditionalPropertiesClosed,
}

/// One breaking change: which schema, where in it (a JSON Pointer into the
/// schema document), what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BreakingChange {
    /// `input_schema`, `output_schema` or `config_schema`.
    pub schema: String,
    pub path: String,
    pub change: BreakingKind,
}

/// What changed between two versions of one schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    /// Anything differs at all.
    pub changed: bool,
    pub breaking: Vec<BreakingChange>,
}

/// The schemas of a spec the gate compares, in the order refusals list them.
pub const SCHEMAS: [&str; 3] = ["input_schema", "output_schema", "config_schema"];

/// Compares the three schemas of two specs (absent ones are `null`).
pub fn diff_specs(before: &Value, after: &Value) -> SchemaDiff {
    let mut out = SchemaDiff::default();
    for name in SCHEMAS {
        let b = before.get(name).unwrap_or(&Value::Null);
        let a = after.get(name).unwrap_or(&Value::Null);
        let d = diff(name, b, a);
        out.changed |= d.changed;
        out.breaking.extend(d.breaking);
    }
    out
}

/// Compares one schema before and after.
pub fn diff(schema: &str, before: &Value, after: &Value) -> SchemaDiff {
    let mut out = SchemaDiff {
        changed: before != after,
        breaking: Vec::new(),
    };
    if out.changed {
        walk(schema, "", before, after, &mut out.breaking);
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn push(out: &mut Vec<BreakingChange>, schema: &str, path: &str, change: BreakingKind) {
    let c = BreakingChange {
        schema: schema.to_owned(),
        path: path.to_owned(),
        change,
    };
    if !out.contains(&c) {
        out.push(c);
    }
}

/// The types a schema admits; `None` is any.
fn types(s: &Map<String, Value>) -> Option<Vec<&str>> {
    match s.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

/// Whether a type set admits a type (`number` admits `integer`).
fn admits(set: &[&str], t: &str) -> bool {
    set.contains(&t) || (t == "integer" && set.contains(&"number"))
}

fn walk(schema: &str, at: &str, before: &Value, after: &Value, out: &mut Vec<BreakingChange>) {
    // Only object schemas are compared keyword by keyword; a schema that
    // appears, disappears or is a boolean is a change, never a break.
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return;
    };
    match (types(b), types(a)) {
        (Some(bt), Some(at_)) if bt.iter().any(|t| !admits(&at_, t)) => {
            push(out, schema, at, BreakingKind::TypeChanged);
        }
        (None, Some(_)) => push(out, schema, at, BreakingKind::TypeChanged),
        _ => {}
    }
    match (
        b.get("enum").and_then(Value::as_array),
        a.get("enum").and_then(Value::as_array),
    ) {
        (Some(be), Some(ae)) if be.iter().any(|v| !ae.contains(v)) => {
            push(
                out,
                schema,
                &format!("{at}/enum"),
                BreakingKind::EnumValueRemoved,
            );
        }
        (None, Some(_)) => push(out, schema, at, BreakingKind::TypeChanged),
        _ => {}
    }
    if let Some(c) = a.get("const") {
        if b.get("const") != Some(c) {
            push(out, schema, at, BreakingKind::TypeChanged);
        }
    }
    let empty = Map::new();
    let bp = b
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let ap = a
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (key, bs) in bp {
        let path = format!("{at}/properties/{}", escape(key));
        match ap.get(key) {
            None => push(out, schema, &path, BreakingKind::PropertyRemoved),
            Some(as_) => walk(schema, &path, bs, as_, out),
        }
    }
    let required = |s: &Map<String, Value>| -> Vec<String> {
        s.get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (br, ar) = (required(b), required(a));
    for key in ar.iter().filter(|k| !br.contains(k)) {
        push(
            out,
            schema,
            &format!("{at}/properties/{}", escape(key)),
            BreakingKind::PropertyRequired,
        );
    }
    let open = |v: Option<&Value>| !matches!(v, Some(Value::Bool(false)));
    match (b.get("additionalProperties"), a.get("additionalProperties")) {
        (bv, av) if open(bv) && !open(av) => push(
            out,
            schema,
            &format!("{at}/additionalProperties"),
            BreakingKind::AdditionalPropertiesClosed,
        ),
        (Some(bv), Some(av)) => walk(schema, &format!("{at}/additionalProperties"), bv, av, out),
        _ => {}
    }
    if let (Some(bi), Some(ai)) = (b.get("items"), a.get("items")) {
        walk(schema, &format!("{at}/items"), bi, ai, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(before: Value, after: Value) -> Vec<(String, BreakingKind)> {
        let d = diff("config_schema", &before, &after);
        assert!(d.changed || d.breaking.is_empty());
        d.breaking.into_iter().map(|c| (c.path, c.change)).collect()
    }

    fn base() -> Value {
        json!({
            "type": "object",
            "properties": {
                "timeout": {"type": "number"},
                "mode": {"type": "string", "enum": ["fast", "safe"]},
                "nested": {"type": "object", "properties": {"depth": {"type": "integer"}}}
            },
            "required": ["timeout"]
        })
    }

    #[test]
    fn the_same_schema_changes_nothing() {
        assert_eq!(
            diff("input_schema", &base(), &base()),
            SchemaDiff::default()
        );
        assert_eq!(
            diff("input_schema", &Value::Null, &Value::Null),
            SchemaDiff::default()
        );
    }

    #[test]
    fn additions_change_without_breaking() {
        let mut after = base();
        after["properties"]["extra"] = json!({"type": "boolean"});
        after["properties"]["mode"]["enum"] = json!(["fast", "safe", "thorough"]);
        after["properties"]["nested"]["properties"]["depth"]["type"] = json!("number");
        after["properties"]["timeout"]["maximum"] = json!(600);
        let d = diff("input_schema", &base(), &after);
        assert!(d.changed);
        assert!(d.breaking.is_empty(), "{:?}", d.breaking);
        // A schema declared for the first time is a change, not a break.
        let d = diff("input_schema", &Value::Null, &base());
        assert!(d.changed && d.breaking.is_empty());
    }

    #[test]
    fn property_removed_at_any_depth() {
        let mut after = base();
        after["properties"]
            .as_object_mut()
            .expect("test value")
            .remove("mode");
        after["properties"]["nested"]["properties"]
            .as_object_mut()
            .expect("test value")
            .remove("depth");
        assert_eq!(
            changes(base(), after),
            [
                ("/properties/mode".to_owned(), BreakingKind::PropertyRemoved),
                (
                    "/properties/nested/properties/depth".to_owned(),
                    BreakingKind::PropertyRemoved
                ),
            ]
        );
    }

    #[test]
    fn newly_required_property() {
        let mut after = base();
        after["required"] = json!(["timeout", "mode"]);
        after["properties"]["nested"]["required"] = json!(["depth"]);
        assert_eq!(
            changes(base(), after),
            [
                (
                    "/properties/nested/properties/depth".to_owned(),
                    BreakingKind::PropertyRequired
                ),
                (
                    "/properties/mode".to_owned(),
                    BreakingKind::PropertyRequired
                ),
            ]
        );
    }

    #[test]
    fn type_changed_or_narrowed() {
        for (before, after) in [
            (json!({"type": "string"}), json!({"type": "number"})),
            (json!({"type": "number"}), json!({"type": "integer"})),
            (
                json!({"type": ["string", "null"]}),
                json!({"type": "string"}),
            ),
            (json!({}), json!({"type": "string"})),
            (
                json!({"type": "string"}),
                json!({"type": "string", "enum": ["a"]}),
            ),
            (
                json!({"type": "string"}),
                json!({"type": "string", "const": "a"}),
            ),
        ] {
            assert_eq!(
                changes(before.clone(), after.clone()),
                [(String::new(), BreakingKind::TypeChanged)],
                "{before} -> {after}"
            );
        }
        // Widening is fine.
        assert!(changes(json!({"type": "integer"}), json!({"type": "number"})).is_empty());
        assert!(changes(json!({"type": "string"}), json!({})).is_empty());
    }

    #[test]
    fn enum_value_removed() {
        let mut after = base();
        after["properties"]["mode"]["enum"] = json!(["fast"]);
        assert_eq!(
            changes(base(), after),
            [(
                "/properties/mode/enum".to_owned(),
                BreakingKind::EnumValueRemoved
            )]
        );
    }

    #[test]
    fn additional_properties_closed() {
        let mut after = base();
        after["additionalProperties"] = json!(false);
        after["properties"]["nested"]["additionalProperties"] = json!(false);
        assert_eq!(
            changes(base(), after.clone()),
            [
                (
                    "/properties/nested/additionalProperties".to_owned(),
                    BreakingKind::AdditionalPropertiesClosed
                ),
                (
                    "/additionalProperties".to_owned(),
                    BreakingKind::AdditionalPropertiesClosed
                ),
            ]
        );
        // Already closed stays closed: no change of that kind.
        assert!(changes(after.clone(), after).is_empty());
        // Reopening is fine.
        let mut closed = base();
        closed["additionalProperties"] = json!(false);
        assert!(changes(closed, base()).is_empty());
    }

    #[test]
    fn array_items_and_escaped_keys() {
        let before = json!({"type": "array", "items": {"type": "object", "properties": {"a/b~c": {"type": "string"}}}});
        let after = json!({"type": "array", "items": {"type": "object", "properties": {}}});
        assert_eq!(
            changes(before, after),
            [(
                "/items/properties/a~1b~0c".to_owned(),
                BreakingKind::PropertyRemoved
            )]
        );
    }

    #[test]
    fn specs_compare_all_three_schemas() {
        let before =
            json!({"input_schema": base(), "output_schema": base(), "config_schema": null});
        let mut after = before.clone();
        after["output_schema"]["properties"]
            .as_object_mut()
            .expect("test value")
            .remove("timeout");
        after["config_schema"] = json!({"type": "object"});
        let d = diff_specs(&before, &after);
        assert!(d.changed);
        assert_eq!(
            d.breaking,
            [BreakingChange {
                schema: "output_schema".into(),
                path: "/properties/timeout".into(),
                change: BreakingKind::PropertyRemoved,
            }]
        );
        assert!(!diff_specs(&before, &before).changed);
    }
}
