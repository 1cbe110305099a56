//! A listing of any kind as the wire names it: its UUID, or the string id
//! workflow templates are addressed by (`tmpl_email_summarizer`). The one
//! resolver of every route whose path takes "the listing's id (any kind)".

use sqlx::PgExecutor;
use uuid::Uuid;

/// The listing's UUID; a string id two kinds share names neither (`None`,
/// like an unknown one). A UUID is taken as it is: the caller's own query
/// finds out whether it exists.
pub async fn resolve(db: impl PgExecutor<'_>, raw: &str) -> Result<Option<Uuid>, sqlx::Error> {
    if let Ok(id) = Uuid::parse_str(raw) {
        return Ok(Some(id));
    }
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM listings WHERE external_id = $1 LIMIT 2")
            .bind(raw)
            .fetch_all(db)
            .await?;
    Ok(match <[Uuid; 1]>::try_from(ids) {
        Ok([id]) => Some(id),
        Err(_) => None,
    })
}
