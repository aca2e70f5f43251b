//! Starting and adding: `linju init` writes a new site that builds at
//! once (a `linju.yaml` with every key explained in Chinese, one page of
//! each type, a community, a screen), and `linju new` writes one page of a
//! type with every field of that type present and explained, in the
//! section of that type, under a pinyin file name. Neither ever overwrites
//! a file.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::content::discover::discover;
use crate::content::frontmatter;
use crate::content::{PAGE_TYPES, PageType};
use crate::error::Error;
use crate::lang::{Text, tr};
use crate::slugs;
use crate::suggest;

/// The site `linju init` writes.
static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

/// What `init` wrote: the site folder and its files, relative to it.
#[derive(Debug, Clone)]
pub struct Initialised {
    /// The new site's folder.
    pub root: PathBuf,
    /// The files written, relative to `root`.
    pub files: Vec<PathBuf>,
}

/// Writes a new site into `dir`, which must be empty or not exist yet.
/// `bare` writes only `linju.yaml`, the home page and the sections.
pub fn init(dir: &Path, bare: bool) -> Result<Initialised, Error> {
    refuse_a_folder_in_use(dir)?;
    let mut files = Vec::new();
    for file in starter_files(&STARTER) {
        let path = file.path();
        let is_example_page =
            path.starts_with("content") && path.file_name().is_some_and(|n| n != "_index.md");
        if bare && is_example_page {
            continue;
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, ("创建文件夹", "create the folder"), &e))?;
        }
        std::fs::write(&target, file.contents())
            .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e))?;
        files.push(path.to_path_buf());
    }
    files.sort();
    Ok(Initialised {
        root: dir.to_path_buf(),
        files,
    })
}

fn starter_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut files: Vec<&include_dir::File<'_>> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(starter_files(sub));
    }
    files
}

fn refuse_a_folder_in_use(dir: &Path) -> Result<(), Error> {
    let in_use = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(dir, ("读取文件夹", "read the folder"), &e)),
    };
    if !in_use {
        return Ok(());
    }
    let shown = dir.display();
    Err(Error::in_file(
        dir,
        tr!(
            "文件夹 {shown} 不是空的，没有写入任何文件",
            "the folder {shown} is not empty; nothing was written"
        ),
    )
    .with_hint(tr!(
        "换一个新文件夹名，例如 linju init 我的社区网站",
        "choose a new folder, e.g. linju init my-site"
    )))
}

/// What `linju new` is asked for.
#[derive(Debug, Clone, Default)]
pub struct NewPage {
    /// The site folder.
    pub root: PathBuf,
    /// The type's name (`story`, `family`, …).
    pub type_name: String,
    /// The title.
    pub title: String,
    /// `community:` to fill in.
    pub community: Option<String>,
    /// The section, relative to `content/` (`events/council`), instead of
    /// the one of the type found by itself.
    pub section: Option<String>,
    /// A folder with `index.md`, for a page with photos.
    pub bundle: bool,
    /// Today, as `2025-11-10`, in the site's time zone (`None`: now).
    pub today: Option<String>,
}

/// Writes the new page and returns its path relative to the site.
pub fn new_page(request: &NewPage) -> Result<PathBuf, Error> {
    let page_type =
        PageType::from_name(&request.type_name).ok_or_else(|| unknown_type(&request.type_name))?;
    let section = match &request.section {
        Some(section) => section.trim_matches('/').to_string(),
        None => section_of_type(&request.root, page_type)?,
    };
    let stem = slugs::slugify(&request.title);
    let relative = if request.bundle {
        Path::new("content")
            .join(&section)
            .join(&stem)
            .join("index.md")
    } else {
        Path::new("content")
            .join(&section)
            .join(format!("{stem}.md"))
    };
    let target = request.root.join(&relative);
    if target.exists() || (!request.bundle && target.with_extension("").join("index.md").exists()) {
        return Err(Error::in_file(
            &relative,
            tr!(
                "这个文件已经存在，没有改动它",
                "the file already exists; it was left as it is"
            ),
        )
        .with_hint(tr!(
            "换一个标题，或直接打开这个文件编辑",
            "choose another title, or open the file and edit it"
        )));
    }
    let today = match &request.today {
        Some(today) => today.clone(),
        None => today_in_site_zone(&request.root),
    };
    let text = page_text(
        page_type,
        &request.title,
        &today,
        request.community.as_deref(),
    );
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(parent, ("创建文件夹", "create the folder"), &e))?;
    }
    std::fs::write(&target, text)
        .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e))?;
    Ok(relative)
}

fn unknown_type(name: &str) -> Error {
    let names: Vec<&str> = PAGE_TYPES.iter().map(|t| t.name()).collect();
    let list: Vec<String> = PAGE_TYPES
        .iter()
        .map(|t| format!("{}（{}）", t.name(), t.chinese_name()))
        .collect();
    let list = list.join("、");
    Error::new(tr!(
        "没有 `{name}` 这种页面类型",
        "there is no page type `{name}`"
    ))
    .with_hint(
        suggest::did_you_mean(name, &names)
            .append(&tr!("（可以用：{list}）", " (the types: {list})")),
    )
}

/// `YYYY-MM-DD` today in the site's time zone (Shanghai if the
/// configuration cannot be read).
fn today_in_site_zone(root: &Path) -> String {
    let zone = Config::load(root).map_or_else(
        |_| jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC),
        |config| config.timezone,
    );
    jiff::ZonedDateTime::now()
        .with_time_zone(zone)
        .date()
        .to_string()
}

/// The section (relative to `content/`) whose type is `page_type`: the
/// shallowest one; for plain pages, the home folder.
fn section_of_type(root: &Path, page_type: PageType) -> Result<String, Error> {
    let discovered = discover(&root.join("content")).map_err(|errors| {
        errors
            .0
            .into_iter()
            .next()
            .unwrap_or_else(|| Error::new(Text::same("content/")))
    })?;
    let mut inherited: Vec<(String, PageType)> = Vec::new();
    for source in &discovered.sections {
        let parent_type = inherited
            .iter()
            .filter(|(key, _)| source.key.starts_with(&format!("{key}/")) || key.is_empty())
            .max_by_key(|(key, _)| key.len())
            .map_or(PageType::Page, |(_, t)| *t);
        let own = source
            .index
            .as_ref()
            .and_then(|index| declared_type(root, index));
        inherited.push((source.key.clone(), own.unwrap_or(parent_type)));
    }
    if page_type == PageType::Page {
        return Ok(String::new());
    }
    let mut matching: Vec<&(String, PageType)> =
        inherited.iter().filter(|(_, t)| *t == page_type).collect();
    matching.sort_by_key(|(key, _)| (key.matches('/').count(), key.clone()));
    matching.first().map(|(key, _)| key.clone()).ok_or_else(|| {
        let name = page_type.name();
        let chinese = page_type.chinese_name();
        Error::new(tr!(
            "网站里还没有{chinese}（{name}）类型的栏目",
            "the site has no section of type {name} yet"
        ))
        .with_hint(tr!(
            "新建一个文件夹，在里面放 _index.md，写上 `type: {name}`；或用 --section 指定栏目",
            "create a folder with an _index.md holding `type: {name}`, or name the section with --section"
        ))
    })
}

fn declared_type(root: &Path, index: &Path) -> Option<PageType> {
    let text = std::fs::read_to_string(index).ok()?;
    let file = index.strip_prefix(root).unwrap_or(index);
    let split = frontmatter::split(file, &text).ok()?;
    let meta = frontmatter::parse_section(file, split.yaml).ok()?;
    PageType::from_name(meta.page_type.as_deref()?)
}

/// The page: the common fields, the type's own, each with its comment.
fn page_text(page_type: PageType, title: &str, today: &str, community: Option<&str>) -> String {
    let head = include_str!("types/common-head.md");
    let tail = include_str!("types/common-tail.md");
    let own = match page_type {
        PageType::Story => include_str!("types/story.md"),
        PageType::Family => include_str!("types/family.md"),
        PageType::Event => include_str!("types/event.md"),
        PageType::Station => include_str!("types/station.md"),
        PageType::Notice => include_str!("types/notice.md"),
        PageType::Community => include_str!("types/community.md"),
        PageType::Page => include_str!("types/page.md"),
    };
    let mut tail = tail.to_string();
    if page_type == PageType::Community {
        tail = drop_field(&tail, "community");
    }
    let quoted = serde_json::to_string(title).unwrap_or_else(|_| format!("\"{title}\""));
    format!("{head}{own}{tail}")
        .replace("{{TITLE}}", &quoted)
        .replace("{{DATE}}", today)
        .replace("{{COMMUNITY}}", community.unwrap_or_default())
}

/// `text` without `key:` and the comment line above it.
fn drop_field(text: &str, key: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let is_field = line.starts_with(&format!("{key}:"));
        let comments_field = line.starts_with('#')
            && lines
                .get(index + 1)
                .is_some_and(|next| next.starts_with(&format!("{key}:")));
        if !is_field && !comments_field {
            kept.push(line);
        }
    }
    kept.join("\n") + "\n"
}
