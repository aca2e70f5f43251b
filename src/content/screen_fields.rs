//! A page's lobby-screen fields: `screen:` (when, how long, pinned) and
//! `video:` (a muted clip in its bundle that plays instead of the slide's
//! text). Checked at load so a writer hears about a mistake from the
//! build, not from a dark lobby.

use std::path::{Path, PathBuf};

use crate::content::frontmatter::PageFrontMatter;
use crate::content::key_line;
use crate::error::Error;
use crate::lang::tr;
use crate::showtimes::{Showtime, Written};

/// Problems with `screen:` and `video:`, each at its line.
pub fn check(
    file: &Path,
    yaml: &str,
    meta: &PageFrontMatter,
    bundle: Option<&[(PathBuf, String)]>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    if let Some(screen) = &meta.screen {
        let line = key_line(yaml, "screen");
        if let Err((key, (message, hint))) = showtime_of(meta, &jiff::tz::TimeZone::UTC) {
            let line = nested_key_line(yaml, line, key);
            errors.push(Error::at_line(file, line, message).with_hint(hint));
        }
        if let Some(seconds) = screen.seconds.filter(|s| !(3..=600).contains(s)) {
            errors.push(
                Error::at_line(
                    file,
                    line,
                    tr!(
                        "screen.seconds 是 {seconds}，要在 3 到 600 之间",
                        "screen.seconds is {seconds}; it must be from 3 to 600"
                    ),
                )
                .with_hint(tr!(
                    "大堂屏幕每张 10 到 15 秒比较合适",
                    "10 to 15 seconds suits a lobby"
                )),
            );
        }
    }
    if let Some(video) = &meta.video
        && let Err(error) = check_video(video, bundle)
    {
        errors.push(error.at_line_of(file, key_line(yaml, "video")));
    }
    errors
}

/// The page's window, checked, in the site's time zone (`None` written
/// means no window).
pub fn showtime_of(
    meta: &PageFrontMatter,
    zone: &jiff::tz::TimeZone,
) -> Result<Showtime, crate::showtimes::KeyedProblem> {
    let Some(screen) = &meta.screen else {
        return Ok(Showtime::default());
    };
    let days = screen
        .days
        .as_ref()
        .map(crate::screen_settings::DaysInput::to_json);
    crate::showtimes::check(
        Written {
            from: screen.from.as_deref(),
            until: screen.until.as_deref(),
            days: days.as_ref(),
            hours: screen.hours.as_deref(),
        },
        zone,
    )
}

/// The line of `key:` inside the block that starts at `line` (`screen:`),
/// else `line` itself.
fn nested_key_line(yaml: &str, line: usize, key: &str) -> usize {
    yaml.lines()
        .enumerate()
        .skip(line)
        .take_while(|(_, text)| text.starts_with([' ', '\t']) || text.trim().is_empty())
        .find(|(_, text)| text.trim_start().starts_with(&format!("{key}:")))
        .map_or(line, |(i, _)| i + 1)
}

/// What is wrong with `video:`, if anything.
struct VideoProblem(crate::lang::Text, crate::lang::Text);

impl VideoProblem {
    fn at_line_of(self, file: &Path, line: usize) -> Error {
        Error::at_line(file, line, self.0).with_hint(self.1)
    }
}

fn check_video(video: &str, bundle: Option<&[(PathBuf, String)]>) -> Result<(), VideoProblem> {
    let name = video.trim().trim_start_matches("./");
    if crate::screen_settings::video_type(name).is_none() {
        let (message, hint) = crate::screen_settings::not_a_video(video, "宣传片.mp4");
        return Err(VideoProblem(message, hint));
    }
    let Some(assets) = bundle else {
        return Err(VideoProblem(
            tr!(
                "视频 `{video}` 要和页面放在同一个文件夹里",
                "video `{video}` must sit beside the page"
            ),
            tr!(
                "把页面改成文件夹：页面名/index.md，视频放在旁边",
                "make the page a folder (NAME/index.md) with the video beside it"
            ),
        ));
    };
    if !assets.iter().any(|(_, relative)| relative == name) {
        return Err(VideoProblem(
            tr!(
                "找不到视频 `{video}`",
                "video `{video}` is not in the page's folder"
            ),
            tr!(
                "把视频放进页面的文件夹，文件名和这里写的一样",
                "put the video in the page's folder under this name"
            ),
        ));
    }
    Ok(())
}
