//! What a listing page shows to tell visitors how far to trust it: the
//! deprecation banner, who reviewed and whether they had it installed, and
//! the way in for visitors who cannot rate yet.

use crate::model::catalog::ReviewView;
use crate::model::deprecation::DeprecationNotice;
use leptos::prelude::*;

/// The publisher deprecated this listing: why, since when, and the
/// listing to use instead.
#[component]
pub fn DeprecationBanner(n: DeprecationNotice) -> impl IntoView {
    view! {
        <div role="note" aria-labelledby="deprecated-title" data-testid="deprecation-banner"
            class="rounded-xl border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
            <p id="deprecated-title" class="font-semibold">{format!("Deprecated since {}", n.deprecated_at)}</p>
            <p class="mt-1 break-words">{n.reason.clone()}</p>
            {n.replacement.clone().map(|(href, name)| view! {
                <p class="mt-2">
                    "Use "
                    <a href=href data-testid="replacement-link"
                        class="font-medium underline underline-offset-2 hover:no-underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-amber-600">
                        {name}
                    </a>
                    " instead."
                </p>
            })}
        </div>
    }
}

/// The reviewer's tenant and, when it had the listing installed while
/// rating, the "Verified install" badge with the version.
#[component]
pub fn Reviewer(r: ReviewView) -> impl IntoView {
    view! {
        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
            <span data-testid="reviewer">{r.tenant_name.clone()}</span>
            {r.verified_install.then(|| view! {
                <span data-testid="verified-badge"
                    class="inline-flex items-center gap-1 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
                    <span aria-hidden="true">"✓"</span>"Verified install"
                </span>
            })}
            {r.version.clone().map(|v| view! {
                <span data-testid="review-version" class="font-mono text-xs">{format!("v{}", v.trim_start_matches(['v', 'V']))}</span>
            })}
        </p>
    }
}

/// In place of the rating form for visitors who are not logged in: the
/// form could only fail for them.
#[component]
pub fn LogInToRate(href: String) -> impl IntoView {
    let login = format!("/login?next={}", urlencoding_path(&href));
    view! {
        <p class="mt-6 rounded-xl border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
            <a href=login data-testid="login-to-rate"
                class="font-medium text-indigo-700 underline underline-offset-2 hover:no-underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300">
                "Log in to rate"
            </a>
            " and review it."
        </p>
    }
}

/// A page path as a query value: ids are UUIDs or `[A-Za-z0-9_.-]`, so
/// only the characters a query gives meaning to need escaping.
fn urlencoding_path(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '&' => "%26".to_owned(),
            '#' => "%23".to_owned(),
            '?' => "%3F".to_owned(),
            '+' => "%2B".to_owned(),
            ' ' => "%20".to_owned(),
            c => c.to_string(),
        })
        .collect()
}
