//! Values many files share, computed once per build and refreshed page by
//! page on a rebuild: the `site` value, each page's card (what a list
//! shows of it) and each section's value, each with its hash, so that a
//! file's signature is a handful of numbers.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
#[cfg(test)]
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use serde_json::Value;

use crate::content::Page;
use crate::content::site::Site;
use crate::hash::{fingerprint, hash_json};
use crate::render::card_refs::CardRefs;
use crate::render::context::{
    is_expired, is_upcoming, page_card_hash, page_card_value, section_brief, section_value,
    site_value,
};
use crate::render::stats::Stats;

/// The values templates share.
#[derive(Debug)]
pub struct Shared {
    /// The `site` value and its hash.
    pub(super) site: tera::Value,
    pub(super) site_hash: u64,
    /// One card per page, in `Site::pages` order.
    pub(super) cards: Vec<Card>,
    /// One entry per section, in `Site::sections` order.
    pub(super) sections: Vec<SectionValues>,
    /// The year in pictures.
    pub(super) stats: Stats,
    /// The values cards share, for the cards made when first shown.
    refs: CardRefs,
    /// How many more files will show each card, when counted (a one-off
    /// build, see [`Shared::count_uses`]): a card is dropped after its last.
    uses: Option<Vec<AtomicU32>>,
    /// Whether the cards have their hashes (false for a one-off build's).
    pub(super) hashed: bool,
    /// How many cards were made so far (tests count them).
    #[cfg(test)]
    cards_made: AtomicUsize,
}

/// What a list shows of one page, and what its own file depends on.
#[derive(Debug)]
pub(super) struct Card {
    /// The card as templates see it, made when a file first shows it: a
    /// district's 100,000 cards made up front were a third of its build's
    /// memory.
    value: Mutex<Option<tera::Value>>,
    /// A hash of the card.
    pub(super) hash: u64,
    /// A hash of the card plus everything the page's own file adds (body,
    /// table of contents, bundle files).
    pub(super) full_hash: u64,
    /// Whether the page was expired and upcoming when the card was made:
    /// a card goes stale when either flips with the clock.
    time_flags: (bool, bool),
}

impl Clone for Card {
    fn clone(&self) -> Card {
        Card {
            value: Mutex::new(lock(&self.value).clone()),
            hash: self.hash,
            full_hash: self.full_hash,
            time_flags: self.time_flags,
        }
    }
}

/// A card's slot, locked (a thread that panicked while holding it left
/// either no card or a whole one).
fn lock(slot: &Mutex<Option<tera::Value>>) -> std::sync::MutexGuard<'_, Option<tera::Value>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A section's value (for its lists) and its brief (for its pages).
#[derive(Debug, Clone)]
pub(super) struct SectionValues {
    pub(super) value: tera::Value,
    pub(super) hash: u64,
    /// Without its page count or body, so adding a page to a section does
    /// not change every page in it.
    pub(super) brief: tera::Value,
    pub(super) brief_hash: u64,
}

impl Card {
    /// Page `index`'s card (its hash; the card itself is made when first
    /// shown), with the values it shares from `refs`.
    fn of(site: &Site, index: usize, refs: &CardRefs) -> Card {
        let page = &site.pages[index];
        let hash = page_card_hash(site, page, refs);
        let mut hasher = fingerprint();
        hash.hash(&mut hasher);
        page.rendered.html_hash.hash(&mut hasher);
        for heading in &page.rendered.toc {
            heading.id.hash(&mut hasher);
            heading.title.hash(&mut hasher);
            heading.level.hash(&mut hasher);
        }
        for (_, name) in &page.assets {
            name.hash(&mut hasher);
        }
        Card {
            value: Mutex::new(None),
            hash,
            full_hash: hasher.finish(),
            time_flags: time_flags(site, index),
        }
    }
}

impl Card {
    /// Page `index`'s card without its hashes (see
    /// [`Shared::compute_unhashed`]).
    fn unhashed(site: &Site, index: usize) -> Card {
        Card {
            value: Mutex::new(None),
            hash: 0,
            full_hash: 0,
            time_flags: time_flags(site, index),
        }
    }
}

fn time_flags(site: &Site, index: usize) -> (bool, bool) {
    let page = &site.pages[index];
    (is_expired(site, page), is_upcoming(site, page))
}

/// Whether everything a page's card and full value are made from is the
/// same in both sites (the configuration is the same in both).
fn same_card_inputs(site: &Site, page: &Page, old_site: &Site, old: &Page) -> bool {
    let section = |s: &Site, p: &Page| {
        let section = &s.sections[p.section];
        (section.title.clone(), section.path.clone())
    };
    let community = |s: &Site, p: &Page| {
        p.community.map(|c| {
            let c = &s.pages[c];
            (c.title.clone(), c.slug.clone(), c.path.clone())
        })
    };
    page.path == old.path
        && page.title == old.title
        && page.page_type == old.page_type
        && page.meta == old.meta
        && page.rendered == old.rendered
        && page.assets == old.assets
        && page.cover_image == old.cover_image
        && section(site, page) == section(old_site, old)
        && community(site, page) == community(old_site, old)
}

impl Shared {
    /// Computes every value from scratch.
    pub fn compute(site: &Site) -> Shared {
        let refs = CardRefs::new(site);
        let cards = |refs: &CardRefs| {
            (0..site.pages.len())
                .into_par_iter()
                .map(|i| Card::of(site, i, refs))
                .collect()
        };
        Shared::with_cards(site, refs, cards)
    }

    /// Computes every value for a build that keeps no memo: its cards have
    /// no hashes (0), which only a later rebuild would compare. Hashing
    /// each card's JSON was a twentieth of a one-off build's work.
    pub fn compute_unhashed(site: &Site) -> Shared {
        let refs = CardRefs::new(site);
        let cards = |_: &CardRefs| {
            (0..site.pages.len())
                .into_par_iter()
                .map(|i| Card::unhashed(site, i))
                .collect()
        };
        let mut shared = Shared::with_cards(site, refs, cards);
        shared.hashed = false;
        shared
    }

    /// After a content reload: takes from `old` (computed for `old_site`)
    /// the card of every page whose card could not have changed (same
    /// front matter, body, place, section, community and time flags), and
    /// computes the rest. The result equals [`Shared::compute`].
    pub fn compute_reusing(site: &Site, old_site: &Site, old: &Shared) -> Shared {
        let old_index: HashMap<&str, usize> = old_site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source_key.as_str(), i))
            .collect();
        let refs = CardRefs::new(site);
        let cards = |refs: &CardRefs| {
            (0..site.pages.len())
                .into_par_iter()
                .map(|i| {
                    let page = &site.pages[i];
                    let reusable = old_index.get(page.source_key.as_str()).filter(|&&j| {
                        old.cards[j].time_flags == time_flags(site, i)
                            && same_card_inputs(site, page, old_site, &old_site.pages[j])
                    });
                    match reusable {
                        Some(&j) => old.cards[j].clone(),
                        None => Card::of(site, i, refs),
                    }
                })
                .collect()
        };
        Shared::with_cards(site, refs, cards)
    }

    /// After an edit that kept every page at its index: recomputes the cards
    /// of `changed` pages and of pages whose time flags (expired, upcoming)
    /// flipped since the last build, and the site and section values.
    pub fn refresh(&mut self, site: &Site, changed: &[usize]) {
        let mut stale: Vec<usize> = (0..site.pages.len())
            .filter(|&i| self.cards[i].time_flags != time_flags(site, i))
            .collect();
        stale.extend_from_slice(changed);
        stale.sort_unstable();
        stale.dedup();
        // Sections, communities or tags may have changed.
        self.refs = CardRefs::new(site);
        self.refresh_cards(site, &stale);
        self.refresh_site_and_sections(site);
    }

    /// After an edit that changed only the bodies of the pages `changed`:
    /// recomputes their cards and nothing else. Their front matter, place
    /// and photos are as before, so no other card, no section, no count and
    /// no time flag can have moved (the caller makes sure of that).
    pub fn refresh_cards(&mut self, site: &Site, changed: &[usize]) {
        let fresh: Vec<(usize, Card)> = changed
            .par_iter()
            .map(|&i| (i, Card::of(site, i, &self.refs)))
            .collect();
        for (index, card) in fresh {
            self.cards[index] = card;
        }
    }

    /// Page `index`'s card as templates see it, made now if no file showed
    /// it yet. When uses are counted, this is one of them, and after the
    /// last the card is dropped (made again if anything asks once more).
    pub(super) fn card(&self, site: &Site, index: usize) -> tera::Value {
        let mut slot = lock(&self.cards[index].value);
        let card = match &*slot {
            Some(card) => card.clone(),
            None => {
                let card = page_card_value(site, &site.pages[index], &self.refs);
                #[cfg(test)]
                self.cards_made.fetch_add(1, Ordering::Relaxed);
                *slot = Some(card.clone());
                card
            }
        };
        let last_use = self.uses.as_ref().is_some_and(|uses| {
            uses[index].fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                == Ok(1)
        });
        let dropped = if last_use { slot.take() } else { None };
        drop(slot);
        drop(dropped);
        card
    }

    /// Counts how many times the files to render show each card (`shown`:
    /// every page index each file's selection shows, as
    /// `Selection::pages_shown` says), so that each card is dropped once
    /// the last of them is rendered: a one-off build's memory then holds
    /// the cards of the files being rendered, not every card of the site.
    /// Until [`Shared::keep_cards`], a card is made again if anything else
    /// asks for it.
    pub fn count_uses(&mut self, shown: impl Iterator<Item = usize>) {
        let mut counts = vec![0u32; self.cards.len()];
        for page in shown {
            if let Some(count) = counts.get_mut(page) {
                *count = count.saturating_add(1);
            }
        }
        self.uses = Some(counts.into_iter().map(AtomicU32::new).collect());
    }

    /// How many cards were made so far, and how many are held now.
    #[cfg(test)]
    pub fn cards_made_and_held(&self) -> (usize, usize) {
        let held = self.cards.iter().filter(|card| lock(&card.value).is_some());
        (self.cards_made.load(Ordering::Relaxed), held.count())
    }

    /// Stops counting uses: every card made from now on is kept.
    pub fn keep_cards(&mut self) {
        self.uses = None;
    }

    /// A hash of the values shared by every file (the site value, the
    /// sections, the statistics): equal for two `Shared` made from sites
    /// that differ only in their pages' bodies. (Debug builds check narrow
    /// rebuilds with it.)
    #[cfg(debug_assertions)]
    pub fn shared_hash(&self) -> u64 {
        let mut hasher = fingerprint();
        self.site_hash.hash(&mut hasher);
        for section in &self.sections {
            (section.hash, section.brief_hash).hash(&mut hasher);
        }
        self.stats.hash.hash(&mut hasher);
        hasher.finish()
    }

    /// The cards `make_cards` makes with `refs`, with the statistics
    /// counted alongside them (alone, they kept one core idle), and the
    /// site and sections.
    fn with_cards(
        site: &Site,
        refs: CardRefs,
        make_cards: impl FnOnce(&CardRefs) -> Vec<Card> + Send,
    ) -> Shared {
        let (cards, stats) = rayon::join(|| make_cards(&refs), || Stats::compute(site));
        let mut shared = Shared {
            site: tera::Value::from_serializable(&Value::Null),
            site_hash: 0,
            cards,
            sections: Vec::new(),
            stats,
            refs,
            uses: None,
            hashed: true,
            #[cfg(test)]
            cards_made: AtomicUsize::new(0),
        };
        shared.refresh_site_value_and_sections(site);
        shared
    }

    fn refresh_site_and_sections(&mut self, site: &Site) {
        self.stats = Stats::compute(site);
        self.refresh_site_value_and_sections(site);
    }

    fn refresh_site_value_and_sections(&mut self, site: &Site) {
        let value = site_value(site);
        self.site_hash = hash_json(&value);
        self.site = tera::Value::from_serializable(&value);
        self.sections = site
            .sections
            .iter()
            .map(|section| {
                let value = section_value(site, section);
                let brief = section_brief(site, section);
                SectionValues {
                    hash: hash_json(&value),
                    value: tera::Value::from_serializable(&value),
                    brief_hash: hash_json(&brief),
                    brief: tera::Value::from_serializable(&brief),
                }
            })
            .collect();
    }
}
