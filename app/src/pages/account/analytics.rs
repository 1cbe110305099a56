//! `/account/analytics`: the publisher's dashboard, one small installs
//! chart per listing, most installed in the last 30 days first.

use crate::components::chart::Chart;
use crate::model::listing::ListingStatus;
use crate::model::stats::{AnalyticsDashboard, ListingChartCard};
use crate::pages::account::studio::{needs_login, AccountNav};
use crate::server_fns::stats::load_dashboard;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text="Analytics" />
        <Meta name="description" content="Installs of your listings over the last 30 days." />
        <AccountNav current="/account/analytics" />
        <h1 class="text-2xl font-semibold">"Analytics"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Installs per day over the last 30 days (UTC), busiest listings first. Each listing's page has its full charts."
        </p>
        <Suspense fallback=|| view! { <div class="mt-6 h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || dashboard.get().map(|r| match r {
                Ok(d) => view! { <Cards d /> }.into_any(),
                Err(e) => needs_login(e, "/account/analytics"),
            })}
        </Suspense>
    }
}

#[component]
fn Cards(d: AnalyticsDashboard) -> impl IntoView {
    if d.cards.is_empty() {
        return view! {
            <p class="mt-6 rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
                "Nothing published yet: charts appear here once you publish a listing."
            </p>
        }
        .into_any();
    }
    let shown = d.cards.len() as i64;
    let more = d.total_listings - shown;
    view! {
        <ul class="mt-6 grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
            {d.cards.into_iter().map(|c| view! { <Card c /> }).collect_view()}
        </ul>
        {(more > 0).then(|| view! {
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
                {format!("{more} more listings had fewer installs; see them under Submissions.")}
            </p>
        })}
    }
    .into_any()
}

#[component]
fn Card(c: ListingChartCard) -> impl IntoView {
    let live = c.status == ListingStatus::Approved;
    view! {
        <li class="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="analytics-card">
            <div class="flex items-baseline justify-between gap-2">
                <h2 class="min-w-0 truncate font-medium">
                    {if live && !c.href.is_empty() {
                        view! { <a href=c.href.clone() class="hover:underline">{c.name.clone()}</a> }.into_any()
                    } else {
                        view! { <span>{c.name.clone()}</span> }.into_any()
                    }}
                </h2>
                <span class="shrink-0 text-xs text-slate-500 dark:text-slate-400">{c.kind_label.clone()}</span>
            </div>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                <span class="font-semibold text-slate-900 dark:text-slate-100">{c.recent_installs}</span>
                " installs in 30 days"
                {(!live).then(|| view! { <span>{format!(" · {}", c.status.as_str().replace('_', " "))}</span> })}
            </p>
            <div class="mt-2"><Chart chart=c.chart compact=true /></div>
        </li>
    }
}
