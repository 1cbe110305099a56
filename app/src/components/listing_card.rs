use crate::components::number::counted;
use crate::components::stars::Stars;
use crate::model::catalog::ListingCard;
use leptos::prelude::*;

pub fn price_label(price: f64) -> String {
    if price == 0.0 {
        "Free".to_owned()
    } else {
        format!("${}", super::number::fixed(price, 2))
    }
}

#[component]
pub fn ListingCardView(
    card: ListingCard,
    /// Off for a preview of a card that has no page yet.
    #[prop(default = true)]
    link: bool,
) -> impl IntoView {
    let href = format!("{}/{}", card.kind.path(), card.id);
    view! {
        <li class="group relative flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:border-indigo-300 hover:shadow-md focus-within:ring-2 focus-within:ring-indigo-500 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-indigo-700" data-testid="listing-card">
            <div class="flex items-start justify-between gap-3">
                <h3 class="font-semibold leading-snug">
                    {if link {
                        view! { <a href=href class="after:absolute after:inset-0 focus:outline-none">{card.name.clone()}</a> }.into_any()
                    } else {
                        view! { <span>{card.name.clone()}</span> }.into_any()
                    }}
                </h3>
                <span class="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                    {price_label(card.price)}
                </span>
            </div>
            <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                {card.publisher.clone()}
                {card.category.clone().map(|c| view! { <span aria-hidden="true">" · "</span>{c} })}
                {card.type_label.clone().map(|t| view! { <span aria-hidden="true">" · "</span>{t} })}
            </p>
            {card.mirrored_from.clone().map(|peer| view! { <MirroredBadge peer /> })}
            <p class="mt-3 line-clamp-2 flex-1 text-sm text-slate-600 dark:text-slate-300">{card.description.clone()}</p>
            <div class="mt-4 flex items-center justify-between text-sm">
                <Stars rating=card.rating count=card.rating_count />
                <span class="tabular-nums text-slate-500 dark:text-slate-400">{counted(card.installs, "install")}</span>
            </div>
        </li>
    }
}

/// Says that a listing is a copy of another marketplace's, governed here.
#[component]
pub fn MirroredBadge(peer: String) -> impl IntoView {
    view! {
        <p class="mt-2 w-fit rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-inset ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800" data-testid="mirrored-badge">
            {format!("Mirrored from {peer}")}
        </p>
    }
}
