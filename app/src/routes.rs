//! The one route table of the pages.

use crate::components::layout::Layout;
use crate::pages::{home::HomePage, not_found::NotFoundPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/marketplace.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Agent Marketplace".to_owned() } else { format!("{page} · Agent Marketplace") }
        } />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=HomePage />
                </Routes>
            </Layout>
        </Router>
    }
}
