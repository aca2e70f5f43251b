//! One page's tokens as bytes, so a one-off build can keep them for the
//! next (`build::token_cache`): tokenising every body again was a tenth
//! of a 10,000-page rebuild's CPU, reading these back a hundredth.
//!
//! The layout is little-endian and fixed-width, grouped by rank (a page
//! has one rank per token, and the order within a page does not matter
//! to the index): for each rank, the Han keys of two characters from the
//! Basic Multilingual Plane as `u32`s (first character in the high half),
//! then the other Han keys as `u64`s; then the word tokens, each with its
//! rank and length. About four bytes a Han token, where a `(u64, Rank)`
//! takes sixteen.

use crate::kept_bytes::ByteReader;
use crate::search::documents::{Content, Rank};

const RANKS: [Rank; 4] = [Rank::Body, Rank::Meta, Rank::Field, Rank::Title];

/// Bits of a Han key that hold its second character.
const SECOND_BITS: u32 = 21;

/// Appends `content`'s tokens (not its fragment) to `out`.
pub fn encode(content: &Content, out: &mut Vec<u8>) {
    out.reserve(content.han.len() * 4 + content.words.len() * 12 + 64);
    for rank in RANKS {
        let of_rank = || content.han.iter().filter(move |(_, r)| *r == rank);
        let narrow = of_rank().filter_map(|&(key, _)| narrow_key(key));
        put_len(out, narrow.clone().count());
        for key in narrow {
            out.extend_from_slice(&key.to_le_bytes());
        }
        let wide = of_rank().filter(|(key, _)| narrow_key(*key).is_none());
        put_len(out, wide.clone().count());
        for &(key, _) in wide {
            out.extend_from_slice(&key.to_le_bytes());
        }
    }
    put_len(out, content.words.len());
    for (word, rank) in &content.words {
        out.push(*rank as u8);
        put_len(out, word.len());
        out.extend_from_slice(word.as_bytes());
    }
}

/// The tokens `bytes` (made by [`encode`]) hold, with an empty fragment;
/// `None` if they are not such bytes.
pub fn decode(bytes: &[u8]) -> Option<Content> {
    let mut reader = ByteReader::new(bytes);
    let mut han = Vec::with_capacity(bytes.len() / 4);
    for rank in RANKS {
        let narrow = len(&mut reader)?;
        let keys = reader.take(narrow.checked_mul(4)?)?;
        han.extend(keys.chunks_exact(4).map(|key| {
            let key = u32::from_le_bytes([key[0], key[1], key[2], key[3]]);
            (wide_key(key), rank)
        }));
        let wide = len(&mut reader)?;
        let keys = reader.take(wide.checked_mul(8)?)?;
        han.extend(keys.chunks_exact(8).map(|key| {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(key);
            (u64::from_le_bytes(bytes), rank)
        }));
    }
    let count = len(&mut reader)?;
    let mut words = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        let rank = rank_of(reader.take(1)?[0])?;
        let len = len(&mut reader)?;
        let word = std::str::from_utf8(reader.take(len)?).ok()?;
        words.push((word.to_string(), rank));
    }
    reader.is_done().then_some(Content {
        han,
        words,
        fragment: Vec::new(),
    })
}

/// A key of two characters below U+10000 in 32 bits.
fn narrow_key(key: u64) -> Option<u32> {
    let first = key >> SECOND_BITS;
    let second = key & ((1 << SECOND_BITS) - 1);
    (first <= 0xFFFF && second <= 0xFFFF).then_some(((first << 16) | second) as u32)
}

/// The Han key of a narrow one.
fn wide_key(narrow: u32) -> u64 {
    (u64::from(narrow >> 16) << SECOND_BITS) | u64::from(narrow & 0xFFFF)
}

fn rank_of(byte: u8) -> Option<Rank> {
    RANKS.into_iter().find(|rank| *rank as u8 == byte)
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
}

fn len(reader: &mut ByteReader<'_>) -> Option<usize> {
    usize::try_from(reader.u32()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokens::han_key;

    type Tokens = (Vec<(u64, Rank)>, Vec<(String, Rank)>);

    fn sorted(content: &Content) -> Tokens {
        let mut han = content.han.clone();
        han.sort();
        let mut words = content.words.clone();
        words.sort();
        (han, words)
    }

    #[test]
    fn tokens_come_back_as_they_went_in_whatever_the_plane() {
        let content = Content {
            han: vec![
                (han_key('议', Some('事')), Rank::Body),
                (han_key('议', None), Rank::Title),
                // U+20BB7 (𠮷) is outside the Basic Multilingual Plane.
                (han_key('𠮷', Some('野')), Rank::Field),
                (han_key('野', Some('𠮷')), Rank::Meta),
            ],
            words: vec![("yishi".into(), Rank::Title), ("2026".into(), Rank::Body)],
            fragment: b"not kept".to_vec(),
        };
        let mut bytes = Vec::new();
        encode(&content, &mut bytes);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(sorted(&back), sorted(&content));
        assert!(back.fragment.is_empty(), "the fragment is not part of it");
    }

    #[test]
    fn anything_else_is_refused_not_misread() {
        let content = Content {
            han: vec![(han_key('楼', Some('道')), Rank::Body)],
            words: vec![("lou".into(), Rank::Title)],
            fragment: Vec::new(),
        };
        let mut bytes = Vec::new();
        encode(&content, &mut bytes);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes");
        let mut bad_rank = bytes;
        let rank_at = bad_rank.len() - 1 - 4 - 3;
        bad_rank[rank_at] = 9;
        assert!(decode(&bad_rank).is_none(), "a rank that is none");
    }
}
