//! A one-off build's spool: every page's rendered body, written once to an
//! unnamed file under `.linju/` and read back by each reader (the page's
//! own template, the search index, the feed, a screen slide). At 100,000
//! pages the bodies' HTML was half a gigabyte held from the Markdown phase
//! to the end of rendering; spooled, it sits in the page cache, which the
//! system can drop, instead of in the build's own memory.
//!
//! The file has no name, so the system removes it when the build ends,
//! however it ends. Nothing here ever fails a build by itself: a spool
//! that cannot be made or written keeps the body in memory instead, and a
//! body that cannot be read back is noted (see [`Spool::failure`]) so that
//! the build refuses to publish before anything is swapped in.

use std::fs::File;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The file that rendered bodies are spooled to.
#[derive(Debug)]
pub struct Spool {
    file: File,
    /// Where the next body goes: bodies are written side by side, each at
    /// a place reserved for it, so threads never wait for each other.
    end: AtomicU64,
    /// Nanoseconds spent writing, summed over threads (`--timings`).
    writing: AtomicU64,
    /// The first read that failed, as a sentence for the writer.
    failed: Mutex<Option<String>>,
}

/// Where one body is in the spool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    offset: u64,
    len: u32,
}

impl Place {
    /// A place past the end of the spool, whose read fails (for tests of
    /// what a failed read does).
    #[cfg(test)]
    pub fn beyond_end_for_tests(self) -> Place {
        Place {
            offset: self.offset + 1_000_000,
            len: 1,
        }
    }

    /// The body's length in bytes.
    pub fn len(self) -> usize {
        self.len as usize
    }
}

impl Spool {
    /// An unnamed spool file in `dir` (made if missing).
    pub fn create(dir: &Path) -> std::io::Result<Spool> {
        if !cfg!(unix) {
            // Reading and writing at a place is Unix's `pread`/`pwrite`.
            return Err(std::io::ErrorKind::Unsupported.into());
        }
        std::fs::create_dir_all(dir)?;
        Ok(Spool {
            file: tempfile::tempfile_in(dir)?,
            end: AtomicU64::new(0),
            writing: AtomicU64::new(0),
            failed: Mutex::new(None),
        })
    }

    /// Writes `text` to the spool; `None` if it could not (or is too long
    /// for one place), and the caller keeps it in memory.
    pub fn keep(&self, text: &str) -> Option<Place> {
        let started = Instant::now();
        let len = u32::try_from(text.len()).ok()?;
        let offset = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        let written = write_at(&self.file, text.as_bytes(), offset);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.writing.fetch_add(nanos, Ordering::Relaxed);
        written.ok()?;
        Some(Place { offset, len })
    }

    /// How long writing took, summed over threads.
    pub fn write_time(&self) -> Duration {
        Duration::from_nanos(self.writing.load(Ordering::Relaxed))
    }

    /// The text at `place`. A read that fails (the disk failed under the
    /// build) gives an empty text and is noted for [`Spool::failure`].
    pub fn read(&self, place: Place) -> String {
        let mut bytes = vec![0; place.len()];
        let text = read_at(&self.file, &mut bytes, place.offset)
            .map_err(|error| error.to_string())
            .and_then(|()| String::from_utf8(bytes).map_err(|error| error.to_string()));
        text.unwrap_or_else(|error| {
            self.note_failure(error);
            String::new()
        })
    }

    fn note_failure(&self, error: String) {
        if let Ok(mut failed) = self.failed.lock() {
            failed.get_or_insert(error);
        }
    }

    /// Why a body could not be read back, if one could not: a build that
    /// rendered with a missing body must not be published.
    pub fn failure(&self) -> Option<String> {
        match self.failed.lock() {
            Ok(failed) => failed.clone(),
            Err(_) => Some("a thread failed while reading the spool".to_string()),
        }
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_come_back_as_they_were_written() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::create(&dir.path().join(".linju")).unwrap();
        let first = spool.keep("<p>第一篇</p>").unwrap();
        let empty = spool.keep("").unwrap();
        let second = spool.keep("<p>第二篇，更长一些</p>").unwrap();
        assert_eq!(spool.read(second), "<p>第二篇，更长一些</p>");
        assert_eq!(spool.read(first), "<p>第一篇</p>");
        assert_eq!(spool.read(empty), "");
        assert_eq!(spool.failure(), None);
        // The file has no name: nothing is left in the folder.
        let left = std::fs::read_dir(dir.path().join(".linju"))
            .unwrap()
            .count();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_failed_read_is_noted() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::create(dir.path()).unwrap();
        let kept = spool.keep("abc").unwrap();
        assert_eq!(spool.read(kept.beyond_end_for_tests()), "");
        assert!(spool.failure().is_some());
    }
}
