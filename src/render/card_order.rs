//! The order a one-off build renders its files in, so that each card lives
//! for a short stretch of the build.
//!
//! A card is made when the first file showing it renders and dropped after
//! the last ([`crate::render::Shared::count_uses`]). In plan order the
//! section lists come first and the tag and community lists last, so every
//! card of the site was alive at once. Here every file is placed by the
//! oldest page it shows: a page's own file near the lists of its time,
//! each list page just after the pages it lists. A card then lives from
//! the first file of its time to the last list that shows it.

use std::cmp::Reverse;

use crate::content::site::Site;
use crate::render::select::Selection;

/// Where each page stands, newest first: the order lists mostly show
/// pages in.
pub struct CardOrder {
    /// Per page (by index in `Site::pages`), its place.
    places: Vec<u32>,
}

impl CardOrder {
    /// The places of `site`'s pages: dated pages newest first, then the
    /// undated ones; pages of the same date by section, then as their
    /// section lists them.
    pub fn new(site: &Site) -> CardOrder {
        let mut in_section = vec![0usize; site.pages.len()];
        for section in &site.sections {
            for (position, &page) in section.pages.iter().enumerate() {
                in_section[page] = position;
            }
        }
        let mut pages: Vec<usize> = (0..site.pages.len()).collect();
        pages.sort_by_cached_key(|&i| {
            let page = &site.pages[i];
            // `None` sorts before any date, so after them in reverse.
            (Reverse(page.date.clone()), page.section, in_section[i])
        });
        let mut places = vec![0u32; site.pages.len()];
        for (place, &page) in pages.iter().enumerate() {
            places[page] = u32::try_from(place).unwrap_or(u32::MAX);
        }
        CardOrder { places }
    }

    /// Where a file goes: at the place of the oldest page it shows (its
    /// own or one its lists show), a list after the page's own file; a
    /// file that shows no page goes first.
    pub fn key(&self, selection: &Selection) -> (u32, bool) {
        let oldest = selection
            .pages_listed()
            .map(|page| self.places.get(page).copied().unwrap_or(u32::MAX))
            .max()
            .unwrap_or(0);
        (oldest, !selection.is_page())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::render::{Lookup, Shared, fixture, plan, select};

    /// The fixture's selections, in card order.
    fn in_card_order(site: &Site) -> Vec<Selection> {
        let lookup = Lookup::new(site);
        let order = CardOrder::new(site);
        let mut selections: Vec<Selection> = plan(site, &lookup)
            .into_iter()
            .map(|target| select(site, &lookup, target))
            .collect();
        selections.sort_by_cached_key(|selection| order.key(selection));
        selections
    }

    #[test]
    fn each_card_is_made_once_and_dropped_after_the_last_file_that_shows_it() {
        let site = fixture();
        let selections = in_card_order(&site);
        let mut shared = Shared::compute(&site);
        assert_eq!(
            shared.cards_made_and_held(),
            (0, 0),
            "no card is made before it is shown"
        );
        shared.count_uses(selections.iter().flat_map(Selection::pages_shown));
        let shown: BTreeSet<usize> = selections.iter().flat_map(Selection::pages_shown).collect();
        let mut most_held = 0;
        for selection in &selections {
            selection.context(&site, &shared);
            most_held = most_held.max(shared.cards_made_and_held().1);
        }
        assert_eq!(shared.cards_made_and_held(), (shown.len(), 0));
        assert!(
            most_held > 0 && most_held < shown.len(),
            "{most_held} of {}",
            shown.len()
        );
        // Anything that asks once more gets the same card, made again.
        let kept = Shared::compute(&site);
        let first = *shown.first().unwrap();
        assert_eq!(shared.card(&site, first), kept.card(&site, first));
        assert_eq!(shared.cards_made_and_held().0, shown.len() + 1);
    }

    #[test]
    fn a_build_that_keeps_its_cards_makes_each_once_and_keeps_it() {
        let site = fixture();
        let shared = Shared::compute(&site);
        let selections = in_card_order(&site);
        for _ in 0..2 {
            selections
                .iter()
                .for_each(|s| drop(s.context(&site, &shared)));
        }
        let shown: BTreeSet<usize> = selections.iter().flat_map(Selection::pages_shown).collect();
        assert_eq!(shared.cards_made_and_held(), (shown.len(), shown.len()));
    }

    #[test]
    fn files_are_placed_by_the_oldest_page_they_show() {
        let site = fixture();
        let selections = in_card_order(&site);
        let order = CardOrder::new(&site);
        let keys: Vec<(u32, bool)> = selections.iter().map(|s| order.key(s)).collect();
        assert!(keys.is_sorted());
        let place = |output: &str| selections.iter().position(|s| s.output == output).unwrap();
        // Newest first: a list's first pager before its second.
        assert!(place("stories/index.html") < place("stories/page/2/index.html"));
        // A list comes after the own file of the oldest page it shows.
        let second = &selections[place("stories/page/2/index.html")];
        let oldest = second
            .pages_listed()
            .max_by_key(|&p| order.places[p])
            .unwrap();
        let own = selections
            .iter()
            .position(|s| s.page == Some(oldest))
            .unwrap();
        assert!(own < place("stories/page/2/index.html"));
    }
}
