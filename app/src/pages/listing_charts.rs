//! A listing's charts on its page, for its publisher and operators only:
//! installs over the last 90 days and the rating trend. Drawn on the
//! server; the section is absent for everyone else.

use crate::components::chart::Chart;
use crate::server_fns::stats::listing_charts;
use leptos::prelude::*;

#[component]
pub fn PublisherCharts(id: String) -> impl IntoView {
    let charts = Resource::new(move || id.clone(), listing_charts);
    view! {
        <Suspense fallback=|| ()>
            {move || charts.get().and_then(Result::ok).flatten().map(|list| view! {
                <section aria-labelledby="analytics" data-testid="listing-analytics">
                    <h2 id="analytics" class="text-xl font-semibold">"Analytics"</h2>
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        "Only you (the publisher) and operators see this. Days are UTC. "
                        <a href="/account/analytics" class="text-indigo-700 underline dark:text-indigo-300">"All your listings"</a>
                    </p>
                    <div class="mt-4 space-y-8">
                        {list.into_iter().map(|chart| view! { <Chart chart /> }).collect_view()}
                    </div>
                </section>
            })}
        </Suspense>
    }
}
