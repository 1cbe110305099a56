//! Wire types both sides use, and the domain records the services hand
//! out (decoded straight from the database on the server: a stored status,
//! kind, role, plan or maturity is its enum, never a string to compare).

/// Stores an enum with `ALL` and `as_str` as its text: a column of that
/// text decodes to the variant (a value we do not know is a decode error,
/// not a default), and binding one binds its text. Server only.
macro_rules! stored_as_text {
    ($($name:ty),+ $(,)?) => {$(
        #[cfg(feature = "ssr")]
        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                <$name>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == text)
                    .ok_or_else(|| {
                        format!("{text:?} is not a stored {}", stringify!($name)).into()
                    })
            }
        }

        #[cfg(feature = "ssr")]
        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }
    )+};
}

pub(crate) use stored_as_text;

pub mod account;
pub mod agent;
pub mod bounds;
pub mod capability;
pub mod catalog;
pub mod component;
pub mod deprecation;
pub mod federation;
pub mod kind;
pub mod listing;
pub mod package;
pub mod page;
pub mod schema;
pub mod schema_diff;
pub mod skill;
pub mod stats;
pub mod studio;
pub mod webhook;
pub mod workflow;
