//! Demo catalog for the agent, domain, canvas component and workflow
//! marketplaces, made through the same use cases the API calls. Each
//! kind's demo listings and how a rater installs one are in its file
//! (`model/kind/<kind>.rs`, `KindOps::seed` and `seed_install`).

use crate::backend::auth::Principal;
use crate::backend::services::{components, listings};
use crate::backend::state::AppState;
use crate::error::MarketResult;
use crate::model::kind::{ListingKind, SeedTarget};
use uuid::Uuid;

/// The publisher of a kind's `i`-th demo listing.
pub fn publisher(publishers: &[Principal], i: usize) -> &Principal {
    &publishers[i % publishers.len()]
}

/// Features a demo listing on the home page's shelves.
pub async fn feature(state: &AppState, id: Uuid) -> MarketResult<()> {
    crate::backend::db::listings::set_featured(&state.pool, id, true).await?;
    Ok(())
}

/// The operator's approval of a demo listing.
pub async fn approve(
    state: &AppState,
    operator: &Principal,
    kind: ListingKind,
    id: Uuid,
) -> MarketResult<()> {
    listings::decide(state, operator, kind, id, listings::Decision::Approve).await?;
    Ok(())
}

pub async fn seed(
    state: &AppState,
    operator: &Principal,
    publishers: &[Principal],
    raters: &[Principal],
) -> MarketResult<()> {
    let mut approved: Vec<(ListingKind, Uuid)> = Vec::new();
    for kind in ListingKind::ALL {
        if let Some(seed) = kind.ops().seed {
            for id in seed(state, operator, publishers).await? {
                approved.push((kind, id));
            }
        }
    }

    // Each demo team installs and rates a different slice of the catalog.
    for (j, rater) in raters.iter().enumerate() {
        let canvas = components::create_canvas(state, rater, "Dashboard").await?;
        let target = SeedTarget {
            round: j,
            canvas: canvas.id,
        };
        for (i, (kind, id)) in approved.iter().enumerate() {
            if (i + j) % 3 == 0 {
                continue;
            }
            if let Some(install) = kind.ops().seed_install {
                install(state, rater, *id, &target).await?;
            }
            if (i + j) % 2 == 0 {
                let mut rating = [5.0, 4.0, 5.0, 3.0, 4.0][(i + j) % 5];
                if kind.half_star_ratings() && j % 3 == 0 {
                    rating -= 0.5;
                }
                let review = (j % 3 == 0).then(|| "Saved our team hours every week.".to_owned());
                listings::rate(state, rater, *kind, *id, rating, review, false).await?;
            }
        }
    }
    Ok(())
}
