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
use std::time::Instant;

use jiff::ZonedDateTime;
use tera::Tera;

use crate::build::addresses;
use crate::build::changes::Changes;
use crate::build::narrow;
use crate::build::output;
use crate::build::state::State;
pub use crate::build::state::{RebuildReport, Scope};
use crate::build::write;
use crate::config::Config;
use crate::content::privacy;
use crate::content::reload::Reload;
use crate::content::site::{LoadOptions, Reuse, Site};
use crate::dates::{DateInput, date_forms};
use crate::error::{Error, Errors};
use crate::images::{self, Images};
use crate::lang::Text;
use crate::options::BuildOptions;
use crate::render::Shared;
use crate::render::theme::{self, StaticSource, ThemeFiles};
use crate::timings::Timings;

/// A site being built, and rebuilt after edits.
pub struct Session {
    options: BuildOptions,
    output_dir: PathBuf,
    state: Option<State>,
    /// Changes of rebuilds that failed, tried again with the next one.
    pending: BTreeSet<PathBuf>,
    /// When the session began: a `--clock` time runs on from there, so a
    /// long-running `watch --clock` sees scheduled changes come.
    started: Instant,
    /// Whether only one build is made (`linju build`): then no memo for
    /// rebuilds is kept.
    one_off: bool,
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
            started: Instant::now(),
            one_off: false,
        })
    }

    /// A session for one build and no rebuild: it keeps no memo.
    pub fn one_off(mut self) -> Session {
        self.one_off = true;
        self
    }

    /// The site folder, absolute.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The output folder, absolute.
    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// The site of the last good build, if there was one.
    pub fn site(&self) -> Option<&Site> {
        self.state.as_ref().map(|s| &s.site)
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
            self.add_findings(&mut report, true);
            report.elapsed = started.elapsed();
            report
        })
    }

    /// What a good build also tells the writer: the next scheduled change
    /// and, after a full build, the warnings (no `base_url`, privacy).
    fn add_findings(&self, report: &mut RebuildReport, warnings: bool) {
        let Some(state) = &self.state else {
            return;
        };
        report.next_change = state.next_change.clone();
        if warnings {
            report.warnings = state.config.warnings();
            let findings = report
                .timings
                .time("privacy", || privacy::scan(&state.site));
            report.warnings.extend(findings);
        }
    }

    /// The floor of a build: reads every page and renders its Markdown,
    /// as a build does, and stops there (no templates, no output). The
    /// scale benchmark compares builds with it.
    pub fn read_only(&self) -> Result<(usize, Timings), Errors> {
        let started = Instant::now();
        let (config, images) = self.config_and_images()?;
        // The floor reads every front matter and renders every body: it
        // takes nothing from a last build.
        let load_options = LoadOptions {
            keep_for_next: false,
            ..self.load_options(&config, &images)?
        };
        let mut timings = Timings::default();
        timings.record("config", started.elapsed());
        let site = Site::load(&self.options.root, config, &load_options)?;
        timings.extend(site.load_timings.clone());
        let pages = site.pages.len();
        std::thread::spawn(move || drop(site));
        Ok((pages, timings))
    }

    /// The build's notion of now.
    pub fn now(&self, config: &Config) -> Result<ZonedDateTime, Error> {
        running_clock(self.options.clock.as_deref(), self.started, config)
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
            self.add_findings(&mut report, false);
            report
        })
    }

    fn load_options(&self, config: &Config, images: &Arc<Images>) -> Result<LoadOptions, Error> {
        Ok(LoadOptions {
            drafts: self.options.drafts,
            future: self.options.future,
            now: self.now(config)?,
            images: Some(Arc::clone(images)),
            keep_markdown: !self.one_off,
            spool_from_pages: self.one_off.then(|| {
                (self.options.spool_from_pages).unwrap_or(crate::options::SPOOL_FROM_PAGES)
            }),
            keep_for_next: self.one_off,
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

    /// `linju.yaml` with the base URL the options set, and the photo
    /// pipeline it configures.
    fn config_and_images(&self) -> Result<(Config, Arc<Images>), Error> {
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
        Ok((config, images))
    }

    fn build_everything(&mut self) -> Result<RebuildReport, Errors> {
        let started = Instant::now();
        let mut timings = Timings::default();
        let (config, images) = self.config_and_images()?;
        let load_options = self.load_options(&config, &images)?;
        let theme_files = theme::load_files(&self.options.root, &config);
        let tera = theme_files
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|files| self.tera(files, &config, &images));
        timings.record("config and theme", started.elapsed());
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
        timings.extend(site.load_timings.clone());
        timings.time("addresses", || {
            addresses::check_none_dropped(&self.options.root, &site)
        })?;
        let (hashes, search_memo) = self
            .state
            .take()
            .map(|p| (p.hashes, p.search_memo))
            .unwrap_or_default();
        let mut state = State {
            config,
            template_versions: theme::template_versions(&theme_files),
            shared: timings.time("values", || {
                if self.one_off {
                    Shared::compute_unhashed(&site)
                } else {
                    Shared::compute(&site)
                }
            }),
            tera,
            theme_files,
            site,
            signatures: HashMap::new(),
            hashes,
            copies: HashMap::new(),
            sitemap_signature: 0,
            images,
            progress: self.options.progress.clone(),
            screen_photos: Vec::new(),
            photos_of: HashMap::new(),
            search_memo,
            related: None,
            narrow: None,
            next_change: None,
            keep_memos: !self.one_off,
        };
        let mut result = write::publish_whole(&mut state, &self.output_dir, Scope::Everything);
        if let Ok(report) = &mut result {
            timings.extend(std::mem::take(&mut report.timings));
            report.timings = timings;
            // A build with drafts, future pages or another clock is a
            // preview, not what residents get.
            let publishing =
                !(self.options.drafts || self.options.future || self.options.clock.is_some());
            if self.options.record_addresses && publishing {
                addresses::record(&self.options.root, &state.site)?;
            }
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
        let load_options = rebuild_load_options(&self.options, self.started, state)?;
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
        let mut timings = Timings::default();
        let reloading = Instant::now();
        let reload = if changes.content_other.is_empty() || copied_content {
            state
                .site
                .reload_pages(&changes.content_files, &load_options)?
        } else {
            Reload::NeedsFullLoad
        };
        match reload {
            Reload::Done(reloaded) => {
                let changed = reloaded.changed;
                if !changed.is_empty() {
                    scope = Scope::Pages(changed.len());
                }
                if reloaded.nothing_moved && !changed.is_empty() && changes.only_pages() {
                    let narrow = (reloading, &mut timings);
                    if let Some(report) = narrow_rebuild(state, &self.output_dir, &changed, narrow)
                    {
                        return report;
                    }
                    timings = Timings::default();
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
        timings.record("reload and values", reloading.elapsed());
        let mut copy_sources: Vec<PathBuf> = changes.statics.clone();
        copy_sources.extend(changes.content_other.iter().cloned());
        forget_files_showing(state, &copy_sources);
        timings.time("addresses", || {
            addresses::check_none_dropped(&self.options.root, &state.site)
        })?;
        let mut report = write::publish_changes(state, &self.output_dir, scope, &copy_sources)?;
        timings.extend(std::mem::take(&mut report.timings));
        report.timings = timings;
        Ok(report)
    }
}

/// A rebuild after an edit of pages' bodies only, through
/// [`narrow::publish`]: their cards refreshed, then only the files that
/// show them. `None` when the narrow path cannot be taken (the caller
/// takes the general one).
fn narrow_rebuild(
    state: &mut State,
    output_dir: &Path,
    changed: &[usize],
    (reloading, timings): (Instant, &mut Timings),
) -> Option<Result<RebuildReport, Errors>> {
    state.shared.refresh_cards(&state.site, changed);
    timings.record("reload and values", reloading.elapsed());
    let report = narrow::publish(state, output_dir, changed, timings)?;
    Some(report.map(|mut report| {
        report.timings = std::mem::take(timings);
        report
    }))
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

/// Forgets the signature of every file that refers to a processed photo
/// made from one of `changed`, so it is rendered again: a photo a template
/// asked for with `resize_image` is not in the file's selection, but its
/// new bytes give the output a new name.
fn forget_files_showing(state: &mut State, changed: &[PathBuf]) {
    // Most rebuilds (a page edited) change no photo: skip the walk.
    if !changed
        .iter()
        .any(|p| images::is_raster(&p.to_string_lossy()))
    {
        return;
    }
    let images = &state.images;
    let stale: Vec<String> = state
        .photos_of
        .iter()
        .filter(|(_, names)| {
            names
                .iter()
                .any(|name| images.source_of(name).is_some_and(|s| changed.contains(&s)))
        })
        .map(|(path, _)| path.clone())
        .collect();
    for path in stale {
        state.signatures.remove(&path);
    }
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

/// `--clock` plus the time since `started` (so a long-running `watch
/// --clock` sees scheduled changes come), or the real time.
fn running_clock(
    clock: Option<&str>,
    started: Instant,
    config: &Config,
) -> Result<ZonedDateTime, Error> {
    let start = build_time(clock, config)?;
    if clock.is_none() {
        return Ok(start);
    }
    let elapsed = jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
    Ok(start.checked_add(elapsed).unwrap_or(start))
}

/// The build's notion of now: `--clock`, or the real time in the site's zone.
pub fn build_time(clock: Option<&str>, config: &Config) -> Result<ZonedDateTime, Error> {
    match clock {
        None => Ok(ZonedDateTime::now().with_time_zone(config.timezone.clone())),
        Some(text) => DateInput::parse(text)
            .map(|date| date.in_zone(&config.timezone))
            .map_err(|message| {
                Error::new(Text::same("--clock: ").append(&message)).with_hint(date_forms())
            }),
    }
}

/// Where processed photos are cached: a folder of the site, ignored by git
/// (made, with its `.gitignore`, only once there are photos).
fn image_cache_dir(root: &Path) -> PathBuf {
    root.join(crate::fs::WORK_DIR).join("cache").join("images")
}

/// What a rebuild's load is asked to do: everything a session shows,
/// with the Markdown kept for the next rebuild and nothing spooled or
/// kept on disk.
fn rebuild_load_options(
    options: &BuildOptions,
    started: Instant,
    state: &State,
) -> Result<LoadOptions, Error> {
    Ok(LoadOptions {
        drafts: options.drafts,
        future: options.future,
        now: running_clock(options.clock.as_deref(), started, &state.config)?,
        images: Some(Arc::clone(&state.images)),
        keep_markdown: true,
        spool_from_pages: None,
        keep_for_next: false,
    })
}
