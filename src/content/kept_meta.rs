//! Pages' front matter as a one-off build read it, kept for the next in
//! `.linju/front-matter/` (through `kept_bytes`) by a hash of the YAML
//! text: parsing YAML was a tenth of a 10,000-page rebuild's CPU, reading
//! the same fields back as JSON a fraction of that.
//!
//! Front matter is kept only when its JSON reads back equal to what the
//! YAML gave, so a field that does not survive the trip is never kept
//! wrong, only parsed again. Everything checked against the YAML text
//! (lines of errors, screens, covers) is still checked against it.

use std::path::Path;
use std::sync::Mutex;

use crate::content::frontmatter::PageFrontMatter;
use crate::kept_bytes::KeptBytes;

/// The front matter the last one-off build kept, and the keys this one
/// used.
pub struct KeptMeta {
    kept: KeptBytes,
    used: Mutex<Vec<u64>>,
}

impl KeptMeta {
    /// What the site at `root` kept; `None` when nothing can be kept.
    pub fn open(root: &Path) -> Option<KeptMeta> {
        Some(KeptMeta {
            kept: KeptBytes::open(root, "front-matter")?,
            used: Mutex::default(),
        })
    }

    /// The front matter of the YAML text `yaml`, from the last build or
    /// from `parse`; what `parse` gives is kept when it reads back whole.
    pub fn parse<E>(
        &self,
        yaml: &str,
        parse: impl FnOnce() -> Result<PageFrontMatter, E>,
    ) -> Result<PageFrontMatter, E> {
        let key = crate::hash::hash_bytes(yaml.as_bytes());
        if let Some(meta) = self.get(key) {
            self.used(key);
            return Ok(meta);
        }
        let meta = parse()?;
        if let Ok(json) = serde_json::to_vec(&meta)
            && serde_json::from_slice::<PageFrontMatter>(&json).is_ok_and(|back| back == meta)
        {
            self.kept.put(key, &json);
            self.used(key);
        }
        Ok(meta)
    }

    fn get(&self, key: u64) -> Option<PageFrontMatter> {
        let meta = serde_json::from_slice(&self.kept.get(key)?).ok();
        if meta.is_none() {
            self.kept.spoilt(key);
        }
        meta
    }

    fn used(&self, key: u64) {
        if let Ok(mut used) = self.used.lock() {
            used.push(key);
        }
    }

    /// Keeps what the next build needs: the front matter this one read.
    pub fn finish(self) {
        let used = self.used.into_inner().unwrap_or_default();
        self.kept.finish(&used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::parse_page;

    const YAML: &str = "title: 楼道议事会\ndate: 2025-09-03 19:00\ntags: [议事, 楼道]\nsteps:\n  proposal:\n    date: 2025-08-10\n    done: true\n";

    fn parse(yaml: &str) -> Result<PageFrontMatter, crate::error::Error> {
        parse_page(Path::new("content/events/a.md"), yaml)
    }

    #[test]
    fn the_next_build_takes_the_front_matter_without_parsing_it() {
        let root = tempfile::tempdir().unwrap();
        let first = KeptMeta::open(root.path()).unwrap();
        let meta = first.parse(YAML, || parse(YAML)).unwrap();
        first.finish();
        let next = KeptMeta::open(root.path()).unwrap();
        let again = next.parse(YAML, || -> Result<_, ()> { panic!("parsed again") });
        assert_eq!(again.unwrap(), meta);
        assert_eq!(meta.title.as_deref(), Some("楼道议事会"));
        assert!(meta.steps.is_some());
    }

    #[test]
    fn front_matter_that_does_not_survive_the_trip_is_parsed_every_time() {
        // JSON has no NaN: this latitude would not read back.
        let yaml = "title: 服务站\ngeo: {lat: .nan, lng: 120.1}\n";
        let root = tempfile::tempdir().unwrap();
        let first = KeptMeta::open(root.path()).unwrap();
        assert!(first.parse(yaml, || parse(yaml)).unwrap().geo.is_some());
        first.finish();
        let next = KeptMeta::open(root.path()).unwrap();
        let mut parsed = false;
        let meta = next.parse(yaml, || {
            parsed = true;
            parse(yaml)
        });
        assert!(parsed && meta.is_ok());
    }

    #[test]
    fn an_error_is_the_parser_s_and_nothing_is_kept() {
        let yaml = "title: [unclosed\n";
        let root = tempfile::tempdir().unwrap();
        let first = KeptMeta::open(root.path()).unwrap();
        assert!(first.parse(yaml, || parse(yaml)).is_err());
        first.finish();
        let next = KeptMeta::open(root.path()).unwrap();
        assert!(next.parse(yaml, || parse(yaml)).is_err());
    }
}
