//! Dates as writers type them (`2025-11-10`, `2025-11-10 09:30`, RFC 3339)
//! and as residents read them (`2025年11月10日 星期一`).

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Deserializer};

use crate::lang::{Text, tr};

/// A date as written in front matter, before the site's time zone applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput {
    /// A wall-clock date or date and time, in the site's time zone.
    Civil(DateTime),
    /// An exact instant (RFC 3339 with an offset).
    Instant(Timestamp),
}

/// What a writer may type, for error hints.
pub fn date_forms() -> Text {
    tr!(
        "写成 2025-11-10、2025-11-10 09:30 或 2025-11-10T09:30:00+08:00",
        "write it as 2025-11-10, 2025-11-10 09:30 or 2025-11-10T09:30:00+08:00"
    )
}

impl DateInput {
    /// Parses the three accepted forms.
    pub fn parse(text: &str) -> Result<Self, Text> {
        let text = text.trim();
        if let Some(Ok(date)) = (text.len() == 10).then(|| text.parse::<Date>()) {
            return Ok(DateInput::Civil(
                date.to_datetime(jiff::civil::Time::midnight()),
            ));
        }
        if text.len() > 10 && (text.ends_with('Z') || has_offset(text)) {
            return text
                .parse::<Timestamp>()
                .map(DateInput::Instant)
                .map_err(|_| not_a_date(text));
        }
        let normalised = text.replacen(' ', "T", 1);
        normalised
            .parse::<DateTime>()
            .map(DateInput::Civil)
            .map_err(|_| not_a_date(text))
    }

    /// The instant in the site's time zone.
    pub fn in_zone(&self, zone: &TimeZone) -> ZonedDateTime {
        match self {
            DateInput::Civil(datetime) => datetime
                .to_zoned_datetime(zone.clone())
                .unwrap_or_else(|_| Timestamp::UNIX_EPOCH.to_zoned_datetime(zone.clone())),
            DateInput::Instant(timestamp) => timestamp.to_zoned_datetime(zone.clone()),
        }
    }
}

/// The message for a value that is no date (jiff's own wording is for
/// programmers, so it is left out).
fn not_a_date(text: &str) -> Text {
    tr!("`{text}` 不是有效的日期", "`{text}` is not a valid date")
}

fn has_offset(text: &str) -> bool {
    text.get(10..)
        .is_some_and(|time_part| time_part.contains('+') || time_part.contains('-'))
}

impl<'de> Deserialize<'de> for DateInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateInput::parse(&text).map_err(|message| {
            let forms = date_forms();
            serde::de::Error::custom(
                message
                    .append(&Text::new(
                        format!("；{}", forms.zh),
                        format!("; {}", forms.en),
                    ))
                    .marked(),
            )
        })
    }
}

impl fmt::Display for DateInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateInput::Civil(datetime) => write!(f, "{datetime}"),
            DateInput::Instant(timestamp) => write!(f, "{timestamp}"),
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

/// `2025年11月10日 星期一`.
pub fn chinese_date(date: Date) -> String {
    let weekday = WEEKDAYS[usize::from(date.weekday().to_monday_zero_offset() as u8)];
    format!(
        "{}年{}月{}日 {weekday}",
        date.year(),
        date.month(),
        date.day()
    )
}

/// `2025年11月10日 星期一 09:30`.
pub fn chinese_datetime(datetime: DateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        chinese_date(datetime.date()),
        datetime.hour(),
        datetime.minute()
    )
}

/// Reads back a date that linju put into a template context (RFC 3339 with
/// offset, or the civil forms writers use) as the wall-clock time it shows.
/// The context form starts with the local wall-clock time, so its first 19
/// characters are all that is needed.
pub fn parse_for_display(text: &str) -> Option<DateTime> {
    if let Some(Ok(datetime)) = text.get(..19).map(str::parse::<DateTime>) {
        return Some(datetime);
    }
    match DateInput::parse(text).ok()? {
        DateInput::Civil(datetime) => Some(datetime),
        DateInput::Instant(timestamp) => Some(jiff::tz::Offset::UTC.to_datetime(timestamp)),
    }
}

/// The form linju puts into template contexts: RFC 3339 with the offset.
pub fn to_context_string(zoned: &ZonedDateTime) -> String {
    zoned
        .timestamp()
        .display_with_offset(zoned.offset())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(
            DateInput::parse("2025-11-10").unwrap(),
            DateInput::Civil(date(2025, 11, 10).at(0, 0, 0, 0))
        );
        assert_eq!(
            DateInput::parse("2025-11-10 09:30").unwrap(),
            DateInput::Civil(date(2025, 11, 10).at(9, 30, 0, 0))
        );
        assert!(matches!(
            DateInput::parse("2025-11-10T09:30:00+08:00").unwrap(),
            DateInput::Instant(_)
        ));
    }

    #[test]
    fn odd_input_is_an_error_not_a_panic() {
        for text in [
            "２０２５-１１-１０ 九点",
            "2025年11月10日",
            "",
            "2025-11-10Tx",
        ] {
            assert!(DateInput::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        let err = DateInput::parse("2025-13-01").unwrap_err();
        assert!(err.contains("2025-13-01"), "{err}");
    }

    #[test]
    fn prints_chinese_dates_with_weekday() {
        assert_eq!(chinese_date(date(2025, 11, 10)), "2025年11月10日 星期一");
        assert_eq!(
            chinese_datetime(date(2025, 11, 16).at(9, 5, 0, 0)),
            "2025年11月16日 星期日 09:05"
        );
    }

    #[test]
    fn context_strings_round_trip_to_local_time() {
        let zone = TimeZone::get("Asia/Shanghai").unwrap();
        let zoned = DateInput::parse("2025-11-10 09:30").unwrap().in_zone(&zone);
        let text = to_context_string(&zoned);
        assert_eq!(text, "2025-11-10T09:30:00+08:00");
        assert_eq!(
            parse_for_display(&text),
            Some(date(2025, 11, 10).at(9, 30, 0, 0))
        );
    }
}
