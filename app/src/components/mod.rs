//! Presentational pieces shared by the pages.

pub mod chart;
pub mod error_notice;
pub mod form;
pub mod island_form;
pub mod layout;
pub mod listing_card;
pub mod number;
pub mod stars;
pub mod trust;
