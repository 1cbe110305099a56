//! The marketplace engine: server-only. Use cases live in [`services`], all
//! SQL in [`db`]; the doors (server functions, JSON routes) only translate.

pub mod auth;
pub mod charts;
pub mod client_ip;
pub mod db;
pub mod federation_sync;
pub mod markdown;
pub mod secrets;
pub mod services;
pub mod session;
pub mod state;
pub mod version_ranges;
pub mod webhook_targets;
