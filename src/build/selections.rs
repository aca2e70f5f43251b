//! The memo of a build's full selection, for the narrow rebuilds that
//! follow ([`super::narrow`]): every file's selection and signature, which
//! files show each page, which pages each feed lists, and until when all
//! of it holds without an edit.

use jiff::ZonedDateTime;
use jiff::tz::Offset;
use rayon::prelude::*;

use std::collections::HashMap;

use crate::content::schedule::NextChange;
use crate::content::site::Site;
use crate::render::feeds::FeedLists;
use crate::render::{Selection, Shared};

/// What files' signatures are made from, and the signatures on disk.
pub(super) struct MadeFrom<'a> {
    pub(super) site: &'a Site,
    pub(super) shared: &'a Shared,
    pub(super) template_versions: &'a HashMap<String, u64>,
    pub(super) signatures: &'a HashMap<String, u64>,
}

/// What a narrow rebuild needs from the last full selection.
pub(super) struct NarrowMemo {
    /// Every file's selection and the signature it was rendered from, in
    /// plan order.
    pub(super) selected: Vec<(Selection, u64)>,
    /// Page index → the positions in `selected` of the files that show it.
    shown_by: Vec<Vec<u32>>,
    /// Which pages each Atom feed lists.
    pub(super) feeds: FeedLists,
    /// The selections are right until this moment: the next scheduled
    /// change, or the next midnight, whichever comes first.
    valid_until: Option<ZonedDateTime>,
    /// The site's UTC offset when they were made.
    offset: Offset,
}

impl NarrowMemo {
    /// The memo of a full selection of `site`.
    pub(super) fn new(
        site: &Site,
        selected: Vec<(Selection, u64)>,
        feeds: FeedLists,
        next_change: &Option<NextChange>,
    ) -> NarrowMemo {
        let mut shown_by: Vec<Vec<u32>> = vec![Vec::new(); site.pages.len()];
        for (position, (selection, _)) in selected.iter().enumerate() {
            for page in selection.pages_shown() {
                if let Some(files) = shown_by.get_mut(page)
                    && files.last() != Some(&(position as u32))
                {
                    files.push(position as u32);
                }
            }
        }
        let midnight = next_midnight(&site.now);
        let valid_until = match (next_change.as_ref().map(|n| &n.at), midnight) {
            (Some(at), Some(midnight)) => Some(at.clone().min(midnight)),
            (Some(at), None) => Some(at.clone()),
            (None, midnight) => midnight,
        };
        NarrowMemo {
            selected,
            shown_by,
            feeds,
            valid_until,
            offset: site.now.offset(),
        }
    }

    /// Whether the selections still hold for `site` as it is now.
    pub(super) fn holds_for(&self, site: &Site) -> bool {
        self.shown_by.len() == site.pages.len()
            && site.now.offset() == self.offset
            && self
                .valid_until
                .as_ref()
                .is_some_and(|until| site.now < *until)
    }

    /// The files showing any page of `changed` whose signature moved from
    /// the one on disk (`signatures`): their position in `selected` and new
    /// signature.
    pub(super) fn moved(&self, made_from: MadeFrom<'_>, changed: &[usize]) -> Vec<(usize, u64)> {
        let MadeFrom {
            site,
            shared,
            template_versions,
            signatures,
        } = made_from;
        let mut positions: Vec<u32> = changed
            .iter()
            .filter_map(|&page| self.shown_by.get(page))
            .flatten()
            .copied()
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
            .par_iter()
            .filter_map(|&position| {
                let (selection, _) = &self.selected[position as usize];
                let signature = selection.signature_in(site, shared, template_versions);
                let on_disk = signatures.get(&selection.output);
                (on_disk != Some(&signature)).then_some((position as usize, signature))
            })
            .collect()
    }
}

/// The first moment of the day after `now`, in its zone.
fn next_midnight(now: &ZonedDateTime) -> Option<ZonedDateTime> {
    now.date()
        .tomorrow()
        .ok()?
        .to_zoned_datetime(now.time_zone().clone())
        .ok()
}
