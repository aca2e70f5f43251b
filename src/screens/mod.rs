//! Lobby display screens: for each screen in `linju.yaml`, a full-screen
//! player page (`/screens/NAME/`) with its playlist inline, the same
//! playlist as `playlist.json` for the screen to poll, the site's urgent
//! notices (`/screens/urgent.json`), a service worker that keeps the show
//! running offline, and an index for staff (`/screens/`).
//!
//! The playlist carries each slide's publish and expiry time, so a screen
//! drops an expired notice or a past event by itself, without a rebuild.
//! The player is plain ES5 with no framework and no external request, for
//! the old WebViews of cheap display boxes.

mod slides;

use serde_json::{Value, json};

use crate::content::communities;
use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::images::Images;
use crate::render::Output;
use crate::render::context::{is_expired, is_upcoming};
use crate::screen_settings::{Screen, ScreenSource};
use slides::{clip_slide, epoch_ms, kind_name, qr_svg, slide, slide_text};

/// Where screens live in the output.
pub const SCREENS_DIR: &str = "screens";

const PLAYER_HTML: &str = include_str!("player/player.html");
const PLAYER_CSS: &str = include_str!("player/player.css");
const PLAYER_JS: &str = include_str!("player/player.js");
const SERVICE_WORKER: &str = include_str!("player/sw.js");
const INDEX_HTML: &str = include_str!("player/index.html");
const STATUS_HTML: &str = include_str!("player/status.html");
/// qrcode-generator 2.0.4 (MIT, Kazuhiko Arase), for the status corner's
/// code, which carries what only the screen knows; loaded when first needed.
const QR_JS: &str = include_str!("player/vendor/qrcode.js");

/// How many items a source shows unless it says otherwise.
const DEFAULT_LIMIT: usize = 6;

/// Every file of the site's screens (none if it has no screens), and the
/// processed photos they use.
pub fn render_screens(site: &Site, images: Option<&Images>) -> (Vec<Output>, Vec<String>) {
    let screens = &site.config.screens;
    if screens.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut photos = Vec::new();
    let urgent = urgent_notices(site);
    let mut outputs = Vec::new();
    let mut summaries = Vec::new();
    for screen in screens {
        let mut slides: Vec<Value> = playlist_pages(site, screen)
            .into_iter()
            .map(|(index, source)| {
                let source = source.map(|s| &screen.sources[s]);
                slide(site, images, screen, (index, source), &mut photos)
            })
            .collect();
        slides.extend(screen.sources.iter().filter_map(|s| clip_slide(site, s)));
        let playlist = playlist_value(screen, &slides);
        summaries.push(json!({
            "name": screen.name,
            "title": screen.title,
            "url": site.config.url_path(&format!("{SCREENS_DIR}/{}/", screen.name)),
            "orientation": if screen.portrait { "portrait" } else { "landscape" },
            "width": screen.width,
            "height": screen.height,
            "slides": slides.iter().map(|s| s["title"].clone()).collect::<Vec<_>>(),
        }));
        let dir = format!("{SCREENS_DIR}/{}/", screen.name);
        outputs.push(Output {
            path: format!("{dir}playlist.json"),
            bytes: playlist.to_string().into_bytes(),
        });
        outputs.push(Output {
            path: format!("{dir}index.html"),
            bytes: player_page(site, screen, &playlist, &urgent).into_bytes(),
        });
    }
    outputs.push(Output {
        path: format!("{SCREENS_DIR}/urgent.json"),
        bytes: urgent.to_string().into_bytes(),
    });
    outputs.push(Output {
        path: format!("{SCREENS_DIR}/sw.js"),
        bytes: SERVICE_WORKER.as_bytes().to_vec(),
    });
    outputs.push(Output {
        path: format!("{SCREENS_DIR}/index.html"),
        bytes: index_page(site, &summaries).into_bytes(),
    });
    outputs.push(Output {
        path: format!("{SCREENS_DIR}/status/index.html"),
        bytes: STATUS_HTML
            .replace("{{LANG}}", &html_escape(&site.config.language))
            .replace("{{SITE}}", &html_escape(&site.config.title))
            .into_bytes(),
    });
    outputs.push(Output {
        path: format!("{SCREENS_DIR}/qr.js"),
        bytes: QR_JS.as_bytes().to_vec(),
    });
    (outputs, photos)
}

/// The playlist: a version (a hash of the slides, so the screen knows when
/// to switch) and the slides.
fn playlist_value(screen: &Screen, slides: &[Value]) -> Value {
    let slides = Value::Array(slides.to_vec());
    let version = format!(
        "{:016x}",
        crate::hash::hash_bytes(slides.to_string().as_bytes())
    );
    json!({
        "version": version,
        "screen": screen.name,
        "slide_seconds": screen.slide_seconds,
        "blank": screen.blank.map(|(from, to)| [from, to]),
        "slides": slides,
    })
}

/// Pages the screen shows, in order, each with the source (its place in
/// `screen.sources`) that chose it first.
fn playlist_pages(site: &Site, screen: &Screen) -> Vec<(usize, Option<usize>)> {
    let mut chosen: Vec<(usize, Option<usize>)> = Vec::new();
    let add = |index: usize, source: Option<usize>, chosen: &mut Vec<_>| {
        if !chosen.iter().any(|(i, _)| *i == index) {
            chosen.push((index, source));
        }
    };
    if screen.sources.is_empty() {
        for source in default_sources() {
            for index in source_pages(site, screen, &source) {
                add(index, None, &mut chosen);
            }
        }
    } else {
        // A source that names a clip is a slide of its own, not a query.
        let queries = screen
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.video.is_none());
        for (n, source) in queries {
            for index in source_pages(site, screen, source) {
                add(index, Some(n), &mut chosen);
            }
        }
    }
    // Notices first (urgent ones ahead), then events still to come.
    let rank = |index: usize| -> u8 {
        let page = &site.pages[index];
        match page.page_type {
            PageType::Notice if page.meta.urgent => 0,
            PageType::Notice => 1,
            PageType::Event => 2,
            _ => 3,
        }
    };
    chosen.sort_by_key(|(index, _)| rank(*index));
    chosen
}

/// What a screen shows when it names no sources: the latest strivers and
/// families, events still to come, notices in force, and the stations.
fn default_sources() -> Vec<ScreenSource> {
    let of = |kind: &str, limit: usize| ScreenSource {
        types: vec![kind.to_string()],
        limit: Some(limit),
        ..Default::default()
    };
    vec![
        of("notice", 20),
        of("event", 8),
        of("story", 6),
        of("family", 6),
        of("station", 6),
    ]
}

/// Pages matching `source` that are still current at build time.
fn source_pages(site: &Site, screen: &Screen, source: &ScreenSource) -> Vec<usize> {
    let community_matches = |page: &Page, names: &[String]| -> bool {
        let Some(community) = page.community else {
            return false;
        };
        let c = &site.pages[community];
        names.iter().any(|n| n == &c.title || n == &c.slug)
    };
    let mut pages: Vec<usize> = site
        .sections
        .iter()
        .flat_map(|s| s.pages.iter().copied())
        .filter(|&i| {
            let page = &site.pages[i];
            let section_path = site.sections[page.section].path.trim_end_matches('/');
            let shown_type = matches!(
                page.page_type,
                PageType::Story
                    | PageType::Family
                    | PageType::Event
                    | PageType::Station
                    | PageType::Notice
            );
            shown_type
                && (source.types.is_empty()
                    || source.types.iter().any(|t| t == page.page_type.name()))
                && (source.sections.is_empty()
                    || source.sections.iter().any(|s| {
                        let s = s.trim_matches('/');
                        section_path == s || section_path.starts_with(&format!("{s}/"))
                    }))
                && (source.kinds.is_empty()
                    || source
                        .kinds
                        .iter()
                        .any(|k| Some(k.as_str()) == kind_name(page)))
                && (source.tags.is_empty()
                    || source.tags.iter().any(|t| page.meta.tags.contains(t)))
                && (source.communities.is_empty() || community_matches(page, &source.communities))
                && screen.community.as_ref().is_none_or(|wanted| {
                    page.community.is_none()
                        || community_matches(page, std::slice::from_ref(wanted))
                })
                && !is_expired(site, page)
                && (page.page_type != PageType::Event || is_upcoming(site, page))
        })
        .collect();
    // Events soonest first; everything else keeps its section's order.
    pages.sort_by(|&a, &b| {
        let (a, b) = (&site.pages[a], &site.pages[b]);
        match (a.page_type, b.page_type) {
            (PageType::Event, PageType::Event) => a.date.cmp(&b.date),
            _ => std::cmp::Ordering::Equal,
        }
    });
    pages.truncate(source.limit.unwrap_or(DEFAULT_LIMIT));
    pages
}

/// Urgent notices in force, for every screen (each keeps its community's).
fn urgent_notices(site: &Site) -> Value {
    let notices: Vec<Value> = site
        .pages_of_type(PageType::Notice)
        .filter(|(_, p)| p.meta.urgent && !is_expired(site, p))
        .map(|(_, page)| {
            let community = page.community.map(|c| &site.pages[c]);
            let permalink = site.config.permalink(&page.path);
            json!({
                "id": page.path,
                "title": page.title,
                "text": slide_text(page),
                "community": community.map(|c| c.title.clone()),
                "community_slug": community.map(|c| c.slug.clone()),
                "publish": epoch_ms(page.publish.as_ref()),
                "expires": epoch_ms(page.expires.as_ref()),
                "qr": qr_svg(&permalink),
                "url": permalink,
            })
        })
        .collect();
    let notices = Value::Array(notices);
    let version = format!(
        "{:016x}",
        crate::hash::hash_bytes(notices.to_string().as_bytes())
    );
    json!({"version": version, "notices": notices})
}

/// JSON safe inside `<script>`: `</` cannot end the element.
fn script_json(value: &Value) -> String {
    value.to_string().replace("</", "<\\/")
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn player_page(site: &Site, screen: &Screen, playlist: &Value, urgent: &Value) -> String {
    let community_slug = screen.community.as_ref().and_then(|wanted| {
        communities::find(&site.pages, &site.communities, wanted)
            .map(|i| site.pages[i].slug.clone())
    });
    let offset_minutes = site.now.offset().seconds() / 60;
    let config = json!({
        "name": screen.name,
        "title": screen.title,
        "site_title": site.config.title,
        "width": screen.width,
        "height": screen.height,
        "portrait": screen.portrait,
        "slide_seconds": screen.slide_seconds,
        "poll_seconds": screen.poll_seconds,
        "urgent_poll_seconds": 15,
        "community": community_slug,
        "utc_offset_minutes": offset_minutes,
        "playlist_url": "playlist.json",
        "urgent_url": "../urgent.json",
        "service_worker": "../sw.js",
        "status_page": site.config.permalink(&format!("{SCREENS_DIR}/status/")),
        "qr_script": "../qr.js",
        "blank": screen.blank.map(|(from, to)| [from, to]),
        "heartbeat_url": screen.heartbeat_url,
    });
    // The fixed parts first: text from the site cannot then be taken for
    // a placeholder.
    PLAYER_HTML
        .replace("{{CSS}}", PLAYER_CSS)
        .replace(
            "{{JS}}",
            &format!("{}\n{PLAYER_JS}", crate::render::station::OPENING_JS),
        )
        .replace(
            "{{ORIENTATION}}",
            if screen.portrait {
                "portrait"
            } else {
                "landscape"
            },
        )
        .replace("{{LANG}}", &html_escape(&site.config.language))
        .replace(
            "{{TITLE}}",
            &html_escape(&format!("{} - {}", screen.title, site.config.title)),
        )
        .replace("{{CONFIG}}", &script_json(&config))
        .replace("{{PLAYLIST}}", &script_json(playlist))
        .replace("{{URGENT}}", &script_json(urgent))
}

fn index_page(site: &Site, screens: &[Value]) -> String {
    let mut rows = String::new();
    for screen in screens {
        let slides: Vec<String> = screen["slides"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|t| t.as_str())
                    .map(html_escape)
                    .collect()
            })
            .unwrap_or_default();
        rows.push_str(&format!(
            "<section class=\"screen\"><h2>{title}</h2><p>{orientation} {w}×{h} · <a href=\"{url}\">打开播放页 Open the player</a> · <code>{url}</code></p><ol>{items}</ol></section>\n",
            title = html_escape(screen["title"].as_str().unwrap_or_default()),
            orientation = if screen["orientation"] == "portrait" { "竖屏" } else { "横屏" },
            w = screen["width"],
            h = screen["height"],
            url = html_escape(screen["url"].as_str().unwrap_or_default()),
            items = slides.iter().map(|t| format!("<li>{t}</li>")).collect::<String>(),
        ));
    }
    INDEX_HTML
        .replace("{{LANG}}", &html_escape(&site.config.language))
        .replace("{{SITE}}", &html_escape(&site.config.title))
        .replace("{{SCREENS}}", &rows)
}

#[cfg(test)]
mod tests {
    use super::slides::strip_tags;
    use super::*;

    #[test]
    fn tags_are_stripped_and_entities_read() {
        assert_eq!(
            strip_tags("<p><strong>注意：</strong>明天 &amp; 后天</p>"),
            "注意：明天 & 后天"
        );
    }

    #[test]
    fn the_player_script_is_plain_es5() {
        for (name, text) in [("player.js", PLAYER_JS), ("sw.js", SERVICE_WORKER)] {
            for modern in [
                "=>", "let ", "const ", "`", "class ", "async ", "await ", "?.", "??",
            ] {
                assert!(
                    !text.contains(modern),
                    "{name} uses `{modern}`, which old WebViews lack"
                );
            }
        }
    }

    #[test]
    fn qr_codes_are_svg() {
        let svg = qr_svg("https://example.org/tinghu/notices/water/");
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
