//! `linju build`: one build, start to end, as the first build of a
//! [`Session`] (which strings the phases together).

use std::path::PathBuf;
use std::time::Duration;

use crate::error::Errors;
use crate::session::Session;

/// What `linju build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Output folder; `root/public` if unset.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `linju.yaml`.
    pub base_url: Option<String>,
    /// Replaces the scheme and host of `base_url` but keeps its path
    /// (`serve` uses its own address, and the site's sub-path still works).
    pub origin: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include pages whose `publish` time is in the future.
    pub future: bool,
    /// Build as if it were this time (`2026-05-01 18:00`).
    pub clock: Option<String>,
    /// Told how image work advances (done, total), for a progress bar.
    pub progress: Option<Progress>,
}

/// A progress callback (a newtype so options stay `Debug`).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<crate::images::ProgressFn>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
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
    /// Processed photo files made (the rest came from the cache).
    pub images_made: usize,
    /// Previous sites set aside, to remove with [`crate::output::remove_stale`]
    /// once nobody is waiting.
    pub stale: Vec<PathBuf>,
}

/// Builds the site described by `options`: a [`Session`]'s first build.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let mut session = Session::new(options.clone())?;
    let report = session.build()?;
    Ok(BuildReport {
        output: session.output_dir().to_path_buf(),
        pages: report.pages,
        sections: report.sections,
        files: report.files,
        elapsed: report.elapsed,
        images_made: report.images_made,
        stale: report.stale,
    })
}
