//! Webhooks: a tenant registers endpoints for events, lists and deletes
//! them, reads each one's delivery log and asks for a delivery again.
//! Everything is the caller's tenant's: another tenant's webhook or
//! delivery is the same 404 as one that does not exist. The events
//! themselves are written by [`super::webhook_events`]; the server's
//! delivery worker sends them.

use crate::backend::auth::{Permission, Principal};
use crate::backend::db::webhooks as db;
use crate::backend::services::quotas::{self, Quota};
use crate::backend::state::AppState;
use crate::backend::webhook_targets;
use crate::error::{MarketError, MarketResult};
use crate::model::page::PageParams;
use crate::model::webhook::{
    CreateWebhookRequest, CreatedWebhook, Delivery, DeliveryPage, EventType, Webhook, WebhookList,
};
use uuid::Uuid;

/// Longest description kept.
use crate::model::webhook::MAX_DESCRIPTION;

/// `whsec_` + base64 of 32 random bytes, as Standard Webhooks writes it.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The subscribed events, each once, in the order given; none is
/// `VALIDATION_ERROR`, an unknown one `INVALID_ENUM_VALUE`.
fn parse_events(raw: &[String]) -> MarketResult<Vec<EventType>> {
    if raw.is_empty() || raw.len() > EventType::ALL.len() {
        return Err(MarketError::validation(
            "events",
            format!("Subscribe to 1 to {} events", EventType::ALL.len()),
        ));
    }
    let mut events = Vec::with_capacity(raw.len());
    for name in raw {
        let e = EventType::parse(name)?;
        if !events.contains(&e) {
            events.push(e);
        }
    }
    Ok(events)
}

fn parse_description(raw: Option<&str>) -> MarketResult<Option<String>> {
    let Some(d) = raw.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(MarketError::validation(
            "description",
            format!("At most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(Some(d.to_owned()))
}

fn not_found() -> MarketError {
    MarketError::route_not_found().with_message("Webhook not found")
}

fn delivery_not_found() -> MarketError {
    MarketError::route_not_found().with_message("Delivery not found")
}

fn to_webhook(row: db::WebhookRow) -> Webhook {
    Webhook {
        id: row.id,
        url: row.url,
        events: row.events,
        description: row.description,
        created_at: row.created_at,
    }
}

fn to_delivery(row: db::DeliveryRow) -> Delivery {
    Delivery {
        id: row.id,
        event_id: row.event_id,
        event_type: row.event_type,
        status: row.status,
        attempts: row.attempts,
        last_status_code: row.last_status_code,
        next_attempt_at: row.next_attempt_at,
    }
}

/// Registers a webhook; its secret is in this answer only.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    req: &CreateWebhookRequest,
) -> MarketResult<CreatedWebhook> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let url = webhook_targets::parse_url(&req.url)?;
    let events = parse_events(&req.events)?;
    let description = parse_description(req.description.as_deref())?;
    // Before any transaction: DNS may take a moment.
    webhook_targets::check_public(&url, state.settings.webhooks.allow_private).await?;
    let secret = new_secret();
    let mut tx = state.pool.begin().await?;
    quotas::ensure_room(&mut tx, principal.tenant_id, Quota::Webhooks).await?;
    let row = db::insert(
        &mut *tx,
        db::NewWebhook {
            id: Uuid::now_v7(),
            tenant_id: principal.tenant_id,
            created_by: principal.user_id,
            url: url.as_str(),
            description: description.as_deref(),
            events: &events,
            secret: &secret,
        },
    )
    .await?;
    tx.commit().await?;
    let hook = to_webhook(row);
    Ok(CreatedWebhook {
        id: hook.id,
        url: hook.url,
        events: hook.events,
        description: hook.description,
        secret,
        created_at: hook.created_at,
    })
}

pub async fn list(state: &AppState, principal: &Principal) -> MarketResult<WebhookList> {
    principal.require(Permission::SkillManage)?;
    let rows = db::list(&state.pool, principal.tenant_id).await?;
    Ok(WebhookList {
        webhooks: rows.into_iter().map(to_webhook).collect(),
    })
}

pub async fn delete(state: &AppState, principal: &Principal, id: Uuid) -> MarketResult<()> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    if db::delete(&state.pool, principal.tenant_id, id).await? {
        Ok(())
    } else {
        Err(not_found())
    }
}

pub async fn deliveries(
    state: &AppState,
    principal: &Principal,
    webhook_id: Uuid,
    page: PageParams,
) -> MarketResult<DeliveryPage> {
    principal.require(Permission::SkillManage)?;
    if !db::exists(&state.pool, principal.tenant_id, webhook_id).await? {
        return Err(not_found());
    }
    let (rows, total) = db::deliveries(&state.pool, webhook_id, page.limit, page.offset).await?;
    Ok(DeliveryPage {
        deliveries: rows.into_iter().map(to_delivery).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
        has_more: page.has_more(total),
    })
}

/// Sends a delivery again: pending and due now, whatever it came to
/// before. Its attempts keep counting, so a failed one gets one more try.
pub async fn redeliver(
    state: &AppState,
    principal: &Principal,
    delivery_id: Uuid,
) -> MarketResult<Delivery> {
    principal.require(Permission::SkillManage)?;
    principal.require_write()?;
    let row = db::redeliver(&state.pool, principal.tenant_id, delivery_id)
        .await?
        .ok_or_else(delivery_not_found)?;
    Ok(to_delivery(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_whsec_and_32_bytes() {
        use base64::Engine;
        let s = new_secret();
        let raw = s.strip_prefix("whsec_").expect("prefix");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(raw)
            .expect("base64");
        assert_eq!(bytes.len(), 32);
        assert_ne!(new_secret(), s);
    }

    #[test]
    fn events_are_known_and_kept_once() {
        let got =
            parse_events(&["review.created".into(), "review.created".into()]).expect("events");
        assert_eq!(got, vec![EventType::ReviewCreated]);
        assert!(parse_events(&[]).is_err());
        assert_eq!(
            parse_events(&["nope".into()]).expect_err("unknown").code,
            crate::error::ErrorCode::InvalidEnumValue
        );
    }
}
