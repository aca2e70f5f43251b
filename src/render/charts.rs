//! Bar charts drawn at build time as inline SVG: no chart script, readable
//! without JavaScript, in the theme's colours (the bars and text take CSS
//! classes), and legible in care mode: every length is in `em`, so the
//! chart grows with the text around it rather than shrinking into a
//! picture. Templates call `bar_chart(rows=..., title=..., unit=...)` with
//! any list of `{label, value}`; the theme puts the numbers in a table
//! beside it.

use std::fmt::Write;

use serde::Deserialize;

/// One bar as templates pass it.
#[derive(Debug, Deserialize)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// Its number.
    pub value: u64,
}

/// Height of one row (label above, bar below), in em.
const ROW_EM: f64 = 2.7;

/// The widest bar, as a share of the chart's width.
const LONGEST_BAR: f64 = 100.0;

/// An SVG bar chart of `bars`, one row each: the label on the left and the
/// number on the right of a line, the bar under them (so neither runs off
/// a narrow phone whatever the type size), with a
/// `<title>` and a `<desc>` reading out every number for screen readers.
pub fn bar_chart(bars: &[Bar], title: &str, unit: &str, id: &str) -> String {
    let largest = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let height = ROW_EM * bars.len().max(1) as f64;
    let described: Vec<String> = bars
        .iter()
        .map(|b| format!("{}：{}{}", b.label, b.value, unit))
        .collect();
    let mut svg = format!(
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}em" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(&described.join("；")),
    );
    for (row, bar) in bars.iter().enumerate() {
        let top = ROW_EM * row as f64;
        let width = LONGEST_BAR * bar.value as f64 / largest;
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{label_y:.2}em">{label}</text><text class="chart-value" x="100%" y="{label_y:.2}em" text-anchor="end">{value}{unit}</text><rect class="chart-bar" x="0" y="{bar_y:.2}em" width="{width:.2}%" height="0.9em" rx="0.15em"/>"#,
            label_y = top + 1.0,
            label = escape(&bar.label),
            bar_y = top + 1.3,
            width = width.max(0.5),
            value = bar.value,
            unit = escape(unit),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(values: &[(&str, u64)]) -> Vec<Bar> {
        values
            .iter()
            .map(|(label, value)| Bar {
                label: (*label).to_string(),
                value: *value,
            })
            .collect()
    }

    #[test]
    fn bars_are_as_long_as_their_numbers() {
        let svg = bar_chart(&bars(&[("停车", 10), ("路灯", 5)]), "办成的实事", "件", "c");
        assert!(svg.contains(r#"width="100.00%""#), "{svg}");
        assert!(svg.contains(r#"width="50.00%""#), "{svg}");
        assert!(svg.contains(">停车</text>") && svg.contains(">10件</text>"));
        assert!(svg.contains("<desc id=\"c-d\">停车：10件；路灯：5件</desc>"));
        assert!(svg.contains(r#"height="5.4em""#));
    }

    #[test]
    fn labels_are_escaped_and_nothing_divides_by_zero() {
        let svg = bar_chart(&bars(&[("<a>", 0)]), "t&t", "", "z");
        assert!(svg.contains("&lt;a&gt;") && svg.contains("t&amp;t"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
