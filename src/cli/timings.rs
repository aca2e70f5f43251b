//! `linju build --timings`: a table of the build's phases, their time and
//! the process's peak memory when each ended.

use std::time::Duration;

/// Prints `timings` as a table on stderr (stdout stays the build's own
/// output), then the total.
pub fn print(timings: &linju::Timings, total: Duration, lang: linju::Lang) {
    let (phase, time, peak, summed) = match lang {
        linju::Lang::Zh => (
            "阶段",
            "用时",
            "内存峰值",
            "（各线程合计，与上一阶段同时进行）",
        ),
        linju::Lang::En => (
            "phase",
            "time",
            "peak memory",
            "(summed over threads, during the phase above)",
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
    print_templates(&timings.templates, lang);
}

/// What each template cost, the costliest first (after a blank line), so
/// a theme change that slows the build shows which template did it.
fn print_templates(templates: &[linju::TemplateTime], lang: linju::Lang) {
    if templates.is_empty() {
        return;
    }
    let (template, files, total, mean, slowest, note) = match lang {
        linju::Lang::Zh => (
            "模板",
            "文件数",
            "合计",
            "平均",
            "最慢",
            "（用时为各线程合计）",
        ),
        linju::Lang::En => (
            "template",
            "files",
            "total",
            "mean",
            "slowest",
            "(times summed over threads)",
        ),
    };
    eprintln!();
    eprintln!(
        "{} {} {} {} {} {note}",
        left(template, 28),
        right(files, 8),
        right(total, 10),
        right(mean, 10),
        right(slowest, 10)
    );
    for t in templates {
        let count = u32::try_from(t.files).unwrap_or(u32::MAX).max(1);
        eprintln!(
            "{:<28} {:>8} {:>10} {:>10} {:>10}",
            t.name,
            t.files,
            shown(t.total),
            fine(t.total / count),
            fine(t.slowest)
        );
    }
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

/// A short time, in microseconds below a millisecond.
fn fine(time: Duration) -> String {
    if time.as_micros() < 1000 {
        format!("{} µs", time.as_micros())
    } else {
        shown(time)
    }
}

fn megabytes(kb: u64) -> String {
    format!("{} MB", kb / 1024)
}
