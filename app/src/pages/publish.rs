//! `/publish`: a new skill into review, with a live preview of its card.
//! The browser checks the fields as you type (required, lengths, JSON
//! syntax); the server checks them again and its errors land beside them.

use crate::components::form::{field_message, form_message, FormAlert, INPUT, PRIMARY_BUTTON};
use crate::components::island_form::IslandForm;
use crate::components::listing_card::ListingCardView;
use crate::model::catalog::ListingCard;
use crate::model::component::ComponentType;
use crate::model::kind::ListingKind;
use crate::model::listing::{RiskLevel, SkillType};
use crate::server_fns::studio::{PublishOther, PublishSkill};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

const LABEL: &str = "block text-sm font-medium text-slate-700 dark:text-slate-300";
const HINT: &str = "mt-1 text-xs text-slate-500 dark:text-slate-400";
const ERROR: &str = "mt-1 text-sm text-red-600 dark:text-red-400";

const FIELDS: &[&str] = &[
    "name",
    "description",
    "skill_type",
    "category",
    "tags",
    "price",
    "risk_level",
    "long_description",
    "input_schema",
];

/// A JSON syntax check for the schema field, run as the user types.
fn json_problem(text: &str) -> Option<String> {
    json_shape_problem(text, false)
}

/// The same check for fields that hold a JSON list (`list`) or object.
fn json_shape_problem(text: &str, list: bool) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(t) {
        Ok(v) if list && v.is_array() => None,
        Ok(v) if !list && v.is_object() => None,
        Ok(_) if list => Some("A JSON list: [ … ]".to_owned()),
        Ok(_) => Some("A JSON Schema is an object: { … }".to_owned()),
        Err(e) => Some(format!("Not valid JSON: {e}")),
    }
}

#[component]
pub fn PublishPage() -> impl IntoView {
    view! {
        <Title text="Publish a skill" />
        <Meta name="description" content="Publish a skill to the marketplace: it is reviewed by an operator before it is listed." />
        <PublishForms />
    }
}

/// Both publishing forms and the live card preview: one island, since the
/// preview follows the skill form's fields.
#[island]
fn PublishForms() -> impl IntoView {
    crate::pages::url_errors::provide_from_url();
    let action = ServerAction::<PublishSkill>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let skill_type = RwSignal::new("function".to_owned());
    let schema = RwSignal::new(String::new());
    let schema_problem = Memo::new(move |_| json_problem(&schema.get()));
    let server_error = move |field: &'static str| move || field_message(&error.get(), field);
    let preview = move || ListingCard {
        id: String::new(),
        kind: ListingKind::Skill,
        name: Some(name.get())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Your skill".to_owned()),
        description: Some(description.get())
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| "A one-line summary shows here.".to_owned()),
        category: Some(category.get()).filter(|c| !c.trim().is_empty()),
        tags: tags
            .get()
            .split(',')
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .take(5)
            .collect(),
        price: price.get().trim().parse().unwrap_or(0.0),
        rating: 0.0,
        rating_count: 0,
        installs: 0,
        publisher: "You".to_owned(),
        type_label: Some(skill_type.get()),
        mirrored_from: None,
    };
    view! {
        <div class="grid gap-10 lg:grid-cols-[minmax(0,1fr)_22rem]">
            <section aria-labelledby="publish-title">
                <h1 id="publish-title" class="text-3xl font-semibold tracking-tight">"Publish a skill"</h1>
                <p class="mt-2 text-slate-600 dark:text-slate-400">
                    "An operator reviews every submission before it is listed. You can follow it under "
                    <a href="/account/submissions" class="font-medium text-indigo-600 underline dark:text-indigo-400">"your submissions"</a> "."
                </p>
                <IslandForm action class="mt-8 space-y-5" args=|f| PublishSkill {
                    name: f.text("name"),
                    description: f.text("description"),
                    skill_type: f.text("skill_type"),
                    category: f.text("category"),
                    tags: f.text("tags"),
                    price: f.text("price"),
                    risk_level: f.text("risk_level"),
                    long_description: f.text("long_description"),
                    input_schema: f.text("input_schema"),
                }>
                    <FormAlert message=Signal::derive(move || form_message(&error.get(), FIELDS)) />
                    <div>
                        <label for="p-name" class=LABEL>"Name"</label>
                        <input id="p-name" name="name" required maxlength=crate::model::bounds::DisplayName::MAX.to_string() class=INPUT
                            aria-describedby="p-name-error"
                            on:input=move |ev| name.set(event_target_value(&ev)) />
                        <p id="p-name-error" role="alert" class=ERROR>{server_error("name")}</p>
                    </div>
                    <div>
                        <label for="p-description" class=LABEL>"Summary"</label>
                        <input id="p-description" name="description" maxlength=crate::model::bounds::Description::MAX.to_string() class=INPUT
                            aria-describedby="p-description-hint p-description-error"
                            on:input=move |ev| description.set(event_target_value(&ev)) />
                        <p id="p-description-hint" class=HINT>"One line, shown on the card."</p>
                        <p id="p-description-error" role="alert" class=ERROR>{server_error("description")}</p>
                    </div>
                    <div class="grid gap-5 sm:grid-cols-2">
                        <div>
                            <label for="p-type" class=LABEL>"Type"</label>
                            <select id="p-type" name="skill_type" class=INPUT on:change=move |ev| skill_type.set(event_target_value(&ev))>
                                {SkillType::ALL.iter().map(|t| view! { <option value=t.as_str() selected=*t == SkillType::Function>{t.as_str()}</option> }).collect_view()}
                            </select>
                            <p role="alert" class=ERROR>{server_error("skill_type")}</p>
                        </div>
                        <div>
                            <label for="p-risk" class=LABEL>"Risk level"</label>
                            <select id="p-risk" name="risk_level" class=INPUT aria-describedby="p-risk-hint">
                                {RiskLevel::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                            </select>
                            <p id="p-risk-hint" class=HINT>"Medium needs an intern agent or better; high a supervised one and an operator's approval."</p>
                        </div>
                        <div>
                            <label for="p-category" class=LABEL>"Category"</label>
                            <input id="p-category" name="category" maxlength=crate::model::bounds::ShortName::MAX.to_string() class=INPUT placeholder="productivity"
                                on:input=move |ev| category.set(event_target_value(&ev)) />
                            <p role="alert" class=ERROR>{server_error("category")}</p>
                        </div>
                        <div>
                            <label for="p-price" class=LABEL>"Price (USD)"</label>
                            <input id="p-price" name="price" type="number" min="0" max=crate::model::bounds::Price::max_int().to_string() step="0.01" class=INPUT placeholder="0 for free"
                                on:input=move |ev| price.set(event_target_value(&ev)) />
                            <p role="alert" class=ERROR>{server_error("price")}</p>
                        </div>
                    </div>
                    <div>
                        <label for="p-tags" class=LABEL>"Tags"</label>
                        <input id="p-tags" name="tags" class=INPUT placeholder="email, summaries" aria-describedby="p-tags-hint"
                            on:input=move |ev| tags.set(event_target_value(&ev)) />
                        <p id="p-tags-hint" class=HINT>{format!("Comma-separated, up to {}, each up to {} characters.", crate::model::bounds::Tags::MAX_COUNT, crate::model::bounds::Tags::MAX_LEN)}</p>
                        <p role="alert" class=ERROR>{server_error("tags")}</p>
                    </div>
                    <div>
                        <label for="p-long" class=LABEL>"Description (Markdown)"</label>
                        <textarea id="p-long" name="long_description" rows="6" maxlength=crate::model::bounds::LongDescription::MAX.to_string() class=INPUT></textarea>
                        <p role="alert" class=ERROR>{server_error("long_description")}</p>
                    </div>
                    <div>
                        <label for="p-schema" class=LABEL>"Input schema (JSON Schema, optional)"</label>
                        <textarea id="p-schema" name="input_schema" rows="5" spellcheck="false" class=format!("{INPUT} font-mono text-sm")
                            placeholder="{\"type\": \"object\", \"properties\": {\"text\": {\"type\": \"string\"}}}"
                            aria-invalid=move || schema_problem.get().is_some().to_string()
                            aria-describedby="p-schema-error"
                            on:input=move |ev| schema.set(event_target_value(&ev))></textarea>
                        <p id="p-schema-error" role="alert" class=ERROR>
                            {move || schema_problem.get().or_else(|| field_message(&error.get(), "input_schema"))}
                        </p>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get() || schema_problem.get().is_some()>
                        {move || if action.pending().get() { "Submitting…" } else { "Submit for review" }}
                    </button>
                </IslandForm>
            </section>
            <aside aria-labelledby="preview-title" class="space-y-8 lg:sticky lg:top-8 lg:self-start">
                <h2 id="preview-title" class="text-sm font-medium uppercase tracking-wide text-slate-500">"Card preview"</h2>
                <ul class="mt-3" data-testid="card-preview">{move || view! { <ListingCardView card=preview() link=false /> }}</ul>
                <PublishOtherForm />
            </aside>
        </div>
    }
}

/// Domains, canvas components and workflow templates: the fields every
/// kind shares (their kind-specific parts can follow through the API).
#[component]
fn PublishOtherForm() -> impl IntoView {
    let action = ServerAction::<PublishOther>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    let fields = &[
        "kind",
        "name",
        "description",
        "category",
        "tags",
        "price",
        "component_type",
        "code",
        "config_schema",
        "steps",
        "input_schema",
    ];
    // Until a kind is picked every kind's fields show (as they do without
    // JavaScript); then only the picked kind's.
    let chosen = RwSignal::new(None::<String>);
    let hidden = move |k: &'static str| chosen.get().is_some_and(|c| c != k);
    let config = RwSignal::new(String::new());
    let steps = RwSignal::new(String::new());
    let inputs = RwSignal::new(String::new());
    let config_problem = Memo::new(move |_| json_shape_problem(&config.get(), false));
    let steps_problem = Memo::new(move |_| json_shape_problem(&steps.get(), true));
    let inputs_problem = Memo::new(move |_| json_shape_problem(&inputs.get(), true));
    let problem = move |local: Memo<Option<String>>, field: &'static str| {
        move || local.get().or_else(|| field_message(&error.get(), field))
    };
    view! {
        <section aria-labelledby="other-title" class="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <h2 id="other-title" class="font-semibold">"Publish something else"</h2>
            <IslandForm action class="mt-3 space-y-3" args=|f| PublishOther {
                kind: f.text("kind"),
                name: f.text("name"),
                description: f.text("description"),
                category: f.text("category"),
                tags: f.text("tags"),
                price: f.text("price"),
                component_type: f.optional("component_type"),
                code: f.optional("code"),
                config_schema: f.optional("config_schema"),
                input_schema: f.optional("input_schema"),
                steps: f.optional("steps"),
            }>
                <FormAlert message=Signal::derive(move || form_message(&error.get(), fields)) />
                <div>
                    <label for="o-kind" class=LABEL>"Kind"</label>
                    <select id="o-kind" name="kind" class=INPUT on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                        {ListingKind::publishable().map(|k| view! { <option value=k.as_str()>{k.spec().publish_label}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="o-name" class=LABEL>"Listing name"</label>
                    <input id="o-name" name="name" required maxlength=crate::model::bounds::DisplayName::MAX.to_string() class=INPUT />
                    <p role="alert" class=ERROR>{move || field_message(&error.get(), "name")}</p>
                </div>
                <div>
                    <label for="o-description" class=LABEL>"Listing summary"</label>
                    <input id="o-description" name="description" maxlength=crate::model::bounds::Description::MAX.to_string() class=INPUT />
                    <p role="alert" class=ERROR>{move || field_message(&error.get(), "description")}</p>
                </div>
                <div class="grid gap-3 sm:grid-cols-2">
                    <div>
                        <label for="o-category" class=LABEL>"Listing category"</label>
                        <input id="o-category" name="category" maxlength=crate::model::bounds::ShortName::MAX.to_string() class=INPUT />
                    </div>
                    <div>
                        <label for="o-price" class=LABEL>"Listing price (USD)"</label>
                        <input id="o-price" name="price" type="number" min="0" max=crate::model::bounds::Price::max_int().to_string() step="0.01" class=INPUT />
                        <p role="alert" class=ERROR>{move || field_message(&error.get(), "price").or_else(|| field_message(&error.get(), "price_usd"))}</p>
                    </div>
                </div>
                <div>
                    <label for="o-tags" class=LABEL>"Listing tags"</label>
                    <input id="o-tags" name="tags" class=INPUT placeholder="comma, separated" />
                    <p role="alert" class=ERROR>{move || field_message(&error.get(), "tags")}</p>
                </div>
                <fieldset class="space-y-3 border-t border-slate-200 pt-3 dark:border-slate-800" class:hidden=move || hidden(ListingKind::CanvasComponent.as_str()) data-testid="component-fields">
                    <legend class="text-sm font-semibold">"Canvas component"</legend>
                    <div>
                        <label for="o-component-type" class=LABEL>"Component type"</label>
                        <select id="o-component-type" name="component_type" class=INPUT>
                            {ComponentType::KNOWN.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="o-code" class=LABEL>"Component code"</label>
                        <textarea id="o-code" name="code" rows="4" spellcheck="false" class=format!("{INPUT} font-mono text-sm") placeholder="export default function Widget(props) { … }"></textarea>
                        <p role="alert" class=ERROR>{move || field_message(&error.get(), "code")}</p>
                    </div>
                    <JsonArea id="o-config" name="config_schema" label="Config schema (JSON Schema, optional)" rows=3 placeholder=""
                        text=config problem=Signal::derive(problem(config_problem, "config_schema")) />
                </fieldset>
                <fieldset class="space-y-3 border-t border-slate-200 pt-3 dark:border-slate-800" class:hidden=move || hidden(ListingKind::WorkflowTemplate.as_str()) data-testid="workflow-fields">
                    <legend class="text-sm font-semibold">"Workflow template"</legend>
                    <JsonArea id="o-steps" name="steps" label="Steps (JSON list)" rows=4
                        placeholder="[{\"step_id\": \"fetch\", \"name\": \"Fetch mail\", \"step_type\": \"action\"}]"
                        text=steps problem=Signal::derive(problem(steps_problem, "steps")) />
                    <JsonArea id="o-inputs" name="input_schema" label="Inputs (JSON list)" rows=3
                        placeholder="[{\"name\": \"mailbox\", \"type\": \"string\", \"required\": true}]"
                        text=inputs problem=Signal::derive(problem(inputs_problem, "input_schema")) />
                </fieldset>
                <button type="submit" class=PRIMARY_BUTTON
                    disabled=move || action.pending().get() || config_problem.get().is_some() || steps_problem.get().is_some() || inputs_problem.get().is_some()>
                    "Submit listing for review"
                </button>
            </IslandForm>
        </section>
    }
}

/// A JSON text field whose problem (from the browser's check or the
/// server) shows beside it.
#[component]
fn JsonArea(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    rows: u32,
    placeholder: &'static str,
    text: RwSignal<String>,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <textarea id=id name=name rows=rows spellcheck="false" class=format!("{INPUT} font-mono text-sm")
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                aria-invalid=move || problem.get().is_some().to_string() aria-describedby=error_id.clone()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <p id=error_id role="alert" class=ERROR>{move || problem.get()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::json_problem;

    #[test]
    fn schema_field_is_checked_as_json_objects() {
        assert_eq!(json_problem("  "), None);
        assert_eq!(json_problem("{\"type\": \"object\"}"), None);
        assert!(json_problem("[1]").is_some());
        assert!(json_problem("{\"type\": ").is_some());
        assert_eq!(super::json_shape_problem("[{\"id\": \"a\"}]", true), None);
        assert!(super::json_shape_problem("{}", true).is_some());
    }
}
