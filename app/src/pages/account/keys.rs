use crate::components::error_notice::ErrorNotice;
use crate::components::form::{
    field_message, form_message, FormAlert, TextField, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON,
};
use crate::error::{ErrorCode, MarketError};
use crate::model::account::{CreatedKey, KeyInfo, Me};
use crate::server_fns::account::current_user;
use crate::server_fns::keys::{list_api_keys, CreateApiKey, KeysView, RevokeApiKey};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/account`: who you are, and your API keys.
#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    // Created here, once per page: the list read consumes what rebuilds the
    // just-created key, so it must not run again for a nested re-render.
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    // Server-rendered only: each form post reloads the page and reads again.
    let keys = Resource::new(|| (), |_| list_api_keys());
    let forms = KeyForms {
        create,
        revoke,
        keys,
    };
    view! {
        <Title text="Your account" />
        <Meta name="description" content="Your marketplace account and API keys." />
        <Suspense fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || me.get().map(|r| match r {
                Ok(Some(me)) => view! { <Account me forms /> }.into_any(),
                Ok(None) => view! { <LoginPrompt /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn LoginPrompt() -> impl IntoView {
    view! {
        <section class="mx-auto max-w-md py-12 text-center">
            <h1 class="text-2xl font-semibold">"Log in to see your account"</h1>
            <p class="mt-2 text-slate-600 dark:text-slate-400">"Your API keys and installs live here."</p>
            <a href="/login?next=/account" class=format!("{PRIMARY_BUTTON} mt-6")>"Log in"</a>
        </section>
    }
}

#[derive(Clone, Copy)]
struct KeyForms {
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    keys: Resource<Result<KeysView, MarketError>>,
}

#[component]
fn Account(me: Me, forms: KeyForms) -> impl IntoView {
    view! {
        <crate::pages::account::studio::AccountNav current="/account" />
        <div class="space-y-8">
            <header>
                <h1 class="text-2xl font-semibold tracking-tight">"Your account"</h1>
                <dl class="mt-4 grid gap-4 rounded-xl border border-slate-200 bg-white p-6 text-sm shadow-sm sm:grid-cols-3 dark:border-slate-800 dark:bg-slate-900">
                    <div><dt class="text-slate-500 dark:text-slate-400">"E-mail"</dt><dd class="mt-1 font-medium break-all" data-testid="account-email">{me.email.clone()}</dd></div>
                    <div><dt class="text-slate-500 dark:text-slate-400">"Role"</dt><dd class="mt-1 font-medium">{me.role.as_str()}</dd></div>
                    <div><dt class="text-slate-500 dark:text-slate-400">"Tenant"</dt><dd class="mt-1 font-mono text-xs break-all">{me.tenant_id.to_string()}</dd></div>
                </dl>
            </header>
            <ApiKeys forms />
        </div>
    }
}

#[component]
fn ApiKeys(forms: KeyForms) -> impl IntoView {
    let KeyForms {
        create,
        revoke,
        keys,
    } = forms;
    let error = Memo::new(move |_| create.value().get().and_then(Result::err));
    let revoke_error = Memo::new(move |_| {
        revoke
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message)
    });
    view! {
        <section aria-labelledby="keys-heading" class="space-y-4">
            <div>
                <h2 id="keys-heading" class="text-xl font-semibold">"API keys"</h2>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                    "Send a key in the " <code class="rounded bg-slate-100 px-1 dark:bg-slate-800">"X-API-Key"</code>
                    " header. A key is shown once, when you create it; we keep only its hash."
                </p>
            </div>
            <ActionForm action=create attr:class="grid gap-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-start dark:border-slate-800 dark:bg-slate-900" attr:novalidate="true">
                <div class="empty:hidden sm:col-span-4"><FormAlert message=Signal::derive(move || form_message(&error.get(), &["name", "scope", "expires_in_days"])) /></div>
                <TextField label="Name" name="name" placeholder="CI pipeline" error=Signal::derive(move || field_message(&error.get(), "name")) />
                <div>
                    <label for="field-scope" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Scope"</label>
                    <select id="field-scope" name="scope" class=INPUT>
                        <option value="read">"Read only"</option>
                        <option value="read_write" selected>"Read and write"</option>
                    </select>
                </div>
                <TextField label="Expires in (days)" name="expires_in_days" kind="number" required=false placeholder="never" error=Signal::derive(move || field_message(&error.get(), "expires_in_days")) />
                <button type="submit" class=format!("{PRIMARY_BUTTON} sm:mt-6") disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create key" }}
                </button>
            </ActionForm>
            <FormAlert message=Signal::derive(move || revoke_error.get()) />
            <Suspense fallback=|| view! { <div class="h-24 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
                {move || keys.get().map(|r| match r {
                    Ok(view) => view! {
                        {view.just_created.map(|k| view! { <NewKey key=k /> })}
                        <KeyTable keys=view.keys.keys revoke />
                    }.into_any(),
                    Err(e) if e.code == ErrorCode::AuthRequired => view! { <LoginPrompt /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NewKey(key: CreatedKey) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950" role="status" data-testid="new-key">
            <p class="font-medium text-emerald-900 dark:text-emerald-100">
                "Copy your new key “" {key.name.clone()} "” now. It will not be shown again."
            </p>
            <label for="new-key-value" class="sr-only">"New API key"</label>
            <input id="new-key-value" readonly value=key.key.clone() class=format!("{INPUT} mt-2 font-mono text-sm") data-testid="new-key-value" />
        </div>
    }
}

#[component]
fn KeyTable(keys: Vec<KeyInfo>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if keys.is_empty() {
        return view! {
            <p class="rounded-xl border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
                "No keys yet. Create one to call the API from scripts and CI."
            </p>
        }
        .into_any();
    }
    let date = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d").to_string();
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Your API keys"</caption>
                <thead class="border-b border-slate-200 text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3 font-medium">"Name"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Key"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Scope"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Created"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Last used"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {keys.into_iter().map(|k| {
                        let id = k.id.to_string();
                        let name = k.name.clone();
                        view! {
                            <tr data-testid="key-row">
                                <td class="px-4 py-3 font-medium">{k.name.clone()}</td>
                                <td class="px-4 py-3 font-mono text-xs">{format!("{}…", k.prefix)}</td>
                                <td class="px-4 py-3">{k.scope.as_str()}</td>
                                <td class="px-4 py-3 tabular-nums">{date(k.created_at)}</td>
                                <td class="px-4 py-3 tabular-nums">{k.last_used_at.map_or_else(|| "never".to_owned(), date)}</td>
                                <td class="px-4 py-3">
                                    {if k.is_active {
                                        view! { <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">"active"</span> }.into_any()
                                    } else {
                                        view! { <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">"revoked"</span> }.into_any()
                                    }}
                                </td>
                                <td class="px-4 py-3 text-right">
                                    {k.is_active.then(|| view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="id" value=id.clone() />
                                            <button type="submit" class=SECONDARY_BUTTON aria-label=format!("Revoke key {name}")>"Revoke"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
