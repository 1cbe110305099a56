//! Analytics use cases: a listing's series for its publisher (and
//! operators), the review queue's health for operators, and the charts the
//! pages draw of both. The numbers come from the daily rollups only.

use crate::backend::auth::{Permission, Principal};
use crate::backend::charts;
use crate::backend::db::stats as db;
use crate::backend::state::AppState;
use crate::error::{MarketError, MarketResult};
use crate::model::listing::ListingStatus;
use crate::model::stats::{
    AnalyticsDashboard, ChartView, ListingChartCard, ListingStats, QueueDay, QueueStats,
    StatsAccess, StatsDays, StatsPoint, StatsTotals, VersionInstalls,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// How many listings the dashboard draws (the rest are counted).
pub const DASHBOARD_LISTINGS: i64 = 24;

fn listing_not_found() -> MarketError {
    MarketError::route_not_found().with_message("Listing not found")
}

/// The listing a stats route names: its UUID or a workflow template's
/// string id (the same forms as deprecate); the stats 404 otherwise.
pub async fn resolve_listing(state: &AppState, raw: &str) -> MarketResult<Uuid> {
    crate::read!(state, |db| crate::backend::db::listing_ids::resolve(
        db, raw
    ))?
    .ok_or_else(listing_not_found)
}

/// The first day of a window of `days` days ending today.
fn window_start(today: NaiveDate, days: StatsDays) -> NaiveDate {
    today - Duration::days(i64::from(days.get()) - 1)
}

fn average(sum: f64, count: i64) -> Option<f64> {
    // Rounded to hundredths: what anyone reads off a chart or a table.
    (count > 0).then(|| (sum / count as f64 * 100.0).round() / 100.0)
}

fn may_see_series(principal: Option<&Principal>, publisher: Uuid) -> bool {
    principal.is_some_and(|p| p.tenant_id == publisher || p.can(Permission::GovernanceApprove))
}

/// `GET /api/listings/{id}/stats`: the publisher of the listing or an
/// operator get the series; anyone else gets the public totals of an
/// approved listing and the same 404 as an unknown id for any other.
pub async fn listing(
    state: &AppState,
    principal: Option<&Principal>,
    id: Uuid,
    days: StatsDays,
) -> MarketResult<ListingStats> {
    if let Some(p) = principal {
        p.require(Permission::SkillView)?;
    }
    let subject = subject(state, principal, id)
        .await?
        .ok_or_else(listing_not_found)?;
    let full = may_see_series(principal, subject.publisher_tenant_id);
    if !full && subject.status != ListingStatus::Approved {
        return Err(listing_not_found());
    }
    let totals = StatsTotals {
        installs: subject.installs,
        active_installs: subject.active_installs,
        ratings: subject.rating_count,
        average_rating: average(subject.rating_sum, subject.rating_count),
    };
    let mut stats = ListingStats {
        listing_id: id,
        days: days.get(),
        access: StatsAccess::Public,
        totals,
        series: Vec::new(),
        by_version: Vec::new(),
    };
    if !full {
        return Ok(stats);
    }
    let today = Utc::now().date_naive();
    let from = window_start(today, days);
    let rows = crate::read!(state, |pool| db::listing_days(pool, id, from))?;
    let before = crate::read!(state, |pool| db::listing_before(pool, id, from))?;
    stats.access = StatsAccess::Full;
    stats.series = series(from, today, &before, &rows);
    stats.by_version = crate::read!(state, |pool| db::by_version(pool, id, from))?
        .into_iter()
        .map(|(version, installs)| VersionInstalls { version, installs })
        .collect();
    Ok(stats)
}

/// The listing whose stats are asked for, from the replica; a signed-in
/// caller's own listing may be too new for it, so a miss is re-read from
/// the primary.
async fn subject(
    state: &AppState,
    principal: Option<&Principal>,
    id: Uuid,
) -> MarketResult<Option<db::StatsSubject>> {
    let found = crate::read!(state, |pool| db::subject(pool, id))?;
    if found.is_some() || principal.is_none() {
        return Ok(found);
    }
    Ok(db::subject(&state.pool, id).await?)
}

/// Every day of the window, days without events included, with the
/// running lines (active installs, rating average) carried through.
fn series(
    from: NaiveDate,
    to: NaiveDate,
    before: &db::Before,
    rows: &[db::DayRow],
) -> Vec<StatsPoint> {
    let by_day: HashMap<NaiveDate, &db::DayRow> = rows.iter().map(|r| (r.day, r)).collect();
    let (mut active, mut count, mut sum) = (before.active, before.ratings, before.rating_sum);
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let r = by_day.get(&date);
            let (installs, uninstalls, ratings) =
                r.map_or((0, 0, 0), |r| (r.installs, r.uninstalls, r.ratings));
            if let Some(r) = r {
                active += r.installs + r.reinstalls - r.uninstalls;
                count += r.ratings;
                sum += r.rating_sum;
            }
            StatsPoint {
                date,
                installs,
                uninstalls,
                active_installs: active,
                ratings,
                average_rating: average(sum, count),
            }
        })
        .collect()
}

/// `GET /api/admin/stats`: the queue per day, for operators.
pub async fn queue(
    state: &AppState,
    principal: &Principal,
    days: StatsDays,
) -> MarketResult<QueueStats> {
    principal.require(Permission::GovernanceApprove)?;
    let now = Utc::now();
    let today = now.date_naive();
    let from = window_start(today, days);
    let rows = crate::read!(state, |pool| db::queue_days(pool, from))?;
    let oldest_now = crate::read!(state, |pool| db::queue_oldest_now(pool))?;
    let mut stats = queue_series(from, now, &rows, oldest_now);
    stats.days = days.get();
    Ok(stats)
}

fn queue_series(
    from: NaiveDate,
    now: DateTime<Utc>,
    rows: &[db::QueueRow],
    oldest_now: Option<DateTime<Utc>>,
) -> QueueStats {
    let today = now.date_naive();
    let by_day: HashMap<NaiveDate, &db::QueueRow> = rows.iter().map(|r| (r.day, r)).collect();
    // The state before the window: the last stored day before it.
    let carried = rows.iter().rev().find(|r| r.day < from);
    let (mut size, mut oldest) =
        carried.map_or((0, None), |r| (r.queue_size, r.oldest_submitted_at));
    let mut window_buckets: Vec<i64> = Vec::new();
    let series = from
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| {
            let r = by_day.get(&date);
            if let Some(r) = r {
                size = r.queue_size;
                oldest = r.oldest_submitted_at;
                for (i, n) in r.decision_buckets.iter().enumerate() {
                    if window_buckets.len() <= i {
                        window_buckets.resize(i + 1, 0);
                    }
                    window_buckets[i] += i64::from(n.unwrap_or(0));
                }
            }
            let end = if date == today { now } else { end_of(date) };
            let (size_then, oldest_then) = if date == today {
                (size, oldest_now)
            } else {
                (size, oldest)
            };
            let day_buckets: Vec<i64> = r.map_or_else(Vec::new, |r| {
                r.decision_buckets
                    .iter()
                    .map(|n| i64::from(n.unwrap_or(0)))
                    .collect()
            });
            QueueDay {
                date,
                submissions: r.map_or(0, |r| r.submissions),
                approvals: r.map_or(0, |r| r.approvals),
                rejections: r.map_or(0, |r| r.rejections),
                withdrawals: r.map_or(0, |r| r.withdrawals),
                queue_size: size_then,
                oldest_age_seconds: oldest_then.map(|o| (end - o).num_seconds().max(0)),
                median_decision_seconds: median_of(&day_buckets),
            }
        })
        .collect::<Vec<_>>();
    let last = series.last();
    QueueStats {
        days: 0,
        queue_size: last.map_or(size, |d| d.queue_size),
        oldest_age_seconds: last.and_then(|d| d.oldest_age_seconds),
        median_decision_seconds: median_of(&window_buckets),
        decisions: window_buckets.iter().sum(),
        series,
    }
}

fn end_of(day: NaiveDate) -> DateTime<Utc> {
    (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}

/// The median of a decision-time histogram: bucket i holds times t with
/// floor(4·log2(1 + t)) = i, so the median lies in the bucket where the
/// running count passes half; answered as that bucket's geometric middle
/// (within about 10 % of the true median).
pub fn median_of(buckets: &[i64]) -> Option<f64> {
    let total: i64 = buckets.iter().sum();
    if total <= 0 {
        return None;
    }
    let half = (total + 1) / 2;
    let mut seen = 0;
    for (i, n) in buckets.iter().enumerate() {
        seen += n;
        if seen >= half {
            let low = 2f64.powf(i as f64 / 4.0) - 1.0;
            let high = 2f64.powf((i + 1) as f64 / 4.0) - 1.0;
            let mid = ((low + 1.0) * (high + 1.0)).sqrt() - 1.0;
            return Some((mid * 10.0).round() / 10.0);
        }
    }
    None
}

/// The charts of a listing's page for its publisher (and operators);
/// `None` for anyone else, who sees the public counters the page shows.
pub async fn listing_charts(
    state: &AppState,
    principal: Option<&Principal>,
    id: Uuid,
) -> MarketResult<Option<Vec<ChartView>>> {
    // Visitors never see them: no query for the page views of the many.
    if principal.is_none() {
        return Ok(None);
    }
    let Some(subject) = subject(state, principal, id).await? else {
        return Ok(None);
    };
    if !may_see_series(principal, subject.publisher_tenant_id) {
        return Ok(None);
    }
    let stats = listing(state, principal, id, StatsDays::parse(Some(90))?).await?;
    Ok(Some(vec![
        charts::installs(&format!("installs-{id}"), &stats.series),
        charts::rating_trend(&format!("ratings-{id}"), &stats.series),
    ]))
}

/// `/account/analytics`: one small chart per listing of the caller's
/// tenant, most installed in the last 30 days first.
pub async fn dashboard(
    state: &AppState,
    principal: &Principal,
) -> MarketResult<AnalyticsDashboard> {
    principal.require(Permission::SkillView)?;
    let today = Utc::now().date_naive();
    let days = StatsDays::parse(None)?;
    let from = window_start(today, days);
    let listings = crate::read!(state, |pool| db::recent_by_publisher(
        pool,
        principal.tenant_id,
        from,
        DASHBOARD_LISTINGS
    ))?;
    let total_listings = crate::read!(state, |pool| db::count_by_publisher(
        pool,
        principal.tenant_id
    ))?;
    let ids: Vec<Uuid> = listings.iter().map(|l| l.id).collect();
    let mut per_listing: HashMap<Uuid, HashMap<NaiveDate, i64>> = HashMap::new();
    for (id, day, n) in crate::read!(state, |pool| db::installs_of(pool, &ids, from))? {
        per_listing.entry(id).or_default().insert(day, n);
    }
    let cards = listings
        .into_iter()
        .map(|l| {
            let days = per_listing.remove(&l.id).unwrap_or_default();
            let points: Vec<(NaiveDate, i64)> = from
                .iter_days()
                .take_while(|d| *d <= today)
                .map(|d| (d, days.get(&d).copied().unwrap_or(0)))
                .collect();
            ListingChartCard {
                href: format!("{}/{}", l.kind.path(), l.id),
                kind_label: l.kind.singular().to_owned(),
                chart: charts::sparkline(&format!("spark-{}", l.id), &l.name, &points),
                name: l.name,
                status: l.status,
                recent_installs: l.recent_installs,
            }
        })
        .collect();
    Ok(AnalyticsDashboard {
        cards,
        total_listings,
    })
}

/// The operator desk's queue chart (the last 30 days).
pub async fn queue_chart(state: &AppState, principal: &Principal) -> MarketResult<ChartView> {
    let stats = queue(state, principal, StatsDays::parse(None)?).await?;
    Ok(charts::queue("queue-health", &stats))
}

/// The histogram bucket of a decision time, as the database files it.
pub fn bucket_of(seconds: f64) -> usize {
    ((4.0 * (1.0 + seconds.max(0.0)).log2()).floor() as usize).min(159)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_falls_in_the_middle_bucket() {
        assert_eq!(median_of(&[]), None);
        assert_eq!(median_of(&[0, 0]), None);
        // Three decisions of about an hour (bucket of 3600 s) and one fast.
        let b = crate::backend::services::stats::bucket_of(3600.0);
        let mut h = vec![0; b + 1];
        h[0] = 1;
        h[b] = 3;
        let m = median_of(&h).unwrap_or_default();
        assert!((3000.0..4300.0).contains(&m), "{m}");
    }

    #[test]
    fn windows_are_the_allowed_days_only() {
        assert_eq!(StatsDays::parse(None).map(StatsDays::get).ok(), Some(30));
        assert_eq!(
            StatsDays::parse(Some(365)).map(StatsDays::get).ok(),
            Some(365)
        );
        assert!(StatsDays::parse(Some(31)).is_err());
        assert!(StatsDays::parse(Some(0)).is_err());
    }
}
