//! A one-off build's answer to the search's question "is last build's
//! result file for this page still right?", from the output record: the
//! file is kept (linked into the new site) when the record says it was
//! made from the same inputs by this same linju program and nobody has
//! touched it since. Packing result files was a tenth of a build's CPU.

use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::build::staging::Staging;
use crate::kept_bytes::{KeptBytes, program_identity};
use crate::search::Reuse;
use crate::search::documents::Content;
use crate::search::token_file;

/// The search's [`Reuse`] over a staging folder.
pub(super) struct KeptSearch<'a> {
    staging: &'a Staging,
    /// Which program this is; `None` when it cannot be told (then nothing
    /// is kept).
    program: Option<u64>,
    /// The pages' tokens from the last build, and this one's, by each
    /// page's fingerprint (`.linju/search-tokens/`).
    tokens: Option<KeptBytes>,
}

impl<'a> KeptSearch<'a> {
    /// What the last build into `staging`'s output left, for the site at
    /// `root`.
    pub(super) fn new(staging: &'a Staging, root: &Path) -> KeptSearch<'a> {
        KeptSearch {
            staging,
            program: program_identity(),
            tokens: KeptBytes::open(root, "search-tokens"),
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

    fn tokens(&self, from: u64) -> Option<Content> {
        let tokens = self.tokens.as_ref()?;
        let content = token_file::decode(&tokens.get(from)?);
        if content.is_none() {
            tokens.spoilt(from);
        }
        content
    }

    fn tokens_made(&self, from: u64, content: &Content) {
        if let Some(tokens) = &self.tokens {
            let mut bytes = Vec::new();
            token_file::encode(content, &mut bytes);
            tokens.put(from, &bytes);
        }
    }

    fn tokens_used(&self, all: &[u64]) {
        if let Some(tokens) = &self.tokens {
            tokens.finish(all);
        }
    }
}
