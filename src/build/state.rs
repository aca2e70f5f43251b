//! What a build reports, and what a session keeps between builds: the
//! loaded site, the theme and the memo of every output file (the signature
//! it was rendered from, the hash of its bytes, where a copy came from,
//! the photos it refers to). The memo always describes what is on disk.

use crate::lang::Lang;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tera::Tera;

use crate::build::selections::NarrowMemo;
use crate::config::Config;
use crate::content::schedule::NextChange;
use crate::content::site::Site;
use crate::error::Error;
use crate::images::Images;
use crate::render::Shared;
use crate::render::theme::{StaticSource, ThemeFiles};
use crate::timings::Timings;

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
    /// Problems that do not stop the build (a full build only): no
    /// `base_url`, personal numbers and revealing photos.
    pub warnings: Vec<Error>,
    /// When the site will next change by itself.
    pub next_change: Option<NextChange>,
    /// How long each phase took (`linju build --timings`).
    pub timings: Timings,
    /// Whether only pages' bodies changed, so the rebuild looked only at
    /// what shows those pages.
    pub narrow: bool,
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

impl Scope {
    /// What was rebuilt, in the writer's language.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Scope::Everything, Lang::Zh) => "全部".to_string(),
            (Scope::Content, Lang::Zh) => "全部内容".to_string(),
            (Scope::Pages(n), Lang::Zh) => format!("{n} 个页面"),
            (Scope::Theme, Lang::Zh) => "主题".to_string(),
            (Scope::Nothing, Lang::Zh) => "没有变化".to_string(),
            (scope, Lang::En) => scope.to_string(),
        }
    }
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

/// Everything kept between rebuilds.
pub struct State {
    pub(super) config: Config,
    pub(super) theme_files: ThemeFiles,
    pub(super) tera: Tera,
    pub(super) template_versions: HashMap<String, u64>,
    pub(super) site: Site,
    pub(super) shared: Shared,
    /// Output path → signature of what it was rendered from.
    pub(super) signatures: HashMap<String, u64>,
    /// Output path → hash of its bytes (rendered files and feeds).
    pub(super) hashes: HashMap<String, u64>,
    /// Output path → where a copied file comes from.
    pub(super) copies: HashMap<String, StaticSource>,
    /// What the sitemap on disk was made from.
    pub(super) sitemap_signature: u64,
    /// The photo pipeline and its cache.
    pub(super) images: Arc<Images>,
    /// Told how image work advances.
    pub(super) progress: Option<crate::options::Progress>,
    /// Processed photos the screens' playlists use.
    pub(super) screen_photos: Vec<String>,
    /// Output path → processed photos that rendered file refers to.
    pub(super) photos_of: HashMap<String, Vec<String>>,
    /// The search index's tokens of each page, for the next rebuild.
    pub(super) search_memo: crate::search::Memo,
    /// Every page's related list, kept while the pages share the same things.
    pub(super) related: Option<Arc<crate::render::related::RelatedLists>>,
    /// Every file's selection, what shows each page and which pages each
    /// feed lists, for a rebuild after an edit of pages' bodies only.
    pub(super) narrow: Option<NarrowMemo>,
    /// When the site next changes by itself, as of the last build.
    pub(super) next_change: Option<NextChange>,
    /// Whether another rebuild may follow (`serve`, `watch`): a one-off
    /// build keeps no memo it would never use.
    pub(super) keep_memos: bool,
}
