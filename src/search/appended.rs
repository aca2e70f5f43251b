//! The postings of a one-off build, held as the text the shards write.
//!
//! A one-off build adds the pages in id order and never takes one out,
//! so each token's list only grows at its end: it can be kept encoded
//! (gap and rank in base 32, see [`crate::search::index`]) instead of as
//! `u32`s. Most gaps take one character, so at 100,000 pages the lists
//! hold about a third of the bytes, and a shard copies its lists as they
//! are. A rebuild under `serve` patches lists in the middle and keeps the
//! plain [`crate::search::index::Postings`].

use rustc_hash::FxHashMap;

use crate::search::documents::{Content, Rank};
use crate::search::index::{Token, push_posting, shard_count_for, shard_json, token_buckets};
use crate::search::memo::packed_shards_keeping;
use crate::search::packed::Packed;

/// One token's list: its postings as text, and the last id in it.
#[derive(Default)]
struct List {
    last_id: u32,
    text: String,
}

impl List {
    fn push(&mut self, id: u32, rank: Rank) {
        push_posting(&mut self.text, id - self.last_id, rank as u32);
        self.last_id = id;
    }
}

/// Every token's postings, appended in id order.
#[derive(Default)]
pub struct AppendedPostings {
    han: FxHashMap<u64, List>,
    words: FxHashMap<String, List>,
    /// How many postings all lists hold.
    postings: usize,
}

impl AppendedPostings {
    /// Adds the tokens of page `id`, which comes after every page added
    /// so far.
    pub fn add(&mut self, id: u32, content: &Content) {
        for &(key, rank) in &content.han {
            self.han.entry(key).or_default().push(id, rank);
        }
        for (token, rank) in &content.words {
            match self.words.get_mut(token) {
                Some(list) => list.push(id, *rank),
                None => {
                    let mut list = List::default();
                    list.push(id, *rank);
                    self.words.insert(token.clone(), list);
                }
            }
        }
        self.postings += content.han.len() + content.words.len();
    }

    /// The packed shards, as [`crate::search::index::Postings`] would
    /// make them from the same pages.
    #[cfg(test)]
    pub fn into_shards(self) -> Vec<Vec<u8>> {
        crate::search::memo::made_only(self.into_shards_keeping(|_, _| None))
    }

    /// Each shard, packed unless `keep` (asked with the shard's number and
    /// a hash of its JSON) kept the last build's file and gave its hash.
    pub(super) fn into_shards_keeping(
        self,
        keep: impl Fn(usize, u64) -> Option<u64> + Sync,
    ) -> Vec<(Packed, u64)> {
        let count = shard_count_for(self.postings, self.han.len() + self.words.len());
        let buckets = token_buckets(self.han.keys().copied(), self.words.keys(), count);
        let list = |token: &Token| {
            let list = match token {
                Token::Han(key) => self.han.get(key),
                Token::Word(word) => self.words.get(word),
            };
            list.map(|list| list.text.as_str())
        };
        packed_shards_keeping(
            &buckets,
            |tokens| shard_json(tokens, list, |text, out| out.push_str(text)),
            keep,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::Postings;

    fn content(han: &[(u64, Rank)], words: &[(&str, Rank)]) -> Content {
        Content {
            han: han.to_vec(),
            words: words.iter().map(|(w, r)| (w.to_string(), *r)).collect(),
            fragment: Vec::new(),
        }
    }

    #[test]
    fn shards_are_the_bytes_plain_postings_make() {
        let pages = [
            content(
                &[(7, Rank::Title), (9, Rank::Body)],
                &[("议事", Rank::Body)],
            ),
            content(&[(7, Rank::Body)], &[]),
            content(
                &[(9, Rank::Field)],
                &[("议事", Rank::Title), ("2026", Rank::Body)],
            ),
        ];
        let mut plain = Postings::default();
        let mut appended = AppendedPostings::default();
        // Ids with gaps wide enough to take more than one character.
        for (id, page) in [0u32, 40, 5000].into_iter().zip(&pages) {
            plain.add(id, page);
            appended.add(id, page);
        }
        let (_, _, expected) = crate::search::memo::fresh(plain);
        let shards = appended.into_shards();
        assert!(!shards.is_empty());
        assert_eq!(shards, expected);
    }
}
