//! What a set of changed files means for a rebuild: which of them are the
//! site's configuration, theme, static files or content, and which are
//! editors' scratch files to ignore. Pure: looks at paths and asks the file
//! system only whether a path is a file.

use crate::fs::is_scratch_file;
use std::path::{Path, PathBuf};

use crate::config::CONFIG_FILE;

/// Changed files sorted by what they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `linju.yaml` changed: everything is rebuilt.
    pub config: bool,
    /// A template (under `templates/` or a theme's `templates/`).
    pub templates: bool,
    /// A file copied as is (`static/`, a theme's `static/`), by path.
    pub statics: Vec<PathBuf>,
    /// Existing `.md` files under `content/` that are still files: maybe
    /// only their pages changed.
    pub content_files: Vec<PathBuf>,
    /// Other files under `content/` (section files, bundle files, folders,
    /// anything created, deleted or renamed).
    pub content_other: Vec<PathBuf>,
}

impl Changes {
    /// Sorts `paths` (absolute) of the site in `root` (absolute).
    pub fn classify(root: &Path, paths: &[PathBuf]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            if is_scratch_file(relative) {
                continue;
            }
            let mut parts = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy());
            let first = parts.next().unwrap_or_default();
            match first.as_ref() {
                CONFIG_FILE if relative.components().count() == 1 => changes.config = true,
                "templates" => changes.templates = true,
                "static" => changes.statics.push(path.clone()),
                "themes" => {
                    let _theme = parts.next();
                    if parts.next().is_some_and(|p| p == "static") {
                        changes.statics.push(path.clone());
                    } else {
                        changes.templates = true;
                    }
                }
                // A spreadsheet's rows are pages: a reload takes them again.
                crate::data_settings::DATA_DIR => changes.content_other.push(path.clone()),
                "content" => {
                    let is_page_file = path.extension().is_some_and(|e| e == "md")
                        && path.file_name().is_some_and(|n| n != "_index.md")
                        && path.is_file();
                    if is_page_file {
                        changes.content_files.push(path.clone());
                    } else {
                        changes.content_other.push(path.clone());
                    }
                }
                _ => {}
            }
        }
        changes
    }

    /// Whether nothing the site is made from changed.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Whether only page files changed (Markdown, or a spreadsheet's rows).
    pub fn only_pages(&self) -> bool {
        !self.config
            && !self.templates
            && self.statics.is_empty()
            && self.content_other.is_empty()
            && !self.content_files.is_empty()
    }

    /// Whether only stylesheets changed (browsers can swap them in place).
    pub fn only_styles(&self) -> bool {
        !self.config
            && !self.templates
            && self.content_files.is_empty()
            && self.content_other.is_empty()
            && !self.statics.is_empty()
            && self
                .statics
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(paths: &[&str]) -> Changes {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        Changes::classify(root, &paths)
    }

    #[test]
    fn editor_scratch_files_are_ignored() {
        for name in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/.#a.md",
            "content/4913",
            "content/#a.md#",
            "content/events/a.md.tmp",
            "templates/.base.html.swx",
        ] {
            assert!(classify(&[name]).is_empty(), "{name}");
        }
    }

    #[test]
    fn sorts_by_kind() {
        let changes = classify(&[
            "linju.yaml",
            "templates/story.html",
            "static/style.css",
            "themes/default/static/style.css",
            "themes/default/templates/base.html",
            "content/events/_index.md",
            "content/events/photo.jpg",
            "public/index.html",
        ]);
        assert!(changes.config);
        assert!(changes.templates);
        assert_eq!(changes.statics.len(), 2);
        assert_eq!(changes.content_other.len(), 2);
        assert!(changes.content_files.is_empty());
    }

    #[test]
    fn only_stylesheets() {
        assert!(classify(&["static/a.css", "themes/default/static/b.css"]).only_styles());
        assert!(!classify(&["static/a.css", "static/app.js"]).only_styles());
        assert!(!classify(&[]).only_styles());
    }
}
