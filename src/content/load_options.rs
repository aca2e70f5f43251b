//! What loading a site is asked to do: which pages it includes, and what
//! it keeps of each once rendered.

use std::sync::Arc;

use jiff::ZonedDateTime;

use crate::images::Images;

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
    /// Whether pages keep their Markdown once it is rendered (rebuilds
    /// re-render pages with `@/` links from it, `check` reads links in
    /// it); a one-off build drops it, a third of a big site's memory.
    pub keep_markdown: bool,
    /// From how many pages their rendered bodies go to a spool under
    /// `.linju/` (see `crate::spool`) instead of staying in memory: a
    /// one-off build's choice, since it renders each page once and keeps
    /// nothing after. `None`: never.
    pub spool_from_pages: Option<usize>,
    /// Whether pages' front matter and rendered bodies are kept for the
    /// next load under `.linju/` and taken from the last one's (see
    /// `content::kept_meta`, `content::bodies`): a one-off build's choice
    /// (a session holds its pages in memory instead).
    pub keep_for_next: bool,
}
