//! Webhooks, the event outbox and deliveries. Every query a tenant's
//! request runs names the tenant; the worker's claim is the one query
//! across tenants.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::model::webhook::{DeliveryStatus, EventType};

#[derive(Clone, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<EventType>,
    pub created_at: DateTime<Utc>,
}

pub struct NewWebhook<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub created_by: Uuid,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub events: &'a [EventType],
    pub secret: &'a str,
}

pub async fn insert(db: impl PgExecutor<'_>, w: NewWebhook<'_>) -> sqlx::Result<WebhookRow> {
    sqlx::query_as(
        "INSERT INTO webhooks (id, tenant_id, created_by, url, description, events, secret) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING id, url, description, events, created_at",
    )
    .bind(w.id)
    .bind(w.tenant_id)
    .bind(w.created_by)
    .bind(w.url)
    .bind(w.description)
    .bind(w.events)
    .bind(w.secret)
    .fetch_one(db)
    .await
}

pub async fn count(db: &mut PgConnection, tenant_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM webhooks WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// The tenant's webhooks, oldest first (bounded by the plan's quota).
pub async fn list(db: impl PgExecutor<'_>, tenant_id: Uuid) -> sqlx::Result<Vec<WebhookRow>> {
    sqlx::query_as(
        "SELECT id, url, description, events, created_at FROM webhooks \
         WHERE tenant_id = $1 ORDER BY created_at, id",
    )
    .bind(tenant_id)
    .fetch_all(db)
    .await
}

/// Deletes the tenant's webhook and (by cascade) its deliveries.
pub async fn delete(db: impl PgExecutor<'_>, tenant_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND tenant_id = $2")
        .bind(id)
        .bind(tenant_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn exists(db: impl PgExecutor<'_>, tenant_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = $1 AND tenant_id = $2)")
        .bind(id)
        .bind(tenant_id)
        .fetch_one(db)
        .await
}

/// Writes one event for `tenant_id` and a delivery to each of the tenant's
/// webhooks subscribed to its type, inside the caller's transaction.
/// Nothing is written when no webhook listens. Returns the deliveries made.
pub async fn enqueue(
    db: &mut PgConnection,
    event_id: Uuid,
    tenant_id: Uuid,
    event_type: EventType,
    body: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "WITH hooks AS ( \
             SELECT id FROM webhooks WHERE tenant_id = $2 AND $3 = ANY (events)), \
         event AS ( \
             INSERT INTO webhook_events (id, tenant_id, type, body) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM hooks) \
             RETURNING id) \
         INSERT INTO webhook_deliveries (id, webhook_id, event_id, next_attempt_at) \
         SELECT gen_random_uuid(), hooks.id, event.id, now() FROM hooks, event",
    )
    .bind(event_id)
    .bind(tenant_id)
    .bind(event_type)
    .bind(body)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[derive(Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

const DELIVERY_COLUMNS: &str = "d.id, d.event_id, e.type AS event_type, d.status, d.attempts, \
     d.last_status_code, d.next_attempt_at";

/// A page of one webhook's deliveries, newest first, and their total.
pub async fn deliveries(
    db: impl PgExecutor<'_> + Copy,
    webhook_id: Uuid,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<DeliveryRow>, i64)> {
    let rows = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
         JOIN webhook_events e ON e.id = d.event_id \
         WHERE d.webhook_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(webhook_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1")
        .bind(webhook_id)
        .fetch_one(db)
        .await?;
    Ok((rows, total))
}

/// Makes the tenant's delivery pending and due now; `None` when the
/// delivery is not one of the tenant's.
pub async fn redeliver(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<DeliveryRow>> {
    sqlx::query_as(&format!(
        "WITH d AS ( \
             UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), \
                 updated_at = now() \
             FROM webhooks w \
             WHERE d.id = $1 AND w.id = d.webhook_id AND w.tenant_id = $2 \
             RETURNING d.*) \
         SELECT {DELIVERY_COLUMNS} FROM d JOIN webhook_events e ON e.id = d.event_id"
    ))
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(db)
    .await
}

/// A delivery the worker has claimed: what to send, where, signed how.
#[derive(Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: Uuid,
    pub attempts: i32,
    pub event_id: Uuid,
    pub body: String,
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for ClaimedDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedDelivery")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .field("event_id", &self.event_id)
            .field("url", &self.url)
            .field("secret", &"***")
            .finish()
    }
}

/// Claims up to `limit` due deliveries for one attempt each: the rows are
/// locked with `FOR UPDATE SKIP LOCKED` (another server's worker skips
/// them) and their due time moves `lease_secs` ahead in the same
/// statement, so once this commits no worker finds them due until the
/// attempt is recorded, or the lease lapses because this process died.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
) -> sqlx::Result<Vec<ClaimedDelivery>> {
    sqlx::query_as(
        "WITH due AS ( \
             SELECT id FROM webhook_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= now() \
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
         UPDATE webhook_deliveries d \
         SET attempts = d.attempts + 1, \
             next_attempt_at = now() + make_interval(secs => $2), updated_at = now() \
         FROM due, webhook_events e, webhooks w \
         WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.webhook_id \
         RETURNING d.id, d.attempts, e.id AS event_id, e.body, w.url, w.secret",
    )
    .bind(limit)
    .bind(lease_secs)
    .fetch_all(db)
    .await
}

/// What one attempt came to.
pub enum AttemptResult<'a> {
    Delivered {
        status_code: i32,
    },
    /// Another try after `retry_in_secs`, or `failed` when `None`.
    Failed {
        status_code: Option<i32>,
        error: &'a str,
        retry_in_secs: Option<f64>,
    },
}

/// Records attempt number `attempt` of a delivery, unless a later claim
/// (after a redelivery) owns it now.
pub async fn record_attempt(
    db: impl PgExecutor<'_>,
    id: Uuid,
    attempt: i32,
    result: AttemptResult<'_>,
) -> sqlx::Result<()> {
    let q = match result {
        AttemptResult::Delivered { status_code } => sqlx::query(
            "UPDATE webhook_deliveries SET status = 'delivered', last_status_code = $3, \
                 last_error = NULL, next_attempt_at = NULL, updated_at = now() \
             WHERE id = $1 AND attempts = $2",
        )
        .bind(id)
        .bind(attempt)
        .bind(status_code),
        AttemptResult::Failed {
            status_code,
            error,
            retry_in_secs,
        } => sqlx::query(
            "UPDATE webhook_deliveries SET \
                 status = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END, \
                 last_status_code = $3, last_error = left($4, 500), \
                 next_attempt_at = now() + make_interval(secs => $5), updated_at = now() \
             WHERE id = $1 AND attempts = $2",
        )
        .bind(id)
        .bind(attempt)
        .bind(status_code)
        .bind(error)
        .bind(retry_in_secs),
    };
    q.execute(db).await?;
    Ok(())
}

/// Forgets finished deliveries older than `before`, then events no
/// delivery refers to.
pub async fn prune(db: impl PgExecutor<'_> + Copy, before: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    sqlx::query(
        "DELETE FROM webhook_events e WHERE e.created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)",
    )
    .bind(before)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the review's tenant had installed the listing when rating, and
/// its version then (issue 19's columns on `reviews`).
pub async fn review_provenance(
    db: &mut PgConnection,
    review_id: Uuid,
) -> sqlx::Result<Option<(bool, Option<String>)>> {
    sqlx::query_as("SELECT verified_install, version FROM reviews WHERE id = $1")
        .bind(review_id)
        .fetch_optional(db)
        .await
}
