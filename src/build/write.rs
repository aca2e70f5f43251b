//! Publishing a build: one writer for both ways a site reaches the disk.
//! A first build (or a rebuild touching much of the site) renders every
//! file into a staging folder that is swapped in whole; a small rebuild
//! renders only the files whose signature moved, and replaces them in the
//! live site one by one, after every one of them rendered. Either way the
//! same steps run in the same order (templates, feeds and screens, photos,
//! copies) and one [`RebuildReport`] comes back; the memo in [`State`] is
//! updated only once the files are on disk.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::build::kept_search::KeptSearch;
use crate::build::made::{Made, concat, ok_batches, photos_after};
use crate::build::output::{self, CopyJob};
use crate::build::render_order;
use crate::build::selections::NarrowMemo;
use crate::build::staging::Staging;
use crate::build::state::{RebuildReport, Scope, State};
use crate::content::schedule;
use crate::error::{Error, Errors};
use crate::images;
use crate::lang::tr;
use crate::render::aliases;
use crate::render::feeds;
use crate::render::theme::StaticSource;
use crate::render::{self, Output, Rendered, Selection};
use crate::screens;
use crate::search;
use crate::spool::Spool;
use crate::timings::Timings;

/// A rebuild touching more than this share of the site's files is written
/// as a whole new site and swapped in, like a first build.
const SWAP_SHARE: usize = 4;

/// How the files of a build reach the output folder.
pub(super) enum Sink<'a> {
    /// Into a staging folder, as they are rendered; swapped in at the end.
    Whole(Box<Staging>),
    /// Into the live site, file by file, once everything rendered.
    /// `touched` are source files whose copies must be refreshed even if
    /// they come from the same place.
    Live {
        output_dir: &'a Path,
        touched: &'a [PathBuf],
    },
}

/// Writes the whole site into a staging folder and swaps it in.
pub(super) fn publish_whole(
    state: &mut State,
    output_dir: &Path,
    scope: Scope,
) -> Result<RebuildReport, Errors> {
    let mut timings = Timings::default();
    let root = state.site.root.clone();
    // Preparing the staging folder (a killed swap put back, the spare taken,
    // the output record read) needs nothing selected: it runs alongside.
    let (selected, staging) = timings.time("select", || {
        rayon::join(|| select_all(state), || Staging::begin(&root, output_dir))
    });
    let sink = Sink::Whole(Box::new(staging?));
    publish(state, sink, scope, (selected, timings))
}

/// Renders what changed and updates the live site file by file; a rebuild
/// that touches much of the site is swapped in whole instead.
pub(super) fn publish_changes(
    state: &mut State,
    output_dir: &Path,
    scope: Scope,
    touched: &[PathBuf],
) -> Result<RebuildReport, Errors> {
    let sink = Sink::Live {
        output_dir,
        touched,
    };
    let mut timings = Timings::default();
    let selected = timings.time("select", || select_all(state));
    publish(state, sink, scope, (selected, timings))
}

/// Publishes the `selected` files (every file the site has, with its
/// signature) through `sink`; `timings` has the phases so far.
fn publish(
    state: &mut State,
    sink: Sink<'_>,
    scope: Scope,
    (selected, mut timings): (Vec<(Selection, u64)>, Timings),
) -> Result<RebuildReport, Errors> {
    let whole = matches!(sink, Sink::Whole(_));
    let chosen = render_order::chosen_files(state, &selected, whole);
    // A rebuild touching much of the site is swapped in whole; so is one
    // whose output folder has gone (deleted by hand): changing only the
    // files that moved would publish a fraction of the site.
    if let Sink::Live { output_dir, .. } = sink
        && ((chosen.len() > selected.len() / SWAP_SHARE && chosen.len() > 64)
            || !output_dir.is_dir())
    {
        let sink = Sink::Whole(Box::new(Staging::begin(&state.site.root, output_dir)?));
        return publish(state, sink, scope, (selected, timings));
    }
    let chosen = render_order::in_render_order(state, chosen, whole);
    let search_memo = std::mem::take(&mut state.search_memo);
    let (made, search) = render_and_index(state, &sink, &chosen, search_memo, &mut timings);
    state.shared.keep_cards();
    let search::IndexFiles {
        files: search_files,
        kept: search_kept,
        memo: search_memo,
    } = search;
    let mut batches = made?;
    let sitemap_signature = feeds::sitemap_signature(&state.site);
    let with_sitemap = whole || sitemap_signature != state.sitemap_signature;
    let (mut machine_read, feed_lists) =
        timings.time("feeds", || feeds::render_feeds(&state.site, with_sitemap));
    let (screen_files, screen_photos) = timings.time("screens", || {
        screens::render_screens(&state.site, Some(&state.images))
    });
    machine_read.extend(screen_files);
    machine_read.extend(aliases::render_aliases(&state.site));
    machine_read.extend(render::station::opening_script(&state.site));
    machine_read.extend(search_files);
    batches.push(timings.time("write feeds, screens, search", || {
        put_all(state, &sink, machine_read)
    })?);
    let made = concat(batches);
    let targets: HashSet<&str> = selected.iter().map(|(s, _)| s.output.as_str()).collect();
    let photos_of = photos_after(state, &made, &targets);
    let used = used_images(state, &photos_of, &screen_photos);
    let images_made = timings.time("photos", || produce_images(state, &used))?;
    let copies = copy_jobs(state, &used);
    refuse_unread_bodies(state.site.spool.as_deref())?;
    let finishing = Instant::now();
    let mut report = match sink {
        Sink::Whole(staging) => finish_whole(state, *staging, &made, &copies, &used)?,
        Sink::Live {
            output_dir,
            touched,
        } => {
            let made = (&made[..], &targets, &search_kept[..]);
            finish_live(state, output_dir, touched, made, &copies)?
        }
    };
    timings.record("copy and swap", finishing.elapsed());
    report.timings = timings;
    state.photos_of = photos_of;
    state.search_memo = search_memo;
    state.screen_photos = screen_photos;
    state.sitemap_signature = sitemap_signature;
    state.copies = copies.into_iter().map(|job| (job.to, job.source)).collect();
    report.scope = scope;
    report.rendered = chosen.len();
    drop((chosen, targets));
    state.next_change = schedule::next_change(&state.site);
    state.narrow = state
        .keep_memos
        .then(|| NarrowMemo::new(&state.site, selected, feed_lists, &state.next_change));
    report.images_made = images_made;
    report.pages = state.site.pages.len();
    report.sections = state.site.sections.len();
    Ok(report)
}

/// Renders the chosen files and, at the same time, the search index: it
/// needs only the loaded site, so it is made on whichever thread is free.
fn render_and_index(
    state: &State,
    sink: &Sink<'_>,
    chosen: &[&(Selection, u64)],
    search_memo: search::Memo,
    timings: &mut Timings,
) -> (Result<Vec<Vec<Made>>, Errors>, search::IndexFiles) {
    let whole = matches!(sink, Sink::Whole(_));
    let rendering = Instant::now();
    let (rendered, (search, early, search_time)) = rayon::join(
        || render_templates(state, sink, chosen),
        || {
            let started = Instant::now();
            // Index files ready before the index is done go to the sink
            // at once, so a big site never holds them all.
            let mut early: Vec<Result<Vec<Made>, Errors>> = Vec::new();
            let mut emit = |files| early.push(put_all(state, sink, files));
            let settings = (state.keep_memos, whole);
            let kept = match sink {
                Sink::Whole(staging) => Some(KeptSearch::new(staging, &state.site.root)),
                Sink::Live { .. } => None,
            };
            let reuse = kept.as_ref().map(|k| k as &dyn search::Reuse);
            let index =
                search::render_index(&state.site, search_memo, settings, (&mut emit, reuse));
            (index, early, started.elapsed())
        },
    );
    timings.record("render", rendering.elapsed());
    if let Ok(made) = &rendered {
        timings.record_summed("write", made.iter().map(|m| m.write_time).sum());
        timings.record_templates(made.iter().filter_map(|m| {
            let (place, time) = m.rendered_with?;
            Some((chosen.get(place)?.0.template.as_str(), time))
        }));
    }
    timings.record("search", search_time);
    (ok_batches(rendered, early), search)
}

/// Every file's selection and signature, in plan order.
pub(super) fn select_all(state: &mut State) -> Vec<(Selection, u64)> {
    let related =
        render::related::RelatedLists::reuse_or_compute(state.related.as_ref(), &state.site);
    state.related = Some(std::sync::Arc::clone(&related));
    let site = &state.site;
    let lookup = render::Lookup::with_related(site, related);
    render::plan(site, &lookup)
        .par_iter()
        .map(|&target| {
            let selection = render::select(site, &lookup, target);
            let signature = selection.signature_in(site, &state.shared, &state.template_versions);
            (selection, signature)
        })
        .collect()
}

/// Renders the chosen files in parallel, each straight into a staging sink
/// or kept for a live one; every failure is reported.
pub(super) fn render_templates(
    state: &State,
    sink: &Sink<'_>,
    chosen: &[&(Selection, u64)],
) -> Result<Vec<Made>, Errors> {
    let results: Vec<Result<Made, Error>> = chosen
        .par_iter()
        .enumerate()
        .map(|(place, (selection, signature))| {
            let started = Instant::now();
            let Rendered { output, photos } =
                render::render_selection(&state.site, &state.shared, &state.tera, selection)?;
            let render_time = started.elapsed();
            let mut made = put(state, sink, output)?;
            made.rendered_with = Some((place, render_time));
            made.signature = Some(*signature);
            made.photos = photos;
            made.is_page = selection.is_page();
            Ok(made)
        })
        .collect();
    collect(results)
}

/// Feeds, sitemap, screen and search files into the sink, in parallel
/// (the search index alone is thousands of small files).
pub(super) fn put_all(
    state: &State,
    sink: &Sink<'_>,
    outputs: Vec<Output>,
) -> Result<Vec<Made>, Errors> {
    let results: Vec<Result<Made, Error>> = outputs
        .into_par_iter()
        .map(|output| put(state, sink, output))
        .collect();
    collect(results)
}

fn collect(results: Vec<Result<Made, Error>>) -> Result<Vec<Made>, Errors> {
    let mut errors = Errors::default();
    let made: Vec<Made> = results
        .into_iter()
        .filter_map(|result| errors.keep(result))
        .collect();
    errors.into_result(made)
}

/// Hands one file to the sink: a staging sink writes it now (hard-linking
/// it from the current site if its bytes did not change); a live sink
/// keeps it if its bytes changed.
fn put(state: &State, sink: &Sink<'_>, output: Output) -> Result<Made, Error> {
    let hash = output.content_hash();
    let unchanged = state.hashes.get(&output.path).map(|&old| old == hash);
    let changed = unchanged != Some(true);
    let path = output.path.clone();
    let started = Instant::now();
    let kept = match sink {
        Sink::Whole(staging) => {
            staging.write(&output, unchanged, hash)?;
            None
        }
        Sink::Live { .. } => changed.then_some(output),
    };
    Ok(Made {
        path,
        signature: None,
        hash,
        changed,
        output: kept,
        photos: Vec::new(),
        is_page: false,
        write_time: started.elapsed(),
        rendered_with: None,
    })
}

/// Fails the build if a spooled page body could not be read back: the
/// files that showed it were rendered without it, and must not replace
/// the site that is live.
fn refuse_unread_bodies(spool: Option<&Spool>) -> Result<(), Errors> {
    let Some(why) = spool.and_then(Spool::failure) else {
        return Ok(());
    };
    let error = Error::in_file(
        crate::fs::WORK_DIR,
        tr!(
            "读不回已渲染的页面正文（{why}），这次构建没有发布，网站保持上一次的样子",
            "a rendered page body could not be read back ({why}); nothing was published and the site is as it was"
        ),
    )
    .with_hint(tr!(
        "检查 `.linju/` 所在的磁盘是否已满或出错，然后重新构建",
        "check the disk that holds `.linju/` (full or failing?), then build again"
    ));
    Err(Errors(vec![error]))
}

/// Copies into the staging folder, swaps it in, prunes the photo cache and
/// replaces the memo.
fn finish_whole(
    state: &mut State,
    staging: Staging,
    made: &[Made],
    copies: &[CopyJob],
    used: &BTreeSet<String>,
) -> Result<RebuildReport, Errors> {
    staging.copy_all(copies)?;
    let files = staging.files_written();
    // A one-off build has no rebuild to remember its files for: at 100,000
    // pages the maps are a copy of 260,000 paths, made at the build's end.
    let hashes: Option<HashMap<String, u64>> = state
        .keep_memos
        .then(|| made.iter().map(|m| (m.path.clone(), m.hash)).collect());
    let removed: Vec<String> = match &hashes {
        Some(hashes) => (state.hashes.keys())
            .filter(|path| !hashes.contains_key(*path))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let stale = staging.commit()?;
    state.images.prune(used);
    let mut report = RebuildReport {
        removed,
        files,
        stale,
        ..RebuildReport::default()
    };
    if let Some(hashes) = hashes {
        state.signatures = made
            .iter()
            .filter_map(|m| m.signature.map(|s| (m.path.clone(), s)))
            .collect();
        state.hashes = hashes;
        report.written = made
            .iter()
            .filter(|m| m.changed)
            .map(|m| m.path.clone())
            .collect();
        report.written.sort();
    }
    Ok(report)
}

/// Replaces changed files of the live site (copies, then pages, then
/// lists and feeds, so a reader following a fresh link finds the page),
/// removes files the site no longer has, and updates the memo.
fn finish_live(
    state: &mut State,
    output_dir: &Path,
    touched: &[PathBuf],
    (made, targets, kept): (&[Made], &HashSet<&str>, &[String]),
    copies: &[CopyJob],
) -> Result<RebuildReport, Errors> {
    let mut written = replace_copies(state, output_dir, touched, copies)?;
    replace_made(output_dir, made)?;
    written.extend(made.iter().filter(|m| m.changed).map(|m| m.path.clone()));
    for file in made {
        state.hashes.insert(file.path.clone(), file.hash);
        if let Some(signature) = file.signature {
            state.signatures.insert(file.path.clone(), signature);
        }
    }
    let removed = remove_gone(state, output_dir, (made, kept), targets, copies)?;
    written.sort();
    Ok(RebuildReport {
        written,
        removed,
        files: state.hashes.len() + copies.len(),
        ..RebuildReport::default()
    })
}

/// Replaces in the live site every made file whose bytes changed, each
/// atomically: pages first, then lists and feeds, so a reader following a
/// fresh link finds the page.
pub(super) fn replace_made(output_dir: &Path, made: &[Made]) -> Result<(), Error> {
    for pages_first in [true, false] {
        made.par_iter()
            .filter(|m| m.is_page == pages_first)
            .filter_map(|m| m.output.as_ref())
            .try_for_each(|o| output::replace_file(output_dir, &o.path, &o.bytes))?;
    }
    Ok(())
}

/// Copies whose source is new, moved, or was itself edited.
fn replace_copies(
    state: &State,
    output_dir: &Path,
    touched: &[PathBuf],
    copies: &[CopyJob],
) -> Result<Vec<String>, Error> {
    let mut written = Vec::new();
    for job in copies {
        let same_place = state
            .copies
            .get(&job.to)
            .is_some_and(|old| same_source(old, &job.source));
        let edited = matches!(&job.source, StaticSource::Disk(from) if touched.contains(from));
        if !same_place || edited {
            output::replace_with_copy(output_dir, &job.to, &job.source)?;
            written.push(job.to.clone());
        }
    }
    Ok(written)
}

/// Removes the files the site had and no longer makes: rendered files
/// whose target is gone, and copies nothing asks for. The sitemap, when
/// not re-rendered, is still the site's, and so are the `kept` files.
fn remove_gone(
    state: &mut State,
    output_dir: &Path,
    (made, kept): (&[Made], &[String]),
    targets: &HashSet<&str>,
    copies: &[CopyJob],
) -> Result<Vec<String>, Error> {
    // Template targets are most of the site and already in a set; the
    // rest (feeds, screens, copies, search files) is smaller.
    let mut others: HashSet<&str> = made.iter().map(|m| m.path.as_str()).collect();
    others.extend(kept.iter().map(String::as_str));
    others.insert(feeds::SITEMAP);
    others.extend(copies.iter().map(|job| job.to.as_str()));
    let gone: BTreeSet<String> = state
        .hashes
        .keys()
        .chain(state.copies.keys())
        .filter(|path| !targets.contains(path.as_str()) && !others.contains(path.as_str()))
        .filter(|path| !feeds::is_sitemap_part(path))
        .cloned()
        .collect();
    for path in &gone {
        output::remove_file(output_dir, path)?;
        state.hashes.remove(path);
        state.signatures.remove(path);
    }
    Ok(gone.into_iter().collect())
}

/// Whether two copies come from the same place.
fn same_source(a: &StaticSource, b: &StaticSource) -> bool {
    match (a, b) {
        (StaticSource::Disk(a), StaticSource::Disk(b)) => a == b,
        (StaticSource::Embedded(a), StaticSource::Embedded(b)) => std::ptr::eq(*a, *b),
        (StaticSource::Generated(a), StaticSource::Generated(b)) => a == b,
        _ => false,
    }
}

/// Every processed photo the site uses: its pages' and sections' bodies
/// and covers, what its rendered files refer to (`resize_image` in
/// templates included), and what the screens show.
fn used_images(
    state: &State,
    photos_of: &HashMap<String, Vec<String>>,
    screen_photos: &[String],
) -> BTreeSet<String> {
    let mut used: BTreeSet<String> = photos_of
        .values()
        .flatten()
        .filter(|name| state.images.knows(name))
        .cloned()
        .collect();
    used.extend(screen_photos.iter().cloned());
    for page in &state.site.pages {
        used.extend(page.rendered.images.iter().cloned());
        if let Some(cover) = &page.cover_image {
            used.extend(cover.files.iter().cloned());
        }
    }
    for section in &state.site.sections {
        used.extend(section.rendered.images.iter().cloned());
    }
    used
}

/// Makes the photos the cache does not have yet.
fn produce_images(state: &State, used: &BTreeSet<String>) -> Result<usize, Errors> {
    let names: Vec<String> = used.iter().cloned().collect();
    let progress = state.progress.as_ref().map(|p| p.0.as_ref());
    state.images.produce(&names, progress)
}

/// Theme and site static files, section assets and bundle files (photos
/// excepted: only their processed versions, without metadata, are
/// published), and the processed photos.
fn copy_jobs(state: &State, used_images: &BTreeSet<String>) -> Vec<CopyJob> {
    let site = &state.site;
    let mut jobs: Vec<CopyJob> = Vec::new();
    for (to, source) in state.theme_files.statics.iter().cloned() {
        jobs.retain(|job| job.to != to);
        jobs.push(CopyJob { source, to });
    }
    let assets = site
        .sections
        .iter()
        .flat_map(|s| s.assets.iter().map(move |a| (&s.path, a)))
        .chain(
            site.pages
                .iter()
                .flat_map(|p| p.assets.iter().map(move |a| (&p.path, a))),
        );
    for (path, (from, name)) in assets {
        if !images::is_raster(name) {
            jobs.push(CopyJob {
                source: StaticSource::Disk(from.clone()),
                to: format!("{path}{name}"),
            });
        }
    }
    for name in used_images {
        jobs.push(CopyJob {
            source: StaticSource::Generated(state.images.cached(name)),
            to: format!("{}/{name}", images::OUTPUT_DIR),
        });
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn a_body_the_spool_could_not_give_back_stops_the_build_before_it_publishes() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::create(dir.path()).unwrap();
        assert!(refuse_unread_bodies(None).is_ok());
        assert!(refuse_unread_bodies(Some(&spool)).is_ok());
        let written = spool.keep("<p>正文</p>").unwrap();
        assert_eq!(spool.read(written), "<p>正文</p>");
        // A read past the end of the file fails, as a failing disk would.
        let place = spool.keep("").unwrap();
        let _ = spool.read(crate::spool::Place::beyond_end_for_tests(place));
        let errors = refuse_unread_bodies(Some(&spool)).unwrap_err();
        let message = errors.0[0].render(Lang::Zh);
        assert!(
            message.contains("这次构建没有发布，网站保持上一次的样子"),
            "{message}"
        );
        assert!(message.contains("检查 `.linju/` 所在的磁盘"), "{message}");
    }
}
