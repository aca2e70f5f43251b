//! Rendering: every HTML page of the site through Tera. Takes `&Site` and
//! the Tera instance and returns finished files (path + bytes) with what
//! each used; never touches the file system itself.
//!
//! Each HTML file is a [`Target`]. Its [`Selection`] says what it shows
//! (which page, which section, which lists of cards); from that come both
//! its Tera context and its [`Selection::signature`], a hash of everything
//! the file is made from. The same selection feeds both, so a file whose
//! signature did not change cannot have changed, which is what lets
//! `session` re-render only what an edit touched.

pub mod aliases;
pub mod calendar;
pub mod card_order;
pub mod card_refs;
pub mod card_value;
pub mod charts;
pub mod context;
pub mod feeds;
pub mod plan;
pub mod related;
pub mod select;
pub mod shared;
pub mod station;
pub mod stats;
pub mod theme;

pub use plan::{Lookup, plan, select};
pub use select::Selection;
pub use shared::Shared;

use tera::Tera;

use crate::content::site::Site;
use crate::error::Error;
use crate::hash::hash_bytes;
use crate::lang::tr;
use crate::render::theme::template_error;

/// One file to write: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative path, `/`-separated (`events/a/index.html`).
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl Output {
    /// A hash of the bytes, to tell whether a file changed without reading it.
    pub fn content_hash(&self) -> u64 {
        hash_bytes(&self.bytes)
    }
}

/// A rendered file and what it used besides its selection.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file.
    pub output: Output,
    /// Processed photos it refers to (its own pictures and whatever its
    /// template asked for with `resize_image`), to publish with it.
    pub photos: Vec<String>,
}

/// What a page of the default theme weighs, about: the buffer a file is
/// rendered into starts this big.
const PAGE_SIZE_HINT: usize = 16 * 1024;

/// Renders one selected file.
pub fn render_selection(
    site: &Site,
    shared: &Shared,
    tera: &Tera,
    selection: &Selection,
) -> Result<Rendered, Error> {
    let context = selection.context(site, shared);
    // Rendered straight into bytes: `Tera::render` checks the whole page
    // is UTF-8 again, a few per cent of a build, and what it checks is
    // made only of strings.
    let mut html: Vec<u8> = Vec::with_capacity(PAGE_SIZE_HINT);
    tera.render_to(&selection.template, &context, &mut html).map_err(|err| {
        let mut error = template_error(&err);
        let source = selection.source.describe(site);
        let template = &selection.template;
        error.message = tr!(
            "用 `{template}` 生成 {source} 时出错：",
            "while rendering {source} with `{template}`: "
        )
        .append(&error.message);
        error.with_hint(tr!(
            "主题或网站的 templates/ 里有错误；如果你没有改过模板，请报告这个问题",
            "the theme or the site's templates/ has a mistake; if you did not change templates, report this"
        ))
    })?;
    let mut photos = crate::images::referenced_outputs(&html);
    photos.sort_unstable();
    photos.dedup();
    Ok(Rendered {
        output: Output {
            path: selection.output.clone(),
            bytes: html,
        },
        photos,
    })
}

/// The `basic` fixture site, loaded as a build would (no photo pipeline).
#[cfg(test)]
pub(crate) fn fixture() -> Site {
    use crate::config::Config;
    use crate::content::site::LoadOptions;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let config = Config::load(&root).unwrap();
    let now = crate::dates::DateInput::parse("2025-12-01 10:00")
        .unwrap()
        .in_zone(&config.timezone);
    let options = LoadOptions {
        drafts: false,
        future: false,
        now,
        images: None,
        keep_markdown: true,
        spool_from_pages: None,
        keep_for_next: false,
    };
    Site::load(&root, config, &options).unwrap()
}
