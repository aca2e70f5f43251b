//! What the search knows of each published page: its fields, each with a
//! rank (title above names and typed fields, above summary and tags, above
//! the body), the tokens they give, and the fragment a result shows.

use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::content::frontmatter::PageFrontMatter;
use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::hash::fingerprint as fingerprint_hasher;
use crate::render::context::is_expired;
use crate::search::packed::Packer;
use crate::search::pinyin;
use crate::search::tokens::{self, PieceRef};

/// How much a hit in a field counts; a query ranks a page by the weakest
/// field its tokens were found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The body text.
    Body = 0,
    /// Summary, tags, community.
    Meta = 1,
    /// Names and typed fields (occupation, place, address, areas, hours).
    Field = 2,
    /// The title.
    Title = 3,
}

/// The most text of one page a result fragment carries.
const FRAGMENT_CHARS: usize = 8000;

/// One page as the index sees it.
#[derive(Debug, Clone)]
pub struct Document {
    /// Index into `Site::pages`.
    pub page: usize,
    /// Whether it is an expired notice (kept only when the site asks).
    pub expired: bool,
    /// A hash of everything the content was made from.
    pub fingerprint: u64,
    /// Its tokens and fragment, shared with the memo of the next rebuild.
    pub content: Arc<Content>,
}

/// What a page gives the index: its tokens and its result fragment.
#[derive(Debug, Default)]
pub struct Content {
    /// Han tokens (pairs, and single characters of titles and names) with
    /// the best rank each was found at.
    pub han: Vec<(u64, Rank)>,
    /// Word and pinyin tokens with their best rank.
    pub words: Vec<(String, Rank)>,
    /// The fragment file, packed (see [`Packer`]).
    pub fragment: Vec<u8>,
}

/// The last build's contents by page address, each with the fingerprint
/// it was made from, so a rebuild tokenises only the pages whose inputs
/// changed.
pub type Known<'a> = FxHashMap<&'a str, (u64, &'a Arc<Content>)>;

/// The pages the index holds: everything the site publishes, less expired
/// notices unless `keep_expired` (drafts and future pages never reach the
/// `Site` of a build that does not show them).
pub fn published(site: &Site, keep_expired: bool) -> Vec<(usize, bool)> {
    site.pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let expired = page.page_type == PageType::Notice && is_expired(site, page);
            (index, expired)
        })
        .filter(|&(_, expired)| keep_expired || !expired)
        .collect()
}

/// One page's document: its content from `known` when nothing it is made
/// from changed, read afresh otherwise.
pub fn document(
    site: &Site,
    (page, expired): (usize, bool),
    known: &Known,
    packer: &mut Packer,
) -> Document {
    let p = &site.pages[page];
    let fingerprint = fingerprint(site, p, expired);
    let content = match known.get(p.path.as_str()) {
        Some(&(made_from, content)) if made_from == fingerprint => Arc::clone(content),
        _ => Arc::new(content(site, p, packer)),
    };
    Document {
        page,
        expired,
        fingerprint,
        content,
    }
}

/// One page's document for a one-off build, where the fragment file of
/// the last build may still be right: `keep` is asked with the page's
/// fingerprint and, when it puts the file in the new site and gives its
/// hash, the fragment is not made (it is left empty) and the tokens are
/// taken from `cached` if it has them. Also says whether the page was
/// tokenised.
pub fn document_keeping(
    site: &Site,
    (page, expired): (usize, bool),
    packer: &mut Packer,
    (keep, cached): (
        impl FnOnce(u64) -> Option<u64>,
        impl FnOnce(u64) -> Option<Content>,
    ),
) -> (Document, Option<u64>, bool) {
    let p = &site.pages[page];
    let fingerprint = fingerprint(site, p, expired);
    let kept = keep(fingerprint);
    let cached = kept.and_then(|_| cached(fingerprint));
    let tokenised = cached.is_none();
    let content = cached.unwrap_or_else(|| {
        let packer = if kept.is_some() { None } else { Some(packer) };
        content_packed_by(site, p, packer)
    });
    let document = Document {
        page,
        expired,
        fingerprint,
        content: Arc::new(content),
    };
    (document, kept, tokenised)
}

/// A hash of everything [`content`] reads, written straight into the
/// hasher: a rebuild takes it for every page.
fn fingerprint(site: &Site, page: &Page, expired: bool) -> u64 {
    let mut hasher = fingerprint_hasher();
    hasher.write_u64(page.meta_hash);
    hasher.write_u64(page.rendered.html_hash);
    let community = page.community.map(|c| site.pages[c].title.as_str());
    for text in [
        Some(page.path.as_str()),
        Some(page.title.as_str()),
        Some(page.page_type.name()),
        community,
    ] {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        let text = text.unwrap_or("\u{0}");
        hasher.write_usize(text.len());
        hasher.write(text.as_bytes());
    }
    let date = page.date.as_ref().map(|d| d.date());
    hasher.write_i16(date.map_or(i16::MIN, |d| d.year()));
    hasher.write_i16(date.map_or(0, |d| d.day_of_year()));
    hasher.write_u8(u8::from(expired));
    hasher.finish()
}

/// Reads one page's tokens and fragment.
fn content(site: &Site, page: &Page, packer: &mut Packer) -> Content {
    content_packed_by(site, page, Some(packer))
}

/// Reads one page's tokens, and its fragment when given a packer.
fn content_packed_by(site: &Site, page: &Page, packer: Option<&mut Packer>) -> Content {
    let fields = fields(site, page);
    // About one pair per three bytes of Chinese text: sized once, the map
    // is never rehashed while it fills.
    let bytes: usize = fields.iter().map(|(_, _, text)| text.len()).sum();
    let mut collector = Collector {
        han: FxHashMap::with_capacity_and_hasher(bytes / 3, Default::default()),
        words: FxHashMap::default(),
    };
    for (rank, name, text) in &fields {
        collector.add(text, *rank, *name);
    }
    // In the maps' order: merging appends to each token's list in page
    // order, so the order within one page does not matter.
    Content {
        han: collector.han.into_iter().collect(),
        words: collector.words.into_iter().collect(),
        fragment: packer.map_or_else(Vec::new, |packer| {
            packer.pack(&fragment(site, page, &fields))
        }),
    }
}

/// Whether a field is a title or a person's name (which also get single
/// characters and pinyin), and a name (which gets initials too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    Name,
    Text,
}

/// A page's tokens as they are found, each with the best rank it was
/// found at.
#[derive(Default)]
struct Collector {
    han: FxHashMap<u64, Rank>,
    words: FxHashMap<String, Rank>,
}

impl Collector {
    fn add(&mut self, text: &str, rank: Rank, kind: Kind) {
        tokens::each_piece(text, |piece| match piece {
            PieceRef::Han(run) => self.add_han(run, rank, kind),
            PieceRef::Words(group) => {
                tokens::word_tokens(group, |t| keep_best(&mut self.words, t, rank));
            }
        });
    }

    fn add_han(&mut self, run: &[char], rank: Rank, kind: Kind) {
        let han = &mut self.han;
        let mut keep = |key: u64| {
            let best = han.entry(key).or_insert(rank);
            *best = (*best).max(rank);
        };
        tokens::han_pairs(run, &mut keep);
        if kind == Kind::Text {
            return;
        }
        for &c in run {
            keep(tokens::han_key(c, None));
        }
        let words = &mut self.words;
        pinyin::full_tokens(run, |t| keep_best(words, t, rank));
        if kind == Kind::Name {
            pinyin::initials_tokens(run, |t| keep_best(words, t, rank));
        }
    }
}

fn keep_best(words: &mut FxHashMap<String, Rank>, token: &str, rank: Rank) {
    match words.get_mut(token) {
        Some(best) => *best = (*best).max(rank),
        None => {
            words.insert(token.to_string(), rank);
        }
    }
}

type Field = (Rank, Kind, String);

/// Every searchable field of a page, with its rank.
fn fields(site: &Site, page: &Page) -> Vec<Field> {
    let meta = &page.meta;
    let mut fields: Vec<Field> = vec![(Rank::Title, Kind::Title, page.title.clone())];
    let mut add = |rank: Rank, kind: Kind, text: Option<&String>| {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            fields.push((rank, kind, text.clone()));
        }
    };
    add(Rank::Field, Kind::Name, meta.person.as_ref());
    add(Rank::Field, Kind::Name, meta.family.as_ref());
    for member in &meta.members {
        add(Rank::Field, Kind::Name, Some(&member.name));
    }
    for text in typed_texts(meta) {
        add(Rank::Field, Kind::Text, Some(&text));
    }
    add(Rank::Meta, Kind::Text, meta.summary.as_ref());
    add(Rank::Meta, Kind::Text, meta.description.as_ref());
    for tag in &meta.tags {
        add(Rank::Meta, Kind::Text, Some(tag));
    }
    if let Some(community) = page.community {
        add(Rank::Meta, Kind::Text, Some(&site.pages[community].title));
    }
    add(
        Rank::Body,
        Kind::Text,
        Some(&plain_text(&page.rendered.html.text())),
    );
    fields
}

/// The typed fields residents look for: occupation, honours, quote and
/// motto, an event's place and organiser, a station's address, hours,
/// phone and areas, a community's street and brand.
fn typed_texts(meta: &PageFrontMatter) -> Vec<String> {
    let singles = [
        &meta.occupation,
        &meta.quote,
        &meta.motto,
        &meta.location,
        &meta.organizer,
        &meta.address,
        &meta.hours,
        &meta.phone,
        &meta.street,
        &meta.brand,
    ];
    let mut texts: Vec<String> = singles.into_iter().flatten().cloned().collect();
    texts.extend(meta.honors.iter().cloned());
    for area in &meta.areas {
        texts.push(area.name.clone());
        texts.extend(area.description.iter().cloned());
    }
    texts
}

/// The text of rendered HTML: tags dropped (block ends become spaces),
/// entities decoded.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = &rest[..end];
            if !text.ends_with(' ') && is_block_boundary(tag) {
                text.push(' ');
            }
            rest = &rest[end..];
        } else {
            let (decoded, used) = decode_entity(rest);
            text.push_str(&decoded);
            rest = &rest[used..];
        }
    }
    text.push_str(rest);
    text.trim().to_string()
}

fn is_block_boundary(tag: &str) -> bool {
    const INLINE: [&str; 10] = [
        "a", "em", "strong", "code", "span", "b", "i", "mark", "sup", "sub",
    ];
    let name = tag.trim_start_matches(['<', '/']);
    let end = name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    !INLINE.contains(&&name[..end])
}

/// Decodes the entity at the start of `text` (`&amp;`, `&#39;`, `&#x4e2d;`);
/// a lone `&` stays as it is.
fn decode_entity(text: &str) -> (String, usize) {
    let Some(end) = text[..text.len().min(12)].find(';') else {
        return ("&".into(), 1);
    };
    let name = &text[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ => name
            .strip_prefix("#x")
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".into(), 1),
    }
}

/// What a result shows: address (relative to the site's base, so the index
/// works under any base URL), title, type, community, date and text.
fn fragment(site: &Site, page: &Page, fields: &[Field]) -> String {
    let mut text = String::new();
    for (i, (_, _, field)) in fields[1..].iter().enumerate() {
        if i > 0 {
            text.push_str(" · ");
        }
        text.push_str(field);
    }
    if let Some((cut, _)) = text.char_indices().nth(FRAGMENT_CHARS) {
        text.truncate(cut);
    }
    let fragment = Fragment {
        u: &page.path,
        t: &page.title,
        k: page.page_type.name(),
        c: page.community.map(|c| site.pages[c].title.as_str()),
        d: page.date.as_ref().map(|d| d.date().to_string()),
        x: &text,
    };
    // Serialising borrowed strings cannot fail.
    serde_json::to_string(&fragment).unwrap_or_default()
}

/// A result file: address, title, type, community, date, text.
#[derive(serde::Serialize)]
struct Fragment<'a> {
    u: &'a str,
    t: &'a str,
    k: &'a str,
    c: Option<&'a str>,
    d: Option<String>,
    x: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        let html =
            "<h2 id=\"a\">法律&amp;调解</h2><p>每周三<strong>下午</strong>，电话&#x30;571</p>";
        assert_eq!(plain_text(html), "法律&调解 每周三下午，电话0571");
    }

    #[test]
    fn inline_tags_join_text_and_block_tags_part_it() {
        let html = "<p>社区<a href=\"/x/\">议事</a>会</p><ul><li>一</li><li>二</li></ul><br/>三";
        assert_eq!(plain_text(html), "社区议事会 一 二 三");
    }

    #[test]
    fn a_lone_ampersand_stays() {
        assert_eq!(plain_text("A & B &c"), "A & B &c");
    }
}
