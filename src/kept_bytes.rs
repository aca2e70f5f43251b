//! Bytes a one-off build keeps for the next one under `.linju/<name>/`,
//! each by a 64-bit key that says everything it was made from: the search
//! tokens of a page (`build::kept_search`), a rendered body
//! (`content::bodies`). The next build takes them instead of making them
//! again.
//!
//! - `data` holds the entries, one after another, only ever appended to,
//!   or written afresh and renamed into place once more than half of it
//!   is entries no build uses any more;
//! - `index` says, for the `data` file it names (disk and inode) and the
//!   program that made it, where each key's entry is and its hash;
//! - `lock` is held while either is changed, so two builds of one site
//!   to two output folders do not write over each other.
//!
//! Nothing here is trusted: an entry is used only if the index's hash of
//! the index itself, the program, the `data` file's inode and the entry's
//! own hash all agree; anything else is a miss, made again by the caller
//! and kept anew. No error here fails a build: what is kept only saves
//! time.

use std::fs::{self, File, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::hash::hash_bytes;

const MAGIC: &[u8] = b"linju kept bytes 1\n";

/// New entries held before they go to a file of this build's own: a cold
/// build of 100,000 pages makes hundreds of megabytes of them.
const HELD: usize = 8 << 20;

/// Where an entry is in `data`, how long it is and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    offset: u64,
    len: u32,
    hash: u64,
}

/// The last build's entries, open for reading, and this build's new ones.
pub struct KeptBytes {
    dir: PathBuf,
    program: u64,
    /// The `data` file the index was made for, open since the index was
    /// read (a build that rewrites it meanwhile renames a new one in).
    data: Option<File>,
    known: FxHashMap<u64, Place>,
    /// Known entries that turned out spoilt: made again when asked.
    spoilt: Mutex<FxHashSet<u64>>,
    fresh: Mutex<Fresh>,
}

/// This build's new entries: the first ones in a file of its own
/// (`spill`), the rest in memory.
#[derive(Default)]
struct Fresh {
    places: Vec<(u64, Place)>,
    held: Vec<u8>,
    spill: Option<(PathBuf, BufWriter<File>)>,
    /// Bytes in `spill` and `held` together.
    len: u64,
    /// Set when writing the spill failed: nothing new is kept.
    broken: bool,
}

impl KeptBytes {
    /// What the site at `root` keeps in `.linju/<name>/` for the running
    /// program; `None` when the program cannot be told (then nothing is
    /// kept). Empty when nothing is kept yet, or it is another
    /// program's, or spoilt.
    pub fn open(root: &Path, name: &str) -> Option<KeptBytes> {
        Some(KeptBytes::open_for(root, name, program_identity()?))
    }

    /// [`KeptBytes::open`] for the program `program`.
    fn open_for(root: &Path, name: &str, program: u64) -> KeptBytes {
        let dir = root.join(crate::fs::WORK_DIR).join(name);
        let (data, known) = read_index(&dir, program).unwrap_or_default();
        KeptBytes {
            dir,
            program,
            data,
            known,
            spoilt: Mutex::default(),
            fresh: Mutex::new(Fresh::default()),
        }
    }

    /// The bytes kept for `key`.
    pub fn get(&self, key: u64) -> Option<Vec<u8>> {
        let place = self.known.get(&key)?;
        let mut bytes = vec![0; place.len as usize];
        let read = self.data.as_ref()?.read_exact_at(&mut bytes, place.offset);
        let whole = read.is_ok() && hash_bytes(&bytes) == place.hash;
        if !whole {
            self.spoilt(key);
        }
        whole.then_some(bytes)
    }

    /// Notes that the entry for `key` turned out unusable: a caller that
    /// makes it again keeps it anew.
    pub fn spoilt(&self, key: u64) {
        if let Ok(mut spoilt) = self.spoilt.lock() {
            spoilt.insert(key);
        }
    }

    /// Whether a good entry for `key` is known.
    fn has(&self, key: u64) -> bool {
        self.known.contains_key(&key)
            && self
                .spoilt
                .lock()
                .is_ok_and(|spoilt| !spoilt.contains(&key))
    }

    /// Keeps `bytes` for `key`, unless a good entry is kept already.
    pub fn put(&self, key: u64, bytes: &[u8]) {
        if self.has(key) {
            return;
        }
        let Ok(mut fresh) = self.fresh.lock() else {
            return;
        };
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let place = Place {
            offset: fresh.len,
            len,
            hash: hash_bytes(bytes),
        };
        fresh.places.push((key, place));
        fresh.len += u64::from(len);
        fresh.held.extend_from_slice(bytes);
        if fresh.held.len() >= HELD {
            fresh.spill_held(&self.dir);
        }
    }

    /// Writes what the next build needs: the entries of the keys in
    /// `used`, old and new. Nothing is written when nothing changed.
    pub fn finish(&self, used: &[u64]) {
        let Ok(mut fresh) = self.fresh.lock() else {
            return;
        };
        let fresh = std::mem::take(&mut *fresh);
        let used: FxHashSet<u64> = used.iter().copied().collect();
        let old: Vec<(u64, Place)> = self
            .known
            .iter()
            .filter(|(from, _)| used.contains(from) && self.has(**from))
            .map(|(&from, &place)| (from, place))
            .collect();
        if fresh.places.is_empty() && old.len() == self.known.len() {
            return;
        }
        if self.write(old, fresh).is_err() {
            // Whatever this build left half-made goes; the last index
            // still names a whole data file, or none.
            for name in ["new", "data", "index"] {
                let _ = fs::remove_file(self.dir.join(format!("{name}.{}", std::process::id())));
            }
        }
    }

    fn write(&self, old: Vec<(u64, Place)>, mut fresh: Fresh) -> io::Result<()> {
        let spill = fresh.finish_spill()?;
        fs::create_dir_all(&self.dir)?;
        let lock = File::create(self.dir.join("lock"))?;
        lock.lock()?;
        let data_path = self.dir.join("data");
        let old_bytes: u64 = old.iter().map(|(_, p)| u64::from(p.len)).sum();
        let data_len = self
            .data
            .as_ref()
            .map_or(0, |d| d.metadata().map_or(0, |m| m.len()));
        let appendable = self
            .data
            .as_ref()
            .is_some_and(|data| same_file(data, &data_path))
            && data_len - old_bytes.min(data_len) <= old_bytes;
        let (places, data) = if appendable {
            self.append(old, (fresh, spill), &data_path)?
        } else {
            self.rewrite(old, (fresh, spill), &data_path)?
        };
        write_index(&self.dir, self.program, &data, &places)
    }

    /// Adds the new entries at the end of `data`.
    fn append(
        &self,
        old: Vec<(u64, Place)>,
        (fresh, spill): (Fresh, Option<PathBuf>),
        data_path: &Path,
    ) -> io::Result<(Vec<(u64, Place)>, File)> {
        let mut data = OpenOptions::new().append(true).open(data_path)?;
        let base = data.metadata()?.len();
        let mut places = old;
        places.extend(fresh.moved_by(base));
        copy_fresh(&mut data, (&fresh.held, spill.as_deref()))?;
        Ok((places, data))
    }

    /// Writes a new `data` of the old entries still used and the new ones,
    /// and renames it into place (or, with no old entry, renames the
    /// spill).
    fn rewrite(
        &self,
        old: Vec<(u64, Place)>,
        (fresh, spill): (Fresh, Option<PathBuf>),
        data_path: &Path,
    ) -> io::Result<(Vec<(u64, Place)>, File)> {
        if let (true, Some(spill)) = (old.is_empty(), &spill) {
            let mut file = OpenOptions::new().append(true).open(spill)?;
            file.write_all(&fresh.held)?;
            fs::rename(spill, data_path)?;
            return Ok((fresh.moved_by(0).collect(), file));
        }
        let next = self.dir.join(format!("data.{}", std::process::id()));
        let mut out = BufWriter::new(File::create(&next)?);
        let mut places = Vec::with_capacity(old.len() + fresh.places.len());
        let mut offset = 0;
        let mut bytes = Vec::new();
        for (from, place) in old {
            let Some(data) = &self.data else { break };
            bytes.resize(place.len as usize, 0);
            data.read_exact_at(&mut bytes, place.offset)?;
            out.write_all(&bytes)?;
            places.push((from, Place { offset, ..place }));
            offset += u64::from(place.len);
        }
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        places.extend(fresh.moved_by(offset));
        copy_fresh(&mut file, (&fresh.held, spill.as_deref()))?;
        fs::rename(&next, data_path)?;
        Ok((places, file))
    }
}

impl Fresh {
    /// Moves the held entries to this build's spill file.
    fn spill_held(&mut self, dir: &Path) {
        if self.broken {
            self.held.clear();
            return;
        }
        let written = (|| -> io::Result<()> {
            if self.spill.is_none() {
                fs::create_dir_all(dir)?;
                let path = dir.join(format!("new.{}", std::process::id()));
                self.spill = Some((path.clone(), BufWriter::new(File::create(path)?)));
            }
            if let Some((_, file)) = &mut self.spill {
                file.write_all(&self.held)?;
            }
            Ok(())
        })();
        self.held.clear();
        if written.is_err() {
            self.broken = true;
        }
    }

    /// The spill file, flushed, if there is one.
    fn finish_spill(&mut self) -> io::Result<Option<PathBuf>> {
        if self.broken {
            return Err(io::Error::other("a spill of new entries failed"));
        }
        match self.spill.take() {
            None => Ok(None),
            Some((path, mut file)) => {
                file.flush()?;
                Ok(Some(path))
            }
        }
    }

    /// The new entries' places, once they start at `base`.
    fn moved_by(&self, base: u64) -> impl Iterator<Item = (u64, Place)> + '_ {
        self.places.iter().map(move |&(from, place)| {
            let offset = base + place.offset;
            (from, Place { offset, ..place })
        })
    }
}

/// The running program's path, length and modification time: another
/// linju (a new version, or the same one built again) may make different
/// bytes from the same inputs, so it keeps nothing of this one's.
pub fn program_identity() -> Option<u64> {
    let program = std::env::current_exe().ok()?;
    let metadata = fs::metadata(&program).ok()?;
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let mut hasher = crate::hash::fingerprint();
    (program, metadata.len(), modified.as_nanos()).hash(&mut hasher);
    Some(hasher.finish())
}

/// Appends the spill's bytes, then the held ones, to `out`, and removes
/// the spill.
fn copy_fresh(out: &mut File, (held, spill): (&[u8], Option<&Path>)) -> io::Result<()> {
    if let Some(spill) = spill {
        io::copy(&mut File::open(spill)?, out)?;
        fs::remove_file(spill)?;
    }
    out.write_all(held)
}

/// Whether `open` is the file at `path`.
fn same_file(open: &File, path: &Path) -> bool {
    match (open.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// The index's bytes: the magic line, the program, the data file's disk
/// and inode, the entries, and a hash of all that.
fn write_index(dir: &Path, program: u64, data: &File, places: &[(u64, Place)]) -> io::Result<()> {
    let meta = data.metadata()?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 32 + places.len() * 28 + 8);
    bytes.extend_from_slice(MAGIC);
    for n in [program, meta.dev(), meta.ino(), places.len() as u64] {
        bytes.extend_from_slice(&n.to_le_bytes());
    }
    for (from, place) in places {
        bytes.extend_from_slice(&from.to_le_bytes());
        bytes.extend_from_slice(&place.offset.to_le_bytes());
        bytes.extend_from_slice(&place.len.to_le_bytes());
        bytes.extend_from_slice(&place.hash.to_le_bytes());
    }
    let hash = hash_bytes(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    let next = dir.join(format!("index.{}", std::process::id()));
    fs::write(&next, &bytes)?;
    fs::rename(&next, dir.join("index"))
}

/// The data file and the entries the index in `dir` names, if it is
/// whole, `program`'s, and for the `data` file there now.
fn read_index(dir: &Path, program: u64) -> Option<(Option<File>, FxHashMap<u64, Place>)> {
    let bytes = fs::read(dir.join("index")).ok()?;
    let (body, hash) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if hash_bytes(body).to_le_bytes() != hash {
        return None;
    }
    let rest = body.strip_prefix(MAGIC)?;
    let mut numbers = rest
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let [made_by, dev, ino, count] = std::array::from_fn(|_| numbers.next().unwrap_or(0));
    if made_by != program {
        return None;
    }
    let data = File::open(dir.join("data")).ok()?;
    let meta = data.metadata().ok()?;
    if (meta.dev(), meta.ino()) != (dev, ino) {
        return None;
    }
    let entries = rest.get(32..)?;
    if entries.len() as u64 != count.checked_mul(28)? {
        return None;
    }
    let known = entries
        .chunks_exact(28)
        .filter_map(|e| {
            let from = u64::from_le_bytes(e[0..8].try_into().ok()?);
            let offset = u64::from_le_bytes(e[8..16].try_into().ok()?);
            let len = u32::from_le_bytes(e[16..20].try_into().ok()?);
            let hash = u64::from_le_bytes(e[20..28].try_into().ok()?);
            (offset + u64::from(len) <= meta.len()).then_some((from, Place { offset, len, hash }))
        })
        .collect();
    Some((Some(data), known))
}

/// Reads little-endian numbers and slices from the front of some bytes,
/// never past their end: what the codecs of kept entries decode with.
pub struct ByteReader<'a> {
    bytes: &'a [u8],
}

impl<'a> ByteReader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> ByteReader<'a> {
        ByteReader { bytes }
    }

    /// The next `n` bytes, if there are that many.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(taken)
    }

    /// The next four bytes as a number.
    pub fn u32(&mut self) -> Option<u32> {
        let mut bytes = [0; 4];
        bytes.copy_from_slice(self.take(4)?);
        Some(u32::from_le_bytes(bytes))
    }

    /// The next eight bytes as a number.
    pub fn u64(&mut self) -> Option<u64> {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(self.take(8)?);
        Some(u64::from_le_bytes(bytes))
    }

    /// Whether every byte was read.
    pub fn is_done(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "kept-test";

    /// A build that uses the entries of `keys`, each made from its text,
    /// keeping those it had to make.
    fn build(root: &Path, program: u64, keys: &[(u64, &str)]) {
        let kept = KeptBytes::open_for(root, NAME, program);
        for &(key, text) in keys {
            if kept.get(key).is_none() {
                kept.put(key, text.as_bytes());
            }
        }
        let used: Vec<u64> = keys.iter().map(|k| k.0).collect();
        kept.finish(&used);
    }

    fn text(kept: &KeptBytes, key: u64) -> Option<String> {
        kept.get(key).map(|b| String::from_utf8(b).unwrap())
    }

    fn dir(root: &Path) -> PathBuf {
        root.join(".linju").join(NAME)
    }

    fn data_inode(root: &Path) -> u64 {
        fs::metadata(dir(root).join("data")).unwrap().ino()
    }

    #[test]
    fn the_next_build_of_the_same_program_gets_the_bytes_back() {
        let root = tempfile::tempdir().unwrap();
        build(root.path(), 7, &[(1, "议事"), (2, "楼道")]);
        let next = KeptBytes::open_for(root.path(), NAME, 7);
        assert_eq!(text(&next, 1).as_deref(), Some("议事"));
        assert_eq!(text(&next, 2).as_deref(), Some("楼道"));
        assert!(next.get(3).is_none(), "a key it never saw");
        let other = KeptBytes::open_for(root.path(), NAME, 8);
        assert!(other.get(1).is_none(), "another program's bytes");
    }

    #[test]
    fn a_spoilt_entry_is_a_miss_and_kept_anew_and_a_spoilt_index_is_nothing() {
        let root = tempfile::tempdir().unwrap();
        build(root.path(), 7, &[(1, "议事"), (2, "楼道")]);
        let dir = dir(root.path());
        // Written in place: the same inode, so the index still names it.
        let file = OpenOptions::new()
            .write(true)
            .open(dir.join("data"))
            .unwrap();
        file.write_all_at(b"X", 1).unwrap();
        let next = KeptBytes::open_for(root.path(), NAME, 7);
        assert!(next.get(1).is_none(), "the spoilt entry");
        assert_eq!(text(&next, 2).as_deref(), Some("楼道"));
        next.put(1, "议事".as_bytes());
        next.finish(&[1, 2]);
        let again = KeptBytes::open_for(root.path(), NAME, 7);
        assert_eq!(text(&again, 1).as_deref(), Some("议事"), "kept anew");
        drop(again);
        let mut index = fs::read(dir.join("index")).unwrap();
        let last = index.len() - 12;
        index[last] ^= 1;
        fs::write(dir.join("index"), &index).unwrap();
        assert!(KeptBytes::open_for(root.path(), NAME, 7).known.is_empty());
    }

    #[test]
    fn new_entries_are_appended_and_unused_ones_dropped_until_half_is_waste() {
        let root = tempfile::tempdir().unwrap();
        build(
            root.path(),
            7,
            &[(1, "议事"), (2, "楼道"), (3, "家风"), (4, "志愿")],
        );
        let first = data_inode(root.path());
        build(
            root.path(),
            7,
            &[(1, "议事"), (2, "楼道"), (3, "家风"), (5, "邻里")],
        );
        assert_eq!(data_inode(root.path()), first, "appended in place");
        let next = KeptBytes::open_for(root.path(), NAME, 7);
        assert_eq!(next.known.len(), 4);
        assert!(next.get(4).is_none(), "a key no build uses any more");
        assert_eq!(text(&next, 5).as_deref(), Some("邻里"));
        drop(next);
        // Two of five entries in use: the file is written afresh.
        build(root.path(), 7, &[(1, "议事"), (5, "邻里")]);
        assert_ne!(data_inode(root.path()), first, "written afresh");
        let last = KeptBytes::open_for(root.path(), NAME, 7);
        let len = fs::metadata(dir(root.path()).join("data")).unwrap().len();
        let used: u64 = last.known.values().map(|p| u64::from(p.len)).sum();
        assert_eq!(len, used, "nothing but what is used");
        assert_eq!(text(&last, 1).as_deref(), Some("议事"));
        assert_eq!(text(&last, 5).as_deref(), Some("邻里"));
    }

    #[test]
    fn a_build_that_changes_nothing_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        build(root.path(), 7, &[(1, "议事")]);
        let index = dir(root.path()).join("index");
        let before = fs::metadata(&index).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        build(root.path(), 7, &[(1, "议事")]);
        assert_eq!(fs::metadata(&index).unwrap().modified().unwrap(), before);
    }

    #[test]
    fn many_new_entries_go_through_a_spill_file_and_leave_none_behind() {
        let root = tempfile::tempdir().unwrap();
        let kept = KeptBytes::open_for(root.path(), NAME, 7);
        // Each entry over a megabyte: the spill is written several times.
        let big: Vec<u8> = (0..1_200_000u32).map(|n| (n % 251) as u8).collect();
        for key in 0..12 {
            kept.put(key, &big);
        }
        kept.finish(&(0..12).collect::<Vec<_>>());
        let next = KeptBytes::open_for(root.path(), NAME, 7);
        assert_eq!(next.known.len(), 12);
        assert_eq!(next.get(11).as_deref(), Some(&big[..]));
        let mut names: Vec<String> = fs::read_dir(dir(root.path()))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["data", "index", "lock"]);
    }
}
