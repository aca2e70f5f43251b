//! A narrow rebuild: after an edit that changed only what pages say (their
//! bodies), not where they stand (front matter, community, files, photos),
//! no list, order, address, count or schedule of the site moved. Every
//! file shows the same pages as after the last build, so only the files
//! that show an edited page can change: their signatures are computed
//! again, not the whole site's. The search index, the feeds and the
//! calendars are patched for those pages only. The cost is the edit's, not
//! the site's: at 100,000 pages a body edit looks at a few dozen files.
//!
//! The memo is made by every full selection ([`super::write`]) and is right
//! until the site's clock reaches the next scheduled change or midnight
//! (after which lists of coming events, expired notices and "today" may
//! differ); past that, or when anything else changed, the rebuild takes
//! the general path. Debug builds check every narrow rebuild against a
//! full selection of the same site.

use std::path::Path;
use std::time::Instant;

use crate::build::made::Made;
use crate::build::selections::MadeFrom;
#[cfg(debug_assertions)]
use crate::build::selections::NarrowMemo;
use crate::build::state::{RebuildReport, Scope, State};
use crate::build::write::{Sink, put_all, render_templates, replace_made};
use crate::error::Errors;
use crate::render::Selection;
use crate::render::{aliases, feeds};
use crate::screens;
use crate::search;
use crate::timings::Timings;

/// Publishes a rebuild after the pages `changed` were re-read with only
/// their bodies changed (their cards already refreshed), or returns `None`
/// without having changed anything on disk or in the memo (but the memo of
/// narrow rebuilds, which the general path makes again) when it cannot:
/// no memo, the clock passed a scheduled change, the output folder is
/// gone, or a file now refers to other photos.
pub(super) fn publish(
    state: &mut State,
    output_dir: &Path,
    changed: &[usize],
    timings: &mut Timings,
) -> Option<Result<RebuildReport, Errors>> {
    let mut memo = state.narrow.take()?;
    if !memo.holds_for(&state.site) || !output_dir.is_dir() {
        return None;
    }
    let made_from = MadeFrom {
        site: &state.site,
        shared: &state.shared,
        template_versions: &state.template_versions,
        signatures: &state.signatures,
    };
    let moved = timings.time("select", || memo.moved(made_from, changed));
    let chosen: Vec<(Selection, u64)> = moved
        .iter()
        .map(|&(position, signature)| (memo.selected[position].0.clone(), signature))
        .collect();
    let sink = Sink::Live {
        output_dir,
        touched: &[],
    };
    let rendering = Instant::now();
    let made = render_templates(state, &sink, &chosen.iter().collect::<Vec<_>>());
    timings.record("render", rendering.elapsed());
    let made = match made {
        Ok(made) => made,
        Err(errors) => return Some(Err(errors)),
    };
    let (screen_files, screen_photos) = timings.time("screens", || {
        screens::render_screens(&state.site, Some(&state.images))
    });
    if screen_photos != state.screen_photos || !same_photos(state, &made) {
        return None;
    }
    let mut machine_read = timings.time("feeds", || {
        feeds::render_feeds_showing(&state.site, &memo.feeds, changed)
    });
    machine_read.extend(screen_files);
    // A redirect page shows its page's title, which may be new.
    machine_read.extend(aliases::render_aliases_of(
        &state.site,
        changed.iter().copied(),
    ));
    let searched = timings.time("search", || {
        search::patch_bodies(&state.site, &mut state.search_memo, changed)
    });
    machine_read.extend(searched?);
    let result = finish(state, output_dir, made, machine_read, timings);
    if result.is_ok() {
        for &(position, signature) in &moved {
            memo.selected[position].1 = signature;
        }
        #[cfg(debug_assertions)]
        check_against_full_selection(state, &memo);
        state.narrow = Some(memo);
    }
    Some(result.map(|mut report| {
        report.scope = Scope::Pages(changed.len());
        report.rendered = chosen.len();
        report
    }))
}

/// Whether every rendered file refers to the photos it referred to: then
/// the photos the site uses are the same, and none is made or removed.
fn same_photos(state: &State, made: &[Made]) -> bool {
    made.iter().all(|file| {
        let before = state
            .photos_of
            .get(&file.path)
            .map_or(&[][..], Vec::as_slice);
        before == file.photos.as_slice()
    })
}

/// Writes the files whose bytes changed (pages before lists, each
/// atomically), then updates the memo of what is on disk.
fn finish(
    state: &mut State,
    output_dir: &Path,
    mut made: Vec<Made>,
    machine_read: Vec<crate::render::Output>,
    timings: &mut Timings,
) -> Result<RebuildReport, Errors> {
    let sink = Sink::Live {
        output_dir,
        touched: &[],
    };
    let writing = Instant::now();
    made.extend(put_all(state, &sink, machine_read)?);
    replace_made(output_dir, &made)?;
    let mut written: Vec<String> = Vec::new();
    for file in made {
        if file.changed {
            written.push(file.path.clone());
        }
        if let Some(signature) = file.signature {
            state.signatures.insert(file.path.clone(), signature);
        }
        state.hashes.insert(file.path, file.hash);
    }
    timings.record("write", writing.elapsed());
    written.sort();
    Ok(RebuildReport {
        written,
        files: state.hashes.len() + state.copies.len(),
        pages: state.site.pages.len(),
        sections: state.site.sections.len(),
        next_change: state.next_change.clone(),
        narrow: true,
        ..RebuildReport::default()
    })
}

/// Debug builds only: the memo after a narrow rebuild must be what a full
/// selection of the same site gives, file for file, and the values every
/// file shares must be what they were.
#[cfg(debug_assertions)]
fn check_against_full_selection(state: &State, memo: &NarrowMemo) {
    let site = &state.site;
    let related = crate::render::related::RelatedLists::reuse_or_compute(None, site);
    let lookup = crate::render::Lookup::with_related(site, related);
    let shared = crate::render::Shared::compute(site);
    debug_assert_eq!(shared.shared_hash(), state.shared.shared_hash());
    let plan = crate::render::plan(site, &lookup);
    debug_assert_eq!(plan.len(), memo.selected.len());
    for (target, (kept, signature)) in plan.into_iter().zip(&memo.selected) {
        let selection = crate::render::select(site, &lookup, target);
        let signature_now = selection.signature_in(site, &shared, &state.template_versions);
        debug_assert_eq!(selection.output, kept.output);
        debug_assert_eq!(signature_now, *signature);
    }
}
