//! A chart the server drew: the picture (named by its title, described by
//! its summary) and the same numbers as a table, for screen readers and
//! anyone who wants the exact values. Nothing here runs in the browser.

use crate::model::stats::ChartView;
use leptos::prelude::*;

#[component]
pub fn Chart(chart: ChartView, #[prop(optional)] compact: bool) -> impl IntoView {
    let title_id = format!("{}-title", chart.id);
    let summary_id = format!("{}-summary", chart.id);
    let (labelled_by, described_by) = (title_id.clone(), summary_id.clone());
    let heading_class = if compact {
        "sr-only"
    } else {
        "text-sm font-semibold text-slate-700 dark:text-slate-200"
    };
    view! {
        <figure class="min-w-0" data-testid="chart" aria-labelledby=labelled_by aria-describedby=described_by>
            <figcaption id=title_id class=heading_class>{chart.title.clone()}</figcaption>
            <div class="mt-2 overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-700" inner_html=chart.svg.clone()></div>
            <p id=summary_id class="mt-2 text-sm text-slate-600 dark:text-slate-400">{chart.summary.clone()}</p>
            <details class="mt-1 text-sm">
                <summary class="cursor-pointer text-indigo-700 hover:underline dark:text-indigo-300">"Data table"</summary>
                <div class="mt-2 max-h-72 overflow-auto rounded-lg border border-slate-200 dark:border-slate-700">
                    <table class="w-full text-left text-xs tabular-nums">
                        <caption class="sr-only">{chart.title.clone()}</caption>
                        <thead class="sticky top-0 bg-slate-50 dark:bg-slate-800">
                            <tr>{chart.columns.into_iter().map(|c| view! { <th scope="col" class="px-2 py-1 font-medium">{c}</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>
                            {chart.rows.into_iter().map(|row| {
                                let mut cells = row.into_iter();
                                let first = cells.next().unwrap_or_default();
                                view! {
                                    <tr class="border-t border-slate-100 dark:border-slate-800">
                                        <th scope="row" class="px-2 py-1 font-normal">{first}</th>
                                        {cells.map(|c| view! { <td class="px-2 py-1">{c}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
