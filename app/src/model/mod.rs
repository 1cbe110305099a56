//! Wire types both sides use.

pub mod account;
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
