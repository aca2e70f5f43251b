//! Finding the content files: which folders are sections, which files are
//! pages (plain or bundles), and which are assets to copy. Reads directory
//! listings only, never file contents.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Errors};
use crate::lang::tr;

/// A folder that is a section.
#[derive(Debug, Clone)]
pub struct SectionSource {
    /// The folder, absolute.
    pub dir: PathBuf,
    /// The folder relative to `content/`, `/`-separated (`` for the root).
    pub key: String,
    /// Its `_index.md`, if it has one.
    pub index: Option<PathBuf>,
    /// Non-Markdown files directly in the folder.
    pub assets: Vec<(PathBuf, String)>,
}

/// A Markdown file that is a page.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// The `.md` file, absolute.
    pub file: PathBuf,
    /// The file relative to `content/`, `/`-separated.
    pub key: String,
    /// Key of the section folder it belongs to.
    pub section_key: String,
    /// The name the slug comes from: the file stem, or a bundle's folder name.
    pub stem: String,
    /// For a bundle: every other file in its folder, with its relative path.
    pub bundle_assets: Option<Vec<(PathBuf, String)>>,
    /// For a row of a spreadsheet (`file` is the spreadsheet): the page
    /// file it stands for, and where it came from.
    pub row: Option<std::sync::Arc<RowOrigin>>,
}

/// Where a page from a row came from, and the page file it stands for.
#[derive(Debug)]
pub struct RowOrigin {
    /// The page file the row stands for.
    pub text: String,
    /// The sheet's name.
    pub sheet: String,
    /// The row's number as the spreadsheet shows it (the header is 1).
    pub row: usize,
    /// For each front matter line, in order, the header of its column.
    pub columns: Vec<String>,
}

/// Everything found under `content/`, sections before their children.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// Section folders in walk order (parents first).
    pub sections: Vec<SectionSource>,
    /// Page files.
    pub pages: Vec<PageSource>,
}

/// Walks `content_dir`.
pub fn discover(content_dir: &Path) -> Result<Discovered, Errors> {
    if !content_dir.is_dir() {
        return Err(Error::in_file(
            content_dir,
            tr!("没有 content 文件夹", "there is no content folder"),
        )
        .with_hint(tr!(
            "新建 content/ 文件夹，放一个首页用的 _index.md；或用 --root 指定网站文件夹",
            "create content/ with an _index.md for the home page, or pass --root to the site folder"
        ))
        .into());
    }
    let mut found = Discovered::default();
    let mut errors = Errors::default();
    let site_root = content_dir.parent().unwrap_or(content_dir);
    let mut walker = WalkDir::new(content_dir).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                errors.push(Error::in_file(
                    path,
                    tr!("无法读取：{err}", "could not read: {err}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() > 0 && is_ignored(path) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let key = key_of(content_dir, path);
        if !entry.file_type().is_dir() && !entry.file_type().is_file() {
            // A link or something stranger: only a link to a regular file
            // inside the site may be read.
            if let Err(error) = crate::fs::check_site_file(site_root, path) {
                errors.push(error);
                continue;
            }
        }
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && path.join("index.md").is_file() {
                found
                    .pages
                    .push(bundle_source(site_root, path, &key, &mut errors));
                walker.skip_current_dir();
            } else {
                found.sections.push(SectionSource {
                    dir: path.to_path_buf(),
                    key,
                    index: None,
                    assets: Vec::new(),
                });
            }
            continue;
        }
        add_file(&mut found, path, key);
    }
    errors.into_result(found)
}

fn add_file(found: &mut Discovered, path: &Path, key: String) {
    let section_key = parent_key(&key);
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let Some(section) = found
        .sections
        .iter_mut()
        .rev()
        .find(|s| s.key == section_key)
    else {
        return;
    };
    if file_name == "_index.md" {
        section.index = Some(path.to_path_buf());
    } else if file_name.ends_with(".md") {
        let stem = file_name.trim_end_matches(".md").to_string();
        found.pages.push(PageSource {
            file: path.to_path_buf(),
            key,
            section_key,
            stem,
            bundle_assets: None,
            row: None,
        });
    } else {
        section
            .assets
            .push((path.to_path_buf(), file_name.to_string()));
    }
}

fn bundle_source(site_root: &Path, dir: &Path, key: &str, errors: &mut Errors) -> PageSource {
    let index = dir.join("index.md");
    if let Err(error) = crate::fs::check_site_file(site_root, &index) {
        errors.push(error);
    }
    let assets = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir() && e.path() != index)
        .filter(|e| !is_ignored(e.path()))
        .filter(|e| {
            e.file_type().is_file()
                || crate::fs::check_site_file(site_root, e.path())
                    .map_err(|error| errors.push(error))
                    .is_ok()
        })
        .map(|e| (e.path().to_path_buf(), key_of(dir, e.path())))
        .collect();
    PageSource {
        file: dir.join("index.md"),
        key: format!("{key}/index.md"),
        section_key: parent_key(key),
        stem: dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("page")
            .to_string(),
        bundle_assets: Some(assets),
        row: None,
    }
}

/// Hidden files and editor leftovers are not content.
fn is_ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    crate::fs::is_scratch_name(name)
}

fn key_of(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The key of the folder holding `key`.
pub fn parent_key(key: &str) -> String {
    key.rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_string())
}

/// The source key of a section's `_index.md`.
pub(super) fn section_index_key(section_key: &str) -> String {
    if section_key.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{section_key}/_index.md")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sections_pages_bundles_and_assets() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("events/council")).unwrap();
        std::fs::write(content.join("_index.md"), "").unwrap();
        std::fs::write(content.join("events/_index.md"), "").unwrap();
        std::fs::write(content.join("events/a.md"), "").unwrap();
        std::fs::write(content.join("events/map.pdf"), "").unwrap();
        std::fs::write(content.join("events/council/index.md"), "").unwrap();
        std::fs::write(content.join("events/council/photo.jpg"), "").unwrap();
        std::fs::write(content.join("events/.a.md.swp"), "").unwrap();
        let found = discover(content).unwrap();
        let keys: Vec<_> = found.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["", "events"]);
        let pages: Vec<_> = found.pages.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(pages, ["events/a.md", "events/council/index.md"]);
        assert_eq!(
            found.pages[1].bundle_assets.as_ref().unwrap()[0].1,
            "photo.jpg"
        );
        assert_eq!(found.sections[1].assets[0].1, "map.pdf");
    }
}
