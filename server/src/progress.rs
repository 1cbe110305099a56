//! Progress of long command-line work (the demo seed): a bar on a
//! terminal, plain lines with the count, rate and time left otherwise (a
//! log or CI keeps them readable). Always on stderr: stdout carries the
//! command's one JSON answer.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Progress {
    label: &'static str,
    bar: Option<ProgressBar>,
    plain: Mutex<Plain>,
}

struct Plain {
    total: u64,
    done: u64,
    started: Instant,
    last_line: Option<Instant>,
}

/// A plain line at most this often (and always for the last step).
const PLAIN_EVERY: Duration = Duration::from_secs(2);

impl Progress {
    pub fn new(label: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(label);
            bar
        });
        Progress {
            label,
            bar,
            plain: Mutex::new(Plain {
                total: 0,
                done: 0,
                started: Instant::now(),
                last_line: None,
            }),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn plain_line(&self, what: &str) {
        let Ok(mut p) = self.plain.lock() else {
            return;
        };
        p.done += 1;
        let now = Instant::now();
        let due = p.last_line.is_none_or(|t| now - t >= PLAIN_EVERY) || p.done >= p.total;
        if !due {
            return;
        }
        p.last_line = Some(now);
        let elapsed = (now - p.started).as_secs_f64().max(0.001);
        let rate = p.done as f64 / elapsed;
        let left = p.total.saturating_sub(p.done) as f64 / rate.max(0.001);
        eprintln!(
            "{}: {}/{} ({:.0} %), {:.1}/s, about {:.0} s left ({what})",
            self.label,
            p.done,
            p.total,
            100.0 * p.done as f64 / p.total.max(1) as f64,
            rate,
            left
        );
    }
}

impl app::backend::services::seed::SeedProgress for Progress {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.reset_eta();
        }
        if let Ok(mut p) = self.plain.lock() {
            p.total = total;
            p.started = Instant::now();
        }
    }

    fn step(&self, what: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_message(what.to_owned());
                bar.inc(1);
            }
            None => self.plain_line(what),
        }
    }
}
