//! `marketplace seed --demo`: a living catalog for newcomers, made through
//! the same use cases the API calls. Idempotent: a second run finds the
//! demo operator tenant and does nothing.

use crate::backend::auth::{CredentialKind, Principal};
use crate::backend::db::{self, listings::Snapshot};
use crate::backend::services::{accounts, listings, skills};
use crate::backend::state::AppState;
use crate::error::MarketResult;
use crate::model::account::{Password, Plan, Role, Scope};
use crate::model::kind::ListingKind;
use crate::model::skill::SkillInput;
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "demo-password";
const OPERATOR_SLUG: &str = "demo-platform";

/// (name, description, category, tags, skill_type, price)
type DemoSkill = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    f64,
);

const SKILLS: &[DemoSkill] = &[
    (
        "Data Analysis",
        "Advanced data analysis with Python and pandas",
        "productivity",
        &["python", "data", "analysis"],
        "script",
        0.0,
    ),
    (
        "CSV Cleaner",
        "Detects delimiters, fixes encodings and drops duplicate rows",
        "productivity",
        &["csv", "data"],
        "function",
        0.0,
    ),
    (
        "Meeting Notes",
        "Turns transcripts into decisions, owners and due dates",
        "productivity",
        &["nlp", "meetings"],
        "api",
        4.99,
    ),
    (
        "Calendar Scheduler",
        "Finds a slot that works for everyone across time zones",
        "productivity",
        &["calendar", "scheduling"],
        "api",
        0.0,
    ),
    (
        "Spreadsheet Formula Helper",
        "Explains and writes spreadsheet formulas",
        "productivity",
        &["spreadsheet", "excel"],
        "function",
        0.0,
    ),
    (
        "Email Summarizer",
        "Summarizes long email threads into five bullet points",
        "communication",
        &["email", "nlp"],
        "api",
        0.0,
    ),
    (
        "Slack Digest",
        "A morning digest of the channels you missed",
        "communication",
        &["slack", "digest"],
        "api",
        2.99,
    ),
    (
        "Tone Rewriter",
        "Rewrites a message to be friendlier, firmer or shorter",
        "communication",
        &["writing", "nlp"],
        "function",
        0.0,
    ),
    (
        "Translation Relay",
        "Translates messages between forty languages",
        "communication",
        &["translation", "languages"],
        "api",
        9.99,
    ),
    (
        "Lead Scorer",
        "Scores inbound leads from firmographics and intent",
        "sales",
        &["crm", "leads", "scoring"],
        "function",
        19.99,
    ),
    (
        "CRM Sync",
        "Keeps contacts in sync between your CRM and inbox",
        "sales",
        &["crm", "sync"],
        "container",
        14.99,
    ),
    (
        "Proposal Drafter",
        "Drafts a proposal from a discovery call summary",
        "sales",
        &["writing", "sales"],
        "api",
        0.0,
    ),
    (
        "Follow-up Reminder",
        "Nudges the owner when a deal has been quiet for a week",
        "sales",
        &["crm", "automation"],
        "script",
        0.0,
    ),
    (
        "Invoice Parser",
        "Extracts vendor, totals and line items from PDF invoices",
        "finance",
        &["pdf", "invoices", "ocr"],
        "function",
        9.0,
    ),
    (
        "Expense Categorizer",
        "Assigns ledger categories to card transactions",
        "finance",
        &["accounting", "expenses"],
        "function",
        0.0,
    ),
    (
        "Cash Flow Forecast",
        "Projects thirteen weeks of cash from your ledger",
        "finance",
        &["forecasting", "accounting"],
        "script",
        29.0,
    ),
    (
        "Currency Converter",
        "Daily reference rates for 150 currencies",
        "finance",
        &["currency", "fx"],
        "api",
        0.0,
    ),
    (
        "Code Reviewer",
        "Reviews a diff for bugs, style and missing tests",
        "engineering",
        &["code", "review", "git"],
        "container",
        0.0,
    ),
    (
        "SQL Explainer",
        "Explains a query plan and suggests indexes",
        "engineering",
        &["sql", "postgres", "performance"],
        "function",
        0.0,
    ),
    (
        "Log Triage",
        "Groups error logs by cause and finds the first occurrence",
        "engineering",
        &["logs", "observability"],
        "docker",
        12.0,
    ),
    (
        "Dependency Auditor",
        "Lists outdated and vulnerable packages in a lockfile",
        "engineering",
        &["security", "packages"],
        "script",
        0.0,
    ),
    (
        "API Mock Server",
        "Serves a mock API from an OpenAPI document",
        "engineering",
        &["api", "testing", "openapi"],
        "docker",
        0.0,
    ),
    (
        "Ticket Router",
        "Routes support tickets to the right queue",
        "support",
        &["support", "classification"],
        "function",
        0.0,
    ),
    (
        "Knowledge Base Answerer",
        "Answers customer questions from your help center",
        "support",
        &["support", "search", "nlp"],
        "api",
        24.0,
    ),
    (
        "Sentiment Monitor",
        "Flags angry customers before they churn",
        "support",
        &["nlp", "sentiment"],
        "api",
        0.0,
    ),
    (
        "Refund Assistant",
        "Checks refund policy and drafts the reply",
        "support",
        &["support", "policy"],
        "function",
        0.0,
    ),
    (
        "Resume Screener",
        "Matches resumes against a job description",
        "hr",
        &["recruiting", "nlp"],
        "api",
        15.0,
    ),
    (
        "Onboarding Checklist",
        "Creates and tracks a new hire's first-week tasks",
        "hr",
        &["onboarding", "automation"],
        "script",
        0.0,
    ),
    (
        "Contract Clause Finder",
        "Finds renewal, termination and liability clauses",
        "legal",
        &["contracts", "pdf"],
        "function",
        39.0,
    ),
    (
        "GDPR Request Helper",
        "Tracks data subject requests and their deadlines",
        "legal",
        &["privacy", "compliance"],
        "script",
        0.0,
    ),
    (
        "SEO Auditor",
        "Audits a page for titles, headings and broken links",
        "marketing",
        &["seo", "web"],
        "container",
        0.0,
    ),
    (
        "Social Post Scheduler",
        "Schedules posts at the hours your audience is online",
        "marketing",
        &["social", "scheduling"],
        "api",
        7.0,
    ),
    (
        "Campaign Reporter",
        "Weekly report of spend, clicks and conversions",
        "marketing",
        &["analytics", "reporting"],
        "api",
        0.0,
    ),
    (
        "Image Alt Text",
        "Writes accessible alt text for product images",
        "marketing",
        &["accessibility", "images"],
        "api",
        0.0,
    ),
    (
        "Web Scraper",
        "Extracts structured data from pages you are allowed to crawl",
        "data",
        &["scraping", "web", "python"],
        "docker",
        0.0,
    ),
    (
        "PDF Table Extractor",
        "Pulls tables out of PDFs into CSV",
        "data",
        &["pdf", "csv", "data"],
        "function",
        5.0,
    ),
];

const REVIEWS: &[&str] = &[
    "Excellent skill, saved me hours of work!",
    "Does what it says. Setup took two minutes.",
    "Good, but the defaults needed tuning for our data.",
    "Works well with our agents; the docs are clear.",
    "Solid. Would like more configuration options.",
];

/// Told how far the demo seed is (the command line draws it).
pub trait SeedProgress: Sync {
    /// The number of steps, once known.
    fn start(&self, _total: u64) {}
    /// One step done.
    fn step(&self, _what: &str) {}
}

/// No progress report.
impl SeedProgress for () {}

/// Seeds the demo catalog unless it is already there; returns whether it
/// did anything.
pub async fn demo(state: &AppState) -> MarketResult<bool> {
    demo_with_progress(state, &()).await
}

/// [`demo`], reporting each skill and the rest as steps.
pub async fn demo_with_progress(
    state: &AppState,
    progress: &dyn SeedProgress,
) -> MarketResult<bool> {
    if db::identity::slug_taken(&state.pool, OPERATOR_SLUG).await? {
        return Ok(false);
    }
    // Accounts, each skill, the other kinds, the history.
    progress.start(1 + SKILLS.len() as u64 + 2);
    let hash = accounts::hash_password_blocking(Password::parse(DEMO_PASSWORD)?).await?;
    let operator = person(
        state,
        "Demo Platform",
        OPERATOR_SLUG,
        "operator@demo.test",
        Role::SuperAdmin,
        Plan::Enterprise,
        &hash,
    )
    .await?;
    let publishers = [
        person(
            state,
            "Acme Automation",
            "demo-acme",
            "publisher@acme.demo.test",
            Role::Owner,
            Plan::Team,
            &hash,
        )
        .await?,
        person(
            state,
            "Northwind Labs",
            "demo-northwind",
            "publisher@northwind.demo.test",
            Role::Owner,
            Plan::Team,
            &hash,
        )
        .await?,
        person(
            state,
            "Globex Agents",
            "demo-globex",
            "publisher@globex.demo.test",
            Role::Owner,
            Plan::Free,
            &hash,
        )
        .await?,
    ];
    let mut raters = Vec::new();
    for i in 0..12 {
        raters.push(
            person(
                state,
                &format!("Demo Team {}", i + 1),
                &format!("demo-team-{}", i + 1),
                &format!("user{}@team.demo.test", i + 1),
                Role::Member,
                Plan::Free,
                &hash,
            )
            .await?,
        );
    }

    progress.step("accounts");
    let mut approved = Vec::new();
    for (i, (name, description, category, tags, skill_type, price)) in SKILLS.iter().enumerate() {
        progress.step(name);
        let publisher = &publishers[i % publishers.len()];
        let input = SkillInput {
            name: (*name).to_owned(),
            description: Some((*description).to_owned()),
            skill_type: Some((*skill_type).to_owned()),
            category: Some((*category).to_owned()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            price: Some(*price),
            license: Some("MIT".into()),
            long_description: Some(format!(
                "**{name}**: {description}.\n\n- Works with any agent\n- Set `timeout` (1–600 s) to suit your workload\n\nSee the documentation link for examples."
            )),
            input_schema: Some(serde_json::json!({"type": "object", "properties": {"input": {"type": "string"}}})),
            output_schema: Some(serde_json::json!({"type": "object", "properties": {"result": {"type": "string"}}})),
            config: Some(serde_json::json!({"timeout": 30})),
            config_schema: Some(serde_json::json!({
                "type": "object",
                "properties": {"timeout": {"type": "number", "minimum": 1, "maximum": 600}}
            })),
            code: Some("def execute(input):\n    return {'result': input}\n".into()),
            documentation_url: Some(format!("https://docs.example.com/skills/{}", crate::backend::services::accounts::slugify(name))),
            ..SkillInput::default()
        };
        let draft = skills::create_private(state, publisher, &input).await?;
        listings::create_version(
            state,
            publisher,
            ListingKind::Skill,
            draft.id,
            "v1.0.0",
            "Initial release",
        )
        .await?;
        listings::submit(
            state,
            publisher,
            ListingKind::Skill,
            draft.id,
            |_: &mut Snapshot| Ok(()),
        )
        .await?;
        // A few stay in the queue so operators have something to review.
        if i % 9 == 8 {
            continue;
        }
        listings::decide(
            state,
            &operator,
            ListingKind::Skill,
            draft.id,
            listings::Decision::Approve,
        )
        .await?;
        approved.push((*name, draft.id));
        let audience = 1 + (i * 7) % raters.len();
        for (j, rater) in raters.iter().take(audience).enumerate() {
            let req = skills::InstallRequest {
                listing_id: draft.id,
                agent_id: None,
                config_overrides: None,
                install_dependencies: true,
            };
            skills::install(state, rater, &req).await?;
            if (i + j) % 3 != 2 {
                let rating = [5.0, 4.0, 5.0, 3.0, 4.0][(i + j) % 5];
                let review =
                    ((i + j) % 2 == 0).then(|| REVIEWS[(i + j) % REVIEWS.len()].to_owned());
                listings::rate(
                    state,
                    rater,
                    ListingKind::Skill,
                    draft.id,
                    rating,
                    review,
                    false,
                )
                .await?;
            }
        }
    }
    // One deprecated skill with its replacement (both Acme's), so the
    // catalog shows the banner and browse leaves it out.
    let id_of = |n: &str| {
        approved
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, id)| *id)
    };
    if let (Some(old), Some(new)) = (id_of("Follow-up Reminder"), id_of("Calendar Scheduler")) {
        super::deprecation::deprecate(
            state,
            &publishers[0],
            &old.to_string(),
            "Reminders are now part of Calendar Scheduler, which also books the follow-up.",
            Some(&new.to_string()),
        )
        .await?;
    }
    super::seed_kinds::seed(state, &operator, &publishers, &raters).await?;
    progress.step("other kinds");
    spread_history(state).await?;
    progress.step("history");
    Ok(true)
}

/// The demo's installs, ratings and reviews all happened just now; spread
/// them over the last 60 days (deterministically, per row), so the charts
/// have a history to show. The analytics triggers move the daily rollups
/// with the rows, and the queue's history is rebuilt from the listings'
/// own (spread) submission and review times.
async fn spread_history(state: &AppState) -> MarketResult<()> {
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "UPDATE listing_installs SET \
           first_installed_at = now() - make_interval(days => abs(hashtext(tenant_id::text || listing_id::text)) % 60, \
                                                     mins => abs(hashtext(listing_id::text || tenant_id::text)) % 1440), \
           updated_at = now() - make_interval(days => abs(hashtext(tenant_id::text || listing_id::text)) % 60, \
                                              mins => abs(hashtext(listing_id::text || tenant_id::text)) % 1440)",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE reviews SET created_at = now() - make_interval(days => abs(hashtext(id::text)) % 45, \
                                                             mins => abs(hashtext(user_id::text)) % 1440)",
    )
    .execute(&mut *tx)
    .await?;
    // Submitted 2 to 40 days ago; approved or rejected 1 to 60 hours later.
    sqlx::query(
        "UPDATE listings SET \
           submitted_at = now() - make_interval(days => 2 + abs(hashtext(id::text)) % 38), \
           reviewed_at = CASE WHEN status IN ('approved', 'rejected') THEN \
             now() - make_interval(days => 2 + abs(hashtext(id::text)) % 38) \
                   + make_interval(hours => 1 + abs(hashtext(name)) % 60) END \
         WHERE submitted_at IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("SELECT review_queue_rebuild()")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn person(
    state: &AppState,
    tenant: &str,
    slug: &str,
    email: &str,
    role: Role,
    plan: Plan,
    hash: &str,
) -> MarketResult<Principal> {
    let tenant_id = Uuid::now_v7();
    let user_id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    db::identity::insert_tenant(&mut *tx, tenant_id, tenant, slug, plan).await?;
    db::identity::insert_user(&mut *tx, user_id, tenant_id, email, hash, role).await?;
    tx.commit().await?;
    Ok(Principal {
        tenant_id,
        user_id,
        email: email.to_owned(),
        role,
        scope: Scope::ReadWrite,
        credential: CredentialKind::Cli,
        credential_id: None,
    })
}
