//! A page as a slide: what the player shows of it and when, its photo cut
//! to the screen, and the QR code that leads to it.

use std::path::Path;

use jiff::ZonedDateTime;
use serde_json::{Value, json};

use crate::content::screen_fields;
use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::images::{Format, Images, Op};
use crate::render::context::page_card;
use crate::screen_settings::{Screen, ScreenSource};

pub(super) fn kind_name(page: &Page) -> Option<&'static str> {
    use crate::content::frontmatter::EventKind;
    page.meta.kind.map(|k| match k {
        EventKind::Council => "council",
        EventKind::Culture => "culture",
        EventKind::Volunteer => "volunteer",
        EventKind::Service => "service",
        EventKind::Other => "other",
    })
}

pub(super) fn epoch_ms(time: Option<&ZonedDateTime>) -> Value {
    time.map_or(Value::Null, |t| json!(t.timestamp().as_millisecond()))
}

/// One slide: what the player shows of a page, and when (its own
/// `screen:` window over its source's, key by key).
pub(super) fn slide(
    site: &Site,
    images: Option<&Images>,
    screen: &Screen,
    (index, source): (usize, Option<&ScreenSource>),
    photos: &mut Vec<String>,
) -> Value {
    let page = &site.pages[index];
    let card = page_card(site, page);
    let permalink = site.config.permalink(&page.path);
    let mut facts: Vec<Value> = Vec::new();
    let mut fact = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push(json!([label, value]));
        }
    };
    let meta = &page.meta;
    match page.page_type {
        PageType::Story => {
            fact("姓名", meta.person.clone());
            fact("职业", meta.occupation.clone());
        }
        PageType::Family => {
            fact("家庭", meta.family.clone());
            fact("家风家训", meta.motto.clone());
        }
        PageType::Event => {
            fact(
                "时间",
                page.date
                    .as_ref()
                    .map(|d| crate::dates::chinese_datetime(d.datetime())),
            );
            fact("地点", meta.location.clone());
            fact("主办", meta.organizer.clone());
            fact("参与人数", meta.participants.map(|n| format!("{n} 人")));
        }
        PageType::Station => {
            fact("地址", meta.address.clone());
            fact("开放时间", meta.hours.clone());
            fact("电话", meta.phone.clone());
            let areas: Vec<&str> = meta.areas.iter().map(|a| a.name.as_str()).collect();
            fact("服务", (!areas.is_empty()).then(|| areas.join("、")));
        }
        _ => {}
    }
    let end = page.end.clone().or_else(|| {
        // An event without an end runs to the end of its day.
        let date = page.date.as_ref()?;
        let next_day = date.date().tomorrow().ok()?;
        next_day
            .to_datetime(jiff::civil::Time::midnight())
            .to_zoned_datetime(date.time_zone().clone())
            .ok()
    });
    let own = meta.screen.as_ref();
    let own_window = screen_fields::showtime_of(meta, &site.config.timezone).unwrap_or_default();
    let when = match source {
        Some(source) => own_window.or(&source.showtime),
        None => own_window,
    };
    json!({
        "id": page.path,
        "type": page.page_type.name(),
        "label": if page.page_type == PageType::Event { card["kind_label"].clone() } else { card["type_label"].clone() },
        "title": page.title,
        "community": card["community"]["title"].clone(),
        "quote": meta.quote.clone().or_else(|| meta.motto.clone().filter(|_| page.page_type == PageType::Family)),
        "text": slide_text(page),
        "facts": facts,
        "council": card["council"].clone(),
        "council_stage": card["council_stage"].clone(),
        "image": slide_image(site, images, screen, page, photos),
        "qr": qr_svg(&permalink),
        "url": permalink,
        "urgent": meta.urgent,
        "publish": epoch_ms(page.publish.as_ref()),
        "expires": epoch_ms(page.expires.as_ref()),
        "start": if page.page_type == PageType::Event { epoch_ms(page.date.as_ref()) } else { Value::Null },
        "end": if page.page_type == PageType::Event { epoch_ms(end.as_ref()) } else { Value::Null },
        "when": when.is_set().then(|| when.to_json()),
        "scheduled": when.is_set(),
        "pin": own.is_some_and(|s| s.pin),
        "seconds": own.and_then(|s| s.seconds).or(source.and_then(|s| s.slide_seconds)),
        "video": slide_video(site, page),
        "opening": crate::render::station::opening_data(site, page),
    })
}

/// A notice's whole text (the player sets it as large as fits and pages
/// a long one, never cuts it), or any other page's summary, short enough
/// to read from across a lobby.
pub(super) fn slide_text(page: &Page) -> String {
    let text = page
        .meta
        .summary
        .clone()
        .unwrap_or_else(|| strip_tags(&page.rendered.summary_html));
    let text = text.trim();
    if page.page_type == PageType::Notice {
        let whole = strip_tags(&page.rendered.html.text());
        return page
            .meta
            .summary
            .clone()
            .unwrap_or_else(|| collapse_blank_lines(&whole));
    }
    let limit = 90;
    if text.chars().count() > limit {
        format!("{}…", text.chars().take(limit).collect::<String>())
    } else {
        text.to_string()
    }
}

pub(super) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The page's cover photo cut to the screen's photo area (JPEG: every
/// WebView shows it).
fn slide_image(
    site: &Site,
    images: Option<&Images>,
    screen: &Screen,
    page: &Page,
    photos: &mut Vec<String>,
) -> Value {
    let (Some(images), Some(cover)) = (images, page.meta.cover.as_deref()) else {
        return Value::Null;
    };
    if page.cover_image.is_none() {
        return Value::Null;
    }
    let (w, h) = if screen.portrait {
        (screen.width, screen.height * 9 / 20)
    } else {
        (screen.width / 2, screen.height)
    };
    let source = site
        .root
        .join(&page.file)
        .parent()
        .map(|dir| dir.join(cover.trim_start_matches("./")));
    let resized = source.map(|path| {
        images.resize_named(Path::new(&path), Some(w), Some(h), Op::Fill, Format::Jpeg)
    });
    match resized {
        Some(Ok((name, w, h))) => {
            let url = images.url_of(&name);
            photos.push(name);
            json!({"url": url, "width": w, "height": h, "alt": page.meta.cover_alt})
        }
        _ => Value::Null,
    }
}

/// A QR code as one SVG path of horizontal runs: about a quarter of the
/// bytes of one rectangle per module, which matters because every slide of
/// a screen's page carries one.
pub(super) fn qr_svg(url: &str) -> String {
    const QUIET: usize = 4;
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != qrcode::Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == qrcode::Color::Dark {
                x += 1;
            }
            let (left, top, run) = (start + QUIET, y + QUIET, x - start);
            path.push_str(&format!("M{left} {top}h{run}v1h-{run}z"));
        }
    }
    let size = width + 2 * QUIET;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}"/></svg>"##
    )
}

/// Paragraphs kept apart by one line break, for the player's `pre-line`.
fn collapse_blank_lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page's clip (`video:` in its bundle), published beside the page.
fn slide_video(site: &Site, page: &Page) -> Value {
    let Some(video) = page.meta.video.as_deref() else {
        return Value::Null;
    };
    let name = video.trim().trim_start_matches("./");
    let base = page.asset_base(&site.sections[page.section].path);
    video_value(site, &format!("{base}{name}"))
}

/// A clip as the player reads it: its address and media type (checked
/// at load to be one; MP4 if it were not).
fn video_value(site: &Site, path: &str) -> Value {
    let kind = crate::screen_settings::video_type(path).unwrap_or("video/mp4");
    json!({"url": site.config.url_path(path), "type": kind})
}

/// A source's own clip (`video:` under `static/`), played as a slide with
/// the source's window and pace.
pub(super) fn clip_slide(site: &Site, source: &ScreenSource) -> Option<Value> {
    let video = source.video.as_deref()?.trim().trim_start_matches('/');
    let title = source.title.clone().unwrap_or_else(|| {
        let name = video.rsplit('/').next().unwrap_or(video);
        name.rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_string()
    });
    let when = &source.showtime;
    Some(json!({
        "id": format!("clips/{video}"),
        "type": "video",
        "label": "视频",
        "title": title,
        "facts": [],
        "video": video_value(site, video),
        "when": when.is_set().then(|| when.to_json()),
        "scheduled": when.is_set(),
        "pin": false,
        "seconds": source.slide_seconds,
    }))
}
