//! The reference's wire shapes for skills, built from engine rows.

use app::backend::db::listings::ListingRow;
use app::backend::db::reviews::ReviewRow;
use app::backend::services::listings::Rated;
use app::backend::services::skills::InstallPlan;
use app::error::MarketError;
use app::model::listing::SkillSpec;
use app::model::listing::SkillType;
use serde_json::{json, Value};

/// A whole-number rating as an integer (`5`, not `5.0`); halves stay floats.
pub fn rating_value(r: f64) -> Value {
    if r.fract() == 0.0 && (0.0..=5.0).contains(&r) {
        json!(r as i64)
    } else {
        json!(r)
    }
}

fn skill_type(row: &ListingRow) -> Value {
    row.spec.get("skill_type").cloned().unwrap_or(Value::Null)
}

/// `GET /api/skills/marketplace` items.
pub fn marketplace_item(row: &ListingRow) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "category": row.category,
        "skill_type": skill_type(row),
        "price": row.price,
        "rating": row.rating(),
        "rating_count": row.rating_count,
        "installs": row.installs,
        "tags": row.tags,
        "is_approved": row.status == "approved",
        "created_at": row.created_at,
    })
}

/// `GET /api/public/v1/marketplace/skills` items.
pub fn public_item(row: &ListingRow) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "category": row.category,
        "skill_type": skill_type(row),
        "price": row.price,
        "is_free": row.price == 0.0,
        "rating": row.rating(),
        "rating_count": row.rating_count,
        "installs": row.installs,
        "tags": row.tags,
        "created_at": row.created_at,
    })
}

/// `GET /api/public/v1/marketplace/skills/{id}`.
pub fn public_detail(row: &ListingRow, spec: &SkillSpec, recent: &[ReviewRow]) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "long_description": row.long_description,
        "category": row.category,
        "skill_type": spec.skill_type,
        "input_schema": spec.input_schema,
        "output_schema": spec.output_schema,
        "config": spec.config,
        "price": row.price,
        "is_free": row.price == 0.0,
        "rating": row.rating(),
        "rating_count": row.rating_count,
        "installs": row.installs,
        "tags": row.tags,
        "license": row.license,
        "documentation_url": spec.documentation_url,
        "repository_url": spec.repository_url,
        "python_packages": spec.python_packages,
        "npm_packages": spec.npm_packages,
        "recent_reviews": recent.iter().map(|r| json!({
            "rating": rating_value(r.rating),
            "review": r.review,
            "created_at": r.created_at,
        })).collect::<Vec<_>>(),
        "created_at": row.created_at,
    })
}

/// `GET /api/skills/{id}`: the public detail plus what a tenant needs to
/// install it (config schema, risk, lifecycle).
pub fn skill_detail(row: &ListingRow, spec: &SkillSpec) -> Value {
    let mut v = public_detail(row, spec, &[]);
    if let Some(o) = v.as_object_mut() {
        o.remove("recent_reviews");
        o.insert("config_schema".into(), spec.config_schema.clone());
        o.insert("risk_level".into(), json!(spec.risk_level));
        o.insert("status".into(), json!(row.status));
        o.insert("version".into(), json!(row.current_version));
        o.insert("active_installs".into(), json!(row.active_installs));
        o.insert("publisher_tenant_id".into(), json!(row.publisher_tenant_id));
        o.insert("rejection_reason".into(), json!(row.rejection_reason));
        o.insert("updated_at".into(), json!(row.updated_at));
    }
    v
}

/// The reference's answer to a rating, shared by both rate routes.
pub fn rated(r: &Rated) -> Value {
    json!({
        "success": true,
        "rating": rating_value(r.rating),
        "new_average": r.new_average,
        "total_ratings": r.total_ratings,
    })
}

/// The `skill_type` query filter as the engine's spec filter.
pub fn skill_type_filter(raw: Option<&str>) -> Result<Option<(&'static str, String)>, MarketError> {
    raw.map(|t| SkillType::parse(t).map(|t| ("skill_type", t.as_str().to_owned())))
        .transpose()
}

/// `packages_installed` of an install: what it added to the inventory and
/// what was there already.
pub fn packages_installed(plan: &InstallPlan) -> Vec<Value> {
    plan.packages
        .iter()
        .map(|p| {
            json!({
                "package_name": p.name,
                "package_type": p.package_type.as_str(),
                "version": p.version,
                "status": if p.status == "installed" { "already_installed" } else { "installed" },
            })
        })
        .collect()
}

/// A dry run's answer: the whole plan, every problem, nothing written.
pub fn install_plan(plan: &InstallPlan) -> Value {
    json!({
        "dry_run": true,
        "would_install": plan.problems.is_empty(),
        "skill_id": plan.listing.id,
        "agent_id": plan.agent.as_ref().map(|a| a.id),
        "already_installed": plan.already_installed,
        "quota": {
            "current": plan.quota_current,
            "limit": plan.quota_limit,
            "plan": plan.plan.as_str(),
            "after": plan.quota_current + i64::from(!plan.already_installed),
        },
        "governance": {
            "risk_level": plan.spec.risk_level,
            "required_maturity": plan.required_maturity,
            "agent_maturity": plan.agent.as_ref().map(|a| a.maturity.clone()),
            "approval_required": plan.approval_required,
            "approval_granted": plan.approval_granted,
        },
        "config": { "overrides": plan.config, "schema": plan.spec.config_schema },
        "packages": plan.packages.iter().map(|p| p.to_json()).collect::<Vec<_>>(),
        "errors": plan.problems.iter().map(|e| json!({
            "code": e.code,
            "message": e.message,
            "details": e.details,
        })).collect::<Vec<_>>(),
    })
}
