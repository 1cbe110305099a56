//! The marketplace's Leptos crate: compiled for the browser (`hydrate`) and
//! for the server (`ssr`). Everything under [`backend`] is server-only.

#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod model;
pub mod pages;
mod routes;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod backend;

pub use routes::App;

use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
                // Last in the body: islands hydrate in document order.
                <components::layout::HydrationMarker />
            </body>
        </html>
    }
}
