//! What a section folder becomes besides its own `_index.md`: its address,
//! and the section that stands in for it when its `_index.md` is missing.

use std::path::Path;

use crate::config::Config;
use crate::content::discover::{SectionSource, section_index_key};
use crate::content::{PageType, Section, SortBy};
use crate::markdown::Rendered;
use crate::slugs;

/// A section's address: its parent's, then its folder name as a slug.
fn section_path(source: &SectionSource, parent: Option<usize>, sections: &[Section]) -> String {
    match parent {
        None => String::new(),
        Some(p) => {
            let name = source.key.rsplit('/').next().unwrap_or(&source.key);
            format!("{}{}/", sections[p].path, slugs::slug_for_stem(name))
        }
    }
}

/// A section with defaults only: for folders without `_index.md`, and to
/// keep going after a bad one so its pages are still checked.
pub(super) fn fallback_section(
    root: &Path,
    config: &Config,
    source: &SectionSource,
    parent: Option<usize>,
    inherited: PageType,
    sections: &[Section],
) -> Section {
    let name = source.key.rsplit('/').next().unwrap_or_default();
    Section {
        file: source
            .dir
            .strip_prefix(root)
            .unwrap_or(&source.dir)
            .to_path_buf(),
        source_key: section_index_key(&source.key),
        meta: Default::default(),
        title: name.to_string(),
        path: section_path(source, parent, sections),
        page_type: inherited,
        sort_by: if inherited == PageType::Page {
            SortBy::Weight
        } else {
            SortBy::Date
        },
        paginate_by: config.paginate_by,
        subsections: Vec::new(),
        pages: Vec::new(),
        body: String::new(),
        body_line: 1,
        assets: source.assets.clone(),
        rendered: Rendered::default(),
    }
}
