//! When a service station is open: `hours:` on a station page, as offices
//! write it on the door (`周一至周五 08:30-17:30；周六 09:00-12:00；周日 休息`),
//! and the site's calendar of public holidays and make-up working days
//! (调休) from `linju.yaml`, which changes every year.
//!
//! Parsed and checked here, on the ground floor, because the pages and the
//! configuration both use it. The status a resident reads (现在开放 /
//! 已下班) depends on the moment, so `render/opening.js` works it out on
//! the phone's clock from [`OpeningHours::to_json`]; what a build can say
//! for ever goes in the page as a table and as schema.org data.

use jiff::civil::Date;
use serde_json::{Value, json};

use std::path::Path;

use crate::error::{Error, Result};
use crate::lang::{Text, tr};
use crate::showtimes::{day_group, parse_hours};

/// What is wrong and what to type instead.
pub type Problem = (Text, Text);

/// Minutes of the day a station opens and closes (an end before the start
/// runs over midnight, as on lobby screens).
pub type Range = (u32, u32);

/// A station's week, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    /// What each day is open, Monday first; empty is closed.
    pub week: [Vec<Range>; 7],
    /// What public holidays are.
    pub holidays: OnHolidays,
}

/// What a station does on the public holidays of the site's calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum OnHolidays {
    /// Closed (the default: it is what 节假日 means to a resident).
    #[default]
    Closed,
    /// Open as on any other day of the week (`节假日照常`).
    AsUsual,
    /// Open these hours (`节假日 09:00-12:00`).
    Hours(Vec<Range>),
}

/// The site's calendar: closed public holidays and make-up working days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Calendar {
    /// Holidays, each a first and last day.
    pub holidays: Vec<(Date, Date)>,
    /// Weekend days worked instead (调休上班): open as on a weekday.
    pub workdays: Vec<Date>,
}

const DAY_LABELS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const SCHEMA_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const CLOSED_WORDS: [&str; 5] = ["休息", "闭馆", "不开放", "关闭", "不办公"];
const ALL_DAY: [&str; 5] = ["全天开放", "全天", "24小时", "24小时开放", "全年无休"];

fn hint() -> Text {
    tr!(
        "写成 周一至周五 08:30-17:30；周六 09:00-12:00；周日 休息（多条用分号隔开；节假日照常开放就加一条 节假日照常）",
        "write it as 周一至周五 08:30-17:30；周六 09:00-12:00；周日 休息 (rules apart by semicolons; add 节假日照常 if open on public holidays)"
    )
}

/// Reads `hours:` as written. Later rules win for the days they name
/// (`每天 08:00-21:00；周日 休息` closes Sundays).
pub fn parse(text: &str) -> Result<OpeningHours, Problem> {
    let mut hours = OpeningHours::default();
    let rules = text
        .split(['；', ';', '\n', '（', '）', '(', ')', '。'])
        .map(str::trim)
        .filter(|rule| !rule.is_empty());
    for rule in rules {
        apply_rule(&mut hours, rule)?;
    }
    if hours.week.iter().all(Vec::is_empty) {
        return Err((
            tr!(
                "开放时间 `{text}` 里没有一天开门",
                "hours `{text}` open on no day"
            ),
            hint(),
        ));
    }
    Ok(hours)
}

fn apply_rule(hours: &mut OpeningHours, rule: &str) -> Result<(), Problem> {
    let compact: String = rule.split_whitespace().collect();
    if ALL_DAY.contains(&compact.as_str()) {
        // Always open: a self-service kiosk does not close for a holiday.
        hours.week = std::array::from_fn(|_| vec![(0, 24 * 60)]);
        hours.holidays = OnHolidays::AsUsual;
        return Ok(());
    }
    if let Some(rest) = compact
        .strip_prefix("法定节假日")
        .or_else(|| compact.strip_prefix("节假日"))
    {
        hours.holidays = holiday_rule(rest, rule)?;
        return Ok(());
    }
    let (days_text, times_text) = split_days(rule);
    let days = parse_day_list(days_text, rule)?;
    let ranges = parse_ranges(times_text, rule)?;
    for day in days {
        hours.week[usize::from(day - 1)] = ranges.clone();
    }
    Ok(())
}

fn holiday_rule(rest: &str, rule: &str) -> Result<OnHolidays, Problem> {
    let rest = rest.trim_start_matches(['：', ':']);
    if rest.is_empty() || CLOSED_WORDS.contains(&rest) {
        return Ok(OnHolidays::Closed);
    }
    if rest.starts_with("照常") || rest.starts_with("正常") {
        return Ok(OnHolidays::AsUsual);
    }
    let ranges = parse_ranges(rest, rule)?;
    Ok(if ranges.is_empty() {
        OnHolidays::Closed
    } else {
        OnHolidays::Hours(ranges)
    })
}

/// The days and the times of a rule: the times start at its first digit.
fn split_days(rule: &str) -> (&str, &str) {
    let at = rule.find(|c: char| c.is_ascii_digit()).unwrap_or_else(|| {
        CLOSED_WORDS
            .iter()
            .filter_map(|word| rule.find(word))
            .min()
            .unwrap_or(rule.len())
    });
    let (days, times) = rule.split_at(at);
    (
        days.trim().trim_end_matches(['：', ':']).trim(),
        times.trim(),
    )
}

/// `周一至周五`, `周六、周日`, `工作日`; nothing written means every day.
fn parse_day_list(text: &str, rule: &str) -> Result<Vec<u8>, Problem> {
    if text.is_empty() {
        return Ok((1..=7).collect());
    }
    let mut days = Vec::new();
    for part in text
        .split(['、', '，', ',', '/', ' '])
        .filter(|p| !p.is_empty())
    {
        let group = day_group(part).ok_or_else(|| {
            (
                tr!(
                    "开放时间 `{rule}` 里的 `{part}` 不是星期几",
                    "in hours `{rule}`, `{part}` is not a day of the week"
                ),
                hint(),
            )
        })?;
        days.extend(group);
    }
    Ok(days)
}

/// `08:30-12:00、14:00-17:30`, or a word for closed (no ranges).
fn parse_ranges(text: &str, rule: &str) -> Result<Vec<Range>, Problem> {
    let compact: String = text.split_whitespace().collect();
    if compact.is_empty() || CLOSED_WORDS.contains(&compact.as_str()) {
        return Ok(Vec::new());
    }
    let mut ranges: Vec<Range> = Vec::new();
    for part in text
        .split(['、', '，', ',', '/', ' ', '和'])
        .filter(|p| !p.is_empty())
    {
        let range = parse_hours(part).ok_or_else(|| {
            (
                tr!(
                    "开放时间 `{rule}` 里的 `{part}` 不是 HH:MM-HH:MM 的时段",
                    "in hours `{rule}`, `{part}` is not a time range HH:MM-HH:MM"
                ),
                hint(),
            )
        })?;
        ranges.push(range);
    }
    ranges.sort_unstable();
    Ok(ranges)
}

/// `08:30`; the end of the day stays `24:00`.
pub fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn ranges_text(ranges: &[Range]) -> String {
    if ranges.is_empty() {
        return "休息".to_string();
    }
    if ranges == [(0, 24 * 60)] {
        return "全天开放".to_string();
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|&(from, to)| format!("{}-{}", clock(from), clock(to)))
        .collect();
    parts.join("、")
}

/// `周一至周五` for a run of days, `周三` for one, `每天` for the week.
fn days_label(first: usize, last: usize) -> String {
    match (first, last) {
        (0, 6) => "每天".to_string(),
        (5, 6) => "周末".to_string(),
        (a, b) if a == b => DAY_LABELS[a].to_string(),
        (a, b) => format!("{}至{}", DAY_LABELS[a], DAY_LABELS[b]),
    }
}

impl OpeningHours {
    /// The week as rows a resident reads: runs of days with the same
    /// hours (`周一至周五`, `08:30-17:30`), then the holidays.
    pub fn rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        let mut first = 0;
        for day in 1..=7 {
            if day == 7 || self.week[day] != self.week[first] {
                rows.push((days_label(first, day - 1), ranges_text(&self.week[first])));
                first = day;
            }
        }
        let holidays = match &self.holidays {
            OnHolidays::Closed => "休息".to_string(),
            OnHolidays::AsUsual => "照常开放".to_string(),
            OnHolidays::Hours(ranges) => ranges_text(ranges),
        };
        rows.push(("法定节假日".to_string(), holidays));
        rows
    }

    /// What a make-up working day is open: the first weekday with hours.
    fn workday_hours(&self) -> &[Range] {
        self.week[..5]
            .iter()
            .find(|ranges| !ranges.is_empty())
            .map_or(&[], Vec::as_slice)
    }

    /// What `opening.js` needs to say whether the station is open at a moment
    /// on the phone's clock, in the site's time zone (`utc_offset_minutes`).
    pub fn to_json(&self, calendar: &Calendar, utc_offset_minutes: i32) -> Value {
        let ranges = |r: &[Range]| -> Vec<[u32; 2]> { r.iter().map(|&(a, b)| [a, b]).collect() };
        let holidays: Vec<[String; 2]> = calendar
            .holidays
            .iter()
            .map(|(first, last)| [first.to_string(), last.to_string()])
            .collect();
        json!({
            "week": self.week.iter().map(|r| ranges(r)).collect::<Vec<_>>(),
            "on_holidays": match &self.holidays {
                OnHolidays::Closed => json!("closed"),
                OnHolidays::AsUsual => json!("as_usual"),
                OnHolidays::Hours(r) => json!(ranges(r)),
            },
            "holidays": holidays,
            "workdays": calendar.workdays.iter().map(Date::to_string).collect::<Vec<_>>(),
            "workday_hours": ranges(self.workday_hours()),
            "utc_offset_minutes": utc_offset_minutes,
        })
    }

    /// schema.org `openingHoursSpecification` and
    /// `specialOpeningHoursSpecification` (holidays closed or open, the
    /// make-up working days open as a weekday).
    pub fn schema(&self, calendar: &Calendar) -> (Vec<Value>, Vec<Value>) {
        let mut regular = Vec::new();
        let mut grouped: Vec<(&Vec<Range>, Vec<&str>)> = Vec::new();
        for (day, ranges) in self.week.iter().enumerate() {
            match grouped.iter_mut().find(|(r, _)| *r == ranges) {
                Some((_, days)) => days.push(SCHEMA_DAYS[day]),
                None => grouped.push((ranges, vec![SCHEMA_DAYS[day]])),
            }
        }
        for (ranges, days) in grouped {
            for &(from, to) in ranges {
                regular.push(json!({
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": days,
                    "opens": schema_time(from),
                    "closes": schema_time(to),
                }));
            }
        }
        let mut special = Vec::new();
        let holiday_ranges: Vec<Range> = match &self.holidays {
            OnHolidays::Closed => vec![(0, 0)],
            OnHolidays::AsUsual => Vec::new(),
            OnHolidays::Hours(ranges) => ranges.clone(),
        };
        for (first, last) in &calendar.holidays {
            special.extend(special_days(*first, *last, &holiday_ranges));
        }
        for day in &calendar.workdays {
            special.extend(special_days(*day, *day, self.workday_hours()));
        }
        (regular, special)
    }
}

fn special_days(first: Date, last: Date, ranges: &[Range]) -> Vec<Value> {
    ranges
        .iter()
        .map(|&(from, to)| {
            json!({
                "@type": "OpeningHoursSpecification",
                "validFrom": first.to_string(),
                "validThrough": last.to_string(),
                "opens": schema_time(from),
                "closes": schema_time(to),
            })
        })
        .collect()
}

/// schema.org has no `24:00`: a day open to its end closes at `23:59`.
fn schema_time(minutes: u32) -> String {
    clock(minutes.min(23 * 60 + 59))
}

/// `holidays:` and `workdays:` from `linju.yaml` (`path`, `text`), each
/// mistake at the line of its entry.
pub fn check_calendar(
    path: &Path,
    text: &str,
    holidays: &[String],
    workdays: &[String],
) -> Result<Calendar> {
    let at = |key: &str, entry: &str, message: Text, hint: Text| {
        Error::in_file_at(path, entry_line(text, key, entry), message).with_hint(hint)
    };
    let mut calendar = Calendar::default();
    for entry in holidays {
        let span = parse_day_span(entry).ok_or_else(|| {
            at(
                "holidays",
                entry,
                tr!(
                    "节假日 `{entry}` 不是日期",
                    "holiday `{entry}` is not a date"
                ),
                tr!(
                    "写一天 2026-10-01，或连着的几天 2026-10-01至2026-10-08",
                    "write a day, 2026-10-01, or a run of days, 2026-10-01至2026-10-08"
                ),
            )
        })?;
        calendar.holidays.push(span);
    }
    for entry in workdays {
        let day = parse_day_span(entry)
            .filter(|(first, last)| first == last)
            .map(|(day, _)| day)
            .ok_or_else(|| {
                at(
                    "workdays",
                    entry,
                    tr!(
                        "调休上班日 `{entry}` 不是日期",
                        "make-up working day `{entry}` is not a date"
                    ),
                    tr!(
                        "每天写一行，例如 - 2026-10-10",
                        "one day per line, e.g. - 2026-10-10"
                    ),
                )
            })?;
        if day.weekday().to_monday_one_offset() <= 5 {
            let index = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
            let (name, english) = (DAY_LABELS[index], SCHEMA_DAYS[index]);
            return Err(at(
                "workdays",
                entry,
                tr!(
                    "`{entry}` 是{name}，本来就上班",
                    "`{entry}` is a {english}, a working day anyway"
                ),
                tr!(
                    "workdays 只写调休上班的周六、周日",
                    "workdays lists only Saturdays and Sundays worked instead of a holiday"
                ),
            ));
        }
        calendar.workdays.push(day);
    }
    Ok(calendar)
}

/// The line of `entry` in the list under the top-level `key:`.
fn entry_line(text: &str, key: &str, entry: &str) -> Option<usize> {
    let start = text.lines().position(|line| {
        line.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })?;
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, line)| line.contains(entry))
        .map(|(i, _)| i + 1)
        .or(Some(start + 1))
}

/// One holiday as written in `linju.yaml`: a day (`2026-10-01`) or a run of
/// days (`2026-10-01至2026-10-08`, also with `..`, `-` or `~` between).
pub fn parse_day_span(text: &str) -> Option<(Date, Date)> {
    let text = text.trim();
    let parse = |t: &str| {
        t.trim()
            .parse::<Date>()
            .ok()
            .filter(|_| t.trim().len() == 10)
    };
    if let Some(day) = parse(text) {
        return Some((day, day));
    }
    let (first, last) = ["至", "..", "~", "～", " - ", "—"]
        .iter()
        .find_map(|mark| text.split_once(mark))
        .or_else(|| (text.len() == 21).then(|| (&text[..10], &text[11..])))?;
    let (first, last) = (parse(first)?, parse(last)?);
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap().rows()
    }

    #[test]
    fn hours_are_read_as_they_are_written_on_the_door() {
        assert_eq!(
            week("周一至周五 8:30—17:30；周六 9:00—12:00"),
            [
                ("周一至周五".into(), "08:30-17:30".into()),
                ("周六".into(), "09:00-12:00".into()),
                ("周日".into(), "休息".into()),
                ("法定节假日".into(), "休息".into()),
            ]
        );
        assert_eq!(
            week("每天 08:00-21:00；周日 休息；节假日照常"),
            [
                ("周一至周六".into(), "08:00-21:00".into()),
                ("周日".into(), "休息".into()),
                ("法定节假日".into(), "照常开放".into()),
            ]
        );
        assert_eq!(week("全天开放")[0], ("每天".into(), "全天开放".into()));
        assert_eq!(
            week("工作日 08:30-12:00、14:00-17:30（节假日 09:00-11:00）")[1],
            ("周末".into(), "休息".into())
        );
        let split = parse("周一至周五8:30-12:00,14:00-17:30").unwrap();
        assert_eq!(split.week[0], [(510, 720), (840, 1050)]);
        assert_eq!(
            parse("周二至周日 9:00-20:00").unwrap().week[0],
            Vec::<Range>::new()
        );
    }

    #[test]
    fn a_mistake_names_the_part_that_is_wrong() {
        let (message, hint) = parse("周八 09:00-17:00").unwrap_err();
        assert!(message.zh.contains("`周八` 不是星期几"), "{}", message.zh);
        assert!(hint.zh.contains("周一至周五 08:30-17:30"));
        let (message, _) = parse("周一至周五 早上九点").unwrap_err();
        assert!(message.zh.contains("不是星期几") || message.zh.contains("时段"));
        let (message, _) = parse("周一至周五 9:00-25:00").unwrap_err();
        assert!(
            message.zh.contains("`9:00-25:00` 不是 HH:MM-HH:MM"),
            "{}",
            message.zh
        );
        let (message, _) = parse("每天 休息").unwrap_err();
        assert!(message.zh.contains("没有一天开门"));
    }

    #[test]
    fn holidays_are_days_or_runs_of_days() {
        let day = |t: &str| t.parse::<Date>().unwrap();
        assert_eq!(
            parse_day_span("2026-10-01至2026-10-08"),
            Some((day("2026-10-01"), day("2026-10-08")))
        );
        assert_eq!(
            parse_day_span("2026-10-01-2026-10-08"),
            Some((day("2026-10-01"), day("2026-10-08")))
        );
        assert_eq!(
            parse_day_span("2027-01-01"),
            Some((day("2027-01-01"), day("2027-01-01")))
        );
        assert_eq!(parse_day_span("2026-10-08至2026-10-01"), None);
        assert_eq!(parse_day_span("国庆节"), None);
    }

    #[test]
    fn schema_org_gets_the_week_the_holidays_and_the_make_up_days() {
        let hours = parse("周一至周五 08:30-17:30；周六 09:00-12:00").unwrap();
        let calendar = Calendar {
            holidays: vec![parse_day_span("2026-10-01至2026-10-08").unwrap()],
            workdays: vec!["2026-10-10".parse().unwrap()],
        };
        let (regular, special) = hours.schema(&calendar);
        assert_eq!(regular.len(), 2);
        assert_eq!(regular[0]["dayOfWeek"], json!(SCHEMA_DAYS[..5]));
        assert_eq!(regular[0]["opens"], "08:30");
        assert_eq!(special[0]["validFrom"], "2026-10-01");
        assert_eq!(
            special[0]["closes"], "00:00",
            "closed: opens and closes at 00:00"
        );
        assert_eq!(special[1]["validFrom"], "2026-10-10");
        assert_eq!(special[1]["closes"], "17:30");
    }
}
