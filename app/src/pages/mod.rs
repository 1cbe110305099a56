//! One module per area of the site.

pub mod account;
pub mod browse;
pub mod home;
pub mod listing;
pub mod listing_charts;
pub mod not_found;
pub mod operator;
pub mod operator_federation;
pub mod publish;
pub mod url_errors;
