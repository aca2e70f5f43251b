//! `Site::load`: reads `content/` once into plain data (sections, pages,
//! communities, tags), checks it, renders the Markdown, and reports every
//! problem found. After loading, nothing reads the content folder again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::ZonedDateTime;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::discover::{self, PageSource, SectionSource};
use crate::content::frontmatter::{self, PageFrontMatter};
use crate::content::{self, Page, PageType, Section, SortBy};
use crate::error::{Error, Errors};
use crate::images::{self, Images};
use crate::markdown::{self, LinkContext, PhotoContext, Rendered};
use crate::slugs;
use crate::suggest;

/// Which pages a build includes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Include `draft: true` pages.
    pub drafts: bool,
    /// Include pages whose `publish` time is still to come.
    pub future: bool,
    /// The time the build acts as if it were.
    pub now: ZonedDateTime,
    /// The photo pipeline; without it images are left as written.
    pub images: Option<Arc<Images>>,
}

/// A tag and the pages carrying it.
#[derive(Debug, Clone)]
pub struct TagTerm {
    /// As written.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Pages, newest first.
    pub pages: Vec<usize>,
}

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
    /// to come: once that time passes, the site must be loaded again.
    pub held_back_until: Option<ZonedDateTime>,
}

/// What [`Site::reload_pages`] could do.
#[derive(Debug)]
pub enum Reload {
    /// The pages were replaced in place; these indexes changed.
    Done(Vec<usize>),
    /// The edit moved more than page contents (a URL, a section, a draft
    /// flag, a community's name...): load the whole site again.
    NeedsFullLoad,
}

/// A previous load to take unchanged pages from, and what changed since.
pub struct Reuse<'a> {
    /// The last good site.
    pub site: &'a Site,
    /// Files changed since (absolute).
    pub changed: &'a [PathBuf],
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
        .position(|s| s.source_key == section_index_key(&source.section_key))
        .unwrap_or(0);
    let (new, old_section) = (&sections[section], &reuse.site.sections[old.section]);
    let same_place = new.page_type == old_section.page_type && new.path == old_section.path;
    let same_files = old.assets == source.bundle_assets.clone().unwrap_or_default();
    (same_place && same_files).then_some((*old, section))
}

/// A page file's outcome.
enum Loaded {
    Page(Box<Page>),
    Draft,
    /// Held back until this time.
    Future(ZonedDateTime),
}

/// Output paths linju writes itself; content may not take them.
const RESERVED_PATHS: [&str; 1] = ["tags/"];

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
        let content_dir = root.join("content");
        let found = discover::discover(&content_dir)?;
        let mut errors = Errors::default();
        let mut sections = load_sections(root, &config, &found.sections, &mut errors);
        let previous: HashMap<&str, &Page> = reuse
            .as_ref()
            .map(|r| {
                r.site
                    .pages
                    .iter()
                    .map(|p| (p.source_key.as_str(), p))
                    .collect()
            })
            .unwrap_or_default();
        let loaded: Vec<(Result<Loaded, Vec<Error>>, bool)> = found
            .pages
            .par_iter()
            .map(|source| {
                let kept = reuse
                    .as_ref()
                    .and_then(|r| reusable(r, &previous, source, &sections));
                match kept {
                    Some((old, section)) => {
                        let mut page = old.clone();
                        page.section = section;
                        page.community = None;
                        let rendered_current = !page.body.contains("@/");
                        (Ok(Loaded::Page(Box::new(page))), rendered_current)
                    }
                    None => (load_page(root, &config, &sections, source, options), false),
                }
            })
            .collect();
        let mut pages = Vec::new();
        let mut rendered_current = Vec::new();
        let mut held_back_until: Option<ZonedDateTime> = None;
        for (result, current) in loaded {
            match result {
                Ok(Loaded::Page(page)) => {
                    pages.push(*page);
                    rendered_current.push(current);
                }
                Ok(Loaded::Draft) => {}
                Ok(Loaded::Future(time)) => {
                    if held_back_until.as_ref().is_none_or(|t| time < *t) {
                        held_back_until = Some(time);
                    }
                }
                Err(page_errors) => page_errors.into_iter().for_each(|e| errors.push(e)),
            }
        }
        check_unique_paths(&sections, &pages, &mut errors);
        let communities = link_communities(&mut pages, &mut errors);
        let link_targets = link_targets(&config, &sections, &pages);
        render_all(
            root,
            &config,
            &link_targets,
            options,
            &mut sections,
            (&mut pages, &rendered_current),
            &mut errors,
        );
        attach_pages(&mut sections, &mut pages);
        let tags = collect_tags(&pages);
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
        };
        errors.into_result(site)
    }

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
            .is_some_and(|t| *t <= options.now)
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
            match load_page(&self.root, &self.config, &self.sections, &source, options) {
                Ok(Loaded::Page(page)) => fresh.push((index, *page)),
                Ok(Loaded::Draft | Loaded::Future(_)) => return Ok(Reload::NeedsFullLoad),
                Err(page_errors) => page_errors.into_iter().for_each(|e| errors.push(e)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for (index, page) in &mut fresh {
            let old = &self.pages[*index];
            let moved = page.path != old.path || page.section != old.section;
            let renamed_community = old.page_type == PageType::Community
                && (page.title != old.title || page.slug != old.slug);
            if moved || renamed_community {
                return Ok(Reload::NeedsFullLoad);
            }
            page.community = self.resolve_community(page, &mut errors);
            let base = self
                .config
                .url_path(page.asset_base(&self.sections[page.section].path));
            let resolve =
                |target: &str| self.link_targets.get(target.trim_end_matches('/')).cloned();
            let dir = folder_of(&self.root, &page.file);
            let source = BodySource {
                file: &page.file,
                body: &page.body,
                body_line: page.body_line,
                dir: &dir,
            };
            let rendered = render_body(&source, &base, &resolve, options);
            for error in store_rendered(rendered, &mut page.rendered) {
                errors.push(error);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut order_may_change = false;
        let mut changed = Vec::with_capacity(fresh.len());
        for (index, page) in fresh {
            order_may_change |= page.meta != self.pages[index].meta;
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
        Ok(Reload::Done(changed))
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
        }
    }

    /// A reloaded page's community, checked against the community pages.
    fn resolve_community(&self, page: &Page, errors: &mut Errors) -> Option<usize> {
        let wanted = page.meta.community.as_deref()?.trim();
        let found = self
            .communities
            .iter()
            .copied()
            .find(|&i| self.pages[i].title == wanted || self.pages[i].slug == wanted);
        if found.is_none() {
            let titles: Vec<&str> = self
                .communities
                .iter()
                .map(|&i| self.pages[i].title.as_str())
                .collect();
            errors.push(
                Error::at_line(
                    &page.file,
                    page.community_line,
                    format!("unknown community `{wanted}`"),
                )
                .with_hint(suggest::did_you_mean(wanted, &titles)),
            );
        }
        found
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

fn relative_file(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

fn read(root: &Path, file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file).map_err(|err| {
        let error = Error::io(relative_file(root, file), "read the file", &err);
        if err.kind() == std::io::ErrorKind::InvalidData {
            error.with_hint("save the file as UTF-8 (most editors offer this under \"Save as\")")
        } else {
            error
        }
    })
}

fn load_sections(
    root: &Path,
    config: &Config,
    sources: &[SectionSource],
    errors: &mut Errors,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::with_capacity(sources.len());
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
        let section = errors
            .keep(load_section(
                root, config, source, parent, inherited, &sections,
            ))
            .unwrap_or_else(|| {
                fallback_section(root, config, source, parent, inherited, &sections)
            });
        by_key.insert(&source.key, sections.len());
        if let Some(p) = parent {
            let index = sections.len();
            sections[p].subsections.push(index);
        }
        sections.push(section);
    }
    sections
}

fn section_path(source: &SectionSource, parent: Option<usize>, sections: &[Section]) -> String {
    match parent {
        None => String::new(),
        Some(p) => {
            let name = source.key.rsplit('/').next().unwrap_or(&source.key);
            format!("{}{}/", sections[p].path, slugs::slug_for_stem(name))
        }
    }
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

/// A section with defaults only: for folders without `_index.md`, and to
/// keep going after a bad one so its pages are still checked.
fn fallback_section(
    root: &Path,
    config: &Config,
    source: &SectionSource,
    parent: Option<usize>,
    inherited: PageType,
    sections: &[Section],
) -> Section {
    let name = source.key.rsplit('/').next().unwrap_or_default();
    Section {
        file: relative_file(root, &source.dir),
        source_key: if source.key.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", source.key)
        },
        meta: Default::default(),
        title: name.to_string(),
        path: section_path(source, parent, sections),
        page_type: inherited,
        sort_by: if inherited == PageType::Page {
            SortBy::Weight
        } else {
            SortBy::Date
        },
        paginate_by: config.paginate_by,
        parent,
        subsections: Vec::new(),
        pages: Vec::new(),
        body: String::new(),
        body_line: 1,
        assets: source.assets.clone(),
        rendered: Rendered::default(),
    }
}

fn load_page(
    root: &Path,
    config: &Config,
    sections: &[Section],
    source: &PageSource,
    options: &LoadOptions,
) -> Result<Loaded, Vec<Error>> {
    let file = relative_file(root, &source.file);
    let text = read(root, &source.file).map_err(|e| vec![e])?;
    let split = frontmatter::split(&file, &text).map_err(|e| vec![e])?;
    let meta = frontmatter::parse_page(&file, split.yaml).map_err(|e| vec![e])?;
    let section_index = sections
        .iter()
        .position(|s| s.source_key == section_index_key(&source.section_key))
        .unwrap_or(0);
    let section = &sections[section_index];
    let errors = content::check_page_meta(&file, split.yaml, &meta, section.page_type);
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
        return Ok(Loaded::Future(publish.clone()));
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
        body: split.body.to_string(),
        body_line: split.body_line,
        assets: source.bundle_assets.clone().unwrap_or_default(),
        community: None,
        rendered: Rendered::default(),
        community_line: content::key_line(split.yaml, "community"),
        cover_image,
        is_bundle: source.bundle_assets.is_some(),
        meta,
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

fn section_index_key(section_key: &str) -> String {
    if section_key.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{section_key}/_index.md")
    }
}

/// `slug:` wins (made safe); else the file stem, ASCII kept, Chinese as pinyin.
fn slug_of(meta: &PageFrontMatter, stem: &str) -> String {
    match &meta.slug {
        Some(slug) if slugs::is_plain_ascii_slug(slug) => slug.to_ascii_lowercase(),
        Some(slug) => slugs::slugify(slug),
        None => slugs::slug_for_stem(stem),
    }
}

/// Two sources for one URL is an error naming both.
fn check_unique_paths(sections: &[Section], pages: &[Page], errors: &mut Errors) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let reserved = Path::new("(linju's own pages)");
    for path in RESERVED_PATHS {
        seen.insert(path, reserved);
    }
    let sources = sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_path()))
        .chain(pages.iter().map(|p| (p.path.as_str(), p.file.as_path())));
    for (path, file) in sources {
        if let Some(first) = seen.insert(path, file) {
            errors.push(
                Error::in_file(file, format!("the URL /{path} is also used by {}", first.display()))
                    .with_hint("give one of them another file name, or set a different `slug:` in its front matter"),
            );
        }
    }
}

/// Resolves every page's `community:` to a community page.
fn link_communities(pages: &mut [Page], errors: &mut Errors) -> Vec<usize> {
    let mut communities: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.page_type == PageType::Community)
        .map(|(i, _)| i)
        .collect();
    communities.sort_by(|&a, &b| pages[a].title.cmp(&pages[b].title));
    let names: Vec<(String, String, usize)> = communities
        .iter()
        .map(|&i| (pages[i].title.clone(), pages[i].slug.clone(), i))
        .collect();
    for page in pages.iter_mut() {
        let Some(wanted) = page.meta.community.as_deref() else {
            continue;
        };
        let wanted = wanted.trim();
        let found = names
            .iter()
            .find(|(title, slug, _)| title == wanted || slug == wanted);
        match found {
            Some(&(_, _, index)) => page.community = Some(index),
            None => {
                let titles: Vec<&str> = names.iter().map(|(t, _, _)| t.as_str()).collect();
                let hint = if titles.is_empty() {
                    "there are no community pages yet: add a section with `type: community` and a page per community".to_string()
                } else {
                    suggest::did_you_mean(wanted, &titles)
                };
                errors.push(
                    Error::at_line(
                        &page.file,
                        page.community_line,
                        format!("unknown community `{wanted}`"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    communities
}

/// Where each `@/` link target leads.
fn link_targets(config: &Config, sections: &[Section], pages: &[Page]) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = HashMap::new();
    for section in sections {
        urls.insert(section.source_key.clone(), config.url_path(&section.path));
    }
    for page in pages {
        let url = config.url_path(&page.path);
        if let Some(bundle) = page.source_key.strip_suffix("/index.md") {
            urls.insert(bundle.to_string(), url.clone());
        }
        urls.insert(page.source_key.clone(), url);
    }
    urls
}

/// Renders every body in parallel, resolving `@/` links against the site.
fn render_all(
    root: &Path,
    config: &Config,
    urls: &HashMap<String, String>,
    options: &LoadOptions,
    sections: &mut [Section],
    (pages, rendered_current): (&mut [Page], &[bool]),
    errors: &mut Errors,
) {
    let resolve = |target: &str| urls.get(target.trim_end_matches('/')).cloned();
    let section_paths: Vec<String> = sections.iter().map(|s| s.path.clone()).collect();
    let page_errors: Vec<Vec<Error>> = pages
        .par_iter_mut()
        .zip(rendered_current.par_iter())
        .filter(|(_, current)| !**current)
        .map(|(page, _)| {
            let base = config.url_path(page.asset_base(&section_paths[page.section]));
            let dir = folder_of(root, &page.file);
            let source = BodySource {
                file: &page.file,
                body: &page.body,
                body_line: page.body_line,
                dir: &dir,
            };
            store_rendered(
                render_body(&source, &base, &resolve, options),
                &mut page.rendered,
            )
        })
        .collect();
    let section_errors: Vec<Vec<Error>> = sections
        .par_iter_mut()
        .map(|section| {
            let base = config.url_path(&section.path);
            let dir = folder_of(root, &section.file);
            let source = BodySource {
                file: &section.file,
                body: &section.body,
                body_line: section.body_line,
                dir: &dir,
            };
            store_rendered(
                render_body(&source, &base, &resolve, options),
                &mut section.rendered,
            )
        })
        .collect();
    for error in page_errors.into_iter().chain(section_errors).flatten() {
        errors.push(error);
    }
}

/// The Markdown of a page or section and where it sits in its file.
struct BodySource<'a> {
    file: &'a Path,
    body: &'a str,
    body_line: usize,
    /// The folder its relative images are in.
    dir: &'a Path,
}

/// The folder holding a content file (`file` relative to `root`; a section
/// without `_index.md` is its folder itself).
fn folder_of(root: &Path, file: &Path) -> PathBuf {
    let path = root.join(file);
    if path.is_dir() {
        path
    } else {
        path.parent()
            .map_or_else(|| root.to_path_buf(), Path::to_path_buf)
    }
}

fn render_body(
    source: &BodySource<'_>,
    relative_base: &str,
    resolve: &(dyn Fn(&str) -> Option<String> + Sync),
    options: &LoadOptions,
) -> Result<Rendered, Vec<Error>> {
    let context = LinkContext {
        path: source.file,
        body_line: source.body_line,
        resolve,
        relative_base,
        images: options.images.as_deref().map(|images| PhotoContext {
            images,
            dir: source.dir,
        }),
    };
    markdown::render(source.body, &context)
}

/// Keeps a successful render, returns the errors of a failed one.
fn store_rendered(result: Result<Rendered, Vec<Error>>, slot: &mut Rendered) -> Vec<Error> {
    match result {
        Ok(rendered) => {
            *slot = rendered;
            Vec::new()
        }
        Err(errors) => errors,
    }
}

/// Fills each section's sorted page list.
fn attach_pages(sections: &mut [Section], pages: &mut [Page]) {
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    for section in sections.iter_mut() {
        let sort_by = section.sort_by;
        section
            .pages
            .sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], sort_by));
    }
}

fn compare_pages(a: &Page, b: &Page, sort_by: SortBy) -> std::cmp::Ordering {
    let by_title = || a.title.cmp(&b.title);
    match sort_by {
        SortBy::Date => b.date.cmp(&a.date).then_with(by_title),
        SortBy::Weight => a
            .meta
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.meta.weight.unwrap_or(i64::MAX))
            .then_with(by_title),
        SortBy::Title => by_title(),
    }
}

fn collect_tags(pages: &[Page]) -> Vec<TagTerm> {
    let mut by_slug: BTreeMap<String, TagTerm> = BTreeMap::new();
    for (index, page) in pages.iter().enumerate() {
        for tag in &page.meta.tags {
            let slug = slugs::slugify(tag);
            let term = by_slug.entry(slug.clone()).or_insert_with(|| TagTerm {
                name: tag.clone(),
                slug,
                pages: Vec::new(),
            });
            if !term.pages.contains(&index) {
                term.pages.push(index);
            }
        }
    }
    let mut tags: Vec<TagTerm> = by_slug.into_values().collect();
    for tag in &mut tags {
        tag.pages
            .sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], SortBy::Date));
    }
    tags
}
