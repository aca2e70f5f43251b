//! The content model: page types, and the plain data a loaded site is made
//! of (`Page`, `Section`). Checking a page's raw front matter against its
//! type lives here too. No I/O.

mod bodies;
pub mod communities;
pub mod discover;
pub mod fields;
pub mod frontmatter;
mod kept_meta;
mod load_options;
pub mod order;
pub mod privacy;
pub mod reload;
pub mod schedule;
pub mod screen_fields;
pub mod sections;
pub mod sheets;
pub mod site;
pub mod urls;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::ZonedDateTime;

use crate::content::frontmatter::{PageFrontMatter, SectionFrontMatter, top_level_keys};
use crate::error::{Error, Result};
use crate::lang::{Text, tr};
use crate::markdown::Rendered;
use crate::suggest;

/// Which schema a section's pages follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PageType {
    /// A plain page.
    #[default]
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

    /// What writers call a page of this type, in Chinese.
    pub fn chinese_name(self) -> &'static str {
        match self {
            PageType::Page => "普通",
            PageType::Story => "身边的奋斗者",
            PageType::Family => "最美家庭",
            PageType::Event => "活动",
            PageType::Station => "服务站",
            PageType::Notice => "通知",
            PageType::Community => "社区",
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
    pub fn required_field(self) -> Option<&'static str> {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Newest first.
    #[default]
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
    pub meta: Arc<PageFrontMatter>,
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
    pub body: Arc<str>,
    /// A hash of the front matter as written: what `meta` was parsed
    /// from, so a rebuild can tell it unchanged without serialising it.
    pub meta_hash: u64,
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
    /// Numbers in its file that may be personal (see `content::privacy`);
    /// none for a spreadsheet's row, the office's own register.
    pub numbers: Vec<privacy::NumberSeen>,
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
#[derive(Debug, Clone, Default)]
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
            Error::at_line(
                file,
                line("type"),
                tr!(
                    "没有 `{name}` 这种栏目类型",
                    "unknown section type `{name}`"
                ),
            )
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
            Error::at_line(
                file,
                line("sort_by"),
                tr!("没有 `{name}` 这种排序方式", "unknown sort_by `{name}`"),
            )
            .with_hint(suggest::did_you_mean(name, &["date", "weight", "title"]))
        })?,
    };
    if meta.paginate_by == Some(0) {
        return Err(Error::at_line(
            file,
            line("paginate_by"),
            tr!("paginate_by 至少是 1", "paginate_by must be at least 1"),
        )
        .with_hint(tr!(
            "每页显示几条：写一个正整数，例如 paginate_by: 10",
            "how many items a list page shows: a whole number above 0, e.g. paginate_by: 10"
        )));
    }
    Ok((page_type, sort_by))
}

/// Checks that a page only uses fields of its section's type and has the
/// required ones. Reports every problem in the page.
pub fn check_page_meta(
    file: &Path,
    yaml: &str,
    meta: &PageFrontMatter,
    section: &Section,
) -> Vec<Error> {
    let page_type = section.page_type;
    let mut errors = Vec::new();
    for (key, line) in top_level_keys(yaml) {
        if !page_type.allows(key) {
            let type_name = page_type.name();
            let chinese = page_type.chinese_name();
            errors.push(
                Error::at_line(
                    file,
                    line,
                    tr!(
                        "字段 `{key}` 不属于{chinese}（{type_name}）页面",
                        "field `{key}` does not belong on {type_name} pages",
                    ),
                )
                .with_hint(misplaced_field_hint(key, section)),
            );
        }
    }
    errors.extend(tags_joined_by_a_chinese_comma(file, yaml, &meta.tags));
    if meta.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Error::at_line(file, 1, tr!("页面没有标题", "the page has no title")).with_hint(tr!(
                "在两行 `---` 之间加上 `title: 标题`",
                "add `title: ...` to the front matter between the `---` lines"
            )),
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
            let type_name = page_type.name();
            let chinese = page_type.chinese_name();
            errors.push(
                Error::at_line(
                    file,
                    1,
                    tr!(
                        "{chinese}页面必须有 `{field}`",
                        "{type_name} pages need `{field}`"
                    ),
                )
                .with_hint(tr!(
                    "在前言里加上 `{field}: ...`",
                    "add `{field}: ...` to the front matter"
                )),
            );
        }
    }
    if let Some(hours) = meta.hours.as_deref()
        && let Err((message, hint)) = crate::opening::parse(hours)
    {
        errors.push(Error::at_line(file, key_line(yaml, "hours"), message).with_hint(hint));
    }
    errors
}

/// `tags: [志愿服务，邻里]` is valid YAML for one tag; a Chinese comma or
/// 顿号 inside a tag is almost always meant to separate two.
///
/// The commas a tag may not hold (the schema and the editor's form refuse
/// them too): a writer meant two tags.
pub const CHINESE_COMMAS: [char; 2] = ['，', '、'];

fn tags_joined_by_a_chinese_comma(file: &Path, yaml: &str, tags: &[String]) -> Option<Error> {
    let joined = tags.iter().find(|tag| tag.contains(CHINESE_COMMAS))?;
    let items: Vec<&str> = tags
        .iter()
        .flat_map(|tag| tag.split(CHINESE_COMMAS))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    let fixed = items.join(", ");
    Some(
        Error::at_line(
            file,
            key_line(yaml, "tags"),
            tr!(
                "标签“{joined}”里有中文逗号，会被当成一个标签",
                "the tag \"{joined}\" holds a Chinese comma, so it is one tag"
            ),
        )
        .with_hint(tr!(
            "标签之间用英文逗号隔开：tags: [{fixed}]",
            "separate tags with ASCII commas: tags: [{fixed}]"
        )),
    )
}

/// What to do about a field of another type: when the section never said
/// its type and one type owns the field, the line to add to its
/// `_index.md` (the usual cause: a new section without `type:`).
fn misplaced_field_hint(key: &str, section: &Section) -> Text {
    let owners = PageType::owners_of(key);
    let index = format!("content/{}", section.source_key);
    let type_name = section.page_type.name();
    if let ([owner], None) = (owners.as_slice(), &section.meta.page_type) {
        return tr!(
            "`{key}` 是 {owner} 页面的字段，而这个栏目没有写类型。在 {index} 的前言里加一行 `type: {owner}`（没有这个文件就新建它，内容为三行：`---`、`type: {owner}`、`---`）",
            "`{key}` is a field of {owner} pages and this section does not say its type. Add the line `type: {owner}` to the front matter of {index} (create the file with the three lines `---`, `type: {owner}`, `---` if it does not exist)"
        );
    }
    let owners = owners.join("/");
    tr!(
        "`{key}` 是 {owners} 页面的字段，而 {index} 把这个栏目定为 `{type_name}`。把页面移到 {owners} 类型的栏目，删掉这个字段，或把自由数据放在 `extra:` 下",
        "`{key}` is for {owners} pages; this page's section ({index}) has type `{type_name}`. Move the page, remove the field, or keep free data under `extra:`"
    )
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
        let section = Section {
            page_type,
            ..Section::default()
        };
        check_page_meta(Path::new("a.md"), yaml, &meta, &section)
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
