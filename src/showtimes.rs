//! When a slide may show on a lobby screen: a date range, days of the
//! week and hours of the day, written on a screen's source in `linju.yaml`
//! or as `screen:` in a page's front matter. Parsed and checked here, on
//! the ground floor, because both the configuration and the pages use it;
//! the player applies them on the screen's own clock (`screens/player`).
//!
//! Days are numbered as in China and ISO 8601: 1 is Monday, 7 is Sunday.
//! An hours window that ends before it starts runs over midnight, and
//! belongs to the day it starts on: `days: [5]` with `hours: 22:00-02:00`
//! is Friday night into Saturday morning.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde_json::Value;

use crate::lang::{Text, tr};

/// What is wrong and what to type instead.
pub type Problem = (Text, Text);

/// A problem and the key it is about (`days`, `hours`, `from`, `until`),
/// so the message can point at that key's line.
pub type KeyedProblem = (&'static str, Problem);

/// A checked window, ready for the player.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Showtime {
    /// First moment (milliseconds since 1970), if any.
    pub from: Option<i64>,
    /// First moment after the window (a date alone means its whole day).
    pub until: Option<i64>,
    /// Days of the week, 1 (Monday) to 7 (Sunday); empty means every day.
    pub days: Vec<u8>,
    /// Minutes of the day, start and end.
    pub hours: Option<(u32, u32)>,
}

impl Showtime {
    /// Whether the window limits anything (a slide with one is "scheduled").
    pub fn is_set(&self) -> bool {
        self.from.is_some() || self.until.is_some() || !self.days.is_empty() || self.hours.is_some()
    }

    /// The window as the player reads it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "from": self.from,
            "until": self.until,
            "days": self.days,
            "hours": self.hours.map(|(from, to)| [from, to]),
        })
    }

    /// `other`'s keys where this window has none (a page's own window
    /// over its source's).
    pub fn or(self, other: &Showtime) -> Showtime {
        Showtime {
            from: self.from.or(other.from),
            until: self.until.or(other.until),
            days: if self.days.is_empty() {
                other.days.clone()
            } else {
                self.days
            },
            hours: self.hours.or(other.hours),
        }
    }
}

/// A window as written: each part optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written<'a> {
    /// `from:` a date or a date and time.
    pub from: Option<&'a str>,
    /// `until:` a date (through its end) or a date and time.
    pub until: Option<&'a str>,
    /// `days:` a list of numbers or names, or `工作日`, `周末`, `每天`.
    pub days: Option<&'a Value>,
    /// `hours:` `HH:MM-HH:MM`.
    pub hours: Option<&'a str>,
}

/// Checks a written window; the problem names the key.
pub fn check(written: Written<'_>, zone: &TimeZone) -> Result<Showtime, KeyedProblem> {
    let from = written
        .from
        .map(|text| moment(text, zone, false).ok_or_else(|| ("from", bad_date("from", text))))
        .transpose()?;
    let until = written
        .until
        .map(|text| moment(text, zone, true).ok_or_else(|| ("until", bad_date("until", text))))
        .transpose()?;
    if let (Some(from), Some(until)) = (from, until)
        && until <= from
    {
        return Err((
            "until",
            (
                tr!("until 要比 from 晚", "until must come after from"),
                tr!(
                    "例如 from: 2026-12-01 和 until: 2026-12-24（含 24 日全天）",
                    "for example from: 2026-12-01 and until: 2026-12-24 (the 24th included)"
                ),
            ),
        ));
    }
    let days = written
        .days
        .map(parse_days)
        .transpose()
        .map_err(|problem| ("days", problem))?
        .unwrap_or_default();
    let hours = written
        .hours
        .map(|text| parse_hours(text).ok_or_else(|| ("hours", bad_hours(text))))
        .transpose()?;
    Ok(Showtime {
        from,
        until,
        days,
        hours,
    })
}

/// `"07:00-12:30"` as minutes of the day, start and end (`24:00` is the
/// end of the day; an end before the start runs over midnight).
pub fn parse_hours(text: &str) -> Option<(u32, u32)> {
    let minutes = |hhmm: &str| -> Option<u32> {
        let (h, m) = hhmm.trim().split_once([':', '：'])?;
        let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    let (from, to) = text.split_once(['-', '—', '–', '~', '～', '至'])?;
    let (from, to) = (minutes(from)?, minutes(to)?);
    (from != to).then_some((from, to))
}

fn bad_hours(text: &str) -> Problem {
    (
        tr!(
            "时段 `{text}` 不是 HH:MM-HH:MM 的写法",
            "hours `{text}` is not HH:MM-HH:MM"
        ),
        tr!(
            "例如 hours: \"07:00-09:30\"；跨过午夜写 \"22:00-06:30\"",
            "for example hours: \"07:00-09:30\"; over midnight \"22:00-06:30\""
        ),
    )
}

fn bad_date(key: &str, text: &str) -> Problem {
    (
        tr!("{key} 的 `{text}` 不是日期", "{key} `{text}` is not a date"),
        tr!(
            "写成 2026-12-01 或 2026-12-01 18:00",
            "write it as 2026-12-01 or 2026-12-01 18:00"
        ),
    )
}

/// A date or date and time in `zone`; a date alone as an end means the
/// end of that day.
fn moment(text: &str, zone: &TimeZone, is_end: bool) -> Option<i64> {
    let text = text.trim();
    // jiff reads a date out of a date and time too: a date is ten characters.
    let date_only = (text.len() == 10)
        .then(|| text.parse::<Date>().ok())
        .flatten();
    let civil: DateTime = if let Some(date) = date_only {
        let date = if is_end { date.tomorrow().ok()? } else { date };
        date.to_datetime(jiff::civil::Time::midnight())
    } else {
        text.replacen(' ', "T", 1).parse().ok()?
    };
    let zoned = civil.to_zoned_datetime(zone.clone()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

const DAY_NAMES: [[&str; 3]; 7] = [
    ["周一", "星期一", "mon"],
    ["周二", "星期二", "tue"],
    ["周三", "星期三", "wed"],
    ["周四", "星期四", "thu"],
    ["周五", "星期五", "fri"],
    ["周六", "星期六", "sat"],
    ["周日", "星期日", "sun"],
];

/// One day's number from a name or a number (`周六`, `星期日`, `sat`, `6`).
fn day_number(text: &str) -> Option<u8> {
    let text = text.trim().to_lowercase();
    if let Ok(n) = text.parse::<u8>() {
        return (1..=7).contains(&n).then_some(n);
    }
    let text = match text.as_str() {
        "周天" | "星期天" | "礼拜天" | "礼拜日" => "周日",
        other => other,
    };
    DAY_NAMES
        .iter()
        .position(|names| {
            names
                .iter()
                .any(|n| text == *n || text.starts_with(names[2]))
        })
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// A group of days by name, or a range (`周一至周五`, `周六-周日`).
pub fn day_group(text: &str) -> Option<Vec<u8>> {
    match text.trim().to_lowercase().as_str() {
        "工作日" | "weekdays" => return Some(vec![1, 2, 3, 4, 5]),
        "周末" | "weekend" | "weekends" => return Some(vec![6, 7]),
        "每天" | "每日" | "daily" | "every day" => return Some((1..=7).collect()),
        _ => {}
    }
    if let Some((from, to)) = text.split_once(['至', '到', '-', '—', '~', '～']) {
        let (from, to) = (day_number(from)?, day_number(to)?);
        return (from <= to).then(|| (from..=to).collect());
    }
    day_number(text).map(|n| vec![n])
}

/// `days:` as written: a list of numbers or names, or one name or range.
pub fn parse_days(value: &Value) -> Result<Vec<u8>, Problem> {
    let shown = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let bad = || {
        (
            tr!(
                "days 的 `{shown}` 不是星期几",
                "days `{shown}` is not days of the week"
            ),
            tr!(
                "写 工作日、周末、周一至周五，或数字列表 [1, 2, 3, 4, 5]（1 是周一，7 是周日）",
                "write weekdays, weekends, or a list such as [1, 2, 3, 4, 5] (1 is Monday, 7 is Sunday)"
            ),
        )
    };
    let mut days: Vec<u8> = match value {
        Value::String(text) => day_group(text).ok_or_else(bad)?,
        Value::Number(n) => vec![
            n.as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .filter(|n| (1..=7).contains(n))
                .ok_or_else(bad)?,
        ],
        Value::Array(items) => {
            let mut days = Vec::new();
            for item in items {
                days.extend(parse_days(item).map_err(|_| bad())?);
            }
            days
        }
        _ => return Err(bad()),
    };
    if days.is_empty() {
        return Err(bad());
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    #[test]
    fn days_are_read_as_offices_write_them() {
        let days = |v: Value| parse_days(&v).unwrap();
        assert_eq!(days(json!("工作日")), [1, 2, 3, 4, 5]);
        assert_eq!(days(json!("周末")), [6, 7]);
        assert_eq!(days(json!("周一至周五")), [1, 2, 3, 4, 5]);
        assert_eq!(days(json!([6, 7, 6])), [6, 7]);
        assert_eq!(days(json!(["周六", "星期天"])), [6, 7]);
        assert_eq!(days(json!(["sat", "Sunday"])), [6, 7]);
        assert!(parse_days(&json!([0])).is_err());
        assert!(parse_days(&json!([8])).is_err());
        assert!(parse_days(&json!("周八")).is_err());
        assert!(parse_days(&json!([])).is_err());
        assert!(parse_days(&json!("周五至周一")).is_err());
    }

    #[test]
    fn hours_may_run_over_midnight_but_not_be_empty() {
        assert_eq!(parse_hours("07:00-12:30"), Some((420, 750)));
        assert_eq!(parse_hours("23:00-06:30"), Some((1380, 390)));
        assert_eq!(parse_hours("08:30—17:30"), Some((510, 1050)));
        assert_eq!(parse_hours("00:00-24:00"), Some((0, 1440)));
        assert_eq!(parse_hours("8点-9点"), None);
        assert_eq!(parse_hours("09:00-09:00"), None);
        assert_eq!(parse_hours("25:00-26:00"), None);
    }

    #[test]
    fn a_date_alone_as_the_end_takes_in_its_whole_day() {
        let written = Written {
            from: Some("2026-12-01"),
            until: Some("2026-12-24"),
            ..Written::default()
        };
        let window = check(written, &shanghai()).unwrap();
        // 2026-12-01 00:00 and 2026-12-25 00:00 in Shanghai (UTC+8).
        assert_eq!(window.from, Some(1_796_054_400_000));
        assert_eq!(window.until, Some(1_798_128_000_000));
        let evening = Written {
            until: Some("2026-12-05 18:00"),
            ..Written::default()
        };
        assert_eq!(
            check(evening, &shanghai()).unwrap().until,
            Some(1_796_464_800_000)
        );
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let written = Written {
            from: Some("2026-12-24"),
            until: Some("2026-12-01"),
            ..Written::default()
        };
        let (key, (message, _)) = check(written, &shanghai()).unwrap_err();
        assert_eq!(key, "until");
        assert!(message.zh.contains("until 要比 from 晚"));
        let (key, (message, hint)) = check(
            Written {
                from: Some("12月1日"),
                ..Written::default()
            },
            &shanghai(),
        )
        .unwrap_err();
        assert_eq!(key, "from");
        assert!(message.zh.contains("from 的 `12月1日` 不是日期"));
        assert!(hint.zh.contains("2026-12-01"));
    }
}
