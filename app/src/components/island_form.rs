//! A server-function form for islands. Like `ActionForm` it posts to the
//! function's URL when JavaScript is off; once hydrated it reads its fields
//! by name and dispatches the action, so the browser bundle carries no
//! query-string decoder (`ActionForm` decodes the form with serde_qs).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement};

/// The fields of a submitted form, read by name.
pub struct Fields(FormData);

impl Fields {
    /// The field's value; a missing field reads as empty, as a blank one.
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).as_string().unwrap_or_default()
    }

    /// The field's value, `None` when the form has no such field.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }
}

#[component]
pub fn IslandForm<S>(
    action: ServerAction<S>,
    /// Builds the server function's arguments from the submitted fields.
    args: fn(&Fields) -> S,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] labelled_by: Option<&'static str>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    // A function that redirects (publishing, rating) loads the new page.
    _ = leptos::server_fn::redirect::set_redirect_hook(|loc: &str| {
        _ = window().location().set_href(loc);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let data = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            .and_then(|form| FormData::new_with_form(&form).ok());
        // Without the fields the browser's own post still works.
        if let Some(data) = data {
            ev.prevent_default();
            action.dispatch(args(&Fields(data)));
        }
    };
    view! {
        <form action=S::url() method="post" class=class aria-labelledby=labelled_by on:submit=on_submit>
            {children()}
        </form>
    }
}
