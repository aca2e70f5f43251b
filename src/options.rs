//! What a build is asked to do: the options `build`, `serve` and `watch`
//! share. A leaf, so every wing can take them without importing the one
//! that runs builds.

use std::path::PathBuf;

/// Told how image work advances: (done, total).
pub type ProgressFn = dyn Fn(usize, usize) + Send + Sync;

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
    /// Add the addresses of this build to `published-addresses.txt` (what
    /// `linju build` does; `serve`, `watch` and `check` only compare).
    pub record_addresses: bool,
    /// Told how image work advances (done, total), for a progress bar.
    pub progress: Option<Progress>,
    /// A one-off build of at least this many pages spools their rendered
    /// bodies to disk (see `spool`); unset, [`SPOOL_FROM_PAGES`].
    pub spool_from_pages: Option<usize>,
}

/// The site size from which a one-off build spools page bodies. Below
/// it, holding them costs little memory (50 MB at 10,000 pages) and
/// spooling costs time (3 % at 10,000 pages: a write and two reads each).
pub const SPOOL_FROM_PAGES: usize = 20_000;

/// A progress callback (a newtype so options stay `Debug`).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<ProgressFn>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}
