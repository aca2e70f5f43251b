//! A rendered body's HTML, held in memory or spooled to disk.

use std::borrow::Cow;
use std::sync::Arc;

use crate::spool::{Place, Spool};

/// A rendered body's HTML. Builds under `serve` hold it (shared: a reload
/// takes every unchanged page from the last load); a one-off build spools
/// it as each page's Markdown is rendered (see `crate::spool`), and every
/// reader reads it back with [`Html::text`].
#[derive(Clone)]
pub struct Html(Repr);

#[derive(Clone)]
enum Repr {
    Held(Arc<str>),
    Spooled(Arc<Spool>, Place),
}

impl Html {
    /// The HTML.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Held(text) => Cow::Borrowed(text),
            Repr::Spooled(spool, place) => Cow::Owned(spool.read(*place)),
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Held(text) => text.len(),
            Repr::Spooled(_, place) => place.len(),
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the HTML to `spool`; it stays in memory if the spool cannot
    /// take it.
    pub fn spool_into(&mut self, spool: &Arc<Spool>) {
        if let Repr::Held(text) = &self.0
            && let Some(place) = spool.keep(text)
        {
            self.0 = Repr::Spooled(Arc::clone(spool), place);
        }
    }
}

impl Default for Html {
    fn default() -> Self {
        Html(Repr::Held(Arc::from("")))
    }
}

impl From<String> for Html {
    fn from(text: String) -> Self {
        Html(Repr::Held(text.into()))
    }
}

impl From<&str> for Html {
    fn from(text: &str) -> Self {
        Html(Repr::Held(text.into()))
    }
}

/// The length only: a page's `Debug` is printed in test failures, and a
/// spooled body is not read for it.
impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = match self.0 {
            Repr::Held(_) => "held",
            Repr::Spooled(..) => "spooled",
        };
        write!(f, "Html({kept}, {} bytes)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spooled_body_reads_back_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Arc::new(Spool::create(dir.path()).unwrap());
        let mut html = Html::from("<p>居民议事会</p>".to_string());
        let held = html.clone();
        html.spool_into(&spool);
        assert!(matches!(html.0, Repr::Spooled(..)));
        assert_eq!(html.text(), held.text());
        assert_eq!(html.len(), held.len());
        assert!(matches!(held.text(), Cow::Borrowed(_)));
    }
}
