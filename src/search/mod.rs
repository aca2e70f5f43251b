//! The site search: an index written with the site, searched in the
//! reader's browser by `search.js` (plain ES5, no WebAssembly), fetching a
//! small entry file and then only the shards a query's tokens hash to.
//!
//! Files under `search/` in the output:
//! - `index.json`: the entry (shard count, version, filters, suggestions);
//! - `s/N.json`: shard N, `{"token": "postings"}`;
//! - `t/N.json`: the page table chunk N (type and community per page, for
//!   the filters, fetched only when a filter is used);
//! - `f/ID.json`: what result ID shows (address, title, text);
//! - `search.js`: the searcher and the default theme's behaviour.
//!
//! Page ids follow the date, oldest first, so a new page is added at the
//! end (an edit rewrites only the shards whose tokens it touches) and
//! "newer first" is "higher id first". Kept expired notices come before
//! every other page, so they rank last.

mod appended;
mod bodies;
pub mod documents;
mod files;
pub mod index;
mod memo;
pub mod packed;
pub mod pinyin;
pub mod token_file;
pub mod tokens;

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::content::site::Site;
use crate::hash::hash_bytes;
use crate::render::Output;
use crate::search::appended::AppendedPostings;
pub use crate::search::bodies::patch_bodies;
use crate::search::documents::{Content, Document, Known};
pub use crate::search::packed::unpack;
use crate::search::packed::{Packed, Packer};

pub use crate::search::files::DIR;

/// The searcher, with the syllable table filled in at build time.
const SCRIPT: &str = include_str!("search.js");
/// The default behaviour of search forms, spliced into [`SCRIPT`].
const UI: &str = include_str!("ui.js");
/// tiny-inflate 1.0.3 (MIT, `vendor/tiny-inflate.LICENSE`), spliced into
/// [`SCRIPT`]: a small DEFLATE decoder for browsers without
/// `DecompressionStream`, which older WebViews lack.
const INFLATE: &str = include_str!("vendor/tiny-inflate.js");

use crate::search::files::{entry, output, packed_output, version_of};
pub use crate::search::memo::Memo;
use crate::search::memo::{IndexMemo, fresh, patched};

/// What a one-off build may keep of the last build's search files, as its
/// writer knows them (the build wing answers from its record of the
/// output folder).
pub trait Reuse: Sync {
    /// Puts the last build's file `path` into the new site if it was made
    /// from `from` and nothing changed it since; its content hash, or
    /// `None` when it must be made again.
    fn keep(&self, path: &str, from: u64) -> Option<u64>;
    /// Notes that this build's file `path` was made from `from`.
    fn made_from(&self, path: &str, from: u64);
    /// The tokens an earlier build made for a page from `from` (a
    /// document's fingerprint), if they were kept.
    fn tokens(&self, from: u64) -> Option<Content>;
    /// Notes the tokens this build made for a page from `from`.
    fn tokens_made(&self, from: u64, content: &Content);
    /// Says which pages this build indexed (by what they were made from),
    /// once all of them are: the tokens of any other page need not be
    /// kept.
    fn tokens_used(&self, all: &[u64]);
}

/// The index files of a site (nothing when `search: false`) and the memo
/// the next rebuild reuses from: the tokens of unchanged pages, and, when
/// no page moved to another id (pages may be added at the end), the
/// postings and shards, patched for the pages that changed.
///
/// Without a memo to reuse and with `keep` false (a one-off build), the
/// pages are tokenised a block at a time and each block's tokens are
/// merged and dropped before the next: the index of a 100,000-page site
/// never holds every page's tokens at once.
///
/// Unless `all_files` (a whole site is being written), a page's fragment
/// file that is the same as last time is not made again: its path is in
/// the list of kept files instead.
///
/// `emit` takes files as soon as they are ready: a one-off build's, all of
/// them (fragment files a block at a time); otherwise they are returned. A
/// one-off build asks `reuse` for each fragment file first: a page whose
/// fragment is still on disk, made from the same inputs, is only
/// tokenised.
pub fn render_index(
    site: &Site,
    memo: Memo,
    (keep, all_files): (bool, bool),
    (emit, reuse): (&mut dyn FnMut(Vec<Output>), Option<&dyn Reuse>),
) -> IndexFiles {
    let settings = site.config.search;
    if !settings.enabled {
        return IndexFiles::default();
    }
    if !keep && memo.index.is_none() {
        streamed(site, settings.expired_notices, emit, reuse);
        return IndexFiles::default();
    }
    let known: Known = memo
        .index
        .as_ref()
        .map(IndexMemo::known)
        .unwrap_or_default();
    let mut documents: Vec<Document> = documents::published(site, settings.expired_notices)
        .into_par_iter()
        .map_init(Packer::default, |packer, published| {
            documents::document(site, published, &known, packer)
        })
        .collect();
    drop(known);
    documents.sort_by(|a, b| {
        id_order(site, (a.page, a.expired)).cmp(&id_order(site, (b.page, b.expired)))
    });
    let order: Vec<String> = documents
        .iter()
        .map(|d| site.pages[d.page].path.clone())
        .collect();
    let unchanged = unchanged_fragments(memo.index.as_ref(), &order, &documents);
    let index = match memo.index {
        Some(previous) if order.starts_with(&previous.order) => patched(previous, &documents),
        _ => fresh(index::merge(&documents)),
    };
    let (postings, buckets, shards) = index;
    let ids: Vec<(usize, bool)> = documents.iter().map(|d| (d.page, d.expired)).collect();
    let fragments: Vec<Packed> = documents
        .iter()
        .zip(&unchanged)
        .map(|(document, unchanged)| match unchanged {
            Some(hash) if !all_files => Packed::Kept(*hash),
            _ => Packed::Made(document.content.fragment.clone()),
        })
        .collect();
    let fragment_hashes: Vec<u64> = fragments.iter().map(Packed::hash).collect();
    let (files, kept, (shard_hashes, table_hashes)) = index_files(
        site,
        &ids,
        shard_files(&shards),
        (fragments, &fragment_hashes),
    );
    let mut id_of_page = vec![u32::MAX; site.pages.len()];
    for (id, &(page, _)) in ids.iter().enumerate() {
        id_of_page[page] = id as u32;
    }
    let memo = Memo {
        index: Some(IndexMemo {
            order,
            ids,
            id_of_page,
            shard_hashes,
            table_hashes,
            fingerprints: documents.iter().map(|d| d.fingerprint).collect(),
            contents: documents.iter().map(|d| Arc::clone(&d.content)).collect(),
            fragment_hashes,
            postings,
            buckets,
            shards,
        }),
    };
    IndexFiles { files, kept, memo }
}

/// What [`render_index`] made.
#[derive(Default)]
pub struct IndexFiles {
    /// The files to write.
    pub files: Vec<Output>,
    /// Files of the last build that stay as they are.
    pub kept: Vec<String>,
    /// What the next rebuild reuses.
    pub memo: Memo,
}

/// For each document, the hash of its fragment file if that file is the
/// last build's: same id, and content reused from the last build.
fn unchanged_fragments(
    previous: Option<&IndexMemo>,
    order: &[String],
    documents: &[Document],
) -> Vec<Option<u64>> {
    documents
        .iter()
        .enumerate()
        .map(|(id, document)| {
            let previous = previous?;
            let same_page = previous.order.get(id) == order.get(id);
            let same_content = previous
                .contents
                .get(id)
                .is_some_and(|content| Arc::ptr_eq(content, &document.content));
            (same_page && same_content)
                .then(|| previous.fragment_hashes.get(id).copied())
                .flatten()
        })
        .collect()
}

/// How many pages a one-off build tokenises before merging their tokens.
const BLOCK: usize = 2048;

/// The index files of a one-off build, tokenised a block at a time. Each
/// block's fragment files go to `emit` as soon as they are made, so a
/// 100,000-page site never holds every result's text either, and the rest
/// of the index as soon as it is done.
fn streamed(
    site: &Site,
    keep_expired: bool,
    emit: &mut dyn FnMut(Vec<Output>),
    reuse: Option<&dyn Reuse>,
) {
    let mut ids = documents::published(site, keep_expired);
    ids.sort_by(|a, b| id_order(site, *a).cmp(&id_order(site, *b)));
    let mut postings = AppendedPostings::default();
    let mut hashes: Vec<u64> = Vec::with_capacity(ids.len());
    let mut fingerprints: Vec<u64> = Vec::with_capacity(ids.len());
    for (block, published) in ids.chunks(BLOCK).enumerate() {
        let documents: Vec<(Document, Option<u64>)> = published
            .par_iter()
            .enumerate()
            .map_init(Packer::default, |packer, (n, &published)| {
                let path = fragment_path(block * BLOCK + n);
                let (document, kept, tokenised) = documents::document_keeping(
                    site,
                    published,
                    packer,
                    (|from| reuse?.keep(&path, from), |from| reuse?.tokens(from)),
                );
                if let (true, Some(reuse)) = (tokenised, reuse) {
                    reuse.tokens_made(document.fingerprint, &document.content);
                }
                (document, kept)
            })
            .collect();
        let mut fragments = Vec::with_capacity(documents.len());
        for (n, (document, kept)) in documents.into_iter().enumerate() {
            let id = block * BLOCK + n;
            postings.add(id as u32, &document.content);
            fingerprints.push(document.fingerprint);
            if let Some(hash) = kept {
                hashes.push(hash);
                continue;
            }
            let content = Arc::try_unwrap(document.content).unwrap_or_default();
            hashes.push(hash_bytes(&content.fragment));
            let output = packed_output(fragment_name(id), content.fragment);
            if let Some(reuse) = reuse {
                reuse.made_from(&output.path, document.fingerprint);
            }
            fragments.push(output);
        }
        emit(fragments);
    }
    if let Some(reuse) = reuse {
        reuse.tokens_used(&fingerprints);
    }
    // A shard is made from its JSON alone: the same JSON as last time
    // keeps last time's file, which is not packed again.
    let shards = postings.into_shards_keeping(|n, json| reuse?.keep(&shard_path(n), json));
    let shards = shards
        .into_iter()
        .enumerate()
        .map(|(n, (shard, from))| {
            if let (Packed::Made(_), Some(reuse)) = (&shard, reuse) {
                reuse.made_from(&shard_path(n), from);
            }
            shard
        })
        .collect();
    // Every fragment is already out: to `index_files` they are files kept.
    let fragments = hashes.iter().map(|&hash| Packed::Kept(hash)).collect();
    // The rest go out at once too: rendering may go on for seconds after
    // the index is done, and the shards are tens of megabytes.
    emit(index_files(site, &ids, shards, (fragments, &hashes)).0);
}

/// The shards the memo keeps, as files to write.
fn shard_files(shards: &[Vec<u8>]) -> Vec<Packed> {
    shards
        .iter()
        .map(|bytes| Packed::Made(bytes.clone()))
        .collect()
}

/// Where shard `n`'s file is, under the output.
fn shard_path(n: usize) -> String {
    format!("{DIR}/{}", shard_name(n))
}

/// Shard `n`'s file, under `search/`.
fn shard_name(n: usize) -> String {
    format!("s/{n}.dz")
}

/// The fragment file of result `id`, under `search/`.
fn fragment_name(id: usize) -> String {
    format!("f/{id}.dz")
}

/// Where the fragment file of result `id` is, under the output.
fn fragment_path(id: usize) -> String {
    format!("{DIR}/{}", fragment_name(id))
}

/// The hash of each file of `outputs`.
type FileHashes = (Vec<u64>, Vec<u64>);

/// Every file under `search/`: the shards (`shard_files`), the page table, one fragment
/// per page (`ids` are the pages in id order, with whether each is an
/// expired notice), the entry and the script; the paths of the fragments
/// kept from the last build (each fragment comes with its hash); and the
/// hashes of the shard files and of the page-table files.
fn index_files(
    site: &Site,
    ids: &[(usize, bool)],
    shards: Vec<Packed>,
    (fragments, fragment_hashes): (Vec<Packed>, &[u64]),
) -> (Vec<Output>, Vec<String>, FileHashes) {
    let shard_count = shards.len();
    let shard_hashes: Vec<u64> = shards.iter().map(Packed::hash).collect();
    let mut outputs = Vec::new();
    let mut kept = Vec::new();
    for (n, shard) in shards.into_iter().enumerate() {
        match shard {
            Packed::Made(bytes) => outputs.push(packed_output(shard_name(n), bytes)),
            Packed::Kept(_) => kept.push(shard_path(n)),
        }
    }
    // A community's number is its place in the site's list, found once:
    // a search through the list for each page grows with their product.
    let communities: FxHashMap<usize, u64> = site
        .communities
        .iter()
        .enumerate()
        .map(|(position, &page)| (page, position as u64))
        .collect();
    let codes: Vec<u64> = ids
        .iter()
        .map(|&(page, _)| table_code(site, &communities, page))
        .collect();
    let chunks = index::table_chunks(&codes);
    let table_count = chunks.len();
    for (n, chunk) in chunks.into_iter().enumerate() {
        outputs.push(output(format!("t/{n}.json"), chunk));
    }
    let tables = &outputs[outputs.len() - table_count..];
    let table_hashes: Vec<u64> = tables.iter().map(|o| hash_bytes(&o.bytes)).collect();
    let version = version_of([&shard_hashes, &table_hashes, fragment_hashes]);
    for (id, fragment) in fragments.into_iter().enumerate() {
        match fragment {
            Packed::Made(bytes) => outputs.push(packed_output(fragment_name(id), bytes)),
            Packed::Kept(_) => kept.push(fragment_path(id)),
        }
    }
    let entry = entry(site, ids, shard_count as u32, &site.communities, &version);
    outputs.push(output("index.json".into(), entry));
    outputs.push(output("search.js".into(), script()));
    (outputs, kept, (shard_hashes, table_hashes))
}

/// Sort key of the page ids: kept expired notices first, then by date
/// (undated pages first), then by address.
fn id_order(site: &Site, (page, expired): (usize, bool)) -> (bool, Option<jiff::Timestamp>, &str) {
    let page = &site.pages[page];
    (
        !expired,
        page.date.as_ref().map(|d| d.timestamp()),
        page.path.as_str(),
    )
}

fn table_code(site: &Site, communities: &FxHashMap<usize, u64>, page: usize) -> u64 {
    let page = &site.pages[page];
    let type_code = crate::content::PAGE_TYPES
        .iter()
        .position(|t| *t == page.page_type)
        .unwrap_or(0) as u64;
    let community = page
        .community
        .and_then(|c| communities.get(&c))
        .map_or(0, |position| position + 1);
    community * 8 + type_code
}

/// `search.js` with the syllables `pinyin` knows, the inflater and the
/// default behaviour.
fn script() -> String {
    let syllables: Vec<String> = pinyin::all_syllables().into_iter().collect();
    SCRIPT
        .replace("/*SYLLABLES*/", &syllables.join(" "))
        .replace("  /*INFLATE*/\n", INFLATE)
        .replace("  /*UI*/\n", UI)
}
