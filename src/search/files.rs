//! The files under `search/` by name: where they go, the entry file and
//! the version that ties a build's files together.

use serde_json::json;

use crate::content::PageType;
use crate::content::site::Site;
use crate::render::Output;
use crate::search::index;

/// Where the index lives in the output.
pub const DIR: &str = "search";

pub(super) fn packed_output(name: String, bytes: Vec<u8>) -> Output {
    Output {
        path: format!("{DIR}/{name}"),
        bytes,
    }
}

pub(super) fn output(name: String, text: String) -> Output {
    Output {
        path: format!("{DIR}/{name}"),
        bytes: text.into_bytes(),
    }
}

/// A hash of every index file, which the searcher adds to the addresses
/// it fetches so a browser never mixes two builds' shards.
pub(super) fn version_of(parts: [&[u64]; 3]) -> String {
    let mut all: u64 = 0;
    for hash in parts.into_iter().flatten() {
        all = all.rotate_left(5) ^ hash;
    }
    format!("{:x}", all & 0xFFFF_FFFF_FFFF)
}

/// What a type is called in the filters.
fn type_label(page_type: PageType) -> &'static str {
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
pub(super) fn entry(
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
