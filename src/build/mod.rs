//! `linju build`: one build, start to end, as the first build of a
//! [`Session`] (which strings the phases together).

pub mod addresses;
pub mod changes;
pub mod output;
pub mod session;
pub mod staging;
pub mod state;
mod write;

use std::path::PathBuf;
use std::time::Duration;

pub use crate::options::BuildOptions;

use crate::build::session::Session;
use crate::content::schedule::NextChange;
use crate::error::{Error, Errors};
use crate::timings::Timings;

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
    /// Previous sites set aside, to remove with [`crate::build::staging::remove_stale`]
    /// once nobody is waiting.
    pub stale: Vec<PathBuf>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Error>,
    /// When the site will next change by itself (a page published, a
    /// notice expiring, an event starting or ending).
    pub next_change: Option<NextChange>,
    /// How long each phase took.
    pub timings: Timings,
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
        warnings: report.warnings,
        next_change: report.next_change,
        timings: report.timings,
    })
}
