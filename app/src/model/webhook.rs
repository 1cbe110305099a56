//! Webhooks on the wire: endpoints a tenant registers, the events they
//! hear about and the log of deliveries.

use crate::error::MarketResult;
use crate::model::account::invalid_enum;
use crate::model::schema;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use uuid::Uuid;

/// The most a webhook's description holds.
pub const MAX_DESCRIPTION: usize = 500;

/// What a webhook can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventType {
    #[serde(rename = "listing.submitted")]
    ListingSubmitted,
    #[serde(rename = "listing.approved")]
    ListingApproved,
    #[serde(rename = "listing.rejected")]
    ListingRejected,
    #[serde(rename = "listing.suspended")]
    ListingSuspended,
    #[serde(rename = "review.created")]
    ReviewCreated,
    #[serde(rename = "install.created")]
    InstallCreated,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::ListingSubmitted,
        EventType::ListingApproved,
        EventType::ListingRejected,
        EventType::ListingSuspended,
        EventType::ReviewCreated,
        EventType::InstallCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ListingSubmitted => "listing.submitted",
            EventType::ListingApproved => "listing.approved",
            EventType::ListingRejected => "listing.rejected",
            EventType::ListingSuspended => "listing.suspended",
            EventType::ReviewCreated => "review.created",
            EventType::InstallCreated => "install.created",
        }
    }

    /// An unknown name is `400 INVALID_ENUM_VALUE` naming the allowed ones.
    pub fn parse(raw: &str) -> MarketResult<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == raw)
            .ok_or_else(|| invalid_enum("events", raw, &Self::ALL.map(EventType::as_str)))
    }
}

/// `POST /api/webhooks`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateWebhookRequest {
    /// An `http(s)` URL whose host is a public address.
    #[schema(schema_with = url_schema)]
    pub url: String,
    /// The events to deliver (at least one).
    #[schema(schema_with = events_schema)]
    pub events: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = description_schema)]
    pub description: Option<String>,
}

fn url_schema() -> RefOr<Schema> {
    schema::of(serde_json::json!({
        "type": "string", "maxLength": crate::model::bounds::HttpUrl::MAX, "pattern": "^https?://[^\\x00]+$"
    }))
}

fn events_schema() -> RefOr<Schema> {
    schema::of(serde_json::json!({
        "type": "array",
        "minItems": 1,
        "maxItems": 6,
        "items": schema::one_of(&EventType::ALL, EventType::as_str),
    }))
}

fn description_schema() -> RefOr<Schema> {
    schema::of(serde_json::json!({
        "type": ["string", "null"], "maxLength": MAX_DESCRIPTION, "pattern": schema::NO_NUL
    }))
}

/// A new webhook, with its signing secret (shown this once).
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<EventType>,
    #[schema(required)]
    pub description: Option<String>,
    /// `whsec_` + base64 of 32 random bytes: the HMAC-SHA256 key of every
    /// delivery's `webhook-signature` is the base64-decoded part.
    pub secret: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl std::fmt::Debug for CreatedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedWebhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("description", &self.description)
            .field("secret", &"***")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A webhook as listed: never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<EventType>,
    #[schema(required)]
    pub description: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<Webhook>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

// The tables' CHECKs allow only these names; anything else is a decode
// error (a 500 logged once), never silently another value.
crate::model::stored_as_text!(EventType, DeliveryStatus);

/// One event on its way to one webhook.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    /// The `webhook-id` header of every attempt.
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    /// Attempts started so far.
    pub attempts: i32,
    /// The HTTP status of the latest answer (`null`: none yet, or the
    /// attempt got no answer).
    #[schema(required)]
    pub last_status_code: Option<i32>,
    /// When the next attempt is due; `null` once delivered or failed.
    #[schema(required)]
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A page of a webhook's deliveries, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryPage {
    pub deliveries: Vec<Delivery>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_round_trip_and_unknown_ones_are_invalid_enum_values() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()).expect("known"), e);
            assert_eq!(
                serde_json::to_value(e).expect("json"),
                serde_json::json!(e.as_str())
            );
        }
        let err = EventType::parse("listing.deleted").expect_err("unknown");
        assert_eq!(err.code, crate::error::ErrorCode::InvalidEnumValue);
    }
}
