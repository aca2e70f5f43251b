//! The index after an edit that changed only pages' bodies: every page
//! keeps its id (no date, address, type, community or publication moved),
//! so the last build's postings are patched for those pages, and only the
//! shards their tokens touch, their own result files and the entry are
//! made again. Nothing here looks at the other pages: the cost is the
//! edit's, not the site's.

use std::sync::Arc;

use crate::content::site::Site;
use crate::hash::hash_bytes;
use crate::render::Output;
use crate::search::documents::{self, Known};
use crate::search::files::{entry, output, packed_output, version_of};
use crate::search::memo::{IndexMemo, Memo, fresh, repacked};
use crate::search::packed::Packer;

/// The index files that changed when only the bodies of the pages `changed`
/// changed since `memo` was made, with `memo` brought up to date; `None`
/// (and `memo` untouched) when the memo does not describe this site's
/// pages (no memo, or one made for another list of pages).
pub fn patch_bodies(site: &Site, memo: &mut Memo, changed: &[usize]) -> Option<Vec<Output>> {
    if !site.config.search.enabled {
        return Some(Vec::new());
    }
    let index = memo.index.as_mut()?;
    if index.id_of_page.len() != site.pages.len() {
        return None;
    }
    let ids: Vec<usize> = changed
        .iter()
        .map(|&page| index.id_of_page[page])
        .filter(|&id| id != u32::MAX)
        .map(|id| id as usize)
        .collect();
    let (mut outputs, touched) = retokenise(site, index, &ids);
    outputs.extend(remade_shards(index, touched));
    let version = version_of([
        &index.shard_hashes,
        &index.table_hashes,
        &index.fragment_hashes,
    ]);
    let shards = index.shards.len() as u32;
    let entry = entry(site, &index.ids, shards, &site.communities, &version);
    outputs.push(output("index.json".into(), entry));
    Some(outputs)
}

/// Tokenises the pages with ids `ids` again, replaces their postings when
/// their tokens changed, and returns their result files that changed and
/// the shards their tokens touched.
fn retokenise(site: &Site, index: &mut IndexMemo, ids: &[usize]) -> (Vec<Output>, Vec<u32>) {
    let known = Known::default();
    let mut packer = Packer::default();
    let mut outputs = Vec::new();
    let mut touched = Vec::new();
    for &id in ids {
        let document = documents::document(site, index.ids[id], &known, &mut packer);
        if index.fingerprints[id] != document.fingerprint {
            index.postings.replace(
                id as u32,
                &index.contents[id],
                &document.content,
                &mut index.buckets,
                &mut touched,
            );
            index.fingerprints[id] = document.fingerprint;
            index.contents[id] = Arc::clone(&document.content);
        }
        let fragment = document.content.fragment.clone();
        let hash = hash_bytes(&fragment);
        if index.fragment_hashes[id] != hash {
            index.fragment_hashes[id] = hash;
            outputs.push(packed_output(format!("f/{id}.dz"), fragment));
        }
    }
    (outputs, touched)
}

/// The shards the retokenised pages touched, packed again (every shard,
/// made from scratch, if the shard count moved).
fn remade_shards(index: &mut IndexMemo, touched: Vec<u32>) -> Vec<Output> {
    let remade: Vec<(usize, Vec<u8>)> =
        if index.postings.shard_count() as usize != index.buckets.len() {
            let (postings, buckets, shards) = fresh(std::mem::take(&mut index.postings));
            index.postings = postings;
            index.buckets = buckets;
            index.shards = Vec::new();
            index.shard_hashes = vec![0; shards.len()];
            shards.into_iter().enumerate().collect()
        } else {
            repacked(&index.postings, &index.buckets, touched)
        };
    index.shards.resize(index.shard_hashes.len(), Vec::new());
    remade
        .into_iter()
        .map(|(bucket, bytes)| {
            index.shard_hashes[bucket] = hash_bytes(&bytes);
            index.shards[bucket] = bytes.clone();
            packed_output(format!("s/{bucket}.dz"), bytes)
        })
        .collect()
}
