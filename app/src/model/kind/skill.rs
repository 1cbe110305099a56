//! Skills: what agents run, installed with a plan into an agent or the
//! workspace (`/api/skills`, `/api/public/v1/marketplace`).

use super::{KindSpec, PageInstall};
use crate::error::ErrorCode;

pub const SPEC: KindSpec = KindSpec {
    key: "skill",
    path: "/skills",
    label: "Skills",
    singular: "skill",
    tagline: "Reviewed by operators, rated by the teams that run them.",
    not_found: (ErrorCode::SkillNotFound, "Skill not found or not approved"),
    half_star_ratings: false,
    existing_id_field: "existing_skill_id",
    type_field: Some("skill_type"),
    type_on_card: true,
    install_api: ("/api/skills/install", Some("{\"skill_id\": \"{id}\"}")),
    install: PageInstall::Plan,
    install_verb: "Install",
    // The publish page's first form is the skill's own.
    publish_label: None,
};

/// Skills are published, installed and seeded through their own forms and
/// seed (`studio_pages::publish_skill`, `install`, `seed`).
#[cfg(feature = "ssr")]
pub const OPS: super::KindOps = super::KindOps {
    publish: None,
    install: None,
    seed: None,
    seed_install: None,
};
