//! `/skills`, `/agents`, `/domains`, `/components`, `/workflows`: search
//! and browse one kind. Every control lives in the query string,
//! so reload, back and a shared link keep them; the form works without
//! JavaScript, and once hydrated the results follow the search box as you
//! type.

use crate::components::error_notice::ErrorNotice;
use crate::components::form::{INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::listing_card::ListingCardView;
use crate::error::MarketError;
use crate::model::catalog::{BrowsePage, BrowseRequest};
use crate::model::kind::ListingKind;
use crate::server_fns::browse::{browse_listings, listing_categories};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use std::time::Duration;

const SORTS: [(&str, &str); 6] = [
    ("", "Most relevant / popular"),
    ("rating", "Highest rated"),
    ("trending", "Trending this week"),
    ("created_at", "Newest"),
    ("name", "Name (A–Z)"),
    ("price", "Price"),
];

fn request_from(q: &leptos_router::params::ParamsMap) -> BrowseRequest {
    let text = |k: &str| q.get(k).filter(|v| !v.is_empty());
    BrowseRequest {
        q: text("q"),
        category: text("category"),
        sort: text("sort"),
        free: text("free").map(|v| v == "true" || v == "on"),
        page: text("page").and_then(|p| p.parse().ok()),
        tag: text("tag"),
        kind_type: text("type"),
    }
}

/// The browse URL for a request (empty fields left out).
pub fn href(kind: ListingKind, req: &BrowseRequest) -> String {
    let mut parts = Vec::new();
    let mut push = |k: &str, v: &str| parts.push(format!("{k}={}", urlencode(v)));
    if let Some(v) = &req.q {
        push("q", v)
    }
    if let Some(v) = &req.category {
        push("category", v)
    }
    if let Some(v) = &req.sort {
        push("sort", v)
    }
    if req.free == Some(true) {
        push("free", "true")
    }
    if let Some(v) = &req.tag {
        push("tag", v)
    }
    if let Some(v) = &req.kind_type {
        push("type", v)
    }
    if let Some(p) = req.page.filter(|p| *p > 1) {
        push("page", &p.to_string())
    }
    if parts.is_empty() {
        kind.path().to_owned()
    } else {
        format!("{}?{}", kind.path(), parts.join("&"))
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn BrowsePage(kind: ListingKind) -> impl IntoView {
    // Rendered on the server: the request is read once from this URL.
    let req = use_query_map().with_untracked(request_from);
    // One resource at the page's top level reads both; the island gets them
    // as props and renders without suspending (a resource created inside a
    // resolved Suspense could leave the in-order stream waiting).
    let first = req.clone();
    let data = Resource::new(
        || (),
        move |_| {
            let req = first.clone();
            async move {
                let categories = listing_categories(kind).await.unwrap_or_default();
                (categories, browse_listings(kind, req).await)
            }
        },
    );
    view! {
        <Title text=kind.label() />
        <Meta name="description" content=format!("Search and browse {} for AI agents, rated by the teams that use them.", kind.label().to_ascii_lowercase()) />
        <div class="space-y-6">
            <header>
                <h1 class="text-3xl font-semibold tracking-tight">{kind.label()}</h1>
                <p class="mt-2 text-slate-600 dark:text-slate-400">{kind.tagline()}</p>
            </header>
            <KindTabs current=kind />
            <Suspense fallback=|| view! { <ResultsSkeleton /> }>
                {move || data.get().map(|(categories, page)| {
                    view! { <BrowseSearch kind initial=req.clone() categories page /> }
                })}
            </Suspense>
        </div>
    }
}

/// Swaps the address bar's URL for `url` without loading it, so a reload
/// or a shared link shows what the search box shows.
fn replace_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// The search form and its results: the island that follows the search box
/// as you type. Without JavaScript the form submits as a plain GET.
#[island]
fn BrowseSearch(
    kind: ListingKind,
    initial: BrowseRequest,
    categories: Vec<(String, i64)>,
    page: Result<BrowsePage, MarketError>,
) -> impl IntoView {
    let req = RwSignal::new(initial);
    let results = RwSignal::new(page);
    let loading = RwSignal::new(false);
    // Each search answers a numbered request; a slower, older answer never
    // replaces a newer one.
    let asked = RwSignal::new(0u64);
    let search = move |next: BrowseRequest| {
        let ticket = asked.get_untracked() + 1;
        asked.set(ticket);
        loading.set(true);
        leptos::task::spawn_local(async move {
            let answer = browse_listings(kind, next).await;
            if asked.get_untracked() == ticket {
                results.set(answer);
                loading.set(false);
            }
        });
    };
    let current = req.get_untracked().category.unwrap_or_default();
    // Typing updates the results and the URL after a short pause; each
    // keystroke restarts it.
    let typed = RwSignal::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let ticket = typed.get_untracked() + 1;
        typed.set(ticket);
        set_timeout(
            move || {
                if typed.get_untracked() == ticket {
                    req.update(|r| {
                        r.q = Some(value).filter(|v| !v.trim().is_empty());
                        r.page = None;
                    });
                    replace_url(&href(kind, &req.get_untracked()));
                    search(req.get_untracked());
                }
            },
            Duration::from_millis(300),
        );
    };
    view! {
        <div class="space-y-6">
            <form method="get" action=kind.path() role="search" class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-[1fr_auto_auto_auto_auto] sm:items-end dark:border-slate-800 dark:bg-slate-900">
                <div>
                    <label for="browse-q" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Search"</label>
                    <input id="browse-q" name="q" type="search" placeholder="e.g. invoice, summarize, sql" class=INPUT
                        prop:value=move || req.get().q.unwrap_or_default() on:input=on_input autocomplete="off" />
                </div>
                <div>
                    <label for="browse-category" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Category"</label>
                    <select id="browse-category" name="category" class=INPUT>
                        <option value="">"All categories"</option>
                        {categories.clone().into_iter().map(|(c, n)| {
                            let selected = c == current;
                            view! { <option value=c.clone() selected=selected>{format!("{c} ({n})")}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="browse-sort" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Sort by"</label>
                    <select id="browse-sort" name="sort" class=INPUT>
                        {move || {
                            let current = req.get().sort.unwrap_or_default();
                            SORTS.iter().map(|(v, label)| view! { <option value=*v selected=*v == current>{*label}</option> }).collect_view()
                        }}
                    </select>
                </div>
                <label class="flex items-center gap-2 pb-2 text-sm">
                    <input type="checkbox" name="free" value="true" class="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                        prop:checked=move || req.get().free == Some(true) />
                    "Free only"
                </label>
                <button type="submit" class=PRIMARY_BUTTON>"Apply"</button>
            </form>
            <div class="space-y-6 transition-opacity" class:opacity-60=move || loading.get() aria-busy=move || loading.get().to_string()>
                {move || match results.get() {
                    Ok(page) => view! { <Results kind page req=req.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// Links between the five marketplaces; the current one is marked.
#[component]
fn KindTabs(current: ListingKind) -> impl IntoView {
    view! {
        <nav aria-label="Marketplaces" class="-mx-1 flex gap-1 overflow-x-auto pb-1">
            {ListingKind::ALL.into_iter().map(|k| {
                let active = k == current;
                let class = if active {
                    "whitespace-nowrap rounded-full bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                } else {
                    "whitespace-nowrap rounded-full px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800"
                };
                view! { <a href=k.path() class=class aria-current=active.then_some("page")>{k.label()}</a> }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn Results(kind: ListingKind, page: BrowsePage, req: BrowseRequest) -> impl IntoView {
    if page.items.is_empty() {
        return view! {
            <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700" data-testid="no-results">
                <p class="font-medium">{format!("No {} match.", kind.label().to_ascii_lowercase())}</p>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Try fewer words, another category, or clear the filters."</p>
                <a href=kind.path() class=format!("{SECONDARY_BUTTON} mt-4")>"Clear filters"</a>
            </div>
        }
        .into_any();
    }
    let prev = (page.page > 1).then(|| {
        href(
            kind,
            &BrowseRequest {
                page: Some(page.page - 1),
                ..req.clone()
            },
        )
    });
    let next = (page.page < page.pages).then(|| {
        href(
            kind,
            &BrowseRequest {
                page: Some(page.page + 1),
                ..req.clone()
            },
        )
    });
    let facets = page.facets.clone();
    let categories = page.categories.clone();
    view! {
        <FacetBar kind facets categories req=req.clone() />
        // The cards' names are h3: this keeps the outline h1 → h2 → h3.
        <h2 class="sr-only">"Results"</h2>
        <p class="text-sm text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="result-count">
            {format!("{}{} {}{}", page.total, if page.total_capped { "+" } else { "" }, kind.singular(), if page.total == 1 { "" } else { "s" })}
        </p>
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {page.items.into_iter().map(|card| view! { <ListingCardView card /> }).collect_view()}
        </ul>
        <nav class="flex items-center justify-between" aria-label="Pages">
            {match prev {
                Some(h) => view! { <a href=h class=SECONDARY_BUTTON rel="prev">"← Previous"</a> }.into_any(),
                None => view! { <span></span> }.into_any(),
            }}
            <span class="text-sm text-slate-500 dark:text-slate-400">{format!("Page {} of {}", page.page, page.pages)}</span>
            {match next {
                Some(h) => view! { <a href=h class=SECONDARY_BUTTON rel="next">"Next →"</a> }.into_any(),
                None => view! { <span></span> }.into_any(),
            }}
        </nav>
    }
    .into_any()
}

const CHIP: &str = "inline-flex items-center gap-1 rounded-full border px-2.5 py-1 text-xs font-medium focus-visible:outline \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500";
const CHIP_ON: &str = "border-indigo-600 bg-indigo-600 text-white";
const CHIP_OFF: &str = "border-slate-300 text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800";

/// Type, price and tag filters with the number of listings behind each;
/// links, so they work without JavaScript and live in the URL.
#[component]
fn FacetBar(
    kind: ListingKind,
    facets: crate::model::catalog::Facets,
    /// The results' categories (without the chosen category's own filter).
    categories: Vec<(String, i64)>,
    req: BrowseRequest,
) -> impl IntoView {
    let chip = move |label: String, n: i64, on: bool, target: BrowseRequest| {
        let class = format!("{CHIP} {}", if on { CHIP_ON } else { CHIP_OFF });
        view! {
            <li><a href=href(kind, &BrowseRequest { page: None, ..target }) class=class aria-current=on.then_some("true")>
                {label}<span class="tabular-nums opacity-75">{n}</span>
            </a></li>
        }
    };
    let types = facets.types.clone();
    let tags = facets.tags.clone();
    let r = req.clone();
    view! {
        <div class="space-y-2 text-sm" data-testid="facets">
            {(!types.is_empty()).then(|| {
                let r = r.clone();
                view! {
                    <div class="flex flex-wrap items-center gap-2">
                        <span class="w-16 text-slate-500 dark:text-slate-400">"Type"</span>
                        <ul class="flex flex-wrap gap-1.5" aria-label="Type">
                            {types.into_iter().map(|(t, n)| {
                                let on = r.kind_type.as_deref() == Some(t.as_str());
                                chip(t.clone(), n, on, BrowseRequest { kind_type: (!on).then(|| t.clone()), ..r.clone() })
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
            <div class="flex flex-wrap items-center gap-2">
                <span class="w-16 text-slate-500 dark:text-slate-400">"Price"</span>
                <ul class="flex flex-wrap gap-1.5" aria-label="Price">
                    {chip("Free".into(), facets.free, r.free == Some(true), BrowseRequest { free: (r.free != Some(true)).then_some(true), ..r.clone() })}
                    <li class="self-center text-xs text-slate-500 dark:text-slate-400">{format!("{} paid", facets.paid)}</li>
                </ul>
            </div>
            {(!categories.is_empty()).then(|| {
                let r = r.clone();
                view! {
                    <div class="flex flex-wrap items-center gap-2">
                        <span class="w-16 text-slate-500 dark:text-slate-400">"Category"</span>
                        <ul class="flex flex-wrap gap-1.5" aria-label="Categories">
                            {categories.into_iter().take(12).map(|(c, n)| {
                                let on = r.category.as_deref() == Some(c.as_str());
                                chip(c.clone(), n, on, BrowseRequest { category: (!on).then(|| c.clone()), ..r.clone() })
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
            {facets.capped.then(|| view! {
                <p class="text-xs text-slate-500 dark:text-slate-400" data-testid="facets-capped">
                    {format!("Counts cover the first {} matches.", crate::model::catalog::FACET_CAP)}
                </p>
            })}
            {(!tags.is_empty()).then(|| {
                let r = r.clone();
                view! {
                    <div class="flex flex-wrap items-center gap-2">
                        <span class="w-16 text-slate-500 dark:text-slate-400">"Tags"</span>
                        <ul class="flex flex-wrap gap-1.5" aria-label="Tags">
                            {tags.into_iter().map(|(t, n)| {
                                let on = r.tag.as_deref() == Some(t.as_str());
                                chip(t.clone(), n, on, BrowseRequest { tag: (!on).then(|| t.clone()), ..r.clone() })
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
        </div>
    }
}

#[component]
fn ResultsSkeleton() -> impl IntoView {
    view! {
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-busy="true" aria-label="Loading results">
            {(0..6).map(|_| view! { <li class="h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></li> }).collect_view()}
        </ul>
    }
}
