//! How long each phase of a build took and how much memory the process had
//! used by its end (`linju build --timings`), so a regression shows up for
//! whoever causes it. A leaf: every wing times its own phases and returns
//! them with what it made.

use std::time::{Duration, Instant};

/// One phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// Its name (`load`, `markdown`, `render`...).
    pub name: &'static str,
    /// Wall time, or for a phase done piecemeal on many threads (writing
    /// files while rendering) the sum of its pieces.
    pub time: Duration,
    /// Whether `time` is a sum over threads rather than wall time.
    pub summed: bool,
    /// The process's peak resident memory when the phase ended, in KB
    /// (Linux; `None` elsewhere).
    pub peak_kb: Option<u64>,
}

/// What one template cost: the files rendered with it and the time they
/// took (making their template values and running the template, not
/// writing them), like Hugo's template metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateTime {
    /// The template's name (`page.html`, `section.html`...).
    pub name: String,
    /// Files rendered with it.
    pub files: usize,
    /// Their time, summed over threads.
    pub total: Duration,
    /// The slowest of them.
    pub slowest: Duration,
}

/// The phases of one build, in the order they ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    /// The phases.
    pub phases: Vec<Phase>,
    /// The templates that rendered files, the costliest first.
    pub templates: Vec<TemplateTime>,
}

impl Timings {
    /// Runs `work` as phase `name` and records it.
    pub fn time<T>(&mut self, name: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = work();
        self.record(name, start.elapsed());
        value
    }

    /// Records phase `name`, timed by the caller.
    pub fn record(&mut self, name: &'static str, time: Duration) {
        self.phases.push(Phase {
            name,
            time,
            summed: false,
            peak_kb: peak_resident_kb(),
        });
    }

    /// Records work done in pieces on many threads: the sum of its pieces.
    pub fn record_summed(&mut self, name: &'static str, time: Duration) {
        self.record(name, time);
        if let Some(last) = self.phases.last_mut() {
            last.summed = true;
        }
    }

    /// Adds the phases of `other` after these, and its templates.
    pub fn extend(&mut self, other: Timings) {
        self.phases.extend(other.phases);
        self.templates.extend(other.templates);
    }

    /// Records what each template cost, from `(template, time)` of every
    /// file rendered.
    pub fn record_templates<'a>(&mut self, files: impl Iterator<Item = (&'a str, Duration)>) {
        let mut by_name: std::collections::HashMap<&str, TemplateTime> = Default::default();
        for (name, time) in files {
            let entry = by_name.entry(name).or_insert_with(|| TemplateTime {
                name: name.to_string(),
                files: 0,
                total: Duration::ZERO,
                slowest: Duration::ZERO,
            });
            entry.files += 1;
            entry.total += time;
            entry.slowest = entry.slowest.max(time);
        }
        let mut templates: Vec<TemplateTime> = by_name.into_values().collect();
        templates.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
        self.templates = templates;
    }
}

/// The process's peak resident memory so far, in KB (`VmHWM`).
pub fn peak_resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_summed_by_name_the_costliest_first() {
        let mut timings = Timings::default();
        let ms = Duration::from_millis;
        let files = [
            ("page.html", ms(2)),
            ("section.html", ms(9)),
            ("page.html", ms(5)),
        ];
        timings.record_templates(files.into_iter());
        let rows: Vec<(&str, usize, Duration, Duration)> = timings
            .templates
            .iter()
            .map(|t| (t.name.as_str(), t.files, t.total, t.slowest))
            .collect();
        assert_eq!(
            rows,
            [
                ("section.html", 1, ms(9), ms(9)),
                ("page.html", 2, ms(7), ms(5))
            ]
        );
    }

    #[test]
    fn phases_keep_their_order_and_a_peak() {
        let mut timings = Timings::default();
        let value = timings.time("load", || 7);
        timings.record_summed("write", Duration::from_millis(3));
        assert_eq!(value, 7);
        let names: Vec<&str> = timings.phases.iter().map(|p| p.name).collect();
        assert_eq!(names, ["load", "write"]);
        assert!(timings.phases[1].summed && !timings.phases[0].summed);
        if cfg!(target_os = "linux") {
            assert!(timings.phases[0].peak_kb.is_some_and(|kb| kb > 0));
        }
    }
}
