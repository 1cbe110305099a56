//! A tenant's agents: the install target of skills, and how far each has
//! graduated.

use crate::error::MarketResult;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How far an agent has graduated, least mature first (the order is the
/// rank: a skill's risk asks for at least one of them).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Maturity {
    Student,
    Intern,
    Supervised,
    Autonomous,
}

impl Maturity {
    pub const ALL: [Maturity; 4] = [
        Maturity::Student,
        Maturity::Intern,
        Maturity::Supervised,
        Maturity::Autonomous,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Maturity::Student => "student",
            Maturity::Intern => "intern",
            Maturity::Supervised => "supervised",
            Maturity::Autonomous => "autonomous",
        }
    }

    /// The level after this one (`None`: autonomous).
    pub fn next(self) -> Option<Maturity> {
        Self::ALL.into_iter().find(|m| *m > self)
    }

    /// `field`'s value as a maturity, `INVALID_ENUM_VALUE` naming `field`
    /// otherwise.
    pub fn parse(field: &str, s: &str) -> MarketResult<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                crate::model::account::invalid_enum(field, s, &Self::ALL.map(Maturity::as_str))
            })
    }
}

impl std::fmt::Display for Maturity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::model::stored_as_text!(Maturity);

/// One of a tenant's agents as the services hand it out.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AgentRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub maturity: Maturity,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maturities_rank_in_order_and_keep_their_stored_names() {
        assert!(Maturity::Student < Maturity::Intern);
        assert!(Maturity::Supervised < Maturity::Autonomous);
        assert_eq!(Maturity::Student.next(), Some(Maturity::Intern));
        assert_eq!(Maturity::Autonomous.next(), None);
        for m in Maturity::ALL {
            assert_eq!(
                serde_json::to_value(m).ok(),
                Some(serde_json::Value::from(m.as_str()))
            );
            assert_eq!(Maturity::parse("maturity", m.as_str()).ok(), Some(m));
        }
        assert!(Maturity::parse("maturity", "expert").is_err());
    }
}
