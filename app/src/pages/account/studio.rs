//! `/account/submissions` and `/account/agents`.

use crate::components::error_notice::ErrorNotice;
use crate::components::form::{
    field_message, form_message, FormAlert, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON,
};
use crate::error::{ErrorCode, MarketError};
use crate::model::listing::ListingStatus;
use crate::model::studio::{AgentView, Submission, WorkspaceView};
use crate::server_fns::studio::{
    my_agents, my_submissions, my_workspace, CreateAgent, CreateCanvas, PublishAgentTemplate,
    Resubmit,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Tabs between the account's sections.
#[component]
pub fn AccountNav(current: &'static str) -> impl IntoView {
    let tabs = [
        ("/account", "API keys"),
        ("/account/agents", "Agents"),
        ("/account/workspace", "Workspace"),
        ("/account/submissions", "Submissions"),
        ("/account/analytics", "Analytics"),
        ("/publish", "Publish"),
    ];
    view! {
        <nav aria-label="Account" class="mb-8 flex flex-wrap gap-2 border-b border-slate-200 pb-3 dark:border-slate-800">
            {tabs.into_iter().map(|(href, label)| {
                let active = href == current;
                view! {
                    <a href=href aria-current=active.then_some("page")
                        class=if active {
                            "rounded-full bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                        } else {
                            "rounded-full px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800"
                        }>{label}</a>
                }
            }).collect_view()}
        </nav>
    }
}

/// Signed-out visitors get a way in instead of an error.
pub fn needs_login(e: MarketError, next: &'static str) -> AnyView {
    if e.code == ErrorCode::AuthRequired {
        view! {
            <section class="mx-auto max-w-md py-12 text-center">
                <h1 class="text-2xl font-semibold">"Log in to continue"</h1>
                <a href=format!("/login?next={next}") class=format!("{PRIMARY_BUTTON} mt-6")>"Log in"</a>
            </section>
        }
        .into_any()
    } else {
        view! { <ErrorNotice error=e /> }.into_any()
    }
}

const PANEL: &str = "h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800";

fn status_badge(status: ListingStatus) -> (&'static str, &'static str) {
    match status {
        ListingStatus::Approved => (
            "Approved",
            "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
        ),
        ListingStatus::PendingApproval => (
            "In review",
            "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
        ),
        ListingStatus::Rejected => (
            "Rejected",
            "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
        ),
        ListingStatus::Suspended => (
            "Suspended",
            "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
        ),
        ListingStatus::Draft => (
            "Draft",
            "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        ),
    }
}

#[component]
pub fn SubmissionsPage() -> impl IntoView {
    let resubmit = ServerAction::<Resubmit>::new();
    let items = Resource::new(|| (), |_| my_submissions());
    let error = Memo::new(move |_| resubmit.value().get().and_then(Result::err));
    view! {
        <Title text="Your submissions" />
        <Meta name="description" content="Everything you published and where it stands in review." />
        <AccountNav current="/account/submissions" />
        <h1 class="text-2xl font-semibold">"Your submissions"</h1>
        <FormAlert message=Signal::derive(move || form_message(&error.get(), &[])) />
        <Suspense fallback=|| view! { <div class=PANEL aria-busy="true"></div> }>
            {move || items.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! {
                    <div class="mt-6 rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
                        <p class="font-medium">"Nothing published yet."</p>
                        <a href="/publish" class=format!("{PRIMARY_BUTTON} mt-4")>"Publish a skill"</a>
                    </div>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="mt-6 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
                        {list.into_iter().map(|s| view! { <SubmissionRow s resubmit /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => needs_login(e, "/account/submissions"),
            })}
        </Suspense>
    }
}

#[component]
fn SubmissionRow(s: Submission, resubmit: ServerAction<Resubmit>) -> impl IntoView {
    let (label, class) = status_badge(s.status);
    let href = format!("{}/{}", s.kind.path(), s.id);
    view! {
        <li class="flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between" data-testid="submission">
            <div class="min-w-0">
                <p class="font-medium">
                    {if s.live || s.status == ListingStatus::Approved {
                        view! { <a href=href class="hover:underline">{s.name.clone()}</a> }.into_any()
                    } else {
                        view! { <span>{s.name.clone()}</span> }.into_any()
                    }}
                    <span class="ml-2 text-sm text-slate-500">{s.kind.singular()}</span>
                </p>
                <p class="text-xs text-slate-500">{format!("Updated {}", s.updated_at)}</p>
                {(s.live && s.status == ListingStatus::PendingApproval).then(|| view! {
                    <p class="mt-2 text-sm text-slate-600 dark:text-slate-400" data-testid="change-in-review">
                        "Your change is in review; visitors see the approved version until an operator approves it."
                    </p>
                })}
                {s.rejection_reason.clone().filter(|_| matches!(s.status, ListingStatus::Rejected | ListingStatus::Suspended)).map(|r| view! {
                    <p class="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="rejection-reason">
                        <span class="font-medium">"Reason: "</span>{r}
                    </p>
                })}
                // A turned-down change leaves the approved version live.
                {s.rejection_reason.clone().filter(|_| s.status == ListingStatus::Approved).map(|r| view! {
                    <p class="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="rejection-reason">
                        <span class="font-medium">"Your last change was not approved: "</span>{r}
                    </p>
                })}
            </div>
            <div class="flex shrink-0 items-center gap-3">
                <span class=format!("rounded-full px-2.5 py-0.5 text-xs font-medium {class}")>{label}</span>
                {s.can_submit().then(|| view! {
                    <ActionForm action=resubmit>
                        <input type="hidden" name="kind" value=s.kind.as_str() />
                        <input type="hidden" name="id" value=s.id.clone() />
                        <button type="submit" class=SECONDARY_BUTTON>"Resubmit"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    let create = ServerAction::<CreateAgent>::new();
    let agents = Resource::new(|| (), |_| my_agents());
    let error = Memo::new(move |_| create.value().get().and_then(Result::err));
    let publish = ServerAction::<PublishAgentTemplate>::new();
    let publish_error = Memo::new(move |_| publish.value().get().and_then(Result::err));
    view! {
        <Title text="Your agents" />
        <Meta name="description" content="Your agents, their maturity and the skills installed into each." />
        <AccountNav current="/account/agents" />
        <div class="grid gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <section aria-labelledby="agents-title">
                <h1 id="agents-title" class="text-2xl font-semibold">"Your agents"</h1>
                <FormAlert message=Signal::derive(move || publish_error.get().map(|e| format!("The template was not published: {}", e.message))) />
                <Suspense fallback=|| view! { <div class=PANEL aria-busy="true"></div> }>
                    {move || agents.get().map(|r| match r {
                        Ok(Some(list)) if list.is_empty() => view! {
                            <p class="mt-6 rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
                                "No agents yet: create one to install skills into it."
                            </p>
                        }.into_any(),
                        Ok(Some(list)) => view! {
                            <ul class="mt-6 grid gap-4 sm:grid-cols-2">{list.into_iter().map(|a| agent_card(a, publish)).collect_view()}</ul>
                        }.into_any(),
                        Ok(None) => needs_login(MarketError::auth_required(), "/account/agents"),
                        Err(e) => needs_login(e, "/account/agents"),
                    })}
                </Suspense>
            </section>
            <section aria-labelledby="new-agent" class="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900 lg:self-start">
                <h2 id="new-agent" class="font-semibold">"New agent"</h2>
                <ActionForm action=create attr:class="mt-3 space-y-3">
                    <FormAlert message=Signal::derive(move || form_message(&error.get(), &["name"])) />
                    <div>
                        <label for="agent-name" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Name"</label>
                        <input id="agent-name" name="name" required maxlength=crate::model::bounds::DisplayName::MAX.to_string() class=INPUT aria-describedby="agent-name-error" />
                        <p id="agent-name-error" role="alert" class="mt-1 text-sm text-red-600 dark:text-red-400">{move || field_message(&error.get(), "name")}</p>
                    </div>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"New agents start as students; a tenant admin graduates them one level at a time."</p>
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || create.pending().get()>"Create agent"</button>
                </ActionForm>
            </section>
        </div>
    }
}

fn agent_card(a: AgentView, publish: ServerAction<PublishAgentTemplate>) -> impl IntoView {
    let field = |name: &str| format!("publish-{name}-{}", a.id);
    let (name_id, summary_id, category_id, price_id) = (
        field("name"),
        field("summary"),
        field("category"),
        field("price"),
    );
    let label = "block text-xs font-medium text-slate-700 dark:text-slate-300";
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="agent">
            <div class="flex items-center justify-between gap-2">
                <h2 class="font-medium">{a.name.clone()}</h2>
                <span class="rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{a.maturity}</span>
            </div>
            {if a.skills.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-500">"No skills installed."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 flex flex-wrap gap-1.5" aria-label="Installed skills">
                        {a.skills.into_iter().map(|s| view! { <li class="rounded bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800">{s}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details class="mt-3 text-sm">
                <summary class="cursor-pointer rounded font-medium text-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300">"Publish as a template"</summary>
                <ActionForm action=publish attr:class="mt-2 space-y-2">
                    <input type="hidden" name="agent_id" value=a.id.clone() />
                    <div>
                        <label for=name_id.clone() class=label>"Template name"</label>
                        <input id=name_id name="name" required maxlength=crate::model::bounds::DisplayName::MAX.to_string() value=a.name.clone() class=INPUT />
                    </div>
                    <div>
                        <label for=summary_id.clone() class=label>"What it does"</label>
                        <input id=summary_id name="description" required maxlength=crate::model::bounds::Description::MAX.to_string() class=INPUT />
                    </div>
                    <div class="grid grid-cols-2 gap-2">
                        <div>
                            <label for=category_id.clone() class=label>"Category"</label>
                            <input id=category_id name="category" maxlength=crate::model::bounds::ShortName::MAX.to_string() class=INPUT />
                        </div>
                        <div>
                            <label for=price_id.clone() class=label>"Price (USD)"</label>
                            <input id=price_id name="price" type="number" min="0" max=crate::model::bounds::Price::max_int().to_string() step="0.01" class=INPUT placeholder="0" />
                        </div>
                    </div>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"Its installed skills go with it; an operator reviews it first."</p>
                    <button type="submit" class=SECONDARY_BUTTON>"Submit template for review"</button>
                </ActionForm>
            </details>
        </li>
    }
}

/// `/account/workspace`: canvases with their components, and workflows.
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let create = ServerAction::<CreateCanvas>::new();
    let data = Resource::new(|| (), |_| my_workspace());
    let error = Memo::new(move |_| create.value().get().and_then(Result::err));
    view! {
        <Title text="Your workspace" />
        <Meta name="description" content="Your canvases with their components, and the workflows in your workspace." />
        <AccountNav current="/account/workspace" />
        <h1 class="text-2xl font-semibold">"Your workspace"</h1>
        <Suspense fallback=|| view! { <div class=PANEL aria-busy="true"></div> }>
            {move || data.get().map(|r| match r {
                Ok(w) => view! { <Workspace w create error /> }.into_any(),
                Err(e) => needs_login(e, "/account/workspace"),
            })}
        </Suspense>
    }
}

#[component]
fn Workspace(
    w: WorkspaceView,
    create: ServerAction<CreateCanvas>,
    error: Memo<Option<MarketError>>,
) -> impl IntoView {
    view! {
        <div class="mt-6 grid gap-8 lg:grid-cols-2">
            <section aria-labelledby="canvases-title" class="space-y-4">
                <h2 id="canvases-title" class="text-xl font-semibold">"Canvases"</h2>
                {if w.canvases.is_empty() {
                    view! { <p class="rounded-xl border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">"No canvases yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="space-y-3">
                            {w.canvases.into_iter().map(|c| view! {
                                <li class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="canvas">
                                    <h3 class="font-medium">{c.name}</h3>
                                    {if c.components.is_empty() {
                                        view! { <p class="mt-1 text-sm text-slate-500">"No components placed. Install one from "<a href="/components" class="text-indigo-600 underline dark:text-indigo-400">"the component marketplace"</a>"."</p> }.into_any()
                                    } else {
                                        view! { <ul class="mt-2 flex flex-wrap gap-1.5" aria-label="Components">{c.components.into_iter().map(|n| view! { <li class="rounded bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800">{n}</li> }).collect_view()}</ul> }.into_any()
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <ActionForm action=create attr:class="flex flex-col gap-2 rounded-xl border border-slate-200 bg-white p-4 sm:flex-row sm:items-end dark:border-slate-800 dark:bg-slate-900">
                    <div class="flex-1">
                        <label for="canvas-name" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"New canvas"</label>
                        <input id="canvas-name" name="name" required maxlength=crate::model::bounds::DisplayName::MAX.to_string() class=INPUT aria-describedby="canvas-name-error" />
                        <p id="canvas-name-error" role="alert" class="mt-1 text-sm text-red-600 dark:text-red-400">{move || field_message(&error.get(), "name").or_else(|| form_message(&error.get(), &["name"]))}</p>
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON>"Create canvas"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="workflows-title" class="space-y-4">
                <h2 id="workflows-title" class="text-xl font-semibold">"Workflows"</h2>
                {if w.workflows.is_empty() {
                    view! { <p class="rounded-xl border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">"No workflows yet. Import one from "<a href="/workflows" class="text-indigo-600 underline dark:text-indigo-400">"the workflow marketplace"</a>"."</p> }.into_any()
                } else {
                    view! {
                        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
                            {w.workflows.into_iter().map(|f| view! {
                                <li class="p-4" data-testid="workflow">
                                    <p class="font-medium">{f.name}</p>
                                    <p class="text-sm text-slate-600 dark:text-slate-400">{f.description}</p>
                                    <p class="mt-1 text-xs text-slate-500">{format!("{} nodes · {} · {}", f.nodes, f.source, f.created_at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
