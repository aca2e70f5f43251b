//! What the last build wrote into an output folder: each rendered file's
//! hash, length and modification time, kept in the site's `.linju/` so the
//! next build can tell an unchanged file by one `stat` instead of reading
//! it back (reading every file of the last site was a fifth of a build).
//!
//! The record is only a shortcut: a file whose length or time differs from
//! it (edited by hand, written by another tool) is read and compared as
//! before, and a missing or unreadable record means every file is.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;

use crate::error::Result;

/// The first line of a record, with the output folder it describes.
const HEADER: &str = "linju-output-record 3";

/// One file as a build left it.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    hash: u64,
    len: u64,
    modified_ns: u128,
    /// The file's disk and inode, where the system has them (kept in the
    /// record; not compared by `==`).
    file: Option<(u64, u64)>,
    /// What the file was made from, when its maker said (see
    /// [`Record::made_from`]); 0 when not.
    from: u64,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.hash, self.len, self.modified_ns) == (other.hash, other.len, other.modified_ns)
    }
}

impl Eq for Entry {}

impl Entry {
    /// The file's content hash.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The disk and inode of the file, if it was looked at.
    pub fn file(&self) -> Option<(u64, u64)> {
        self.file
    }
}

/// The record of one output folder: the last build's, and the one this
/// build is making.
#[derive(Debug)]
pub struct Record {
    file: PathBuf,
    output: PathBuf,
    previous: FxHashMap<String, Entry>,
    next: Mutex<Vec<(String, Entry)>>,
    /// What this build's files were made from, where their makers said.
    next_from: Mutex<FxHashMap<String, u64>>,
}

impl Record {
    /// The record of `output` kept in the work folder `work`; empty when
    /// there is none (or it describes another folder).
    pub fn open(work: &Path, output: &Path) -> Record {
        let mut hasher = crate::hash::fingerprint();
        output.hash(&mut hasher);
        let file = work.join(format!("output-record-{:016x}", hasher.finish()));
        let previous = std::fs::read_to_string(&file)
            .map(|text| parse(&text, output))
            .unwrap_or_default();
        Record {
            file,
            output: output.to_path_buf(),
            previous,
            next: Mutex::new(Vec::new()),
            next_from: Mutex::new(FxHashMap::default()),
        }
    }

    /// The file at `path` in the current output, if the last build wrote
    /// it with `hash` and nothing has changed it since (same length and
    /// modification time).
    pub fn unchanged(&self, path: &str, hash: u64, on_disk: &Path) -> Option<Entry> {
        let entry = self.previous.get(path).filter(|e| e.hash == hash)?;
        let now = entry_of(on_disk, hash)?;
        (now == *entry).then_some(now)
    }

    /// The file at `staged` (`path` in a recycled spare), if it is the very
    /// file the last build left at `path` in the output, with `hash`, and
    /// nothing has changed it since: same disk and inode, length and
    /// modification time. Then it is already in place, and the output's
    /// copy need not be looked at: one `stat` per unchanged file, not two.
    pub fn in_place(&self, path: &str, hash: u64, staged: &Path) -> Option<Entry> {
        let entry = self.previous.get(path).filter(|e| e.hash == hash)?;
        same_file_as(entry, staged)
    }

    /// [`Record::in_place`] for a file kept by what it was made from
    /// (see [`Record::unchanged_from`]).
    pub fn in_place_from(&self, path: &str, from: u64, staged: &Path) -> Option<Entry> {
        same_file_as(self.made_from_entry(path, from)?, staged)
    }

    /// The last build's entry of `path`, if it was made from `from`
    /// (never 0).
    fn made_from_entry(&self, path: &str, from: u64) -> Option<&Entry> {
        self.previous
            .get(path)
            .filter(|e| from != 0 && e.from == from)
    }

    /// The file at `path` in the current output, if the last build made it
    /// from `from` (a hash of everything its bytes come from, never 0) and
    /// nothing has changed it since: its entry, with the file's hash. Its
    /// maker need not make it again to know it.
    pub fn unchanged_from(&self, path: &str, from: u64, on_disk: &Path) -> Option<Entry> {
        let entry = self.made_from_entry(path, from)?;
        let now = entry_of(on_disk, entry.hash)?;
        (now == *entry).then_some(now)
    }

    /// Notes what this build's file at `path` was made from, for
    /// [`Record::unchanged_from`] in the next build.
    pub fn made_from(&self, path: &str, from: u64) {
        if let Ok(mut next) = self.next_from.lock() {
            next.insert(path.to_string(), from);
        }
    }

    /// Notes a file this build put at `path` (`entry` if known, else read
    /// from `file`).
    pub fn note(&self, path: &str, hash: u64, entry: Option<Entry>, file: &Path) {
        if let Some(entry) = entry.or_else(|| entry_of(file, hash))
            && let Ok(mut next) = self.next.lock()
        {
            next.push((path.to_string(), entry));
        }
    }

    /// Saves this build's record at once (tests).
    #[cfg(test)]
    pub fn save(self) -> Result<()> {
        self.finish().save()
    }

    /// This build's record as it will be saved: made while the site is
    /// still being finished, saved once it is in place.
    pub fn finish(self) -> FinishedRecord {
        let next = self.next.into_inner().unwrap_or_else(|e| e.into_inner());
        let from = self
            .next_from
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let mut text = format!("{HEADER} {}\n", self.output.display());
        for (path, e) in next {
            let made_from = from.get(&path).copied().unwrap_or(0);
            // A file the system gives no inode for is written as 0 0, which
            // `in_place` never matches.
            let (disk, inode) = e.file.unwrap_or((0, 0));
            // Writing into a String cannot fail.
            let _ = writeln!(
                text,
                "{:016x} {} {} {made_from:016x} {disk:x} {inode:x} {path}",
                e.hash, e.len, e.modified_ns
            );
        }
        FinishedRecord {
            file: self.file,
            text,
        }
    }
}

/// A record made (see [`Record::finish`]), not yet saved.
pub struct FinishedRecord {
    file: PathBuf,
    text: String,
}

impl FinishedRecord {
    /// Saves it, once its site is in place.
    pub fn save(self) -> Result<()> {
        crate::fs::write_atomically(&self.file, self.text.as_bytes())
    }
}

/// `entry` as the file at `staged` now is, if that is the file `entry`
/// describes (same disk, inode, length and time) and not a link.
fn same_file_as(entry: &Entry, staged: &Path) -> Option<Entry> {
    entry.file?;
    let metadata = std::fs::symlink_metadata(staged).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let now = entry_from(&metadata, entry.hash)?;
    (now == *entry && now.file == entry.file).then_some(now)
}

/// A file's length and modification time, with `hash`.
fn entry_of(file: &Path, hash: u64) -> Option<Entry> {
    entry_from(&std::fs::metadata(file).ok()?, hash)
}

fn entry_from(metadata: &std::fs::Metadata, hash: u64) -> Option<Entry> {
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(Entry {
        hash,
        len: metadata.len(),
        modified_ns: modified.as_nanos(),
        file: file_id(metadata),
        from: 0,
    })
}

/// A file's (or folder's) disk and inode, where the system has them.
#[cfg(unix)]
pub(super) fn file_id(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
pub(super) fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The entries of a record of `output`; nothing if it is of another.
fn parse(text: &str, output: &Path) -> FxHashMap<String, Entry> {
    let mut lines = text.lines();
    let expected = format!("{HEADER} {}", output.display());
    if lines.next() != Some(expected.as_str()) {
        return FxHashMap::default();
    }
    lines
        .filter_map(|line| {
            let mut fields = line.splitn(7, ' ');
            let hash = u64::from_str_radix(fields.next()?, 16).ok()?;
            let len = fields.next()?.parse().ok()?;
            let modified_ns = fields.next()?.parse().ok()?;
            let from = u64::from_str_radix(fields.next()?, 16).ok()?;
            let disk = u64::from_str_radix(fields.next()?, 16).ok()?;
            let inode = u64::from_str_radix(fields.next()?, 16).ok()?;
            let path = fields.next()?.to_string();
            let file = (inode != 0).then_some((disk, inode));
            Some((
                path,
                Entry {
                    hash,
                    len,
                    modified_ns,
                    file,
                    from,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary folder with a work folder and an output folder holding
    /// one file `name` with `text`: (the folder, work, output, the file).
    fn folders(name: &str, text: &str) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (work, output) = (dir.path().join("work"), dir.path().join("public"));
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&output).unwrap();
        let file = output.join(name);
        std::fs::write(&file, text).unwrap();
        (dir, work, output, file)
    }

    #[test]
    fn a_file_is_unchanged_only_with_its_hash_length_and_time() {
        let (dir, work, output, page) = folders("index.html", "<p>你好</p>");

        let record = Record::open(&work, &output);
        assert_eq!(record.unchanged("index.html", 7, &page), None);
        record.note("index.html", 7, None, &page);
        record.save().unwrap();

        let record = Record::open(&work, &output);
        assert!(record.unchanged("index.html", 7, &page).is_some());
        assert_eq!(
            record.unchanged("index.html", 8, &page),
            None,
            "another hash"
        );
        assert_eq!(record.unchanged("other.html", 7, &page), None);
        std::fs::write(&page, "<p>您好啊</p>").unwrap();
        assert_eq!(
            record.unchanged("index.html", 7, &page),
            None,
            "edited by hand"
        );

        let elsewhere = Record::open(&work, &dir.path().join("other"));
        assert_eq!(elsewhere.unchanged("index.html", 7, &page), None);
    }

    /// A spare's file is in place only when it is the very file recorded
    /// (a hard link of it), untouched; a copy with the same bytes is not.
    #[test]
    fn a_file_is_in_place_only_as_the_recorded_file_itself() {
        let (dir, work, output, page) = folders("index.html", "<p>你好</p>");
        let record = Record::open(&work, &output);
        record.note("index.html", 7, None, &page);
        record.made_from("index.html", 42);
        record.save().unwrap();
        let linked = dir.path().join("linked.html");
        std::fs::hard_link(&page, &linked).unwrap();
        let copy = dir.path().join("copy.html");
        std::fs::copy(&page, &copy).unwrap();
        // Same bytes, length and time: only the inode tells it apart.
        let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
        let file = std::fs::File::options().write(true).open(&copy).unwrap();
        file.set_modified(modified).unwrap();

        let record = Record::open(&work, &output);
        assert!(record.in_place("index.html", 7, &linked).is_some());
        assert!(record.in_place_from("index.html", 42, &linked).is_some());
        assert!(
            record.in_place("index.html", 8, &linked).is_none(),
            "another hash"
        );
        assert!(record.in_place_from("index.html", 43, &linked).is_none());
        assert!(record.in_place("index.html", 7, &copy).is_none(), "a copy");
        std::fs::write(&linked, "<p>您好啊</p>").unwrap();
        assert!(
            record.in_place("index.html", 7, &linked).is_none(),
            "edited by hand"
        );
    }

    #[test]
    fn a_file_made_from_the_same_inputs_and_untouched_is_known_by_them() {
        let (_dir, work, output, result) = folders("f.dz", "结果");

        let record = Record::open(&work, &output);
        record.note("f.dz", 7, None, &result);
        record.made_from("f.dz", 42);
        record.note("other.dz", 8, None, &result);
        record.save().unwrap();

        let record = Record::open(&work, &output);
        let kept = record.unchanged_from("f.dz", 42, &result);
        assert_eq!(kept.map(|e| e.hash()), Some(7), "its hash, unread");
        assert!(record.unchanged_from("f.dz", 43, &result).is_none());
        assert!(
            record.unchanged_from("other.dz", 0, &result).is_none(),
            "a file whose maker said nothing is never known by its inputs"
        );
        std::fs::write(&result, "别的结果").unwrap();
        assert!(
            record.unchanged_from("f.dz", 42, &result).is_none(),
            "edited by hand"
        );
    }
}
