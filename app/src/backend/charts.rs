//! Charts drawn on the server as SVG (plotters' SVG backend), so they read
//! without JavaScript and add nothing to the browser bundle: this module is
//! server-only. Each chart comes with its accessible name, a sentence
//! saying what it shows, and its numbers as table rows.

use crate::model::stats::{ChartView, QueueStats, StatsPoint};
use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const INDIGO: RGBColor = RGBColor(79, 70, 229);
const ROSE: RGBColor = RGBColor(225, 29, 72);
const AMBER: RGBColor = RGBColor(180, 83, 9);
const SLATE: RGBColor = RGBColor(51, 65, 85);
const GRID: RGBColor = RGBColor(226, 232, 240);

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws into an SVG string; a failure is logged once and leaves the
/// chart's text and table (which carry the same numbers) in place.
fn svg(
    size: (u32, u32),
    title: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> DrawResult,
) -> String {
    let mut out = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            .and_then(|()| draw(&root))
            .and_then(|()| {
                root.present()
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            })
    };
    if let Err(e) = drawn {
        tracing::error!(error = %e, chart = title, "chart drawing failed");
        return String::new();
    }
    // The picture scales to its container and is one image to assistive
    // technology, named by its title; the numbers are in the table beside it.
    let title = escape(title);
    out.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{title}\" preserveAspectRatio=\"xMidYMid meet\" \
             style=\"width:100%;height:auto;display:block\" "
        ),
        1,
    )
    .replacen('>', &format!("><title>{title}</title>"), 1)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn short_date(d: NaiveDate) -> String {
    d.format("%b %-d").to_string()
}

fn label_font() -> TextStyle<'static> {
    ("sans-serif", 15).into_font().color(&SLATE)
}

/// 12345 → "12,345".
fn fmt_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Installs and uninstalls per day.
pub fn installs(id: &str, series: &[StatsPoint]) -> ChartView {
    let days = series.len();
    let title = format!("Installs per day, last {days} days");
    let total: i64 = series.iter().map(|p| p.installs).sum();
    let gone: i64 = series.iter().map(|p| p.uninstalls).sum();
    let peak = series
        .iter()
        .max_by_key(|p| (p.installs, std::cmp::Reverse(p.date)));
    let active = series.last().map_or(0, |p| p.active_installs);
    let summary = match peak.filter(|p| p.installs > 0) {
        Some(p) => format!(
            "{} installs and {} uninstalls in the last {days} days; the busiest day was {} with {}. {} tenants have it installed now.",
            fmt_count(total),
            fmt_count(gone),
            p.date,
            fmt_count(p.installs),
            fmt_count(active)
        ),
        None => format!(
            "No installs in the last {days} days. {} tenants have it installed now.",
            fmt_count(active)
        ),
    };
    let top = series
        .iter()
        .map(|p| p.installs.max(p.uninstalls))
        .max()
        .unwrap_or(0)
        .max(4);
    let svg = svg((640, 260), &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0..days.max(1) as i32 - 1, 0..top + top / 8 + 1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|i| {
                series
                    .get(*i as usize)
                    .map(|p| short_date(p.date))
                    .unwrap_or_default()
            })
            .label_style(label_font())
            .axis_style(SLATE)
            .draw()?;
        chart
            .draw_series(LineSeries::new(
                series
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i as i32, p.installs)),
                INDIGO.stroke_width(2),
            ))?
            .label("Installs")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], INDIGO.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(
                series
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i as i32, p.uninstalls)),
                ROSE.stroke_width(2),
            ))?
            .label("Uninstalls")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], ROSE.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(label_font())
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .draw()?;
        Ok(())
    });
    ChartView {
        id: id.to_owned(),
        title,
        summary,
        svg,
        columns: vec![
            "Date".into(),
            "Installs".into(),
            "Uninstalls".into(),
            "Active installs".into(),
        ],
        rows: series
            .iter()
            .map(|p| {
                vec![
                    p.date.to_string(),
                    p.installs.to_string(),
                    p.uninstalls.to_string(),
                    p.active_installs.to_string(),
                ]
            })
            .collect(),
    }
}

/// The running average rating, day by day.
pub fn rating_trend(id: &str, series: &[StatsPoint]) -> ChartView {
    let days = series.len();
    let title = format!("Average rating, last {days} days");
    let made: i64 = series.iter().map(|p| p.ratings).sum();
    let first = series.iter().find_map(|p| p.average_rating);
    let last = series.last().and_then(|p| p.average_rating);
    let summary = match (first, last) {
        (Some(a), Some(b)) => format!(
            "The average rating went from {a:.2} to {b:.2} over the last {days} days, with {} new ratings.",
            fmt_count(made)
        ),
        _ => format!("No ratings yet in the last {days} days."),
    };
    let svg = svg((640, 240), &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0..days.max(1) as i32 - 1, 1.0f64..5.0f64)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|i| {
                series
                    .get(*i as usize)
                    .map(|p| short_date(p.date))
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(label_font())
            .axis_style(SLATE)
            .draw()?;
        chart.draw_series(LineSeries::new(
            series
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.average_rating.map(|a| (i as i32, a))),
            AMBER.stroke_width(2),
        ))?;
        // Days with new ratings are marked on the line.
        chart.draw_series(series.iter().enumerate().filter_map(|(i, p)| {
            (p.ratings > 0)
                .then_some(p.average_rating)
                .flatten()
                .map(|a| Circle::new((i as i32, a), 3, AMBER.filled()))
        }))?;
        Ok(())
    });
    ChartView {
        id: id.to_owned(),
        title,
        summary,
        svg,
        columns: vec![
            "Date".into(),
            "New ratings".into(),
            "Average to date".into(),
        ],
        rows: series
            .iter()
            .map(|p| {
                vec![
                    p.date.to_string(),
                    p.ratings.to_string(),
                    p.average_rating
                        .map_or_else(|| "–".to_owned(), |a| format!("{a:.2}")),
                ]
            })
            .collect(),
    }
}

/// A small installs-per-day chart for the dashboard.
pub fn sparkline(id: &str, name: &str, points: &[(NaiveDate, i64)]) -> ChartView {
    let days = points.len();
    let title = format!("Installs per day of {name}, last {days} days");
    let total: i64 = points.iter().map(|p| p.1).sum();
    let summary = format!("{} installs in the last {days} days.", fmt_count(total));
    let top = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let svg = svg((320, 90), &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(0)
            .y_label_area_size(0)
            .build_cartesian_2d(0..days.max(1) as i32 - 1, 0..top + 1)?;
        chart.draw_series(
            AreaSeries::new(
                points.iter().enumerate().map(|(i, p)| (i as i32, p.1)),
                0,
                INDIGO.mix(0.15),
            )
            .border_style(INDIGO.stroke_width(2)),
        )?;
        let peak = format!("max {top}/day");
        root.draw_text(
            &peak,
            &("sans-serif", 12)
                .into_font()
                .color(&SLATE)
                .pos(Pos::new(HPos::Right, VPos::Top)),
            (314, 4),
        )?;
        Ok(())
    });
    ChartView {
        id: id.to_owned(),
        title,
        summary,
        svg,
        columns: vec!["Date".into(), "Installs".into()],
        rows: points
            .iter()
            .map(|(d, n)| vec![d.to_string(), n.to_string()])
            .collect(),
    }
}

fn hours(seconds: f64) -> String {
    format!("{:.1}", seconds / 3600.0)
}

fn days_of(seconds: i64) -> f64 {
    seconds as f64 / 86_400.0
}

/// The review queue: items waiting at the end of each day (bars), the
/// oldest one's age in days (line).
pub fn queue(id: &str, stats: &QueueStats) -> ChartView {
    let series = &stats.series;
    let days = series.len();
    let title = format!("Review queue health, last {days} days");
    let summary = format!(
        "{} waiting now{}; {} decisions in the last {days} days{}.",
        fmt_count(stats.queue_size),
        stats
            .oldest_age_seconds
            .map(|s| format!(", the oldest for {:.1} days", days_of(s)))
            .unwrap_or_default(),
        fmt_count(stats.decisions),
        stats
            .median_decision_seconds
            .map(|s| format!(", taking {} hours at the median", hours(s)))
            .unwrap_or_default(),
    );
    let top = series
        .iter()
        .map(|d| d.queue_size)
        .max()
        .unwrap_or(0)
        .max(4);
    let oldest_top = series
        .iter()
        .filter_map(|d| d.oldest_age_seconds)
        .map(days_of)
        .fold(1.0f64, f64::max);
    let svg = svg((640, 260), &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .right_y_label_area_size(52)
            .build_cartesian_2d(
                (0..days.max(1) as i32 - 1).into_segmented(),
                0..top + top / 8 + 1,
            )?
            .set_secondary_coord(0..days.max(1) as i32 - 1, 0.0..oldest_top * 1.15);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|v| match v {
                SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => series
                    .get(*i as usize)
                    .map(|d| short_date(d.date))
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .y_desc("waiting")
            .label_style(label_font())
            .axis_style(SLATE)
            .draw()?;
        chart
            .configure_secondary_axes()
            // Whole days: "30.0"-wide ticks ran under the axis' name.
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .y_desc("oldest, days")
            .label_style(label_font())
            .axis_style(SLATE)
            .draw()?;
        chart
            .draw_series(series.iter().enumerate().map(|(i, d)| {
                let i = i as i32;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), d.queue_size),
                    ],
                    INDIGO.mix(0.55).filled(),
                );
                bar.set_margin(0, 0, 1, 1);
                bar
            }))?
            .label("Waiting at end of day")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], INDIGO.mix(0.55).filled())
            });
        chart
            .draw_secondary_series(LineSeries::new(
                series
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.oldest_age_seconds.map(|s| (i as i32, days_of(s)))),
                AMBER.stroke_width(2),
            ))?
            .label("Oldest waiting (days)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], AMBER.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(label_font())
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .draw()?;
        Ok(())
    });
    ChartView {
        id: id.to_owned(),
        title,
        summary,
        svg,
        columns: vec![
            "Date".into(),
            "Submitted".into(),
            "Approved".into(),
            "Rejected".into(),
            "Waiting at end of day".into(),
            "Oldest waiting (days)".into(),
            "Median decision (hours)".into(),
        ],
        rows: series
            .iter()
            .map(|d| {
                vec![
                    d.date.to_string(),
                    d.submissions.to_string(),
                    d.approvals.to_string(),
                    d.rejections.to_string(),
                    d.queue_size.to_string(),
                    d.oldest_age_seconds
                        .map_or_else(|| "–".to_owned(), |s| format!("{:.1}", days_of(s))),
                    d.median_decision_seconds
                        .map_or_else(|| "–".to_owned(), hours),
                ]
            })
            .collect(),
    }
}
