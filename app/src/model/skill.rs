//! What clients send to create, submit and publish skills.

use crate::model::listing::PackageRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A skill as `POST /api/v1/skills/private` and
/// `POST /api/public/v1/marketplace/submit` accept it. Unknown fields are
/// ignored; protected ones (status, rating, installs, tenant) are not read.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SkillInput {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub skill_type: Option<String>,
    #[serde(default)]
    pub input_schema: Option<Value>,
    #[serde(default)]
    pub output_schema: Option<Value>,
    #[serde(default)]
    pub config: Option<Value>,
    #[serde(default)]
    pub config_schema: Option<Value>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub long_description: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub repository_url: Option<String>,
    #[serde(default)]
    pub python_packages: Vec<PackageRef>,
    #[serde(default)]
    pub npm_packages: Vec<PackageRef>,
    #[serde(default)]
    pub risk_level: Option<String>,
}

/// `POST /api/skills/publish`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PublishSkill {
    pub skill_id: String,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub long_description: Option<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
}

/// `POST /api/skills/install` and `POST /api/v1/skills/private/install`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InstallSkill {
    pub listing_id: String,
    #[serde(default)]
    pub agent_id: Option<String>,
    #[serde(default)]
    pub config_overrides: Option<Value>,
    #[serde(default)]
    pub install_dependencies: Option<bool>,
}

/// `PUT /api/v1/skills/private/{skill_id}`: an installed copy reads
/// `name`, `description`, `config_overrides` and `environment_vars`; the
/// tenant's own skill reads `name`, `description` and the content fields
/// after them. Absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CustomizeSkill {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub config_overrides: Option<Value>,
    #[serde(default)]
    pub environment_vars: Option<Value>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub input_schema: Option<Value>,
    #[serde(default)]
    pub output_schema: Option<Value>,
    #[serde(default)]
    pub config_schema: Option<Value>,
    #[serde(default)]
    pub config: Option<Value>,
    #[serde(default)]
    pub python_packages: Option<Vec<PackageRef>>,
    #[serde(default)]
    pub npm_packages: Option<Vec<PackageRef>>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RateRequest {
    pub rating: f64,
    #[serde(default)]
    pub review: Option<String>,
}
