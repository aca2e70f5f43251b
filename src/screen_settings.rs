//! `screens:` of `linju.yaml`: each lobby screen as written and as
//! checked (orientation, resolution, pace, night, heartbeat), and what its
//! sources draw from and when (`showtimes`). A ground-floor leaf beside
//! `config`, which reads the file and hands each entry here.

use std::path::Path;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lang::{Text, tr};
use crate::showtimes::Showtime;

/// One entry of `screens:` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScreen {
    name: String,
    title: Option<String>,
    orientation: Option<String>,
    resolution: Option<String>,
    slide_seconds: Option<u32>,
    community: Option<String>,
    poll_seconds: Option<u32>,
    #[serde(default)]
    sources: Vec<ScreenSource>,
    blank: Option<String>,
    heartbeat_url: Option<String>,
}

/// What a screen draws from (one entry of a screen's `sources:`).
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct ScreenSource {
    /// Section paths (`stories`, `events/council`).
    #[serde(default)]
    pub sections: Vec<String>,
    /// Page types (`story`, `family`, `event`, `station`, `notice`).
    #[serde(default)]
    pub types: Vec<String>,
    /// Event kinds (`council`, `culture`...).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Tags, any of which a page must carry.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Communities (title or slug), one of which a page must belong to.
    #[serde(default)]
    pub communities: Vec<String>,
    /// How many items at most (default 6).
    pub limit: Option<usize>,
    /// Day-parting: shown only between these times, `"07:00-12:00"`.
    pub hours: Option<String>,
    /// Shown only on these days (`工作日`, `[6, 7]`, `周一至周五`).
    pub days: Option<DaysInput>,
    /// Shown from this date (or date and time) on.
    pub from: Option<String>,
    /// Shown through this date (its whole day), or until this date and time.
    pub until: Option<String>,
    /// How long each of its slides shows, if not the screen's pace.
    pub slide_seconds: Option<u32>,
    /// A muted clip under `static/` that plays as a slide of its own (the
    /// street office's short film); such a source picks no pages.
    pub video: Option<String>,
    /// The clip's title on screen (its file name if not given).
    pub title: Option<String>,
    /// The window above, checked (filled in by the configuration's check).
    #[serde(skip)]
    pub showtime: Showtime,
}

/// `days:` as written: one name or range, one number, or a list of them.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(untagged)]
pub enum DaysInput {
    /// `工作日`, `周一至周五`, `6`.
    One(DayInput),
    /// `[1, 2, 3]`, `[周六, 周日]`.
    List(Vec<DayInput>),
}

/// One day or group of days as written.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(untagged)]
pub enum DayInput {
    /// `6`.
    Number(i64),
    /// `周六`, `工作日`.
    Name(String),
}

impl DaysInput {
    /// The value [`crate::showtimes::parse_days`] reads.
    pub fn to_json(&self) -> serde_json::Value {
        let one = |day: &DayInput| match day {
            DayInput::Number(n) => serde_json::Value::from(*n),
            DayInput::Name(name) => serde_json::Value::from(name.as_str()),
        };
        match self {
            DaysInput::One(day) => one(day),
            DaysInput::List(days) => days.iter().map(one).collect(),
        }
    }
}

/// A lobby display screen (`screens:` in `linju.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Screen {
    /// URL name: the screen is at `/screens/NAME/`.
    pub name: String,
    /// Shown to staff on the screens index.
    pub title: String,
    /// `landscape` or `portrait`.
    pub portrait: bool,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// How long each slide shows.
    pub slide_seconds: u32,
    /// The community whose content (and urgent notices) it shows; `None`
    /// for the whole site.
    pub community: Option<String>,
    /// How often it asks for a new playlist.
    pub poll_seconds: u32,
    /// What it draws from; empty means the default mix.
    pub sources: Vec<ScreenSource>,
    /// Night: the screen goes dark between these minutes of the day.
    pub blank: Option<(u32, u32)>,
    /// Where the player sends its status, if anywhere (off by default).
    pub heartbeat_url: Option<String>,
}

/// One entry of `screens:`, checked; an error points at the line of the
/// key it is about within this screen, else at the screen's name.
pub(crate) fn check_screen(
    path: &Path,
    text: &str,
    raw: RawScreen,
    zone: &TimeZone,
) -> Result<Screen> {
    let lines = ScreenLines::new(text, &raw.name);
    let at = |message: Text| Error::in_file_at(path, lines.name, message);
    let at_key = |key: &str, message: Text| Error::in_file_at(path, lines.of(key), message);
    let name = &raw.name;
    check_screen_name(name).map_err(|hint| at(hint.0).with_hint(hint.1))?;
    let portrait = match raw.orientation.as_deref().unwrap_or("landscape") {
        "landscape" => false,
        "portrait" => true,
        other => {
            return Err(at(tr!(
                "屏幕 `{name}`：orientation 只能是 landscape 或 portrait，不能是 `{other}`",
                "screen `{name}`: orientation must be landscape or portrait, not `{other}`"
            ))
            .with_hint(tr!(
                "landscape 是横屏，portrait 是竖屏",
                "landscape is wider than tall; portrait is a screen turned on its side"
            )));
        }
    };
    let (width, height) = match raw.resolution.as_deref() {
        None if portrait => (1080, 1920),
        None => (1920, 1080),
        Some(text) => parse_resolution(text).ok_or_else(|| {
            at(tr!(
                "屏幕 `{name}`：分辨率 `{text}` 不是“宽x高”的写法",
                "screen `{name}`: resolution `{text}` is not WIDTHxHEIGHT"
            ))
            .with_hint(tr!(
                "例如 resolution: 1920x1080",
                "for example resolution: 1920x1080"
            ))
        })?,
    };
    let slide_seconds = raw.slide_seconds.unwrap_or(12);
    if !(3..=600).contains(&slide_seconds) {
        return Err(at(tr!(
            "屏幕 `{name}`：slide_seconds 要在 3 到 600 之间",
            "screen `{name}`: slide_seconds must be from 3 to 600"
        ))
        .with_hint(tr!(
            "大堂屏幕每张 10 到 15 秒比较合适",
            "10 to 15 seconds suits a lobby"
        )));
    }
    let mut sources = raw.sources;
    for source in &mut sources {
        let site_root = path.parent().unwrap_or(Path::new("."));
        source.showtime =
            check_source(source, site_root, zone).map_err(|(key, (message, hint))| {
                let (zh, en) = (&message.zh, &message.en);
                at_key(key, tr!("屏幕 `{name}`：{zh}", "screen `{name}`: {en}")).with_hint(hint)
            })?;
    }
    let blank = check_night(name, raw.blank.as_deref())
        .map_err(|(message, hint)| at_key("blank", message).with_hint(hint))?;
    let heartbeat_url = check_heartbeat(name, raw.heartbeat_url)
        .map_err(|(message, hint)| at_key("heartbeat_url", message).with_hint(hint))?;
    Ok(Screen {
        title: raw.title.unwrap_or_else(|| raw.name.clone()),
        name: raw.name,
        portrait,
        width,
        height,
        slide_seconds,
        community: raw.community,
        poll_seconds: raw.poll_seconds.unwrap_or(60).max(5),
        sources,
        blank,
        heartbeat_url,
    })
}

/// A screen's name becomes part of its address: lowercase, digits and `-`.
fn check_screen_name(name: &str) -> Result<(), (Text, Text)> {
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if name_ok {
        return Ok(());
    }
    Err((
        tr!(
            "屏幕名 `{name}` 只能用小写字母、数字和 -",
            "screen name `{name}` must be lowercase letters, digits and -"
        ),
        tr!(
            "它会成为网址 /screens/名字/，例如 name: tinghu-lobby-1",
            "it becomes the address /screens/NAME/, e.g. name: tinghu-lobby-1"
        ),
    ))
}

fn parse_resolution(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once(['x', '×', 'X'])?;
    let (w, h) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    ((320..=8192).contains(&w) && (320..=8192).contains(&h)).then_some((w, h))
}

/// A source's window and pace, checked.
fn check_source(
    source: &ScreenSource,
    site_root: &Path,
    zone: &TimeZone,
) -> Result<Showtime, crate::showtimes::KeyedProblem> {
    if let Some(video) = &source.video {
        check_source_video(video, site_root).map_err(|problem| ("video", problem))?;
    }
    if let Some(seconds) = source.slide_seconds
        && !(3..=600).contains(&seconds)
    {
        return Err((
            "slide_seconds",
            (
                tr!(
                    "slide_seconds 要在 3 到 600 之间",
                    "slide_seconds must be from 3 to 600"
                ),
                tr!(
                    "大堂屏幕每张 10 到 15 秒比较合适",
                    "10 to 15 seconds suits a lobby"
                ),
            ),
        ));
    }
    let days = source.days.as_ref().map(DaysInput::to_json);
    crate::showtimes::check(
        crate::showtimes::Written {
            from: source.from.as_deref(),
            until: source.until.as_deref(),
            days: days.as_ref(),
            hours: source.hours.as_deref(),
        },
        zone,
    )
}

/// `blank:` (night) as minutes of the day, start and end.
fn check_night(name: &str, blank: Option<&str>) -> Result<Option<(u32, u32)>, (Text, Text)> {
    let Some(text) = blank else {
        return Ok(None);
    };
    crate::showtimes::parse_hours(text)
        .map(Some)
        .ok_or_else(|| {
            (
                tr!(
                    "屏幕 `{name}`：黑屏时段 blank 的 `{text}` 不是 HH:MM-HH:MM 的写法",
                    "screen `{name}`: blank `{text}` is not HH:MM-HH:MM"
                ),
                tr!(
                    "例如 blank: \"23:00-06:30\"（夜里 11 点黑屏，早上 6 点半亮）",
                    "for example blank: \"23:00-06:30\" (dark from 11 pm to 6:30 am)"
                ),
            )
        })
}

/// `heartbeat_url:`, a web address or nothing.
fn check_heartbeat(name: &str, url: Option<String>) -> Result<Option<String>, (Text, Text)> {
    let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(Some(url));
    }
    Err((
        tr!(
            "屏幕 `{name}`：heartbeat_url 的 `{url}` 不是网址",
            "screen `{name}`: heartbeat_url `{url}` is not a web address"
        ),
        tr!(
            "写完整的网址，例如 https://example.org/screens/beat；不用就删掉这一行",
            "write a whole address such as https://example.org/screens/beat, or remove the line"
        ),
    ))
}

/// Where one screen's keys are written in `linju.yaml`: its `name:` line,
/// and the lines up to the next screen (or the next top-level key).
struct ScreenLines<'a> {
    text: &'a str,
    name: Option<usize>,
    end: usize,
}

impl<'a> ScreenLines<'a> {
    fn new(text: &'a str, name: &str) -> ScreenLines<'a> {
        let key_of = |line: &str| {
            line.trim_start()
                .trim_start_matches("- ")
                .trim_start()
                .to_string()
        };
        let written = |line: &str| {
            let key = key_of(line);
            key.strip_prefix("name:")
                .is_some_and(|value| value.trim().trim_matches(['"', '\'']) == name)
        };
        let lines: Vec<&str> = text.lines().collect();
        let name_index = lines.iter().position(|line| written(line));
        let end = name_index.map_or(0, |at| {
            lines
                .iter()
                .enumerate()
                .skip(at + 1)
                .find(|(_, line)| {
                    let top_level = !line.starts_with([' ', '-', '#']) && !line.trim().is_empty();
                    top_level
                        || key_of(line).starts_with("name:") && line.trim_start().starts_with("- ")
                })
                .map_or(lines.len(), |(i, _)| i)
        });
        ScreenLines {
            text,
            name: name_index.map(|i| i + 1),
            end,
        }
    }

    /// The first line of this screen that writes `key:`, else its name.
    fn of(&self, key: &str) -> Option<usize> {
        let start = self.name?;
        self.text
            .lines()
            .enumerate()
            .take(self.end)
            .skip(start - 1)
            .find(|(_, line)| {
                line.trim_start()
                    .trim_start_matches("- ")
                    .trim_start()
                    .starts_with(&format!("{key}:"))
            })
            .map(|(i, _)| i + 1)
            .or(self.name)
    }
}

/// The media type of a clip a screen plays, by its extension; `None` for
/// anything else (every WebView plays MP4, most WebM).
pub fn video_type(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_lowercase())?;
    match extension.as_str() {
        "mp4" | "m4v" => Some("video/mp4"),
        "webm" => Some("video/webm"),
        _ => None,
    }
}

/// What to tell a writer whose `video:` names no clip; `example` is a
/// `video:` value to copy.
pub fn not_a_video(video: &str, example: &str) -> (Text, Text) {
    (
        tr!(
            "video 的 `{video}` 不是 MP4 或 WebM 视频",
            "video `{video}` is not an MP4 or WebM file"
        ),
        tr!(
            "大堂屏幕放 .mp4 或 .webm 视频，例如 video: {example}",
            "screens play .mp4 or .webm, for example video: {example}"
        ),
    )
}

/// A source's `video:`: an MP4 or WebM file under `static/`.
fn check_source_video(video: &str, site_root: &Path) -> Result<(), (Text, Text)> {
    let relative = video.trim().trim_start_matches('/');
    if video_type(relative).is_none() {
        return Err(not_a_video(video, "videos/宣传片.mp4"));
    }
    let safe = !relative.split('/').any(|part| part == "..");
    if safe && site_root.join("static").join(relative).is_file() {
        return Ok(());
    }
    Err((
        tr!(
            "找不到视频 static/{relative}",
            "video static/{relative} is not there"
        ),
        tr!(
            "把视频放进网站的 static 文件夹，这里写它在 static 里的路径，例如 videos/宣传片.mp4",
            "put the clip in the site's static folder and write its path inside it, e.g. videos/clip.mp4"
        ),
    ))
}
