//! Log-in, sign-up and log-out change who is asking; everything that shows
//! the current user refetches when this counter moves.

use crate::error::MarketError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[derive(Clone, Copy)]
pub struct AuthEpoch(pub RwSignal<u64>);

pub fn provide() {
    provide_context(AuthEpoch(RwSignal::new(0)));
}

pub fn epoch() -> RwSignal<u64> {
    use_context::<AuthEpoch>().map_or_else(|| RwSignal::new(0), |a| a.0)
}

pub fn bump_on_success<S>(action: ServerAction<S>)
where
    S: ServerFn<Output = (), Error = MarketError> + Clone + Send + Sync + 'static,
{
    let epoch = epoch();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            epoch.update(|n| *n += 1);
        }
    });
}
