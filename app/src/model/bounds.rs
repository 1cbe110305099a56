//! Every input bound, written once: each newtype holds its limit as a
//! const, parses input into itself (or into the documented `400` naming
//! the field) and writes its own JSON Schema from that const, so the
//! parser, the OpenAPI document and the page forms' `maxlength` cannot
//! disagree. The database's CHECK constraints (migrations) stay as the
//! last guard; they are never looser than these.

use crate::error::{MarketError, MarketResult};
use crate::model::account::parse_name;
use crate::model::listing::parse_optional_text;
use crate::model::schema;
use serde_json::{json, Value};

/// A name-like field: trimmed, 1 to `MAX` printable characters.
macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            /// Blank is `MISSING_REQUIRED_FIELD`; more than `MAX`
            /// characters (counted before trimming, as `maxLength` counts
            /// them) or a control character is `VALIDATION_ERROR`; both
            /// name `field`.
            pub fn parse(field: &str, raw: &str) -> MarketResult<Self> {
                parse_name(field, raw, Self::MAX).map(Self)
            }

            /// `parse` of an optional field: absent stays absent.
            pub fn parse_opt(field: &str, raw: Option<&str>) -> MarketResult<Option<String>> {
                raw.map(|r| Self::parse(field, r).map(String::from)).transpose()
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }

            /// What `parse` accepts.
            pub fn schema() -> Value {
                schema::name(Self::MAX)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

/// An optional text field: empty allowed, at most `MAX` characters.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            /// Absent is empty; more than `MAX` characters is
            /// `VALIDATION_ERROR` naming `field`. Taken as written.
            pub fn parse(field: &str, raw: Option<&str>) -> MarketResult<Self> {
                parse_optional_text(field, raw, Self::MAX).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }

            /// What `parse` accepts.
            pub fn schema() -> Value {
                schema::text(Self::MAX)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

name_type!(
    /// The name of a listing, an agent, a domain copy, a template's author
    /// or a dependency.
    DisplayName,
    200
);

name_type!(
    /// A short label: category, license, industry, and the names of a
    /// tenant, an API key and an OAuth client.
    ShortName,
    100
);

name_type!(
    /// A workflow's name: given when it is made from a template, or
    /// `Imported: ` and the imported file's name.
    WorkflowName,
    300
);

text_type!(
    /// A listing's (or a version's, a vulnerability's) description.
    Description,
    2000
);

text_type!(
    /// A listing's long description (markdown).
    LongDescription,
    100_000
);

/// A review, or a publisher's answer to one.
pub struct ReviewText;

impl ReviewText {
    pub const MAX: usize = 5000;

    /// What a review field accepts (its parsers trim first).
    pub fn schema() -> Value {
        schema::text(Self::MAX)
    }
}

/// An operator's or a reporter's reason: a rejection, a suspension, a
/// flag, a deprecation, a message to a publisher.
pub struct Reason;

impl Reason {
    pub const MAX: usize = 500;

    /// A required reason (`?reason=` of the decisions): 1 to `MAX`
    /// printable characters.
    pub fn schema() -> Value {
        schema::name(Self::MAX)
    }
}

/// An http(s) URL a publisher or an operator gives (documentation,
/// repository, webhook, redirect, federation peer).
pub struct HttpUrl;

impl HttpUrl {
    pub const MAX: usize = 2000;
}

/// A listing's tags: trimmed, lower-cased, de-duplicated, at most
/// `MAX_COUNT`, each 1 to `MAX_LEN` characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX_COUNT: usize = 20;
    pub const MAX_LEN: usize = 40;

    /// Blank tags are dropped; a longer or unprintable tag, or more than
    /// `MAX_COUNT`, is `VALIDATION_ERROR` naming `tags`.
    pub fn parse(raw: &[String]) -> MarketResult<Self> {
        let mut out: Vec<String> = Vec::new();
        for t in raw {
            let t = t.trim().to_lowercase();
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > Self::MAX_LEN || t.chars().any(char::is_control) {
                return Err(MarketError::validation(
                    "tags",
                    format!("Each tag is 1 to {} printable characters", Self::MAX_LEN),
                ));
            }
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if out.len() > Self::MAX_COUNT {
            return Err(MarketError::validation(
                "tags",
                format!("At most {} tags", Self::MAX_COUNT),
            ));
        }
        Ok(Tags(out))
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }

    /// A shape the parser always accepts as it is.
    pub fn schema() -> Value {
        json!({
            "type": "array",
            "maxItems": Self::MAX_COUNT,
            "items": {
                "type": "string",
                "pattern": format!("^[a-z0-9][a-z0-9 _-]{{0,{}}}$", Self::MAX_LEN - 1),
            },
        })
    }
}

/// A price in the listing's currency: 0 to `MAX`, rounded to cents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Price(f64);

impl Price {
    pub const MAX: f64 = 100_000.0;

    /// Absent is free; anything outside 0..=`MAX` (or not finite) is
    /// `VALIDATION_ERROR` naming `field`.
    pub fn parse(field: &str, price: Option<f64>) -> MarketResult<Self> {
        match price {
            None => Ok(Price(0.0)),
            Some(p) if p.is_finite() && (0.0..=Self::MAX).contains(&p) => {
                Ok(Price((p * 100.0).round() / 100.0))
            }
            Some(_) => Err(MarketError::validation(
                field,
                format!("Price must be between 0 and {}", Self::MAX),
            )),
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// `MAX` as the document writes it (an integer).
    pub fn max_int() -> i64 {
        Self::MAX as i64
    }

    pub fn schema() -> Value {
        json!({"type": "number", "minimum": 0, "maximum": Self::max_int()})
    }
}

/// A rating: `MIN` to `MAX` stars, whole (skills, components) or in halves
/// (domains, which the reference lets rate 4.5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rating(f64);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    /// Outside `MIN..=MAX`, not finite or not a whole (or half) star is
    /// `VALIDATION_ERROR` naming `rating`.
    pub fn parse(rating: f64, halves: bool) -> MarketResult<Self> {
        let valid = rating.is_finite()
            && (f64::from(Self::MIN)..=f64::from(Self::MAX)).contains(&rating)
            && if halves {
                (rating * 2.0).fract() == 0.0
            } else {
                rating.fract() == 0.0
            };
        if valid {
            return Ok(Rating(rating));
        }
        let allowed = if halves {
            format!("{}.0 to {}.0 in steps of 0.5", Self::MIN, Self::MAX)
        } else {
            format!("a whole number from {} to {}", Self::MIN, Self::MAX)
        };
        Err(MarketError::validation(
            "rating",
            format!("Rating must be {allowed}"),
        ))
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// A rating in steps of `step` (1.0: whole stars, 0.5: halves).
    pub fn schema(step: f64) -> Value {
        json!({"type": "number", "minimum": Self::MIN, "maximum": Self::MAX, "multipleOf": step})
    }

    /// A rating as the answers carry it (a `numeric` read back as a number).
    pub fn reply_schema() -> Value {
        json!({"type": "number", "format": "double", "minimum": Self::MIN, "maximum": Self::MAX})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn field_of(e: &MarketError) -> String {
        e.details
            .as_ref()
            .and_then(|d| d["field"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn names_take_their_max_and_refuse_one_more_naming_the_field() {
        let ok = "n".repeat(DisplayName::MAX);
        assert_eq!(DisplayName::parse("name", &ok).expect("max").as_str(), ok);
        let e = DisplayName::parse("name", &"n".repeat(DisplayName::MAX + 1)).expect_err("max+1");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(field_of(&e), "name");

        assert!(ShortName::parse("category", &"c".repeat(ShortName::MAX)).is_ok());
        let e = ShortName::parse("category", &"c".repeat(ShortName::MAX + 1)).expect_err("max+1");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(field_of(&e), "category");

        let e = DisplayName::parse("author", "  ").expect_err("blank");
        assert_eq!(e.code, ErrorCode::MissingRequiredField);
        assert_eq!(field_of(&e), "author");
        assert_eq!(
            DisplayName::parse("name", " a ").expect("trim").as_str(),
            "a"
        );
    }

    #[test]
    fn texts_take_their_max_and_refuse_one_more_naming_the_field() {
        let ok = "d".repeat(Description::MAX);
        assert_eq!(
            Description::parse("description", Some(&ok))
                .expect("max")
                .as_str(),
            ok
        );
        let e = Description::parse("description", Some(&"d".repeat(Description::MAX + 1)))
            .expect_err("max+1");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(field_of(&e), "description");
        assert_eq!(
            Description::parse("description", None)
                .expect("absent")
                .as_str(),
            ""
        );

        let long = "l".repeat(LongDescription::MAX);
        assert!(LongDescription::parse("long_description", Some(&long)).is_ok());
        let e = LongDescription::parse("long_description", Some(&format!("{long}l")))
            .expect_err("max+1");
        assert_eq!(field_of(&e), "long_description");
    }

    #[test]
    fn tags_take_their_max_count_and_length() {
        let max: Vec<String> = (0..Tags::MAX_COUNT).map(|i| format!("t{i}")).collect();
        assert_eq!(
            Tags::parse(&max).expect("max").into_vec().len(),
            Tags::MAX_COUNT
        );
        let mut more = max.clone();
        more.push("one-more".into());
        let e = Tags::parse(&more).expect_err("max+1");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(field_of(&e), "tags");
        // Duplicates and blanks do not count.
        more.pop();
        more.push("T0".into());
        more.push(" ".into());
        assert_eq!(
            Tags::parse(&more).expect("dedup").into_vec().len(),
            Tags::MAX_COUNT
        );

        assert!(Tags::parse(&["x".repeat(Tags::MAX_LEN)]).is_ok());
        let e = Tags::parse(&["x".repeat(Tags::MAX_LEN + 1)]).expect_err("long");
        assert_eq!(field_of(&e), "tags");
        assert_eq!(
            Tags::parse(&[" Python ".into(), "python".into(), "Data".into()])
                .expect("normalised")
                .into_vec(),
            ["python", "data"]
        );
    }

    #[test]
    fn prices_take_zero_to_max() {
        assert_eq!(
            Price::parse("price", Some(Price::MAX)).expect("max").get(),
            Price::MAX
        );
        assert_eq!(Price::parse("price", Some(0.0)).expect("free").get(), 0.0);
        assert_eq!(Price::parse("price", None).expect("absent").get(), 0.0);
        assert_eq!(
            Price::parse("price", Some(19.999)).expect("cents").get(),
            20.0
        );
        for bad in [Price::MAX + 0.01, -0.01, f64::NAN, f64::INFINITY] {
            let e = Price::parse("price", Some(bad)).expect_err("outside");
            assert_eq!(e.code, ErrorCode::ValidationError);
            assert_eq!(field_of(&e), "price");
        }
    }

    #[test]
    fn ratings_take_min_to_max_in_their_steps() {
        let (min, max) = (f64::from(Rating::MIN), f64::from(Rating::MAX));
        assert!(Rating::parse(min, false).is_ok());
        assert!(Rating::parse(max, false).is_ok());
        assert!(Rating::parse(4.5, true).is_ok());
        for (bad, halves) in [
            (max + 1.0, false),
            (min - 1.0, false),
            (4.5, false),
            (max + 0.5, true),
            (4.25, true),
            (f64::NAN, true),
        ] {
            let e = Rating::parse(bad, halves).expect_err("refused");
            assert_eq!(e.code, ErrorCode::ValidationError);
            assert_eq!(field_of(&e), "rating");
        }
    }

    #[test]
    fn schemas_carry_the_same_bounds() {
        assert_eq!(DisplayName::schema()["maxLength"], 200);
        assert_eq!(ShortName::schema()["maxLength"], 100);
        assert_eq!(Description::schema()["maxLength"], 2000);
        assert_eq!(LongDescription::schema()["maxLength"], 100_000);
        assert_eq!(Tags::schema()["maxItems"], 20);
        assert_eq!(
            Tags::schema()["items"]["pattern"],
            "^[a-z0-9][a-z0-9 _-]{0,39}$"
        );
        assert_eq!(Price::schema()["maximum"], 100_000);
        assert_eq!(Rating::schema(0.5)["maximum"], 5);
        assert_eq!(ReviewText::schema()["maxLength"], 5000);
        assert_eq!(Reason::schema()["maxLength"], 500);
    }
}
