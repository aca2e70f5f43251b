//! Rendering: every HTML page of the site through Tera, in parallel.
//! Takes `&Site` and the Tera instance and returns finished files (path +
//! bytes); never touches the file system itself.
//!
//! Each HTML file is a [`Target`]. Its [`Selection`] says what it shows
//! (which page, which section, which lists of cards); from that come both
//! its Tera context and its [`Selection::signature`], a hash of everything
//! the file is made from. The same selection feeds both, so a file whose
//! signature did not change cannot have changed, which is what lets
//! `session` re-render only what an edit touched.

pub mod context;
pub mod feeds;
pub mod theme;

use std::hash::{Hash, Hasher};

use crate::hash::{Fingerprint, fingerprint, hash_bytes, hash_json};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::content::PageType;
use crate::content::site::Site;
use crate::error::Error;
use crate::render::context::{
    is_expired, is_upcoming, page_card, page_full, section_brief, section_value, site_value,
};
use crate::render::theme::template_error;

/// One file to write: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative path, `/`-separated (`events/a/index.html`).
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl Output {
    /// A hash of the bytes, to tell whether a file changed without reading it.
    pub fn content_hash(&self) -> u64 {
        hash_bytes(&self.bytes)
    }
}

/// How many items the home page shows per list.
const HOME_LIST_LEN: usize = 6;

/// One HTML file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `index.html`.
    Home,
    /// One page of a section's list.
    SectionPager {
        /// Index into `Site::sections`.
        section: usize,
        /// 1-based pager number.
        number: usize,
        /// Pagers in all.
        total: usize,
    },
    /// A page (index into `Site::pages`).
    Page(usize),
    /// `tags/index.html`.
    TagIndex,
    /// One page of a tag's list.
    Tag {
        /// Index into `Site::tags`.
        tag: usize,
        /// 1-based pager number.
        number: usize,
        /// Pagers in all.
        total: usize,
    },
    /// `404.html`.
    NotFound,
}

/// Values every template may use, computed once per build and refreshed
/// page by page on a rebuild: the `site` value, each page's card (what a
/// list shows of it) and each section's value, with hashes of each.
#[derive(Debug, Clone)]
pub struct Shared {
    site: tera::Value,
    site_hash: u64,
    cards: Vec<tera::Value>,
    card_hashes: Vec<u64>,
    full_hashes: Vec<u64>,
    time_flags: Vec<(bool, bool)>,
    sections: Vec<tera::Value>,
    section_hashes: Vec<u64>,
    section_briefs: Vec<tera::Value>,
    section_brief_hashes: Vec<u64>,
}

/// A page's card and the hashes of the card and of the whole page.
fn card_of(site: &Site, index: usize) -> (tera::Value, u64, u64) {
    let page = &site.pages[index];
    let card = page_card(site, page);
    let card_hash = hash_json(&card);
    let mut hasher = fingerprint();
    card_hash.hash(&mut hasher);
    page.rendered.html.hash(&mut hasher);
    for heading in &page.rendered.toc {
        heading.id.hash(&mut hasher);
        heading.title.hash(&mut hasher);
        heading.level.hash(&mut hasher);
    }
    for (_, name) in &page.assets {
        name.hash(&mut hasher);
    }
    (
        tera::Value::from_serializable(&card),
        card_hash,
        hasher.finish(),
    )
}

/// Whether everything a page's card and full value are made from is the
/// same in both sites (the configuration is the same in both).
fn same_card_inputs(
    site: &Site,
    page: &crate::content::Page,
    old_site: &Site,
    old: &crate::content::Page,
) -> bool {
    let section = |s: &Site, p: &crate::content::Page| {
        let section = &s.sections[p.section];
        (section.title.clone(), section.path.clone())
    };
    let community = |s: &Site, p: &crate::content::Page| {
        p.community.map(|c| {
            let c = &s.pages[c];
            (c.title.clone(), c.slug.clone(), c.path.clone())
        })
    };
    page.path == old.path
        && page.title == old.title
        && page.page_type == old.page_type
        && page.meta == old.meta
        && page.rendered == old.rendered
        && page.assets == old.assets
        && page.cover_image == old.cover_image
        && section(site, page) == section(old_site, old)
        && community(site, page) == community(old_site, old)
}

fn time_flags(site: &Site, index: usize) -> (bool, bool) {
    let page = &site.pages[index];
    (is_expired(site, page), is_upcoming(site, page))
}

impl Shared {
    /// Computes every value from scratch.
    pub fn compute(site: &Site) -> Shared {
        let mut shared = Shared {
            site: tera::Value::from_serializable(&Value::Null),
            site_hash: 0,
            cards: Vec::new(),
            card_hashes: Vec::new(),
            full_hashes: Vec::new(),
            time_flags: Vec::new(),
            sections: Vec::new(),
            section_hashes: Vec::new(),
            section_briefs: Vec::new(),
            section_brief_hashes: Vec::new(),
        };
        let cards: Vec<(tera::Value, u64, u64)> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| card_of(site, i))
            .collect();
        for (card, card_hash, full_hash) in cards {
            shared.cards.push(card);
            shared.card_hashes.push(card_hash);
            shared.full_hashes.push(full_hash);
        }
        shared.time_flags = (0..site.pages.len()).map(|i| time_flags(site, i)).collect();
        shared.refresh_site_and_sections(site);
        shared
    }

    /// After a content reload: takes from `old` (computed for `old_site`)
    /// the card of every page whose card could not have changed (same
    /// front matter, body, place, section, community and time flags), and
    /// computes the rest. The result equals [`Shared::compute`].
    pub fn compute_reusing(site: &Site, old_site: &Site, old: &Shared) -> Shared {
        let old_index: std::collections::HashMap<&str, usize> = old_site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source_key.as_str(), i))
            .collect();
        let flags: Vec<(bool, bool)> = (0..site.pages.len()).map(|i| time_flags(site, i)).collect();
        let cards: Vec<(tera::Value, u64, u64)> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let page = &site.pages[i];
                let reusable = old_index.get(page.source_key.as_str()).filter(|&&j| {
                    old.time_flags[j] == flags[i]
                        && same_card_inputs(site, page, old_site, &old_site.pages[j])
                });
                match reusable {
                    Some(&j) => (old.cards[j].clone(), old.card_hashes[j], old.full_hashes[j]),
                    None => card_of(site, i),
                }
            })
            .collect();
        let mut shared = Shared {
            site: tera::Value::from_serializable(&Value::Null),
            site_hash: 0,
            cards: Vec::with_capacity(cards.len()),
            card_hashes: Vec::with_capacity(cards.len()),
            full_hashes: Vec::with_capacity(cards.len()),
            time_flags: flags,
            sections: Vec::new(),
            section_hashes: Vec::new(),
            section_briefs: Vec::new(),
            section_brief_hashes: Vec::new(),
        };
        for (card, card_hash, full_hash) in cards {
            shared.cards.push(card);
            shared.card_hashes.push(card_hash);
            shared.full_hashes.push(full_hash);
        }
        shared.refresh_site_and_sections(site);
        shared
    }

    /// After an edit that kept every page at its index: recomputes the cards
    /// of `changed` pages and of pages whose time flags (expired, upcoming)
    /// flipped since the last build, and the site and section values.
    pub fn refresh(&mut self, site: &Site, changed: &[usize]) {
        let mut stale: Vec<usize> = changed.to_vec();
        for index in 0..site.pages.len() {
            let flags = time_flags(site, index);
            if self.time_flags[index] != flags {
                self.time_flags[index] = flags;
                stale.push(index);
            }
        }
        stale.sort_unstable();
        stale.dedup();
        let fresh: Vec<(usize, (tera::Value, u64, u64))> =
            stale.par_iter().map(|&i| (i, card_of(site, i))).collect();
        for (index, (card, card_hash, full_hash)) in fresh {
            self.cards[index] = card;
            self.card_hashes[index] = card_hash;
            self.full_hashes[index] = full_hash;
        }
        self.refresh_site_and_sections(site);
    }

    fn refresh_site_and_sections(&mut self, site: &Site) {
        let value = site_value(site);
        self.site_hash = hash_json(&value);
        self.site = tera::Value::from_serializable(&value);
        self.sections.clear();
        self.section_hashes.clear();
        self.section_briefs.clear();
        self.section_brief_hashes.clear();
        for section in &site.sections {
            let value = section_value(site, section);
            self.section_hashes.push(hash_json(&value));
            self.sections.push(tera::Value::from_serializable(&value));
            let brief = section_brief(site, section);
            self.section_brief_hashes.push(hash_json(&brief));
            self.section_briefs
                .push(tera::Value::from_serializable(&brief));
        }
    }
}

/// What one HTML file shows: everything its context is made from.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Output path (`events/a/index.html`).
    pub output: String,
    /// Template name.
    pub template: String,
    /// What it comes from, for error messages.
    source: Source,
    current_path: String,
    /// The section shown whole (lists).
    section: Option<usize>,
    /// The section shown as a brief reference (a page's own section):
    /// without its page count or body, so adding a page to a section does
    /// not change every page in it.
    section_brief: Option<usize>,
    page: Option<usize>,
    lists: Vec<(&'static str, Vec<usize>)>,
    extras: Vec<Extra>,
}

/// Where a file comes from, named in error messages only (formatting a
/// path for every file on every rebuild would cost more than the rebuild).
#[derive(Debug, Clone, Copy)]
enum Source {
    Page(usize),
    Section(usize),
    Tag(usize),
    Named(&'static str),
}

impl Source {
    fn describe(self, site: &Site) -> String {
        match self {
            Source::Page(index) => site.pages[index].file.display().to_string(),
            Source::Section(index) => site.sections[index].file.display().to_string(),
            Source::Tag(index) => format!("tag `{}`", site.tags[index].name),
            Source::Named(name) => name.to_string(),
        }
    }
}

/// Values a file shows besides cards, kept as plain numbers until the file
/// is rendered: building a paginator's JSON for every pager of a big tag on
/// every rebuild would cost more than the rebuild itself.
#[derive(Debug, Clone)]
enum Extra {
    /// `paginator` for pager `number` of `total` of the list at `list_path`.
    Paginator {
        list_path: String,
        number: usize,
        total: usize,
    },
    /// `term`: a tag (index into `Site::tags`).
    Term(usize),
    /// `terms`: every tag.
    Terms,
}

impl Extra {
    fn hash_into(&self, site: &Site, hasher: &mut Fingerprint) {
        let hash_tag = |index: usize, hasher: &mut Fingerprint| {
            let tag = &site.tags[index];
            (&tag.name, &tag.slug, tag.pages.len()).hash(hasher);
        };
        match self {
            Extra::Paginator {
                list_path,
                number,
                total,
            } => (0u8, list_path, number, total).hash(hasher),
            Extra::Term(index) => {
                1u8.hash(hasher);
                hash_tag(*index, hasher);
            }
            Extra::Terms => {
                (2u8, site.tags.len()).hash(hasher);
                (0..site.tags.len()).for_each(|i| hash_tag(i, hasher));
            }
        }
    }

    fn insert_into(&self, site: &Site, context: &mut Context) {
        match self {
            Extra::Paginator {
                list_path,
                number,
                total,
            } => context.insert("paginator", &paginator(site, list_path, *number, *total)),
            Extra::Term(index) => context.insert("term", &tag_term(site, *index)),
            Extra::Terms => {
                let terms: Vec<Value> = (0..site.tags.len()).map(|i| tag_term(site, i)).collect();
                context.insert("terms", &terms);
            }
        }
    }
}

impl Selection {
    fn new(output: String, template: String, source: Source, current_path: &str) -> Selection {
        Selection {
            output,
            template,
            source,
            current_path: current_path.to_string(),
            section: None,
            section_brief: None,
            page: None,
            lists: Vec::new(),
            extras: Vec::new(),
        }
    }

    /// Whether the file is a page's own (not a list, the home page or a tag).
    pub fn is_page(&self) -> bool {
        self.page.is_some()
    }

    /// A hash of everything the file is made from: the template (as
    /// `template_version`, which covers the templates it uses), the site
    /// value, its section, its page and every card it lists.
    pub fn signature(&self, site: &Site, shared: &Shared, template_version: u64) -> u64 {
        let mut hasher = fingerprint();
        template_version.hash(&mut hasher);
        self.template.hash(&mut hasher);
        self.output.hash(&mut hasher);
        self.current_path.hash(&mut hasher);
        shared.site_hash.hash(&mut hasher);
        self.section
            .map(|s| shared.section_hashes[s])
            .hash(&mut hasher);
        self.section_brief
            .map(|s| shared.section_brief_hashes[s])
            .hash(&mut hasher);
        self.page.map(|p| shared.full_hashes[p]).hash(&mut hasher);
        for (name, pages) in &self.lists {
            name.hash(&mut hasher);
            pages.len().hash(&mut hasher);
            for &page in pages {
                shared.card_hashes[page].hash(&mut hasher);
            }
        }
        for extra in &self.extras {
            extra.hash_into(site, &mut hasher);
        }
        hasher.finish()
    }

    fn context(&self, site: &Site, shared: &Shared) -> Context {
        let mut context = Context::new();
        context.insert_value("site", shared.site.clone());
        context.insert("current_path", &self.current_path);
        if let Some(section) = self.section {
            context.insert_value("section", shared.sections[section].clone());
        }
        if let Some(section) = self.section_brief {
            context.insert_value("section", shared.section_briefs[section].clone());
        }
        if let Some(index) = self.page {
            context.insert_value(
                "page",
                page_full(site, &site.pages[index], &shared.cards[index]),
            );
        }
        for (name, pages) in &self.lists {
            let cards: Vec<tera::Value> = pages.iter().map(|&i| shared.cards[i].clone()).collect();
            context.insert_value(*name, tera::Value::from(cards));
        }
        for extra in &self.extras {
            extra.insert_into(site, &mut context);
        }
        context
    }
}

/// A rendered file and what it used besides its selection.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file.
    pub output: Output,
    /// Processed photos it refers to (its own pictures and whatever its
    /// template asked for with `resize_image`), to publish with it.
    pub photos: Vec<String>,
}

/// Renders one selected file.
pub fn render_selection(
    site: &Site,
    shared: &Shared,
    tera: &Tera,
    selection: &Selection,
) -> Result<Rendered, Error> {
    let context = selection.context(site, shared);
    let html = tera.render(&selection.template, &context).map_err(|err| {
        let mut error = template_error(&err);
        error.message = format!(
            "while rendering {} with `{}`: {}",
            selection.source.describe(site),
            selection.template,
            error.message
        );
        error.with_hint("the theme or the site's templates/ has a mistake; if you did not change templates, report this")
    })?;
    let mut photos = crate::images::referenced_outputs(html.as_bytes());
    photos.sort_unstable();
    photos.dedup();
    Ok(Rendered {
        output: Output {
            path: selection.output.clone(),
            bytes: html.into_bytes(),
        },
        photos,
    })
}

/// Every HTML file the site has.
pub fn plan(site: &Site) -> Vec<Target> {
    let mut targets = vec![Target::Home, Target::TagIndex, Target::NotFound];
    for (index, section) in site.sections.iter().enumerate().skip(1) {
        let total = section.pages.len().div_ceil(section.paginate_by).max(1);
        targets.extend((1..=total).map(|number| Target::SectionPager {
            section: index,
            number,
            total,
        }));
    }
    targets.extend((0..site.pages.len()).map(Target::Page));
    let per_pager = site.config.paginate_by.max(1);
    for (index, tag) in site.tags.iter().enumerate() {
        let total = tag.pages.len().div_ceil(per_pager).max(1);
        targets.extend((1..=total).map(|number| Target::Tag {
            tag: index,
            number,
            total,
        }));
    }
    targets
}

/// Lists several files need, computed once per build instead of once per
/// file: what each community page lists.
#[derive(Debug, Default)]
pub struct Lookup {
    community_lists: std::collections::HashMap<usize, Vec<(&'static str, Vec<usize>)>>,
}

/// The page types a community page lists, with their context names.
const COMMUNITY_LISTS: [(&str, PageType); 5] = [
    ("stories", PageType::Story),
    ("families", PageType::Family),
    ("events", PageType::Event),
    ("stations", PageType::Station),
    ("notices", PageType::Notice),
];

impl Lookup {
    /// Walks the site's pages once.
    pub fn new(site: &Site) -> Lookup {
        let mut community_lists: std::collections::HashMap<usize, Vec<(&'static str, Vec<usize>)>> =
            site.communities
                .iter()
                .map(|&c| {
                    (
                        c,
                        COMMUNITY_LISTS
                            .iter()
                            .map(|(name, _)| (*name, Vec::new()))
                            .collect(),
                    )
                })
                .collect();
        for (slot, (_, page_type)) in COMMUNITY_LISTS.iter().enumerate() {
            for (index, page) in site.pages_of_type(*page_type) {
                if let Some(lists) = page.community.and_then(|c| community_lists.get_mut(&c)) {
                    lists[slot].1.push(index);
                }
            }
        }
        Lookup { community_lists }
    }
}

/// What `target` shows.
pub fn select(site: &Site, lookup: &Lookup, target: Target) -> Selection {
    match target {
        Target::Home => home_selection(site),
        Target::SectionPager {
            section,
            number,
            total,
        } => section_selection(site, section, number, total),
        Target::Page(index) => page_selection(site, lookup, index),
        Target::TagIndex => tag_index_selection(),
        Target::Tag { tag, number, total } => tag_selection(site, tag, number, total),
        Target::NotFound => Selection::new(
            "404.html".into(),
            "404.html".into(),
            Source::Named("404"),
            "",
        ),
    }
}

fn home_selection(site: &Site) -> Selection {
    let of_type = |t: PageType| -> Vec<usize> { site.pages_of_type(t).map(|(i, _)| i).collect() };
    let latest = |t: PageType| -> Vec<usize> {
        site.pages_of_type(t)
            .map(|(i, _)| i)
            .take(HOME_LIST_LEN)
            .collect()
    };
    let mut selection = Selection::new(
        "index.html".into(),
        template_or(&site.home().meta.template, "index.html"),
        Source::Section(0),
        "",
    );
    selection.section = Some(0);
    selection.lists = vec![
        ("stories", latest(PageType::Story)),
        ("families", latest(PageType::Family)),
        ("upcoming_events", upcoming_events(site)),
        ("recent_events", recent_events(site)),
        ("notices", current_notices(site)),
        ("stations", of_type(PageType::Station)),
        ("communities", site.communities.clone()),
    ];
    selection
}

/// Events still to come, soonest first.
pub fn upcoming_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[a].date.cmp(&site.pages[b].date));
    events.truncate(HOME_LIST_LEN);
    events
}

fn recent_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| !is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[b].date.cmp(&site.pages[a].date));
    events.truncate(HOME_LIST_LEN);
    events
}

/// Notices not yet expired, urgent ones first, newest first.
pub fn current_notices(site: &Site) -> Vec<usize> {
    let mut notices: Vec<usize> = site
        .pages_of_type(PageType::Notice)
        .filter(|(_, p)| !is_expired(site, p))
        .map(|(i, _)| i)
        .collect();
    notices.sort_by(|&a, &b| {
        let (a, b) = (&site.pages[a], &site.pages[b]);
        b.meta
            .urgent
            .cmp(&a.meta.urgent)
            .then_with(|| b.date.cmp(&a.date))
    });
    notices
}

fn template_or(chosen: &Option<String>, default: &str) -> String {
    chosen.clone().unwrap_or_else(|| default.to_string())
}

/// The slice of `pages` pager `number` shows.
fn pager_slice(pages: &[usize], per_pager: usize, number: usize) -> Vec<usize> {
    let start = ((number - 1) * per_pager).min(pages.len());
    let end = (start + per_pager).min(pages.len());
    pages[start..end].to_vec()
}

fn section_selection(site: &Site, index: usize, number: usize, total: usize) -> Selection {
    let section = &site.sections[index];
    let mut selection = Selection::new(
        format!("{}index.html", pager_path(&section.path, number)),
        template_or(&section.meta.template, "section.html"),
        Source::Section(index),
        &section.path,
    );
    selection.section = Some(index);
    selection.lists = vec![(
        "pages",
        pager_slice(&section.pages, section.paginate_by, number),
    )];
    selection.extras = vec![Extra::Paginator {
        list_path: section.path.clone(),
        number,
        total,
    }];
    selection
}

/// `events/` for the first page, `events/page/2/` after it.
fn pager_path(list_path: &str, number: usize) -> String {
    if number == 1 {
        list_path.to_string()
    } else {
        format!("{list_path}page/{number}/")
    }
}

fn paginator(site: &Site, list_path: &str, number: usize, total: usize) -> Value {
    let url = |n: usize| site.config.url_path(&pager_path(list_path, n));
    let pagers: Vec<Value> = (1..=total)
        .map(|n| json!({"number": n, "url": url(n), "current": n == number}))
        .collect();
    json!({
        "current": number,
        "total": total,
        "previous": (number > 1).then(|| url(number - 1)),
        "next": (number < total).then(|| url(number + 1)),
        "first": url(1),
        "last": url(total),
        "pagers": pagers,
    })
}

fn page_selection(site: &Site, lookup: &Lookup, index: usize) -> Selection {
    let page = &site.pages[index];
    let section = &site.sections[page.section];
    let default = format!("{}.html", page.page_type.name());
    let template = page
        .meta
        .template
        .clone()
        .or_else(|| section.meta.page_template.clone())
        .unwrap_or(default);
    let mut selection = Selection::new(
        format!("{}index.html", page.path),
        template,
        Source::Page(index),
        &page.path,
    );
    selection.page = Some(index);
    selection.section_brief = Some(page.section);
    if let Some(lists) = lookup.community_lists.get(&index) {
        selection.lists = lists.clone();
    }
    selection
}

fn tag_path(site: &Site, index: usize) -> String {
    format!("tags/{}/", site.tags[index].slug)
}

fn tag_term(site: &Site, index: usize) -> Value {
    let tag = &site.tags[index];
    json!({
        "name": tag.name,
        "slug": tag.slug,
        "url": site.config.url_path(&tag_path(site, index)),
        "count": tag.pages.len(),
    })
}

fn tag_index_selection() -> Selection {
    let mut selection = Selection::new(
        "tags/index.html".into(),
        "tags.html".into(),
        Source::Named("tags"),
        "tags/",
    );
    selection.extras = vec![Extra::Terms];
    selection
}

/// A tag's list is paginated like a section's, so a tag on thousands of
/// pages neither makes a page residents cannot load on a phone nor costs
/// more to rebuild than the pager an edit touched.
fn tag_selection(site: &Site, index: usize, number: usize, total: usize) -> Selection {
    let path = tag_path(site, index);
    let mut selection = Selection::new(
        format!("{}index.html", pager_path(&path, number)),
        "tag.html".into(),
        Source::Tag(index),
        &path,
    );
    selection.lists = vec![(
        "pages",
        pager_slice(
            &site.tags[index].pages,
            site.config.paginate_by.max(1),
            number,
        ),
    )];
    selection.extras = vec![
        Extra::Term(index),
        Extra::Paginator {
            list_path: path,
            number,
            total,
        },
    ];
    selection
}
