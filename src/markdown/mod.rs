//! Markdown to HTML for one page: CJK-friendly emphasis, heading ids and a
//! table of contents, `@/` internal links, bundle-relative links, the
//! summary, and Chinese character counts. Rendering is pure (no I/O; link
//! targets come from a lookup the caller passes in); only a spooled body
//! (`Html`) is read back from the build's spool file.

mod body;
mod cjk;
pub mod emphasis;
pub mod kept;
mod sanitise;

pub use body::Html;
pub use sanitise::HtmlPolicy;
#[cfg(test)]
mod spec_tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::error::Error;
use crate::images::Images;
use crate::lang::tr;
use crate::slugs;
use emphasis::Spanned;

/// Characters a resident reads per minute (Chinese prose, unhurried).
const CHARS_PER_MINUTE: usize = 300;

/// The marker that ends a page's summary.
const MORE_MARKER: &str = "<!-- more -->";

/// What the renderer needs to know about the page it renders.
pub struct LinkContext<'a> {
    /// The source file, for errors.
    pub path: &'a Path,
    /// 1-based file line of the body's first line.
    pub body_line: usize,
    /// Resolves `@/events/x.md` (without the `@/`) to a URL.
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// URL prefix for relative links (the page's own folder URL).
    pub relative_base: &'a str,
    /// Photos beside the page, made responsive; `None` leaves images as written.
    pub images: Option<PhotoContext<'a>>,
    /// The sanitiser raw HTML goes through; `None` when it is trusted.
    pub html: Option<&'a HtmlPolicy>,
}

/// Where a page's photos are and who processes them.
#[derive(Clone, Copy)]
pub struct PhotoContext<'a> {
    /// The image pipeline.
    pub images: &'a Images,
    /// The folder relative image paths start from (a bundle's folder, or
    /// the section's).
    pub dir: &'a Path,
}

/// One heading of the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A rendered page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The whole body: held and shared (a rebuild that reloads the content
    /// takes every unchanged page from the last load, and copying 100,000
    /// bodies was most of that reload), or spooled by a one-off build.
    pub html: Html,
    /// A hash of `html`, taken once: rebuilds fingerprint and compare
    /// 100,000 bodies by it without reading them again.
    pub html_hash: u64,
    /// The part before `<!-- more -->`, or the first paragraph.
    pub summary_html: String,
    /// Headings in document order.
    pub toc: Vec<Heading>,
    /// Characters read: Han characters plus Latin words.
    pub char_count: usize,
    /// Minutes to read, at least 1.
    pub reading_minutes: usize,
    /// Processed image outputs the body uses.
    pub images: Vec<String>,
}

/// Bodies compare by their hash: a rebuild compares every page with its
/// last version, and reading 100,000 bodies again costs more than the
/// rest of the comparison.
impl PartialEq for Rendered {
    fn eq(&self, other: &Self) -> bool {
        self.html_hash == other.html_hash
            && self.html.len() == other.html.len()
            && self.summary_html == other.summary_html
            && self.toc == other.toc
            && self.char_count == other.char_count
            && self.reading_minutes == other.reading_minutes
            && self.images == other.images
    }
}

impl Eq for Rendered {}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`; every broken internal link is reported.
pub fn render(body: &str, context: &LinkContext<'_>) -> Result<Rendered, Vec<Error>> {
    let events: Vec<Spanned<'_>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    // Only raw HTML the writer typed needs the sanitiser: what pulldown
    // writes from Markdown, and linju's own pictures, are escaped.
    let sanitiser = context.html.filter(|_| {
        events
            .iter()
            .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
    });
    let events = emphasis::apply(body, events);
    let lines = LineIndex::new(body, context.body_line);
    let mut errors = Vec::new();
    let mut used_images = Vec::new();
    let events = match context.images {
        Some(photos) => rewrite_photos(
            events,
            context,
            photos,
            &lines,
            &mut used_images,
            &mut errors,
        ),
        None => events,
    };
    let mut events = rewrite_links(events, context, &lines, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let toc = assign_heading_ids(&mut events);
    let char_count = count_chars(&events);
    let summary_events = summary_slice(&events);
    let mut summary_html = to_html(summary_events.iter().cloned());
    let mut html = to_html(events.into_iter());
    if let Some(sanitiser) = sanitiser {
        summary_html = sanitiser.clean(&summary_html);
        html = sanitiser.clean(&html);
    }
    Ok(Rendered {
        html_hash: crate::hash::hash_bytes(html.as_bytes()),
        html: html.into(),
        summary_html,
        toc,
        char_count,
        reading_minutes: char_count.div_ceil(CHARS_PER_MINUTE).max(1),
        images: used_images,
    })
}

fn to_html<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Maps byte offsets of the body to file lines.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(body: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn line_of(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|&start| start <= offset);
        self.first_line + index.saturating_sub(1)
    }
}

/// Replaces each image beside the page (`![合影](photo.jpg)`) with a
/// responsive `<picture>`, and points links to such a photo at its largest
/// processed version: the original, with its GPS position, is never
/// published. Other images are left to [`rewrite_links`].
fn rewrite_photos<'a>(
    events: Vec<Spanned<'a>>,
    context: &LinkContext<'_>,
    photos: PhotoContext<'_>,
    lines: &LineIndex,
    used: &mut Vec<String>,
    errors: &mut Vec<Error>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some((event, range)) = events.next() {
        let target = match &event {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. })
                if is_relative(dest_url) && crate::images::is_raster(photo_path(dest_url)) =>
            {
                photos.dir.join(photo_path(dest_url))
            }
            _ => {
                out.push((event, range));
                continue;
            }
        };
        let line = lines.line_of(range.start);
        let picture = match photos.images.picture(&target) {
            Ok(picture) => picture,
            Err(problem) => {
                errors.push(problem.at(context.path, line));
                out.push((event, range));
                continue;
            }
        };
        used.extend(picture.files.iter().cloned());
        match event {
            Event::Start(Tag::Image { title, .. }) => {
                let alt = alt_text(events.by_ref().map(|(inner, _)| inner));
                let html = picture.to_html(&alt, &title, crate::images::CONTENT_SIZES);
                out.push((Event::InlineHtml(CowStr::from(html)), range));
            }
            Event::Start(Tag::Link {
                link_type,
                title,
                id,
                ..
            }) => out.push((
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(picture.largest.clone()),
                    title,
                    id,
                }),
                range,
            )),
            other => out.push((other, range)),
        }
    }
    out
}

/// A relative URL as a file path: without `./`, a query or a fragment.
fn photo_path(url: &str) -> &str {
    let url = url.trim_start_matches("./");
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Resolves `@/` links and relative links, and writes Markdown images
/// (those not made into pictures) as `<img>` that load lazily; drops the
/// source ranges. Email autolinks (`<a@b.cn>`) are left as they are: the
/// writer adds `mailto:`.
fn rewrite_links<'a>(
    events: Vec<Spanned<'a>>,
    context: &LinkContext<'_>,
    lines: &LineIndex,
    errors: &mut Vec<Error>,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events
        .into_iter()
        .map(|(event, range)| (event, range.start));
    while let Some((event, start)) = events.next() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if link_type != LinkType::Email => {
                let dest_url = rewrite_url(dest_url, context, lines.line_of(start), errors);
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let src = rewrite_url(dest_url, context, lines.line_of(start), errors);
                let alt = alt_text(events.by_ref().map(|(inner, _)| inner));
                out.push(Event::InlineHtml(CowStr::from(image_html(
                    &src, &alt, &title,
                ))));
            }
            other => out.push(other),
        }
    }
    out
}

/// The text of an image's description, up to its end: what `alt` says.
fn alt_text<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut alt = String::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => break,
            Event::End(TagEnd::Image) => depth -= 1,
            Event::Text(text) | Event::Code(text) | Event::InlineMath(text) => alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

/// A Markdown image as HTML, as pulldown-cmark writes it but loading
/// lazily (raw `<img>` a writer typed is left exactly as typed).
fn image_html(src: &str, alt: &str, title: &str) -> String {
    let mut html = String::from("<img loading=\"lazy\" decoding=\"async\" src=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut html, src);
    html.push_str("\" alt=\"");
    let _ = pulldown_cmark_escape::escape_html(&mut html, alt);
    if !title.is_empty() {
        html.push_str("\" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut html, title);
    }
    html.push_str("\" />");
    html
}

fn rewrite_url<'a>(
    url: CowStr<'a>,
    context: &LinkContext<'_>,
    line: usize,
    errors: &mut Vec<Error>,
) -> CowStr<'a> {
    if let Some(target) = url.strip_prefix("@/") {
        let (file, anchor) = target.split_once('#').map_or((target, ""), |(f, a)| (f, a));
        return match (context.resolve)(file) {
            Some(resolved) if anchor.is_empty() => CowStr::from(resolved),
            Some(resolved) => CowStr::from(format!("{resolved}#{anchor}")),
            None => {
                errors.push(
                    Error::at_line(
                        context.path,
                        line,
                        tr!("站内链接 `@/{target}` 指向的页面不存在", "broken internal link `@/{target}`"),
                    )
                    .with_hint(tr!(
                        "站内链接写 content/ 下的文件名，例如 @/events/council-2025-11.md；检查拼写，并确认那个页面不是草稿",
                        "internal links name a file under content/, e.g. @/events/council-2025-11.md; check the spelling and that the page is not a draft"
                    )),
                );
                url
            }
        };
    }
    if context.html.is_some() && is_script_address(&url) {
        return CowStr::Borrowed("#");
    }
    if is_relative(&url) && !context.relative_base.is_empty() {
        return CowStr::from(format!(
            "{}{}",
            context.relative_base,
            url.trim_start_matches("./")
        ));
    }
    url
}

/// A link to a file beside the page: no scheme (`https:`, `mailto:`,
/// `weixin:`, `localhost:5001`...), not absolute, not an anchor.
pub fn is_relative(url: &str) -> bool {
    !(url.is_empty() || url.starts_with('/') || url.starts_with('#') || has_scheme(url))
}

/// An address that runs code when followed (`javascript:`, `vbscript:`,
/// `data:`), whatever its case or leading spaces.
fn is_script_address(url: &str) -> bool {
    let lower: String = url
        .trim_start()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Whether `url` starts with a URI scheme (RFC 3986: a letter, then
/// letters, digits, `+`, `-` or `.`, then `:`), before any `/`, `?` or `#`.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Gives every heading an id (pinyin of its text unless `{#id}` is set),
/// unique in the page, and returns the table of contents.
fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<Heading> {
    let mut toc = Vec::new();
    let mut used = UsedIds::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|id| id.to_string());
            let title = heading_text(&events[i + 1..]);
            let wanted = explicit.unwrap_or_else(|| slugs::slugify(&title));
            let unique = used.unique(&wanted);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            toc.push(Heading {
                level,
                id: unique,
                title,
            });
        }
        i += 1;
    }
    toc
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn heading_text(events: &[Event<'_>]) -> String {
    let mut title = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(text) | Event::Code(text) => title.push_str(text),
            _ => {}
        }
    }
    title
}

/// Heading ids given so far, and for each wanted id the next number to
/// try, so 15,000 headings of one title cost 15,000 steps, not 15,000².
#[derive(Default)]
struct UsedIds {
    given: HashSet<String>,
    next_number: HashMap<String, usize>,
}

impl UsedIds {
    fn unique(&mut self, wanted: &str) -> String {
        if self.given.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let n = self.next_number.entry(wanted.to_string()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{n}");
            *n += 1;
            if self.given.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// The events of the summary: up to `<!-- more -->`, else the first paragraph.
fn summary_slice<'e, 'a>(events: &'e [Event<'a>]) -> &'e [Event<'a>] {
    let more = events.iter().position(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => html.trim() == MORE_MARKER,
        _ => false,
    });
    if let Some(end) = more {
        return &events[..end];
    }
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |offset| start + offset + 1);
    &events[start..end]
}

/// Han characters count one each, runs of Latin letters or digits one each.
fn count_chars(events: &[Event<'_>]) -> usize {
    events
        .iter()
        .map(|event| match event {
            Event::Text(text) | Event::Code(text) => count_text(text),
            _ => 0,
        })
        .sum()
}

/// Counts reading units in plain text.
pub fn count_text(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if is_alphanumeric(c) {
            if !in_word {
                count += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    count
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// `char::is_alphanumeric`, answered without its table for ASCII and for
/// the punctuation of Chinese text (，。、“”：；！？《》 and the like),
/// which would otherwise take two table searches each.
fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 => false,
        0xFF01..=0xFF0F | 0xFF1A..=0xFF20 => false,
        _ => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(target: &str) -> Option<String> {
        (target == "events/a.md").then(|| "/site/events/a/".to_string())
    }

    #[test]
    fn the_quick_alphanumeric_test_agrees_with_the_standard_one() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    fn render_str(body: &str) -> Result<Rendered, Vec<Error>> {
        let context = LinkContext {
            path: Path::new("content/p.md"),
            body_line: 5,
            resolve: &resolve,
            relative_base: "/site/p/",
            images: None,
            html: None,
        };
        render(body, &context)
    }

    #[test]
    fn chinese_headings_get_pinyin_ids_and_toc() {
        let out = render_str("## 活动安排\n\n## 活动安排\n\n### 报名 {#sign-up}\n").unwrap();
        assert!(
            out.html
                .text()
                .contains(r#"<h2 id="huo-dong-an-pai">活动安排</h2>"#),
            "{}",
            out.html.text()
        );
        assert!(out.html.text().contains(r#"<h2 id="huo-dong-an-pai-1">"#));
        assert!(out.html.text().contains(r#"<h3 id="sign-up">"#));
        assert_eq!(out.toc.len(), 3);
        assert_eq!(out.toc[2].level, 3);
    }

    #[test]
    fn links_with_a_scheme_and_email_autolinks_are_left_alone() {
        let out = render_str(
            "<foo@bar.example.com> [短信](sms:10086) [微信](weixin://dl/chat) [MAIL](MAILTO:a@b.cn) [本机](localhost:5001/x) [相对](map.pdf)\n",
        )
        .unwrap();
        for expected in [
            r#"href="mailto:foo@bar.example.com""#,
            r#"href="sms:10086""#,
            r#"href="weixin://dl/chat""#,
            r#"href="MAILTO:a@b.cn""#,
            r#"href="localhost:5001/x""#,
            r#"href="/site/p/map.pdf""#,
        ] {
            assert!(
                out.html.text().contains(expected),
                "{expected} in {}",
                out.html.text()
            );
        }
    }

    #[test]
    fn markdown_images_load_lazily_and_raw_img_tags_stay_as_typed() {
        let out =
            render_str("![徽标](logo.svg \"社区徽标\")\n\n<img src=\"banner.png\" alt=\"横幅\">\n")
                .unwrap();
        assert!(
            out.html.text().contains(
                r#"<img loading="lazy" decoding="async" src="/site/p/logo.svg" alt="徽标" title="社区徽标" />"#
            ),
            "{}",
            out.html.text()
        );
        assert!(
            out.html
                .text()
                .contains(r#"<img src="banner.png" alt="横幅">"#),
            "{}",
            out.html.text()
        );
    }

    #[test]
    fn internal_links_resolve_and_broken_ones_name_the_line() {
        let out = render_str("见[议事会](@/events/a.md#jie-guo)。\n").unwrap();
        assert!(
            out.html
                .text()
                .contains(r#"href="/site/events/a/#jie-guo""#)
        );
        let errors = render_str("第一行\n\n[坏链接](@/events/missing.md)\n").unwrap_err();
        assert_eq!(errors[0].line, Some(7));
        assert!(errors[0].message.contains("@/events/missing.md"));
    }

    #[test]
    fn relative_images_point_into_the_bundle() {
        let out = render_str("![合影](photo.jpg)\n").unwrap();
        assert!(
            out.html.text().contains(r#"src="/site/p/photo.jpg""#),
            "{}",
            out.html.text()
        );
        assert!(out.html.text().contains(r#"loading="lazy""#));
    }

    #[test]
    fn summary_is_first_paragraph_or_up_to_more() {
        let out = render_str("第一段。\n\n第二段。\n").unwrap();
        assert_eq!(out.summary_html, "<p>第一段。</p>\n");
        let out = render_str("甲。\n\n乙。\n\n<!-- more -->\n\n丙。\n").unwrap();
        assert!(out.summary_html.contains("乙"));
        assert!(!out.summary_html.contains("丙"));
    }

    #[test]
    fn counts_chinese_characters_not_words() {
        assert_eq!(count_text("社区居民 meeting 2025"), 6);
        let long = "字".repeat(601);
        assert_eq!(render_str(&long).unwrap().reading_minutes, 3);
    }

    #[test]
    fn gfm_extensions_work() {
        let out = render_str(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] 完成\n\n~~旧~~\n\n脚注[^1]\n\n[^1]: 说明\n",
        )
        .unwrap();
        assert!(out.html.text().contains("<table>"));
        assert!(out.html.text().contains("checkbox"));
        assert!(out.html.text().contains("<del>"));
        assert!(out.html.text().contains("footnote"));
    }

    #[test]
    fn chinese_bold_works_in_pages() {
        let out = render_str("**注意：**本周六上午九点集合\n").unwrap();
        assert!(out.html.text().contains("<strong>注意：</strong>本周六"));
    }
}
