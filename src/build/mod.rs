//! `linju build`: one build, start to end, as the first build of a
//! [`Session`] (which strings the phases together).

pub mod addresses;
pub mod changes;
mod kept_search;
mod made;
mod narrow;
pub mod output;
mod record;
mod render_order;
mod selections;
pub mod session;
mod site_files;
mod spare;
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

/// Reads the site and renders its Markdown without rendering templates or
/// writing anything (`linju build --read-only`): the floor a build is
/// measured against. Returns the page count and the phases.
pub fn read_only(options: &BuildOptions) -> Result<(usize, crate::Timings), Errors> {
    Session::new(options.clone())?.read_only()
}

/// Builds the site described by `options`: a [`Session`]'s first build.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let mut session = Session::new(options.clone())?.one_off();
    let report = session.build()?;
    let output = session.output_dir().to_path_buf();
    // Freeing a big site's millions of small values takes seconds, and
    // the command line exits as soon as it has printed the report: they
    // are freed on a thread nobody waits for.
    std::thread::spawn(move || drop(session));
    Ok(BuildReport {
        output,
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
