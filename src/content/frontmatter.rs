//! Front matter: splitting it from the body and reading it into raw structs.
//! Pure: no I/O. Checking what a field means for a page's type is the job
//! of `content`; this module only knows the shapes.

use std::path::Path;

use serde::{Deserialize, Serialize, Serializer};

use crate::dates::DateInput;
use crate::error::{Error, Result};
use crate::lang::tr;
use crate::yaml;

/// A file cut into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML, including the opening `---` line so lines match the file.
    pub yaml: &'a str,
    /// The Markdown after the closing `---` line.
    pub body: &'a str,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
}

/// Cuts `text` at its `---` fences. A file without front matter is all body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_line = text[..first_line_end].trim_end();
    if first_line != "---" {
        if looks_like_a_fence(first_line) {
            return Err(not_a_fence(path, 1, first_line));
        }
        return Ok(Split {
            yaml: "",
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_line_end;
    for (line, raw_line) in (2..).zip(text[first_line_end..].split_inclusive('\n')) {
        if raw_line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[..offset],
                body: &text[offset + raw_line.len()..],
                body_line: line + 1,
            });
        }
        offset += raw_line.len();
    }
    let near_miss = (2..)
        .zip(text[first_line_end..].lines())
        .find(|(_, line)| looks_like_a_fence(line.trim_end()));
    if let Some((line, written)) = near_miss {
        return Err(not_a_fence(path, line, written.trim_end()));
    }
    Err(Error::at_line(
        path,
        1,
        tr!("前言没有结束", "the front matter is never closed"),
    )
    .with_hint(tr!(
        "在前言末尾加一行，只写 `---`",
        "end the front matter with a line holding only `---`"
    )))
}

/// A line of two or more dashes of any width (`--`, `----`, `———`, `－－－`)
/// that is not the `---` fence: a writer meant a fence and typed it wrong.
fn looks_like_a_fence(line: &str) -> bool {
    line != "---"
        && line.chars().count() >= 2
        && line
            .chars()
            .all(|c| matches!(c, '-' | '—' | '－' | '─' | '–'))
}

fn not_a_fence(path: &Path, line: usize, written: &str) -> Error {
    Error::at_line(
        path,
        line,
        tr!(
            "`{written}` 不是前言的分隔线",
            "`{written}` is not a front matter fence"
        ),
    )
    .with_hint(tr!(
        "前言的开头和结尾各用一行，只写三个英文减号 `---`（不是中文破折号）",
        "open and close the front matter with a line of exactly three ASCII hyphens `---`"
    ))
}

/// The top-level keys written in a front matter block, with their lines.
pub fn top_level_keys(yaml: &str) -> Vec<(&str, usize)> {
    yaml.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with([' ', '\t', '-', '#']) && !line.is_empty())
        .filter_map(|(index, line)| {
            let (key, _) = line.split_once(':')?;
            let key = key.trim().trim_matches(['"', '\'']);
            (!key.is_empty()).then_some((key, index + 1))
        })
        .collect()
}

fn serialize_date<S: Serializer>(
    date: &Option<DateInput>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.serialize_str(&date.to_string()),
        None => serializer.serialize_none(),
    }
}

/// A family member of a 最美家庭 entry.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Relation within the family (e.g. 父亲).
    #[serde(default)]
    pub relation: Option<String>,
}

/// One step of a resident council's five-step method.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// When the step happened or is planned.
    #[serde(default, serialize_with = "serialize_date")]
    pub date: Option<DateInput>,
    /// What happened.
    #[serde(default)]
    pub note: Option<String>,
    /// Whether the step is complete.
    #[serde(default)]
    pub done: bool,
}

/// The five steps: proposal, consultation, decision, publicity, follow-up.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CouncilSteps {
    /// 提议.
    pub proposal: Option<Step>,
    /// 协商.
    pub consultation: Option<Step>,
    /// 决定.
    pub decision: Option<Step>,
    /// 公示.
    pub publicity: Option<Step>,
    /// 跟踪.
    pub follow_up: Option<Step>,
}

/// A count of matters resolved (e.g. 充电桩 12).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resolved {
    /// What kind of matter.
    pub category: String,
    /// How many.
    pub count: u64,
}

/// A functional area of a service station.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Name (e.g. 物业服务窗口).
    pub name: String,
    /// What residents can do there.
    #[serde(default)]
    pub description: Option<String>,
}

/// A map position.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Geo {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}

/// Kinds of event.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 居民议事会. The Chinese names are accepted too: writers type them.
    #[serde(alias = "议事会", alias = "居民议事会")]
    Council,
    /// 文化活动.
    #[serde(alias = "文化活动")]
    Culture,
    /// 志愿服务.
    #[serde(alias = "志愿服务")]
    Volunteer,
    /// 便民服务.
    #[serde(alias = "便民服务")]
    Service,
    /// Anything else.
    #[serde(alias = "其他")]
    Other,
}

/// A page's front matter as written: every field any page type may have.
/// Which of them a page may use depends on its section's type (see
/// `content::PageType::allows`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    #[serde(default, serialize_with = "serialize_date")]
    pub date: Option<DateInput>,
    #[serde(default, serialize_with = "serialize_date")]
    pub updated: Option<DateInput>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Numbers on the page that are meant to be public (a service line):
    /// the privacy guard leaves them alone.
    #[serde(default)]
    pub public_numbers: Vec<String>,
    /// Old addresses of the page (`/news/old-name/`), each kept alive as a
    /// redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub community: Option<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default, serialize_with = "serialize_date")]
    pub publish: Option<DateInput>,
    #[serde(default, serialize_with = "serialize_date")]
    pub expires: Option<DateInput>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    // story
    pub person: Option<String>,
    pub occupation: Option<String>,
    #[serde(default)]
    pub honors: Vec<String>,
    pub quote: Option<String>,
    // family
    pub family: Option<String>,
    #[serde(default)]
    pub members: Vec<Member>,
    pub motto: Option<String>,
    // event
    pub kind: Option<EventKind>,
    #[serde(default, serialize_with = "serialize_date")]
    pub end: Option<DateInput>,
    pub location: Option<String>,
    pub organizer: Option<String>,
    pub participants: Option<u64>,
    pub steps: Option<Box<CouncilSteps>>,
    #[serde(default)]
    pub resolved: Vec<Resolved>,
    // station
    pub address: Option<String>,
    pub hours: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub areas: Vec<Area>,
    pub geo: Option<Geo>,
    // notice
    #[serde(default)]
    pub urgent: bool,
    // lobby screens, any type
    pub screen: Option<Box<ScreenFrontMatter>>,
    pub video: Option<String>,
    // community
    pub street: Option<String>,
    pub brand: Option<String>,
    pub description: Option<String>,
}

/// `screen:` on a page: when it shows on lobby screens, for how long, and
/// whether it is pinned (then only pinned pages play while it is on).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ScreenFrontMatter {
    /// Shown from this date (or date and time).
    pub from: Option<String>,
    /// Shown through this date, or until this date and time.
    pub until: Option<String>,
    /// Days of the week (`工作日`, `[6, 7]`).
    pub days: Option<crate::screen_settings::DaysInput>,
    /// Hours of the day (`07:00-09:30`).
    pub hours: Option<String>,
    /// How long its slide shows.
    pub seconds: Option<u32>,
    /// Only pinned pages play while a pinned page is on.
    #[serde(default)]
    pub pin: bool,
}

/// A section's `_index.md` front matter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub page_type: Option<String>,
    pub sort_by: Option<String>,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Reads a page's front matter; an empty block gives the defaults.
pub fn parse_page(path: &Path, yaml_text: &str) -> Result<PageFrontMatter> {
    if is_blank_yaml(yaml_text) {
        return Ok(PageFrontMatter::default());
    }
    yaml::parse(path, yaml_text, 0)
}

/// Reads a section's front matter; an empty block gives the defaults.
pub fn parse_section(path: &Path, yaml_text: &str) -> Result<SectionFrontMatter> {
    if is_blank_yaml(yaml_text) {
        return Ok(SectionFrontMatter::default());
    }
    yaml::parse(path, yaml_text, 0)
}

fn is_blank_yaml(yaml_text: &str) -> bool {
    yaml_text.lines().all(|line| {
        line.trim().is_empty() || line.trim() == "---" || line.trim_start().starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_line_numbers() {
        let text = "---\ntitle: a\n---\nbody\n";
        let split = split(Path::new("a.md"), text).unwrap();
        assert_eq!(split.yaml, "---\ntitle: a\n");
        assert_eq!(split.body, "body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "---\ntitle: a\nbody\n").unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn a_fence_typed_with_dashes_of_another_width_is_named_on_its_line() {
        let opened = split(Path::new("a.md"), "———\ntitle: a\n———\n").unwrap_err();
        assert_eq!(opened.line, Some(1));
        assert!(
            opened.message.zh.contains("`———` 不是前言的分隔线"),
            "{opened}"
        );
        let closed = split(Path::new("a.md"), "---\ntitle: a\n--\nbody\n").unwrap_err();
        assert_eq!(closed.line, Some(3), "{closed}");
        // A body may still start with a thematic break made of `***`.
        assert!(split(Path::new("a.md"), "***\nbody\n").is_ok());
    }

    #[test]
    fn event_kinds_may_be_written_in_chinese() {
        for (written, kind) in [
            ("议事会", EventKind::Council),
            ("居民议事会", EventKind::Council),
            ("文化活动", EventKind::Culture),
            ("council", EventKind::Council),
            ("其他", EventKind::Other),
        ] {
            let yaml = format!("---\ntitle: a\nkind: {written}\n");
            let page = parse_page(Path::new("a.md"), &yaml).unwrap();
            assert_eq!(page.kind, Some(kind), "{written}");
        }
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let split = split(Path::new("a.md"), "# hi\n").unwrap();
        assert_eq!(split.body, "# hi\n");
        assert_eq!(split.yaml, "");
    }

    #[test]
    fn yaml_error_lines_count_from_the_file_top() {
        let text = "---\ntitle: a\nparticipants: many\n---\n";
        let split = split(Path::new("a.md"), text).unwrap();
        let err = parse_page(Path::new("a.md"), split.yaml).unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
    }

    #[test]
    fn finds_top_level_keys() {
        let keys = top_level_keys("---\ntitle: a\nmembers:\n  - name: x\n# c\nperson: b\n");
        assert_eq!(keys, [("title", 2), ("members", 3), ("person", 6)]);
    }
}
