//! The order of things: each section's pages by its `sort_by`, and the
//! tags with their pages, newest first.

use std::collections::{BTreeMap, HashMap};

use crate::content::{Page, Section, SortBy};
use crate::slugs;

/// A tag and the pages carrying it.
#[derive(Debug, Clone)]
pub struct TagTerm {
    /// As written.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Pages, newest first.
    pub pages: Vec<usize>,
}

/// Fills each section's page list from the pages' `section`, in the
/// section's order.
/// Fills each section's sorted page list.
pub fn attach_pages(sections: &mut [Section], pages: &mut [Page]) {
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    for section in sections.iter_mut() {
        let sort_by = section.sort_by;
        section
            .pages
            .sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], sort_by));
    }
}

/// How two pages of a list sorted `sort_by` compare (ties: by title).
pub(super) fn compare_pages(a: &Page, b: &Page, sort_by: SortBy) -> std::cmp::Ordering {
    let by_title = || a.title.cmp(&b.title);
    match sort_by {
        SortBy::Date => b.date.cmp(&a.date).then_with(by_title),
        SortBy::Weight => a
            .meta
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.meta.weight.unwrap_or(i64::MAX))
            .then_with(by_title),
        SortBy::Title => by_title(),
    }
}

pub fn collect_tags(pages: &[Page]) -> Vec<TagTerm> {
    let mut by_slug: BTreeMap<String, TagTerm> = BTreeMap::new();
    // A few dozen tags on a hundred thousand pages: each is slugified once.
    let mut slug_of: HashMap<&str, String> = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        for tag in &page.meta.tags {
            let slug = slug_of
                .entry(tag.as_str())
                .or_insert_with(|| slugs::slugify(tag))
                .clone();
            let term = by_slug.entry(slug.clone()).or_insert_with(|| TagTerm {
                name: tag.clone(),
                slug,
                pages: Vec::new(),
            });
            // Pages come in index order: a page naming a tag twice is
            // the last one added (`contains` made this quadratic).
            if term.pages.last() != Some(&index) {
                term.pages.push(index);
            }
        }
    }
    let mut tags: Vec<TagTerm> = by_slug.into_values().collect();
    for tag in &mut tags {
        tag.pages
            .sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], SortBy::Date));
    }
    tags
}
