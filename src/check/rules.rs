//! What a page says that is allowed but probably wrong: a notice past its
//! `expires`, an event that ends before it starts, council steps whose
//! dates run backwards, a cover without `cover_alt`.

use std::path::Path;

use jiff::ZonedDateTime;

use crate::check::{Finding, Severity};
use crate::content::frontmatter::{CouncilSteps, Step};
use crate::content::site::Site;
use crate::content::{Page, PageType, key_line};
use crate::error::Error;
use crate::lang::{Text, tr};

/// Every rule, over every page.
pub fn check(site: &Site) -> Vec<Finding> {
    let mut findings = Vec::new();
    for page in &site.pages {
        let yaml = std::fs::read_to_string(site.root.join(&page.file)).unwrap_or_default();
        let line = |key: &str| key_line(&yaml, key);
        if page.page_type == PageType::Notice
            && let Some(expires) = page.expires.as_ref().filter(|e| **e <= site.now)
        {
            findings.push(expired(&page.file, line("expires"), expires));
        }
        if let (Some(date), Some(end)) = (&page.date, &page.end)
            && end < date
        {
            findings.push(ends_before_it_starts(&page.file, line("end")));
        }
        if let Some(steps) = &page.meta.steps {
            findings.extend(steps_out_of_order(
                page,
                steps,
                &yaml,
                &site.config.timezone,
            ));
        }
        if page.meta.cover.is_some()
            && page
                .meta
                .cover_alt
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            findings.push(Finding {
                severity: Severity::Warning,
                error: Error::at_line(
                    &page.file,
                    line("cover"),
                    tr!("封面照片没有 `cover_alt`", "the cover has no `cover_alt`"),
                )
                .with_hint(tr!(
                    "加一行 cover_alt: 写一句照片里有什么，读屏软件会念给看不见的居民听",
                    "add cover_alt: with a sentence saying what the photo shows, for residents who use a screen reader"
                )),
            });
        }
    }
    findings
}

fn expired(file: &Path, line: usize, expires: &ZonedDateTime) -> Finding {
    let when = expires.strftime("%Y-%m-%d %H:%M").to_string();
    Finding {
        severity: Severity::Warning,
        error: Error::at_line(
            file,
            line,
            tr!(
                "这条通知已在 {when} 到期，列表、搜索和大屏都不再显示",
                "this notice expired on {when}; lists, search and screens no longer show it"
            ),
        )
        .with_hint(tr!(
            "还有效就把 expires 改到以后；不再需要就删掉这个文件",
            "if it still holds, move expires later; if not, delete the file"
        )),
    }
}

fn ends_before_it_starts(file: &Path, line: usize) -> Finding {
    Finding {
        severity: Severity::Error,
        error: Error::at_line(
            file,
            line,
            tr!("活动的结束时间 `end` 早于开始时间 `date`", "the event's `end` is before its `date`"),
        )
        .with_hint(tr!(
            "检查年份和月份；跨天的活动 end 写结束那天，例如 end: 2025-11-12 17:00",
            "check the year and month; an event over several days ends on its last day, e.g. end: 2025-11-12 17:00"
        )),
    }
}

/// Council steps in the order of the five-step method, with their names.
fn ordered_steps(steps: &CouncilSteps) -> [(&'static str, &'static str, Option<&Step>); 5] {
    [
        ("proposal", "提议", steps.proposal.as_ref()),
        ("consultation", "协商", steps.consultation.as_ref()),
        ("decision", "决定", steps.decision.as_ref()),
        ("publicity", "公示", steps.publicity.as_ref()),
        ("follow_up", "跟踪", steps.follow_up.as_ref()),
    ]
}

fn steps_out_of_order(
    page: &Page,
    steps: &CouncilSteps,
    yaml: &str,
    zone: &jiff::tz::TimeZone,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut latest: Option<(ZonedDateTime, &str, &str)> = None;
    for (key, name, step) in ordered_steps(steps) {
        let Some(date) = step.and_then(|s| s.date.as_ref()).map(|d| d.in_zone(zone)) else {
            continue;
        };
        if let Some((before, before_name, before_key)) = &latest
            && date < *before
        {
            let line = line_of_nested_key(yaml, key);
            findings.push(Finding {
                severity: Severity::Error,
                error: Error::at_line(&page.file, line, step_message((name, key), (before_name, before_key)))
                    .with_hint(tr!(
                        "五步法按 提议 → 协商 → 决定 → 公示 → 跟踪 的顺序进行；检查这一步的日期",
                        "the five steps run proposal → consultation → decision → publicity → follow-up; check this step's date"
                    )),
            });
        }
        if latest.as_ref().is_none_or(|(before, _, _)| date > *before) {
            latest = Some((date, name, key));
        }
    }
    findings
}

/// Each step as (Chinese name, key).
fn step_message((name, key): (&str, &str), (before, before_key): (&str, &str)) -> Text {
    tr!(
        "“{name}”的日期早于前面的“{before}”",
        "the `{key}` step is dated before the earlier `{before_key}` step"
    )
}

/// The line of `key:` nested anywhere in the front matter.
fn line_of_nested_key(yaml: &str, key: &str) -> usize {
    yaml.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
        .map_or(1, |index| index + 1)
}
