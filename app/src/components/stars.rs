use super::number::{counted, fixed};
use leptos::prelude::*;

/// Five stars filled to the rating, with the number for screen readers.
#[component]
pub fn Stars(rating: f64, #[prop(optional)] count: Option<i32>) -> impl IntoView {
    let shown = fixed(rating, 1);
    let label = match count {
        Some(n) => format!("Rated {shown} out of 5 from {}", counted(n, "rating")),
        None => format!("Rated {shown} out of 5"),
    };
    let width = format!(
        "width: {}%",
        fixed((rating / 5.0 * 100.0).clamp(0.0, 100.0), 1)
    );
    view! {
        <span class="inline-flex items-center gap-1 text-sm" role="img" aria-label=label>
            <span class="relative inline-block leading-none tracking-tight" aria-hidden="true">
                <span class="text-slate-300 dark:text-slate-600">"★★★★★"</span>
                <span class="absolute inset-0 overflow-hidden whitespace-nowrap text-amber-500" style=width>"★★★★★"</span>
            </span>
            <span class="tabular-nums text-slate-600 dark:text-slate-400" aria-hidden="true">
                {shown.clone()}
                {count.map(|n| format!(" ({n})"))}
            </span>
        </span>
    }
}
