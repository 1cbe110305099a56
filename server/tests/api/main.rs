//! One integration-test binary: the real router on a fresh Postgres
//! database per test (`#[sqlx::test]` creates and drops it).

mod agent_marketplace;
mod agents;
mod attacks_content;
mod attacks_credentials;
mod attacks_doors;
mod attacks_packages_maturity;
mod attacks_quotas;
mod browse;
mod cli;
mod cli_support;
mod common;
mod components;
mod domains;
mod envelope;
mod faults;
mod fixtures;
mod governance;
mod health;
mod identity;
mod install_governance;
mod isolation;
mod keys;
mod limits;
mod metrics;
mod oauth;
mod openapi;
mod pages;
mod processes;
mod quotas;
mod rate_limits;
mod ratings;
mod redis_limits;
mod replica;
mod skills;
mod workflows;
