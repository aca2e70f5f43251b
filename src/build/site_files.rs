//! The files of a site, noted in the work folder just before it is swapped
//! in, so that when the same folder comes back as the spare two builds
//! later (see the build wing's `spare`) its files need not all be listed again.
//!
//! Listing the spare (27,000 files in 12,700 folders at 10,000 pages)
//! while the site renders was about a tenth of a build's CPU. The list is
//! not trusted blindly: any folder whose status changed after the list was
//! made (a file added or removed, by hand, by `serve`'s rebuilds, by
//! anything) has a change time at or after the list's, and is read again;
//! a folder the list does not know is listed whole. Only folders are
//! looked at (one `stat` each), never read, when nothing changed.
//!
//! A list names its folder by disk and inode, and checks the folder's
//! birth time, so a list never describes another folder that took the
//! inode of a deleted one; a folder that was a staging folder of a failed
//! build has its list removed ([`forget`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::build::record::file_id;

/// The first line of a list.
const HEADER: &str = "linju-site-files 1";

/// The folder in `.linju/` that holds the lists.
const LISTS: &str = "site-files";

/// The list of `dir`, a folder of the output named `stem`, in `work`.
fn list_path(work: &Path, stem: &str, dir: &Path) -> Option<PathBuf> {
    list_path_of(work, stem, &std::fs::symlink_metadata(dir).ok()?)
}

/// The list of the folder whose metadata is `folder`.
fn list_path_of(work: &Path, stem: &str, folder: &std::fs::Metadata) -> Option<PathBuf> {
    let (disk, inode) = file_id(folder)?;
    Some(work.join(LISTS).join(format!("{stem}-{disk:x}-{inode:x}")))
}

/// Notes `files` (paths relative to `dir`) as the whole of the site in
/// `dir`, which is about to be swapped in for `current`; the lists of the
/// output's other folders are removed. Nothing is noted if `dir`'s birth
/// time cannot be read or a path cannot be written on a line of its own:
/// the folder will then be listed, as before.
pub(super) fn save(work: &Path, stem: &str, dir: &Path, current: &Path, files: &[String]) {
    let Ok(folder) = std::fs::symlink_metadata(dir) else {
        return;
    };
    let Some(path) = list_path_of(work, stem, &folder) else {
        return;
    };
    remove_other_lists(
        work,
        stem,
        &[Some(path.clone()), list_path(work, stem, current)],
    );
    let Some(text) = list_text(&folder, files) else {
        let _ = std::fs::remove_file(&path);
        return;
    };
    let _ = std::fs::create_dir_all(work.join(LISTS));
    // Written aside and renamed, so a list is whole or absent.
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    if std::fs::write(&part, text).is_err() || std::fs::rename(&part, &path).is_err() {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_file(&path);
    }
}

/// The list's text: the header, the folder's birth time and its change
/// time now (what later changes are measured against), then the paths.
fn list_text(folder: &std::fs::Metadata, files: &[String]) -> Option<String> {
    let born = birth_ns(folder)?;
    let since = change_ns(folder);
    let mut text = format!("{HEADER}\n{born} {since}\n");
    for file in files {
        if file.is_empty() || file.contains('\n') {
            return None;
        }
        text.push_str(file);
        text.push('\n');
    }
    Some(text)
}

/// Removes this output's lists but `keep`.
fn remove_other_lists(work: &Path, stem: &str, keep: &[Option<PathBuf>]) {
    let Ok(entries) = std::fs::read_dir(work.join(LISTS)) else {
        return;
    };
    let prefix = format!("{stem}-");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .is_some_and(|rest| rest.split('-').count() == 2);
        let path = entry.path();
        if ours && !keep.iter().flatten().any(|k| *k == path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Removes the list of `dir`, whose files are no longer what it says.
pub(super) fn forget(work: &Path, stem: &str, dir: &Path) {
    if let Some(path) = list_path(work, stem, dir) {
        let _ = std::fs::remove_file(path);
    }
}

/// Every file (and link) under `dir`, relative to it, from its list with
/// each changed folder read again; `None` when there is no list of it.
/// May name files that are gone (removing them is a no-op).
pub(super) fn files_of(work: &Path, stem: &str, dir: &Path) -> Option<Vec<PathBuf>> {
    let text = std::fs::read_to_string(list_path(work, stem, dir)?).ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return None;
    }
    let (born, since) = lines.next()?.split_once(' ')?;
    let metadata = std::fs::symlink_metadata(dir).ok()?;
    if birth_ns(&metadata)? != born.parse::<u128>().ok()? {
        return None;
    }
    let since: u128 = since.parse().ok()?;
    // A clock set back since the note could hide a change behind it.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    if since > now.as_nanos() {
        return None;
    }
    let files: Vec<&str> = lines.collect();
    let folders = folders_of(&files);
    let mut found: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    for folder in &folders {
        found.extend(changed_entries(dir, folder, since, &folders));
    }
    // A file of a changed folder is named twice; removing it twice is harmless.
    Some(found)
}

/// The folders the files are in (`a/b` for `a/b/index.html`), and the
/// site's own folder (`""`). Strings, not paths: a path hashes component
/// by component, and a site has thousands of folders.
fn folders_of<'a>(files: &[&'a str]) -> HashSet<&'a str> {
    let mut folders = HashSet::from([""]);
    for file in files {
        let mut rest = *file;
        while let Some((folder, _)) = rest.rsplit_once('/') {
            if !folders.insert(folder) {
                break;
            }
            rest = folder;
        }
    }
    folders
}

/// If `folder` (under `dir`) changed at or after `since`: the files in it
/// and everything under the folders in it the list does not know. A
/// folder that became a file is that file.
fn changed_entries(dir: &Path, folder: &str, since: u128, known: &HashSet<&str>) -> Vec<PathBuf> {
    let path = dir.join(folder);
    let Ok(metadata) = std::fs::symlink_metadata(&path) else {
        return Vec::new();
    };
    let folder = Path::new(folder);
    if !metadata.is_dir() {
        return vec![folder.to_path_buf()];
    }
    if change_ns(&metadata) < since {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(&path) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let relative = folder.join(entry.file_name());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir {
            found.push(relative);
        } else if !relative.to_str().is_some_and(|r| known.contains(r)) {
            let under = files_under(&entry.path());
            found.extend(under.into_iter().map(|file| relative.join(file)));
        }
    }
    found
}

/// Every file (and link) under `root`, relative to it.
pub(super) fn files_under(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .filter_map(|entry| entry.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .collect()
}

/// When the folder was made, in nanoseconds (where the system says).
fn birth_ns(metadata: &std::fs::Metadata) -> Option<u128> {
    let born = metadata.created().ok()?;
    Some(born.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

/// When the folder's status last changed (an entry added, removed or
/// renamed; unlike its modification time, no program can set it back).
#[cfg(unix)]
fn change_ns(metadata: &std::fs::Metadata) -> u128 {
    use std::os::unix::fs::MetadataExt;
    let seconds = u128::try_from(metadata.ctime()).unwrap_or_default();
    let nanos = u128::try_from(metadata.ctime_nsec()).unwrap_or_default();
    seconds * 1_000_000_000 + nanos
}

/// Without a change time, every folder counts as changed.
#[cfg(not(unix))]
fn change_ns(_: &std::fs::Metadata) -> u128 {
    u128::MAX
}
