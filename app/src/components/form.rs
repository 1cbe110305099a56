//! Labelled form controls with their errors beside them.

use crate::error::MarketError;
use leptos::prelude::*;

pub const INPUT: &str = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm \
    placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/40 \
    aria-invalid:border-red-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";
pub const PRIMARY_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white \
    shadow-sm hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-60 focus-visible:outline focus-visible:outline-2 \
    focus-visible:outline-offset-2 focus-visible:outline-indigo-500";
pub const SECONDARY_BUTTON: &str = "inline-flex items-center justify-center rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium \
    text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 \
    focus-visible:outline-indigo-500 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800";

/// The message for one field, when the error names it in `details.field`.
pub fn field_message(error: &Option<MarketError>, field: &str) -> Option<String> {
    let e = error.as_ref()?;
    let details = e.details.as_ref()?;
    (details.get("field")?.as_str()? == field).then(|| {
        details
            .get("message")
            .and_then(|m| m.as_str())
            .map_or_else(|| e.message.clone(), str::to_owned)
    })
}

/// An error that names no field of this form, shown above it.
pub fn form_message(error: &Option<MarketError>, fields: &[&str]) -> Option<String> {
    let e = error.as_ref()?;
    let named = e
        .details
        .as_ref()
        .and_then(|d| d.get("field"))
        .and_then(|f| f.as_str())
        .is_some_and(|f| fields.contains(&f));
    (!named).then(|| e.message.clone())
}

#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || match (error.get().is_some(), hint.is_empty()) {
            (true, _) => Some(error_id.clone()),
            (false, false) => Some(hint_id.clone()),
            (false, true) => None,
        }
    };
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-300">{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                class=INPUT
            />
            {(!hint.is_empty()).then(|| view! { <p id=hint_id class="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p> })}
            <p id=error_id class="mt-1 text-sm text-red-600 dark:text-red-400" role="alert">{move || error.get()}</p>
        </div>
    }
}

#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div role="alert" class="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
                {move || message.get()}
            </div>
        </Show>
    }
}
