//! Rate-limit windows in Redis, when `REDIS_URL` is set: one atomic round
//! trip per request (`INCRBY` and `EXPIRE` in a `MULTI`), shared by every
//! process. A Redis error or a reply slower than [`TIMEOUT`] is reported to
//! the caller, which counts in PostgreSQL instead; `/api/health` reads the
//! outcome of the latest attempt.

use app::backend::state::StoreHealth;
use redis::aio::ConnectionManager;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The platform contract's bound on a Redis round trip.
pub const TIMEOUT: Duration = Duration::from_millis(250);
/// After a failed connect, requests go straight to PostgreSQL this long
/// instead of each trying again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct RedisWindows {
    client: redis::Client,
    conn: Arc<Mutex<Connection>>,
    health: Arc<StoreHealth>,
}

enum Connection {
    Up(ConnectionManager),
    Down { since: Option<Instant> },
}

#[derive(Debug)]
pub struct Unavailable;

impl RedisWindows {
    /// Only parses the address: the first request connects, so a Redis that
    /// starts after the server is picked up.
    pub fn new(url: &str, health: Arc<StoreHealth>) -> Result<Self, redis::RedisError> {
        Ok(RedisWindows {
            client: redis::Client::open(url)?,
            conn: Arc::new(Mutex::new(Connection::Down { since: None })),
            health,
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, Unavailable> {
        let mut conn = self.conn.lock().await;
        match &*conn {
            Connection::Up(c) => return Ok(c.clone()),
            Connection::Down { since: Some(t) } if t.elapsed() < RECONNECT_AFTER => {
                return Err(Unavailable)
            }
            Connection::Down { .. } => {}
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(TIMEOUT)
            .set_response_timeout(TIMEOUT)
            .set_number_of_retries(0);
        match tokio::time::timeout(
            TIMEOUT,
            ConnectionManager::new_with_config(self.client.clone(), config),
        )
        .await
        {
            Ok(Ok(c)) => {
                *conn = Connection::Up(c.clone());
                Ok(c)
            }
            _ => {
                *conn = Connection::Down {
                    since: Some(Instant::now()),
                };
                Err(Unavailable)
            }
        }
    }

    /// Adds `n` hits to `bucket`'s window starting at `window` (unix
    /// seconds); answers the window's hits from every process.
    pub async fn hit(&self, bucket: &str, window: i64, n: u32) -> Result<u32, Unavailable> {
        let result = self.try_hit(bucket, window, n).await;
        self.health.set_redis_healthy(result.is_ok());
        if result.is_err() {
            tracing::warn!("redis unavailable: rate limits counted in PostgreSQL");
        }
        result
    }

    async fn try_hit(&self, bucket: &str, window: i64, n: u32) -> Result<u32, Unavailable> {
        let mut conn = self.connection().await?;
        let key = format!("rl:{window}:{bucket}");
        let mut pipe = redis::pipe();
        pipe.atomic()
            .incr(&key, n)
            // Two windows: long enough for every process's clock to agree.
            .expire(&key, 120)
            .ignore();
        let query = pipe.query_async::<(i64,)>(&mut conn);
        match tokio::time::timeout(TIMEOUT, query).await {
            Ok(Ok((hits,))) => Ok(u32::try_from(hits).unwrap_or(u32::MAX)),
            _ => Err(Unavailable),
        }
    }
}
