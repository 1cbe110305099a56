//! Domains: specialist domains with their workflows, installed as a named
//! copy of the caller's own (`/api/v1/domains/marketplace`).

use super::{KindSpec, PageInstall};
use crate::error::ErrorCode;

pub const SPEC: KindSpec = KindSpec {
    key: "domain",
    path: "/domains",
    label: "Domains",
    singular: "domain",
    tagline: "Specialist domains with their workflows, installable under your own name.",
    not_found: (ErrorCode::DomainNotFound, "Domain not found"),
    half_star_ratings: true,
    existing_id_field: "existing_domain_id",
    type_field: None,
    type_on_card: false,
    install_api: (
        "/api/v1/domains/marketplace/install",
        Some("{\"template_domain_id\": \"{id}\"}"),
    ),
    install: PageInstall::NamedCopy,
    install_verb: "Install",
    publish_label: Some("Domain"),
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
    use crate::backend::services::{domains, seed_kinds};
    use crate::backend::state::AppState;
    use uuid::Uuid;

    /// Created, then submitted with its price and tags (a draft stays in
    /// "your submissions" when the second step is refused).
    pub fn publish<'a>(
        state: &'a AppState,
        p: &'a Principal,
        l: NewListing,
    ) -> KindFuture<'a, Uuid> {
        Box::pin(async move {
            let row = domains::create(
                state,
                p,
                &l.name,
                l.description.as_deref(),
                l.category.as_deref(),
            )
            .await?;
            let s = domains::Submission {
                price_usd: l.price,
                license_type: None,
                tags: Some(l.tags),
            };
            Ok(domains::submit(state, p, row.id, &s).await?.id)
        })
    }

    /// `target`: the copy's name; blank keeps the listing's.
    pub fn install<'a>(
        state: &'a AppState,
        p: &'a Principal,
        id: Uuid,
        target: &'a str,
    ) -> KindFuture<'a, String> {
        Box::pin(async move {
            let name = Some(target.trim()).filter(|t| !t.is_empty());
            domains::install(state, p, id, name).await?;
            Ok("Installed into your domains.".to_owned())
        })
    }

    /// (name, description, category, price, license, tags)
    type Demo = (
        &'static str,
        &'static str,
        &'static str,
        f64,
        &'static str,
        &'static [&'static str],
    );
    const DEMO: &[Demo] = &[
        (
            "Sales Automation",
            "Advanced sales workflows",
            "sales",
            29.99,
            "MIT",
            &["sales", "crm", "automation"],
        ),
        (
            "Customer Support",
            "Ticket routing, macros and satisfaction surveys",
            "support",
            0.0,
            "Apache-2.0",
            &["support", "helpdesk"],
        ),
        (
            "E-commerce Operations",
            "Orders, returns and inventory alerts",
            "commerce",
            49.0,
            "Commercial",
            &["ecommerce", "inventory"],
        ),
        (
            "Legal Intake",
            "Matter intake, conflict checks and engagement letters",
            "legal",
            79.0,
            "Commercial",
            &["legal", "intake"],
        ),
        (
            "Marketing Analytics",
            "Campaign attribution and weekly reporting",
            "marketing",
            15.0,
            "MIT",
            &["marketing", "analytics"],
        ),
    ];

    /// Every demo domain is submitted; the last one waits in the review queue.
    pub fn seed<'a>(
        state: &'a AppState,
        operator: &'a Principal,
        publishers: &'a [Principal],
    ) -> KindFuture<'a, Vec<Uuid>> {
        Box::pin(async move {
            let mut approved = Vec::new();
            for (i, (name, description, category, price, license, tags)) in DEMO.iter().enumerate()
            {
                let by = seed_kinds::publisher(publishers, i);
                let row =
                    domains::create(state, by, name, Some(description), Some(category)).await?;
                let submission = domains::Submission {
                    price_usd: Some(*price),
                    license_type: Some((*license).into()),
                    tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
                };
                domains::submit(state, by, row.id, &submission).await?;
                if i == DEMO.len() - 1 {
                    continue; // one waits in the review queue
                }
                seed_kinds::approve(state, operator, ListingKind::Domain, row.id).await?;
                approved.push(row.id);
            }
            Ok(approved)
        })
    }

    pub fn seed_install<'a>(
        state: &'a AppState,
        rater: &'a Principal,
        id: Uuid,
        _target: &'a SeedTarget,
    ) -> KindFuture<'a, ()> {
        Box::pin(async move {
            domains::install(state, rater, id, None).await?;
            Ok(())
        })
    }
}
