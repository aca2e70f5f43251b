//! Packed files: shards and result files are written as their length
//! (4 bytes, little-endian) followed by their JSON compressed with raw
//! DEFLATE, which `search.js` unpacks (with `vendor/tiny-inflate.js`).
//! That halves what a phone fetches on any static server, whether or not
//! the server compresses responses.

/// DEFLATE level: libdeflate's level 1 packs this JSON 5 % smaller than
/// miniz's level 1, at 1.6 times its speed (see BENCHMARKS.md); higher
/// levels gain a few per cent for half the speed.
const PACK_LEVEL: i32 = 1;

use libdeflater::{CompressionLvl, Compressor};

use crate::hash::hash_bytes;

/// A packed file (a page's fragment or a shard): made now, or kept from
/// the last build (its hash).
pub enum Packed {
    /// Packed now: its bytes.
    Made(Vec<u8>),
    /// The last build's file stays: its hash.
    Kept(u64),
}

impl Packed {
    /// The file's content hash.
    pub fn hash(&self) -> u64 {
        match self {
            Packed::Made(bytes) => hash_bytes(bytes),
            Packed::Kept(hash) => *hash,
        }
    }
}

/// Packs files with one reused compressor and buffer per thread
/// (`rayon`'s `map_init`): a compressor is a few hundred kilobytes of
/// tables, and zeroing a fresh buffer for every file was a sixth of the
/// packing.
pub struct Packer {
    compressor: Compressor,
    buffer: Vec<u8>,
}

impl Default for Packer {
    fn default() -> Self {
        let level = CompressionLvl::new(PACK_LEVEL).unwrap_or_default();
        Packer {
            compressor: Compressor::new(level),
            buffer: Vec::new(),
        }
    }
}

impl Packer {
    /// A shard or result file as it is written.
    pub fn pack(&mut self, json: &str) -> Vec<u8> {
        let input = json.as_bytes();
        let length = u32::try_from(input.len()).unwrap_or(u32::MAX);
        let room = self.compressor.deflate_compress_bound(input.len());
        if self.buffer.len() < room {
            self.buffer.resize(room, 0);
        }
        let written = self
            .compressor
            .deflate_compress(input, &mut self.buffer[..room])
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(4 + written);
        bytes.extend_from_slice(&length.to_le_bytes());
        if written > 0 || input.is_empty() {
            bytes.extend_from_slice(&self.buffer[..written]);
        } else {
            // Cannot happen with libdeflate's own bound; miniz is still right.
            bytes.extend(miniz_oxide::deflate::compress_to_vec(input, 1));
        }
        bytes
    }
}

/// The inverse of [`Packer::pack`] (for tests and tools): `None` if `bytes` is not
/// a packed file.
pub fn unpack(bytes: &[u8]) -> Option<String> {
    let (length, compressed) = bytes.split_first_chunk::<4>()?;
    let text = miniz_oxide::inflate::decompress_to_vec(compressed).ok()?;
    (text.len() == u32::from_le_bytes(*length) as usize).then_some(())?;
    String::from_utf8(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(json: &str) -> Vec<u8> {
        Packer::default().pack(json)
    }

    #[test]
    fn one_packer_packs_files_of_any_size_one_after_another() {
        let mut packer = Packer::default();
        let long = "听湖社区议事会，".repeat(2000);
        for json in [long.as_str(), "{}", "短", long.as_str(), ""] {
            let packed = packer.pack(json);
            assert_eq!(unpack(&packed).as_deref(), Some(json));
            assert_eq!(packed, pack(json), "the same bytes as a fresh packer");
        }
    }

    #[test]
    fn packed_files_unpack_to_what_was_packed() {
        let json = r#"{"t":"听湖社区电动车充电桩议事会","x":"𠮷 Wi-Fi 0571-8600"}"#;
        let packed = pack(json);
        assert_eq!(&packed[..4], &(json.len() as u32).to_le_bytes());
        assert_eq!(unpack(&packed).as_deref(), Some(json));
        assert_eq!(unpack(b"{}"), None);
        // One packer for many files gives the same bytes as a fresh one.
        let mut packer = Packer::default();
        for text in [json, "{}", &json.repeat(50)] {
            assert_eq!(packer.pack(text), pack(text));
            assert_eq!(unpack(&packer.pack(text)).as_deref(), Some(text));
        }
    }
}
