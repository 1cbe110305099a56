//! The address a request came from, as the rate limiter decided it (the
//! peer, or behind a trusted proxy the first address the proxies did not
//! add). The limiter puts it into the request's extensions, so every door
//! reads the same answer.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl ClientIp {
    /// A request that never passed the limiter (the operator's command
    /// line, unit tests): one shared address.
    pub fn unknown() -> Self {
        ClientIp("unknown".to_owned())
    }

    /// The caller of a server function.
    pub fn from_context() -> Self {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<ClientIp>().cloned())
            .unwrap_or_else(Self::unknown)
    }
}
