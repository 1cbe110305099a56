//! The install ledger and the counters it moves.

use sqlx::PgExecutor;
use uuid::Uuid;

/// Trending half-life-ish constant: two days, in seconds. An install a week
/// old weighs e^-3.5 ≈ 3 % of one made now.
pub const TREND_TAU_SECS: f64 = 172_800.0;

/// Records that a tenant has the listing installed. Counts it in
/// `installs` and in the trend only the first time (an uninstall and
/// reinstall is the same tenant's install, not a new one that trends), in
/// `active_installs` whenever it becomes active; returns whether it was
/// new for the tenant.
pub async fn record(
    db: &mut sqlx::PgConnection,
    listing_id: Uuid,
    tenant_id: Uuid,
) -> Result<bool, sqlx::Error> {
    // xmax = 0 tells a fresh insert from an update of an existing row.
    // The trend key is t/tau + ln(decayed score): adding one install at
    // time t is t/tau + ln(1 + e^(old - t/tau)), with the exponential
    // skipped once the old score has decayed to nothing (no underflow).
    let outcome: Option<(bool, bool)> = sqlx::query_as(
        "INSERT INTO listing_installs (listing_id, tenant_id) VALUES ($1, $2) \
         ON CONFLICT (listing_id, tenant_id) DO UPDATE SET active = true, updated_at = now() \
           WHERE NOT listing_installs.active \
         RETURNING (xmax = 0) AS inserted, true",
    )
    .bind(listing_id)
    .bind(tenant_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some((inserted, _)) = outcome else {
        return Ok(false); // already active: nothing moves
    };
    sqlx::query(
        "UPDATE listings SET installs = installs + $2, active_installs = active_installs + 1, \
         trend_key = CASE WHEN $2 = 0 THEN trend_key \
           ELSE extract(epoch FROM now()) / $3 + CASE \
             WHEN trend_key - extract(epoch FROM now()) / $3 < -50 THEN 0 \
             ELSE ln(1 + exp(trend_key - extract(epoch FROM now()) / $3)) END END \
         WHERE id = $1",
    )
    .bind(listing_id)
    .bind(i32::from(inserted))
    .bind(TREND_TAU_SECS)
    .execute(&mut *db)
    .await?;
    Ok(inserted)
}

/// The tenant no longer uses the listing anywhere: active count drops.
pub async fn deactivate(
    db: &mut sqlx::PgConnection,
    listing_id: Uuid,
    tenant_id: Uuid,
) -> Result<(), sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE listing_installs SET active = false, updated_at = now() \
         WHERE listing_id = $1 AND tenant_id = $2 AND active",
    )
    .bind(listing_id)
    .bind(tenant_id)
    .execute(&mut *db)
    .await?;
    if changed.rows_affected() == 1 {
        sqlx::query(
            "UPDATE listings SET active_installs = greatest(active_installs - 1, 0) WHERE id = $1",
        )
        .bind(listing_id)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

pub async fn is_installed(
    db: impl PgExecutor<'_>,
    listing_id: Uuid,
    tenant_id: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM listing_installs WHERE listing_id = $1 AND tenant_id = $2 AND active)")
        .bind(listing_id)
        .bind(tenant_id)
        .fetch_one(db)
        .await
}
