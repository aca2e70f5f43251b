//! File-system rules shared by every wing: absolute paths, replacing a file
//! atomically, linju's work folder (`.linju/`, kept out of git), and the
//! names of editors' scratch files that no phase may mistake for content.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The folder, under a site's root, that holds linju's own work: the
/// `serve` output, caches, staging and set-aside sites.
pub const WORK_DIR: &str = ".linju";

/// An absolute, lexically normalised path, with symbolic links resolved
/// where it exists (the folder may not exist yet).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    std::fs::canonicalize(&out).unwrap_or(out)
}

/// Creates `folder` (somewhere under a site's `.linju/`) and puts a
/// `.gitignore` ignoring everything in `.linju/`, so nobody commits
/// generated files.
pub fn create_work_folder(folder: &Path) -> Result<()> {
    std::fs::create_dir_all(folder)
        .map_err(|e| Error::io(folder, ("创建文件夹", "create the folder"), &e))?;
    let work = folder
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == WORK_DIR));
    if let Some(work) = work {
        let ignore = work.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "*\n")
                .map_err(|e| Error::io(&ignore, ("写入文件", "write the file"), &e))?;
        }
    }
    Ok(())
}

/// Replaces `target`: `fill` writes a temporary file beside it, which is
/// then renamed over it, so a reader sees the old file or the new one,
/// never half of one.
pub fn replace_with(target: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let temporary = temporary_beside(target);
    if let Err(error) = fill(&temporary) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    std::fs::rename(&temporary, target).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(target, ("替换文件", "replace the file"), &e)
    })
}

/// Writes `bytes` to `target` atomically (see [`replace_with`]).
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    replace_with(target, |temporary| {
        std::fs::write(temporary, bytes)
            .map_err(|e| Error::io(temporary, ("写入文件", "write the file"), &e))
    })
}

/// A hidden name beside `target`, unique to this process. Hidden, so
/// discovery and the theme skip it ([`is_scratch_name`]).
fn temporary_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.linju-tmp-{}", std::process::id()))
}

/// Reads a text file the writer edits (a page, `linju.yaml`). Text that is
/// not UTF-8 (saved as GBK by an old editor, say) is reported at the line
/// of its first bad byte, with what to do.
pub fn read_text(path: &Path, shown: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(shown, ("读取文件", "read the file"), &e))?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let line = err.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::at_line(
            shown,
            line,
            crate::lang::tr!(
                "这一行有不是 UTF-8 的字（文件可能是用 GBK 等编码保存的）",
                "this line holds bytes that are not UTF-8 (the file was perhaps saved as GBK)"
            ),
        )
        .with_hint(crate::lang::tr!(
            "把文件另存为 UTF-8 编码（多数编辑器在“另存为”里可以选）",
            "save the file as UTF-8 (most editors offer this under \"Save as\")"
        ))
    })
}

/// Whether `path` (found in the site folder `root`) may be read into the
/// site: a regular file, or a link to a regular file inside `root`.
/// Anything else is refused with a reason: a link out of the site (to
/// `/etc/passwd`) would publish what the writer never meant to, and a
/// FIFO or device would block the build forever.
pub fn check_site_file(root: &Path, path: &Path) -> Result<()> {
    check_file_in(root, path).map_err(|mut error| {
        if let Some(relative) = error
            .path
            .as_deref()
            .and_then(|p| p.strip_prefix(root).ok())
        {
            error.path = Some(relative.to_path_buf());
        }
        error
    })
}

fn check_file_in(root: &Path, path: &Path) -> Result<()> {
    let metadata =
        std::fs::symlink_metadata(path).map_err(|e| Error::io(path, ("读取", "read"), &e))?;
    if metadata.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(|_| {
            Error::in_file(
                path,
                crate::lang::tr!("这个链接指向的文件不存在", "this link points at nothing"),
            )
            .with_hint(crate::lang::tr!(
                "删掉这个链接，或把真正的文件放在这里",
                "remove the link, or put the real file here"
            ))
        })?;
        let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if !target.starts_with(&site) {
            let shown = target.display();
            return Err(Error::in_file(
                path,
                crate::lang::tr!(
                    "这个链接指向网站文件夹以外的 {shown}，linju 不会发布它",
                    "this link points outside the site folder, to {shown}; linju will not publish it"
                ),
            )
            .with_hint(crate::lang::tr!(
                "把要发布的文件复制到网站文件夹里，再删掉这个链接",
                "copy the file you mean to publish into the site folder and remove the link"
            )));
        }
        return check_regular(
            path,
            &std::fs::metadata(&target).map_err(|e| Error::io(path, ("读取", "read"), &e))?,
        );
    }
    check_regular(path, &metadata)
}

fn check_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(Error::in_file(
        path,
        crate::lang::tr!(
            "这不是普通文件（可能是管道或设备），linju 不会读它",
            "this is not a regular file (a pipe or a device, perhaps); linju will not read it"
        ),
    )
    .with_hint(crate::lang::tr!(
        "删掉它，或换成普通文件",
        "remove it, or replace it with a regular file"
    )))
}

/// Files editors and tools write next to the real ones: Vim's swap,
/// backup and write-test files, Emacs lock and autosave files, `~`
/// backups, and temporary files of atomic saves. Hidden files count too,
/// as the build ignores them.
pub fn is_scratch_file(path: &Path) -> bool {
    path.components()
        .any(|c| is_scratch_name(&c.as_os_str().to_string_lossy()))
}

/// Whether a file or folder name is a scratch file's (see [`is_scratch_file`]).
/// Discovery, themes and the watcher skip the same names, so a rebuild that
/// ignores them gives what a fresh build would.
pub fn is_scratch_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.starts_with('#')
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".part",
            ".crdownload",
            ".bak",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_recognised() {
        for name in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/4913",
            "content/#a.md#",
            "content/.#a.md",
            "content/a.md.tmp",
            "content/.hidden/a.md",
        ] {
            assert!(is_scratch_file(Path::new(name)), "{name}");
        }
        assert!(!is_scratch_file(Path::new("content/events/a.md")));
    }

    #[test]
    fn a_work_folder_is_kept_out_of_git() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join(WORK_DIR).join("cache").join("images");
        create_work_folder(&cache).unwrap();
        assert!(cache.is_dir());
        let ignore = std::fs::read_to_string(root.path().join(".linju/.gitignore")).unwrap();
        assert_eq!(ignore, "*\n");
    }

    #[test]
    fn only_regular_files_inside_the_site_may_be_read() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("passwd");
        std::fs::write(&secret, "root:x:0:0").unwrap();
        let inside = site.path().join("real.txt");
        std::fs::write(&inside, "ok").unwrap();
        let link_out = site.path().join("passwd.txt");
        let link_in = site.path().join("alias.txt");
        std::os::unix::fs::symlink(&secret, &link_out).unwrap();
        std::os::unix::fs::symlink(&inside, &link_in).unwrap();
        assert!(check_site_file(site.path(), &inside).is_ok());
        assert!(check_site_file(site.path(), &link_in).is_ok());
        let refused = check_site_file(site.path(), &link_out).unwrap_err();
        assert!(refused.message.zh.contains("网站文件夹以外"), "{refused}");
        let fifo = site.path().join("page.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let refused = check_site_file(site.path(), &fifo).unwrap_err();
        assert!(refused.message.zh.contains("不是普通文件"), "{refused}");
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.html");
        std::fs::write(&target, "old").unwrap();
        let failed = replace_with(&target, |_| {
            Err(Error::new(crate::lang::Text::same("disk full")))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
