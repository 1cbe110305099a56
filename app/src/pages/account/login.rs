use crate::components::form::{field_message, form_message, FormAlert, TextField, PRIMARY_BUTTON};
use crate::server_fns::account::Login;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    view! {
        <Title text="Log in" />
        <Meta name="description" content="Log in to publish, rate and install marketplace assets." />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold tracking-tight">"Log in"</h1>
            <p class="mt-2 text-slate-600 dark:text-slate-400">
                "New here? " <a href="/signup" class="font-medium text-indigo-600 underline-offset-2 hover:underline dark:text-indigo-400">"Create an account"</a>
            </p>
            <ActionForm action=action attr:class="mt-6 space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900" attr:novalidate="true">
                <FormAlert message=Signal::derive(move || form_message(&error.get(), &["email", "password"])) />
                <input type="hidden" name="next" value=next />
                <TextField label="E-mail" name="email" kind="email" autocomplete="email" error=Signal::derive(move || field_message(&error.get(), "email")) />
                <TextField label="Password" name="password" kind="password" autocomplete="current-password" error=Signal::derive(move || field_message(&error.get(), "password")) />
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full") disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
            </ActionForm>
        </section>
    }
}
