//! The build, start to end: config → load → render → write. The only place
//! that strings the phases together; each phase lives in its own module.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::ZonedDateTime;

use crate::config::Config;
use crate::dates::{DATE_FORMS, DateInput};
use crate::error::{Error, Errors};
use crate::output::{self, CopyJob, Staging};
use crate::render;
use crate::site::{LoadOptions, Site};
use crate::theme::{self, StaticSource};

/// What `linju build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Output folder; `root/public` if unset.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `linju.yaml`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include pages whose `publish` time is in the future.
    pub future: bool,
    /// Build as if it were this time (`2026-05-01 18:00`).
    pub clock: Option<String>,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Where the site was written.
    pub output: PathBuf,
    /// Pages rendered from content.
    pub pages: usize,
    /// Sections.
    pub sections: usize,
    /// Files written in all.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Previous sites set aside, to remove with [`output::remove_stale`]
    /// once nobody is waiting.
    pub stale: Vec<PathBuf>,
}

/// Builds the site described by `options`.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let started = Instant::now();
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url)?;
    }
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    output::check_output_dir(&options.root, &output_dir)?;
    let now = build_time(options.clock.as_deref(), &config)?;
    let load_options = LoadOptions {
        drafts: options.drafts,
        future: options.future,
        now,
    };
    let theme_files = theme::load_files(&options.root, &config);
    let tera = theme_files
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|files| theme::build_tera(files, &config));
    let site = Site::load(&options.root, config, &load_options);
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
    let staging = Staging::begin(&output_dir)?;
    render::render_site(&site, &tera, &|file| staging.write(file))?;
    staging.copy_all(&copy_jobs(&site, theme_files.statics))?;
    let files = staging.files_written();
    let stale = staging.commit()?;
    Ok(BuildReport {
        output: output_dir,
        pages: site.pages.len(),
        sections: site.sections.len(),
        files,
        elapsed: started.elapsed(),
        stale,
    })
}

/// The build's notion of now: `--clock`, or the real time in the site's zone.
fn build_time(clock: Option<&str>, config: &Config) -> Result<ZonedDateTime, Error> {
    match clock {
        None => Ok(ZonedDateTime::now().with_time_zone(config.timezone.clone())),
        Some(text) => DateInput::parse(text)
            .map(|date| date.in_zone(&config.timezone))
            .map_err(|message| Error::new(format!("--clock: {message}")).with_hint(DATE_FORMS)),
    }
}

/// Theme and site static files, section assets and bundle files.
fn copy_jobs(site: &Site, statics: Vec<(String, StaticSource)>) -> Vec<CopyJob> {
    let mut jobs: Vec<CopyJob> = Vec::new();
    for (to, source) in statics {
        jobs.retain(|job| job.to != to);
        jobs.push(CopyJob { source, to });
    }
    for section in &site.sections {
        for (from, name) in &section.assets {
            jobs.push(CopyJob {
                source: StaticSource::Disk(from.clone()),
                to: format!("{}{name}", section.path),
            });
        }
    }
    for page in &site.pages {
        for (from, name) in &page.assets {
            jobs.push(CopyJob {
                source: StaticSource::Disk(from.clone()),
                to: format!("{}{name}", page.path),
            });
        }
    }
    jobs
}
