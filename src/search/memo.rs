//! What a session keeps of the search index between rebuilds, and the
//! index made again from it: from scratch, or patched for the pages whose
//! tokens changed.

use std::sync::Arc;

use rayon::prelude::*;

use crate::hash::hash_bytes;
use crate::search::documents::{Content, Document, Known};
use crate::search::index::{Postings, Token};
use crate::search::packed::Packed;
use crate::search::packed::Packer;

/// What a rebuild reuses from the last build's index.
#[derive(Default)]
pub struct Memo {
    /// The postings, shards and pages they were made from.
    pub(super) index: Option<IndexMemo>,
}

/// The last build's postings and shards, with the pages in id order: the
/// address, fingerprint and content of each.
pub(super) struct IndexMemo {
    pub(super) order: Vec<String>,
    /// Each id's page (index into `Site::pages`) and whether it is an
    /// expired notice.
    pub(super) ids: Vec<(usize, bool)>,
    /// Page index → its id (`u32::MAX`: not in the index).
    pub(super) id_of_page: Vec<u32>,
    /// The hash of each shard file, then of each page-table file.
    pub(super) shard_hashes: Vec<u64>,
    pub(super) table_hashes: Vec<u64>,
    pub(super) fingerprints: Vec<u64>,
    pub(super) contents: Vec<Arc<Content>>,
    /// The hash of each page's fragment file.
    pub(super) fragment_hashes: Vec<u64>,
    pub(super) postings: Postings,
    pub(super) buckets: Vec<Vec<Token>>,
    pub(super) shards: Vec<Vec<u8>>,
}

impl IndexMemo {
    /// Each page's content and fingerprint by address.
    pub(super) fn known(&self) -> Known<'_> {
        self.order
            .iter()
            .zip(&self.fingerprints)
            .zip(&self.contents)
            .map(|((path, &fingerprint), content)| (path.as_str(), (fingerprint, content)))
            .collect()
    }
}

/// Postings, the tokens of each shard, and the packed shards.
pub(super) type Index = (Postings, Vec<Vec<Token>>, Vec<Vec<u8>>);

/// Shards made from scratch.
pub(super) fn fresh(postings: Postings) -> Index {
    let buckets = postings.buckets(postings.shard_count());
    let shards = packed_shards(&buckets, |tokens| postings.shard(tokens));
    (postings, buckets, shards)
}

/// Every bucket's shard, made by `shard` and packed, in parallel.
pub(super) fn packed_shards(
    buckets: &[Vec<Token>],
    shard: impl Fn(&[Token]) -> String + Sync,
) -> Vec<Vec<u8>> {
    made_only(packed_shards_keeping(buckets, shard, |_, _| None))
}

/// The bytes of the shards that were made (all of them when nothing
/// could be kept).
pub(super) fn made_only(shards: Vec<(Packed, u64)>) -> Vec<Vec<u8>> {
    let made = shards.into_iter().filter_map(|(shard, _)| match shard {
        Packed::Made(bytes) => Some(bytes),
        Packed::Kept(_) => None,
    });
    made.collect()
}

/// Every bucket's shard, made by `shard`, in parallel: packed unless
/// `keep` (asked with the shard's number and a hash of its JSON) kept the
/// last build's file and gave its hash; each with the hash of its JSON,
/// what it is made from.
pub(super) fn packed_shards_keeping(
    buckets: &[Vec<Token>],
    shard: impl Fn(&[Token]) -> String + Sync,
    keep: impl Fn(usize, u64) -> Option<u64> + Sync,
) -> Vec<(Packed, u64)> {
    buckets
        .par_iter()
        .enumerate()
        .map_init(Packer::default, |packer, (n, tokens)| {
            let json = shard(tokens);
            let from = hash_bytes(json.as_bytes());
            let shard = match keep(n, from) {
                Some(hash) => Packed::Kept(hash),
                None => Packed::Made(packer.pack(&json)),
            };
            (shard, from)
        })
        .collect()
}

/// The last build's postings with the changed (or added) pages' tokens
/// replaced, and only the shards they touch made again (all of them if
/// the shard count moved).
pub(super) fn patched(previous: IndexMemo, documents: &[Document]) -> Index {
    let IndexMemo {
        fingerprints,
        contents,
        mut postings,
        mut buckets,
        mut shards,
        ..
    } = previous;
    let mut touched: Vec<u32> = Vec::new();
    // Pages added after the last one (a page dated today) have no tokens yet.
    let nothing = Content::default();
    for (id, document) in documents.iter().enumerate() {
        if fingerprints.get(id) != Some(&document.fingerprint) {
            let old = contents.get(id).map_or(&nothing, |content| &**content);
            postings.replace(
                id as u32,
                old,
                &document.content,
                &mut buckets,
                &mut touched,
            );
        }
    }
    if postings.shard_count() as usize != buckets.len() {
        return fresh(postings);
    }
    for (bucket, bytes) in repacked(&postings, &buckets, touched) {
        shards[bucket] = bytes;
    }
    (postings, buckets, shards)
}

/// The shards `touched` (bucket numbers, in any order, repeats allowed)
/// packed again from `postings`.
pub(super) fn repacked(
    postings: &Postings,
    buckets: &[Vec<Token>],
    mut touched: Vec<u32>,
) -> Vec<(usize, Vec<u8>)> {
    touched.sort_unstable();
    touched.dedup();
    touched
        .par_iter()
        .map_init(Packer::default, |packer, &bucket| {
            let tokens = &buckets[bucket as usize];
            (bucket as usize, packer.pack(&postings.shard(tokens)))
        })
        .collect()
}
