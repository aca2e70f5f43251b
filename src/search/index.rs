//! The index files: postings merged from every document, cut into shards
//! by a hash of the token, plus the small entry file, the page table the
//! filters use, and one fragment per page.
//!
//! A posting list is a string of numbers, each `(id gap) × 4 + rank`,
//! written in base 32 with two alphabets (a digit from the first ends a
//! number, one from the second means more follow), so the list of a pair
//! found on every page costs one byte per page.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::search::documents::{Document, Rank};
use crate::search::tokens::{self, han_key_text};

/// Digits that end a number.
const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits with more to follow.
const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Roughly how many bytes one shard should hold.
const SHARD_BYTES: usize = 12 * 1024;
/// Pages per page-table chunk.
pub const TABLE_CHUNK: usize = 2048;

/// Appends `value` in the two-alphabet base-32 form.
pub fn push_number(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 13];
    let mut len = 0;
    loop {
        digits[len] = (value & 31) as u8;
        len += 1;
        value >>= 5;
        if value == 0 {
            break;
        }
    }
    for (i, &digit) in digits[..len].iter().enumerate().rev() {
        let alphabet = if i == 0 { LAST } else { MORE };
        out.push(alphabet[digit as usize] as char);
    }
}

/// Every token's postings: `id × 4 + rank`, ids ascending.
pub struct Postings {
    han: FxHashMap<u64, Vec<u32>>,
    words: FxHashMap<String, Vec<u32>>,
}

/// Merges the documents' tokens, in id order (the documents' order).
pub fn merge(documents: &[Document]) -> Postings {
    let mut han: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut words: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for (id, document) in documents.iter().enumerate() {
        let posting = |rank: Rank| ((id as u32) << 2) | rank as u32;
        for &(key, rank) in &document.content.han {
            han.entry(key).or_default().push(posting(rank));
        }
        for (token, rank) in &document.content.words {
            match words.get_mut(token) {
                Some(list) => list.push(posting(*rank)),
                None => {
                    words.insert(token.clone(), vec![posting(*rank)]);
                }
            }
        }
    }
    Postings { han, words }
}

fn encode_list(list: &[u32], out: &mut String) {
    let mut previous = 0u32;
    for &posting in list {
        let id = posting >> 2;
        let gap = id - previous;
        previous = id;
        push_number(out, (u64::from(gap) << 2) | u64::from(posting & 3));
    }
}

impl Postings {
    /// How many shards keep each near [`SHARD_BYTES`]: a power of two, so
    /// the count moves only when the index doubles or halves.
    pub fn shard_count(&self) -> u32 {
        let postings: usize = self
            .han
            .values()
            .chain(self.words.values())
            .map(Vec::len)
            .sum();
        let tokens = self.han.len() + self.words.len();
        let estimate = postings + postings / 4 + tokens * 10;
        (estimate / SHARD_BYTES)
            .max(1)
            .next_power_of_two()
            .min(1 << 16) as u32
    }

    /// The shards' JSON, one per bucket (`{"token":"postings",...}`, tokens
    /// sorted so the bytes depend on nothing but the content).
    pub fn shards(&self, count: u32) -> Vec<String> {
        let mut buckets: Vec<Vec<(String, &[u32])>> = (0..count).map(|_| Vec::new()).collect();
        for (&key, list) in &self.han {
            let text = han_key_text(key);
            let bucket = tokens::bucket(&text, count) as usize;
            buckets[bucket].push((text, list));
        }
        for (token, list) in &self.words {
            let bucket = tokens::bucket(token, count) as usize;
            buckets[bucket].push((token.clone(), list));
        }
        buckets
            .into_par_iter()
            .map(|mut entries| {
                entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut json = String::from("{");
                for (i, (token, list)) in entries.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push('"');
                    json.push_str(token);
                    json.push_str("\":\"");
                    encode_list(list, &mut json);
                    json.push('"');
                }
                json.push('}');
                json
            })
            .collect()
    }
}

/// The page table: per id, `community × 8 + type` (community 0 = none,
/// else its position in the entry's list plus one), in chunks.
pub fn table_chunks(codes: &[u64]) -> Vec<String> {
    codes
        .chunks(TABLE_CHUNK)
        .map(|chunk| {
            let mut text = String::from("\"");
            for &code in chunk {
                push_number(&mut text, code);
            }
            text.push('"');
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: u64) -> String {
        let mut out = String::new();
        push_number(&mut out, value);
        out
    }

    #[test]
    fn small_numbers_take_one_character() {
        assert_eq!(number(0), "0");
        assert_eq!(number(31), "v");
        assert_eq!(number(32), "x0");
        assert_eq!(number(32 * 32 + 5), "xw5");
    }

    #[test]
    fn a_list_is_gaps_and_ranks() {
        let mut out = String::new();
        // ids 0 (title), 1 (body), 9 (field).
        encode_list(&[3, 4, (9 << 2) | 2], &mut out);
        assert_eq!(
            out,
            format!("{}{}{}", number(3), number(4), number((8 << 2) | 2))
        );
    }
}
