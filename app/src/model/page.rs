//! Pagination parameters, parsed once with the documented errors.

use crate::error::{ErrorCode, MarketError, MarketResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageParams {
    pub limit: i64,
    pub offset: i64,
}

impl PageParams {
    /// The most one page of a list holds.
    pub const MAX_LIMIT: i64 = 100;
    /// The most a short list holds (featured templates, trending domains).
    pub const MAX_SHORT_LIMIT: i64 = 50;

    /// Offsets stop here: deeper pages cost a scan of every row before them
    /// (a filter or a search narrows instead), and the bound keeps
    /// `offset + limit` far from overflow.
    pub const MAX_OFFSET: i64 = 10_000;

    /// `limit` outside 1..=max is `INVALID_LIMIT`; a negative offset is
    /// `VALIDATION_ERROR`.
    pub fn parse(
        limit: Option<i64>,
        offset: Option<i64>,
        default: i64,
        max: i64,
    ) -> MarketResult<Self> {
        let limit = limit.unwrap_or(default);
        if limit < 1 {
            return Err(
                MarketError::new(ErrorCode::InvalidLimit, "Minimum limit is 1")
                    .with_details(serde_json::json!({ "field": "limit", "max": max })),
            );
        }
        if limit > max {
            return Err(MarketError::new(
                ErrorCode::InvalidLimit,
                format!("Maximum limit is {max}"),
            )
            .with_details(serde_json::json!({ "field": "limit", "max": max })));
        }
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(MarketError::validation(
                "offset",
                "offset must be 0 or more",
            ));
        }
        if offset > Self::MAX_OFFSET {
            return Err(MarketError::validation(
                "offset",
                format!(
                    "offset may be at most {}: narrow the results with a search or filters",
                    Self::MAX_OFFSET
                ),
            ));
        }
        Ok(PageParams { limit, offset })
    }

    /// The schema of a `?limit=` that `parse` with this `max` accepts.
    pub fn limit_schema(max: i64) -> serde_json::Value {
        serde_json::json!({"type": "integer", "minimum": 1, "maximum": max})
    }

    /// The schema of a `?offset=` that `parse` accepts.
    pub fn offset_schema() -> serde_json::Value {
        serde_json::json!({"type": "integer", "minimum": 0, "maximum": Self::MAX_OFFSET})
    }

    pub fn has_more(&self, total: i64) -> bool {
        self.offset.saturating_add(self.limit) < total
    }
}

/// A keyset position in a newest-first (or oldest-first) listing: the
/// creation time and id of the last row seen. On the wire it is
/// `<microseconds since the epoch>.<uuid>`, which clients treat as opaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
}

impl Cursor {
    pub fn parse(raw: &str) -> MarketResult<Self> {
        let bad = || MarketError::validation("cursor", "Not a cursor this API gave out");
        let (micros, id) = raw.split_once('.').ok_or_else(bad)?;
        if micros.is_empty() || micros.len() > 16 || !micros.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        // Exactly the form `encode` writes: hyphenated, lower-case.
        let canonical = id.len() == 36
            && id.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
            });
        if !canonical {
            return Err(bad());
        }
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let created_at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Cursor { created_at, id })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at.timestamp_micros(), self.id)
    }
}

/// Totals beyond this are reported as this: no offset reaches past it
/// (see `PageParams::MAX_OFFSET`), and counting every match of a broad
/// search would cost more than the page itself.
pub const COUNT_CAP: i64 = PageParams::MAX_OFFSET + 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor {
            created_at: chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456)
                .expect("time"),
            id: uuid::Uuid::nil(),
        };
        assert_eq!(Cursor::parse(&c.encode()).expect("parse"), c);
        for bad in [
            "",
            ".",
            "12",
            "x.00000000-0000-0000-0000-000000000000",
            "1.not-a-uuid",
            "-1.00000000-0000-0000-0000-000000000000",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_take_their_max_and_refuse_one_more_naming_the_field() {
        for max in [PageParams::MAX_LIMIT, PageParams::MAX_SHORT_LIMIT] {
            assert_eq!(
                PageParams::parse(Some(max), None, 10, max)
                    .expect("max")
                    .limit,
                max
            );
            let e = PageParams::parse(Some(max + 1), None, 10, max).expect_err("max+1");
            assert_eq!(e.code, ErrorCode::InvalidLimit);
            let d = e.details.expect("details");
            assert_eq!(d["field"], "limit");
            assert_eq!(d["max"], max);
            assert_eq!(PageParams::limit_schema(max)["maximum"], max);
        }
        let e =
            PageParams::parse(None, Some(PageParams::MAX_OFFSET + 1), 10, 100).expect_err("offset");
        assert_eq!(e.details.expect("details")["field"], "offset");
        assert_eq!(
            PageParams::offset_schema()["maximum"],
            PageParams::MAX_OFFSET
        );
    }

    #[test]
    fn offsets_are_capped() {
        assert!(PageParams::parse(None, Some(10_000), 50, 100).is_ok());
        assert!(PageParams::parse(None, Some(10_001), 50, 100).is_err());
        assert!(PageParams::parse(None, Some(i64::MAX), 50, 100).is_err());
    }

    #[test]
    fn limits_and_offsets_are_checked() {
        assert_eq!(
            PageParams::parse(None, None, 50, 100).expect("defaults"),
            PageParams {
                limit: 50,
                offset: 0
            }
        );
        assert_eq!(
            PageParams::parse(Some(101), None, 50, 100)
                .expect_err("big")
                .code,
            ErrorCode::InvalidLimit
        );
        assert_eq!(
            PageParams::parse(Some(0), None, 50, 100)
                .expect_err("zero")
                .code,
            ErrorCode::InvalidLimit
        );
        assert_eq!(
            PageParams::parse(Some(10), Some(-1), 50, 100)
                .expect_err("negative")
                .code,
            ErrorCode::ValidationError
        );
        let p = PageParams::parse(Some(10), Some(20), 50, 100).expect("ok");
        assert!(p.has_more(31));
        assert!(!p.has_more(30));
    }
}
