//! `/skills/{id}` (and the other kinds' detail pages): everything about
//! one listing before installing it.

use crate::components::error_notice::ErrorNotice;
use crate::components::form::{field_message, form_message, FormAlert, INPUT, PRIMARY_BUTTON};
use crate::components::island_form::IslandForm;
use crate::components::listing_card::price_label;
use crate::components::number::counted;
use crate::components::stars::Stars;
use crate::error::ErrorCode;
use crate::model::catalog::ListingDetail;
use crate::model::catalog::ReviewView;
use crate::model::kind::{ListingKind, PageInstall};
use crate::model::studio::{AgentView, CanvasView, InstallPreview};
use crate::server_fns::browse::{load_listing, SubmitReview};
use crate::server_fns::studio::{
    my_agents, my_canvases, FlagReview, InstallListing, InstallPlan, InstallSkill, VoteReview,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ListingPage(kind: ListingKind) -> impl IntoView {
    // Rendered on the server only: a new rating reloads the page.
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let rated = use_query_map().with_untracked(|q| q.get("rated").is_some());
    // The install targets are read here too, so the install islands get
    // them as props and the browser bundle carries no resource for them.
    let detail = Resource::new(
        move || id.clone(),
        move |id| async move {
            let d = load_listing(kind, id).await?;
            let targets = if kind.spec().install == PageInstall::Plan {
                Targets {
                    agents: my_agents().await.ok().flatten(),
                    canvases: None,
                }
            } else {
                Targets {
                    agents: None,
                    canvases: my_canvases().await.ok().flatten(),
                }
            };
            Ok::<_, crate::error::MarketError>((d, targets))
        },
    );
    view! {
        <Suspense fallback=|| view! { <div class="h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || detail.get().map(|r| match r {
                Ok((d, targets)) => view! { <Detail kind d targets rated /> }.into_any(),
                Err(e) => view! { <Title text="Not found" /><ErrorNotice error=e /> }.into_any(),
            })}
        </Suspense>
    }
}

/// Where the caller could install the listing; `None` when logged out.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Targets {
    agents: Option<Vec<AgentView>>,
    canvases: Option<Vec<CanvasView>>,
}

#[component]
fn Detail(kind: ListingKind, d: ListingDetail, targets: Targets, rated: bool) -> impl IntoView {
    let c = d.card.clone();
    let total: i64 = d.distribution.iter().sum();
    let install_cmd = kind.install_snippet(&c.id);
    view! {
        <Title text=c.name.clone() />
        <Meta name="description" content=c.description.clone() />
        <nav aria-label="Breadcrumb" class="text-sm text-slate-500 dark:text-slate-400">
            <a href=kind.path() class="hover:underline">{kind.label()}</a>
            {c.category.clone().map(|cat| view! { <span aria-hidden="true">" / "</span><a href=crate::pages::browse::href(kind, &crate::model::catalog::BrowseRequest { category: Some(cat.clone()), ..Default::default() }) class="hover:underline">{cat.clone()}</a> })}
        </nav>
        <div class="mt-4 grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <article class="min-w-0 space-y-8">
                {d.deprecation.clone().map(|n| view! { <crate::components::trust::DeprecationBanner n /> })}
                <header>
                    <h1 class="text-3xl font-semibold tracking-tight">{c.name.clone()}</h1>
                    <p class="mt-1 text-slate-600 dark:text-slate-400">"by " {c.publisher.clone()}</p>
                    {c.mirrored_from.clone().map(|peer| view! { <crate::components::listing_card::MirroredBadge peer /> })}
                    <div class="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
                        <Stars rating=c.rating count=c.rating_count />
                        <span class="tabular-nums">{counted(c.installs, "install")}</span>
                        <span class="font-medium">{price_label(c.price)}</span>
                        // On a phone the install panel sits below the reviews.
                        <a href="#install" class="rounded-lg bg-indigo-600 px-3 py-1 text-sm font-medium text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 lg:hidden">"Install ↓"</a>
                    </div>
                    <p class="mt-4 text-lg">{c.description.clone()}</p>
                    <ul class="mt-3 flex flex-wrap gap-2" aria-label="Tags">
                        {c.tags.iter().map(|t| view! { <li class="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs dark:bg-slate-800">{t.clone()}</li> }).collect_view()}
                    </ul>
                </header>
                {(!d.long_description_html.is_empty()).then(|| view! {
                    <section aria-labelledby="about">
                        <h2 id="about" class="text-xl font-semibold">"About"</h2>
                        // Sanitised on the server (backend::markdown): safe to insert.
                        <div class="prose-listing mt-2 space-y-3 text-slate-700 dark:text-slate-300" inner_html=d.long_description_html.clone()></div>
                    </section>
                })}
                <section aria-labelledby="reviews">
                    <h2 id="reviews" class="text-xl font-semibold">"Ratings and reviews"</h2>
                    <div class="mt-3 grid gap-6 sm:grid-cols-[12rem_1fr]">
                        <div>
                            <p class="text-4xl font-semibold tabular-nums">{crate::components::number::fixed(c.rating, 1)}</p>
                            <Stars rating=c.rating />
                            <p class="text-sm text-slate-500 dark:text-slate-400">{counted(c.rating_count, "rating")}</p>
                        </div>
                        <ul class="space-y-1" aria-label="Rating distribution">
                            {d.distribution.iter().enumerate().map(|(i, n)| {
                                let star = 5 - i;
                                let pct = if total == 0 { 0 } else { n * 100 / total };
                                view! {
                                    <li class="flex items-center gap-2 text-sm">
                                        <span class="w-12 tabular-nums">{format!("{star} star")}</span>
                                        <span class="h-2 flex-1 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="img" aria-label=format!("{n} ratings of {star} stars")>
                                            <span class="block h-full bg-amber-500" style=format!("width: {pct}%")></span>
                                        </span>
                                        <span class="w-8 text-right tabular-nums text-slate-500">{*n}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                    {if d.signed_in {
                        view! { <ReviewForm kind id=c.id.clone() saved=rated /> }.into_any()
                    } else {
                        view! { <crate::components::trust::LogInToRate href=format!("{}/{}", kind.path(), c.id) /> }.into_any()
                    }}
                    {if d.reviews.is_empty() {
                        view! { <p class="mt-4 text-slate-600 dark:text-slate-400">"No written reviews yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-4 divide-y divide-slate-200 dark:divide-slate-800">
                                {d.reviews.iter().cloned().map(|r| view! { <ReviewItem kind r /> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <crate::pages::listing_charts::PublisherCharts id=c.id.clone() />
            </article>
            <aside class="min-w-0 space-y-6">
                <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900" aria-labelledby="install">
                    <h2 id="install" class="font-semibold">"Install"</h2>
                    {if kind.spec().install == PageInstall::Plan {
                        view! { <InstallPanel id=c.id.clone() agents=targets.agents.clone() /> }.into_any()
                    } else {
                        view! { <InstallOther kind id=c.id.clone() canvases=targets.canvases.clone() /> }.into_any()
                    }}
                    <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">"Or with an API key:"</p>
                    <pre tabindex="0" aria-label="Install command" class="mt-2 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500"><code>{install_cmd}</code></pre>
                    <dl class="mt-4 space-y-2 text-sm">
                        {d.risk_level.clone().map(|r| view! { <div class="flex justify-between"><dt class="text-slate-500">"Risk level"</dt><dd class="font-medium">{r}</dd></div> })}
                        {d.capabilities.iter().cloned().map(|(part, value)| view! { <div class="flex justify-between gap-3" data-testid="capability"><dt class="text-slate-500">{part}</dt><dd class="text-right font-mono text-xs [overflow-wrap:anywhere]">{value}</dd></div> }).collect_view()}
                        {c.type_label.clone().map(|t| view! { <div class="flex justify-between"><dt class="text-slate-500">"Type"</dt><dd>{t}</dd></div> })}
                        {d.license.clone().map(|l| view! { <div class="flex justify-between"><dt class="text-slate-500">"License"</dt><dd>{l}</dd></div> })}
                        <div class="flex justify-between"><dt class="text-slate-500">"Published"</dt><dd>{d.created_at.clone()}</dd></div>
                    </dl>
                    {(!d.packages.is_empty()).then(|| view! {
                        <h3 class="mt-4 text-sm font-medium">"Packages"</h3>
                        <ul class="mt-1 text-sm text-slate-600 dark:text-slate-400">{d.packages.iter().map(|p| view! { <li class="font-mono text-xs">{p.clone()}</li> }).collect_view()}</ul>
                    })}
                    <div class="mt-4 flex flex-col gap-1 text-sm">
                        {d.documentation_url.clone().map(|u| view! { <a href=u class="text-indigo-600 hover:underline dark:text-indigo-400" rel="noopener nofollow">"Documentation"</a> })}
                        {d.repository_url.clone().map(|u| view! { <a href=u class="text-indigo-600 hover:underline dark:text-indigo-400" rel="noopener nofollow">"Repository"</a> })}
                    </div>
                </section>
                <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900" aria-labelledby="versions">
                    <h2 id="versions" class="font-semibold">"Versions"</h2>
                    {if d.versions.is_empty() {
                        view! { <p class="mt-2 text-sm text-slate-500">"No versions yet."</p> }.into_any()
                    } else {
                        view! { <ol class="mt-2 space-y-2 text-sm">{d.versions.iter().map(|v| view! {
                            <li data-testid="version"><span class="font-mono">{v.name.clone()}</span><span class="text-slate-500">{format!(" · {}", v.created_at)}</span>
                                {(!v.description.is_empty()).then(|| view! { <p class="text-slate-600 dark:text-slate-400">{v.description.clone()}</p> })}
                                {v.change.clone().map(|c| view! { <VersionChangeSummary c /> })}</li>
                        }).collect_view()}</ol> }.into_any()
                    }}
                </section>
            </aside>
        </div>
    }
}

/// What a version changed since the one before: breaking or not, and the
/// capabilities it widened or narrowed (stored with the version).
#[component]
fn VersionChangeSummary(c: crate::model::catalog::VersionChange) -> impl IntoView {
    const BADGE: &str = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium";
    let (label, tone) = match (&c.previous_version, c.breaking.is_empty(), c.schema_changed) {
        (None, _, _) => (
            "First version".to_owned(),
            "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        ),
        (Some(_), false, _) => (
            format!("Breaking ({})", c.breaking.len()),
            "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
        ),
        (Some(_), true, true) => (
            "Compatible schema change".to_owned(),
            "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
        ),
        (Some(_), true, false) => (
            "No schema change".to_owned(),
            "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        ),
    };
    let bump = c
        .bump
        .clone()
        .zip(c.previous_version.clone())
        .map(|(b, p)| format!("{b} bump from {p}"));
    view! {
        <div class="mt-1 flex flex-wrap items-center gap-1" data-testid="version-change">
            <span class=format!("{BADGE} {tone}")>{label}</span>
            {(!c.capabilities_widened.is_empty()).then(|| view! {
                <span class=format!("{BADGE} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200")>{format!("Capabilities widened: {}", c.capabilities_widened.join(", "))}</span>
            })}
            {(!c.capabilities_narrowed.is_empty()).then(|| view! {
                <span class=format!("{BADGE} bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200")>{format!("Capabilities narrowed: {}", c.capabilities_narrowed.join(", "))}</span>
            })}
            {bump.map(|b| view! { <span class="text-xs text-slate-500 dark:text-slate-400">{b}</span> })}
        </div>
        {(!c.breaking.is_empty()).then(|| view! {
            <ul class="mt-1 list-disc pl-5 text-xs text-slate-600 dark:text-slate-400" aria-label="Breaking changes">
                {c.breaking.iter().map(|b| view! { <li class="break-all font-mono">{b.clone()}</li> }).collect_view()}
            </ul>
        })}
    }
}

/// Write or edit your review; works without JavaScript. A saved rating
/// reloads the page (`?rated=1`), which says so here.
#[island]
fn ReviewForm(kind: ListingKind, id: String, saved: bool) -> impl IntoView {
    crate::pages::url_errors::provide_from_url();
    let action = ServerAction::<SubmitReview>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    let saved = move || saved && action.value().get().is_none();
    let login = format!("/login?next={}/{id}", kind.path());
    view! {
        <IslandForm action args=|f| SubmitReview { kind: f.optional("kind"), id: f.text("id"), rating: f.text("rating"), review: f.text("review") }
            class="mt-6 space-y-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" labelled_by="write-review">
            <h3 id="write-review" class="font-medium">{format!("Rate this {}", kind.singular())}</h3>
            {move || match error.get() {
                Some(e) if e.code == ErrorCode::AuthRequired => view! {
                    <p role="alert" class="text-sm">"You need to " <a href=login.clone() class="font-medium text-indigo-600 underline dark:text-indigo-400">"log in"</a> " to rate."</p>
                }.into_any(),
                _ => view! { <FormAlert message=Signal::derive(move || form_message(&error.get(), &["rating", "review"])) /> }.into_any(),
            }}
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="id" value=id.clone() />
            <div class="grid gap-3 sm:grid-cols-[10rem_1fr]">
                <div>
                    <label for="review-rating" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Your rating"</label>
                    <select id="review-rating" name="rating" class=INPUT>
                        {(crate::model::bounds::Rating::MIN..=crate::model::bounds::Rating::MAX).rev().map(|n| view! { <option value=n.to_string()>{format!("{n} star{}", if n == 1 { "" } else { "s" })}</option> }).collect_view()}
                    </select>
                    <p class="mt-1 text-sm text-red-600 dark:text-red-400" role="alert">{move || field_message(&error.get(), "rating")}</p>
                </div>
                <div>
                    <label for="review-text" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Review (optional)"</label>
                    <textarea id="review-text" name="review" rows="3" maxlength=crate::model::bounds::ReviewText::MAX.to_string() class=INPUT placeholder="What worked, what did not?"></textarea>
                    <p class="mt-1 text-sm text-red-600 dark:text-red-400" role="alert">{move || field_message(&error.get(), "review")}</p>
                </div>
            </div>
            <div class="flex items-center gap-3">
                <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Submit rating" }}
                </button>
                <span role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Thanks, your rating is saved.")}</span>
            </div>
        </IslandForm>
    }
}

#[component]
fn ReviewItem(kind: ListingKind, r: ReviewView) -> impl IntoView {
    view! {
        <li class="py-4" data-testid="review">
            <div class="flex items-center justify-between"><Stars rating=r.rating /><span class="text-xs text-slate-500">{r.created_at.clone()}</span></div>
            <crate::components::trust::Reviewer r=r.clone() />
            {r.review.clone().map(|t| view! { <p class="mt-2 whitespace-pre-wrap">{t}</p> })}
            {r.author_response.clone().map(|t| view! {
                <div class="mt-3 rounded-lg bg-slate-100 p-3 text-sm dark:bg-slate-800"><p class="font-medium">"Response from the publisher"</p><p class="mt-1 whitespace-pre-wrap">{t}</p></div>
            })}
            <ReviewActions kind review_id=r.id.clone() helpful_count=r.helpful_count />
        </li>
    }
}

/// Helpful votes and reports on one review, answered in place.
#[island]
fn ReviewActions(kind: ListingKind, review_id: String, helpful_count: i32) -> impl IntoView {
    crate::pages::url_errors::provide_from_url();
    let vote = ServerAction::<VoteReview>::new();
    let flag = ServerAction::<FlagReview>::new();
    let reason_id = format!("flag-reason-{review_id}");
    let (vote_id, flag_id) = (review_id.clone(), review_id.clone());
    let voted = move || matches!(vote.value().get(), Some(Ok(())));
    view! {
        <div class="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-500">
            <span>{move || format!("{} found this helpful", helpful_count + i32::from(voted()))}</span>
            <IslandForm action=vote args=|f| VoteReview { review_id: f.text("review_id"), helpful: f.text("helpful") }>
                <input type="hidden" name="review_id" value=vote_id />
                <input type="hidden" name="helpful" value="yes" />
                <button type="submit" class="rounded px-1.5 py-0.5 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-slate-800">"Helpful"</button>
            </IslandForm>
            <details class="group">
                <summary class="cursor-pointer rounded px-1.5 py-0.5 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800">"Report"</summary>
                <IslandForm action=flag args=|f| FlagReview { kind: f.text("kind"), review_id: f.text("review_id"), reason: f.text("reason") }
                    class="mt-2 flex flex-col gap-2 sm:flex-row sm:items-end">
                    <input type="hidden" name="kind" value=kind.as_str() />
                    <input type="hidden" name="review_id" value=flag_id />
                    <div>
                        <label for=reason_id.clone() class="block text-xs font-medium text-slate-700 dark:text-slate-300">"Why should an operator look at it?"</label>
                        <input id=reason_id.clone() name="reason" required maxlength=crate::model::bounds::Reason::MAX.to_string() class=INPUT />
                    </div>
                    <button type="submit" class="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800">"Flag review"</button>
                </IslandForm>
            </details>
        </div>
        <p role="status" class="mt-1 text-sm text-emerald-700 dark:text-emerald-400">
            {move || matches!(flag.value().get(), Some(Ok(()))).then_some("Thank you: the review was reported to the operators.")}
        </p>
        <p role="alert" class="text-sm text-red-600 dark:text-red-400">
            {move || flag.value().get().and_then(Result::err).or_else(|| vote.value().get().and_then(Result::err)).map(|e| e.message)}
        </p>
    }
}

/// Pick a target agent, see the install plan (packages, risk, required
/// maturity, every rule it would break), then install.
#[island]
fn InstallPanel(id: String, agents: Option<Vec<AgentView>>) -> impl IntoView {
    crate::pages::url_errors::provide_from_url();
    let plan = ServerAction::<InstallPlan>::new();
    let install = ServerAction::<InstallSkill>::new();
    let selected = RwSignal::new(String::new());
    let login = format!("/login?next=/skills/{id}");
    let install_error = Memo::new(move |_| install.value().get().and_then(Result::err));
    view! {
        {match agents.clone() {
                Some(list) => {
                    let id = id.clone();
                    let id_for_plan = id.clone();
                    view! {
                        <IslandForm action=install args=|f| InstallSkill { id: f.text("id"), agent_id: f.text("agent_id") } class="mt-3 space-y-3">
                            <input type="hidden" name="id" value=id.clone() />
                            <div>
                                <label for="install-target" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Install into"</label>
                                <select id="install-target" name="agent_id" class=INPUT on:change=move |ev| selected.set(event_target_value(&ev))>
                                    <option value="">"The workspace (no agent)"</option>
                                    {list.into_iter().map(|a| view! { <option value=a.id.clone()>{format!("{} ({})", a.name, a.maturity)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="flex flex-wrap gap-2">
                                <button type="button" class="inline-flex items-center justify-center rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
                                    on:click=move |_| { plan.dispatch(InstallPlan { id: id_for_plan.clone(), agent_id: selected.get() }); }>
                                    "Review install plan"
                                </button>
                                <button type="submit" class=PRIMARY_BUTTON disabled=move || install.pending().get()>
                                    {move || if install.pending().get() { "Installing…" } else { "Install" }}
                                </button>
                            </div>
                            {move || plan.value().get().map(|r| match r {
                                Ok(p) => view! { <PlanView p /> }.into_any(),
                                Err(e) => view! { <p role="alert" class="text-sm text-red-600 dark:text-red-400">{e.message}</p> }.into_any(),
                            })}
                            <p role="alert" class="text-sm text-red-600 dark:text-red-400">{move || install_error.get().map(|e| e.message)}</p>
                            <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">
                                {move || matches!(install.value().get(), Some(Ok(()))).then_some("Installed.")}
                            </p>
                        </IslandForm>
                    }.into_any()
                }
                None => view! {
                    <p class="mt-2 text-sm"><a href=login.clone() class="font-medium text-indigo-600 underline dark:text-indigo-400">"Log in"</a>" to install it into one of your agents."</p>
                }.into_any(),
        }}
    }
}

#[component]
fn PlanView(p: InstallPreview) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-700" data-testid="install-plan">
            <dl class="space-y-1">
                <div class="flex justify-between gap-2"><dt class="text-slate-500">"Risk"</dt><dd>{p.risk_level.clone()}</dd></div>
                <div class="flex justify-between gap-2"><dt class="text-slate-500">"Needs an agent"</dt><dd>{format!("{} or better", p.required_maturity)}</dd></div>
                {p.agent_maturity.clone().map(|m| view! { <div class="flex justify-between gap-2"><dt class="text-slate-500">"This agent"</dt><dd>{m}</dd></div> })}
                <div class="flex justify-between gap-2"><dt class="text-slate-500">"Quota"</dt><dd>{p.quota.clone()}</dd></div>
            </dl>
            {(!p.packages.is_empty()).then(|| view! {
                <ul class="mt-2 font-mono text-xs">{p.packages.iter().map(|k| view! { <li>{k.clone()}</li> }).collect_view()}</ul>
            })}
            {if p.problems.is_empty() {
                view! { <p class="mt-2 font-medium text-emerald-700 dark:text-emerald-400">{if p.already_installed { "Already installed here." } else { "Ready to install." }}</p> }.into_any()
            } else {
                view! { <ul class="mt-2 list-disc space-y-1 pl-5 text-red-700 dark:text-red-400">{p.problems.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
        </div>
    }
}

/// Install an agent template (as a new agent), a domain (optionally under
/// your own name), a component (onto one of your canvases) or a workflow
/// template (into your workspace).
#[island]
fn InstallOther(kind: ListingKind, id: String, canvases: Option<Vec<CanvasView>>) -> impl IntoView {
    crate::pages::url_errors::provide_from_url();
    let action = ServerAction::<InstallListing>::new();
    let login = format!("/login?next={}/{id}", kind.path());
    let done = move || action.value().get().and_then(Result::ok);
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message)
    };
    view! {
        {match canvases.clone() {
                Some(canvases) => {
                    let id = id.clone();
                    view! {
                        <IslandForm action args=|f| InstallListing { kind: f.text("kind"), id: f.text("id"), target: f.text("target") } class="mt-3 space-y-3">
                            <input type="hidden" name="kind" value=kind.as_str() />
                            <input type="hidden" name="id" value=id />
                            {match kind.spec().install {
                                PageInstall::OnCanvas if canvases.is_empty() => view! {
                                    <input type="hidden" name="target" value="" />
                                    <p class="text-sm">"You have no canvas yet: "<a href="/account/workspace" class="font-medium text-indigo-600 underline dark:text-indigo-400">"create one"</a>"."</p>
                                }.into_any(),
                                PageInstall::OnCanvas => view! {
                                    <label for="install-canvas" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Place on canvas"</label>
                                    <select id="install-canvas" name="target" class=INPUT>
                                        {canvases.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                                    </select>
                                }.into_any(),
                                PageInstall::NamedCopy => view! {
                                    <label for="install-name" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Name of your copy (optional)"</label>
                                    <input id="install-name" name="target" maxlength=crate::model::bounds::DisplayName::MAX.to_string() class=INPUT />
                                }.into_any(),
                                _ => view! { <input type="hidden" name="target" value="" /> }.into_any(),
                            }}
                            <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>
                                {kind.spec().install_verb}
                            </button>
                            <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{done}</p>
                            <p role="alert" class="text-sm text-red-600 dark:text-red-400">{error}</p>
                        </IslandForm>
                    }.into_any()
                }
                None => view! {
                    <p class="mt-2 text-sm"><a href=login.clone() class="font-medium text-indigo-600 underline dark:text-indigo-400">"Log in"</a>" to install it."</p>
                }.into_any(),
        }}
    }
}
