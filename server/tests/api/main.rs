//! One integration-test binary: the real router on a fresh Postgres
//! database per test (`#[sqlx::test]` creates and drops it).

mod common;
mod envelope;
mod health;
mod identity;
mod keys;
mod oauth;
mod pages;
mod rate_limits;
