//! The one route table of the pages.

use crate::components::layout::Layout;
use crate::pages::account::{keys::AccountPage, login::LoginPage, signup::SignupPage};
use crate::pages::{auth_epoch, home::HomePage, not_found::NotFoundPage, url_errors};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth_epoch::provide();
    url_errors::provide_from_url();
    view! {
        <Stylesheet id="leptos" href="/pkg/marketplace.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Agent Marketplace".to_owned() } else { format!("{page} · Agent Marketplace") }
        } />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/signup") view=SignupPage />
                    <Route path=path!("/account") view=AccountPage />
                </Routes>
            </Layout>
        </Router>
    }
}
