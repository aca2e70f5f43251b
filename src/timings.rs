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

/// The phases of one build, in the order they ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    /// The phases.
    pub phases: Vec<Phase>,
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

    /// Adds the phases of `other` after these.
    pub fn extend(&mut self, other: Timings) {
        self.phases.extend(other.phases);
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
