//! The canvas component kind's spec: code, config schema and the assets a
//! canvas needs to render it.

use crate::error::{MarketError, MarketResult};
use crate::model::bounds::{Description, DisplayName, ShortName};
use crate::model::listing::{
    check_schema_shape, parse_optional_text, parse_price, parse_tags, parse_url, MAX_CODE,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A component's type. The reference gives examples (`component`, `widget`,
/// ...), not a closed set, and the marketplace lists canvases too: any
/// lowercase identifier of at most [`ComponentType::MAX_LEN`] characters
/// (`^[a-z][a-z0-9_-]{0,39}$`, see `schema::component_type`) is a type.
/// [`ComponentType::KNOWN`] are the ones forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ComponentType(String);

impl ComponentType {
    pub const KNOWN: &'static [&'static str] = &[
        "component",
        "widget",
        "layout",
        "chart",
        "form",
        "template",
        "canvas",
    ];
    pub const MAX_LEN: usize = 40;
    pub const DEFAULT: &'static str = "component";

    /// Exactly the documented pattern. A JSON Schema `$` also matches before
    /// one final newline (as Python's `re` reads it), so that one is dropped.
    pub fn parse(raw: &str) -> MarketResult<Self> {
        let s = raw.strip_suffix('\n').unwrap_or(raw);
        let mut chars = s.chars();
        let well_formed = s.len() <= Self::MAX_LEN
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(MarketError::validation(
                "component_type",
                format!(
                    "A lowercase identifier: a letter, then letters, digits, '_' or '-', at most {} characters (e.g. {})",
                    Self::MAX_LEN,
                    Self::KNOWN.join(", ")
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ComponentType {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

const MAX_DEPENDENCIES: usize = 50;

/// What `POST /api/canvas-marketplace/components` accepts.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ComponentInput {
    #[serde(default)]
    #[schema(required = true, schema_with = schemas::display_name)]
    pub name: String,
    #[schema(schema_with = schemas::description)]
    pub description: Option<String>,
    #[schema(schema_with = schemas::short_name)]
    pub category: Option<String>,
    #[schema(schema_with = schemas::component_type)]
    pub component_type: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::tags)]
    pub tags: Vec<String>,
    #[schema(schema_with = schemas::version)]
    pub version: Option<String>,
    #[schema(schema_with = schemas::code)]
    pub code: Option<String>,
    #[schema(schema_with = schemas::config_schema)]
    pub config_schema: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = schemas::dependencies)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::dependencies)]
    pub css_dependencies: Vec<String>,
    #[schema(schema_with = schemas::url)]
    pub thumbnail_url: Option<String>,
    #[schema(schema_with = schemas::url)]
    pub preview_url: Option<String>,
    #[schema(schema_with = schemas::url)]
    pub demo_url: Option<String>,
    #[schema(schema_with = schemas::price)]
    pub price: Option<f64>,
    #[schema(schema_with = schemas::short_name)]
    pub license: Option<String>,
}

/// The bounds of the component requests, each as the parsers below accept it.
pub mod schemas {
    use crate::model::schema::{self, of};
    use utoipa::openapi::{RefOr, Schema};

    pub fn display_name() -> RefOr<Schema> {
        of(crate::model::bounds::DisplayName::schema())
    }
    pub fn short_name() -> RefOr<Schema> {
        of(crate::model::bounds::ShortName::schema())
    }
    pub fn description() -> RefOr<Schema> {
        of(crate::model::bounds::Description::schema())
    }
    pub fn code() -> RefOr<Schema> {
        of(schema::text(200_000))
    }
    pub fn component_type() -> RefOr<Schema> {
        of(schema::component_type())
    }
    pub fn tags() -> RefOr<Schema> {
        of(schema::tags())
    }
    pub fn version() -> RefOr<Schema> {
        of(serde_json::json!({"type": "string", "pattern": "^[0-9][0-9A-Za-z.+_-]{0,30}$"}))
    }
    pub fn config_schema() -> RefOr<Schema> {
        of(schema::nested_schema())
    }
    pub fn dependencies() -> RefOr<Schema> {
        of(
            serde_json::json!({"type": "array", "maxItems": super::MAX_DEPENDENCIES, "items": crate::model::bounds::DisplayName::schema()}),
        )
    }
    pub fn url() -> RefOr<Schema> {
        of(schema::url())
    }
    pub fn price() -> RefOr<Schema> {
        of(schema::price())
    }
    pub fn id() -> RefOr<Schema> {
        of(schema::id())
    }
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
    raw.iter()
        .map(|d| DisplayName::parse(field, d).map(DisplayName::into_string))
        .collect()
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
            None => ComponentType::default(),
        };
        Ok(ParsedComponent {
            name: DisplayName::parse("name", &self.name)?.into_string(),
            description: Description::parse("description", self.description.as_deref())?
                .into_string(),
            category: self
                .category
                .as_deref()
                .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
                .transpose()?,
            tags: parse_tags(&self.tags)?,
            price: parse_price("price", self.price)?,
            license: self
                .license
                .as_deref()
                .map(|l| ShortName::parse("license", l).map(ShortName::into_string))
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

/// The `component_type` filter: any well-formed type (none matches
/// nothing; a malformed one is a `400`).
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
        for t in ["canvas", "gadget", "a", "data-grid_2", "canvas\n"] {
            let typed = ComponentInput {
                name: "x".into(),
                component_type: Some(t.into()),
                ..Default::default()
            };
            assert_eq!(
                typed.parse().ok().map(|c| c.spec.component_type),
                Some(t.trim_end().to_owned()),
                "{t:?}"
            );
        }
        let long = "a".repeat(ComponentType::MAX_LEN);
        assert!(ComponentType::parse(&long).is_ok());
        for t in [
            "",
            "Canvas",
            "1chart",
            "-x",
            " canvas",
            "canvas ",
            "ca nvas",
            "é",
            &format!("{long}a"),
        ] {
            let bad_type = ComponentInput {
                name: "x".into(),
                component_type: Some(t.into()),
                ..Default::default()
            };
            assert_eq!(
                bad_type.parse().err().map(|e| e.code),
                Some(crate::error::ErrorCode::ValidationError),
                "{t:?}"
            );
        }
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

/// One of a tenant's canvases as the services hand it out.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CanvasRecord {
    pub id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A component placed on a canvas: which listing, at which version, when.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PlacedComponent {
    pub listing_id: uuid::Uuid,
    pub name: String,
    pub version: Option<String>,
    pub installed_at: chrono::DateTime<chrono::Utc>,
}
