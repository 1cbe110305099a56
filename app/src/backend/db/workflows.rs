//! The tenant's workspace workflows.

use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::model::workflow::{WorkflowRecord, WorkflowSummary};

const COLUMNS: &str =
    "id, tenant_id, template_id, name, description, source, nodes, edges, definition, created_at";

pub struct NewWorkflow<'a> {
    pub tenant_id: Uuid,
    pub template_id: Option<Uuid>,
    pub name: &'a str,
    pub description: &'a str,
    pub source: &'a str,
    pub nodes: &'a Value,
    pub edges: &'a Value,
    pub definition: &'a Value,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    w: NewWorkflow<'_>,
) -> Result<WorkflowRecord, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO workflows (id, tenant_id, template_id, name, description, source, nodes, edges, definition) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(w.tenant_id)
    .bind(w.template_id)
    .bind(w.name)
    .bind(w.description)
    .bind(w.source)
    .bind(w.nodes)
    .bind(w.edges)
    .bind(w.definition)
    .fetch_one(db)
    .await
}

pub async fn list(
    pool: &PgPool,
    tenant_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<WorkflowSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, template_id, name, description, source, node_count, created_at \
         FROM workflows WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(tenant_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

pub async fn get(
    pool: &PgPool,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<WorkflowRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(pool)
    .await
}
