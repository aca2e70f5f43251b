//! The spare: the site a swap set aside, kept to be the next whole build's
//! staging folder instead of being deleted.
//!
//! Staging into a fresh folder meant creating every folder of the site
//! again: on ext4, the 12,700 folders of a 10,000-page site were a tenth of
//! the build's CPU, and deleting the set-aside site cost as much again in
//! the background. A recycled folder already has them, and a file it shares
//! with the current site (the same inode, hard-linked when it was staged)
//! needs no work at all.
//!
//! Nothing in the spare is trusted, so where it came from does not matter
//! (an older build, a failed one, `serve`'s): every file of the new site is
//! either the current site's own inode or written afresh, after unlinking
//! whatever was at its path (that may be an inode the live site shares, and
//! files are never changed in place); and whatever the new site does not
//! have is swept out before the swap ([`Sweep`]).

use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

use crate::build::site_files;
use crate::error::{Error, Result};

/// Where the spare of the output named `stem` is kept in the work folder.
pub(super) fn spare_dir(work: &Path, stem: &str) -> PathBuf {
    work.join("spare").join(stem)
}

/// Moves the spare to `staging`, without the completeness `marker` a
/// killed swap may have left in it. False when there is no spare (or
/// another build took it first).
pub(super) fn take(spare: &Path, staging: &Path, marker: &str) -> bool {
    // Anything but a folder there (put by hand) is left alone.
    if !std::fs::symlink_metadata(spare).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    let _ = std::fs::remove_file(spare.join(marker));
    std::fs::rename(spare, staging).is_ok()
}

/// Keeps `site` (a previous site, or an unfinished staging folder) as the
/// spare. False when there already is one: the caller deletes `site`.
pub(super) fn keep(site: &Path, spare: &Path) -> bool {
    if spare.exists() {
        return false;
    }
    let made = spare
        .parent()
        .is_none_or(|p| std::fs::create_dir_all(p).is_ok());
    made && std::fs::rename(site, spare).is_ok()
}

/// The files of a recycled staging folder, listed in the background while
/// the site is rendered, and the ones this build put there: what is left
/// over is deleted before the swap.
#[derive(Debug)]
pub(super) struct Sweep {
    listing: Option<JoinHandle<Vec<PathBuf>>>,
    /// Paths relative to the folder, with `/` (as the site's files are named).
    placed: Mutex<Vec<String>>,
}

impl Sweep {
    /// Starts listing the files under `dir`: from its list in the work
    /// folder, when `noted` (the work folder and output name) has one,
    /// else folder by folder.
    pub(super) fn start(dir: &Path, noted: Option<(PathBuf, String)>) -> Sweep {
        let root = dir.to_path_buf();
        let listing = std::thread::spawn(move || {
            noted
                .and_then(|(work, stem)| site_files::files_of(&work, &stem, &root))
                .unwrap_or_else(|| site_files::files_under(&root))
        });
        Sweep {
            listing: Some(listing),
            placed: Mutex::new(Vec::new()),
        }
    }

    /// Notes a file this build put at `relative`.
    pub(super) fn placed(&self, relative: &str) {
        // Even past a poisoned lock: a file left out here would be swept.
        let mut placed = self.placed.lock().unwrap_or_else(|e| e.into_inner());
        placed.push(relative.to_string());
    }

    /// Waits for the listing, for a folder about to move.
    pub(super) fn wait(mut self) {
        if let Some(listing) = self.listing.take() {
            let _ = listing.join();
        }
    }

    /// Deletes every file under `dir` this build did not put there, and
    /// the folders that leaves empty. Returns the files it put there: the
    /// whole site.
    pub(super) fn finish(mut self, dir: &Path) -> Result<Vec<String>> {
        let listed = self
            .listing
            .take()
            .and_then(|listing| listing.join().ok())
            .unwrap_or_default();
        let placed = std::mem::take(&mut *self.placed.lock().unwrap_or_else(|e| e.into_inner()));
        // Strings, not paths: a path hashes component by component.
        let placed_set: HashSet<&str> = placed.iter().map(String::as_str).collect();
        let left_over = |r: &&PathBuf| r.to_str().is_none_or(|r| !placed_set.contains(r));
        for relative in listed.iter().filter(left_over) {
            remove_left_over(dir, &dir.join(relative))?;
        }
        Ok(placed)
    }
}

/// Deletes a file left over from the spare's site, and its folders up to
/// `dir` as long as they are empty.
fn remove_left_over(dir: &Path, file: &Path) -> Result<()> {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        // Gone already, or its path is now one of the new site's folders
        // (or runs through one of its files).
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory
            ) =>
        {
            return Ok(());
        }
        Err(e) => return Err(Error::io(file, ("删除文件", "remove the file"), &e)),
    }
    remove_empty_folders(dir, file);
    Ok(())
}

/// Removes the folders of a removed `file` up to `dir`, as long as they
/// are empty.
pub(super) fn remove_empty_folders(dir: &Path, file: &Path) {
    let mut folder = file.parent();
    while let Some(current) = folder.filter(|f| *f != dir && f.starts_with(dir)) {
        // Fails, harmlessly, as soon as a folder still holds something.
        if std::fs::remove_dir(current).is_err() {
            break;
        }
        folder = current.parent();
    }
}

/// Clears the path of a file about to be written in a recycled folder:
/// the file there (possibly the live site's inode), or a folder where the
/// new site has a file. One system call when it is a file or nothing.
pub(super) fn clear(target: &Path) {
    match std::fs::remove_file(target) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(_) => {
            if std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) {
                let _ = std::fs::remove_dir_all(target);
            }
        }
    }
}

/// Runs `make` on `target`, creating its folders first if they are
/// missing (only then: most files of a site share their folder with
/// nothing, but `create_dir_all` costs a system call even when the folder
/// is there). A file in the way of a folder (a recycled site's) is removed.
pub(super) fn with_folders(
    root: &Path,
    target: &Path,
    make: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match make(target) {
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
        done => return done,
    }
    if let Some(folder) = target.parent() {
        make_folders(root, folder)?;
    }
    make(target)
}

/// Creates `folder` and its parents below `root`, removing files (a
/// recycled site's) that stand where one of them should be.
pub(super) fn make_folders(root: &Path, folder: &Path) -> std::io::Result<()> {
    if std::fs::create_dir_all(folder).is_ok() {
        return Ok(());
    }
    remove_files_on_the_way(root, folder);
    std::fs::create_dir_all(folder)
}

/// Removes files (not folders) that stand where `folder` or one of its
/// parents below `root` should be.
fn remove_files_on_the_way(root: &Path, folder: &Path) {
    for ancestor in folder
        .ancestors()
        .take_while(|a| *a != root && a.starts_with(root))
    {
        if std::fs::symlink_metadata(ancestor).is_ok_and(|m| !m.is_dir()) {
            let _ = std::fs::remove_file(ancestor);
        }
    }
}

/// Whether `target` is the file `previous` (the same inode on the same
/// disk); `known` is `previous`'s disk and inode when already looked up.
#[cfg(unix)]
pub(super) fn same_file(previous: &Path, known: Option<(u64, u64)>, target: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let id = |m: std::fs::Metadata| m.is_file().then(|| (m.dev(), m.ino()));
    let Some(target) = std::fs::symlink_metadata(target).ok().and_then(id) else {
        return false;
    };
    let previous = known.or_else(|| std::fs::symlink_metadata(previous).ok().and_then(id));
    previous == Some(target)
}

#[cfg(not(unix))]
pub(super) fn same_file(_: &Path, _: Option<(u64, u64)>, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::output::CopyJob;
    use crate::build::staging::Staging;
    use crate::render::Output;
    use crate::render::theme::StaticSource;

    /// Builds a whole site of `files` (path, contents) into `out`.
    fn build(root: &Path, out: &Path, files: &[(&str, &str)]) -> Vec<PathBuf> {
        let staging = Staging::begin(root, out).unwrap();
        stage(&staging, files);
        staging.commit().unwrap()
    }

    fn stage(staging: &Staging, files: &[(&str, &str)]) {
        for (path, text) in files {
            let output = Output {
                path: (*path).into(),
                bytes: text.as_bytes().to_vec(),
            };
            staging
                .write(&output, None, crate::hash::hash_bytes(text.as_bytes()))
                .unwrap();
        }
    }

    /// Every file and folder under `dir`, with the contents of the files.
    fn tree(dir: &Path) -> Vec<(String, Option<String>)> {
        let mut found: Vec<(String, Option<String>)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let name = e.path().strip_prefix(dir).unwrap().display().to_string();
                let text = e
                    .file_type()
                    .is_file()
                    .then(|| std::fs::read_to_string(e.path()).unwrap());
                (name, text)
            })
            .collect();
        found.sort();
        found
    }

    fn expected(entries: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        entries
            .iter()
            .map(|(name, text)| (name.to_string(), text.map(str::to_string)))
            .collect()
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_recycled_folder_becomes_exactly_the_new_site_and_never_changes_the_live_one() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        let first = [
            ("kept/index.html", "same in every build"),
            ("shared.html", "v1"),
            ("gone/deep/index.html", "only in the first build"),
            ("x", "a file where a folder will be"),
            ("y/index.html", "a folder where a file will be"),
        ];
        assert!(build(root, &out, &first).is_empty());
        let second = [
            ("kept/index.html", "same in every build"),
            ("shared.html", "v1"),
        ];
        assert!(
            build(root, &out, &second).is_empty(),
            "the first site is the spare"
        );
        let spare = spare_dir(&root.join(".linju"), "public");
        assert!(spare.join("gone/deep/index.html").is_file());
        // The live site and the spare share the unchanged files' inodes.
        let live_shared = inode(&out.join("shared.html"));
        assert_eq!(live_shared, inode(&spare.join("shared.html")));
        let kept = inode(&out.join("kept/index.html"));

        let third = [
            ("kept/index.html", "same in every build"),
            ("shared.html", "v2"),
            ("x/index.html", "now a folder"),
            ("y", "now a file"),
            ("new/index.html", "new"),
        ];
        assert!(build(root, &out, &third).is_empty());
        assert_eq!(
            tree(&out),
            expected(&[
                ("kept", None),
                ("kept/index.html", Some("same in every build")),
                ("new", None),
                ("new/index.html", Some("new")),
                ("shared.html", Some("v2")),
                ("x", None),
                ("x/index.html", Some("now a folder")),
                ("y", Some("now a file")),
            ]),
            "nothing of the first site is left, not even an empty folder"
        );
        assert_eq!(inode(&out.join("kept/index.html")), kept, "left as it was");
        // The second site, now the spare, still has its own `shared.html`:
        // the recycled one was unlinked, not written over.
        assert_eq!(inode(&spare.join("shared.html")), live_shared);
        assert_eq!(
            std::fs::read_to_string(spare.join("shared.html")).unwrap(),
            "v1"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_back_as_the_spare_is_known_by_its_list_and_its_changed_folders_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        let site = |n| {
            [
                ("kept/index.html", "same"),
                ("page/index.html", n),
                ("old/deep/index.html", "only in the first four"),
            ]
        };
        for n in ["1", "2", "3", "4"] {
            build(root, &out, &site(n));
        }
        // The third site was staged in a recycled folder, so its files were
        // noted; that folder is now the spare.
        let work = root.join(".linju");
        let spare = spare_dir(&work, "public");
        assert!(site_files::files_of(&work, "public", &spare).is_some());
        // Changed after it was noted, as a hand or `serve` would change it.
        std::fs::write(spare.join("kept/by-hand.txt"), "x").unwrap();
        std::fs::create_dir_all(spare.join("handmade/deep")).unwrap();
        std::fs::write(spare.join("handmade/deep/a.txt"), "x").unwrap();
        let mut listed = site_files::files_of(&work, "public", &spare).unwrap();
        listed.sort();
        listed.dedup();
        let listed: Vec<String> = listed.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            listed,
            [
                "handmade/deep/a.txt",
                "kept/by-hand.txt",
                "kept/index.html",
                "old/deep/index.html",
                "page/index.html"
            ]
        );
        build(
            root,
            &out,
            &[("kept/index.html", "same"), ("page/index.html", "5")],
        );
        assert_eq!(
            tree(&out),
            expected(&[
                ("kept", None),
                ("kept/index.html", Some("same")),
                ("page", None),
                ("page/index.html", Some("5")),
            ]),
            "nothing but the new site, nothing added by hand"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_build_leaves_no_list_of_the_folder_it_took() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        for n in ["1", "2", "3", "4"] {
            build(root, &out, &[("index.html", n)]);
        }
        let work = root.join(".linju");
        let spare = spare_dir(&work, "public");
        assert!(site_files::files_of(&work, "public", &spare).is_some());
        let staging = Staging::begin(root, &out).unwrap();
        stage(&staging, &[("half/index.html", "never published")]);
        drop(staging);
        assert!(spare.join("half/index.html").is_file(), "kept as the spare");
        assert!(site_files::files_of(&work, "public", &spare).is_none());
        build(root, &out, &[("index.html", "5")]);
        build(root, &out, &[("index.html", "6")]);
        assert_eq!(tree(&out), expected(&[("index.html", Some("6"))]));
    }

    #[test]
    fn a_spare_that_is_not_a_folder_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        build(root, &out, &[("a.html", "a")]);
        let spare = spare_dir(&root.join(".linju"), "public");
        std::fs::create_dir_all(spare.parent().unwrap()).unwrap();
        std::fs::write(&spare, "not a site").unwrap();
        build(root, &out, &[("b.html", "b")]);
        assert_eq!(tree(&out), expected(&[("b.html", Some("b"))]));
        assert_eq!(std::fs::read_to_string(&spare).unwrap(), "not a site");
    }

    #[test]
    fn copies_into_a_recycled_folder_replace_what_was_there() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        let copy = |bytes: &'static [u8]| CopyJob {
            source: StaticSource::Embedded(bytes),
            to: "static/site.css".into(),
        };
        for bytes in [b"one".as_slice(), b"two", b"three"] {
            let staging = Staging::begin(root, &out).unwrap();
            stage(&staging, &[("index.html", "home")]);
            staging.copy_all(&[copy(bytes)]).unwrap();
            staging.commit().unwrap();
            assert_eq!(std::fs::read(out.join("static/site.css")).unwrap(), bytes);
        }
    }

    #[test]
    fn an_unfinished_build_leaves_its_folder_as_the_spare_and_the_site_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        build(root, &out, &[("a.html", "a")]);
        build(root, &out, &[("b.html", "b")]);
        {
            let staging = Staging::begin(root, &out).unwrap();
            stage(&staging, &[("half.html", "never published")]);
        }
        assert_eq!(tree(&out), expected(&[("b.html", Some("b"))]));
        let spare = spare_dir(&root.join(".linju"), "public");
        assert!(spare.join("half.html").is_file(), "kept to be recycled");
        build(root, &out, &[("c.html", "c")]);
        assert_eq!(tree(&out), expected(&[("c.html", Some("c"))]));
    }
}
