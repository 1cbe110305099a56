use crate::error::MarketError;
use leptos::prelude::*;

/// A failure shown where it happened, with its documented message.
#[component]
pub fn ErrorNotice(error: MarketError) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
            <p class="font-medium">{error.message}</p>
            <p class="mt-1 font-mono text-xs opacity-75">{error.code.as_str()}</p>
        </div>
    }
}
