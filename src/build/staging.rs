//! A whole site written aside and swapped in: every file goes into a
//! staging folder, which replaces the output only once all of it was
//! written, so a failed build leaves the last good site where it was.
//!
//! Where: under the site's `.linju/` (`staging/`, and `old/` for the site
//! a swap set aside), which git ignores, so `git add -A` never picks up a
//! half-built or an old site. That folder must be on the output's file
//! system for the swap to be a rename; when it is not (`--output` on
//! another disk), the folders sit hidden beside the output instead.
//!
//! The swap keeps a complete site at the output path at every instant: on
//! Linux it is one atomic exchange of the two folders (`renameat2` with
//! `RENAME_EXCHANGE`). Where the file system has no exchange, it is two
//! renames; a build killed between them leaves no output, and the next
//! build puts back the newest complete site (the staged one if it was
//! finished, otherwise the one set aside) before anything else.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::build::output::{CopyJob, copy_one, safe_join};
use crate::build::record::{Entry, Record};
use crate::build::site_files;
use crate::build::spare::{self, Sweep};
use crate::error::{Error, Result};
use crate::fs::{WORK_DIR, absolute};
use crate::lang::tr;
use crate::render::Output;

/// The marker in the names of previous sites set aside by a swap.
const OLD_MARKER: &str = ".linju-old-";

/// The marker in the names of staging folders.
const STAGING_MARKER: &str = ".linju-staging-";

/// A file a staging folder holds once every file of the site is in it: a
/// staging folder with it is a complete site, one without it is not.
const COMPLETE: &str = ".linju-complete";

/// A half-built site: files go into the staging folder, which replaces the
/// output only on [`Staging::commit`]. Dropped without a commit, it removes
/// itself and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    places: Places,
    written: AtomicUsize,
    committed: bool,
    /// What the last build wrote, and what this one writes (only where
    /// the work folder is usable).
    record: Option<Record>,
    /// When the folder is a recycled spare (`build::spare`): what was in
    /// it, and what this build put there.
    sweep: Option<Sweep>,
}

/// Where one output's staging and set-aside folders go.
#[derive(Debug, Clone)]
struct Places {
    staging: PathBuf,
    old: PathBuf,
    /// Name stem shared by the folders (`public`, or `.public` beside it).
    stem: String,
    /// Also looked in for leftovers: beside the output, where earlier
    /// versions of linju put them.
    legacy: Option<(PathBuf, String)>,
    /// The site's work folder, when the folders are in it.
    work: Option<PathBuf>,
}

impl Places {
    fn for_output(root: &Path, output: &Path) -> Places {
        let parent = parent_of(output);
        let name = name_of(output);
        let work = absolute(root).join(WORK_DIR);
        let beside = Places {
            staging: parent.clone(),
            old: parent.clone(),
            stem: format!(".{name}"),
            legacy: None,
            work: None,
        };
        if crate::fs::create_work_folder(&work).is_err() || !same_device(&work, &parent) {
            return beside;
        }
        Places {
            staging: work.join("staging"),
            old: work.join("old"),
            stem: name.clone(),
            legacy: Some((parent, format!(".{name}"))),
            work: Some(work),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.staging.join(format!(
            "{}{STAGING_MARKER}{}",
            self.stem,
            std::process::id()
        ))
    }

    /// The work folder and the output's name, under which the lists of
    /// the output's folders are kept (`build::site_files`).
    fn noted(&self) -> Option<(PathBuf, String)> {
        Some((self.work.clone()?, self.stem.clone()))
    }

    /// Where the spare site is kept (only in the work folder).
    fn spare_dir(&self) -> Option<PathBuf> {
        let work = self.work.as_ref()?;
        Some(spare::spare_dir(work, &self.stem))
    }

    /// Keeps `site` as the spare if there is room, else sets it aside.
    fn retire(&self, site: &Path) -> Result<()> {
        match self.spare_dir() {
            Some(spare) if spare::keep(site, &spare) => Ok(()),
            _ => set_aside(site, self),
        }
    }

    fn old_dir(&self) -> PathBuf {
        self.old
            .join(format!("{}{OLD_MARKER}{}", self.stem, std::process::id()))
    }

    /// `(folder, stem)` pairs to look in for leftovers.
    fn all(&self) -> Vec<(PathBuf, String)> {
        let mut places = vec![
            (self.staging.clone(), self.stem.clone()),
            (self.old.clone(), self.stem.clone()),
        ];
        places.extend(self.legacy.clone());
        places.dedup();
        places
    }
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    false
}

impl Staging {
    /// Prepares a fresh staging folder for `output` of the site in `root`,
    /// after putting back a site a killed build took away.
    pub fn begin(root: &Path, output: &Path) -> Result<Staging> {
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
        let places = Places::for_output(root, &output);
        recover(&output, &places)?;
        let dir = places.staging_dir();
        remove_if_present(&dir)?;
        std::fs::create_dir_all(&places.staging).map_err(|e| {
            Error::io(
                &places.staging,
                ("创建暂存文件夹", "create the staging folder"),
                &e,
            )
        })?;
        let recycled = places
            .spare_dir()
            .is_some_and(|spare| spare::take(&spare, &dir, COMPLETE));
        if !recycled {
            std::fs::create_dir_all(&dir).map_err(|e| {
                Error::io(&dir, ("创建暂存文件夹", "create the staging folder"), &e)
            })?;
        }
        let record = places.work.as_ref().map(|work| Record::open(work, &output));
        Ok(Staging {
            sweep: recycled.then(|| Sweep::start(&dir, places.noted())),
            dir,
            output,
            places,
            written: AtomicUsize::new(0),
            committed: false,
            record,
        })
    }

    /// Writes one rendered file. A file identical to the one the current
    /// site has at that path is hard-linked instead of written: on ext4,
    /// allocating thousands of new inodes is most of a rebuild's cost, and
    /// files are never modified in place, so sharing them is safe.
    /// `unchanged` says whether the caller already knows (from a hash of
    /// the previous build); `None` asks the output record, then compares
    /// with the file on disk. `hash` is the output's content hash.
    pub fn write(&self, output: &Output, unchanged: Option<bool>, hash: u64) -> Result<()> {
        let target = safe_join(&self.dir, &output.path)?;
        if unchanged.is_none()
            && let Some(entry) =
                self.in_place(|record| record.in_place(&output.path, hash, &target))
        {
            self.placed(&output.path, hash, Some(entry), &target);
            return Ok(());
        }
        let previous = self.output.join(&output.path);
        let recorded = match (unchanged, &self.record) {
            (None, Some(record)) => record.unchanged(&output.path, hash, &previous),
            _ => None,
        };
        let unchanged = unchanged
            .or(recorded.map(|_| true))
            .unwrap_or_else(|| std::fs::read(&previous).is_ok_and(|old| old == output.bytes));
        let known = recorded.and_then(|entry| entry.file());
        let linked = unchanged && self.link_previous(&previous, known, &target);
        if !linked {
            if self.sweep.is_some() {
                spare::clear(&target);
            }
            spare::with_folders(&self.dir, &target, |t| std::fs::write(t, &output.bytes))
                .map_err(|e| Error::io(&target, ("写入文件", "write the file"), &e))?;
        }
        self.placed(&output.path, hash, recorded.filter(|_| linked), &target);
        Ok(())
    }

    /// Notes a file now at `target` (`path` in the site): the sweep keeps
    /// it, the record has it (`entry` if known), and it is counted.
    fn placed(&self, path: &str, hash: u64, entry: Option<Entry>, target: &Path) {
        if let Some(sweep) = &self.sweep {
            sweep.placed(path);
        }
        if let Some(record) = &self.record {
            record.note(path, hash, entry, target);
        }
        self.written.fetch_add(1, Ordering::Relaxed);
    }

    /// Keeps the current site's file at `path` if the last build made it
    /// from `from` and nothing changed it since: it is linked into the new
    /// site, and its hash returned. `None` when it must be made again.
    pub fn keep_made_from(&self, path: &str, from: u64) -> Option<u64> {
        let record = self.record.as_ref()?;
        let target = safe_join(&self.dir, path).ok()?;
        let in_place = self.in_place(|record| record.in_place_from(path, from, &target));
        let entry = match in_place {
            Some(entry) => entry,
            None => {
                let previous = self.output.join(path);
                let entry = record.unchanged_from(path, from, &previous)?;
                if !self.link_previous(&previous, entry.file(), &target) {
                    return None;
                }
                entry
            }
        };
        self.placed(path, entry.hash(), Some(entry), &target);
        record.made_from(path, from);
        Some(entry.hash())
    }

    /// Notes what the file at `path` was made from, for
    /// [`Staging::keep_made_from`] in the next build.
    pub fn made_from(&self, path: &str, from: u64) {
        if let Some(record) = &self.record {
            record.made_from(path, from);
        }
    }

    /// What `check` finds in the record when the staging folder is a
    /// recycled spare (a fresh folder holds nothing in place).
    fn in_place(&self, check: impl FnOnce(&Record) -> Option<Entry>) -> Option<Entry> {
        self.sweep.as_ref()?;
        check(self.record.as_ref()?)
    }

    /// Puts the current site's file `previous` at `target` (already there
    /// when a recycled folder has it from the staging before; `known` is
    /// `previous`'s disk and inode if looked up). False when it cannot be
    /// linked.
    fn link_previous(&self, previous: &Path, known: Option<(u64, u64)>, target: &Path) -> bool {
        if self.sweep.is_some() {
            if spare::same_file(previous, known, target) {
                return true;
            }
            spare::clear(target);
        }
        spare::with_folders(&self.dir, target, |t| std::fs::hard_link(previous, t)).is_ok()
    }

    /// Notes the files of the site about to be swapped in, when they are
    /// all known (a recycled folder's); otherwise makes sure no list
    /// describes the folder.
    fn note_files(&self, site: Option<&[String]>) {
        let Some((work, stem)) = self.places.noted() else {
            return;
        };
        match site {
            Some(files) => site_files::save(&work, &stem, &self.dir, &self.output, files),
            None => site_files::forget(&work, &stem, &self.dir),
        }
    }

    /// Copies static files, section assets and bundle files, in parallel.
    pub fn copy_all(&self, copies: &[CopyJob]) -> Result<()> {
        copies.par_iter().try_for_each(|copy| {
            copy_one(&self.dir, copy)?;
            if let Some(sweep) = &self.sweep {
                sweep.placed(&copy.to);
            }
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
        let (sweep, record) = (self.sweep.take(), self.record.take());
        // The record's text is made while the sweep finishes.
        let (site, record) = rayon::join(
            || sweep.map(|sweep| sweep.finish(&self.dir)).transpose(),
            || record.map(Record::finish),
        );
        let site = site?;
        let complete = self.dir.join(COMPLETE);
        std::fs::write(&complete, b"")
            .map_err(|e| Error::io(&complete, ("写入文件", "write the file"), &e))?;
        // After the marker: a change to a folder from now on is newer than the list.
        self.note_files(site.as_deref());
        let placed = |e: std::io::Error| {
            Error::io(
                &self.output,
                ("把新网站放到位", "move the new site into place"),
                &e,
            )
        };
        if !self.output.exists() {
            std::fs::rename(&self.dir, &self.output).map_err(placed)?;
        } else if exchange(&self.dir, &self.output).is_ok() {
            // The staging path now holds the previous site.
            self.places.retire(&self.dir)?;
        } else {
            let old = self.places.old_dir();
            set_aside(&self.output, &self.places)?;
            if let Err(e) = std::fs::rename(&self.dir, &self.output) {
                let _ = std::fs::rename(&old, &self.output);
                return Err(placed(e));
            }
            if let Some(spare) = self.places.spare_dir() {
                spare::keep(&old, &spare);
            }
        }
        self.committed = true;
        let _ = std::fs::remove_file(self.output.join(COMPLETE));
        if let Some(record) = record {
            // Only a shortcut for the next build: without it, files are
            // compared by reading them.
            let _ = record.save();
        }
        Ok(stale_sites(&self.places))
    }
}

impl Drop for Staging {
    /// An unfinished staging folder becomes the spare (nothing in a spare
    /// is trusted), or is deleted when there already is one.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let Some(sweep) = self.sweep.take() {
            sweep.wait();
        }
        // Whatever this build put in it, the folder's list no longer says.
        self.note_files(None);
        let kept = self
            .places
            .spare_dir()
            .is_some_and(|spare| spare::keep(&self.dir, &spare));
        if !kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Moves a previous site to this process's set-aside folder.
fn set_aside(site: &Path, places: &Places) -> Result<()> {
    let old = places.old_dir();
    std::fs::create_dir_all(&places.old)
        .map_err(|e| Error::io(&places.old, ("创建文件夹", "create the folder"), &e))?;
    remove_if_present(&old)?;
    std::fs::rename(site, &old).map_err(|e| {
        Error::io(
            site,
            ("把上一版网站移开", "move the previous site aside"),
            &e,
        )
    })
}

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// A build killed between the two renames of a swap (where there is no
/// exchange) leaves no output: the newest complete site goes back, the
/// staged one if it was finished, else the one set aside.
fn recover(output: &Path, places: &Places) -> Result<()> {
    if output.exists() {
        return Ok(());
    }
    let leftovers: Vec<PathBuf> = places
        .all()
        .iter()
        .flat_map(|(folder, stem)| leftovers_in(folder, stem))
        .filter(|path| !is_own(path))
        .collect();
    let newest = |paths: Vec<&PathBuf>| {
        paths
            .into_iter()
            .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .cloned()
    };
    let finished = newest(
        leftovers
            .iter()
            .filter(|p| is_staging(p) && p.join(COMPLETE).is_file())
            .collect(),
    );
    let set_aside = newest(leftovers.iter().filter(|p| is_old(p)).collect());
    if let Some(site) = finished.or(set_aside) {
        std::fs::rename(&site, output).map_err(|e| {
            Error::io(
                output,
                ("放回上一版完整的网站", "put back the last complete site"),
                &e,
            )
        })?;
        let _ = std::fs::remove_file(output.join(COMPLETE));
    }
    Ok(())
}

fn is_staging(path: &Path) -> bool {
    file_name(path).contains(STAGING_MARKER)
}

fn is_old(path: &Path) -> bool {
    file_name(path).contains(OLD_MARKER)
}

/// Whether a leftover folder belongs to this process.
fn is_own(path: &Path) -> bool {
    file_name(path).ends_with(&format!("-{}", std::process::id()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Set-aside and staging folders of `stem` in `folder`.
fn leftovers_in(folder: &Path, stem: &str) -> Vec<PathBuf> {
    let prefixes = [
        format!("{stem}{OLD_MARKER}"),
        format!("{stem}{STAGING_MARKER}"),
    ];
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(std::result::Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            prefixes.iter().any(|p| name.starts_with(p.as_str()))
        })
        .map(|e| e.path())
        .collect()
}

/// Previous sites set aside and not yet removed, and staging folders of
/// builds that were killed (their process is gone).
fn stale_sites(places: &Places) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = places
        .all()
        .iter()
        .flat_map(|(folder, stem)| leftovers_in(folder, stem))
        .filter(|path| {
            is_old(path)
                || file_name(path)
                    .rsplit('-')
                    .next()
                    .is_some_and(|pid| !process_is_running(pid))
        })
        .collect();
    stale.sort();
    stale.dedup();
    stale
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
        if !(is_old(path) || is_staging(path)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Output {
        Output {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    /// A site folder (root) and its output `public/`.
    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        (dir, out)
    }

    fn write_site(root: &Path, out: &Path, path: &str) -> Vec<PathBuf> {
        let staging = Staging::begin(root, out).unwrap();
        staging.write(&page(path), None, 0).unwrap();
        staging.commit().unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_previous_site_whole_and_keeps_it_under_linju() {
        let (dir, out) = site();
        assert!(write_site(dir.path(), &out, "old.html").is_empty());
        let stale = write_site(dir.path(), &out, "new.html");
        assert!(out.join("new.html").is_file());
        assert!(!out.join("old.html").exists());
        assert!(!out.join(COMPLETE).exists(), "the marker is not published");
        assert!(stale.is_empty(), "{stale:?}");
        assert!(
            dir.path().join(".linju/spare/public/old.html").is_file(),
            "kept as the spare, for the next build to stage into"
        );
        // Beside the site's own files: only the output and the work folder,
        // which git ignores.
        assert_eq!(names(dir.path()), [".linju", "public"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".linju/.gitignore")).unwrap(),
            "*\n"
        );
    }

    #[test]
    fn a_previous_site_is_set_aside_when_there_is_a_spare_already() {
        let (dir, out) = site();
        write_site(dir.path(), &out, "old.html");
        let staging = Staging::begin(dir.path(), &out).unwrap();
        // Another build's spare, kept while this one ran.
        std::fs::create_dir_all(dir.path().join(".linju/spare/public")).unwrap();
        staging.write(&page("new.html"), None, 0).unwrap();
        let stale = staging.commit().unwrap();
        assert_eq!(stale.len(), 1);
        assert!(
            stale[0].starts_with(dir.path().join(".linju/old")),
            "{stale:?}"
        );
        assert!(stale[0].join("old.html").is_file(), "not yet deleted");
        remove_stale(&stale).unwrap();
        assert!(!stale[0].exists());
    }

    #[test]
    fn an_abandoned_staging_folder_never_reaches_the_output() {
        let (dir, out) = site();
        write_site(dir.path(), &out, "good.html");
        {
            let staging = Staging::begin(dir.path(), &out).unwrap();
            staging.write(&page("half.html"), None, 0).unwrap();
        }
        assert!(out.join("good.html").is_file());
        assert!(!out.join("half.html").exists());
        assert!(names(&dir.path().join(".linju/staging")).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_share_the_previous_inode_and_changed_ones_do_not() {
        use std::os::unix::fs::MetadataExt;
        let (dir, out) = site();
        let with = |bytes: &[u8]| Output {
            path: "changed.html".into(),
            bytes: bytes.to_vec(),
        };
        let staging = Staging::begin(dir.path(), &out).unwrap();
        staging.write(&page("same.html"), None, 1).unwrap();
        staging.write(&with(b"v1"), None, 2).unwrap();
        staging.commit().unwrap();
        let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
        let (same_before, changed_before) = (inode("same.html"), inode("changed.html"));
        let staging = Staging::begin(dir.path(), &out).unwrap();
        staging.write(&page("same.html"), None, 1).unwrap();
        staging.write(&with(b"v2"), None, 3).unwrap();
        remove_stale(&staging.commit().unwrap()).unwrap();
        assert_eq!(inode("same.html"), same_before);
        assert_ne!(inode("changed.html"), changed_before);
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"v2");
    }

    #[test]
    fn leftovers_of_killed_builds_are_cleaned_up_later_wherever_they_are() {
        let (dir, out) = site();
        write_site(dir.path(), &out, "a.html");
        let killed = dir
            .path()
            .join(format!(".linju/staging/public{STAGING_MARKER}4294967000"));
        let legacy = dir.path().join(format!(".public{OLD_MARKER}4294967001"));
        std::fs::create_dir_all(killed.join("half")).unwrap();
        std::fs::create_dir_all(&legacy).unwrap();
        let stale = write_site(dir.path(), &out, "b.html");
        for leftover in [&killed, &legacy] {
            assert!(stale.contains(leftover), "{leftover:?} not in {stale:?}");
        }
        remove_stale(&stale).unwrap();
        assert!(!killed.exists() && !legacy.exists());
    }

    #[test]
    fn a_site_a_killed_swap_took_away_is_put_back_first() {
        let (dir, out) = site();
        write_site(dir.path(), &out, "old.html");
        // Killed between the renames: the previous site set aside, the new
        // one staged and finished, no output.
        let old = dir
            .path()
            .join(format!(".linju/old/public{OLD_MARKER}4294967002"));
        std::fs::create_dir_all(old.parent().unwrap()).unwrap();
        std::fs::rename(&out, &old).unwrap();
        let staged = dir
            .path()
            .join(format!(".linju/staging/public{STAGING_MARKER}4294967002"));
        std::fs::create_dir_all(&staged).unwrap();
        std::fs::write(staged.join("new.html"), "x").unwrap();
        std::fs::write(staged.join(COMPLETE), "").unwrap();
        let staging = Staging::begin(dir.path(), &out).unwrap();
        assert!(out.join("new.html").is_file(), "the finished site is back");
        assert!(!out.join(COMPLETE).exists());
        drop(staging);
        // Killed before the new site was finished: the set-aside one.
        std::fs::remove_dir_all(&out).unwrap();
        let unfinished = dir
            .path()
            .join(format!(".linju/staging/public{STAGING_MARKER}4294967003"));
        std::fs::create_dir_all(&unfinished).unwrap();
        Staging::begin(dir.path(), &out).unwrap();
        assert!(out.join("old.html").is_file(), "the set-aside site is back");
    }

    #[test]
    fn remove_stale_refuses_other_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(remove_stale(&[dir.path().to_path_buf()]).is_err());
        assert!(dir.path().exists());
    }
}
