//! The browser entry point: hydrates the islands of the server-rendered page.

// Links the app crate, whose `#[island]` components export the entry points
// `hydrate_islands` looks up.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
