//! The index files: postings merged from every document, cut into shards
//! by a hash of the token, plus the small entry file, the page table the
//! filters use, and one fragment per page.
//!
//! A posting list is a string of numbers, each `(id gap) × 4 + rank`,
//! written in base 32 with two alphabets (a digit from the first ends a
//! number, one from the second means more follow), so the list of a pair
//! found on every page costs one byte per page.

use rustc_hash::FxHashMap;

use crate::search::documents::{Content, Document, Rank};
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
    // Most postings are a small gap on a page near the last: one digit.
    if value < 32 {
        out.push(LAST[value as usize] as char);
        return;
    }
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
#[derive(Default)]
pub struct Postings {
    han: FxHashMap<u64, Vec<u32>>,
    words: FxHashMap<String, Vec<u32>>,
}

/// Merges the documents' tokens, in id order (the documents' order).
pub fn merge(documents: &[Document]) -> Postings {
    let mut postings = Postings::default();
    for (id, document) in documents.iter().enumerate() {
        postings.add(id as u32, &document.content);
    }
    postings
}

fn encode_list(list: &[u32], out: &mut String) {
    let mut previous = 0u32;
    for &posting in list {
        let id = posting >> 2;
        push_posting(out, id - previous, posting & 3);
        previous = id;
    }
}

/// Appends one posting of a list: its id's `gap` from the one before and
/// its `rank`.
pub(super) fn push_posting(out: &mut String, gap: u32, rank: u32) {
    push_number(out, (u64::from(gap) << 2) | u64::from(rank));
}

impl Postings {
    /// Adds the tokens of page `id`, which comes after every page added
    /// so far (postings stay in id order).
    pub fn add(&mut self, id: u32, content: &Content) {
        let posting = |rank: Rank| (id << 2) | rank as u32;
        for &(key, rank) in &content.han {
            self.han.entry(key).or_default().push(posting(rank));
        }
        for (token, rank) in &content.words {
            match self.words.get_mut(token) {
                Some(list) => list.push(posting(*rank)),
                None => {
                    self.words.insert(token.clone(), vec![posting(*rank)]);
                }
            }
        }
    }

    /// How many shards keep each near [`SHARD_BYTES`]: a power of two, so
    /// the count moves only when the index doubles or halves.
    pub fn shard_count(&self) -> u32 {
        let postings: usize = self
            .han
            .values()
            .chain(self.words.values())
            .map(Vec::len)
            .sum();
        shard_count_for(postings, self.han.len() + self.words.len())
    }

    /// Which tokens fall in each of `count` buckets.
    pub fn buckets(&self, count: u32) -> Vec<Vec<Token>> {
        token_buckets(self.han.keys().copied(), self.words.keys(), count)
    }

    /// One shard's JSON (`{"token":"postings",...}`, tokens sorted so the
    /// bytes depend on nothing but the content).
    pub fn shard(&self, tokens: &[Token]) -> String {
        shard_json(tokens, |token| self.list(token), encode_list)
    }

    fn list(&self, token: &Token) -> Option<&[u32]> {
        match token {
            Token::Han(key) => self.han.get(key).map(Vec::as_slice),
            Token::Word(word) => self.words.get(word).map(Vec::as_slice),
        }
    }

    /// Replaces page `id`'s postings (`old` tokens out, `new` ones in),
    /// adding the tokens that appear or vanish to `buckets` and every
    /// bucket whose shard changed to `touched`.
    pub fn replace(
        &mut self,
        id: u32,
        old: &Content,
        new: &Content,
        buckets: &mut [Vec<Token>],
        touched: &mut Vec<u32>,
    ) {
        let count = buckets.len() as u32;
        let old_han: FxHashMap<u64, Rank> = old.han.iter().copied().collect();
        let new_han: FxHashMap<u64, Rank> = new.han.iter().copied().collect();
        for (&key, &rank) in &old_han {
            if new_han.get(&key) != Some(&rank) {
                let token = Token::Han(key);
                touched.push(token.bucket(count));
                if remove_posting(self.han.get_mut(&key), id) {
                    self.han.remove(&key);
                    forget(buckets, &token);
                }
            }
        }
        for (&key, &rank) in &new_han {
            if old_han.get(&key) != Some(&rank) {
                let token = Token::Han(key);
                touched.push(token.bucket(count));
                let list = self.han.entry(key).or_default();
                if list.is_empty() {
                    buckets[token.bucket(count) as usize].push(token);
                }
                insert_posting(list, id, rank);
            }
        }
        let old_words: FxHashMap<&str, Rank> =
            old.words.iter().map(|(t, r)| (t.as_str(), *r)).collect();
        let new_words: FxHashMap<&str, Rank> =
            new.words.iter().map(|(t, r)| (t.as_str(), *r)).collect();
        for (&word, &rank) in &old_words {
            if new_words.get(word) != Some(&rank) {
                let token = Token::Word(word.to_string());
                touched.push(token.bucket(count));
                if remove_posting(self.words.get_mut(word), id) {
                    self.words.remove(word);
                    forget(buckets, &token);
                }
            }
        }
        for (&word, &rank) in &new_words {
            if old_words.get(word) != Some(&rank) {
                let token = Token::Word(word.to_string());
                touched.push(token.bucket(count));
                let list = self.words.entry(word.to_string()).or_default();
                if list.is_empty() {
                    buckets[token.bucket(count) as usize].push(token);
                }
                insert_posting(list, id, rank);
            }
        }
    }
}

/// How many shards keep each near [`SHARD_BYTES`], for `postings`
/// postings of `tokens` tokens: a power of two, so the count moves only
/// when the index doubles or halves.
pub(super) fn shard_count_for(postings: usize, tokens: usize) -> u32 {
    let estimate = postings + postings / 4 + tokens * 10;
    (estimate / SHARD_BYTES)
        .max(1)
        .next_power_of_two()
        .min(1 << 16) as u32
}

/// Which of the tokens (`han` keys and `words`) fall in each of `count`
/// buckets.
pub(super) fn token_buckets<'a>(
    han: impl Iterator<Item = u64>,
    words: impl Iterator<Item = &'a String>,
    count: u32,
) -> Vec<Vec<Token>> {
    let mut buckets: Vec<Vec<Token>> = (0..count).map(|_| Vec::new()).collect();
    for key in han {
        buckets[Token::Han(key).bucket(count) as usize].push(Token::Han(key));
    }
    for token in words {
        let token = Token::Word(token.clone());
        buckets[token.bucket(count) as usize].push(token);
    }
    buckets
}

/// One shard's JSON (`{"token":"postings",...}`) over `tokens`, sorted so
/// the bytes depend on nothing but the content; `list` finds a token's
/// postings and `write` writes them as text.
pub(super) fn shard_json<L>(
    tokens: &[Token],
    list: impl Fn(&Token) -> Option<L>,
    write: impl Fn(L, &mut String),
) -> String {
    let mut entries: Vec<(String, L)> = tokens
        .iter()
        .filter_map(|token| Some((token.text(), list(token)?)))
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut json = String::from("{");
    for (i, (token, list)) in entries.into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(&token);
        json.push_str("\":\"");
        write(list, &mut json);
        json.push('"');
    }
    json.push('}');
    json
}

/// A token of the index: a Han key or a word (or pinyin) token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// One or two Han characters ([`tokens::han_key`]).
    Han(u64),
    /// A word, number or pinyin token.
    Word(String),
}

impl Token {
    pub(super) fn text(&self) -> String {
        match self {
            Token::Han(key) => han_key_text(*key),
            Token::Word(word) => word.clone(),
        }
    }

    pub(super) fn bucket(&self, count: u32) -> u32 {
        match self {
            Token::Han(key) => tokens::bucket(&han_key_text(*key), count),
            Token::Word(word) => tokens::bucket(word, count),
        }
    }
}

/// Removes page `id` from a list; whether the list is now empty.
fn remove_posting(list: Option<&mut Vec<u32>>, id: u32) -> bool {
    let Some(list) = list else { return false };
    if let Ok(at) = list.binary_search_by_key(&id, |posting| posting >> 2) {
        list.remove(at);
    }
    list.is_empty()
}

/// Puts page `id` at its place in a list (ids ascending).
fn insert_posting(list: &mut Vec<u32>, id: u32, rank: Rank) {
    let posting = (id << 2) | rank as u32;
    match list.binary_search_by_key(&id, |posting| posting >> 2) {
        Ok(at) => list[at] = posting,
        Err(at) => list.insert(at, posting),
    }
}

fn forget(buckets: &mut [Vec<Token>], token: &Token) {
    let bucket = &mut buckets[token.bucket(buckets.len() as u32) as usize];
    if let Some(at) = bucket.iter().position(|t| t == token) {
        bucket.swap_remove(at);
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
