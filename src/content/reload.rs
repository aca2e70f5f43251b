//! Loading again after an edit: re-reading edited pages in place when
//! nothing else can have moved. (When the whole content must be loaded
//! again, `Site::load_reusing` takes unchanged pages from the last load.)

use std::path::{Path, PathBuf};

use crate::content::communities;
use crate::content::discover::PageSource;
use crate::content::frontmatter::PageFrontMatter;
use std::cmp::Ordering;

use crate::content::bodies::{BodySource, render_body, store_rendered};
use crate::content::order::{attach_pages, collect_tags, compare_pages};
use crate::content::site::{LoadOptions, Loaded, Site, load_page};
use crate::content::{Page, PageType, SortBy};
use crate::error::Errors;
use crate::slugs;

/// What [`Site::reload_pages`] could do.
#[derive(Debug)]
pub enum Reload {
    /// The pages were replaced in place.
    Done(Reloaded),
    /// The edit moved more than page contents (a URL, a section, a draft
    /// flag, a community's name...): load the whole site again.
    NeedsFullLoad,
}

/// Pages re-read in place.
#[derive(Debug)]
pub struct Reloaded {
    /// The indexes of the pages that were read again.
    pub changed: Vec<usize>,
    /// Whether every one kept its community, bundle files, cover, photos
    /// and front matter (but for fields only its own card, search entry,
    /// slide and calendar show, such as `summary` or `address`): only its
    /// body and those fields changed, so no list, order, address, count,
    /// schedule or photo of the site moved.
    pub nothing_moved: bool,
}

impl Site {
    /// Re-reads the page files `files` (absolute paths) in place, when an
    /// edit changed only what those pages say: the fast path of a rebuild.
    /// Any edit that could move other pages asks for a full load instead.
    /// On error the site is left as it was.
    pub fn reload_pages(
        &mut self,
        files: &[PathBuf],
        options: &LoadOptions,
    ) -> Result<Reload, Errors> {
        self.now = options.now.clone();
        if self
            .held_back_until
            .as_ref()
            .is_some_and(|(t, _)| *t <= options.now)
        {
            return Ok(Reload::NeedsFullLoad);
        }
        let mut fresh: Vec<(usize, Page)> = Vec::new();
        let mut errors = Errors::default();
        for file in files {
            let Some(index) = self.page_index_of(file) else {
                return Ok(Reload::NeedsFullLoad);
            };
            let source = self.source_of(index);
            match load_page(
                &self.root,
                &self.config,
                &self.sections,
                &source,
                (options, None),
            ) {
                Ok(Loaded::Page(page)) => fresh.push((index, *page)),
                Ok(Loaded::Draft | Loaded::Future(..)) => return Ok(Reload::NeedsFullLoad),
                Err(page_errors) => page_errors.into_iter().for_each(|e| errors.push(e)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for (index, page) in &mut fresh {
            if self.moves_others(*index, page) {
                return Ok(Reload::NeedsFullLoad);
            }
            self.link_and_render(page, options, &mut errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut order_may_change = false;
        let mut nothing_moved = true;
        let mut changed = Vec::with_capacity(fresh.len());
        for (index, page) in fresh {
            let old = &self.pages[index];
            // A new title that sorts into the same place moves nothing:
            // lists order by title only among pages of the same date or
            // weight, or in sections sorted by title.
            let title_in_place = page.title == old.title || self.keeps_place(index, &page);
            let standing = |p: &Page| standing_meta(&p.meta, title_in_place);
            order_may_change |= standing(&page) != standing(old);
            nothing_moved &= title_in_place && same_standing(&page, old);
            self.pages[index] = page;
            changed.push(index);
        }
        if order_may_change {
            for section in &mut self.sections {
                section.pages.clear();
            }
            attach_pages(&mut self.sections, &mut self.pages);
            self.tags = collect_tags(&self.pages);
        }
        Ok(Reload::Done(Reloaded {
            changed,
            nothing_moved,
        }))
    }

    /// Whether `page`, replacing page `index` with another title, still
    /// sorts strictly between its neighbours in its section's list and in
    /// the list of each of its tags (a tie is not trusted: among equals the
    /// order is the pages' own).
    fn keeps_place(&self, index: usize, page: &Page) -> bool {
        let between = |list: &[usize], sort_by: SortBy| {
            let Some(position) = list.iter().position(|&i| i == index) else {
                return false;
            };
            let before = position.checked_sub(1).map(|p| &self.pages[list[p]]);
            let after = list.get(position + 1).map(|&n| &self.pages[n]);
            before.is_none_or(|b| compare_pages(b, page, sort_by) == Ordering::Less)
                && after.is_none_or(|a| compare_pages(page, a, sort_by) == Ordering::Less)
        };
        let section = &self.sections[page.section];
        between(&section.pages, section.sort_by)
            && page.meta.tags.iter().all(|tag| {
                let slug = slugs::slugify(tag);
                self.tags
                    .iter()
                    .find(|term| term.slug == slug)
                    .is_some_and(|term| between(&term.pages, SortBy::Date))
            })
    }

    /// Whether replacing page `index` by `page` could move other pages: a
    /// new URL or section, or a community renamed (its members link to it).
    fn moves_others(&self, index: usize, page: &Page) -> bool {
        let old = &self.pages[index];
        let moved = page.path != old.path || page.section != old.section;
        let renamed_community = old.page_type == PageType::Community
            && (page.title != old.title || page.slug != old.slug);
        moved || renamed_community
    }

    /// Resolves a re-read page's community and renders its Markdown with
    /// the site's link targets.
    fn link_and_render(&self, page: &mut Page, options: &LoadOptions, errors: &mut Errors) {
        page.community = page.meta.community.as_deref().and_then(|wanted| {
            let found = communities::find(&self.pages, &self.communities, wanted);
            if found.is_none() {
                errors.push(communities::unknown(
                    page,
                    wanted,
                    &self.pages,
                    &self.communities,
                ));
            }
            found
        });
        let base = self
            .config
            .url_path(page.asset_base(&self.sections[page.section].path));
        let resolve = |target: &str| self.link_targets.get(target.trim_end_matches('/')).cloned();
        let source = BodySource::new(&self.root, &page.file, &page.body, page.body_line);
        let html = crate::markdown::HtmlPolicy::for_settings(&self.config.markdown);
        let rendered = render_body(&source, &base, &resolve, options, html.as_ref());
        for error in store_rendered(rendered, &mut page.rendered) {
            errors.push(error);
        }
    }

    /// The index of the page read from `file` (absolute).
    fn page_index_of(&self, file: &Path) -> Option<usize> {
        let relative = file.strip_prefix(&self.root).ok()?;
        // Byte comparison: `Path`'s own compares component by component,
        // which over every page is most of a one-page rebuild.
        let relative = relative.as_os_str();
        self.pages
            .iter()
            .position(|p| p.file.as_os_str() == relative)
    }

    /// Where page `index` was found, as discovery would describe it.
    fn source_of(&self, index: usize) -> PageSource {
        let page = &self.pages[index];
        let section_key = self.sections[page.section]
            .source_key
            .trim_end_matches("_index.md")
            .trim_end_matches('/')
            .to_string();
        PageSource {
            file: self.root.join(&page.file),
            key: page.source_key.clone(),
            section_key,
            stem: page.stem.clone(),
            bundle_assets: page.is_bundle.then(|| page.assets.clone()),
            row: None,
        }
    }
}

/// Whether `page` stands where `old` stood (its title, if it changed,
/// already found to keep its place): the same front matter (so the same
/// dates, tags, address and schedule) but for the fields only its own
/// card, search entry, slide and calendar show, the same community, files,
/// cover and photos. Only the body, those fields and what is made from
/// them may differ.
fn same_standing(page: &Page, old: &Page) -> bool {
    standing_meta(&page.meta, true) == standing_meta(&old.meta, true)
        && page.slug == old.slug
        && page.path == old.path
        && (
            &page.date,
            &page.updated,
            &page.publish,
            &page.expires,
            &page.end,
        ) == (
            &old.date,
            &old.updated,
            &old.publish,
            &old.expires,
            &old.end,
        )
        && page.community == old.community
        && page.assets == old.assets
        && page.cover_image == old.cover_image
        && page.rendered.images == old.rendered.images
}

/// The front matter without the fields nothing orders, groups, counts,
/// schedules or addresses pages by: what the page's own card (and so any
/// list showing it), search entry, slide, station data and calendar entry
/// print of it; and without the title when `title_in_place` (a new title
/// that keeps the page's place in every list).
fn standing_meta(meta: &PageFrontMatter, title_in_place: bool) -> PageFrontMatter {
    let title = if title_in_place {
        None
    } else {
        meta.title.clone()
    };
    PageFrontMatter {
        title,
        summary: None,
        description: None,
        cover_alt: None,
        extra: serde_json::Map::new(),
        occupation: None,
        honors: Vec::new(),
        quote: None,
        motto: None,
        location: None,
        organizer: None,
        address: None,
        phone: None,
        areas: Vec::new(),
        geo: None,
        street: None,
        brand: None,
        ..meta.clone()
    }
}
