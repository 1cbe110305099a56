//! `#[server]` functions: thin doors onto the backend's use cases.
//! Each has a stable endpoint under `/sfn/` so tests and curl can call it.

pub mod catalog;
