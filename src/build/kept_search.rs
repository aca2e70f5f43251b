//! A one-off build's answer to the search's question "is last build's
//! result file for this page still right?", from the output record: the
//! file is kept (linked into the new site) when the record says it was
//! made from the same inputs by this same linju program and nobody has
//! touched it since. Packing result files was a tenth of a build's CPU.

use std::hash::{Hash, Hasher};
use std::time::UNIX_EPOCH;

use crate::build::staging::Staging;
use crate::search::Reuse;

/// The search's [`Reuse`] over a staging folder.
pub(super) struct KeptSearch<'a> {
    staging: &'a Staging,
    /// Which program this is; `None` when it cannot be told (then nothing
    /// is kept).
    program: Option<u64>,
}

impl<'a> KeptSearch<'a> {
    pub(super) fn new(staging: &'a Staging) -> KeptSearch<'a> {
        KeptSearch {
            staging,
            program: program_identity(),
        }
    }

    /// `from` tied to the program that makes the file: another linju (a
    /// new version, or the same one built again) may pack or word a
    /// result differently, so what it finds of this one's is never kept.
    fn with_program(&self, from: u64) -> Option<u64> {
        let mut hasher = crate::hash::fingerprint();
        (self.program?, from).hash(&mut hasher);
        Some(hasher.finish().max(1))
    }
}

impl Reuse for KeptSearch<'_> {
    fn keep(&self, path: &str, from: u64) -> Option<u64> {
        self.staging.keep_made_from(path, self.with_program(from)?)
    }

    fn made_from(&self, path: &str, from: u64) {
        if let Some(from) = self.with_program(from) {
            self.staging.made_from(path, from);
        }
    }
}

/// The running program's path, length and modification time.
fn program_identity() -> Option<u64> {
    let program = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(&program).ok()?;
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let mut hasher = crate::hash::fingerprint();
    (program, metadata.len(), modified.as_nanos()).hash(&mut hasher);
    Some(hasher.finish())
}
