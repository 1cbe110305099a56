//! The operator desk's federation section: every peer with its last sync,
//! mirrored counts and last error, and a "Sync now" button (a plain post
//! that returns to the desk).

use crate::components::form::SECONDARY_BUTTON;
use crate::model::federation::{Peer, SyncReport};
use crate::server_fns::federation::{load_peers, SyncPeerNow};
use leptos::prelude::*;

const CARD: &str = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900";

#[component]
pub fn FederationPeers() -> impl IntoView {
    let sync = ServerAction::<SyncPeerNow>::new();
    let peers = Resource::new(move || sync.version().get(), |_| load_peers());
    view! {
        <section aria-labelledby="federation-title" class=CARD data-testid="federation-peers">
            <h2 id="federation-title" class="font-semibold">"Federation peers"</h2>
            {move || sync.value().get().map(|r| match r {
                Ok(report) => view! { <p role="status" class="mt-2 text-sm text-emerald-700 dark:text-emerald-300">{summary(&report)}</p> }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700 dark:text-red-300">{e.message}</p> }.into_any(),
            })}
            <Suspense fallback=|| ()>
                {move || peers.get().map(|r| match r {
                    Ok(list) if list.peers.is_empty() => view! {
                        <p class="mt-2 text-sm text-slate-500">"No peers. Add one with "<code class="font-mono text-xs">"marketplace federation add-peer"</code>"."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-3 space-y-4">{list.peers.into_iter().map(|p| view! { <PeerState p sync /> }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => view! { <p class="mt-2 text-sm text-red-700 dark:text-red-300">{e.message}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

fn summary(r: &SyncReport) -> String {
    format!(
        "Synced: {} fetched, {} created, {} updated, {} withdrawn, {} errors.",
        r.fetched, r.created, r.updated, r.withdrawn, r.errors
    )
}

#[component]
fn PeerState(p: Peer, sync: ServerAction<SyncPeerNow>) -> impl IntoView {
    let mirrored: i64 = p
        .mirrored
        .as_object()
        .map(|m| m.values().filter_map(|v| v.as_i64()).sum())
        .unwrap_or(0);
    let last = p
        .last_sync_at
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "never".to_owned());
    view! {
        <li class="text-sm" data-testid="federation-peer">
            <div class="flex items-center justify-between gap-2">
                <span class="font-medium">{p.name.clone()}</span>
                <span class="text-xs text-slate-500">{if p.enabled { "enabled" } else { "disabled" }}</span>
            </div>
            <p class="truncate text-xs text-slate-500">{p.url.clone()}</p>
            <p class="mt-1">{format!("Last sync: {last} · {mirrored} mirrored")}</p>
            {p.last_error.clone().map(|e| view! { <p class="mt-1 break-words text-xs text-red-700 dark:text-red-300">"Last error: " {e}</p> })}
            <ActionForm action=sync attr:class="mt-2">
                <input type="hidden" name="name" value=p.name.clone() />
                <button type="submit" class=SECONDARY_BUTTON>{format!("Sync {} now", p.name)}</button>
            </ActionForm>
        </li>
    }
}
