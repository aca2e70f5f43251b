//! A build that can be repeated. A session keeps the loaded site, the
//! theme and a memo of what every output file was made from, so that after
//! an edit it re-reads only the files that changed and re-renders only the
//! output files whose inputs changed. `linju build` is a session's first
//! build; `serve` and `watch` keep the session and rebuild after each edit.
//!
//! The memo maps each output path to the signature of its inputs (see
//! [`render::Selection::signature`]) and a hash of its bytes. It always
//! describes what is on disk: it is updated only for files written, so a
//! failed rebuild leaves both the site and the memo as they were.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::ZonedDateTime;
use rayon::prelude::*;
use tera::Tera;

use crate::build::changes::Changes;
use crate::build::output::{self, CopyJob, Staging};
use crate::config::Config;
use crate::content::reload::Reload;
use crate::content::site::{LoadOptions, Reuse, Site};
use crate::dates::{DATE_FORMS, DateInput};
use crate::error::{Error, Errors};
use crate::images::{self, Images};
use crate::options::BuildOptions;
use crate::render::feeds;
use crate::render::theme::{self, StaticSource, ThemeFiles};
use crate::render::{self, Output, Rendered, Selection, Shared};
use crate::screens;

/// A rebuild touching more than this share of the site's files is written
/// as a whole new site and swapped in, like a first build.
const SWAP_SHARE: usize = 4;

/// What a build or rebuild did.
#[derive(Debug, Clone, Default)]
pub struct RebuildReport {
    /// What was reloaded.
    pub scope: Scope,
    /// Pages the site has.
    pub pages: usize,
    /// Sections the site has.
    pub sections: usize,
    /// Output files rendered from templates.
    pub rendered: usize,
    /// Output files written or copied because their bytes changed.
    pub written: Vec<String>,
    /// Output files removed because the site no longer has them.
    pub removed: Vec<String>,
    /// Files the site has in all.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Only stylesheets changed: browsers may swap them without a reload.
    pub styles_only: bool,
    /// Processed photo files made (not found in the cache).
    pub images_made: usize,
    /// Previous sites set aside by a swap, for the caller to remove with
    /// [`output::remove_stale`] when nobody is waiting.
    pub stale: Vec<PathBuf>,
}

/// How much of the site a rebuild reloaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// Configuration, theme and content, all read again.
    #[default]
    Everything,
    /// All content read again (files were added, removed or renamed).
    Content,
    /// Only the changed pages read again.
    Pages(usize),
    /// Templates or static files only.
    Theme,
    /// Nothing the site is made from changed.
    Nothing,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Everything => write!(f, "everything"),
            Scope::Content => write!(f, "all content"),
            Scope::Pages(1) => write!(f, "1 page"),
            Scope::Pages(n) => write!(f, "{n} pages"),
            Scope::Theme => write!(f, "theme"),
            Scope::Nothing => write!(f, "nothing"),
        }
    }
}

/// A site being built, and rebuilt after edits.
pub struct Session {
    options: BuildOptions,
    output_dir: PathBuf,
    state: Option<State>,
    /// Changes of rebuilds that failed, tried again with the next one.
    pending: BTreeSet<PathBuf>,
}

/// Everything kept between rebuilds.
struct State {
    config: Config,
    theme_files: ThemeFiles,
    tera: Tera,
    template_versions: HashMap<String, u64>,
    site: Site,
    shared: Shared,
    /// Output path → signature of what it was rendered from.
    signatures: HashMap<String, u64>,
    /// Output path → hash of its bytes (rendered files and feeds).
    hashes: HashMap<String, u64>,
    /// Output path → where a copied file comes from.
    copies: HashMap<String, StaticSource>,
    /// What the sitemap on disk was made from.
    sitemap_signature: u64,
    /// The photo pipeline and its cache.
    images: Arc<Images>,
    /// Told how image work advances.
    progress: Option<crate::options::Progress>,
    /// Processed photos the screens' playlists use.
    screen_photos: Vec<String>,
    /// Output path → processed photos that rendered file refers to.
    photos_of: HashMap<String, Vec<String>>,
}

impl Session {
    /// Prepares a session; nothing is read or written yet.
    pub fn new(mut options: BuildOptions) -> Result<Session, Errors> {
        options.root = crate::fs::absolute(&options.root);
        let output_dir = crate::fs::absolute(
            &options
                .output
                .clone()
                .unwrap_or_else(|| options.root.join("public")),
        );
        output::check_output_dir(&options.root, &output_dir)?;
        Ok(Session {
            options,
            output_dir,
            state: None,
            pending: BTreeSet::new(),
        })
    }

    /// The site folder, absolute.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The output folder, absolute.
    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// The configuration of the last good build, if there was one.
    pub fn config(&self) -> Option<&Config> {
        self.state.as_ref().map(|s| &s.config)
    }

    /// Builds everything, writing a new site and swapping it in.
    pub fn build(&mut self) -> Result<RebuildReport, Errors> {
        let started = Instant::now();
        self.pending.clear();
        let result = self.build_everything();
        if result.is_err() {
            self.state = None;
        }
        result.map(|mut report| {
            report.elapsed = started.elapsed();
            report
        })
    }

    /// Rebuilds after the files `changed` (absolute paths) changed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildReport, Errors> {
        let started = Instant::now();
        self.pending.extend(changed.iter().cloned());
        let all: Vec<PathBuf> = self.pending.iter().cloned().collect();
        let changes = Changes::classify(&self.options.root, &all);
        // Templates may ask for any static photo by name (`resize_image`):
        // a changed one is rare enough to rebuild everything for.
        let static_photo = changes
            .statics
            .iter()
            .any(|p| images::is_raster(&p.to_string_lossy()));
        let result = if self.state.is_none() || changes.config || static_photo {
            self.build_everything()
        } else {
            self.update(&changes, &all)
        };
        if result.is_ok() {
            self.pending.clear();
        }
        result.map(|mut report| {
            report.elapsed = started.elapsed();
            report.styles_only = changes.only_styles();
            report
        })
    }

    fn load_options(&self, config: &Config, images: &Arc<Images>) -> Result<LoadOptions, Error> {
        Ok(LoadOptions {
            drafts: self.options.drafts,
            future: self.options.future,
            now: build_time(self.options.clock.as_deref(), config)?,
            images: Some(Arc::clone(images)),
        })
    }

    /// The Tera instance with linju's image functions.
    fn tera(
        &self,
        files: &ThemeFiles,
        config: &Config,
        images: &Arc<Images>,
    ) -> Result<Tera, Error> {
        tera_with_images(&self.options.root, files, config, images)
    }

    fn build_everything(&mut self) -> Result<RebuildReport, Errors> {
        let mut config = Config::load(&self.options.root)?;
        if let Some(url) = &self.options.base_url {
            config.set_base_url(url)?;
        }
        if let Some(origin) = &self.options.origin {
            let local = format!("{origin}{}", config.base_path);
            config.set_base_url(&local)?;
        }
        let images = Arc::new(Images::new(
            config.images.clone(),
            &config.base_path,
            &self.options.root,
            &image_cache_dir(&self.options.root),
        ));
        let load_options = self.load_options(&config, &images)?;
        let theme_files = theme::load_files(&self.options.root, &config);
        let tera = theme_files
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|files| self.tera(files, &config, &images));
        let site = Site::load(&self.options.root, config.clone(), &load_options);
        let (site, tera, theme_files) = match (site, tera, theme_files) {
            (Ok(site), Ok(tera), Ok(files)) => (site, tera, files),
            (site, tera, _) => {
                let mut errors = site.err().unwrap_or_default();
                if let Err(error) = tera {
                    errors.push(error);
                }
                return Err(errors);
            }
        };
        let previous = self.state.take();
        let mut state = State {
            config,
            template_versions: theme::template_versions(&theme_files),
            shared: Shared::compute(&site),
            tera,
            theme_files,
            site,
            signatures: HashMap::new(),
            hashes: previous.map(|p| p.hashes).unwrap_or_default(),
            copies: HashMap::new(),
            sitemap_signature: 0,
            images,
            progress: self.options.progress.clone(),
            screen_photos: Vec::new(),
            photos_of: HashMap::new(),
        };
        let result = swap_in_new_site(&mut state, &self.output_dir, Scope::Everything);
        if result.is_ok() {
            self.state = Some(state);
        }
        result
    }

    /// A rebuild after an edit: reloads what the changes touched, then
    /// renders the files whose signatures changed.
    fn update(&mut self, changes: &Changes, changed: &[PathBuf]) -> Result<RebuildReport, Errors> {
        let Some(state) = self.state.as_mut() else {
            return self.build_everything();
        };
        let load_options = LoadOptions {
            drafts: self.options.drafts,
            future: self.options.future,
            now: build_time(self.options.clock.as_deref(), &state.config)?,
            images: Some(Arc::clone(&state.images)),
        };
        let mut scope = if changes.templates || !changes.statics.is_empty() {
            Scope::Theme
        } else {
            Scope::Nothing
        };
        if changes.templates || !changes.statics.is_empty() {
            let files = theme::load_files(&self.options.root, &state.config)?;
            if changes.templates {
                let root = &self.options.root;
                state.tera = tera_with_images(root, &files, &state.config, &state.images)?;
                state.template_versions = theme::template_versions(&files);
            }
            state.theme_files = files;
        }
        let copied_content = content_copies_only(changes, &state.copies);
        let reload = if changes.content_other.is_empty() || copied_content {
            state
                .site
                .reload_pages(&changes.content_files, &load_options)?
        } else {
            Reload::NeedsFullLoad
        };
        match reload {
            Reload::Done(changed) => {
                if !changed.is_empty() {
                    scope = Scope::Pages(changed.len());
                }
                state.shared.refresh(&state.site, &changed);
            }
            Reload::NeedsFullLoad => {
                let reuse = Reuse {
                    site: &state.site,
                    changed,
                };
                let site = Site::load_reusing(
                    &self.options.root,
                    state.config.clone(),
                    &load_options,
                    Some(reuse),
                )?;
                state.shared = Shared::compute_reusing(&site, &state.site, &state.shared);
                state.site = site;
                scope = Scope::Content;
            }
        }
        let mut copy_sources: Vec<PathBuf> = changes.statics.clone();
        copy_sources.extend(changes.content_other.iter().cloned());
        write_changes(state, &self.output_dir, scope, &copy_sources)
    }
}

/// Tera with the image functions, which look for images in the site's
/// `static/`, `content/`, then the theme's `static/`.
fn tera_with_images(
    root: &Path,
    files: &ThemeFiles,
    config: &Config,
    images: &Arc<Images>,
) -> Result<Tera, Error> {
    let search = vec![
        root.join("static"),
        root.join("content"),
        root.join("themes").join(&config.theme).join("static"),
    ];
    theme::build_tera(files, config, Some((Arc::clone(images), search)))
}

/// Whether every non-page content change is an edit of a file the site
/// already copies (a photo in a bundle, say), which needs no reload.
fn content_copies_only(changes: &Changes, copies: &HashMap<String, StaticSource>) -> bool {
    !changes.content_other.is_empty()
        && changes.content_other.iter().all(|path| {
            path.is_file()
                && copies
                    .values()
                    .any(|source| matches!(source, StaticSource::Disk(from) if from == path))
        })
}

/// Every file's selection and signature, in plan order.
fn select_all(state: &State) -> Vec<(Selection, u64)> {
    let site = &state.site;
    let lookup = render::Lookup::new(site);
    render::plan(site)
        .par_iter()
        .map(|&target| {
            let selection = render::select(site, &lookup, target);
            let version = state
                .template_versions
                .get(&selection.template)
                .copied()
                .unwrap_or(0);
            let signature = selection.signature(site, &state.shared, version);
            (selection, signature)
        })
        .collect()
}

/// Renders the given selections in parallel; every failure is reported.
fn render_selections(
    state: &State,
    selections: &[&(Selection, u64)],
) -> Result<Vec<Rendered>, Errors> {
    let results: Vec<Result<Rendered, Error>> = selections
        .par_iter()
        .map(|(selection, _)| {
            render::render_selection(&state.site, &state.shared, &state.tera, selection)
        })
        .collect();
    let mut errors = Errors::default();
    let mut outputs = Vec::with_capacity(results.len());
    for result in results {
        if let Some(output) = errors.keep(result) {
            outputs.push(output);
        }
    }
    errors.into_result(outputs)
}

/// Writes the whole site into a staging folder and swaps it in. Files whose
/// bytes did not change are hard-linked from the current site.
fn swap_in_new_site(
    state: &mut State,
    output_dir: &Path,
    scope: Scope,
) -> Result<RebuildReport, Errors> {
    let selected = select_all(state);
    let staging = Staging::begin(output_dir)?;
    let mut signatures = HashMap::with_capacity(selected.len());
    let mut hashes = HashMap::with_capacity(selected.len() + 16);
    let mut photos_of = HashMap::new();
    let mut written = Vec::new();
    type Written = (String, u64, u64, bool, Vec<String>);
    let failures: Vec<Result<Written, Error>> = selected
        .par_iter()
        .map(|(selection, signature)| {
            let Rendered { output, photos } =
                render::render_selection(&state.site, &state.shared, &state.tera, selection)?;
            let hash = output.content_hash();
            let unchanged = state.hashes.get(&output.path).map(|&old| old == hash);
            staging.write(&output, unchanged)?;
            Ok((
                output.path,
                *signature,
                hash,
                unchanged != Some(true),
                photos,
            ))
        })
        .collect();
    let mut errors = Errors::default();
    for result in failures {
        if let Some((path, signature, hash, changed, photos)) = errors.keep(result) {
            if changed {
                written.push(path.clone());
            }
            if !photos.is_empty() {
                photos_of.insert(path.clone(), photos);
            }
            signatures.insert(path.clone(), signature);
            hashes.insert(path, hash);
        }
    }
    let mut machine_read = feeds::render_feeds(&state.site, true);
    let (screen_files, screen_photos) = screens::render_screens(&state.site, Some(&state.images));
    machine_read.extend(screen_files);
    for output in machine_read {
        let hash = output.content_hash();
        let unchanged = state.hashes.get(&output.path).map(|&old| old == hash);
        errors.keep(staging.write(&output, unchanged));
        if unchanged != Some(true) {
            written.push(output.path.clone());
        }
        hashes.insert(output.path, hash);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let used = used_images(state, &photos_of, &screen_photos);
    let images_made = produce_images(state, &used)?;
    let copies = copy_jobs(state, &used);
    errors.keep(staging.copy_all(&copies));
    if !errors.is_empty() {
        return Err(errors);
    }
    let files = staging.files_written();
    let removed: Vec<String> = state
        .hashes
        .keys()
        .filter(|path| !hashes.contains_key(*path))
        .cloned()
        .collect();
    let stale = staging.commit()?;
    state.images.prune(&used);
    state.photos_of = photos_of;
    state.screen_photos = screen_photos;
    state.signatures = signatures;
    state.hashes = hashes;
    state.sitemap_signature = feeds::sitemap_signature(&state.site);
    state.copies = copies.into_iter().map(|job| (job.to, job.source)).collect();
    written.sort();
    Ok(RebuildReport {
        scope,
        pages: state.site.pages.len(),
        sections: state.site.sections.len(),
        rendered: selected.len(),
        written,
        removed,
        files,
        elapsed: Duration::ZERO,
        styles_only: false,
        images_made,
        stale,
    })
}

/// Renders what changed and updates the live site file by file. Every file
/// is rendered before the first is written, so a failure writes nothing.
/// A rebuild that touches much of the site is swapped in whole instead.
fn write_changes(
    state: &mut State,
    output_dir: &Path,
    scope: Scope,
    copy_sources: &[PathBuf],
) -> Result<RebuildReport, Errors> {
    let selected = select_all(state);
    let dirty: Vec<&(Selection, u64)> = selected
        .iter()
        .filter(|(selection, signature)| state.signatures.get(&selection.output) != Some(signature))
        .collect();
    if dirty.len() > selected.len() / SWAP_SHARE && dirty.len() > 64 {
        return swap_in_new_site(state, output_dir, scope);
    }
    let rendered = dirty.len();
    let mut outputs = Vec::with_capacity(dirty.len() + 16);
    // Kept aside until everything is written, so a failed rebuild leaves
    // the memo describing what is on disk.
    let mut photos_of = state.photos_of.clone();
    for Rendered { output, photos } in render_selections(state, &dirty)? {
        if photos.is_empty() {
            photos_of.remove(&output.path);
        } else {
            photos_of.insert(output.path.clone(), photos);
        }
        outputs.push(output);
    }
    let sitemap_signature = feeds::sitemap_signature(&state.site);
    let sitemap_changed = sitemap_signature != state.sitemap_signature;
    outputs.extend(feeds::render_feeds(&state.site, sitemap_changed));
    let (screen_files, screen_photos) = screens::render_screens(&state.site, Some(&state.images));
    outputs.extend(screen_files);
    let used = used_images(state, &photos_of, &screen_photos);
    let images_made = produce_images(state, &used)?;
    let copies = copy_jobs(state, &used);

    let mut written = Vec::new();
    for job in &copies {
        let unchanged_source = state
            .copies
            .get(&job.to)
            .is_some_and(|old| same_source(old, &job.source));
        let touched =
            matches!(&job.source, StaticSource::Disk(from) if copy_sources.contains(from));
        if !unchanged_source || touched {
            output::replace_with_copy(output_dir, &job.to, &job.source)?;
            written.push(job.to.clone());
        }
    }
    let mut signatures_now: HashMap<&str, u64> = HashMap::with_capacity(selected.len());
    for (selection, signature) in &selected {
        signatures_now.insert(&selection.output, *signature);
    }
    let hashed: Vec<(&Output, u64)> = outputs.par_iter().map(|o| (o, o.content_hash())).collect();
    let changed: Vec<&Output> = hashed
        .iter()
        .filter(|(output, hash)| state.hashes.get(&output.path) != Some(hash))
        .map(|(output, _)| *output)
        .collect();
    // Pages first, then lists and feeds, so a reader following a fresh link
    // from a list finds the page already there.
    let page_files: BTreeSet<&str> = dirty
        .iter()
        .filter(|(selection, _)| selection.is_page())
        .map(|(selection, _)| selection.output.as_str())
        .collect();
    let is_page = |o: &&&Output| page_files.contains(o.path.as_str());
    changed
        .par_iter()
        .filter(is_page)
        .try_for_each(|o| output::replace_file(output_dir, &o.path, &o.bytes))?;
    changed
        .par_iter()
        .filter(|o| !is_page(o))
        .try_for_each(|o| output::replace_file(output_dir, &o.path, &o.bytes))?;
    written.extend(changed.iter().map(|o| o.path.clone()));
    for (output, hash) in hashed {
        state.hashes.insert(output.path.clone(), hash);
        if let Some(signature) = signatures_now.get(output.path.as_str()) {
            state.signatures.insert(output.path.clone(), *signature);
        }
    }
    let copy_targets: HashMap<String, StaticSource> =
        copies.into_iter().map(|job| (job.to, job.source)).collect();
    let mut feeds_now: BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    feeds_now.insert(feeds::SITEMAP);
    state.sitemap_signature = sitemap_signature;
    let produced = |path: &str| {
        signatures_now.contains_key(path)
            || feeds_now.contains(path)
            || copy_targets.contains_key(path)
    };
    let gone: BTreeSet<String> = state
        .hashes
        .keys()
        .chain(state.copies.keys())
        .filter(|path| !produced(path))
        .cloned()
        .collect();
    let mut removed = Vec::new();
    for path in gone {
        output::remove_file(output_dir, &path)?;
        photos_of.remove(&path);
        state.hashes.remove(&path);
        state.signatures.remove(&path);
        removed.push(path);
    }
    state.copies = copy_targets;
    state.photos_of = photos_of;
    state.screen_photos = screen_photos;
    written.sort();
    Ok(RebuildReport {
        scope,
        pages: state.site.pages.len(),
        sections: state.site.sections.len(),
        rendered,
        written,
        removed,
        files: state.hashes.len() + state.copies.len(),
        elapsed: Duration::ZERO,
        styles_only: false,
        images_made,
        stale: Vec::new(),
    })
}

/// Whether two copies come from the same place.
fn same_source(a: &StaticSource, b: &StaticSource) -> bool {
    match (a, b) {
        (StaticSource::Disk(a), StaticSource::Disk(b)) => a == b,
        (StaticSource::Embedded(a), StaticSource::Embedded(b)) => std::ptr::eq(*a, *b),
        (StaticSource::Generated(a), StaticSource::Generated(b)) => a == b,
        _ => false,
    }
}

/// The build's notion of now: `--clock`, or the real time in the site's zone.
pub fn build_time(clock: Option<&str>, config: &Config) -> Result<ZonedDateTime, Error> {
    match clock {
        None => Ok(ZonedDateTime::now().with_time_zone(config.timezone.clone())),
        Some(text) => DateInput::parse(text)
            .map(|date| date.in_zone(&config.timezone))
            .map_err(|message| Error::new(format!("--clock: {message}")).with_hint(DATE_FORMS)),
    }
}

/// Where processed photos are cached: a folder of the site, ignored by git
/// (made, with its `.gitignore`, only once there are photos).
fn image_cache_dir(root: &Path) -> PathBuf {
    root.join(crate::fs::WORK_DIR).join("cache").join("images")
}

/// Every processed photo the site uses: its pages' and sections' bodies
/// and covers, what its rendered files refer to (`resize_image` in
/// templates included), and what the screens show.
fn used_images(
    state: &State,
    photos_of: &HashMap<String, Vec<String>>,
    screen_photos: &[String],
) -> BTreeSet<String> {
    let mut used: BTreeSet<String> = photos_of
        .values()
        .flatten()
        .filter(|name| state.images.knows(name))
        .cloned()
        .collect();
    used.extend(screen_photos.iter().cloned());
    for page in &state.site.pages {
        used.extend(page.rendered.images.iter().cloned());
        if let Some(cover) = &page.cover_image {
            used.extend(cover.files.iter().cloned());
        }
    }
    for section in &state.site.sections {
        used.extend(section.rendered.images.iter().cloned());
    }
    used
}

/// Makes the photos the cache does not have yet.
fn produce_images(state: &State, used: &BTreeSet<String>) -> Result<usize, Errors> {
    let names: Vec<String> = used.iter().cloned().collect();
    let progress = state.progress.as_ref().map(|p| p.0.as_ref());
    state.images.produce(&names, progress)
}

/// Theme and site static files, section assets and bundle files (photos
/// excepted: only their processed versions, without metadata, are
/// published), and the processed photos.
fn copy_jobs(state: &State, used_images: &BTreeSet<String>) -> Vec<CopyJob> {
    let site = &state.site;
    let mut jobs: Vec<CopyJob> = Vec::new();
    for (to, source) in state.theme_files.statics.iter().cloned() {
        jobs.retain(|job| job.to != to);
        jobs.push(CopyJob { source, to });
    }
    let assets = site
        .sections
        .iter()
        .flat_map(|s| s.assets.iter().map(move |a| (&s.path, a)))
        .chain(
            site.pages
                .iter()
                .flat_map(|p| p.assets.iter().map(move |a| (&p.path, a))),
        );
    for (path, (from, name)) in assets {
        if !images::is_raster(name) {
            jobs.push(CopyJob {
                source: StaticSource::Disk(from.clone()),
                to: format!("{path}{name}"),
            });
        }
    }
    for name in used_images {
        jobs.push(CopyJob {
            source: StaticSource::Generated(state.images.cached(name)),
            to: format!("{}/{name}", images::OUTPUT_DIR),
        });
    }
    jobs
}
