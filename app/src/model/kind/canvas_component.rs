//! Canvas components: UI components with code and a config schema, placed
//! on one of the caller's canvases (`/api/canvas-marketplace`, legacy
//! `/api/marketplace/components`).

use super::{KindSpec, PageInstall};
use crate::error::ErrorCode;

pub const SPEC: KindSpec = KindSpec {
    key: "canvas_component",
    path: "/components",
    label: "Canvas components",
    singular: "component",
    tagline: "UI components for your canvases, with code and config schema.",
    not_found: (ErrorCode::ComponentNotFound, "Component not found"),
    half_star_ratings: false,
    existing_id_field: "existing_component_id",
    type_field: Some("component_type"),
    type_on_card: false,
    install_api: (
        "/api/canvas-marketplace/components/install",
        Some("{\"component_id\": \"{id}\", \"canvas_id\": \"…\"}"),
    ),
    install: PageInstall::OnCanvas,
    install_verb: "Install",
    publish_label: Some("Canvas component"),
};

#[cfg(feature = "ssr")]
pub const OPS: super::KindOps = super::KindOps {
    publish: Some(ops::publish),
    install: Some(ops::install),
    seed: Some(ops::seed),
    seed_install: Some(ops::seed_install),
};

#[cfg(feature = "ssr")]
mod ops {
    use super::super::{KindFuture, ListingKind, SeedTarget};
    use crate::backend::auth::Principal;
    use crate::backend::services::studio_pages::NewListing;
    use crate::backend::services::{components, seed_kinds};
    use crate::backend::state::AppState;
    use crate::error::MarketError;
    use crate::model::component::ComponentInput;
    use uuid::Uuid;

    /// Created with its type, code and config schema, then published with
    /// its price and tags.
    pub fn publish<'a>(
        state: &'a AppState,
        p: &'a Principal,
        l: NewListing,
    ) -> KindFuture<'a, Uuid> {
        Box::pin(async move {
            let input = ComponentInput {
                name: l.name,
                description: l.description,
                category: l.category,
                component_type: l.specifics.component_type,
                code: l.specifics.code,
                config_schema: l.specifics.config_schema,
                ..ComponentInput::default()
            };
            let row = components::create(state, p, &input).await?;
            let publish = components::Publish {
                price: l.price,
                license: None,
                tags: Some(l.tags),
            };
            Ok(components::publish(state, p, row.id, &publish).await?.id)
        })
    }

    /// `target`: the canvas's id.
    pub fn install<'a>(
        state: &'a AppState,
        p: &'a Principal,
        id: Uuid,
        target: &'a str,
    ) -> KindFuture<'a, String> {
        Box::pin(async move {
            let canvas = crate::backend::services::studio_pages::form_id(target, || {
                MarketError::validation("canvas_id", "Choose one of your canvases")
            })?;
            components::install(state, p, id, canvas).await?;
            Ok("Placed on the canvas.".to_owned())
        })
    }

    /// (name, description, category, component_type, price, tags, featured)
    type Demo = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        f64,
        &'static [&'static str],
        bool,
    );
    const DEMO: &[Demo] = &[
        (
            "Data Table",
            "Interactive data table with sorting and paging",
            "ui",
            "component",
            0.0,
            &["table", "data", "ui"],
            true,
        ),
        (
            "Revenue Chart",
            "Line and bar charts for time series",
            "charts",
            "chart",
            0.0,
            &["chart", "data"],
            true,
        ),
        (
            "KPI Card",
            "A headline number with trend and sparkline",
            "ui",
            "widget",
            0.0,
            &["kpi", "dashboard"],
            false,
        ),
        (
            "Kanban Board",
            "Drag-and-drop columns for any workflow state",
            "layout",
            "layout",
            12.0,
            &["kanban", "board"],
            false,
        ),
        (
            "Lead Form",
            "Validated lead capture form with consent",
            "forms",
            "form",
            5.0,
            &["form", "leads"],
            false,
        ),
        (
            "Map View",
            "Markers and clusters on an interactive map",
            "charts",
            "widget",
            9.0,
            &["map", "geo"],
            false,
        ),
    ];

    pub fn seed<'a>(
        state: &'a AppState,
        operator: &'a Principal,
        publishers: &'a [Principal],
    ) -> KindFuture<'a, Vec<Uuid>> {
        Box::pin(async move {
            let mut approved = Vec::new();
            for (i, (name, description, category, ctype, price, tags, featured)) in
                DEMO.iter().enumerate()
            {
                let by = seed_kinds::publisher(publishers, i);
                let input = ComponentInput {
                    name: (*name).into(),
                    description: Some((*description).into()),
                    category: Some((*category).into()),
                    component_type: Some((*ctype).into()),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                    version: Some("1.0.0".into()),
                    code: Some(format!(
                        "export function {}(props) {{\n  return render(props);\n}}\n",
                        name.replace(' ', "")
                    )),
                    config_schema: Some(serde_json::json!({
                        "type": "object",
                        "properties": {"title": {"type": "string"}, "data": {"type": "array"}}
                    })),
                    dependencies: vec!["react".into()],
                    price: Some(*price),
                    license: Some("MIT".into()),
                    ..ComponentInput::default()
                };
                let row = components::create(state, by, &input).await?;
                let publish = components::Publish {
                    price: None,
                    license: None,
                    tags: None,
                };
                components::publish(state, by, row.id, &publish).await?;
                seed_kinds::approve(state, operator, ListingKind::CanvasComponent, row.id).await?;
                if *featured {
                    seed_kinds::feature(state, row.id).await?;
                }
                approved.push(row.id);
            }
            Ok(approved)
        })
    }

    /// Placed on the rater's canvas.
    pub fn seed_install<'a>(
        state: &'a AppState,
        rater: &'a Principal,
        id: Uuid,
        target: &'a SeedTarget,
    ) -> KindFuture<'a, ()> {
        Box::pin(async move {
            components::install(state, rater, id, target.canvas).await?;
            Ok(())
        })
    }
}
