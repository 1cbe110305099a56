//! Sign up, log in, and the account page with API keys.

pub mod analytics;
pub mod keys;
pub mod login;
pub mod signup;
pub mod studio;
