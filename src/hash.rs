//! Hashes for telling whether something changed: of a file's bytes, of a
//! template value, and fingerprints of what a file is made from. All are
//! XXH3 with a fixed seed, so the same input hashes the same in every
//! process (the image cache's names and `sources.json` outlive a build).

use std::hash::Hasher;

/// A fingerprint hasher: XXH3, fixed seed. Unlike std's `DefaultHasher`
/// (randomly seeded per process) its values can be stored and compared
/// across runs.
pub type Fingerprint = xxhash_rust::xxh3::Xxh3Default;

/// A new fingerprint hasher.
pub fn fingerprint() -> Fingerprint {
    Fingerprint::new()
}

/// A hash of some bytes (a checksum-quality 64 bits, so two versions of
/// one file do not collide in practice).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A hash of a value's JSON, written into the hasher a few kilobytes at a
/// time (JSON comes in pieces of a few bytes, and each update of the
/// hasher costs more than copying them). The same as hashing the text.
pub fn hash_json(value: &impl serde::Serialize) -> u64 {
    let mut writer = std::io::BufWriter::with_capacity(4096, HashWriter(fingerprint()));
    // Writing into a hasher cannot fail; a failure would only weaken the hash.
    let _ = serde_json::to_writer(&mut writer, value);
    let _ = std::io::Write::flush(&mut writer);
    writer.get_ref().0.finish()
}

/// A hasher that JSON can be written into.
struct HashWriter(Fingerprint);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_across_processes() {
        // A stored value: if this changes, every cache name changes too.
        assert_eq!(hash_bytes(b"linju"), xxhash_rust::xxh3::xxh3_64(b"linju"));
        assert_eq!(
            hash_json(&serde_json::json!({"a": 1})),
            hash_bytes(br#"{"a":1}"#)
        );
        // Longer than the writer's buffer.
        let long = "邻".repeat(5000);
        assert_eq!(
            hash_json(&long),
            hash_bytes(format!("\"{long}\"").as_bytes())
        );
    }
}
