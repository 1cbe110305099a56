//! The workflow template kind: its spec, the node/edge graph every
//! workflow carries, and the input schema of advanced templates.

use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::bounds::{Description, DisplayName, ShortName};
use crate::model::listing::{parse_tags, wire_enum};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

wire_enum!(TemplateType, "template_type", {
    Legacy => "legacy", Advanced => "advanced", Industry => "industry",
});

wire_enum!(Complexity, "complexity", {
    Beginner => "Beginner", Intermediate => "Intermediate", Advanced => "Advanced",
});

impl TemplateType {
    pub fn label(self) -> &'static str {
        match self {
            TemplateType::Legacy => "Legacy",
            TemplateType::Advanced => "Advanced",
            TemplateType::Industry => "Industry",
        }
    }
}

pub const MAX_NODES: usize = 500;
pub const MAX_EDGES: usize = 2_000;
/// Deepest nesting a node's config may have: hostile files cannot make
/// later readers recurse without bound.
pub const MAX_DEPTH: usize = 16;
const MAX_LIST: usize = 50;

/// A workflow's graph: nodes with unique string ids, edges between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowGraph {
    /// Objects with unique `id`s.
    #[schema(value_type = Vec<Object>)]
    pub nodes: Vec<Value>,
    /// Objects whose `source` and `target` name nodes.
    #[schema(value_type = Vec<Object>)]
    pub edges: Vec<Value>,
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn graph_error(message: impl Into<String>) -> MarketError {
    MarketError::new(ErrorCode::ValidationError, message.into())
        .with_details(json!({ "field": "workflow" }))
}

impl WorkflowGraph {
    /// Checks shape, sizes, id uniqueness and that edges join known nodes.
    pub fn parse(nodes: &Value, edges: &Value) -> MarketResult<Self> {
        let nodes = match nodes {
            Value::Null => Vec::new(),
            Value::Array(a) => a.clone(),
            _ => return Err(graph_error("'nodes' must be a list")),
        };
        let edges = match edges {
            Value::Null => Vec::new(),
            Value::Array(a) => a.clone(),
            _ => return Err(graph_error("'edges' must be a list")),
        };
        if nodes.len() > MAX_NODES || edges.len() > MAX_EDGES {
            return Err(graph_error(format!(
                "At most {MAX_NODES} nodes and {MAX_EDGES} edges"
            )));
        }
        let mut ids = HashSet::new();
        for (i, n) in nodes.iter().enumerate() {
            let id = n
                .get("id")
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty() && s.len() <= 100)
                .ok_or_else(|| {
                    graph_error(format!("Node {i} needs an 'id' of 1 to 100 characters"))
                })?;
            if !n.is_object() || depth(n) > MAX_DEPTH {
                return Err(graph_error(format!(
                    "Node {i} must be an object nested at most {MAX_DEPTH} levels"
                )));
            }
            if !ids.insert(id.clone()) {
                return Err(graph_error(format!("Duplicate node id '{id}'")));
            }
        }
        for (i, e) in edges.iter().enumerate() {
            let end = |key: &str| {
                e.get(key).and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            let (Some(source), Some(target)) = (end("source"), end("target")) else {
                return Err(graph_error(format!("Edge {i} needs 'source' and 'target'")));
            };
            if depth(e) > MAX_DEPTH {
                return Err(graph_error(format!("Edge {i} is nested too deeply")));
            }
            if !ids.contains(&source) || !ids.contains(&target) {
                return Err(graph_error(format!(
                    "Edge {i} joins '{source}' to '{target}', which is not a known node"
                )));
            }
        }
        Ok(WorkflowGraph { nodes, edges })
    }
}

/// One user input an advanced template asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InputField {
    pub name: String,
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::input_type)]
    pub field_type: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = schemas::any_value)]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

pub const INPUT_TYPES: [&str; 10] = [
    "text",
    "string",
    "textarea",
    "email",
    "url",
    "number",
    "integer",
    "boolean",
    "select",
    "multiselect",
];

/// Parses a template's `input_schema` (a list of fields).
pub fn parse_input_schema(raw: &Value) -> MarketResult<Vec<InputField>> {
    if raw.is_null() {
        return Ok(Vec::new());
    }
    let fields: Vec<InputField> = serde_json::from_value(raw.clone()).map_err(|e| {
        MarketError::validation("input_schema", format!("A list of input fields: {e}"))
    })?;
    if fields.len() > MAX_LIST {
        return Err(MarketError::validation(
            "input_schema",
            format!("At most {MAX_LIST} fields"),
        ));
    }
    let mut seen = HashSet::new();
    for f in &fields {
        let valid_name = !f.name.is_empty()
            && f.name.len() <= 64
            && f.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name || !seen.insert(f.name.clone()) {
            return Err(MarketError::validation(
                "input_schema",
                format!("Field names are unique identifiers (got '{}')", f.name),
            ));
        }
        if !INPUT_TYPES.contains(&f.field_type.as_str()) {
            return Err(crate::model::account::invalid_enum(
                "input_schema.type",
                &f.field_type,
                &INPUT_TYPES,
            ));
        }
    }
    Ok(fields)
}

/// Every way `inputs` fails the schema; empty when they fit.
pub fn input_errors(schema: &[InputField], inputs: &Map<String, Value>) -> Vec<Value> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| {
        errors.push(json!({ "field": field, "message": message }));
    };
    for f in schema {
        let Some(v) = inputs.get(&f.name).filter(|v| !v.is_null()) else {
            if f.required && f.default.is_none() {
                fail(&f.name, "is required".into());
            }
            continue;
        };
        let in_options = |v: &Value| f.options.as_ref().is_none_or(|o| o.contains(v));
        let ok = match f.field_type.as_str() {
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            "email" => v
                .as_str()
                .is_some_and(|s| s.contains('@') && !s.starts_with('@') && !s.ends_with('@')),
            "url" => v
                .as_str()
                .is_some_and(|s| s.starts_with("https://") || s.starts_with("http://")),
            "select" => v.is_string() && in_options(v),
            "multiselect" => v
                .as_array()
                .is_some_and(|a| a.iter().all(|x| x.is_string() && in_options(x))),
            _ => v.as_str().is_some_and(|s| s.chars().count() <= 10_000),
        };
        if !ok {
            let expected = match (f.field_type.as_str(), &f.options) {
                ("select" | "multiselect", Some(o)) => {
                    format!("must be {} of {}", f.field_type, Value::Array(o.clone()))
                }
                (t, _) => format!("must be a valid {t}"),
            };
            fail(&f.name, expected);
        }
    }
    for k in inputs.keys() {
        if !schema.iter().any(|f| &f.name == k) {
            fail(k, "is not an input of this template".into());
        }
    }
    errors
}

/// A step of an advanced template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = WorkflowStep)]
pub struct Step {
    pub step_id: String,
    pub name: String,
    #[serde(default)]
    pub step_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

pub fn parse_steps(raw: &Value) -> MarketResult<Vec<Step>> {
    if raw.is_null() {
        return Ok(Vec::new());
    }
    let steps: Vec<Step> = serde_json::from_value(raw.clone())
        .map_err(|e| MarketError::validation("steps", format!("A list of steps: {e}")))?;
    if steps.len() > MAX_LIST * 2 {
        return Err(MarketError::validation("steps", "At most 100 steps"));
    }
    let mut seen = HashSet::new();
    for s in &steps {
        if s.step_id.trim().is_empty() || s.step_id.len() > 100 || !seen.insert(s.step_id.clone()) {
            return Err(MarketError::validation(
                "steps",
                format!(
                    "Step ids are unique and 1 to 100 characters (got '{}')",
                    s.step_id
                ),
            ));
        }
    }
    Ok(steps)
}

/// Everything a workflow template's listing keeps in its spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkflowSpec {
    pub template_type: String,
    pub author: String,
    pub version: String,
    pub integrations: Vec<String>,
    pub complexity: String,
    pub industry: Option<String>,
    pub estimated_duration: u32,
    pub multi_step_support: bool,
    pub pause_resume_support: bool,
    pub workflow_data: WorkflowGraph,
    pub input_schema: Vec<InputField>,
    pub steps: Vec<Step>,
    pub prerequisites: Vec<String>,
    pub use_cases: Vec<String>,
    pub benefits: Vec<String>,
}

/// `POST /api/marketplace/templates/advanced`. Node ids must be unique and
/// edges must join known nodes, input fields and steps have their own
/// rules: JSON Schema cannot say all that, so the document names a narrower
/// shape that is always accepted (no graph, no inputs, no steps).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AdvancedTemplateInput {
    #[schema(schema_with = schemas::template_id)]
    pub id: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = schemas::display_name)]
    pub name: String,
    #[schema(schema_with = schemas::description)]
    pub description: Option<String>,
    #[schema(schema_with = schemas::short_name)]
    pub category: Option<String>,
    #[schema(schema_with = schemas::display_name)]
    pub author: Option<String>,
    #[schema(schema_with = schemas::version)]
    pub version: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::list)]
    pub integrations: Vec<String>,
    #[schema(schema_with = schemas::complexity)]
    pub complexity: Option<String>,
    #[schema(schema_with = schemas::short_name)]
    pub industry: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::tags)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::input_schema)]
    pub input_schema: Value,
    #[serde(default)]
    #[schema(schema_with = schemas::steps)]
    pub steps: Value,
    #[serde(default, deserialize_with = "crate::model::account::whole_number")]
    #[schema(schema_with = schemas::estimated_duration)]
    pub estimated_duration: Option<u32>,
    #[serde(default)]
    #[schema(schema_with = schemas::list)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::list)]
    pub use_cases: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::list)]
    pub benefits: Vec<String>,
    #[serde(default)]
    #[schema(ignore)]
    pub nodes: Value,
    #[serde(default)]
    #[schema(ignore)]
    pub edges: Value,
}

/// The bounds of the workflow requests, each as the parsers here accept it.
pub mod schemas {
    use super::{Complexity, TemplateType, INPUT_TYPES};
    use crate::model::schema::{self, of};
    use serde_json::json;
    use utoipa::openapi::{RefOr, Schema};

    pub fn template_id() -> RefOr<Schema> {
        of(json!({"type": "string", "pattern": "^tmpl_[a-z0-9_.-]{1,60}$"}))
    }
    pub fn display_name() -> RefOr<Schema> {
        of(crate::model::bounds::DisplayName::schema())
    }
    pub fn short_name() -> RefOr<Schema> {
        of(crate::model::bounds::ShortName::schema())
    }
    pub fn description() -> RefOr<Schema> {
        of(crate::model::bounds::Description::schema())
    }
    pub fn version() -> RefOr<Schema> {
        of(json!({"type": "string", "pattern": "^[0-9][0-9.]{0,10}$"}))
    }
    pub fn list() -> RefOr<Schema> {
        of(
            json!({"type": "array", "maxItems": super::MAX_LIST, "items": crate::model::bounds::DisplayName::schema()}),
        )
    }
    pub fn complexity() -> RefOr<Schema> {
        of(schema::one_of(Complexity::ALL, Complexity::as_str))
    }
    pub fn template_type() -> RefOr<Schema> {
        of(schema::one_of(TemplateType::ALL, TemplateType::as_str))
    }
    pub fn input_type() -> RefOr<Schema> {
        of(json!({"type": "string", "enum": INPUT_TYPES}))
    }
    pub fn tags() -> RefOr<Schema> {
        of(schema::tags())
    }
    /// Any JSON value but `null` (spelt out: utoipa's model cannot read `{}`).
    pub fn any_value() -> RefOr<Schema> {
        of(json!({"type": ["string", "number", "boolean", "array", "object"]}))
    }
    pub fn estimated_duration() -> RefOr<Schema> {
        of(json!({"type": "integer", "minimum": 0, "maximum": 100000}))
    }
    pub fn input_schema() -> RefOr<Schema> {
        of(json!({
            "type": "array",
            "maxItems": 0,
            "items": {"type": "object"},
            "description": "Input fields {name, type, label?, required?, options?}; see the reference",
        }))
    }
    pub fn steps() -> RefOr<Schema> {
        of(json!({
            "type": "array",
            "maxItems": 0,
            "items": {"type": "object"},
            "description": "Steps {step_id (unique), name, ...}; see the reference",
        }))
    }
    /// A workflow document's graph. Node ids must be unique and edges must
    /// join known nodes, which JSON Schema cannot say: one node, no edges.
    pub fn document_nodes() -> RefOr<Schema> {
        of(json!({
            "type": "array",
            "maxItems": 1,
            "description": "Objects with unique 'id's (at most 500, nested at most 16 levels)",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": schema::name(100), "type": schema::text(50)},
                "additionalProperties": false,
            },
        }))
    }
    pub fn document_edges() -> RefOr<Schema> {
        of(json!({
            "type": "array",
            "maxItems": 0,
            "items": {"type": "object"},
            "description": "Objects whose 'source' and 'target' name nodes (at most 2000)",
        }))
    }
}

/// A template's string id: letters, digits, `_ . -`, 1 to 100 characters,
/// and never a UUID (those name listings already).
pub fn parse_template_id(raw: &str) -> MarketResult<String> {
    let id = raw.trim();
    let valid = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && uuid::Uuid::parse_str(id).is_err();
    if valid {
        Ok(id.to_owned())
    } else {
        Err(MarketError::validation(
            "id",
            "Use 1 to 100 letters, digits, '_', '.' or '-'",
        ))
    }
}

fn parse_list(field: &str, raw: &[String]) -> MarketResult<Vec<String>> {
    if raw.len() > MAX_LIST {
        return Err(MarketError::validation(
            field,
            format!("At most {MAX_LIST} entries"),
        ));
    }
    raw.iter()
        .map(|s| DisplayName::parse(field, s).map(DisplayName::into_string))
        .collect()
}

/// The listing fields and spec of a template, validated.
pub struct ParsedTemplate {
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub spec: WorkflowSpec,
}

impl AdvancedTemplateInput {
    pub fn parse(&self, template_type: TemplateType) -> MarketResult<ParsedTemplate> {
        let complexity = match self.complexity.as_deref() {
            Some(c) => Complexity::parse(c)?,
            None => Complexity::Intermediate,
        };
        let steps = parse_steps(&self.steps)?;
        Ok(ParsedTemplate {
            external_id: self.id.as_deref().map(parse_template_id).transpose()?,
            name: DisplayName::parse("name", &self.name)?.into_string(),
            description: Description::parse("description", self.description.as_deref())?
                .into_string(),
            category: self
                .category
                .as_deref()
                .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
                .transpose()?,
            tags: parse_tags(&self.tags)?,
            spec: WorkflowSpec {
                template_type: template_type.as_str().to_owned(),
                author: match self.author.as_deref() {
                    Some(a) => DisplayName::parse("author", a)?.into_string(),
                    None => String::new(),
                },
                version: crate::model::component::parse_version(self.version.as_deref())?,
                integrations: parse_list("integrations", &self.integrations)?,
                complexity: complexity.as_str().to_owned(),
                industry: self
                    .industry
                    .as_deref()
                    .map(|i| ShortName::parse("industry", i).map(ShortName::into_string))
                    .transpose()?,
                estimated_duration: self.estimated_duration.unwrap_or(0),
                multi_step_support: steps.len() > 1,
                pause_resume_support: false,
                workflow_data: WorkflowGraph::parse(&self.nodes, &self.edges)?,
                input_schema: parse_input_schema(&self.input_schema)?,
                steps,
                prerequisites: parse_list("prerequisites", &self.prerequisites)?,
                use_cases: parse_list("use_cases", &self.use_cases)?,
                benefits: parse_list("benefits", &self.benefits)?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_checks_ids_and_edges() {
        let nodes = json!([{"id": "1", "type": "trigger"}, {"id": "2", "type": "action"}]);
        assert!(WorkflowGraph::parse(&nodes, &json!([{"source": "1", "target": "2"}])).is_ok());
        assert!(WorkflowGraph::parse(&nodes, &json!([{"source": "1", "target": "9"}])).is_err());
        assert!(WorkflowGraph::parse(&json!([{"id": "1"}, {"id": "1"}]), &json!([])).is_err());
        assert!(WorkflowGraph::parse(&json!([{"type": "x"}]), &json!([])).is_err());
        assert!(WorkflowGraph::parse(&json!("nodes"), &json!([])).is_err());
        let mut deep = json!(1);
        for _ in 0..40 {
            deep = json!({ "a": deep });
        }
        assert!(WorkflowGraph::parse(&json!([{"id": "1", "config": deep}]), &json!([])).is_err());
    }

    #[test]
    fn inputs_are_checked_against_the_schema() {
        let schema = parse_input_schema(&json!([
            {"name": "data_source", "type": "select", "label": "Data Source", "required": true,
             "options": ["gmail", "outlook"]},
            {"name": "count", "type": "integer"},
        ]))
        .expect("schema");
        let ok = json!({"data_source": "gmail", "count": 3});
        assert!(input_errors(&schema, ok.as_object().expect("object")).is_empty());
        let bad = json!({"count": "three", "extra": 1});
        let errors = input_errors(&schema, bad.as_object().expect("object"));
        let fields: Vec<&str> = errors.iter().filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(fields, ["data_source", "count", "extra"]);
        let wrong_option = json!({"data_source": "fax"});
        assert_eq!(
            input_errors(&schema, wrong_option.as_object().expect("object")).len(),
            1
        );
        assert!(parse_input_schema(&json!([{"name": "x", "type": "colour"}])).is_err());
        assert!(parse_input_schema(&json!([{"name": "a b", "type": "text"}])).is_err());
    }

    #[test]
    fn template_ids_are_not_uuids() {
        assert!(parse_template_id("tmpl_email_summarizer").is_ok());
        assert!(parse_template_id("0190e0b4-7c1a-7000-8000-000000000000").is_err());
        assert!(parse_template_id("has space").is_err());
    }
}

/// One of a tenant's workspace workflows as the services hand it out.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WorkflowRecord {
    pub id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub template_id: Option<uuid::Uuid>,
    pub name: String,
    pub description: String,
    pub source: String,
    pub nodes: Value,
    pub edges: Value,
    pub definition: Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A workflow as the workspace list shows it: the stored node count
/// instead of the graph.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WorkflowSummary {
    pub id: uuid::Uuid,
    pub template_id: Option<uuid::Uuid>,
    pub name: String,
    pub description: String,
    pub source: String,
    pub node_count: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
