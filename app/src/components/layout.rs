use crate::components::form::SECONDARY_BUTTON;
use crate::server_fns::account::{current_user, Logout};
use leptos::prelude::*;

const NAV_LINK: &str = "rounded px-2 py-1 text-sm text-slate-600 hover:text-slate-900 focus-visible:outline \
    focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:text-white";

/// Header, main column and footer around every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900">
            "Skip to content"
        </a>
        <header class="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
            <nav class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3 sm:px-6" aria-label="Main">
                <a href="/" class="flex items-center gap-2 rounded font-semibold tracking-tight focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500">
                    <span aria-hidden="true" class="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-sm font-bold text-white">"AM"</span>
                    <span class="text-lg">"Agent Marketplace"</span>
                </a>
                <div class="flex flex-wrap items-center gap-x-1 gap-y-1 sm:gap-x-2">
                    <a href="/skills" class=NAV_LINK>"Marketplace"</a>
                    <a href="/api/test-console/" class=format!("{NAV_LINK} hidden sm:inline")>"API"</a>
                    <UserMenu />
                </div>
            </nav>
        </header>
        <main id="main" data-hydrated="false" class="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-12">{children()}</main>
        <footer class="border-t border-slate-200 py-6 text-center text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
            "Skills, agents, domains, components and workflows for AI agents."
        </footer>
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    // Rendered on the server only: logging in or out reloads the page.
    let me = Resource::new(|| (), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    let guest = || {
        view! {
            <a href="/login" class=NAV_LINK>"Log in"</a>
            <a href="/signup" class=SECONDARY_BUTTON>"Sign up"</a>
        }
    };
    view! {
        // The fallback is the guest menu's size, so nothing shifts when it resolves.
        <Suspense fallback=move || view! { <span class="inline-block h-8 w-32" aria-hidden="true"></span> }>
            {move || me.get().map(|r| match r {
                Ok(Some(me)) => view! {
                    {me.permissions.iter().any(|p| p == "GOVERNANCE_APPROVE").then(|| view! {
                        <a href="/admin" class=NAV_LINK>"Operator"</a>
                    })}
                    <a href="/publish" class=NAV_LINK>"Publish"</a>
                    <a href="/account" class=NAV_LINK data-testid="user-menu">
                        <span class="hidden sm:inline">{me.email}</span>
                        <span class="sm:hidden">"Account"</span>
                    </a>
                    <ActionForm action=logout>
                        <button type="submit" class=format!("{SECONDARY_BUTTON} whitespace-nowrap")>"Log out"</button>
                    </ActionForm>
                }.into_any(),
                _ => guest().into_any(),
            })}
        </Suspense>
    }
}

/// The last island of every page: once it runs, every island before it has
/// its event handlers, which tests (and styles) read from `main`.
#[island]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(main) = document().get_element_by_id("main") {
            let _ = main.set_attribute("data-hydrated", "true");
        }
    });
}
