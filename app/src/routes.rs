//! The one route table of the pages.

use crate::components::layout::Layout;
use crate::model::kind::ListingKind;
use crate::pages::account::analytics::AnalyticsPage;
use crate::pages::account::studio::{AgentsPage, SubmissionsPage, WorkspacePage};
use crate::pages::account::{keys::AccountPage, login::LoginPage, signup::SignupPage};
use crate::pages::{
    browse::BrowsePage, home::HomePage, listing::ListingPage, not_found::NotFoundPage, url_errors,
};
use crate::pages::{operator::OperatorPage, publish::PublishPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    url_errors::provide_from_url();
    view! {
        <Stylesheet id="leptos" href="/pkg/marketplace.css" />
        // leptos_meta writes the title into the SSR <head> unescaped, so a
        // listing named "</title><script>…" could break out of it: no "<"
        // reaches the title (a look-alike takes its place).
        <Title formatter=|page: String| {
            let page = page.replace('<', "\u{2039}");
            if page.is_empty() { "Agent Marketplace".to_owned() } else { format!("{page} · Agent Marketplace") }
        } />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    // In-order streaming: every page is complete HTML without JavaScript.
                    <Route path=path!("/") view=HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("/skills") view=|| view! { <BrowsePage kind=ListingKind::Skill /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/agents") view=|| view! { <BrowsePage kind=ListingKind::AgentTemplate /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/domains") view=|| view! { <BrowsePage kind=ListingKind::Domain /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/components") view=|| view! { <BrowsePage kind=ListingKind::CanvasComponent /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/workflows") view=|| view! { <BrowsePage kind=ListingKind::WorkflowTemplate /> } ssr=SsrMode::InOrder />
                    // Async: its title and description come from the listing, and
                    // must be in <head> before the first byte leaves.
                    <Route path=path!("/skills/:id") view=|| view! { <ListingPage kind=ListingKind::Skill /> } ssr=SsrMode::Async />
                    <Route path=path!("/agents/:id") view=|| view! { <ListingPage kind=ListingKind::AgentTemplate /> } ssr=SsrMode::Async />
                    <Route path=path!("/domains/:id") view=|| view! { <ListingPage kind=ListingKind::Domain /> } ssr=SsrMode::Async />
                    <Route path=path!("/components/:id") view=|| view! { <ListingPage kind=ListingKind::CanvasComponent /> } ssr=SsrMode::Async />
                    <Route path=path!("/workflows/:id") view=|| view! { <ListingPage kind=ListingKind::WorkflowTemplate /> } ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::InOrder />
                    // Async: the page reads (and clears) a one-time value from the
                    // session, which must be saved before the response starts.
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/agents") view=AgentsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/account/submissions") view=SubmissionsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/account/analytics") view=AnalyticsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/account/workspace") view=WorkspacePage ssr=SsrMode::InOrder />
                    <Route path=path!("/publish") view=PublishPage ssr=SsrMode::InOrder />
                    <Route path=path!("/admin") view=OperatorPage ssr=SsrMode::InOrder />
                </Routes>
            </Layout>
        </Router>
    }
}
