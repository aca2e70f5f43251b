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

pub mod documents;
pub mod index;
pub mod packed;
pub mod pinyin;
pub mod tokens;

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;

use crate::content::PageType;
use crate::content::site::Site;
use crate::hash::hash_bytes;
use crate::render::Output;
use crate::search::documents::{Content, Document, Known};
use crate::search::index::{Postings, Token};
use crate::search::packed::Packer;
pub use crate::search::packed::unpack;

/// Where the index lives in the output.
pub const DIR: &str = "search";

/// The searcher, with the syllable table filled in at build time.
const SCRIPT: &str = include_str!("search.js");
/// The default behaviour of search forms, spliced into [`SCRIPT`].
const UI: &str = include_str!("ui.js");
/// tiny-inflate 1.0.3 (MIT, `vendor/tiny-inflate.LICENSE`), spliced into
/// [`SCRIPT`]: a small DEFLATE decoder for browsers without
/// `DecompressionStream`, which older WebViews lack.
const INFLATE: &str = include_str!("vendor/tiny-inflate.js");

/// What a rebuild reuses from the last build's index.
#[derive(Default)]
pub struct Memo {
    /// The postings, shards and pages they were made from.
    index: Option<IndexMemo>,
}

/// The last build's postings and shards, with the pages in id order: the
/// address, fingerprint and content of each.
struct IndexMemo {
    order: Vec<String>,
    fingerprints: Vec<u64>,
    contents: Vec<Arc<Content>>,
    /// The hash of each page's fragment file.
    fragment_hashes: Vec<u64>,
    postings: Postings,
    buckets: Vec<Vec<Token>>,
    shards: Vec<Vec<u8>>,
}

impl IndexMemo {
    /// Each page's content and fingerprint by address.
    fn known(&self) -> Known<'_> {
        self.order
            .iter()
            .zip(&self.fingerprints)
            .zip(&self.contents)
            .map(|((path, &fingerprint), content)| (path.as_str(), (fingerprint, content)))
            .collect()
    }
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
/// `emit` takes files that are ready before the index is done (a one-off
/// build's fragment files, a block at a time); the rest are returned.
pub fn render_index(
    site: &Site,
    memo: Memo,
    (keep, all_files): (bool, bool),
    emit: &mut dyn FnMut(Vec<Output>),
) -> IndexFiles {
    let settings = site.config.search;
    if !settings.enabled {
        return IndexFiles::default();
    }
    if !keep && memo.index.is_none() {
        return IndexFiles {
            files: streamed(site, settings.expired_notices, emit),
            ..IndexFiles::default()
        };
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
    let fragments: Vec<Fragment> = documents
        .iter()
        .zip(&unchanged)
        .map(|(document, unchanged)| match unchanged {
            Some(hash) if !all_files => Fragment::Kept(*hash),
            _ => Fragment::Made(document.content.fragment.clone()),
        })
        .collect();
    let fragment_hashes: Vec<u64> = fragments.iter().map(Fragment::hash).collect();
    let (files, kept) = index_files(site, &ids, &shards, (fragments, &fragment_hashes));
    let memo = Memo {
        index: Some(IndexMemo {
            order,
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

/// A page's fragment file: made now, or kept from the last build (its hash).
enum Fragment {
    Made(Vec<u8>),
    Kept(u64),
}

impl Fragment {
    fn hash(&self) -> u64 {
        match self {
            Fragment::Made(bytes) => hash_bytes(bytes),
            Fragment::Kept(hash) => *hash,
        }
    }
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

type Index = (Postings, Vec<Vec<Token>>, Vec<Vec<u8>>);

/// How many pages a one-off build tokenises before merging their tokens.
const BLOCK: usize = 2048;

/// The index files of a one-off build, tokenised a block at a time. Each
/// block's fragment files go to `emit` as soon as they are made, so a
/// 100,000-page site never holds every result's text either; the rest of
/// the index is returned.
fn streamed(site: &Site, keep_expired: bool, emit: &mut dyn FnMut(Vec<Output>)) -> Vec<Output> {
    let mut ids = documents::published(site, keep_expired);
    ids.sort_by(|a, b| id_order(site, *a).cmp(&id_order(site, *b)));
    let known = Known::default();
    let mut postings = Postings::default();
    let mut hashes: Vec<u64> = Vec::with_capacity(ids.len());
    for (block, published) in ids.chunks(BLOCK).enumerate() {
        let documents: Vec<Document> = published
            .par_iter()
            .map_init(Packer::default, |packer, &published| {
                documents::document(site, published, &known, packer)
            })
            .collect();
        let mut fragments = Vec::with_capacity(documents.len());
        for (n, document) in documents.into_iter().enumerate() {
            let id = block * BLOCK + n;
            postings.add(id as u32, &document.content);
            let content = Arc::try_unwrap(document.content).unwrap_or_default();
            hashes.push(hash_bytes(&content.fragment));
            fragments.push(packed_output(format!("f/{id}.dz"), content.fragment));
        }
        emit(fragments);
    }
    let (_, _, shards) = fresh(postings);
    // Every fragment is already out: to `index_files` they are files kept.
    let fragments = hashes.iter().map(|&hash| Fragment::Kept(hash)).collect();
    index_files(site, &ids, &shards, (fragments, &hashes)).0
}

/// Every file under `search/`: the shards, the page table, one fragment
/// per page (`ids` are the pages in id order, with whether each is an
/// expired notice), the entry and the script; and the paths of the
/// fragments kept from the last build. Each fragment comes with its hash.
fn index_files(
    site: &Site,
    ids: &[(usize, bool)],
    shards: &[Vec<u8>],
    (fragments, fragment_hashes): (Vec<Fragment>, &[u64]),
) -> (Vec<Output>, Vec<String>) {
    let mut outputs: Vec<Output> = shards
        .iter()
        .enumerate()
        .map(|(n, bytes)| packed_output(format!("s/{n}.dz"), bytes.clone()))
        .collect();
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
    for (n, chunk) in index::table_chunks(&codes).into_iter().enumerate() {
        outputs.push(output(format!("t/{n}.json"), chunk));
    }
    let mut hashes: Vec<u64> = outputs.iter().map(|o| hash_bytes(&o.bytes)).collect();
    hashes.extend_from_slice(fragment_hashes);
    let version = version_of(&hashes);
    let mut kept = Vec::new();
    for (id, fragment) in fragments.into_iter().enumerate() {
        match fragment {
            Fragment::Made(bytes) => outputs.push(packed_output(format!("f/{id}.dz"), bytes)),
            Fragment::Kept(_) => kept.push(format!("{DIR}/f/{id}.dz")),
        }
    }
    let shard_count = shards.len() as u32;
    let entry = entry(site, ids, shard_count, &site.communities, &version);
    outputs.push(output("index.json".into(), entry));
    outputs.push(output("search.js".into(), script()));
    (outputs, kept)
}

/// Shards made from scratch.
fn fresh(postings: Postings) -> Index {
    let buckets = postings.buckets(postings.shard_count());
    let shards = buckets
        .par_iter()
        .map_init(Packer::default, |packer, tokens| {
            packer.pack(&postings.shard(tokens))
        })
        .collect();
    (postings, buckets, shards)
}

/// The last build's postings with the changed (or added) pages' tokens
/// replaced, and only the shards they touch made again (all of them if
/// the shard count moved).
fn patched(previous: IndexMemo, documents: &[Document]) -> Index {
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
    touched.sort_unstable();
    touched.dedup();
    let remade: Vec<(usize, Vec<u8>)> = touched
        .par_iter()
        .map_init(Packer::default, |packer, &bucket| {
            let tokens = &buckets[bucket as usize];
            (bucket as usize, packer.pack(&postings.shard(tokens)))
        })
        .collect();
    for (bucket, bytes) in remade {
        shards[bucket] = bytes;
    }
    (postings, buckets, shards)
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

fn packed_output(name: String, bytes: Vec<u8>) -> Output {
    Output {
        path: format!("{DIR}/{name}"),
        bytes,
    }
}

fn output(name: String, text: String) -> Output {
    Output {
        path: format!("{DIR}/{name}"),
        bytes: text.into_bytes(),
    }
}

/// A hash of every index file, which the searcher adds to the addresses
/// it fetches so a browser never mixes two builds' shards.
fn version_of(hashes: &[u64]) -> String {
    let mut all: u64 = 0;
    for hash in hashes {
        all = all.rotate_left(5) ^ hash;
    }
    format!("{:x}", all & 0xFFFF_FFFF_FFFF)
}

/// What a type is called in the filters.
pub fn type_label(page_type: PageType) -> &'static str {
    match page_type {
        PageType::Page => "页面",
        PageType::Story => "身边的奋斗者",
        PageType::Family => "最美家庭",
        PageType::Event => "活动与议事",
        PageType::Station => "服务站点",
        PageType::Notice => "通知公告",
        PageType::Community => "社区",
    }
}

/// The entry file: what the searcher needs before its first shard.
fn entry(
    site: &Site,
    documents: &[(usize, bool)],
    shards: u32,
    communities: &[usize],
    version: &str,
) -> String {
    let types: Vec<serde_json::Value> = crate::content::PAGE_TYPES
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            documents
                .iter()
                .any(|&(page, _)| site.pages[page].page_type == **t)
        })
        .map(|(code, t)| json!([code, t.name(), type_label(*t)]))
        .collect();
    let community_names: Vec<&str> = communities
        .iter()
        .map(|&c| site.pages[c].title.as_str())
        .collect();
    let mut tags: Vec<(&str, usize)> = site
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.pages.len()))
        .collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let suggestions: Vec<&str> = tags.iter().take(6).map(|t| t.0).collect();
    json!({
        "version": version,
        "shards": shards,
        "pages": documents.len(),
        "expired": documents.iter().filter(|&&(_, expired)| expired).count(),
        "chunk": index::TABLE_CHUNK,
        "types": types,
        "communities": community_names,
        "suggest": suggestions,
    })
    .to_string()
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
