//! What belongs together: for each profile, family, event, station and
//! notice, a few other pages a reader may want next, chosen at build time.
//!
//! Pages that share something fall in a bucket (a tag, a community, a
//! person or family name, a kind of event), each bucket newest first. A
//! page scores only the pages *near it in time* in each of its buckets (a
//! window of [`WINDOW`]), so the cost per page stays the same from a
//! hundred pages to a hundred thousand, and what it finds is of its time.
//! The chosen pages are a list of the page's selection, so their cards are
//! in its signature: when one of them changes, the page is rendered again.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::frontmatter::EventKind;
use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::render::context::is_expired;

/// How many related pages a page shows.
pub const RELATED_LEN: usize = 4;

/// How many neighbours in time a page looks at in each bucket.
const WINDOW: usize = 24;

/// The least score a related page needs: the same community, or the
/// same kind of event, or more.
const MIN_SCORE: u32 = 2;

/// What sharing a bucket is worth.
const PERSON: u32 = 6;
const TAG: u32 = 3;
const COMMUNITY: u32 = 2;
const KIND: u32 = 2;
/// And being of the same type.
const SAME_TYPE: u32 = 1;

/// Every page's related list, with what they were made from: a rebuild
/// whose pages share the same things (most edits change a body, not a
/// tag, a date or a name) takes the lists of the last one, and one that
/// added, removed or re-tagged a few pages scores again only the pages
/// near those in their buckets, instead of a whole district archive.
#[derive(Debug, Default)]
pub struct RelatedLists {
    fingerprint: u64,
    lists: Vec<Vec<usize>>,
    /// The buckets the lists were scored from.
    related: Related,
    /// Per page: a hash of what its place in the buckets is made from.
    inputs: Vec<u64>,
    /// Per page: its source key, to find it again in the next load.
    keys: Vec<String>,
}

impl RelatedLists {
    /// Every page's list, scored from scratch.
    pub fn compute(site: &Site) -> RelatedLists {
        RelatedLists::scored(site, page_inputs(site))
    }

    fn scored(site: &Site, inputs: Vec<u64>) -> RelatedLists {
        let related = Related::new(site);
        let lists = (0..site.pages.len())
            .into_par_iter()
            .map(|index| related.of(site, index))
            .collect();
        RelatedLists::made(site, lists, related, inputs)
    }

    /// The lists of `site`, with what they were made from.
    fn made(site: &Site, lists: Vec<Vec<usize>>, related: Related, inputs: Vec<u64>) -> Self {
        RelatedLists {
            fingerprint: fingerprint_of(&inputs),
            lists,
            related,
            inputs,
            keys: site.pages.iter().map(|p| p.source_key.clone()).collect(),
        }
    }

    /// `previous` when it was made from the same inputs; else `previous`
    /// patched where a few pages changed; else fresh lists.
    pub fn reuse_or_compute(
        previous: Option<&Arc<RelatedLists>>,
        site: &Site,
    ) -> Arc<RelatedLists> {
        let inputs = page_inputs(site);
        let fingerprint = fingerprint_of(&inputs);
        match previous {
            Some(lists)
                if lists.fingerprint == fingerprint && lists.lists.len() == site.pages.len() =>
            {
                Arc::clone(lists)
            }
            Some(lists) => match lists.patched(site, &inputs) {
                Some(patched) => Arc::new(patched),
                None => Arc::new(RelatedLists::scored(site, inputs)),
            },
            None => Arc::new(RelatedLists::scored(site, inputs)),
        }
    }

    /// Page `index`'s related pages.
    pub fn of(&self, index: usize) -> Vec<usize> {
        self.lists.get(index).cloned().unwrap_or_default()
    }

    /// The lists of `site`, made from these by scoring again only the pages
    /// whose windows a changed page enters or leaves; `None` when too many
    /// pages changed for that to pay.
    fn patched(&self, site: &Site, inputs: &[u64]) -> Option<RelatedLists> {
        let (old_of_new, new_of_old) = self.matched(site);
        let differs = |old: usize, new: usize| self.inputs[old] != inputs[new];
        let changed_new: Vec<usize> = (0..site.pages.len())
            .filter(|&i| old_of_new[i].is_none_or(|o| differs(o, i)))
            .collect();
        let changed_old: Vec<usize> = (0..self.keys.len())
            .filter(|&o| new_of_old[o].is_none_or(|i| differs(o, i)))
            .collect();
        if (changed_new.len() + changed_old.len()) * PATCH_SHARE > site.pages.len() {
            return None;
        }
        let related = Related::new(site);
        let mut affected = vec![false; site.pages.len()];
        for &page in &changed_new {
            affected[page] = true;
            related.mark_near(&related.places[page], &|m| Some(m), &mut affected);
        }
        for &page in &changed_old {
            let old = &self.related;
            old.mark_near(&old.places[page], &|m| new_of_old[m], &mut affected);
        }
        let lists: Vec<Vec<usize>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let kept = old_of_new[i]
                    .filter(|_| !affected[i])
                    .and_then(|o| self.lists[o].iter().map(|&m| new_of_old[m]).collect());
                kept.unwrap_or_else(|| related.of(site, i))
            })
            .collect();
        let patched = RelatedLists::made(site, lists, related, inputs.to_vec());
        debug_assert_eq!(patched.lists, RelatedLists::compute(site).lists);
        Some(patched)
    }

    /// Each page of `site` with its index in these lists' site (by source
    /// key), and each page of that site with its index in `site`.
    fn matched(&self, site: &Site) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
        let old_index: HashMap<&str, usize> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| (key.as_str(), i))
            .collect();
        let mut old_of_new = vec![None; site.pages.len()];
        let mut new_of_old = vec![None; self.keys.len()];
        for (i, page) in site.pages.iter().enumerate() {
            if let Some(&o) = old_index.get(page.source_key.as_str())
                && new_of_old[o].is_none()
            {
                new_of_old[o] = Some(i);
                old_of_new[i] = Some(o);
            }
        }
        (old_of_new, new_of_old)
    }
}

/// Lists are patched when fewer than one page in this many changed.
const PATCH_SHARE: usize = 16;

/// Per page, a hash of everything its place in the buckets and its score
/// as a candidate are made from: type, tags, community, names, kind, date
/// and whether it has expired.
fn page_inputs(site: &Site) -> Vec<u64> {
    site.pages
        .par_iter()
        .map(|page| {
            let mut hasher = crate::hash::fingerprint();
            page.page_type.name().hash(&mut hasher);
            page.meta.tags.hash(&mut hasher);
            page.community
                .map(|c| site.pages[c].slug.as_str())
                .hash(&mut hasher);
            names(page).hash(&mut hasher);
            page.meta.kind.map(kind_name).hash(&mut hasher);
            page.date
                .as_ref()
                .map(|d| d.timestamp().as_second())
                .hash(&mut hasher);
            is_expired(site, page).hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// One hash of every page's inputs, in page order.
fn fingerprint_of(inputs: &[u64]) -> u64 {
    let mut hasher = crate::hash::fingerprint();
    inputs.hash(&mut hasher);
    hasher.finish()
}

/// How a candidate ranks: its score (higher first), how far in time from
/// the page (nearer first), its date (newer first), its index.
type Rank = (Reverse<u32>, u64, Reverse<Option<i64>>, usize);

/// The buckets of a site, and where each page sits in its buckets.
#[derive(Debug, Default)]
pub struct Related {
    buckets: Vec<Vec<usize>>,
    /// Per page: (bucket, position in it, what sharing it is worth).
    places: Vec<Vec<(u32, u32, u32)>>,
    /// Per page: its date in seconds, read once (comparing zoned dates
    /// again and again was most of the cost).
    seconds: Vec<Option<i64>>,
}

/// The page types that show related pages and are shown as related.
fn takes_part(page: &Page) -> bool {
    matches!(
        page.page_type,
        PageType::Story | PageType::Family | PageType::Event | PageType::Station | PageType::Notice
    )
}

/// The names a page is about: its person, its family and the family's
/// members, so a striver's profile and her family's entry meet.
fn names(page: &Page) -> Vec<&str> {
    let meta = &page.meta;
    let mut names: Vec<&str> = meta
        .person
        .iter()
        .chain(&meta.family)
        .map(|s| s.trim())
        .collect();
    names.extend(meta.members.iter().map(|m| m.name.trim()));
    names.retain(|n| !n.is_empty());
    names
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Council => "council",
        EventKind::Culture => "culture",
        EventKind::Volunteer => "volunteer",
        EventKind::Service => "service",
        EventKind::Other => "other",
    }
}

impl Related {
    /// Sorts the site's pages into buckets, once per build.
    pub fn new(site: &Site) -> Related {
        let seconds: Vec<Option<i64>> = site
            .pages
            .iter()
            .map(|p| p.date.as_ref().map(|d| d.timestamp().as_second()))
            .collect();
        let mut related = Related {
            buckets: Vec::new(),
            places: vec![Vec::new(); site.pages.len()],
            seconds,
        };
        for tag in &site.tags {
            related.add_bucket(
                tag.pages
                    .iter()
                    .copied()
                    .filter(|&p| takes_part(&site.pages[p])),
                TAG,
            );
        }
        let mut newest_first: Vec<usize> = (0..site.pages.len())
            .filter(|&p| takes_part(&site.pages[p]))
            .collect();
        let seconds = &related.seconds;
        newest_first.sort_by(|&a, &b| seconds[b].cmp(&seconds[a]).then(a.cmp(&b)));
        let mut keyed: HashMap<(u8, &str), Vec<usize>> = HashMap::new();
        for &index in &newest_first {
            let page = &site.pages[index];
            if let Some(community) = page.community {
                let slug = site.pages[community].slug.as_str();
                keyed.entry((0, slug)).or_default().push(index);
            }
            if let Some(kind) = page.meta.kind {
                keyed.entry((1, kind_name(kind))).or_default().push(index);
            }
            for name in names(page) {
                keyed.entry((2, name)).or_default().push(index);
            }
        }
        let mut keyed: Vec<((u8, &str), Vec<usize>)> = keyed.into_iter().collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        for ((group, _), pages) in keyed {
            let worth = [COMMUNITY, KIND, PERSON][usize::from(group)];
            related.add_bucket(pages.into_iter(), worth);
        }
        related
    }

    fn add_bucket(&mut self, pages: impl Iterator<Item = usize>, worth: u32) {
        let bucket: Vec<usize> = pages.collect();
        if bucket.len() < 2 {
            return;
        }
        let id = self.buckets.len() as u32;
        for (position, &page) in bucket.iter().enumerate() {
            self.places[page].push((id, position as u32, worth));
        }
        self.buckets.push(bucket);
    }

    /// Marks in `affected` (through `map`, from this site's indexes to the
    /// new site's) every page whose related list a change at `places` may
    /// move: those within a window of it in each bucket, and every undated
    /// page of a bucket whose newest pages it is among (an undated page's
    /// window is the newest pages).
    fn mark_near(
        &self,
        places: &[(u32, u32, u32)],
        map: &dyn Fn(usize) -> Option<usize>,
        affected: &mut [bool],
    ) {
        let mut mark = |page: usize| {
            if let Some(new) = map(page) {
                affected[new] = true;
            }
        };
        for &(bucket, position, _) in places {
            let bucket = &self.buckets[bucket as usize];
            let position = position as usize;
            let start = position.saturating_sub(WINDOW);
            let end = (position + WINDOW + 1).min(bucket.len());
            bucket[start..end].iter().for_each(|&page| mark(page));
            if position <= WINDOW {
                bucket
                    .iter()
                    .filter(|&&page| self.seconds[page].is_none())
                    .for_each(|&page| mark(page));
            }
        }
    }

    /// Up to [`RELATED_LEN`] pages related to page `index`, best first
    /// (then nearest in time, then newest); none for a page that takes no
    /// part.
    pub fn of(&self, site: &Site, index: usize) -> Vec<usize> {
        let page = &site.pages[index];
        let Some(places) = self.places.get(index).filter(|_| takes_part(page)) else {
            return Vec::new();
        };
        let mut shared: Vec<(usize, u32)> = Vec::new();
        // A page without a date (a station) has no time of its own: its
        // neighbours are the newest pages of each bucket.
        let dated = page.date.is_some();
        for &(bucket, position, worth) in places {
            let bucket = &self.buckets[bucket as usize];
            let position = if dated { position as usize } else { 0 };
            let start = position.saturating_sub(WINDOW / 2);
            let end = (start + WINDOW + 1).min(bucket.len());
            shared.extend(
                bucket[start..end]
                    .iter()
                    .filter(|&&other| other != index)
                    .map(|&other| (other, worth)),
            );
        }
        // Sorted by page, then summed: a page met in several buckets
        // scores what it shares in each.
        shared.sort_unstable_by_key(|&(other, _)| other);
        let mut scores: Vec<(usize, u32)> = Vec::with_capacity(shared.len());
        for (other, worth) in shared {
            match scores.last_mut() {
                Some((last, score)) if *last == other => *score += worth,
                _ => scores.push((other, worth)),
            }
        }
        for (other, score) in &mut scores {
            if site.pages[*other].page_type == page.page_type {
                *score += SAME_TYPE;
            }
        }
        scores
            .retain(|&(other, score)| score >= MIN_SCORE && !is_expired(site, &site.pages[other]));
        // Best first; among equals the nearest in time, then the newest.
        let own = self.seconds[index];
        let mut ranked: Vec<Rank> = scores
            .into_iter()
            .map(|(other, score)| {
                let when = self.seconds[other];
                let distance = match (own, when) {
                    (Some(a), Some(b)) => (a - b).unsigned_abs(),
                    _ => 0,
                };
                (Reverse(score), distance, Reverse(when), other)
            })
            .collect();
        if ranked.len() > RELATED_LEN {
            ranked.select_nth_unstable(RELATED_LEN);
            ranked.truncate(RELATED_LEN);
        }
        ranked.sort_unstable();
        // Not `into_iter().collect()`: that would reuse the candidates'
        // allocation, a few kilobytes kept for four numbers on every page.
        let mut chosen = Vec::with_capacity(ranked.len());
        chosen.extend(ranked.iter().map(|&(_, _, _, other)| other));
        chosen
    }
}
