//! `/admin`: the operator's desk. The queue (oldest first, every kind, the
//! full content with packages and risk, changes to approved listings
//! marked), approve or reject with a required reason, flagged reviews, the
//! maintenance switch and the audit log. Each decision carries the content
//! hash of what the card showed, so content changed since is not approved
//! unseen.

use crate::components::form::{form_message, FormAlert, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::listing_card::price_label;
use crate::model::capability::CapabilityDiff;
use crate::model::studio::{FieldChange, FlaggedReview, OperatorDesk, QueueItem};
use crate::pages::account::studio::needs_login;
use crate::server_fns::operator::{
    load_operator_desk, DecideListing, SetMaintenance, SetReviewHidden,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

const CARD: &str = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900";
const DANGER_BUTTON: &str = "inline-flex items-center justify-center rounded-lg bg-red-600 px-3 py-1.5 text-sm font-medium text-white \
    hover:bg-red-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500";

#[derive(Clone, Copy)]
struct Actions {
    decide: ServerAction<DecideListing>,
    hide: ServerAction<SetReviewHidden>,
    maintenance: ServerAction<SetMaintenance>,
}

#[component]
pub fn OperatorPage() -> impl IntoView {
    let actions = Actions {
        decide: ServerAction::new(),
        hide: ServerAction::new(),
        maintenance: ServerAction::new(),
    };
    // Server-rendered only: each decision posts and reloads the desk.
    let desk = Resource::new(|| (), |_| load_operator_desk());
    let health = Resource::new(|| (), |_| crate::server_fns::stats::queue_chart());
    let error = Memo::new(move |_| {
        actions
            .decide
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.hide.value().get().and_then(Result::err))
            .or_else(|| actions.maintenance.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Operator desk" />
        <Meta name="description" content="Review submissions, moderate reviews and run the marketplace." />
        <h1 class="text-3xl font-semibold tracking-tight">"Operator desk"</h1>
        <div class="mt-4"><FormAlert message=Signal::derive(move || form_message(&error.get(), &[])) /></div>
        <Suspense fallback=|| ()>
            {move || health.get().and_then(Result::ok).map(|chart| view! {
                <section aria-labelledby="health-title" class=format!("{CARD} mt-6") data-testid="queue-health">
                    <h2 id="health-title" class="sr-only">"Queue health"</h2>
                    <crate::components::chart::Chart chart />
                </section>
            })}
        </Suspense>
        <Suspense fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || desk.get().map(|r| match r {
                Ok(d) => view! { <Desk d actions /> }.into_any(),
                Err(e) => needs_login(e, "/admin"),
            })}
        </Suspense>
    }
}

#[component]
fn Desk(d: OperatorDesk, actions: Actions) -> impl IntoView {
    let queue_len = d.queue.len();
    view! {
        <div class="mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
            <section aria-labelledby="queue-title" class="min-w-0">
                <h2 id="queue-title" class="text-xl font-semibold">{format!("Review queue ({queue_len})")}</h2>
                {if d.queue.is_empty() {
                    view! { <p class="mt-4 rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">"Nothing waiting for review."</p> }.into_any()
                } else {
                    view! { <ol class="mt-4 space-y-4">{d.queue.into_iter().map(|item| view! { <QueueCard item decide=actions.decide /> }).collect_view()}</ol> }.into_any()
                }}
            </section>
            <div class="min-w-0 space-y-8">
                <Maintenance on=d.maintenance message=d.maintenance_message.clone() action=actions.maintenance />
                <crate::pages::operator_federation::FederationPeers />
                <section aria-labelledby="flags-title" class=CARD>
                    <h2 id="flags-title" class="font-semibold">"Flagged reviews"</h2>
                    {if d.flagged.is_empty() {
                        view! { <p class="mt-2 text-sm text-slate-500">"No flagged reviews."</p> }.into_any()
                    } else {
                        view! { <ul class="mt-3 space-y-3">{d.flagged.into_iter().map(|f| view! { <Flagged f hide=actions.hide /> }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <section aria-labelledby="audit-title" class=CARD>
                    <h2 id="audit-title" class="font-semibold">"Audit log"</h2>
                    <ol class="mt-3 space-y-2 text-sm">
                        {d.audit.into_iter().take(20).map(|a| view! {
                            <li><span class="font-mono text-xs">{a.action}</span><span class="block text-xs text-slate-500">{a.at}</span></li>
                        }).collect_view()}
                    </ol>
                </section>
            </div>
        </div>
    }
}

#[component]
fn QueueCard(item: QueueItem, decide: ServerAction<DecideListing>) -> impl IntoView {
    let reason_id = format!("reason-{}", item.id);
    let (approve_id, reject_id) = (item.id.clone(), item.id.clone());
    let (approve_hash, reject_hash) = (item.content_hash.clone(), item.content_hash.clone());
    let change_label = match item.change.as_str() {
        "edit" => Some(
            "Change to an approved listing (the approved version stays live until you approve)",
        ),
        "rollback" => Some(
            "Rollback of an approved listing (the approved version stays live until you approve)",
        ),
        _ => None,
    };
    view! {
        <li class=CARD data-testid="queue-item">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h3 class="text-lg font-semibold">{item.name.clone()}</h3>
                <span class="text-xs text-slate-500">{format!("{} · submitted {}", item.kind.singular(), item.submitted_at)}</span>
            </div>
            <p class="text-sm text-slate-600 dark:text-slate-400">{format!("by {}", item.publisher)}</p>
            {change_label.map(|l| view! { <p class="mt-1 text-sm font-medium text-amber-700 dark:text-amber-400" data-testid="queue-change">{l}</p> })}
            <p class="mt-2">{item.description.clone()}</p>
            <dl class="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
                <div><dt class="text-slate-500">"Category"</dt><dd>{item.category.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt class="text-slate-500">"Price"</dt><dd>{price_label(item.price)}</dd></div>
                <div><dt class="text-slate-500">"Risk"</dt><dd class="font-medium">{item.risk_level.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt class="text-slate-500">"Packages"</dt><dd>{if item.packages.is_empty() { "none".to_owned() } else { item.packages.join(", ") }}</dd></div>
            </dl>
            {item.capability_diff.clone().map(|d| view! { <CapabilityDiffView d /> })}
            {(!item.content_diff.is_empty()).then(|| view! { <ContentDiffView changes=item.content_diff.clone() /> })}
            {(!item.long_description_html.is_empty()).then(|| view! {
                <details class="mt-3 text-sm"><summary class="cursor-pointer font-medium">"Full description"</summary>
                    // Sanitised on the server (backend::markdown).
                    <div class="mt-2 space-y-2" inner_html=item.long_description_html.clone()></div>
                </details>
            })}
            <div class="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end">
                <ActionForm action=decide>
                    <input type="hidden" name="id" value=approve_id.clone() />
                    <input type="hidden" name="action" value="approve" />
                    <input type="hidden" name="reason" value="" />
                    // Pins the approval to the content on this page.
                    <input type="hidden" name="content_hash" value=approve_hash.clone() />
                    <button type="submit" class=PRIMARY_BUTTON>"Approve"</button>
                </ActionForm>
                <ActionForm action=decide attr:class="flex flex-1 flex-col gap-2 sm:flex-row sm:items-end">
                    <input type="hidden" name="id" value=reject_id.clone() />
                    <input type="hidden" name="action" value="reject" />
                    <input type="hidden" name="content_hash" value=reject_hash.clone() />
                    <div class="flex-1">
                        <label for=reason_id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Reason for rejecting"</label>
                        <input id=reason_id.clone() name="reason" required maxlength=crate::model::bounds::Reason::MAX.to_string() class=INPUT placeholder="What must change" />
                    </div>
                    <button type="submit" class=DANGER_BUTTON>"Reject"</button>
                </ActionForm>
            </div>
        </li>
    }
}

/// The manifest live now and under review, part by part, the widened
/// parts marked: what an approval would grant the skill beyond today.
#[component]
fn CapabilityDiffView(d: CapabilityDiff) -> impl IntoView {
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    let rows: Vec<(&'static str, String, String)> = vec![
        ("network", list(&d.before.network), list(&d.after.network)),
        ("secrets", list(&d.before.secrets), list(&d.after.secrets)),
        (
            "filesystem",
            d.before.filesystem.as_str().to_owned(),
            d.after.filesystem.as_str().to_owned(),
        ),
        ("shell", yes_no(d.before.shell), yes_no(d.after.shell)),
        ("docker", yes_no(d.before.docker), yes_no(d.after.docker)),
    ];
    let summary = if d.widened.is_empty() {
        if d.narrowed.is_empty() {
            "Capabilities unchanged".to_owned()
        } else {
            format!("Capabilities narrowed: {}", d.narrowed.join(", "))
        }
    } else {
        format!("Capabilities widened: {}", d.widened.join(", "))
    };
    let widened = d.widened.clone();
    view! {
        <div class="mt-3" data-testid="capability-diff">
            <p class=if widened.is_empty() { "text-sm font-medium" } else { "text-sm font-medium text-red-700 dark:text-red-400" } data-testid="capability-summary">{summary}</p>
            <div class="mt-1 overflow-x-auto">
                <table class="w-full min-w-[18rem] text-left text-sm">
                    <caption class="sr-only">"Capabilities before and after this change"</caption>
                    <thead class="text-xs text-slate-500"><tr><th scope="col" class="py-1 pr-3 font-medium">"Capability"</th><th scope="col" class="py-1 pr-3 font-medium">"Live"</th><th scope="col" class="py-1 font-medium">"Under review"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(name, before, after)| {
                            let wide = widened.iter().any(|w| w == name);
                            view! {
                                <tr class=if wide { "bg-red-50 dark:bg-red-950/40" } else { "" } data-widened=if wide { "true" } else { "false" }>
                                    <th scope="row" class="py-1 pr-3 font-medium">{name}{wide.then(|| view! { <span class="ml-1 text-xs font-semibold text-red-700 dark:text-red-400">"widened"</span> })}</th>
                                    <td class="py-1 pr-3 font-mono text-xs [overflow-wrap:anywhere]">{before}</td>
                                    <td class="py-1 font-mono text-xs [overflow-wrap:anywhere]">{after}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// Each changed field, the live text above the text under review.
#[component]
fn ContentDiffView(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <details class="mt-3 text-sm" open data-testid="content-diff">
            <summary class="cursor-pointer font-medium">{format!("Content changes ({})", changes.len())}</summary>
            <dl class="mt-2 space-y-3">
                {changes.into_iter().map(|c| view! {
                    <div data-testid="content-change">
                        <dt class="font-mono text-xs font-semibold">{c.field}</dt>
                        <dd class="mt-1 grid gap-1 sm:grid-cols-2">
                            <pre class="max-h-48 overflow-auto whitespace-pre-wrap rounded [overflow-wrap:anywhere] bg-red-50 p-2 text-xs text-red-900 dark:bg-red-950/40 dark:text-red-200" tabindex="0"><span class="mb-1 block font-sans text-[11px] font-semibold uppercase tracking-wide">"Live"</span>{c.before}</pre>
                            <pre class="max-h-48 overflow-auto whitespace-pre-wrap rounded [overflow-wrap:anywhere] bg-emerald-50 p-2 text-xs text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200" tabindex="0"><span class="mb-1 block font-sans text-[11px] font-semibold uppercase tracking-wide">"Under review"</span>{c.after}</pre>
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
        </details>
    }
}

#[component]
fn Flagged(f: FlaggedReview, hide: ServerAction<SetReviewHidden>) -> impl IntoView {
    let id = f.id.clone();
    let hidden = f.hidden;
    view! {
        <li class="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800" data-testid="flagged-review">
            <p class="whitespace-pre-wrap">{f.review.clone().unwrap_or_else(|| format!("{} stars, no text", f.rating))}</p>
            <p class="mt-1 text-xs text-slate-500">{format!("{} flags: {}", f.flag_count, f.reasons.join("; "))}</p>
            <ActionForm action=hide attr:class="mt-2">
                <input type="hidden" name="review_id" value=id.clone() />
                <input type="hidden" name="hidden" value=if hidden { "no" } else { "yes" } />
                <button type="submit" class=SECONDARY_BUTTON>{if hidden { "Restore" } else { "Hide review" }}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn Maintenance(
    on: bool,
    message: Option<String>,
    action: ServerAction<SetMaintenance>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="maintenance-title" class=CARD>
            <h2 id="maintenance-title" class="font-semibold">"Maintenance"</h2>
            <p class="mt-1 text-sm" data-testid="maintenance-state">
                {if on { "On: every write is refused with 503." } else { "Off: the marketplace is open." }}
            </p>
            <ActionForm action=action attr:class="mt-3 space-y-2">
                <input type="hidden" name="enabled" value=if on { "off" } else { "on" } />
                <label for="maintenance-message" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Message"</label>
                <input id="maintenance-message" name="message" maxlength=crate::model::bounds::Reason::MAX.to_string() class=INPUT value=message.clone() placeholder="Back at 14:00 UTC" />
                <button type="submit" class=if on { PRIMARY_BUTTON } else { DANGER_BUTTON }>
                    {if on { "Turn maintenance off" } else { "Turn maintenance on" }}
                </button>
            </ActionForm>
        </section>
    }
}
