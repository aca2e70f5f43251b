//! `linju build --timings`: a table of the build's phases, their time and
//! the process's peak memory when each ended.

use std::time::Duration;

/// Prints `timings` as a table on stderr (stdout stays the build's own
/// output), then the total.
pub fn print(timings: &linju::Timings, total: Duration, lang: linju::Lang) {
    let (phase, time, peak, summed) = match lang {
        linju::Lang::Zh => ("阶段", "用时", "内存峰值", "（各线程合计，与渲染同时进行）"),
        linju::Lang::En => (
            "phase",
            "time",
            "peak memory",
            "(summed over threads, during render)",
        ),
    };
    eprintln!(
        "{} {} {}",
        left(phase, 28),
        right(time, 10),
        right(peak, 12)
    );
    for p in &timings.phases {
        let note = if p.summed { summed } else { "" };
        eprintln!(
            "{:<28} {:>10} {:>12} {note}",
            p.name,
            shown(p.time),
            p.peak_kb.map_or_else(|| "-".to_string(), megabytes)
        );
    }
    let peak = linju::peak_resident_kb().map_or_else(|| "-".to_string(), megabytes);
    eprintln!("{:<28} {:>10} {:>12}", "total", shown(total), peak);
}

/// `text` padded on the right to `columns` terminal columns (a Chinese
/// character takes two, which `format!`'s width does not know).
fn left(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(unicode_width::UnicodeWidthStr::width(text));
    format!("{text}{}", " ".repeat(pad))
}

/// `text` padded on the left to `columns` terminal columns.
fn right(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(unicode_width::UnicodeWidthStr::width(text));
    format!("{}{text}", " ".repeat(pad))
}

fn shown(time: Duration) -> String {
    if time.as_millis() >= 10_000 {
        format!("{:.1} s", time.as_secs_f64())
    } else {
        format!("{} ms", time.as_millis())
    }
}

fn megabytes(kb: u64) -> String {
    format!("{} MB", kb / 1024)
}
