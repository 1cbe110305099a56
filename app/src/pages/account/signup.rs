use crate::components::form::{field_message, form_message, FormAlert, TextField, PRIMARY_BUTTON};
use crate::server_fns::account::Signup;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

const FIELDS: [&str; 3] = ["tenant_name", "email", "password"];

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    let field = move |name: &'static str| Signal::derive(move || field_message(&error.get(), name));
    view! {
        <Title text="Create an account" />
        <Meta name="description" content="Create a marketplace account for your team." />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold tracking-tight">"Create an account"</h1>
            <p class="mt-2 text-slate-600 dark:text-slate-400">
                "Already have one? " <a href="/login" class="font-medium text-indigo-600 underline-offset-2 hover:underline dark:text-indigo-400">"Log in"</a>
            </p>
            <ActionForm action=action attr:class="mt-6 space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900" attr:novalidate="true">
                <FormAlert message=Signal::derive(move || form_message(&error.get(), &FIELDS)) />
                <TextField label="Team or company" name="tenant_name" autocomplete="organization" placeholder="Acme Robotics" error=field("tenant_name") />
                <TextField label="E-mail" name="email" kind="email" autocomplete="email" error=field("email") />
                <TextField label="Password" name="password" kind="password" autocomplete="new-password" hint="At least 8 characters." error=field("password") />
                <button type="submit" class=format!("{PRIMARY_BUTTON} w-full") disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </ActionForm>
        </section>
    }
}
