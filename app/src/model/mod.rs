//! Wire types both sides use.

pub mod account;
pub mod catalog;
pub mod component;
pub mod kind;
pub mod listing;
pub mod package;
pub mod page;
pub mod schema;
pub mod skill;
pub mod stats;
pub mod studio;
pub mod workflow;
