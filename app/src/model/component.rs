//! The canvas component kind's spec: code, config schema and the assets a
//! canvas needs to render it.

use crate::error::{MarketError, MarketResult};
use crate::model::account::parse_name;
use crate::model::listing::{
    check_schema_shape, parse_optional_text, parse_price, parse_tags, parse_url, wire_enum,
    MAX_CODE,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

wire_enum!(ComponentType, "component_type", {
    Component => "component", Widget => "widget", Layout => "layout",
    Chart => "chart", Form => "form", Template => "template",
});

const MAX_DEPENDENCIES: usize = 50;

/// What `POST /api/canvas-marketplace/components` accepts.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ComponentInput {
    #[serde(default)]
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub component_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub version: Option<String>,
    pub code: Option<String>,
    pub config_schema: Option<Value>,
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    pub css_dependencies: Vec<String>,
    pub thumbnail_url: Option<String>,
    pub preview_url: Option<String>,
    pub demo_url: Option<String>,
    pub price: Option<f64>,
    pub license: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    pub component_type: String,
    pub version: String,
    pub code: String,
    pub config_schema: Value,
    pub dependencies: Vec<String>,
    pub css_dependencies: Vec<String>,
    pub thumbnail_url: Option<String>,
    pub preview_url: Option<String>,
    pub demo_url: Option<String>,
}

/// A component's validated listing fields and spec.
pub struct ParsedComponent {
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: f64,
    pub license: Option<String>,
    pub spec: ComponentSpec,
}

fn parse_dependencies(field: &str, raw: &[String]) -> MarketResult<Vec<String>> {
    if raw.len() > MAX_DEPENDENCIES {
        return Err(MarketError::validation(
            field,
            format!("At most {MAX_DEPENDENCIES} entries"),
        ));
    }
    raw.iter().map(|d| parse_name(field, d, 200)).collect()
}

/// A semantic-ish version: digits and dots, optionally a suffix.
pub fn parse_version(raw: Option<&str>) -> MarketResult<String> {
    let v = raw
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("1.0.0");
    let valid = v.len() <= 64
        && v.chars().next().is_some_and(|c| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c));
    if valid {
        Ok(v.to_owned())
    } else {
        Err(MarketError::new(
            crate::error::ErrorCode::InvalidVersion,
            "Invalid version format",
        )
        .with_details(serde_json::json!({ "field": "version", "value": v })))
    }
}

impl ComponentInput {
    pub fn parse(&self) -> MarketResult<ParsedComponent> {
        let config_schema = self.config_schema.clone().unwrap_or(Value::Null);
        check_schema_shape("config_schema", &config_schema)?;
        #[cfg(feature = "ssr")]
        if !config_schema.is_null() && jsonschema::validator_for(&config_schema).is_err() {
            return Err(MarketError::validation(
                "config_schema",
                "Not a valid JSON Schema",
            ));
        }
        let component_type = match self.component_type.as_deref() {
            Some(t) => ComponentType::parse(t)?,
            None => ComponentType::Component,
        };
        Ok(ParsedComponent {
            name: parse_name("name", &self.name, 200)?,
            description: parse_optional_text("description", self.description.as_deref(), 2000)?,
            category: self
                .category
                .as_deref()
                .map(|c| parse_name("category", c, 100))
                .transpose()?,
            tags: parse_tags(&self.tags)?,
            price: parse_price("price", self.price)?,
            license: self
                .license
                .as_deref()
                .map(|l| parse_name("license", l, 100))
                .transpose()?,
            spec: ComponentSpec {
                component_type: component_type.as_str().to_owned(),
                version: parse_version(self.version.as_deref())?,
                code: parse_optional_text("code", self.code.as_deref(), MAX_CODE)?,
                config_schema,
                dependencies: parse_dependencies("dependencies", &self.dependencies)?,
                css_dependencies: parse_dependencies("css_dependencies", &self.css_dependencies)?,
                thumbnail_url: parse_url("thumbnail_url", self.thumbnail_url.as_deref())?,
                preview_url: parse_url("preview_url", self.preview_url.as_deref())?,
                demo_url: parse_url("demo_url", self.demo_url.as_deref())?,
            },
        })
    }
}

/// The `component_type` filter, checked against the known types.
pub fn component_type_filter(raw: Option<&str>) -> MarketResult<Option<String>> {
    raw.map(|t| ComponentType::parse(t).map(|t| t.as_str().to_owned()))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_rejections() {
        let ok = ComponentInput {
            name: " Data Table ".into(),
            ..Default::default()
        }
        .parse()
        .expect("minimal component");
        assert_eq!(ok.name, "Data Table");
        assert_eq!(ok.spec.component_type, "component");
        assert_eq!(ok.spec.version, "1.0.0");
        let bad_type = ComponentInput {
            name: "x".into(),
            component_type: Some("gadget".into()),
            ..Default::default()
        };
        assert_eq!(
            bad_type.parse().err().map(|e| e.code),
            Some(crate::error::ErrorCode::InvalidEnumValue)
        );
        let bad_url = ComponentInput {
            name: "x".into(),
            demo_url: Some("javascript:alert(1)".into()),
            ..Default::default()
        };
        assert!(bad_url.parse().is_err());
        assert!(parse_version(Some("v1")).is_err());
        assert_eq!(
            parse_version(Some("2.1.0-beta")).ok().as_deref(),
            Some("2.1.0-beta")
        );
    }
}
