//! The content model: page types, and the plain data a loaded site is made
//! of (`Page`, `Section`). Checking a page's raw front matter against its
//! type lives here too. No I/O.

pub mod communities;
pub mod discover;
pub mod frontmatter;
pub mod order;
pub mod reload;
pub mod site;
pub mod urls;

use std::path::{Path, PathBuf};

use jiff::ZonedDateTime;

use crate::content::frontmatter::{PageFrontMatter, SectionFrontMatter, top_level_keys};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::suggest;

/// Which schema a section's pages follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageType {
    /// A plain page.
    Page,
    /// 身边的奋斗者: a striver's profile.
    Story,
    /// 最美家庭.
    Family,
    /// An event: council meeting, cultural event, volunteering...
    Event,
    /// A community service station.
    Station,
    /// A short notice.
    Notice,
    /// A community (the communities taxonomy).
    Community,
}

/// Every type, in the order they are listed in messages.
pub const PAGE_TYPES: [PageType; 7] = [
    PageType::Page,
    PageType::Story,
    PageType::Family,
    PageType::Event,
    PageType::Station,
    PageType::Notice,
    PageType::Community,
];

impl PageType {
    /// The name written in `type:`, also the default template's stem.
    pub fn name(self) -> &'static str {
        match self {
            PageType::Page => "page",
            PageType::Story => "story",
            PageType::Family => "family",
            PageType::Event => "event",
            PageType::Station => "station",
            PageType::Notice => "notice",
            PageType::Community => "community",
        }
    }

    /// Reads a `type:` value.
    pub fn from_name(name: &str) -> Option<PageType> {
        PAGE_TYPES.into_iter().find(|t| t.name() == name)
    }

    /// The fields only this type may use.
    pub fn own_fields(self) -> &'static [&'static str] {
        match self {
            PageType::Page => &[],
            PageType::Story => &["person", "occupation", "honors", "quote"],
            PageType::Family => &["family", "members", "honors", "motto"],
            PageType::Event => &[
                "kind",
                "end",
                "location",
                "organizer",
                "participants",
                "steps",
                "resolved",
            ],
            PageType::Station => &["address", "hours", "phone", "areas", "geo"],
            PageType::Notice => &["urgent"],
            PageType::Community => &["street", "brand", "description"],
        }
    }

    /// Whether a page of this type may set `field` (common fields are
    /// handled by serde; this only rules on type-specific ones).
    pub fn allows(self, field: &str) -> bool {
        let typed_elsewhere = PAGE_TYPES.iter().any(|t| t.own_fields().contains(&field));
        !typed_elsewhere || self.own_fields().contains(&field)
    }

    /// The types that own `field`.
    pub fn owners_of(field: &str) -> Vec<&'static str> {
        PAGE_TYPES
            .iter()
            .filter(|t| t.own_fields().contains(&field))
            .map(|t| t.name())
            .collect()
    }

    /// The field a page of this type must have, besides `title`.
    fn required_field(self) -> Option<&'static str> {
        match self {
            PageType::Story => Some("person"),
            PageType::Family => Some("family"),
            PageType::Event => Some("date"),
            PageType::Station => Some("address"),
            _ => None,
        }
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Lightest first.
    Weight,
    /// By title.
    Title,
}

impl SortBy {
    fn from_name(name: &str) -> Option<SortBy> {
        match name {
            "date" => Some(SortBy::Date),
            "weight" => Some(SortBy::Weight),
            "title" => Some(SortBy::Title),
            _ => None,
        }
    }
}

/// One page of the site, loaded and checked.
#[derive(Debug, Clone)]
pub struct Page {
    /// Source file, relative to the site root (for messages).
    pub file: PathBuf,
    /// Source path relative to `content/` with `/` separators (for `@/` links).
    pub source_key: String,
    /// What the slug was made from: the file stem, or a bundle's folder name.
    pub stem: String,
    /// Index of the section the page is in.
    pub section: usize,
    /// The schema the page follows.
    pub page_type: PageType,
    /// The front matter as written.
    pub meta: PageFrontMatter,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Output path relative to the site root, ending in `/` (`events/a/`).
    pub path: String,
    /// Dates in the site's time zone.
    pub date: Option<ZonedDateTime>,
    /// Last update.
    pub updated: Option<ZonedDateTime>,
    /// When the page may first be shown.
    pub publish: Option<ZonedDateTime>,
    /// When a notice stops being shown.
    pub expires: Option<ZonedDateTime>,
    /// Event end.
    pub end: Option<ZonedDateTime>,
    /// The Markdown body.
    pub body: String,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Files beside a bundle's `index.md`, as (absolute source, path relative to the bundle).
    pub assets: Vec<(PathBuf, String)>,
    /// Index (in `Site::pages`) of the community this page belongs to.
    pub community: Option<usize>,
    /// The rendered body.
    pub rendered: Rendered,
    /// File line of `community:` (for errors).
    pub community_line: usize,
    /// Whether the page is a bundle (`name/index.md`).
    pub is_bundle: bool,
    /// The processed versions of its `cover:` photo, if it has one beside it.
    pub cover_image: Option<crate::images::Picture>,
}

impl Page {
    /// Output path that relative links and the cover resolve against: the
    /// page's own folder for a bundle, its section's folder otherwise.
    pub fn asset_base<'a>(&'a self, section_path: &'a str) -> &'a str {
        if self.is_bundle {
            &self.path
        } else {
            section_path
        }
    }
}

/// One section (a folder of content).
#[derive(Debug, Clone)]
pub struct Section {
    /// `_index.md`, relative to the site root, or the folder if it has none.
    pub file: PathBuf,
    /// Source path relative to `content/` (`events/_index.md`).
    pub source_key: String,
    /// The front matter as written.
    pub meta: SectionFrontMatter,
    /// Title.
    pub title: String,
    /// Output path relative to the site root (`events/`; `` for the home).
    pub path: String,
    /// The schema of its pages.
    pub page_type: PageType,
    /// Page order.
    pub sort_by: SortBy,
    /// Page size of its list.
    pub paginate_by: usize,
    /// Child sections.
    pub subsections: Vec<usize>,
    /// Its pages, sorted.
    pub pages: Vec<usize>,
    /// The Markdown body of `_index.md`.
    pub body: String,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Other files in the folder, as (absolute source, path relative to the section).
    pub assets: Vec<(PathBuf, String)>,
    /// The rendered body.
    pub rendered: Rendered,
}

/// Checks a section's `type` and `sort_by`.
pub fn check_section_meta(
    file: &Path,
    yaml: &str,
    meta: &SectionFrontMatter,
    inherited: PageType,
) -> Result<(PageType, SortBy)> {
    let line = |key: &str| key_line(yaml, key);
    let page_type = match &meta.page_type {
        None => inherited,
        Some(name) => PageType::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = PAGE_TYPES.iter().map(|t| t.name()).collect();
            Error::at_line(file, line("type"), format!("unknown section type `{name}`"))
                .with_hint(suggest::did_you_mean(name, &names))
        })?,
    };
    let default_sort = if page_type == PageType::Page {
        SortBy::Weight
    } else {
        SortBy::Date
    };
    let sort_by = match &meta.sort_by {
        None => default_sort,
        Some(name) => SortBy::from_name(name).ok_or_else(|| {
            Error::at_line(file, line("sort_by"), format!("unknown sort_by `{name}`"))
                .with_hint(suggest::did_you_mean(name, &["date", "weight", "title"]))
        })?,
    };
    if meta.paginate_by == Some(0) {
        return Err(Error::at_line(
            file,
            line("paginate_by"),
            "paginate_by must be at least 1",
        ));
    }
    Ok((page_type, sort_by))
}

/// Checks that a page only uses fields of its type and has the required
/// ones. Reports every problem in the page.
pub fn check_page_meta(
    file: &Path,
    yaml: &str,
    meta: &PageFrontMatter,
    page_type: PageType,
) -> Vec<Error> {
    let mut errors = Vec::new();
    for (key, line) in top_level_keys(yaml) {
        if !page_type.allows(key) {
            errors.push(
                Error::at_line(
                    file,
                    line,
                    format!("field `{key}` does not belong on a {} page", page_type.name()),
                )
                .with_hint(format!(
                    "`{key}` is for {} pages; this page's section has type `{}`. Remove the field, move the page, or keep free data under `extra:`",
                    PageType::owners_of(key).join("/"),
                    page_type.name()
                )),
            );
        }
    }
    if meta.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Error::at_line(file, 1, "the page has no title")
                .with_hint("add `title: ...` to the front matter between the `---` lines"),
        );
    }
    if let Some(field) = page_type.required_field() {
        let present = match field {
            "person" => meta.person.is_some(),
            "family" => meta.family.is_some(),
            "date" => meta.date.is_some(),
            "address" => meta.address.is_some(),
            _ => true,
        };
        if !present {
            errors.push(
                Error::at_line(
                    file,
                    1,
                    format!("a {} page needs `{field}`", page_type.name()),
                )
                .with_hint(format!("add `{field}: ...` to the front matter")),
            );
        }
    }
    errors
}

/// The line of a top-level key, or 1 (the front matter's first line).
pub fn key_line(yaml: &str, key: &str) -> usize {
    top_level_keys(yaml)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map_or(1, |(_, line)| line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::parse_page;

    fn check(yaml: &str, page_type: PageType) -> Vec<Error> {
        let meta = parse_page(Path::new("a.md"), yaml).unwrap();
        check_page_meta(Path::new("a.md"), yaml, &meta, page_type)
    }

    #[test]
    fn fields_of_another_type_are_refused_with_their_line() {
        let errors = check(
            "---\ntitle: t\ndate: 2025-01-01\nperson: 张三\n",
            PageType::Event,
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(4));
        assert!(errors[0].hint.as_ref().unwrap().contains("story"));
    }

    #[test]
    fn required_fields_are_checked() {
        let errors = check("---\ntitle: t\n", PageType::Story);
        assert!(errors[0].message.contains("person"));
        let errors = check("---\nperson: x\n", PageType::Story);
        assert!(errors[0].message.contains("title"));
    }

    #[test]
    fn shared_fields_like_honors_are_allowed_on_both_owners() {
        assert!(PageType::Story.allows("honors"));
        assert!(PageType::Family.allows("honors"));
        assert!(!PageType::Event.allows("honors"));
        assert!(PageType::Event.allows("title"));
    }
}
