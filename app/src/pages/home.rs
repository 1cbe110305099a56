use crate::components::error_notice::ErrorNotice;
use crate::components::listing_card::ListingCardView;
use crate::model::catalog::CatalogSummary;
use crate::model::kind::ListingKind;
use crate::server_fns::catalog::get_catalog_summary;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The marketplace's front door: what is in the catalog, by kind.
#[component]
pub fn HomePage() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_catalog_summary());

    view! {
        <Title text="Browse" />
        <Meta name="description" content="Find skills, agent templates, domains, canvas components and workflows for your AI agents." />
        <div>
            <section class="max-w-3xl">
                <h1 class="text-3xl font-semibold tracking-tight sm:text-4xl">"Everything your agents need"</h1>
                <p class="mt-3 text-lg text-slate-600 dark:text-slate-400">
                    "Skills, agent templates, specialist domains, canvas components and workflow templates, reviewed by operators and rated by the people who use them."
                </p>
                <form method="get" action="/skills" role="search" class="mt-6 flex max-w-xl gap-2">
                    <label for="home-q" class="sr-only">"Search skills"</label>
                    <input id="home-q" name="q" type="search" placeholder="Search skills" class=crate::components::form::INPUT />
                    <button type="submit" class=crate::components::form::PRIMARY_BUTTON>"Search"</button>
                </form>
            </section>
            <Suspense fallback=|| view! { <SummarySkeleton /> }>
                {move || {
                    summary
                        .get()
                        .map(|result| match result {
                            Ok(s) => view! { <CatalogOverview summary=s /> }.into_any(),
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        })
                }}
            </Suspense>
        </div>
    }
}

/// The kind tabs and what they show: the one interactive part of the page.
#[island]
fn CatalogOverview(summary: CatalogSummary) -> impl IntoView {
    // `None` means every kind; the tabs only react once hydrated.
    let selected = RwSignal::new(None::<ListingKind>);
    view! {
        <KindTabs selected />
        <SummaryView summary selected />
    }
}

#[component]
fn KindTabs(selected: RwSignal<Option<ListingKind>>) -> impl IntoView {
    let tab = move |kind: Option<ListingKind>, label: &'static str| {
        let pressed = move || selected.get() == kind;
        view! {
            <button
                type="button"
                aria-pressed=move || pressed().to_string()
                on:click=move |_| selected.set(kind)
                class="rounded-full border px-4 py-1.5 text-sm font-medium transition focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 aria-pressed:border-indigo-600 aria-pressed:bg-indigo-600 aria-pressed:text-white border-slate-300 bg-white text-slate-700 hover:border-slate-400 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200"
            >
                {label}
            </button>
        }
    };
    view! {
        <div role="group" aria-label="Asset kind" class="mt-8 flex flex-wrap gap-2">
            {tab(None, "All")}
            {ListingKind::ALL.into_iter().map(|k| tab(Some(k), k.label())).collect_view()}
        </div>
    }
}

#[component]
fn SummaryView(summary: CatalogSummary, selected: RwSignal<Option<ListingKind>>) -> impl IntoView {
    let kinds = summary.kinds.clone();
    let categories = summary.categories.clone();
    let shelves = summary.shelves.clone();
    let tab_shelves = shelves.clone();
    let shown_total = move || match selected.get() {
        None => summary.total,
        Some(k) => kinds.iter().find(|c| c.kind == k).map_or(0, |c| c.count),
    };
    let shown_label = move || selected.get().map_or("All listings", |k| k.label());
    // A kind's tab: its own busiest categories; "All": the busiest of
    // every kind, each chip naming its kind.
    let shown_categories = move || match selected.get() {
        None => categories
            .iter()
            .map(|c| (c.kind, c.category.clone(), c.count, true))
            .collect::<Vec<_>>(),
        Some(k) => tab_shelves
            .iter()
            .find(|s| s.kind == k)
            .map(|s| {
                s.categories
                    .iter()
                    .map(|(c, n)| (k, c.clone(), *n, false))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let more_categories = {
        let shelves = shelves.clone();
        move || {
            selected
                .get()
                .filter(|k| shelves.iter().any(|s| s.kind == *k && s.more_categories))
        }
    };
    view! {
        <section class="mt-8 grid gap-6 md:grid-cols-3" aria-live="polite">
            <div class="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <p class="text-sm text-slate-500 dark:text-slate-400" data-testid="shown-label">{shown_label}</p>
                <p class="mt-2 text-4xl font-semibold tabular-nums" data-testid="shown-total">{shown_total}</p>
                <p class="mt-1 text-sm text-slate-500 dark:text-slate-400">"approved and ready to install"</p>
                <a href=move || selected.get().map_or("/skills", |k| k.path())
                    class="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400" data-testid="browse-kind">
                    {move || format!("Browse {} →", selected.get().map_or("skills", |k| k.label()).to_ascii_lowercase())}
                </a>
            </div>
            <div class="rounded-xl border border-slate-200 bg-white p-6 shadow-sm md:col-span-2 dark:border-slate-800 dark:bg-slate-900">
                <h2 class="text-sm font-medium text-slate-500 dark:text-slate-400">"Popular categories"</h2>
                {move || {
                    let cats = shown_categories();
                    if cats.is_empty() {
                        view! {
                            <p class="mt-4 text-slate-600 dark:text-slate-400" data-testid="empty-categories">
                                "Nothing here yet. Approved listings will show up as soon as operators accept them."
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ul class="mt-4 flex flex-wrap gap-2">
                                {cats
                                    .into_iter()
                                    .map(|(kind, category, count, labelled)| {
                                        let href = crate::pages::browse::href(
                                            kind,
                                            &crate::model::catalog::BrowseRequest {
                                                category: Some(category.clone()),
                                                ..Default::default()
                                            },
                                        );
                                        view! {
                                            <li>
                                                <a href=href
                                                    class="inline-block rounded-full bg-slate-100 px-3 py-1 text-sm hover:bg-indigo-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-slate-800 dark:hover:bg-slate-700">
                                                    {category}
                                                    {labelled.then(|| view! {
                                                        <span class="ml-1 text-xs text-slate-700 dark:text-slate-300">{format!("· {}", kind.label())}</span>
                                                    })}
                                                    <span class="ml-2 tabular-nums text-slate-500 dark:text-slate-400">{count}</span>
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                                {more_categories().map(|k| view! {
                                    <li>
                                        <a href=k.path() data-testid="all-categories"
                                            class="inline-block px-3 py-1 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                                            "All categories →"
                                        </a>
                                    </li>
                                })}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </div>
        </section>
        {move || {
            let shelves = shelves.clone();
            match selected.get() {
                // Every kind's most installed, so a visitor without
                // JavaScript sees things to install from every kind.
                None => shelves
                    .into_iter()
                    .filter(|s| !s.popular.is_empty())
                    .map(|s| {
                        let title = format!("Popular {}", s.kind.label().to_lowercase());
                        view! { <Shelf title kind=s.kind cards=s.popular /> }
                    })
                    .collect_view()
                    .into_any(),
                Some(k) => shelves
                    .into_iter()
                    .filter(|s| s.kind == k)
                    .map(|s| {
                        view! {
                            <Shelf title="Popular".to_owned() kind=s.kind cards=s.popular />
                            <Shelf title="Trending this week".to_owned() kind=s.kind cards=s.trending />
                            <Shelf title="New".to_owned() kind=s.kind cards=s.newest />
                        }
                    })
                    .collect_view()
                    .into_any(),
            }
        }}
    }
}

/// A row of cards with a link to the kind's whole catalog.
#[component]
fn Shelf(
    title: String,
    kind: ListingKind,
    cards: Vec<crate::model::catalog::ListingCard>,
) -> impl IntoView {
    if cards.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="mt-10" data-testid="shelf">
            <div class="flex items-baseline justify-between gap-4">
                <h2 class="text-xl font-semibold tracking-tight">{title}</h2>
                <a href=kind.path() class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    {format!("All {} →", kind.label().to_lowercase())}
                </a>
            </div>
            <ul class="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                {cards.into_iter().map(|card| view! { <ListingCardView card /> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn SummarySkeleton() -> impl IntoView {
    view! {
        <div class="mt-8 grid gap-6 md:grid-cols-3" aria-busy="true" aria-label="Loading the catalog">
            <div class="h-36 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div>
            <div class="h-36 animate-pulse rounded-xl bg-slate-200 md:col-span-2 dark:bg-slate-800"></div>
        </div>
    }
}
