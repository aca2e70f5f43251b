//! `Site::load`: reads `content/` once into plain data (sections, pages,
//! communities, tags), checks it, renders the Markdown, and reports every
//! problem found. After loading, nothing reads the content folder again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use jiff::ZonedDateTime;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::bodies::{record_spool, render_all, spool_for};
use crate::content::communities;
use crate::content::discover::{self, PageSource, SectionSource};
use crate::content::frontmatter::{self, PageFrontMatter};
use crate::content::kept_meta::KeptMeta;
pub use crate::content::load_options::LoadOptions;
pub use crate::content::order::TagTerm;
use crate::content::order::{attach_pages, collect_tags};
use crate::content::sections::fallback_section;
use crate::content::urls::{check_menu_targets, check_unique_paths, link_targets, slug_of};
use crate::content::{self, Page, PageType, Section};
use crate::error::{Error, Errors};
use crate::images;
use crate::markdown::{self, Rendered};
use crate::spool::Spool;
use crate::timings::Timings;

/// A loaded, checked site: the input of rendering.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// `linju.yaml`.
    pub config: Config,
    /// The build's "now".
    pub now: ZonedDateTime,
    /// Sections; index 0 is the home page (`content/_index.md`).
    pub sections: Vec<Section>,
    /// Published pages.
    pub pages: Vec<Page>,
    /// Community pages (indexes into `pages`), by title.
    pub communities: Vec<usize>,
    /// Tags, by name.
    pub tags: Vec<TagTerm>,
    /// Where `@/` links lead: source keys (`events/a.md`, a bundle's
    /// folder, `events/_index.md`) to URL paths.
    pub link_targets: HashMap<String, String>,
    /// The earliest `publish` time of a page held back because it is still
    /// to come, with that page's title: once that time passes, the site
    /// must be loaded again.
    pub held_back_until: Option<(ZonedDateTime, String)>,
    /// Where the pages' rendered bodies were spooled, if they were: the
    /// build must not publish if one could not be read back.
    pub spool: Option<Arc<Spool>>,
    /// How long loading took: reading and checking the files, rendering
    /// their Markdown, sorting the lists.
    pub load_timings: Timings,
}

/// A previous load to take unchanged pages from, and what changed since.
pub struct Reuse<'a> {
    /// The last good site.
    pub site: &'a Site,
    /// Files changed since (absolute).
    pub changed: &'a [PathBuf],
}

/// Every page of `sources` but those of `failed` sections: taken from
/// the last load when `reuse` has it unchanged, read otherwise (with the
/// front matter a last one-off build kept, if the load keeps any).
fn load_pages(
    (root, config, sections): (&Path, &Config, &[Section]),
    (sources, failed): (&[PageSource], &HashSet<String>),
    reuse: Option<(&Reuse<'_>, &HashMap<&str, &Page>)>,
    options: &LoadOptions,
) -> Vec<(Result<Loaded, Vec<Error>>, bool)> {
    let kept_meta = options
        .keep_for_next
        .then(|| KeptMeta::open(root))
        .flatten();
    let loaded = sources
        .par_iter()
        .filter(|source| !failed.contains(&source.section_key))
        .map(|source| {
            let kept = reuse.and_then(|(r, previous)| reusable(r, previous, source, sections));
            match kept {
                Some((old, section)) => reused_page(old, section),
                None => {
                    let kept = kept_meta.as_ref();
                    let page = load_page(root, config, sections, source, (options, kept));
                    (page, false)
                }
            }
        })
        .collect();
    if let Some(kept_meta) = kept_meta {
        kept_meta.finish();
    }
    loaded
}

/// The previous page for `source` and its new section index, if nothing
/// it was made from changed: its file, the files beside it (photos, which
/// its cover and images depend on), its section's type and path, its
/// bundle's files.
fn reusable<'a>(
    reuse: &Reuse<'a>,
    previous: &HashMap<&str, &'a Page>,
    source: &PageSource,
    sections: &[Section],
) -> Option<(&'a Page, usize)> {
    let old = previous.get(source.key.as_str())?;
    let folder = source.file.parent()?;
    let is_bundle = source.bundle_assets.is_some();
    let touched = reuse.changed.iter().any(|changed| {
        changed == &source.file
            || (is_bundle && changed.starts_with(folder))
            || (changed.parent() == Some(folder) && changed.extension().is_none_or(|e| e != "md"))
    });
    if touched {
        return None;
    }
    let section = sections
        .iter()
        .position(|s| s.source_key == discover::section_index_key(&source.section_key))
        .unwrap_or(0);
    let (new, old_section) = (&sections[section], &reuse.site.sections[old.section]);
    let same_place = new.page_type == old_section.page_type && new.path == old_section.path;
    let same_files = old.assets == source.bundle_assets.clone().unwrap_or_default();
    (same_place && same_files).then_some((*old, section))
}

/// A page taken from the previous load into section `section`; its
/// Markdown is current unless it has `@/` links, whose targets may move.
fn reused_page(old: &Page, section: usize) -> (Result<Loaded, Vec<Error>>, bool) {
    let mut page = old.clone();
    page.section = section;
    page.community = None;
    let rendered_current = !page.body.contains("@/");
    (Ok(Loaded::Page(Box::new(page))), rendered_current)
}

/// The pages a load kept (with whether each one's Markdown is current),
/// and the earliest time a held-back page is due; errors go to `errors`.
fn sort_out(
    loaded: Vec<(Result<Loaded, Vec<Error>>, bool)>,
    errors: &mut Errors,
) -> (Vec<Page>, Vec<bool>, Option<(ZonedDateTime, String)>) {
    // Exactly sized: a page is 2 KB before its strings, and a vector
    // grown by doubling would hold up to twice the pages' room.
    let mut pages = Vec::with_capacity(loaded.len());
    let mut rendered_current = Vec::with_capacity(loaded.len());
    let mut held_back_until: Option<(ZonedDateTime, String)> = None;
    for (result, current) in loaded {
        match result {
            Ok(Loaded::Page(page)) => {
                pages.push(*page);
                rendered_current.push(current);
            }
            Ok(Loaded::Draft) => {}
            Ok(Loaded::Future(time, title)) => {
                if held_back_until.as_ref().is_none_or(|(t, _)| time < *t) {
                    held_back_until = Some((time, title));
                }
            }
            Err(page_errors) => page_errors.into_iter().for_each(|e| errors.push(e)),
        }
    }
    (pages, rendered_current, held_back_until)
}

/// A page file's outcome.
pub(super) enum Loaded {
    Page(Box<Page>),
    Draft,
    /// Held back until this time (with its title).
    Future(ZonedDateTime, String),
}

impl Site {
    /// Loads the site in `root` with `config`.
    pub fn load(root: &Path, config: Config, options: &LoadOptions) -> Result<Site, Errors> {
        Site::load_reusing(root, config, options, None)
    }

    /// Loads the site again after files were added, removed or renamed,
    /// taking from `reuse` every page whose file, folder and section did
    /// not change (its Markdown too, unless it has `@/` links, whose
    /// targets may have moved). The result is what [`Site::load`] gives.
    pub fn load_reusing(
        root: &Path,
        config: Config,
        options: &LoadOptions,
        reuse: Option<Reuse<'_>>,
    ) -> Result<Site, Errors> {
        let started = Instant::now();
        let mut timings = Timings::default();
        let content_dir = root.join("content");
        let found = discover::discover(&content_dir)?;
        let mut errors = Errors::default();
        let (mut sections, failed_sections) =
            load_sections(root, &config, &found.sections, &mut errors);
        let previous = pages_by_key(reuse.as_ref());
        let (rows, row_errors) = super::sheets::row_sources(root, &config, &sections);
        errors.0.extend(row_errors);
        let mut found = found;
        found.pages.extend(rows);
        // A section whose `_index.md` failed says nothing reliable about
        // its pages (their type, their order): checking them against a
        // guess would bury the cause under errors that follow from it.
        let loaded = load_pages(
            (root, &config, &sections),
            (&found.pages, &failed_sections),
            reuse.as_ref().map(|r| (r, &previous)),
            options,
        );
        let (mut pages, rendered_current, held_back_until) = sort_out(loaded, &mut errors);
        if !failed_sections.is_empty() {
            // Links and communities into the missing pages would fail too.
            return Err(errors);
        }
        check_unique_paths(&sections, &pages, &config.base_path, &mut errors);
        let communities = communities::link_communities(&mut pages, &mut errors);
        let link_targets = link_targets(&config, &sections, &pages);
        errors
            .0
            .extend(check_menu_targets(&config, root, &link_targets));
        timings.record("read", started.elapsed());
        let markdown = Instant::now();
        let spool = spool_for(root, options, pages.len());
        render_all(
            root,
            &config,
            &link_targets,
            (options, spool.as_ref()),
            &mut sections,
            (&mut pages, &rendered_current),
            &mut errors,
        );
        timings.record("markdown", markdown.elapsed());
        record_spool(&mut timings, spool.as_ref());
        let lists = Instant::now();
        attach_pages(&mut sections, &mut pages);
        let tags = collect_tags(&pages);
        timings.record("lists", lists.elapsed());
        let site = Site {
            root: root.to_path_buf(),
            config,
            now: options.now.clone(),
            sections,
            pages,
            communities,
            tags,
            link_targets,
            held_back_until,
            spool,
            load_timings: timings,
        };
        errors.into_result(site)
    }

    /// The home section.
    pub fn home(&self) -> &Section {
        &self.sections[0]
    }

    /// Pages of one type, in their section's order.
    pub fn pages_of_type(&self, page_type: PageType) -> impl Iterator<Item = (usize, &Page)> {
        self.sections
            .iter()
            .filter(move |s| s.page_type == page_type)
            .flat_map(|s| s.pages.iter())
            .map(|&i| (i, &self.pages[i]))
    }
}

/// The pages of the site a reload reuses from, by source key.
fn pages_by_key<'a>(reuse: Option<&Reuse<'a>>) -> HashMap<&'a str, &'a Page> {
    reuse
        .map(|r| {
            r.site
                .pages
                .iter()
                .map(|p| (p.source_key.as_str(), p))
                .collect()
        })
        .unwrap_or_default()
}

fn relative_file(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

fn read(root: &Path, file: &Path) -> Result<String, Error> {
    crate::fs::read_text(file, &relative_file(root, file))
}

/// The sections, and the keys of those whose `_index.md` (or a parent's)
/// failed to load.
fn load_sections(
    root: &Path,
    config: &Config,
    sources: &[SectionSource],
    errors: &mut Errors,
) -> (Vec<Section>, HashSet<String>) {
    let mut sections: Vec<Section> = Vec::with_capacity(sources.len());
    let mut failed: HashSet<String> = HashSet::new();
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for source in sources {
        let parent = (!source.key.is_empty())
            .then(|| {
                by_key
                    .get(discover::parent_key(&source.key).as_str())
                    .copied()
            })
            .flatten();
        let inherited = parent.map_or(PageType::Page, |p| sections[p].page_type);
        let parent_failed =
            failed.contains(&discover::parent_key(&source.key)) && !source.key.is_empty();
        let section = errors
            .keep(load_section(
                root, config, source, parent, inherited, &sections,
            ))
            .filter(|_| !parent_failed)
            .unwrap_or_else(|| {
                failed.insert(source.key.clone());
                fallback_section(root, config, source, parent, inherited, &sections)
            });
        by_key.insert(&source.key, sections.len());
        if let Some(p) = parent {
            let index = sections.len();
            sections[p].subsections.push(index);
        }
        sections.push(section);
    }
    (sections, failed)
}

fn load_section(
    root: &Path,
    config: &Config,
    source: &SectionSource,
    parent: Option<usize>,
    inherited: PageType,
    sections: &[Section],
) -> Result<Section, Error> {
    let mut section = fallback_section(root, config, source, parent, inherited, sections);
    let Some(index) = &source.index else {
        return Ok(section);
    };
    let file = relative_file(root, index);
    let text = read(root, index)?;
    let split = frontmatter::split(&file, &text)?;
    let meta = frontmatter::parse_section(&file, split.yaml)?;
    let (page_type, sort_by) = content::check_section_meta(&file, split.yaml, &meta, inherited)?;
    section.title = meta.title.clone().unwrap_or(section.title);
    section.page_type = page_type;
    section.sort_by = sort_by;
    section.paginate_by = meta.paginate_by.unwrap_or(config.paginate_by);
    section.file = file;
    section.body = split.body.to_string();
    section.body_line = split.body_line;
    section.meta = meta;
    Ok(section)
}

pub(super) fn load_page(
    root: &Path,
    config: &Config,
    sections: &[Section],
    source: &PageSource,
    (options, kept): (&LoadOptions, Option<&KeptMeta>),
) -> Result<Loaded, Vec<Error>> {
    if let Some(origin) = &source.row {
        let loaded = load_page_text(
            root,
            config,
            sections,
            (source, &origin.text),
            (options, kept),
        );
        return loaded.map_err(|errors| super::sheets::at_cells(errors, origin));
    }
    let text = read(root, &source.file).map_err(|e| vec![e])?;
    load_page_text(root, config, sections, (source, &text), (options, kept))
}

fn load_page_text(
    root: &Path,
    config: &Config,
    sections: &[Section],
    (source, text): (&PageSource, &str),
    (options, kept): (&LoadOptions, Option<&KeptMeta>),
) -> Result<Loaded, Vec<Error>> {
    let file = relative_file(root, &source.file);
    let split = frontmatter::split(&file, text).map_err(|e| vec![e])?;
    let parse = || frontmatter::parse_page(&file, split.yaml);
    let meta = match kept {
        Some(kept) => kept.parse(split.yaml, parse),
        None => parse(),
    }
    .map_err(|e| vec![e])?;
    let section_index = sections
        .iter()
        .position(|s| s.source_key == discover::section_index_key(&source.section_key))
        .unwrap_or(0);
    let section = &sections[section_index];
    let mut errors = content::check_page_meta(&file, split.yaml, &meta, section);
    let bundle = source.bundle_assets.as_deref();
    errors.extend(content::screen_fields::check(
        &file, split.yaml, &meta, bundle,
    ));
    if !errors.is_empty() {
        return Err(errors);
    }
    let zone = &config.timezone;
    let zoned = |d: &Option<crate::dates::DateInput>| d.as_ref().map(|d| d.in_zone(zone));
    let publish = zoned(&meta.publish);
    if meta.draft && !options.drafts {
        return Ok(Loaded::Draft);
    }
    if let Some(publish) = publish
        .as_ref()
        .filter(|p| **p > options.now && !options.future)
    {
        return Ok(Loaded::Future(
            publish.clone(),
            meta.title.clone().unwrap_or_default(),
        ));
    }
    let slug = slug_of(&meta, &source.stem);
    let path = format!("{}{}/", section.path, slug);
    let cover_image = cover_picture(&source.file, &file, split.yaml, &meta, options)?;
    Ok(Loaded::Page(Box::new(Page {
        file,
        source_key: source.key.clone(),
        stem: source.stem.clone(),
        section: section_index,
        page_type: section.page_type,
        title: meta.title.clone().unwrap_or_default(),
        slug,
        path,
        date: zoned(&meta.date),
        updated: zoned(&meta.updated),
        publish,
        expires: zoned(&meta.expires),
        end: zoned(&meta.end),
        body: Arc::from(split.body),
        meta_hash: crate::hash::hash_bytes(split.yaml.as_bytes()),
        body_line: split.body_line,
        assets: source.bundle_assets.clone().unwrap_or_default(),
        community: None,
        rendered: Rendered::default(),
        community_line: content::key_line(split.yaml, "community"),
        cover_image,
        is_bundle: source.bundle_assets.is_some(),
        numbers: if source.file.extension().is_some_and(|e| e == "md") {
            content::privacy::numbers_of_file(text)
        } else {
            Vec::new()
        },
        meta: Arc::new(meta),
    })))
}

/// The processed versions of a page's `cover:` photo beside it.
fn cover_picture(
    source_file: &Path,
    file: &Path,
    yaml: &str,
    meta: &PageFrontMatter,
    options: &LoadOptions,
) -> Result<Option<images::Picture>, Vec<Error>> {
    let (Some(images), Some(cover)) = (options.images.as_deref(), meta.cover.as_deref()) else {
        return Ok(None);
    };
    if !markdown::is_relative(cover) || !images::is_raster(cover) {
        return Ok(None);
    }
    let dir = source_file.parent().unwrap_or(source_file);
    images
        .picture(&dir.join(cover.trim_start_matches("./")))
        .map(Some)
        .map_err(|problem| vec![problem.at(file, content::key_line(yaml, "cover"))])
}
