use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found" />
        <section class="py-16 text-center">
            <h1 class="text-3xl font-semibold">"Page not found"</h1>
            <p class="mt-3 text-slate-600 dark:text-slate-400">"The page you asked for does not exist."</p>
            <a href="/" class="mt-6 inline-block rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500">
                "Back to the marketplace"
            </a>
        </section>
    }
}
