//! Failed (and in-flight) log-in attempts per account and per address.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// What the budget check saw: attempts in the window and the oldest of
/// them, per account and per address.
#[derive(Debug, sqlx::FromRow)]
pub struct Counts {
    pub account: i64,
    pub account_oldest: Option<DateTime<Utc>>,
    pub ip: i64,
    pub ip_oldest: Option<DateTime<Utc>>,
}

/// Counts the window's attempts and, when `admit` allows, records a new
/// one; serialised per account and per address (advisory locks, account
/// first, so two attempts never wait on each other in a cycle).
pub async fn begin(
    pool: &PgPool,
    account: &str,
    ip: &str,
    since: DateTime<Utc>,
    admit: impl FnOnce(&Counts) -> bool,
) -> Result<(Counts, Option<i64>), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:account:' || $1, 0))")
        .bind(account)
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:ip:' || $1, 0))")
        .bind(ip)
        .execute(&mut *tx)
        .await?;
    let counts: Counts = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE account = $1) AS account, \
                min(at) FILTER (WHERE account = $1) AS account_oldest, \
                count(*) FILTER (WHERE ip = $2) AS ip, \
                min(at) FILTER (WHERE ip = $2) AS ip_oldest \
         FROM login_attempts WHERE (account = $1 OR ip = $2) AND at > $3",
    )
    .bind(account)
    .bind(ip)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    let id = if admit(&counts) {
        Some(
            sqlx::query_scalar(
                "INSERT INTO login_attempts (account, ip) VALUES ($1, $2) RETURNING id",
            )
            .bind(account)
            .bind(ip)
            .fetch_one(&mut *tx)
            .await?,
        )
    } else {
        None
    };
    tx.commit().await?;
    Ok((counts, id))
}

/// The password was right: the attempt does not count.
pub async fn forget(pool: &PgPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
}

pub async fn prune(pool: &PgPool, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
}
