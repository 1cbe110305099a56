//! The skill kind: its spec (validated on the way in) and the install into
//! an agent. Lifecycle, search, ratings and versions are the engine's.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::installed_skills as installed;
use crate::backend::db::listings::Snapshot;
use crate::backend::db::{agents, installs};
use crate::backend::services::listings;
use crate::backend::services::packages::{self, PackagePlan};
use crate::backend::state::AppState;
use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::Plan;
use crate::model::agent::{AgentRecord, Maturity};
use crate::model::bounds::{Description, DisplayName, LongDescription, ShortName};
use crate::model::capability::Capabilities;
use crate::model::kind::ListingKind;
use crate::model::listing::Listing;
use crate::model::listing::PackageRef;
use crate::model::listing::{
    check_schema_shape, parse_optional_text, parse_packages, parse_price, parse_tags, parse_url,
    ListingStatus, RiskLevel, SkillSpec, SkillType, MAX_CODE,
};
use crate::model::package::PackageType;
use crate::model::skill::InstalledSkill;
use crate::model::skill::{CustomizeSkill, PublishSkill, SkillInput};
use serde_json::Value;
use uuid::Uuid;

const KIND: ListingKind = ListingKind::Skill;

/// Validates a submitted skill into the engine's fields.
pub fn fields(input: &SkillInput) -> MarketResult<Snapshot> {
    let name = DisplayName::parse("name", &input.name)?.into_string();
    let skill_type = match input.skill_type.as_deref() {
        Some(t) => SkillType::parse(t)?,
        None => {
            return Err(MarketError::new(
                ErrorCode::MissingRequiredField,
                "Field 'skill_type' is required",
            )
            .with_details(serde_json::json!({ "field": "skill_type" })))
        }
    };
    let risk_level = match input.risk_level.as_deref() {
        Some(r) => RiskLevel::parse(r)?,
        None => RiskLevel::Low,
    };
    let input_schema = input.input_schema.clone().unwrap_or(Value::Null);
    let output_schema = input.output_schema.clone().unwrap_or(Value::Null);
    let config_schema = input.config_schema.clone().unwrap_or(Value::Null);
    check_schema_shape("input_schema", &input_schema)?;
    check_schema_shape("output_schema", &output_schema)?;
    check_schema_shape("config_schema", &config_schema)?;
    if !config_schema.is_null() {
        jsonschema::validator_for(&config_schema).map_err(|e| {
            MarketError::validation("config_schema", format!("Not a valid JSON Schema: {e}"))
        })?;
    }
    let config = input.config.clone().unwrap_or(Value::Null);
    if !(config.is_null() || config.is_object()) {
        return Err(MarketError::validation("config", "Must be a JSON object"));
    }
    let code = parse_optional_text("code", input.code.as_deref(), MAX_CODE)?;
    let spec = SkillSpec {
        skill_type,
        input_schema,
        output_schema,
        config,
        config_schema,
        code,
        python_packages: parse_packages("python_packages", &input.python_packages)?,
        npm_packages: parse_packages("npm_packages", &input.npm_packages)?,
        documentation_url: parse_url("documentation_url", input.documentation_url.as_deref())?,
        repository_url: parse_url("repository_url", input.repository_url.as_deref())?,
        risk_level,
        capabilities: Capabilities::parse(&input.capabilities.clone().unwrap_or_default())?,
    };
    Ok(Snapshot {
        name,
        description: Description::parse("description", input.description.as_deref())?.into_string(),
        long_description: LongDescription::parse(
            "long_description",
            input.long_description.as_deref(),
        )?
        .into_string(),
        category: input
            .category
            .as_deref()
            .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
            .transpose()?,
        tags: parse_tags(&input.tags)?,
        price: parse_price("price", input.price)?,
        license: input
            .license
            .as_deref()
            .map(|l| ShortName::parse("license", l).map(ShortName::into_string))
            .transpose()?,
        spec: to_value(&spec)?,
    })
}

fn to_value(spec: &SkillSpec) -> MarketResult<Value> {
    serde_json::to_value(spec).map_err(|e| {
        tracing::error!(error = %e, "skill spec serialisation failed");
        MarketError::internal()
    })
}

/// The stored spec of a skill listing.
pub fn spec(row: &Listing) -> MarketResult<SkillSpec> {
    serde_json::from_value(row.spec.clone()).map_err(|e| {
        tracing::error!(error = %e, listing = %row.id, "stored skill spec unreadable");
        MarketError::internal()
    })
}

/// `POST /api/v1/skills/private`: a private draft.
pub async fn create_private(
    state: &AppState,
    principal: &Principal,
    input: &SkillInput,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    listings::create(state, principal, KIND, fields(input)?, ListingStatus::Draft).await
}

/// `POST /api/public/v1/marketplace/submit`: straight into review.
pub async fn submit_new(
    state: &AppState,
    principal: &Principal,
    input: &SkillInput,
) -> MarketResult<Listing> {
    principal.require(Permission::SkillManage)?;
    listings::create(
        state,
        principal,
        KIND,
        fields(input)?,
        ListingStatus::PendingApproval,
    )
    .await
}

/// `POST /api/skills/publish`: a private skill, with its marketplace
/// details, into review.
pub async fn publish(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    req: &PublishSkill,
) -> MarketResult<Listing> {
    let price = req
        .price
        .map(|p| parse_price("price", Some(p)))
        .transpose()?;
    let category = req
        .category
        .as_deref()
        .map(|c| ShortName::parse("category", c).map(ShortName::into_string))
        .transpose()?;
    let tags = req.tags.as_deref().map(parse_tags).transpose()?;
    let long_description = req
        .long_description
        .as_deref()
        .map(|d| {
            LongDescription::parse("long_description", Some(d)).map(LongDescription::into_string)
        })
        .transpose()?;
    let documentation_url = parse_url("documentation_url", req.documentation_url.as_deref())?;
    listings::submit(state, principal, KIND, id, |f| {
        if let Some(p) = price {
            f.price = p;
        }
        if category.is_some() {
            f.category = category;
        }
        if let Some(t) = tags {
            f.tags = t;
        }
        if let Some(d) = long_description {
            f.long_description = d;
        }
        if documentation_url.is_some() {
            if let Some(obj) = f.spec.as_object_mut() {
                obj.insert(
                    "documentation_url".into(),
                    serde_json::json!(documentation_url),
                );
            }
        }
        Ok(())
    })
    .await
}

/// Every error of a configuration against the skill's config schema.
pub fn check_config(schema: &Value, config: &Value) -> MarketResult<()> {
    if schema.is_null() {
        return if config.is_null() || config.is_object() {
            Ok(())
        } else {
            Err(MarketError::validation(
                "config_overrides",
                "Must be a JSON object",
            ))
        };
    }
    let validator = jsonschema::validator_for(schema).map_err(|e| {
        tracing::error!(error = %e, "stored config schema does not compile");
        MarketError::internal()
    })?;
    let errors: Vec<String> = validator
        .iter_errors(config)
        .flat_map(|e| config_error_messages(&e))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(MarketError::new(
        ErrorCode::ConfigSchemaInvalid,
        "Configuration schema does not match skill requirements.",
    )
    .with_details(serde_json::json!({
        "expected_schema": schema,
        "provided_config": config,
        "errors": errors,
    })))
}

/// How a property is named in a config error: a top-level one by its
/// name, a nested one (or an array item) by its JSON Pointer.
fn property_name(pointer: &str, child: Option<&str>) -> String {
    let child = child.map(|c| c.replace('~', "~0").replace('/', "~1"));
    let full = match child {
        Some(c) => format!("{pointer}/{c}"),
        None => pointer.to_owned(),
    };
    match full.strip_prefix('/') {
        Some(top) if !top.contains('/') => top.replace("~1", "/").replace("~0", "~"),
        _ => full,
    }
}

/// One config error as the reference words them, each naming the property
/// it is about ("Additional property 'invalid_field' not allowed", "Missing
/// required property 'timeout'", "Property 'timeout' must be of type
/// number"); an error about several properties is one entry per property.
fn config_error_messages(e: &jsonschema::ValidationError<'_>) -> Vec<String> {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let at = e.instance_path().as_str();
    let subject = if at.is_empty() {
        "The configuration".to_owned()
    } else {
        format!("Property '{}'", property_name(at, None))
    };
    match e.kind() {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            unexpected
                .iter()
                .map(|p| {
                    format!(
                        "Additional property '{}' not allowed",
                        property_name(at, Some(p))
                    )
                })
                .collect()
        }
        K::Required { property } => {
            let name = property
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| property.to_string());
            vec![format!(
                "Missing required property '{}'",
                property_name(at, Some(&name))
            )]
        }
        K::Type { kind } => {
            let types: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            vec![format!("{subject} must be of type {}", types.join(" or "))]
        }
        _ => vec![format!("{subject}: {e}")],
    }
}

/// What an install asks for.
#[derive(Clone, Debug)]
pub struct InstallRequest {
    pub listing_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub config_overrides: Option<Value>,
    /// Missing packages are installed (default) or are `DEPENDENCY_MISSING`.
    pub install_dependencies: bool,
}

/// Everything an install would do and every rule it would break, in the
/// documented order of checks. A dry run answers it; a real install
/// writes it only when `problems` is empty.
#[derive(Debug)]
pub struct InstallPlan {
    pub listing: Listing,
    pub spec: SkillSpec,
    pub agent: Option<AgentRecord>,
    pub already_installed: bool,
    pub quota_current: i64,
    pub quota_limit: Option<i64>,
    pub plan: Plan,
    pub required_maturity: Maturity,
    pub approval_required: bool,
    pub approval_granted: bool,
    pub config: Value,
    pub packages: Vec<PackagePlan>,
    pub problems: Vec<MarketError>,
    /// The copy already installed (into this agent, or tenant-wide), and
    /// how its overrides fare against the current config schema.
    pub existing_config: Option<ExistingConfig>,
}

/// An installed copy's overrides against the skill's config schema now.
#[derive(Clone, Debug)]
pub struct ExistingConfig {
    pub installed_skill_id: Uuid,
    pub config_overrides: Value,
    /// Empty: they still validate.
    pub errors: Vec<String>,
}

/// The messages of [`check_config`], empty when the config fits.
pub fn config_errors(schema: &Value, config: &Value) -> Vec<String> {
    match check_config(schema, config) {
        Ok(()) => Vec::new(),
        Err(e) => e
            .details
            .as_ref()
            .and_then(|d| d.get("errors"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .filter(|v: &Vec<String>| !v.is_empty())
            .unwrap_or_else(|| vec![e.message.clone()]),
    }
}

/// Installed skills a plan allows; `None` is unlimited.
pub fn installed_skill_limit(plan: Plan) -> Option<i64> {
    match plan {
        Plan::Free => Some(50),
        Plan::Team => Some(500),
        Plan::Enterprise => None,
    }
}

fn required_maturity(risk: RiskLevel) -> Maturity {
    match risk {
        RiskLevel::Low => Maturity::Student,
        RiskLevel::Medium => Maturity::Intern,
        RiskLevel::High => Maturity::Supervised,
    }
}

/// Runs every install check inside the caller's transaction (which holds
/// the tenant lock) and collects the outcome; writes nothing.
async fn plan_install(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    listing: Listing,
    req: &InstallRequest,
) -> MarketResult<InstallPlan> {
    let spec = spec(&listing)?;
    let tenant = principal.tenant_id;
    let mut problems = Vec::new();
    let agent = match req.agent_id {
        Some(a) => Some(
            agents::get(&mut *tx, tenant, a)
                .await?
                .ok_or_else(|| MarketError::new(ErrorCode::NotFound, "Agent not found"))?,
        ),
        None => None,
    };
    let existing = installed::find_active(&mut *tx, tenant, listing.id, req.agent_id).await?;
    let already_installed = existing.is_some();
    // The copy already there keeps its overrides: say whether they still
    // fit the config schema as it is now (a new version may have changed it).
    let existing_config = existing.map(|row| ExistingConfig {
        errors: config_errors(&spec.config_schema, &row.config_overrides),
        installed_skill_id: row.id,
        config_overrides: row.config_overrides,
    });

    // Quota: a repeat install adds nothing.
    let plan = agents::tenant_plan(&mut *tx, tenant).await?;
    let quota_current = installed::count_active(&mut *tx, tenant).await?;
    let quota_limit = installed_skill_limit(plan);
    if let Some(limit) = quota_limit.filter(|l| !already_installed && quota_current >= *l) {
        problems.push(
            MarketError::new(
                ErrorCode::SkillLimitExceeded,
                format!("Tenant has reached its installed skill limit ({limit}) on the {} plan.", plan.as_str()),
            )
            .with_details(serde_json::json!({ "current": quota_current, "limit": limit, "plan": plan.as_str() })),
        );
    }

    // Maturity against risk, then the operator's approval of high risk. A
    // tenant-wide install reaches every agent of the tenant, including any
    // created later, and new agents start at student: it is judged as a
    // student, so only low risk goes tenant-wide (no agents: a student too).
    // Judged by the effective risk: a manifest granting a shell is high
    // risk whatever the publisher declared.
    let risk = spec.effective_risk_level();
    let required = required_maturity(risk);
    let judged = agent.as_ref().map_or(Maturity::Student, |a| a.maturity);
    if judged < required {
        let reason = match &agent {
            Some(_) => format!("{} risk skills need a {required} or more mature agent. Graduate the agent one level at a time.", risk.as_str()),
            None => format!("A tenant-wide install reaches every agent, and new agents start as students; install {} risk skills into a {required} or more mature agent.", risk.as_str()),
        };
        problems.push(
            MarketError::new(
                ErrorCode::GovernanceDenied,
                format!(
                    "Agent maturity '{judged}' cannot perform action 'install_skill'. Required maturity: '{required}'."
                ),
            )
            .with_details(serde_json::json!({
                "agent_id": agent.as_ref().map(|a| a.id),
                "current_maturity": judged,
                "required_maturity": required,
                "action": "install_skill",
                "reason": reason,
            })),
        );
    }
    let approval_required = risk == RiskLevel::High;
    let approval_granted = listing.risk_approved_at.is_some();
    if approval_required && !approval_granted {
        problems.push(
            MarketError::new(
                ErrorCode::ApprovalRequired,
                format!("Skill '{}' requires explicit approval due to security risk.", listing.name),
            )
            .with_details(serde_json::json!({
                "skill_id": listing.id,
                "risk_level": "HIGH",
                "reason": "High-risk skills need an operator's explicit approval before any install",
                "approval_url": format!("/api/admin/listings/{}/approve-risk", listing.id),
            })),
        );
    }

    let config = req
        .config_overrides
        .clone()
        .unwrap_or_else(|| serde_json::json!({}));
    if let Err(e) = check_config(&spec.config_schema, &config) {
        problems.push(e);
    }

    let declared: Vec<(PackageType, &PackageRef)> = spec
        .python_packages
        .iter()
        .map(|p| (PackageType::Python, p))
        .chain(spec.npm_packages.iter().map(|p| (PackageType::Npm, p)))
        .collect();
    let packages = packages::assess(
        &mut *tx,
        tenant,
        &listing.slug,
        &declared,
        req.install_dependencies,
    )
    .await?;
    problems.extend(packages.iter().filter_map(|p| p.problem.clone()));

    Ok(InstallPlan {
        spec,
        agent,
        already_installed,
        quota_current,
        quota_limit,
        plan,
        required_maturity: required,
        approval_required,
        approval_granted,
        config,
        packages,
        problems,
        existing_config,
        listing,
    })
}

/// The full install plan without writing anything.
pub async fn dry_run(
    state: &AppState,
    principal: &Principal,
    req: &InstallRequest,
) -> MarketResult<InstallPlan> {
    let listing = listings::installable(state, principal, KIND, req.listing_id).await?;
    let mut tx = state.pool.begin().await?;
    let plan = plan_install(&mut tx, principal, listing, req).await?;
    tx.rollback().await?;
    Ok(plan)
}

/// Installs an approved skill into one of the tenant's agents (or the
/// tenant at large) after every check; all of it or nothing. Repeats are
/// idempotent; the ledger counts the tenant once.
pub async fn install(
    state: &AppState,
    principal: &Principal,
    req: &InstallRequest,
) -> MarketResult<(InstalledSkill, InstallPlan)> {
    let listing = listings::installable(state, principal, KIND, req.listing_id).await?;
    let mut tx = state.pool.begin().await?;
    agents::lock_tenant(&mut tx, principal.tenant_id).await?;
    let mut plan = plan_install(&mut tx, principal, listing, req).await?;
    if !plan.problems.is_empty() {
        return Err(plan.problems.remove(0));
    }
    let (row, fresh) = installed::insert_or_existing(
        &mut tx,
        principal.tenant_id,
        plan.listing.id,
        req.agent_id,
        &plan.listing.name,
        &plan.listing.description,
        &plan.config,
    )
    .await?;
    if fresh {
        installs::record(&mut tx, plan.listing.id, principal.tenant_id).await?;
        super::webhook_events::install_created(
            &mut tx,
            &plan.listing,
            principal.tenant_id,
            &row.id.to_string(),
        )
        .await?;
    }
    packages::install_planned(
        &mut tx,
        principal.tenant_id,
        plan.listing.id,
        &plan.packages,
    )
    .await?;
    tx.commit().await?;
    Ok((row, plan))
}

fn installed_not_found() -> MarketError {
    MarketError::new(ErrorCode::SkillNotFound, "Skill not found or not approved")
}

/// What `PUT /api/v1/skills/private/{id}` changed.
#[derive(Debug)]
pub enum Customized {
    /// An installed copy, and whether config overrides were applied.
    Installed(Box<InstalledSkill>, bool),
    /// The tenant's own skill (on an approved one, a change in review).
    Own(Box<listings::ContentChange>),
}

/// Renames or reconfigures an installed copy (overrides are checked
/// against the skill's schema), or edits one of the tenant's own skills
/// under the engine's rule: an approved skill's new content goes into
/// review and the approved content stays live until it is approved.
pub async fn customize(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    req: &CustomizeSkill,
) -> MarketResult<Customized> {
    principal.require(Permission::SkillManage)?;
    match installed::get(&state.pool, principal.tenant_id, id).await? {
        Some(current) => customize_installed(state, current, id, req)
            .await
            .map(|(row, applied)| Customized::Installed(Box::new(row), applied)),
        None => edit_own(state, principal, id, req)
            .await
            .map(|c| Customized::Own(Box::new(c))),
    }
}

/// Edits the tenant's own skill listing; any other listing (another
/// tenant's too) is the route's 404.
async fn edit_own(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    req: &CustomizeSkill,
) -> MarketResult<listings::ContentChange> {
    crate::backend::db::listings::get(&state.pool, KIND, id)
        .await?
        .filter(|l| l.publisher_tenant_id == principal.tenant_id)
        .ok_or_else(installed_not_found)?;
    let req = req.clone();
    listings::change_content(state, principal, KIND, id, "listing.edit", None, move |f| {
        let current = serde_json::from_value::<SkillSpec>(f.spec.clone()).map_err(|e| {
            tracing::error!(error = %e, listing = %id, "stored skill spec unreadable");
            MarketError::internal()
        })?;
        // The merged skill is validated as a new one would be.
        let input = SkillInput {
            name: req.name.unwrap_or_else(|| f.name.clone()),
            description: Some(req.description.unwrap_or_else(|| f.description.clone())),
            skill_type: Some(current.skill_type.as_str().to_owned()),
            input_schema: Some(req.input_schema.unwrap_or(current.input_schema)),
            output_schema: Some(req.output_schema.unwrap_or(current.output_schema)),
            config: Some(req.config.unwrap_or(current.config)),
            config_schema: Some(req.config_schema.unwrap_or(current.config_schema)),
            code: Some(req.code.unwrap_or(current.code)),
            long_description: Some(f.long_description.clone()),
            category: req.category.or_else(|| f.category.clone()),
            tags: req.tags.unwrap_or_else(|| f.tags.clone()),
            price: Some(f.price),
            license: f.license.clone(),
            documentation_url: current.documentation_url,
            repository_url: current.repository_url,
            python_packages: req.python_packages.unwrap_or(current.python_packages),
            npm_packages: req.npm_packages.unwrap_or(current.npm_packages),
            risk_level: Some(current.risk_level.as_str().to_owned()),
            capabilities: Some(
                req.capabilities
                    .unwrap_or_else(|| current.capabilities.to_input()),
            ),
        };
        *f = fields(&input)?;
        Ok(())
    })
    .await
}

async fn customize_installed(
    state: &AppState,
    current: InstalledSkill,
    id: Uuid,
    req: &CustomizeSkill,
) -> MarketResult<(InstalledSkill, bool)> {
    let listing = crate::backend::db::listings::get(&state.pool, KIND, current.listing_id)
        .await?
        .ok_or_else(installed_not_found)?;
    let name = match &req.name {
        Some(n) => DisplayName::parse("name", n)?.into_string(),
        None => current.name.clone(),
    };
    let description = match &req.description {
        Some(d) => Description::parse("description", Some(d))?.into_string(),
        None => current.description.clone(),
    };
    let overrides_applied = req.config_overrides.is_some();
    let overrides = req
        .config_overrides
        .clone()
        .unwrap_or(current.config_overrides.clone());
    check_config(&spec(&listing)?.config_schema, &overrides)?;
    let env = req
        .environment_vars
        .clone()
        .unwrap_or(current.environment_vars.clone());
    let valid_env = env.as_object().is_some_and(|m| {
        m.len() <= 100
            && m.iter().all(|(k, v)| {
                !k.is_empty() && k.len() <= 128 && v.as_str().is_some_and(|s| s.len() <= 4096)
            })
    });
    if !valid_env {
        return Err(MarketError::validation(
            "environment_vars",
            "An object of at most 100 string values (names up to 128 characters)",
        ));
    }
    let row = installed::customize(&state.pool, id, &name, &description, &overrides, &env).await?;
    Ok((row, overrides_applied))
}

pub async fn uninstall(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> MarketResult<InstalledSkill> {
    principal.require(Permission::SkillManage)?;
    let mut tx = state.pool.begin().await?;
    let row = installed::get(&mut *tx, principal.tenant_id, id)
        .await?
        .ok_or_else(installed_not_found)?;
    installed::uninstall(&mut *tx, id).await?;
    if !installed::any_installed(&mut *tx, principal.tenant_id, row.listing_id).await? {
        installs::deactivate(&mut tx, row.listing_id, principal.tenant_id).await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// `GET /api/v1/skills/private`: the tenant's own and installed skills.
pub async fn private_list(
    state: &AppState,
    principal: &Principal,
    mut filter: crate::model::skill::PrivateFilter,
    sort_by: Option<&str>,
    sort_order: Option<&str>,
) -> MarketResult<(Vec<installed::PrivateItem>, i64)> {
    principal.require(Permission::SkillView)?;
    let desc = match sort_order.unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(crate::model::account::invalid_enum(
                "sort_order",
                other,
                &["asc", "desc"],
            ))
        }
    };
    filter.order_by = match (sort_by.unwrap_or("name"), desc) {
        ("name", false) => "lower(name) ASC, id",
        ("name", true) => "lower(name) DESC, id",
        ("created_at", false) => "created_at ASC, id",
        ("created_at", true) => "created_at DESC, id",
        ("rating", false) => "rating ASC, id",
        ("rating", true) => "rating DESC, id",
        (other, _) => {
            return Err(crate::model::account::invalid_enum(
                "sort_by",
                other,
                &["name", "created_at", "rating"],
            ))
        }
    };
    if let Some(t) = &filter.skill_type {
        SkillType::parse(t)?;
    }
    Ok(installed::private_items(&state.pool, principal.tenant_id, &filter).await?)
}

/// Several skills the caller may see, in the order asked (its own as
/// their publisher sees them).
pub async fn many(
    state: &AppState,
    principal: &Principal,
    ids: &[Uuid],
) -> MarketResult<Vec<(Listing, SkillSpec)>> {
    principal.require(Permission::SkillView)?;
    let rows =
        crate::backend::db::listings::many_visible(&state.pool, KIND, ids, principal.tenant_id)
            .await?;
    listings::as_publisher_sees(state, Some(principal), rows, listings::OwnView::Content)
        .await?
        .into_iter()
        .map(|r| spec(&r).map(|s| (r, s)))
        .collect()
}
