//! Template data: turns the loaded `Site` into the values themes see
//! (`site`, `page`, `section`, `paginator`...). Pure: builds values, no I/O.

use jiff::ZonedDateTime;
use serde_json::{Value, json};

use crate::content::frontmatter::{CouncilSteps, Step};
use crate::content::site::Site;
use crate::content::{Page, PageType, Section};
use crate::dates;
use crate::hash::hash_json;
use crate::markdown;
use crate::render::calendar::CALENDAR_FILE;
use crate::render::card_refs::{self, CardRefs};
use crate::render::card_value::{CardSource, card_value, with_fields};

/// The five steps of a council matter, with the labels residents read.
const COUNCIL_STEPS: [(&str, &str); 5] = [
    ("proposal", "提出议题"),
    ("consultation", "协商讨论"),
    ("decision", "形成决议"),
    ("publicity", "结果公示"),
    ("follow_up", "跟踪落实"),
];

/// Chinese names of event kinds.
fn event_kind_label(kind: &str) -> &'static str {
    match kind {
        "council" => "居民议事",
        "culture" => "文化活动",
        "volunteer" => "志愿服务",
        "service" => "便民服务",
        _ => "社区活动",
    }
}

/// Chinese names of page types, for badges and headings.
pub fn type_label(page_type: PageType) -> &'static str {
    match page_type {
        PageType::Page => "页面",
        PageType::Story => "身边的奋斗者",
        PageType::Family => "最美家庭",
        PageType::Event => "社区活动",
        PageType::Station => "服务站",
        PageType::Notice => "通知公告",
        PageType::Community => "社区",
    }
}

fn date_value(date: &Option<ZonedDateTime>) -> Value {
    date.as_ref()
        .map_or(Value::Null, |d| Value::String(dates::to_context_string(d)))
}

/// The `site` value every template gets.
pub fn site_value(site: &Site) -> Value {
    let config = &site.config;
    let home = site.home();
    let mut menu_sections: Vec<&Section> = home
        .subsections
        .iter()
        .map(|&i| &site.sections[i])
        .filter(|s| !s.pages.is_empty() || !s.subsections.is_empty())
        .collect();
    menu_sections.sort_by_key(|s| (s.meta.weight.unwrap_or(i64::MAX), s.title.clone()));
    let sections = menu_sections.into_iter().enumerate().map(|(n, s)| {
        let entry = json!({"title": s.title, "url": config.url_path(&s.path), "path": s.path, "children": []});
        ((n as i64 + 1) * 10, entry)
    });
    let menu = merged_menu(site, sections.collect());
    json!({
        "title": config.title,
        "description": config.description.clone().or_else(|| home.meta.description.clone()),
        "base_url": config.base_url,
        "base_path": config.base_path,
        "language": config.language,
        "organisation": config.organisation,
        "icp": config.icp,
        "police_record": config.police_record,
        "police_record_code": config.police_record.as_deref().map(digits_only),
        "extra": config.extra,
        "menu": menu,
        "feed_url": config.url_path("atom.xml"),
        "calendar_url": config.url_path(CALENDAR_FILE),
        "calendar_webcal": config.webcal(CALENDAR_FILE),
        "search_url": config.search.enabled.then(|| config.url_path("search/")),
        "search_script": config.search.enabled.then(|| config.url_path("search/search.js")),
        "generator": format!("linju {}", env!("CARGO_PKG_VERSION")),
    })
}

/// The section entries (weighing 10, 20, 30… in their order) and the
/// office's `menu:` entries, by weight; an entry without a weight comes
/// last, and equal weights keep the order written.
fn merged_menu(site: &Site, mut entries: Vec<(i64, Value)>) -> Vec<Value> {
    for item in &site.config.menu {
        if let Some(entry) = menu_entry(site, item) {
            entries.push((item.weight.unwrap_or(i64::MAX), entry));
        }
    }
    entries.sort_by_key(|(weight, _)| *weight);
    entries.into_iter().map(|(_, entry)| entry).collect()
}

/// One `menu:` entry as templates see it (`title`, `url`, `path` for the
/// current-page mark, `children`); `None` if its page is gone.
fn menu_entry(site: &Site, item: &crate::menu_settings::MenuItem) -> Option<Value> {
    let config = &site.config;
    let (url, path) = match item.url.as_deref() {
        None => (None, None),
        Some(target) if target.starts_with("@/") => {
            let key = target.trim_start_matches("@/").trim_end_matches('/');
            let url = site.link_targets.get(key)?.clone();
            let path = url.strip_prefix(&config.base_path).map(str::to_string);
            (Some(url), path)
        }
        Some(local) if local.starts_with('/') => {
            let path = local.trim_start_matches('/').to_string();
            (Some(config.url_path(&path)), Some(path))
        }
        Some(other) => (Some(other.to_string()), None),
    };
    let children: Vec<Value> = item
        .children
        .iter()
        .filter_map(|c| menu_entry(site, c))
        .collect();
    Some(json!({"title": item.title, "url": url, "path": path, "children": children}))
}

fn digits_only(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// A page as list items show it: everything but the body (front matter
/// fields, then what linju adds), as JSON (the screens' playlists).
pub fn page_card(site: &Site, page: &Page) -> Value {
    let mut value = serde_json::to_value(&*page.meta).unwrap_or_else(|_| json!({}));
    if let Some(map) = value.as_object_mut() {
        let (before, after) = card_fields(site, page);
        let tags = page.meta.tags.iter().map(|t| card_refs::tag_json(site, t));
        let shared = [
            ("section", card_refs::section_json(site, page.section)),
            ("community", card_refs::community_json(site, page.community)),
            ("tags", Value::Array(tags.collect())),
        ];
        for (key, field) in before.into_iter().chain(shared).chain(after) {
            map.insert(key.to_string(), field);
        }
    }
    value
}

/// The same card as a template value, built straight from the page: a
/// district's site holds one per page for its whole build, and going
/// through JSON gave each a copy of every key on the heap. Its section,
/// community and tags come from `refs`, shared with every other card.
pub fn page_card_value(site: &Site, page: &Page, refs: &CardRefs) -> tera::Value {
    let card = card_value(&card_source(site, page, refs));
    refs.made_card(card.as_map().map_or(0, |map| map.len()));
    card
}

/// A hash of the card [`page_card_value`] makes, taken from what it is
/// made of without making it: a big build makes each card only when a
/// file first shows it, and drops it after the last (`render::shared`).
pub fn page_card_hash(site: &Site, page: &Page, refs: &CardRefs) -> u64 {
    hash_json(&card_source(site, page, refs))
}

/// Everything page `page`'s card is made of.
fn card_source<'a>(site: &Site, page: &'a Page, refs: &CardRefs) -> CardSource<'a> {
    let (before, after) = card_fields(site, page);
    CardSource {
        meta: &page.meta,
        before,
        shared: [
            ("section", refs.section(site, page.section)),
            ("community", refs.community(site, page.community)),
            ("tags", refs.tags(site, &page.meta.tags)),
        ],
        after,
        capacity: refs.card_capacity(),
    }
}

/// A card's fields (as JSON).
type Fields = Vec<(&'static str, Value)>;

/// What linju adds to a page's front matter in its card, but for its
/// section, community and tags, which go between the two lists.
fn card_fields(site: &Site, page: &Page) -> (Fields, Fields) {
    let config = &site.config;
    let section = &site.sections[page.section];
    let asset_base = page.asset_base(&section.path);
    let cover = match &page.cover_image {
        Some(picture) => Some(picture.src.clone()),
        None => page.meta.cover.as_deref().map(|cover| {
            if markdown::is_relative(cover) {
                config.url_path(&format!("{asset_base}{cover}"))
            } else {
                cover.to_string()
            }
        }),
    };
    // Open Graph wants one big image: the largest processed JPEG.
    let og_image = page
        .cover_image
        .as_ref()
        .map(|p| p.largest.clone())
        .or(cover.clone());
    let cover_permalink = og_image
        .as_deref()
        .map(|c| absolute_url(&config.base_url, c));
    let before = vec![
        ("title", json!(page.title)),
        ("slug", json!(page.slug)),
        ("path", json!(page.path)),
        ("url", json!(config.url_path(&page.path))),
        ("permalink", json!(config.permalink(&page.path))),
        ("type", json!(page.page_type.name())),
        ("type_label", json!(type_label(page.page_type))),
        ("date", date_value(&page.date)),
        ("updated", date_value(&page.updated)),
        ("publish", date_value(&page.publish)),
        ("expires", date_value(&page.expires)),
        ("end", date_value(&page.end)),
        ("summary_html", json!(page.rendered.summary_html)),
        ("char_count", json!(page.rendered.char_count)),
        ("reading_time", json!(page.rendered.reading_minutes)),
        ("cover", json!(cover)),
        ("cover_image", json!(page.cover_image)),
        ("cover_permalink", json!(cover_permalink)),
    ];
    let mut after = vec![
        ("expired", json!(is_expired(site, page))),
        ("upcoming", json!(is_upcoming(site, page))),
    ];
    after.extend(event_facts(page));
    after.extend(super::station::station_facts(site, page));
    (before, after)
}

fn event_facts(page: &Page) -> [(&'static str, Value); 6] {
    let kind = page.meta.kind.map_or("other", |k| match k {
        crate::content::frontmatter::EventKind::Council => "council",
        crate::content::frontmatter::EventKind::Culture => "culture",
        crate::content::frontmatter::EventKind::Volunteer => "volunteer",
        crate::content::frontmatter::EventKind::Service => "service",
        crate::content::frontmatter::EventKind::Other => "other",
    });
    let steps = council_steps(page.meta.steps.as_deref());
    let stage = steps
        .iter()
        .find(|s| s["current"] == json!(true))
        .map(|s| s["label"].clone());
    let all_done = page.meta.steps.is_some() && steps.iter().all(|s| s["done"] == json!(true));
    let resolved_total: u64 = page.meta.resolved.iter().map(|r| r.count).sum();
    [
        ("kind", json!(kind)),
        ("kind_label", json!(event_kind_label(kind))),
        ("council_stage", stage.unwrap_or(Value::Null)),
        ("council_done", json!(all_done)),
        ("council", json!(steps)),
        ("resolved_total", json!(resolved_total)),
    ]
}

/// A full URL for an image that may already be one.
fn absolute_url(base_url: &str, url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}{url}")
        }
        None => url.to_string(),
    }
}

/// A page with its body, for its own template: its card plus the body,
/// table of contents and bundle files.
pub fn page_full(site: &Site, page: &Page, card: &tera::Value) -> tera::Value {
    let assets: Vec<String> = page
        .assets
        .iter()
        .filter(|(_, name)| !crate::images::is_raster(name))
        .map(|(_, name)| site.config.url_path(&format!("{}{name}", page.path)))
        .collect();
    let mut own = vec![
        (
            "content",
            tera::Value::from(page.rendered.html.text().as_ref()),
        ),
        ("toc", tera::Value::from_serializable(&page.rendered.toc)),
        ("assets", tera::Value::from(assets)),
    ];
    if matches!(page.page_type, PageType::Event | PageType::Community) {
        let calendar = format!("{}{CALENDAR_FILE}", page.path);
        let url = site.config.url_path(&calendar);
        own.push(("calendar_url", tera::Value::from(url)));
        if let Some(webcal) = site.config.webcal(&calendar) {
            own.push(("calendar_webcal", tera::Value::from(webcal)));
        }
    }
    with_fields(card, own)
}

/// A page whose `expires` time has passed (notices leave the lists).
pub fn is_expired(site: &Site, page: &Page) -> bool {
    page.expires.as_ref().is_some_and(|e| *e < site.now)
}

/// An event is upcoming until it ends (or, without an end, until its day is over).
pub fn is_upcoming(site: &Site, page: &Page) -> bool {
    if page.page_type != PageType::Event {
        return false;
    }
    match (&page.end, &page.date) {
        (Some(end), _) => *end >= site.now,
        (None, Some(date)) => date.date() >= site.now.date(),
        (None, None) => false,
    }
}

/// The five steps with labels; the first step not done is `current`.
fn council_steps(steps: Option<&CouncilSteps>) -> Vec<Value> {
    let Some(steps) = steps else {
        return Vec::new();
    };
    let by_key = |key: &str| -> Option<&Step> {
        match key {
            "proposal" => steps.proposal.as_ref(),
            "consultation" => steps.consultation.as_ref(),
            "decision" => steps.decision.as_ref(),
            "publicity" => steps.publicity.as_ref(),
            _ => steps.follow_up.as_ref(),
        }
    };
    let mut current_found = false;
    COUNCIL_STEPS
        .iter()
        .enumerate()
        .map(|(index, (key, label))| {
            let step = by_key(key);
            let done = step.is_some_and(|s| s.done);
            let current = !done && !current_found;
            current_found |= current;
            json!({
                "number": index + 1,
                "key": key,
                "label": label,
                "date": step.and_then(|s| s.date).map(|d| d.to_string()),
                "note": step.and_then(|s| s.note.clone()),
                "done": done,
                "current": current,
            })
        })
        .collect()
}

/// What a page's template sees of its section: who it is, not what is in it.
pub fn section_brief(site: &Site, section: &Section) -> Value {
    let config = &site.config;
    json!({
        "title": section.title,
        "description": section.meta.description,
        "path": section.path,
        "url": config.url_path(&section.path),
        "permalink": config.permalink(&section.path),
        "type": section.page_type.name(),
        "type_label": type_label(section.page_type),
        "extra": section.meta.extra,
        "feed_url": config.url_path(&format!("{}atom.xml", section.path)),
        "calendar_url": (section.page_type == PageType::Event)
            .then(|| config.url_path(&format!("{}{CALENDAR_FILE}", section.path))),
        "calendar_webcal": (section.page_type == PageType::Event)
            .then(|| config.webcal(&format!("{}{CALENDAR_FILE}", section.path)))
            .flatten(),
    })
}

/// A section's own value (without its pages).
pub fn section_value(site: &Site, section: &Section) -> Value {
    let config = &site.config;
    let subsections: Vec<Value> = section
        .subsections
        .iter()
        .map(|&i| {
            let s = &site.sections[i];
            json!({"title": s.title, "url": config.url_path(&s.path), "description": s.meta.description, "page_count": s.pages.len()})
        })
        .collect();
    let mut value = section_brief(site, section);
    if let Some(map) = value.as_object_mut() {
        map.insert("content".into(), json!(section.rendered.html.text()));
        map.insert("subsections".into(), Value::Array(subsections));
        map.insert("page_count".into(), json!(section.pages.len()));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::DateInput;

    #[test]
    fn first_unfinished_step_is_current() {
        let steps = CouncilSteps {
            proposal: Some(Step {
                date: DateInput::parse("2025-10-01").ok(),
                note: None,
                done: true,
            }),
            consultation: Some(Step {
                date: None,
                note: Some("楼道协商".into()),
                done: false,
            }),
            ..Default::default()
        };
        let values = council_steps(Some(&steps));
        assert_eq!(values.len(), 5);
        assert_eq!(values[0]["done"], json!(true));
        assert_eq!(values[1]["current"], json!(true));
        assert_eq!(values[2]["current"], json!(false));
        assert_eq!(values[1]["label"], json!("协商讨论"));
    }
}
