//! The output folder: refusing dangerous ones, and changing a live site
//! (the output of `serve` and `watch`) file by file, each atomically.
//! Whole sites are written aside and swapped in by `build::staging`.

use std::path::{Component, Path, PathBuf};

use crate::build::spare;
use crate::error::{Error, Result};
use crate::fs::absolute;
use crate::lang::tr;
use crate::render::theme::StaticSource;

/// A file to copy into the output.
#[derive(Debug, Clone)]
pub struct CopyJob {
    /// Where the bytes come from.
    pub source: StaticSource,
    /// Path relative to the output folder.
    pub to: String,
}

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    let protected = ["content", "themes", "templates", "static"].map(|name| root.join(name));
    let holds_site = root.starts_with(&output);
    let inside_sources = protected.iter().any(|p| output.starts_with(p));
    if holds_site || inside_sources || output.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::in_file(
            &output,
            tr!(
                "不能把网站输出到这个文件夹：它就是（或包含）网站自己的文件",
                "refusing to use this folder for output: it is, or holds, the site's own files"
            ),
        )
        .with_hint(tr!(
            "每次生成都会替换输出文件夹；请用单独的文件夹，例如 public/",
            "linju replaces the output folder on every build; use a folder of its own such as public/"
        )));
    }
    Ok(())
}

/// Copies one file into `dir` (a staging folder). Whatever a recycled
/// folder has at its path goes first: it may be an inode the live site
/// shares, which must never change.
pub(super) fn copy_one(dir: &Path, copy: &CopyJob) -> Result<()> {
    let target = safe_join(dir, &copy.to)?;
    spare::clear(&target);
    if let Some(folder) = target.parent() {
        spare::make_folders(dir, folder)
            .map_err(|e| Error::io(folder, ("创建文件夹", "create the folder"), &e))?;
    }
    match &copy.source {
        StaticSource::Disk(from) => copy_published(from, &target),
        StaticSource::Generated(from) => link_or_copy(from, &target),
        StaticSource::Embedded(bytes) => std::fs::write(&target, bytes)
            .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e)),
    }
}

/// Replaces one file of a live site (the output of `serve` or `watch`):
/// written beside its place under a temporary name, then renamed over it,
/// so a reader sees the old file or the new one, never half of one.
pub fn replace_file(output_dir: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    replace_with(output_dir, relative, |temporary| {
        std::fs::write(temporary, bytes)
            .map_err(|e| Error::io(temporary, ("写入文件", "write the file"), &e))
    })
}

/// Copies a file of the site into the output as it is, unless it is a
/// photo: then without its metadata (`images::publishable_bytes`), or not
/// at all if its location cannot be taken out.
fn copy_published(from: &Path, to: &Path) -> Result<()> {
    match crate::images::publishable_bytes(from)? {
        Some(stripped) => std::fs::write(to, stripped)
            .map_err(|e| Error::io(to, ("写入文件", "write the file"), &e)),
        None => std::fs::copy(from, to)
            .map(|_| ())
            .map_err(|e| Error::io(from, ("复制文件", "copy the file"), &e)),
    }
}

/// Copies a static file into a live site, atomically like [`replace_file`].
pub fn replace_with_copy(output_dir: &Path, relative: &str, source: &StaticSource) -> Result<()> {
    match source {
        StaticSource::Embedded(bytes) => replace_file(output_dir, relative, bytes),
        StaticSource::Generated(from) => replace_with(output_dir, relative, |temporary| {
            link_or_copy(from, temporary)
        }),
        StaticSource::Disk(from) => replace_with(output_dir, relative, |temporary| {
            copy_published(from, temporary)
        }),
    }
}

/// Fills a temporary file beside the target with `fill`, then renames it
/// over the target.
fn replace_with(
    output_dir: &Path,
    relative: &str,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let target = safe_join(output_dir, relative)?;
    create_parent(&target)?;
    crate::fs::replace_with(&target, fill)
}

/// Removes a file the site no longer has, and the folders it leaves empty.
pub fn remove_file(output_dir: &Path, relative: &str) -> Result<()> {
    let target = safe_join(output_dir, relative)?;
    match std::fs::remove_file(&target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&target, ("删除文件", "remove the file"), &e)),
    }
    spare::remove_empty_folders(output_dir, &target);
    Ok(())
}

/// A hard link where the file system allows (same disk), else a copy.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_file(to);
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| Error::io(from, ("复制文件", "copy the file"), &e))
}

pub(super) fn create_parent(target: &Path) -> Result<()> {
    match target.parent() {
        Some(dir) => std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(dir, ("创建文件夹", "create the folder"), &e)),
        None => Ok(()),
    }
}

/// Joins a relative output path, refusing anything that could leave `base`.
pub(super) fn safe_join(base: &Path, relative: &str) -> Result<PathBuf> {
    let path = Path::new(relative);
    let escapes = path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)));
    if escapes || relative.is_empty() {
        return Err(Error::new(tr!(
            "拒绝写到输出文件夹以外：`{relative}`",
            "refusing to write outside the output folder: `{relative}`"
        )));
    }
    Ok(base.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_site_root_and_its_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn paths_cannot_escape() {
        assert!(safe_join(Path::new("/tmp/x"), "../etc/passwd").is_err());
        assert!(safe_join(Path::new("/tmp/x"), "/etc/passwd").is_err());
        assert!(safe_join(Path::new("/tmp/x"), "a/b.html").is_ok());
    }
}
