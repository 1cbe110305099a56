//! The use cases: every rule of the marketplace lives here.

pub mod accounts;
pub mod admin;
pub mod agent_templates;
pub mod agents;
pub mod catalog;
pub mod catalog_pages;
pub mod components;
pub mod credentials;
pub mod domains;
pub mod governance;
pub mod keys;
pub mod listings;
pub mod login_budget;
pub mod oauth;
pub mod packages;
pub mod quotas;
pub mod seed;
pub mod seed_kinds;
pub mod skills;
pub mod stats;
pub mod studio_pages;
pub mod workflows;
