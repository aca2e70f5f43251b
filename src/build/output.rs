//! Writing the site: everything goes into a staging folder beside the
//! output, which is swapped in only when every file was written. A failed
//! build leaves the last good site where it was. The previous site is set
//! aside by a rename; removing it is left to the caller, off the path the
//! writer waits for.

use std::path::{Component, Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::fs::absolute;
use crate::lang::tr;
use crate::render::Output;
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

/// A half-built site: files go into a hidden folder beside the output,
/// which replaces the output only on [`Staging::commit`]. Dropped without a
/// commit, it removes itself and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    written: AtomicUsize,
    committed: bool,
}

/// The marker in the names of previous sites set aside by a swap.
const OLD_MARKER: &str = ".linju-old-";

/// The marker in the names of staging folders.
const STAGING_MARKER: &str = ".linju-staging-";

impl Staging {
    /// Prepares a fresh staging folder for `output`.
    pub fn begin(output: &Path) -> Result<Staging> {
        let output = absolute(output);
        if output.exists() && !output.is_dir() {
            return Err(Error::in_file(
                &output,
                tr!(
                    "输出路径已存在，但不是文件夹",
                    "the output path exists and is not a folder"
                ),
            )
            .with_hint(tr!(
                "删掉这个文件，或用 --output 换一个位置",
                "remove the file or choose another --output"
            )));
        }
        let parent = parent_of(&output);
        std::fs::create_dir_all(&parent)
            .map_err(|e| Error::io(&parent, ("创建文件夹", "create the folder"), &e))?;
        let dir = parent.join(format!(
            ".{}{STAGING_MARKER}{}",
            name_of(&output),
            std::process::id()
        ));
        remove_if_present(&dir)?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(&dir, ("创建暂存文件夹", "create the staging folder"), &e))?;
        Ok(Staging {
            dir,
            output,
            written: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Writes one rendered file. A file identical to the one the current
    /// site has at that path is hard-linked instead of written: on ext4,
    /// allocating thousands of new inodes is most of a rebuild's cost, and
    /// files are never modified in place, so sharing them is safe.
    /// `unchanged` says whether the caller already knows (from a hash of
    /// the previous build); `None` compares with the file on disk.
    pub fn write(&self, output: &Output, unchanged: Option<bool>) -> Result<()> {
        let target = safe_join(&self.dir, &output.path)?;
        create_parent(&target)?;
        let previous = self.output.join(&output.path);
        let unchanged = unchanged
            .unwrap_or_else(|| std::fs::read(&previous).is_ok_and(|old| old == output.bytes));
        if !(unchanged && std::fs::hard_link(&previous, &target).is_ok()) {
            std::fs::write(&target, &output.bytes)
                .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e))?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies static files, section assets and bundle files, in parallel.
    pub fn copy_all(&self, copies: &[CopyJob]) -> Result<()> {
        copies.par_iter().try_for_each(|copy| {
            let target = safe_join(&self.dir, &copy.to)?;
            create_parent(&target)?;
            match &copy.source {
                StaticSource::Disk(from) => copy_published(from, &target),
                StaticSource::Generated(from) => link_or_copy(from, &target),
                StaticSource::Embedded(bytes) => std::fs::write(&target, bytes)
                    .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e)),
            }?;
            self.written.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
    }

    /// How many files were written so far.
    pub fn files_written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Swaps the staged site in. Returns previous sites set aside (this
    /// one's and any a killed build left), for the caller to remove when
    /// nobody is waiting: deleting a big tree takes seconds.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let parent = parent_of(&self.output);
        let name = name_of(&self.output);
        if self.output.exists() {
            let old = parent.join(format!(".{name}{OLD_MARKER}{}", std::process::id()));
            remove_if_present(&old)?;
            std::fs::rename(&self.output, &old).map_err(|e| {
                Error::io(
                    &self.output,
                    ("把上一版网站移开", "move the previous site aside"),
                    &e,
                )
            })?;
            if let Err(e) = std::fs::rename(&self.dir, &self.output) {
                let _ = std::fs::rename(&old, &self.output);
                return Err(Error::io(
                    &self.output,
                    ("把新网站放到位", "move the new site into place"),
                    &e,
                ));
            }
        } else {
            std::fs::rename(&self.dir, &self.output).map_err(|e| {
                Error::io(
                    &self.output,
                    ("把新网站放到位", "move the new site into place"),
                    &e,
                )
            })?;
        }
        self.committed = true;
        Ok(stale_sites(&parent, &name))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Previous sites of `name` set aside in `parent` and not yet removed, and
/// staging folders of builds that were killed (their process is gone).
fn stale_sites(parent: &Path, name: &str) -> Vec<PathBuf> {
    let old_prefix = format!(".{name}{OLD_MARKER}");
    let staging_prefix = format!(".{name}{STAGING_MARKER}");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .filter_map(std::result::Result::ok)
        .filter(|e| {
            let file_name = e.file_name().to_string_lossy().into_owned();
            file_name.starts_with(&old_prefix)
                || file_name
                    .strip_prefix(&staging_prefix)
                    .is_some_and(|pid| !process_is_running(pid))
        })
        .map(|e| e.path())
        .collect()
}

/// Whether the process with this id still runs. Where that cannot be told
/// (no `/proc`), it is assumed to, so nothing in use is ever removed.
fn process_is_running(pid: &str) -> bool {
    let proc_dir = Path::new("/proc");
    !proc_dir.is_dir() || proc_dir.join(pid).exists()
}

/// Removes previous sites returned by [`Staging::commit`]; refuses any
/// other path, so a stray argument can never delete real files.
pub fn remove_stale(paths: &[PathBuf]) -> Result<()> {
    for path in paths {
        let is_stale = path.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.contains(OLD_MARKER) || n.contains(STAGING_MARKER)
        });
        if !is_stale {
            return Err(Error::in_file(
                path,
                tr!(
                    "这不是 linju 移开的旧网站，没有删除",
                    "not a previous site set aside by linju; left alone"
                ),
            ));
        }
        remove_if_present(path)?;
    }
    Ok(())
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
    let mut dir = target.parent();
    while let Some(current) = dir.filter(|d| *d != output_dir && d.starts_with(output_dir)) {
        // Fails, harmlessly, as soon as a folder still holds something.
        if std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
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

fn parent_of(output: &Path) -> PathBuf {
    output
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn name_of(output: &Path) -> String {
    output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned())
}

fn remove_if_present(path: &Path) -> Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path)
            .map_err(|e| Error::io(path, ("删除旧文件夹", "remove an old folder"), &e))?;
    }
    Ok(())
}

fn create_parent(target: &Path) -> Result<()> {
    match target.parent() {
        Some(dir) => std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(dir, ("创建文件夹", "create the folder"), &e)),
        None => Ok(()),
    }
}

/// Joins a relative output path, refusing anything that could leave `base`.
fn safe_join(base: &Path, relative: &str) -> Result<PathBuf> {
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

    fn page(path: &str) -> Output {
        Output {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    fn write_site(out: &Path, path: &str) -> Vec<PathBuf> {
        let staging = Staging::begin(out).unwrap();
        staging.write(&page(path), None).unwrap();
        staging.commit().unwrap()
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(write_site(&out, "old.html").is_empty());
        let stale = write_site(&out, "new.html");
        assert!(out.join("new.html").is_file());
        assert!(!out.join("old.html").exists());
        assert_eq!(stale.len(), 1);
        assert!(
            stale[0].join("old.html").is_file(),
            "the old site is set aside, not yet deleted"
        );
        remove_stale(&stale).unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn an_abandoned_staging_folder_removes_itself() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, "good.html");
        {
            let staging = Staging::begin(&out).unwrap();
            staging.write(&page("half.html"), None).unwrap();
        }
        assert!(out.join("good.html").is_file());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_share_the_previous_inode_and_changed_ones_do_not() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        staging.write(&page("same.html"), None).unwrap();
        staging
            .write(
                &Output {
                    path: "changed.html".into(),
                    bytes: b"v1".to_vec(),
                },
                None,
            )
            .unwrap();
        staging.commit().unwrap();
        let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
        let (same_before, changed_before) = (inode("same.html"), inode("changed.html"));
        let staging = Staging::begin(&out).unwrap();
        staging.write(&page("same.html"), None).unwrap();
        staging
            .write(
                &Output {
                    path: "changed.html".into(),
                    bytes: b"v2".to_vec(),
                },
                None,
            )
            .unwrap();
        remove_stale(&staging.commit().unwrap()).unwrap();
        assert_eq!(inode("same.html"), same_before);
        assert_ne!(inode("changed.html"), changed_before);
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"v2");
        assert_eq!(std::fs::read(out.join("same.html")).unwrap(), b"x");
    }

    #[test]
    fn staging_left_by_a_killed_build_is_cleaned_up_later() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let killed = dir
            .path()
            .join(format!(".public{STAGING_MARKER}4294967000"));
        std::fs::create_dir_all(killed.join("half")).unwrap();
        let stale = write_site(&out, "a.html");
        assert_eq!(stale, std::slice::from_ref(&killed));
        remove_stale(&stale).unwrap();
        assert!(!killed.exists());
    }

    #[test]
    fn remove_stale_refuses_other_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(remove_stale(&[dir.path().to_path_buf()]).is_err());
        assert!(dir.path().exists());
    }
}
