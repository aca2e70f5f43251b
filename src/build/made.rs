//! The record of one file a build made, and the lists of them: joined
//! from the batches the renderer and the search hand in, and the photos
//! each file refers to.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::build::state::State;
use crate::error::Errors;
use crate::render::Output;

/// One file a build made, and what the memo keeps of it.
pub(super) struct Made {
    pub(super) path: String,
    /// Set for files rendered from templates.
    pub(super) signature: Option<u64>,
    pub(super) hash: u64,
    /// Whether its bytes differ from what is on disk.
    pub(super) changed: bool,
    /// The bytes, kept for a live sink (a staging sink wrote them already).
    pub(super) output: Option<Output>,
    /// Processed photos it refers to.
    pub(super) photos: Vec<String>,
    /// How long writing it took (a staging sink writes as it renders).
    pub(super) write_time: Duration,
    /// For a file rendered from a template: its place among the files
    /// chosen to render (which says its template), and how long making its
    /// values and rendering took.
    pub(super) rendered_with: Option<(usize, Duration)>,
    /// A page's own file (written before lists on a live site).
    pub(super) is_page: bool,
}

/// The files of several batches, or every problem any of them had.
pub(super) fn ok_batches(
    first: Result<Vec<Made>, Errors>,
    rest: Vec<Result<Vec<Made>, Errors>>,
) -> Result<Vec<Vec<Made>>, Errors> {
    let mut errors = Errors::default();
    let mut batches = Vec::new();
    for batch in std::iter::once(first).chain(rest) {
        match batch {
            Ok(files) => batches.push(files),
            Err(problems) => problems.0.into_iter().for_each(|e| errors.push(e)),
        }
    }
    errors.into_result(batches)
}

/// The batches as one list, allocated once: joined as they came, the list
/// of a 100,000-page site's 260,000 files was copied into a twice as big
/// one at the end of the build, its memory peak.
pub(super) fn concat(batches: Vec<Vec<Made>>) -> Vec<Made> {
    let mut made = Vec::with_capacity(batches.iter().map(Vec::len).sum());
    batches.into_iter().for_each(|batch| made.extend(batch));
    made
}

/// Output path → photos it refers to, after this build: the files it made,
/// plus what the site's other files referred to when they were last
/// rendered (files the site no longer has are dropped).
pub(super) fn photos_after(
    state: &State,
    made: &[Made],
    targets: &HashSet<&str>,
) -> HashMap<String, Vec<String>> {
    let mut photos_of: HashMap<String, Vec<String>> = state
        .photos_of
        .iter()
        .filter(|(path, _)| targets.contains(path.as_str()))
        .map(|(path, names)| (path.clone(), names.clone()))
        .collect();
    for file in made.iter().filter(|m| m.signature.is_some()) {
        if file.photos.is_empty() {
            photos_of.remove(&file.path);
        } else {
            photos_of.insert(file.path.clone(), file.photos.clone());
        }
    }
    photos_of
}
